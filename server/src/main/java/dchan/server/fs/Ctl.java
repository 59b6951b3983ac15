package dchan.server.fs;

import dchan.core.Channel;
import dchan.server.wire.Errno;
import dchan.server.wire.P9Error;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The {@code ctl} file's language (semantics.md section 7). Each line is one command, its words
 * split and quoted as {@link Quote} says:
 *
 * <pre>
 *   PATH N        make channel PATH (absolute) a message channel of capacity N ≥ 0
 *   PATH N lines  make it a line channel of capacity N lines
 *   close PATH    close the channel
 * </pre>
 *
 * A write is checked whole and then applied whole: any bad line fails it (EINVAL, the error
 * string names the line) and no line of it takes effect. Reading ctl gives one {@code PATH N} (or
 * {@code PATH N lines}) line per channel and {@code close PATH} for closed ones, sorted by path, so that writing it
 * back is an identity.
 */
public final class Ctl {
  private final Tree tree;

  public Ctl(Tree tree) {
    this.tree = tree;
  }

  /** The configuration, as written back to ctl. */
  public byte[] text() {
    List<Tree.Entry> entries = tree.channels();
    entries.sort(Comparator.comparing(Tree.Entry::path));
    StringBuilder sb = new StringBuilder(entries.size() * 24);
    for (Tree.Entry e : entries) {
      Channel.Snapshot s = e.file().channel().snapshot();
      String path = Quote.quote(e.path());
      sb.append(path).append(' ').append(s.capacity()).append(e.file().lines() ? " lines\n" : "\n");
      if (s.closed()) {
        sb.append("close ").append(path).append('\n');
      }
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Checks every line, then applies them all; on any error nothing is applied. */
  public void write(String text) throws P9Error {
    List<Runnable> actions = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      List<String> words;
      try {
        words = Quote.tokenize(lines[i]);
      } catch (IllegalArgumentException e) {
        throw error(i + 1, e.getMessage(), lines[i]);
      }
      if (!words.isEmpty()) {
        actions.add(command(words, lines[i], i + 1));
      }
    }
    actions.forEach(Runnable::run);
  }

  /**
   * The channel path each command line of text names, in order (a cluster sends each group its
   * lines); EINVAL for a line that does not parse. Paths are not resolved.
   */
  public static List<String> paths(String text) throws P9Error {
    List<String> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      List<String> w;
      try {
        w = Quote.tokenize(lines[i]);
      } catch (IllegalArgumentException e) {
        throw error(i + 1, e.getMessage(), lines[i]);
      }
      if (w.isEmpty()) {
        continue;
      }
      String path = w.size() == 2 && w.get(0).equals("close") ? w.get(1) : w.get(0);
      if (!path.startsWith("/") || path.length() < 2) {
        throw error(i + 1, "unknown command", lines[i]);
      }
      out.add(path);
    }
    return out;
  }

  private Runnable command(List<String> w, String line, int lineNo) throws P9Error {
    if (w.size() == 2 && w.get(0).equals("close")) {
      ChannelFile c = channelAt(w.get(1), line, lineNo);
      return c.channel()::close;
    }
    if (w.size() == 3 && w.get(0).startsWith("/") && !w.get(2).equals("lines")) {
      throw error(lineNo, "unknown mode (only lines)", line);
    }
    boolean lines = w.size() == 3;
    if ((w.size() == 2 || lines) && w.get(0).startsWith("/")) {
      ChannelFile c = channelAt(w.get(0), line, lineNo);
      int cap = capacity(w.get(1), line, lineNo);
      return () -> {
        c.setLines(lines);
        c.channel().setCapacity(cap);
      };
    }
    throw error(lineNo, "unknown command", line);
  }

  private static int capacity(String word, String line, int lineNo) throws P9Error {
    if (word.isEmpty() || word.length() > 10 || !word.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      throw error(lineNo, "bad capacity", line);
    }
    long n = Long.parseLong(word);
    if (n > Integer.MAX_VALUE) {
      throw error(lineNo, "bad capacity", line);
    }
    return (int) n;
  }

  private ChannelFile channelAt(String path, String line, int lineNo) throws P9Error {
    Node n = tree.resolve(path);
    if (!(n instanceof ChannelFile c)) {
      throw error(lineNo, n == null ? "no such channel" : "not a channel", line);
    }
    return c;
  }

  private static P9Error error(int lineNo, String why, String line) {
    String shown = line.length() > 60 ? line.substring(0, 60) + "..." : line;
    return new P9Error(Errno.EINVAL, "ctl line " + lineNo + ": " + why + ": " + shown);
  }
}
