package dchan.server.fs;

/**
 * The server's own files at the root: {@code ctl} (write commands, read the configuration),
 * {@code stats}, {@code limits} and {@code clients} (read-only tables), and on a cluster node
 * {@code cluster} (docs/cluster.md). They cannot be removed, renamed or created; reads from offset
 * 0 take a snapshot of the generated text (semantics.md sections 7, 8).
 */
public final class SpecialFile extends Node {
  /** Which file, with the name it has at the root. */
  public enum Kind {
    CTL("ctl", 0666, false),
    STATS("stats", 0444, false),
    LIMITS("limits", 0444, false),
    CLIENTS("clients", 0444, false),
    CLUSTER("cluster", 0444, true);

    public final String fileName;
    final int perm;
    /** Present only on a cluster node. */
    public final boolean clusterOnly;

    Kind(String fileName, int perm, boolean clusterOnly) {
      this.fileName = fileName;
      this.perm = perm;
      this.clusterOnly = clusterOnly;
    }
  }

  public final Kind kind;

  SpecialFile(long qidPath, Kind kind, Dir root) {
    super(qidPath, kind.fileName, root);
    this.kind = kind;
  }

  public boolean writable() {
    return kind == Kind.CTL;
  }

  @Override
  public int perm() {
    return kind.perm;
  }
}
