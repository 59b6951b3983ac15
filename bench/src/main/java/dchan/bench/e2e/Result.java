package dchan.bench.e2e;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * What one run measured: messages delivered per second, write-to-read latency (a timestamp rides
 * in each message), and, for dchan, the server process's CPU time per message.
 */
record Result(long messages, double seconds, Histogram latency, double serverCpuMicros) {
  double rate() {
    return messages / seconds;
  }

  String latencyText() {
    if (latency.getTotalCount() == 0) {
      return "—";
    }
    return String.format(Locale.ROOT, "%s / %s / %s", micros(latency.getValueAtPercentile(50)),
        micros(latency.getValueAtPercentile(99)), micros(latency.getValueAtPercentile(99.9)));
  }

  static String micros(long nanos) {
    return nanos >= 10_000_000 ? String.format(Locale.ROOT, "%.0f ms", nanos / 1e6)
        : String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
  }

  static String rateText(double perSecond) {
    if (perSecond >= 1e6) {
      return String.format(Locale.ROOT, "%.2fM", perSecond / 1e6);
    }
    return String.format(Locale.ROOT, "%.1fk", perSecond / 1e3);
  }
}
