package dchan.server.cluster;

import dchan.server.cluster.ClusterNode.GroupStatus;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.StateSetSnapshot;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The {@code cluster} file's numbers for Prometheus, registered beside {@code Metrics} on a
 * cluster node: per group ({@code group} label) this node's role as a state set, the term, the
 * commit and applied indexes, waiting requests and buffered bytes, and, where this node leads, each
 * follower's lag ({@code follower} label). Built at each scrape from {@link ClusterNode#status()}.
 */
public final class ClusterMetrics implements MultiCollector {
  private static final String[] ROLES = {"leader", "follower", "candidate", "listener", "unknown"};
  private final ClusterNode node;

  public ClusterMetrics(ClusterNode node) {
    this.node = node;
  }

  @Override
  public MetricSnapshots collect() {
    List<GroupStatus> groups = node.status();
    MetricSnapshots.Builder out = MetricSnapshots.builder();
    StateSetSnapshot.Builder role = StateSetSnapshot.builder().name("dchan_cluster_role")
        .help("This node's role in each Raft group.");
    for (GroupStatus g : groups) {
      StateSetSnapshot.StateSetDataPointSnapshot.Builder p = StateSetSnapshot.StateSetDataPointSnapshot.builder()
          .labels(Labels.of("group", Integer.toString(g.group())));
      for (String r : ROLES) {
        p.state(r, r.equals(g.role()));
      }
      role.dataPoint(p.build());
    }
    out.metricSnapshot(role.build());
    gauge(out, groups, "dchan_cluster_term", "The group's current Raft term as this node knows it.", GroupStatus::term);
    gauge(out, groups, "dchan_cluster_commit_index", "The group's last committed log index on this node.", GroupStatus::commit);
    gauge(out, groups, "dchan_cluster_applied_index", "The group's last log index applied to this node's channels.", GroupStatus::applied);
    gauge(out, groups, "dchan_cluster_waiting", "Requests (of every node) waiting in the group's channels.", GroupStatus::waiting);
    gauge(out, groups, "dchan_cluster_buffered_bytes", "Bytes buffered in the group's channels.", GroupStatus::bufferedBytes);
    GaugeSnapshot.Builder lag = GaugeSnapshot.builder().name("dchan_cluster_follower_lag_entries")
        .help("Where this node leads a group: how many log entries each follower is behind the commit index.");
    for (GroupStatus g : groups) {
      for (Map.Entry<String, Long> e : g.followerLag().entrySet()) {
        lag.dataPoint(GaugeDataPointSnapshot.builder()
            .labels(Labels.of("group", Integer.toString(g.group()), "follower", e.getKey()))
            .value(e.getValue()).build());
      }
    }
    out.metricSnapshot(lag.build());
    return out.build();
  }

  private static void gauge(MetricSnapshots.Builder out, List<GroupStatus> groups, String name, String help,
      ToDoubleFunction<GroupStatus> value) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    for (GroupStatus g : groups) {
      b.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("group", Integer.toString(g.group())))
          .value(value.applyAsDouble(g)).build());
    }
    out.metricSnapshot(b.build());
  }
}
