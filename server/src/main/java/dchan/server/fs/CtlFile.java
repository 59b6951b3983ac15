package dchan.server.fs;

/** The root's {@code ctl}: write commands, read the configuration (semantics.md section 7). */
public final class CtlFile extends Node {
  CtlFile(long qidPath, Dir root) {
    super(qidPath, "ctl", root);
  }

  @Override
  public int perm() {
    return 0666;
  }
}
