package dchan.bench.e2e;

import java.nio.charset.StandardCharsets;
import org.HdrHistogram.Histogram;

/**
 * The measured interval of a run (after the warm-up) and what consumers saw in it. Each message
 * carries its send time as 16 hex digits in its first bytes, then filler, then a newline, so that
 * it is also a valid line for line channels.
 */
final class Window {
  final long start;
  final long end;
  private final Histogram total = new Histogram(3_600_000_000_000L, 3);
  private long messages;

  Window(long start, long end) {
    this.start = start;
    this.end = end;
  }

  /** A window opening after half a second of setup and warmup seconds, lasting seconds. */
  static Window afterWarmup(int warmup, int seconds) {
    long t0 = System.nanoTime() + 500_000_000L; // setup time
    return new Window(t0 + warmup * 1_000_000_000L, t0 + (warmup + seconds) * 1_000_000_000L);
  }

  boolean over() {
    return System.nanoTime() >= end;
  }

  /** A per-thread recorder; {@link #merge} it at the end. */
  final class Recorder {
    final Histogram h = new Histogram(3_600_000_000_000L, 3);
    long n;

    /** Records every message (line) found in data[off, off+len), each of {@code size} bytes. */
    void messages(byte[] data, int off, int len, int size) {
      long now = System.nanoTime();
      if (now < start || now > end) {
        return;
      }
      for (int i = off; i + size <= off + len; i += size) {
        long sent = parse(data, i);
        h.recordValue(Math.max(0, Math.min(now - sent, h.getHighestTrackableValue())));
        n++;
      }
    }
  }

  synchronized void merge(Recorder r) {
    total.add(r.h);
    messages += r.n;
  }

  Result result(double cpuNanos) {
    double secs = (end - start) / 1e9;
    return new Result(messages, secs, total, messages == 0 || cpuNanos < 0 ? -1 : cpuNanos / 1e3 / messages);
  }

  /** A message of {@code size} bytes (≥ 17): send time in hex, 'x' filler, newline. */
  static byte[] message(int size) {
    byte[] m = new byte[size];
    stamp(m, 0, size);
    return m;
  }

  static void stamp(byte[] m, int off, int size) {
    long t = System.nanoTime();
    for (int i = 15; i >= 0; i--) {
      m[off + i] = (byte) Character.forDigit((int) (t & 0xF), 16);
      t >>>= 4;
    }
    for (int i = 16; i < size - 1; i++) {
      m[off + i] = 'x';
    }
    m[off + size - 1] = '\n';
  }

  private static long parse(byte[] d, int off) {
    return Long.parseUnsignedLong(new String(d, off, 16, StandardCharsets.US_ASCII), 16);
  }
}
