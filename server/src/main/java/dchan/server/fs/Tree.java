package dchan.server.fs;

import dchan.server.limits.Limit;
import dchan.server.wire.Errno;
import dchan.server.wire.P9Error;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The namespace: the root with its special files, directories, channel files (semantics.md
 * section 1). One lock (this object) guards names, parents, depths and children; channel
 * operations happen outside it, and no walk of the tree recurses (a deep tree cannot overflow the
 * stack).
 *
 * <p>Limits, each refused with a clear errno when a create, mkdir or rename would pass it: at most
 * {@code maxFiles} channels and directories (ENOSPC), names of at most {@link #MAX_NAME} UTF-8
 * bytes and paths of at most {@link #MAX_PATH} (ENAMETOOLONG), at most {@code maxDepth} directory
 * levels (ENAMETOOLONG), and no control characters in names (EINVAL), so that every line of ctl
 * and stats is one line.
 */
public final class Tree {
  public static final int MAX_NAME = 255;
  public static final int MAX_PATH = 4095;

  private final AtomicLong nextQidPath = new AtomicLong(1);
  private final int maxFiles;
  private final int maxDepth;
  /** Channels and directories, the root and its special files excluded. Guarded by this. */
  private int files;
  /** Every live channel, for the rate sampler (which must not take the tree lock). */
  private final Set<ChannelFile> live = ConcurrentHashMap.newKeySet();
  /** Told the bytes of the buffered messages a removed channel drops (the memory budget). */
  private volatile LongConsumer droppedBytes = n -> {};

  public final Dir root;
  private boolean frozen; // guarded by this
  private final Map<SpecialFile.Kind, SpecialFile> special = new EnumMap<>(SpecialFile.Kind.class);

  public Tree(int maxFiles, int maxDepth) {
    this(maxFiles, maxDepth, false);
  }

  /** A tree whose root also holds the cluster-only special files if cluster is true. */
  public Tree(int maxFiles, int maxDepth, boolean cluster) {
    this.maxFiles = maxFiles;
    this.maxDepth = maxDepth;
    root = new Dir(nextQidPath.getAndIncrement(), "/", null);
    root.parent = root;
    for (SpecialFile.Kind k : SpecialFile.Kind.values()) {
      if (k.clusterOnly && !cluster) {
        continue;
      }
      SpecialFile f = new SpecialFile(nextQidPath.getAndIncrement(), k, root);
      special.put(k, f);
      root.children.put(k.fileName, f);
    }
  }

  public SpecialFile special(SpecialFile.Kind kind) {
    return special.get(kind);
  }

  public void onDroppedBytes(LongConsumer hook) {
    droppedBytes = hook;
  }

  public int maxFiles() {
    return maxFiles;
  }

  public int maxDepth() {
    return maxDepth;
  }

  /** Channels and directories now in the tree. */
  public synchronized int files() {
    return files;
  }

  /** Whether n is still reachable from the root. */
  public synchronized boolean isLive(Node n) {
    return n.parent != null;
  }

  /** The directory holding n. */
  public synchronized Dir parent(Node n) throws P9Error {
    if (n.parent == null) {
      throw new P9Error(Errno.ENOENT);
    }
    return n.parent;
  }

  /** One walk step: ".." goes up (and stays at the root); other names must exist. */
  public synchronized Node walk(Node from, String name) throws P9Error {
    if (!(from instanceof Dir d)) {
      throw new P9Error(Errno.ENOTDIR);
    }
    if (d.parent == null) {
      throw new P9Error(Errno.ENOENT);
    }
    if (name.equals("..")) {
      return d.parent;
    }
    Node n = d.children.get(name);
    if (n == null) {
      throw new P9Error(Errno.ENOENT);
    }
    return n;
  }

  /** EINVAL for "", "/" and control characters; EEXIST for "." and ".."; ENAMETOOLONG. */
  static void checkName(String name) throws P9Error {
    if (name.equals(".") || name.equals("..")) {
      throw new P9Error(Errno.EEXIST);
    }
    if (name.isEmpty() || name.indexOf('/') >= 0) {
      throw new P9Error(Errno.EINVAL);
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        throw new P9Error(Errno.EINVAL);
      }
    }
    if (utf8(name) > MAX_NAME) {
      throw new P9Error(Errno.ENAMETOOLONG);
    }
  }

  private static int utf8(String s) {
    return dchan.server.wire.Wire.utf8Length(s);
  }

  /** UTF-8 bytes of n's path ("/a/b" is 4); 0 for the root. */
  private int pathBytes(Node n) {
    int len = 0;
    for (Node a = n; a != root; a = a.parent) {
      len += 1 + utf8(a.name);
    }
    return len;
  }

  private Dir liveDir(Node n) throws P9Error {
    if (!(n instanceof Dir d)) {
      throw new P9Error(Errno.ENOTDIR);
    }
    if (d.parent == null) {
      throw new P9Error(Errno.ENOENT);
    }
    return d;
  }

  /** Creates a new, empty, unbuffered channel. */
  public ChannelFile createChannel(Node dir, String name) throws P9Error {
    return createChannel(dir, name, 0);
  }

  public Dir mkdir(Node dir, String name) throws P9Error {
    return mkdir(dir, name, 0);
  }

  /** As {@link #createChannel(Node, String)} with the qid path given (a cluster's replica; 0: the next). */
  public ChannelFile createChannel(Node dir, String name, long qidPath) throws P9Error {
    ChannelFile c = add(dir, name, qidPath, (path, d) -> new ChannelFile(path, name, d));
    live.add(c);
    return c;
  }

  /** As {@link #mkdir(Node, String)} with the qid path given (a cluster's replica; 0: the next). */
  public Dir mkdir(Node dir, String name, long qidPath) throws P9Error {
    return add(dir, name, qidPath, (path, d) -> new Dir(path, name, d));
  }

  private interface NodeFactory<N extends Node> {
    N create(long qidPath, Dir parent);
  }

  /** Adds a new node named name to dir: a fresh qid path; EEXIST if the name is taken. */
  private synchronized <N extends Node> N add(Node dir, String name, long qidPath, NodeFactory<N> factory)
      throws P9Error {
    Dir d = liveDir(dir);
    checkName(name);
    if (frozen) {
      throw new P9Error(Errno.EROFS, "the server is draining: no new files");
    }
    if (d.children.containsKey(name)) {
      throw new P9Error(Errno.EEXIST);
    }
    if (d.depth + 1 > maxDepth || pathBytes(d) + 1 + utf8(name) > MAX_PATH) {
      throw new P9Error(Errno.ENAMETOOLONG, Limit.DEPTH);
    }
    if (files >= maxFiles) {
      throw new P9Error(Errno.ENOSPC, Limit.FILES);
    }
    N n = factory.create(qidPath != 0 ? qidPath : nextQidPath.getAndIncrement(), d);
    d.children.put(name, n);
    files++;
    d.touch(System.currentTimeMillis());
    return n;
  }

  /** From now on no channel or directory can be created (EROFS): the server drains. */
  public synchronized void freeze() {
    frozen = true;
  }

  /** Looks a name up in a directory without walking (unlinkat, renameat). */
  public synchronized Node child(Node dir, String name) throws P9Error {
    Dir d = liveDir(dir);
    Node n = d.children.get(name);
    if (n == null) {
      throw new P9Error(Errno.ENOENT);
    }
    return n;
  }

  /**
   * Removes n from the tree. A channel is closed and its buffer dropped (readers get end-of-file,
   * writers fail); its name may be re-created at once as a new channel.
   */
  public void remove(Node n) throws P9Error {
    synchronized (this) {
      detachable(n);
      if (n instanceof Dir d && !d.children.isEmpty()) {
        throw new P9Error(Errno.ENOTEMPTY);
      }
      unlink(n);
    }
    closeRemoved(n);
  }

  private void unlink(Node n) {
    n.parent.children.remove(n.name);
    n.parent.touch(System.currentTimeMillis());
    n.parent = null;
    files--;
  }

  private void closeRemoved(Node n) {
    if (n instanceof ChannelFile c) {
      live.remove(c);
      long bytes = 0;
      for (byte[] m : c.channel().remove()) {
        bytes += m.length;
      }
      droppedBytes.accept(bytes);
    }
  }

  private void detachable(Node n) throws P9Error {
    if (n == root || n instanceof SpecialFile) {
      throw new P9Error(Errno.EPERM);
    }
    if (n.parent == null) {
      throw new P9Error(Errno.ENOENT);
    }
  }

  /** Moves n to dir/name, replacing a file or empty directory of that name (rename(2)). */
  public void rename(Node n, Node dir, String name) throws P9Error {
    Node replaced;
    synchronized (this) {
      detachable(n);
      Dir to = liveDir(dir);
      checkName(name);
      for (Dir a = to; ; a = a.parent) {
        if (a == n) {
          throw new P9Error(Errno.EINVAL); // a directory into its own subtree
        }
        if (a == root) {
          break;
        }
      }
      replaced = to.children.get(name);
      if (replaced == n) {
        return;
      }
      if (replaced != null) {
        detachable(replaced);
        if (replaced.isDir() != n.isDir()) {
          throw new P9Error(replaced.isDir() ? Errno.EISDIR : Errno.ENOTDIR);
        }
        if (replaced instanceof Dir rd && !rd.children.isEmpty()) {
          throw new P9Error(Errno.ENOTEMPTY);
        }
      }
      int shift = to.depth + 1 - n.depth;
      int[] extent = extent(n); // deepest level and longest path below n
      if (extent[0] + shift > maxDepth
          || pathBytes(to) + 1 + utf8(name) + extent[1] > MAX_PATH) {
        throw new P9Error(Errno.ENAMETOOLONG, Limit.DEPTH);
      }
      if (replaced != null) {
        unlink(replaced);
      }
      n.parent.children.remove(n.name);
      n.parent.touch(System.currentTimeMillis());
      n.name = name;
      n.parent = to;
      to.children.put(name, n);
      to.touch(System.currentTimeMillis());
      if (shift != 0) {
        forEachBelow(n, x -> x.depth += shift);
      }
    }
    if (replaced != null) {
      closeRemoved(replaced);
    }
  }

  /**
   * For n and everything below it: the largest depth, and the longest path relative to n (UTF-8
   * bytes after n's own name, e.g. 4 for "/a/b" below n). Iterative; call with the lock held.
   */
  private int[] extent(Node n) {
    int[] e = {n.depth, 0};
    ArrayDeque<Object[]> stack = new ArrayDeque<>();
    stack.push(new Object[] {n, 0});
    while (!stack.isEmpty()) {
      Object[] top = stack.pop();
      Node x = (Node) top[0];
      int rel = (Integer) top[1];
      e[0] = Math.max(e[0], x.depth);
      e[1] = Math.max(e[1], rel);
      if (x instanceof Dir d) {
        for (Node c : d.children.values()) {
          stack.push(new Object[] {c, rel + 1 + utf8(c.name)});
        }
      }
    }
    return e;
  }

  private static void forEachBelow(Node n, java.util.function.Consumer<Node> action) {
    ArrayDeque<Node> stack = new ArrayDeque<>();
    stack.push(n);
    while (!stack.isEmpty()) {
      Node x = stack.pop();
      action.accept(x);
      if (x instanceof Dir d) {
        d.children.values().forEach(stack::push);
      }
    }
  }

  /** The children of d, by name. */
  public synchronized List<Node> list(Node dir) throws P9Error {
    return new ArrayList<>(liveDir(dir).children.values());
  }

  /** The full path from the root, e.g. "/jobs/resize"; "/" for the root. */
  public synchronized String path(Node n) {
    if (n == root) {
      return "/";
    }
    List<String> names = new ArrayList<>(n.depth);
    for (Node a = n; a != root && a != null; a = a.parent) {
      names.add(a.name);
    }
    Collections.reverse(names);
    return "/" + String.join("/", names);
  }

  /** Resolves an absolute path ("/a/b"), or null. */
  public synchronized Node resolve(String path) {
    if (!path.startsWith("/")) {
      return null;
    }
    Node n = root;
    for (String part : path.substring(1).split("/", -1)) {
      if (part.isEmpty()) {
        continue;
      }
      if (!(n instanceof Dir d) || (n = d.children.get(part)) == null) {
        return null;
      }
    }
    return n;
  }

  /** A channel and its path at the time of listing. */
  public record Entry(String path, ChannelFile file) {}

  /**
   * Every live channel with its path, in no particular order (sort outside the lock). The lock is
   * held only for the walk itself: O(files), no sorting, no formatting.
   */
  public synchronized List<Entry> channels() {
    List<Entry> out = new ArrayList<>(live.size());
    ArrayDeque<Object[]> stack = new ArrayDeque<>();
    stack.push(new Object[] {root, ""});
    while (!stack.isEmpty()) {
      Object[] top = stack.pop();
      Dir d = (Dir) top[0];
      String prefix = (String) top[1];
      for (Node n : d.children.values()) {
        if (n instanceof ChannelFile c) {
          out.add(new Entry(prefix + "/" + n.name, c));
        } else if (n instanceof Dir sub) {
          stack.push(new Object[] {sub, prefix + "/" + n.name});
        }
      }
    }
    return out;
  }

  /** Every live channel, without the tree lock (for the rate sampler). */
  public Iterable<ChannelFile> liveChannels() {
    return live;
  }
}
