package dchan.server.metrics;

import dchan.core.Channel;
import dchan.server.fs.ChannelFile;
import dchan.server.fs.Tree;
import dchan.server.fs.WaitHistogram;
import dchan.server.limits.Budget;
import dchan.server.limits.Limit;
import dchan.server.limits.Refusals;
import dchan.server.net.Connection;
import dchan.server.net.Connections;
import dchan.server.net.Loop;
import dchan.server.session.Counters;
import dchan.server.wire.Dialect;
import dchan.server.wire.Errno;
import dchan.server.wire.Type;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The Prometheus view of a server, built at each scrape from the same sources as {@code stats},
 * {@code limits} and {@code clients}: the channels' snapshots and counters, the connections, the
 * budget, the refusals, the request counters and the loops. Nothing is kept between scrapes.
 *
 * <p>Per-channel series carry a {@code channel} label (the path). At most {@code maxChannels}
 * channels get their own series — the first ones in path order; the rest are added together under
 * {@code channel="_other"} (counters, gauges and histograms summed, the oldest wait the largest),
 * and {@code dchan_channels_folded} says how many that is. Counters of removed channels vanish
 * with them, as a restarted process's would.
 */
public final class Metrics implements MultiCollector {
  /** The label value of the channels beyond the cardinality cap. */
  public static final String OTHER = "_other";

  /** The sources, all read-only here. */
  public record Sources(Tree tree, Connections connections, Budget budget, Refusals refusals,
      Counters counters, Loop[] loops, BooleanSupplier draining, String version, String commit) {}

  private final Sources src;
  private final int maxChannels;

  public Metrics(Sources sources, int maxChannels) {
    this.src = sources;
    this.maxChannels = maxChannels;
  }

  /** One channel's numbers at the scrape (or several channels' added together). */
  private static final class Row {
    final String label;
    long sent;
    long received;
    long bytes;
    long dropped;
    long refused;
    long buffered;
    long capacity;
    long readers;
    long writers;
    long oldestWaitNanos;
    final long[] waits = new long[WaitHistogram.BOUNDS.length + 1];
    double waitSum;

    Row(String label) {
      this.label = label;
    }

    void add(ChannelFile f, Channel.Snapshot s, long now) {
      sent += s.sent();
      received += s.received();
      bytes += f.bytesDelivered();
      dropped += s.dropped() + f.droppedOutsideCount();
      refused += f.refusedCount();
      buffered += s.buffered();
      capacity += s.capacity();
      readers += s.waitingReceivers();
      writers += s.waitingSenders();
      oldestWaitNanos = Math.max(oldestWaitNanos, s.oldestWaitNanos(now));
      long[] c = f.rendezvousWaits().counts();
      for (int i = 0; i < c.length; i++) {
        waits[i] += c[i];
      }
      waitSum += f.rendezvousWaits().sumSeconds();
    }
  }

  @Override
  public MetricSnapshots collect() {
    MetricSnapshots.Builder out = MetricSnapshots.builder();
    channels(out);
    server(out);
    return out.build();
  }

  private void channels(MetricSnapshots.Builder out) {
    List<Tree.Entry> entries = src.tree().channels();
    entries.sort(Comparator.comparing(Tree.Entry::path));
    long now = System.nanoTime();
    List<Row> rows = new ArrayList<>(Math.min(entries.size(), maxChannels) + 1);
    Row other = null;
    for (int i = 0; i < entries.size(); i++) {
      Tree.Entry e = entries.get(i);
      Row r;
      if (i < maxChannels) {
        r = new Row(e.path());
        rows.add(r);
      } else {
        if (other == null) {
          other = new Row(OTHER);
          rows.add(other);
        }
        r = other;
      }
      r.add(e.file(), e.file().channel().snapshot(), now);
    }
    counter(out, "dchan_channel_sent", "Messages accepted by the channel (lines on a line channel).", rows, r -> r.sent);
    counter(out, "dchan_channel_received", "Messages delivered to readers.", rows, r -> r.received);
    counter(out, "dchan_channel_delivered_bytes", "Bytes returned to readers.", rows, r -> r.bytes);
    counter(out, "dchan_channel_dropped", "Messages dropped: by rm, with a clunked remainder, or taken for a connection that died.", rows, r -> r.dropped);
    counter(out, "dchan_channel_refused", "Writes refused for memory (ENOSPC, EAGAIN).", rows, r -> r.refused);
    gauge(out, "dchan_channel_buffered", "Messages in the buffer.", rows, r -> r.buffered);
    gauge(out, "dchan_channel_capacity", "Buffer capacity (0: rendezvous).", rows, r -> r.capacity);
    gauge(out, "dchan_channel_waiting_readers", "Reads waiting for a message.", rows, r -> r.readers);
    gauge(out, "dchan_channel_waiting_writers", "Writes waiting for a reader or for room.", rows, r -> r.writers);
    gauge(out, "dchan_channel_oldest_wait_seconds", "How long the longest-waiting request has waited.", rows, r -> r.oldestWaitNanos / 1e9);
    HistogramSnapshot.Builder h = HistogramSnapshot.builder().name("dchan_channel_rendezvous_wait_seconds")
        .help("How long each send on a rendezvous channel waited for its receiver.");
    for (Row r : rows) {
      h.dataPoint(HistogramDataPointSnapshot.builder()
          .labels(Labels.of("channel", r.label))
          .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds(), r.waits))
          .sum(r.waitSum)
          .build());
    }
    out.metricSnapshot(h.build());
    single(out, "dchan_channels", "Channels in the tree.", entries.size());
    single(out, "dchan_channels_folded", "Channels beyond --metrics-max-channels, counted under channel=\"_other\".", Math.max(0, entries.size() - maxChannels));
  }

  private static double[] bounds() {
    double[] b = new double[WaitHistogram.BOUNDS.length + 1];
    System.arraycopy(WaitHistogram.BOUNDS, 0, b, 0, WaitHistogram.BOUNDS.length);
    b[b.length - 1] = Double.POSITIVE_INFINITY;
    return b;
  }

  private void server(MetricSnapshots.Builder out) {
    Map<Labels, Integer> conns = new TreeMap<>();
    for (Connection c : src.connections().all()) {
      Dialect d = c.session().dialect();
      conns.merge(Labels.of("listener", c.kind().name().toLowerCase(Locale.ROOT),
          "dialect", d == null ? "none" : d.version), 1, Integer::sum);
    }
    GaugeSnapshot.Builder g = GaugeSnapshot.builder().name("dchan_connections")
        .help("Open connections by listener and dialect (none: before Tversion).");
    conns.forEach((labels, n) -> g.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(n).build()));
    out.metricSnapshot(g.build());

    CounterSnapshot.Builder req = CounterSnapshot.builder().name("dchan_requests")
        .help("9P requests received, by type.");
    for (Type t : Type.values()) {
      if ((t.id & 1) == 0) {
        req.dataPoint(point(Labels.of("type", t.name().charAt(0) + t.name().substring(1).toLowerCase(Locale.ROOT)), src.counters().requests(t)));
      }
    }
    out.metricSnapshot(req.build());
    CounterSnapshot.Builder err = CounterSnapshot.builder().name("dchan_errors")
        .help("Error replies sent, by errno.");
    for (Errno e : Errno.values()) {
      err.dataPoint(point(Labels.of("errno", e.name()), src.counters().errors(e)));
    }
    out.metricSnapshot(err.build());
    CounterSnapshot.Builder ref = CounterSnapshot.builder().name("dchan_refusals")
        .help("Refusals by limit (the limits file's refused column).");
    for (Limit l : Limit.values()) {
      ref.dataPoint(point(Labels.of("limit", l.label), src.refusals().count(l)));
    }
    out.metricSnapshot(ref.build());
    single(out, "dchan_memory_held_bytes", "Bytes held against the memory budget.", src.budget().used());
    single(out, "dchan_memory_limit_bytes", "The memory budget (--max-memory).", src.budget().limit());
    single(out, "dchan_files", "Channels and directories in the tree.", src.tree().files());
    single(out, "dchan_draining", "1 while the server drains before it exits (after SIGTERM).", src.draining().getAsBoolean() ? 1 : 0);
    CounterSnapshot.Builder busy = CounterSnapshot.builder().name("dchan_loop_busy_seconds")
        .help("Time each selector loop spent working rather than waiting for events.");
    for (Loop l : src.loops()) {
      busy.dataPoint(point(Labels.of("loop", l.name()), l.busyNanos() / 1e9));
    }
    out.metricSnapshot(busy.build());
    out.metricSnapshot(InfoSnapshot.builder().name("dchan_build").help("The build: version and commit.")
        .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
            .labels(Labels.of("version", src.version(), "commit", src.commit())).build())
        .build());
  }

  private static CounterDataPointSnapshot point(Labels labels, double value) {
    return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
  }

  private static void counter(MetricSnapshots.Builder out, String name, String help, List<Row> rows,
      ToDoubleFunction<Row> value) {
    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
    for (Row r : rows) {
      b.dataPoint(point(Labels.of("channel", r.label), value.applyAsDouble(r)));
    }
    out.metricSnapshot(b.build());
  }

  private static void gauge(MetricSnapshots.Builder out, String name, String help, List<Row> rows,
      ToDoubleFunction<Row> value) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    for (Row r : rows) {
      b.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("channel", r.label))
          .value(value.applyAsDouble(r)).build());
    }
    out.metricSnapshot(b.build());
  }

  private static void single(MetricSnapshots.Builder out, String name, String help, double value) {
    out.metricSnapshot(GaugeSnapshot.builder().name(name).help(help)
        .dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build());
  }
}
