package dchan.server.cluster;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node's view of its cluster (the cluster flags): its name, every node's Raft address (this one's
 * included, in the order given: group g prefers node g mod N as leader), where its log and
 * snapshots live, how many groups, whether the log is forced to disk before an entry counts,
 * after how long a silent node is declared down, and every how many entries a group snapshots.
 */
public record ClusterConfig(String node, Map<String, String> peers, Path dataDir, int groups,
    boolean fsync, long nodeTimeoutMillis, long snapshotEvery) {

  public ClusterConfig {
    peers = Collections.unmodifiableMap(new LinkedHashMap<>(peers));
  }

  /**
   * Parses "n1=host:port,n2=host:port" for node; IllegalArgumentException names what is wrong.
   */
  public static ClusterConfig parse(String node, String cluster, Path dataDir, int groups,
      boolean fsync, long nodeTimeoutMillis, long snapshotEvery) {
    if (node == null || cluster == null || dataDir == null) {
      throw new IllegalArgumentException("--node, --cluster and --data-dir go together");
    }
    Map<String, String> peers = new LinkedHashMap<>();
    for (String p : cluster.split(",")) {
      int eq = p.indexOf('=');
      int colon = p.lastIndexOf(':');
      if (eq <= 0 || colon < eq + 2) {
        throw new IllegalArgumentException("--cluster wants NAME=HOST:PORT,...; not " + p);
      }
      String name = p.substring(0, eq).trim();
      if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
        throw new IllegalArgumentException("--cluster: a node name is letters, digits, _ . -: " + name);
      }
      try {
        int port = Integer.parseInt(p.substring(colon + 1));
        if (port < 1 || port > 65535) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--cluster: bad port in " + p);
      }
      if (peers.put(name, p.substring(eq + 1).trim()) != null) {
        throw new IllegalArgumentException("--cluster names " + name + " twice");
      }
    }
    if (!peers.containsKey(node)) {
      throw new IllegalArgumentException("--node " + node + " is not in --cluster");
    }
    if (groups < 1 || groups > 1024) {
      throw new IllegalArgumentException("--groups must be 1 to 1024");
    }
    if (nodeTimeoutMillis < 1000) {
      throw new IllegalArgumentException("--node-timeout must be at least 1 second");
    }
    if (snapshotEvery < 10) {
      throw new IllegalArgumentException("--snapshot-every must be at least 10 entries");
    }
    return new ClusterConfig(node, peers, dataDir, groups, fsync, nodeTimeoutMillis, snapshotEvery);
  }

  /** This node's Raft port. */
  int port() {
    String a = peers.get(node);
    return Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
  }
}
