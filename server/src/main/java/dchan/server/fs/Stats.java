package dchan.server.fs;

import dchan.core.Channel;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The {@code stats} table (semantics.md section 8): a header, then one tab-separated line per
 * channel, sorted by path. The columns are declared once, here, as data: the header and every
 * row come from {@link Column}; new columns go at the end so that readers that split by position
 * keep working.
 */
public final class Stats {
  /** One channel's numbers at the time of the snapshot. */
  record Row(String path, ChannelFile file, Channel.Snapshot s, long nowNanos) {}

  /** The columns, in order: a header label and how a row shows it. */
  enum Column {
    PATH("path", r -> Quote.quote(r.path)),
    CAPACITY("capacity", r -> r.s.capacity()),
    BUFFERED("buffered", r -> r.s.buffered()),
    READERS("readers", r -> r.s.waitingReceivers()),
    WRITERS("writers", r -> r.s.waitingSenders()),
    SENT("sent", r -> r.s.sent()),
    RECEIVED("received", r -> r.s.received()),
    BYTES("bytes", r -> r.file.bytesDelivered()),
    DROPPED("dropped", r -> r.s.dropped() + r.file.droppedOutsideCount()),
    SEND_RATE("send/s", r -> rate(r.file.sendRate.rate(r.s.sent(), r.nowNanos))),
    RECEIVE_RATE("recv/s", r -> rate(r.file.receiveRate.rate(r.s.received(), r.nowNanos))),
    STATE("state", r -> r.s.closed() ? "closed" : "open"),
    REFUSED("refused", r -> r.file.refusedCount()),
    MODE("mode", r -> r.file.lines() ? "lines" : "messages"),
    OLDEST_WAIT("oldest-wait", r -> String.format(Locale.ROOT, "%.1f", r.s.oldestWaitNanos(r.nowNanos) / 1e9));

    final String label;
    final Function<Row, Object> value;

    Column(String label, Function<Row, Object> value) {
      this.label = label;
      this.value = value;
    }
  }

  private static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%.1f", perSecond);
  }

  /** The header line, with its newline. */
  public static final String HEADER = header();

  private static String header() {
    StringBuilder sb = new StringBuilder();
    for (Column c : Column.values()) {
      sb.append(c.ordinal() == 0 ? "" : "\t").append(c.label);
    }
    return sb.append('\n').toString();
  }

  private final Tree tree;

  public Stats(Tree tree) {
    this.tree = tree;
  }

  /** The table now. Takes the tree lock only to list the channels. */
  public byte[] text() {
    List<Tree.Entry> entries = tree.channels();
    entries.sort(Comparator.comparing(Tree.Entry::path));
    long now = System.nanoTime();
    StringBuilder sb = new StringBuilder(HEADER.length() + entries.size() * 64).append(HEADER);
    for (Tree.Entry e : entries) {
      Row row = new Row(e.path(), e.file(), e.file().channel().snapshot(), now);
      for (Column c : Column.values()) {
        sb.append(c.ordinal() == 0 ? "" : "\t").append(c.value.apply(row));
      }
      sb.append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Samples every channel's counters for the rates; call about once a second. */
  public void sample() {
    long now = System.nanoTime();
    for (ChannelFile c : tree.liveChannels()) {
      Channel.Snapshot s = c.channel().snapshot();
      c.sendRate.sample(s.sent(), now);
      c.receiveRate.sample(s.received(), now);
    }
  }
}
