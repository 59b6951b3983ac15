package dchan.server.fs;

/** The root's read-only {@code stats} (semantics.md section 8). */
public final class StatsFile extends Node {
  StatsFile(long qidPath, Dir root) {
    super(qidPath, "stats", root);
  }

  @Override
  public int perm() {
    return 0444;
  }
}
