package dchan.server.cluster;

import dchan.server.cluster.ClusterNode.GroupStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The {@code cluster} file, present only on a cluster node (docs/cluster.md section 9): one
 * tab-separated line per Raft group as this node sees it — the group, this node's role in it
 * (leader, follower, candidate, listener), the leader it knows, the term, its commit and applied
 * indexes, the requests waiting in the group's channels, the bytes buffered in them, and, where
 * this node leads, each follower's lag in log entries behind the commit index ({@code n2=0,n3=4};
 * "-" elsewhere). Built on the snapshot thread.
 */
public final class ClusterTable {
  public static final String HEADER = "group\trole\tleader\tterm\tcommit\tapplied\twaiting\tbuffered-bytes\tlag\n";
  private final ClusterNode node;

  public ClusterTable(ClusterNode node) {
    this.node = node;
  }

  public byte[] text() {
    List<GroupStatus> groups = node.status();
    StringBuilder sb = new StringBuilder(HEADER.length() + groups.size() * 64).append(HEADER);
    for (GroupStatus g : groups) {
      sb.append(g.group()).append('\t').append(g.role()).append('\t').append(g.leader()).append('\t')
          .append(g.term()).append('\t').append(g.commit()).append('\t').append(g.applied()).append('\t')
          .append(g.waiting()).append('\t').append(g.bufferedBytes()).append('\t');
      if (g.followerLag().isEmpty()) {
        sb.append('-');
      }
      String sep = "";
      for (Map.Entry<String, Long> e : g.followerLag().entrySet()) {
        sb.append(sep).append(e.getKey()).append('=').append(e.getValue());
        sep = ",";
      }
      sb.append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
