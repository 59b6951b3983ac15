package dchan.server.limits;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * Counts refusals per {@link Limit} and logs each class at most once per {@link #LOG_INTERVAL_NANOS}
 * (with how many were not logged), so that a flood of refusals cannot flood the log. Thread-safe.
 */
public final class Refusals {
  private static final Logger LOG = Logger.getLogger(Refusals.class.getName());
  static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

  private final LongAdder[] counts = new LongAdder[Limit.values().length];
  private final AtomicLongArray lastLog = new AtomicLongArray(Limit.values().length);
  private final AtomicLongArray unlogged = new AtomicLongArray(Limit.values().length);

  public Refusals() {
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
      lastLog.set(i, System.nanoTime() - LOG_INTERVAL_NANOS);
    }
  }

  /** Counts one refusal; detail says who and why, for the (rate-limited) warning. */
  public void count(Limit limit, String detail) {
    int i = limit.ordinal();
    counts[i].increment();
    long now = System.nanoTime();
    long last = lastLog.get(i);
    if (now - last >= LOG_INTERVAL_NANOS && lastLog.compareAndSet(i, last, now)) {
      long more = unlogged.getAndSet(i, 0);
      LOG.warning("refused (" + limit.label + "): " + detail
          + (more > 0 ? " (and " + more + " more since the last such line)" : ""));
    } else {
      unlogged.incrementAndGet(i);
    }
  }

  public long count(Limit limit) {
    return counts[limit.ordinal()].sum();
  }
}
