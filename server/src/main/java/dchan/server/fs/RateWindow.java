package dchan.server.fs;

/**
 * Rate of a monotonic counter over the last {@link #WINDOW_SECONDS} seconds, from samples taken
 * about once a second by {@link Stats#sample()}. With no change for the whole window the rate is 0.
 */
final class RateWindow {
  static final int WINDOW_SECONDS = 10;
  private final long[] counts = new long[WINDOW_SECONDS + 1];
  private final long[] nanos = new long[WINDOW_SECONDS + 1];
  private int next;
  private int size;

  synchronized void sample(long count, long nowNanos) {
    counts[next] = count;
    nanos[next] = nowNanos;
    next = (next + 1) % counts.length;
    size = Math.min(size + 1, counts.length);
  }

  /** Events per second between the oldest sample at most WINDOW_SECONDS old and now. */
  synchronized double rate(long count, long nowNanos) {
    long horizon = nowNanos - WINDOW_SECONDS * 1_000_000_000L;
    for (int k = size; k > 0; k--) {
      int i = Math.floorMod(next - k, counts.length);
      if (nanos[i] >= horizon && nowNanos > nanos[i]) {
        return (count - counts[i]) * 1e9 / (nowNanos - nanos[i]);
      }
    }
    return 0;
  }
}
