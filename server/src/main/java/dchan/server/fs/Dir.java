package dchan.server.fs;

import java.util.TreeMap;

/** A directory: a namespace for channels. Children guarded by the Tree's lock. */
public final class Dir extends Node {
  final TreeMap<String, Node> children = new TreeMap<>();

  Dir(long qidPath, String name, Dir parent) {
    super(qidPath, name, parent);
  }

  @Override
  public boolean isDir() {
    return true;
  }

  @Override
  public int perm() {
    return 0777;
  }
}
