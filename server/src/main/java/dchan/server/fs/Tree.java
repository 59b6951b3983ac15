package dchan.server.fs;

import dchan.core.Channel;
import dchan.server.wire.Errno;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The file tree: root with {@code ctl} and {@code stats}, directories, channel files. One lock
 * (this object) guards names, parents and children; channel operations happen outside it.
 */
public final class Tree {
  public static final int MAX_NAME = 255;

  private final AtomicLong nextQidPath = new AtomicLong(1);
  public final Dir root;
  public final CtlFile ctl;
  public final StatsFile stats;

  public Tree() {
    root = new Dir(nextQidPath.getAndIncrement(), "/", null);
    root.parent = root;
    ctl = new CtlFile(nextQidPath.getAndIncrement(), root);
    stats = new StatsFile(nextQidPath.getAndIncrement(), root);
    root.children.put("ctl", ctl);
    root.children.put("stats", stats);
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

  private static void checkName(String name) throws P9Error {
    if (name.equals(".") || name.equals("..")) {
      throw new P9Error(Errno.EEXIST);
    }
    if (name.isEmpty() || name.indexOf('/') >= 0) {
      throw new P9Error(Errno.EINVAL);
    }
    if (name.length() > MAX_NAME) {
      throw new P9Error(Errno.ENAMETOOLONG);
    }
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
    return add(dir, name, (path, d) -> new ChannelFile(path, name, d));
  }

  public Dir mkdir(Node dir, String name) throws P9Error {
    return add(dir, name, (path, d) -> new Dir(path, name, d));
  }

  private interface NodeFactory<N extends Node> {
    N create(long qidPath, Dir parent);
  }

  /** Adds a new node named name to dir: a fresh qid path; EEXIST if the name is taken. */
  private synchronized <N extends Node> N add(Node dir, String name, NodeFactory<N> factory)
      throws P9Error {
    Dir d = liveDir(dir);
    checkName(name);
    if (d.children.containsKey(name)) {
      throw new P9Error(Errno.EEXIST);
    }
    N n = factory.create(nextQidPath.getAndIncrement(), d);
    d.children.put(name, n);
    d.touch(System.currentTimeMillis());
    return n;
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
      n.parent.children.remove(n.name);
      n.parent.touch(System.currentTimeMillis());
      n.parent = null;
    }
    if (n instanceof ChannelFile c) {
      c.channel.remove();
    }
  }

  private void detachable(Node n) throws P9Error {
    if (n == root || n == ctl || n == stats) {
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
        replaced.parent = null;
      }
      n.parent.children.remove(n.name);
      n.parent.touch(System.currentTimeMillis());
      n.name = name;
      n.parent = to;
      to.children.put(name, n);
      to.touch(System.currentTimeMillis());
    }
    if (replaced instanceof ChannelFile c) {
      c.channel.remove();
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
    StringBuilder sb = new StringBuilder();
    for (Node a = n; a != root && a != null; a = a.parent) {
      sb.insert(0, a.name).insert(0, '/');
    }
    return sb.toString();
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

  /** Every live channel with its path, sorted by path. */
  public synchronized List<Entry> channels() {
    List<Entry> out = new ArrayList<>();
    collect(root, "", out);
    out.sort((a, b) -> a.path.compareTo(b.path));
    return out;
  }

  /** A channel and its path at the time of listing. */
  public record Entry(String path, ChannelFile file) {}

  private static void collect(Dir d, String prefix, List<Entry> out) {
    for (Node n : d.children.values()) {
      if (n instanceof ChannelFile c) {
        out.add(new Entry(prefix + "/" + n.name, c));
      } else if (n instanceof Dir sub) {
        collect(sub, prefix + "/" + n.name, out);
      }
    }
  }

  // ---- ctl ----

  /** Reading ctl: "PATH N" per channel, and "close PATH" for closed ones; can be written back. */
  public byte[] ctlText() {
    StringBuilder sb = new StringBuilder();
    for (Entry e : channels()) {
      Channel.Snapshot s = e.file.channel.snapshot();
      sb.append(e.path).append(' ').append(s.capacity()).append('\n');
      if (s.closed()) {
        sb.append("close ").append(e.path).append('\n');
      }
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Writing ctl: validates every line, then applies them all; on any error nothing is applied.
   * Blank lines are ignored.
   */
  public void ctlWrite(String text) throws P9Error {
    List<Runnable> actions = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      actions.add(ctlCommand(line, i + 1));
    }
    actions.forEach(Runnable::run);
  }

  private Runnable ctlCommand(String line, int lineNo) throws P9Error {
    String[] w = line.split("\\s+");
    if (w.length == 2 && w[0].equals("close")) {
      ChannelFile c = channelAt(w[1], line, lineNo);
      return c.channel::close;
    }
    if (w.length == 2 && w[0].startsWith("/")) {
      ChannelFile c = channelAt(w[0], line, lineNo);
      int n;
      try {
        n = Integer.parseInt(w[1]);
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 0 || !w[1].chars().allMatch(Character::isDigit)) {
        throw ctlError(lineNo, "bad capacity", line);
      }
      int cap = n;
      return () -> c.channel.setCapacity(cap);
    }
    throw ctlError(lineNo, "unknown command", line);
  }

  private ChannelFile channelAt(String path, String line, int lineNo) throws P9Error {
    Node n = resolve(path);
    if (!(n instanceof ChannelFile c)) {
      throw ctlError(lineNo, n == null ? "no such channel" : "not a channel", line);
    }
    return c;
  }

  private static P9Error ctlError(int lineNo, String why, String line) {
    String shown = line.length() > 60 ? line.substring(0, 60) + "..." : line;
    return new P9Error(Errno.EINVAL, "ctl line " + lineNo + ": " + why + ": " + shown);
  }

  // ---- stats ----

  public static final String STATS_HEADER =
      "path\tcapacity\tbuffered\treaders\twriters\tsent\treceived\tbytes\tdropped\tsend/s\trecv/s\tstate\n";

  /** The stats table: a header, then one tab-separated line per channel sorted by path. */
  public byte[] statsText() {
    StringBuilder sb = new StringBuilder(STATS_HEADER);
    long now = System.nanoTime();
    for (Entry e : channels()) {
      ChannelFile c = e.file;
      Channel.Snapshot s = c.channel.snapshot();
      sb.append(e.path)
          .append('\t').append(s.capacity())
          .append('\t').append(s.buffered())
          .append('\t').append(s.waitingReceivers())
          .append('\t').append(s.waitingSenders())
          .append('\t').append(s.sent())
          .append('\t').append(s.received())
          .append('\t').append(c.bytesDelivered.get())
          .append('\t').append(s.dropped() + c.droppedOutside.get())
          .append('\t').append(String.format(Locale.ROOT, "%.1f", c.sendRate.rate(s.sent(), now)))
          .append('\t').append(String.format(Locale.ROOT, "%.1f", c.receiveRate.rate(s.received(), now)))
          .append('\t').append(s.closed() ? "closed" : "open")
          .append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Samples every channel's counters for the rates; call about once a second. */
  public void sample() {
    long now = System.nanoTime();
    for (Entry e : channels()) {
      Channel.Snapshot s = e.file.channel.snapshot();
      e.file.sendRate.sample(s.sent(), now);
      e.file.receiveRate.sample(s.received(), now);
    }
  }
}
