package dchan.server.fs;

import dchan.server.wire.Qid;

/**
 * A file in the tree. Identity is {@link #qidPath}, never reused. {@code name}, {@code parent} and
 * {@code depth} change only under the {@link Tree}'s lock; {@code parent == null} once removed
 * (the root is its own parent).
 */
public abstract sealed class Node permits Dir, ChannelFile, SpecialFile {
  public final long qidPath;
  String name;
  Dir parent;
  /** Directories from the root: 0 for the root, 1 for its children. */
  int depth;
  private volatile long mtimeMillis = System.currentTimeMillis();

  Node(long qidPath, String name, Dir parent) {
    this.qidPath = qidPath;
    this.name = name;
    this.parent = parent;
    this.depth = parent == null ? 0 : parent.depth + 1;
  }

  public final String name() {
    return name;
  }

  public final Qid qid() {
    return new Qid(isDir() ? Qid.QTDIR : Qid.QTFILE, 0, qidPath);
  }

  public boolean isDir() {
    return false;
  }

  /** Permission bits (rwx for user, group, other) reported to clients. */
  public abstract int perm();

  public long mtimeMillis() {
    return mtimeMillis;
  }

  public void touch(long millis) {
    mtimeMillis = millis;
  }
}
