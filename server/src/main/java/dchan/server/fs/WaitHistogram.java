package dchan.server.fs;

import java.util.concurrent.atomic.LongAdder;

/**
 * How long sends on a rendezvous channel waited for their receiver: counts per bucket of fixed
 * upper bounds (seconds), the sum and the count, for a Prometheus histogram. Written from any loop
 * thread without locks; a scrape may see a bucket and the sum a moment apart.
 */
public final class WaitHistogram {
  /** Upper bounds in seconds; a last, unbounded bucket follows. */
  public static final double[] BOUNDS = {0.0001, 0.001, 0.01, 0.1, 1, 10, 60};
  private static final long[] BOUND_NANOS = new long[BOUNDS.length];

  static {
    for (int i = 0; i < BOUNDS.length; i++) {
      BOUND_NANOS[i] = (long) (BOUNDS[i] * 1e9);
    }
  }

  private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
  private final LongAdder sumNanos = new LongAdder();

  WaitHistogram() {
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  public void observe(long nanos) {
    int i = 0;
    while (i < BOUND_NANOS.length && nanos > BOUND_NANOS[i]) {
      i++;
    }
    buckets[i].increment();
    sumNanos.add(nanos);
  }

  /** Counts per bucket (not cumulative), the last for everything above the largest bound. */
  public long[] counts() {
    long[] c = new long[buckets.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = buckets[i].sum();
    }
    return c;
  }

  public double sumSeconds() {
    return sumNanos.sum() / 1e9;
  }
}
