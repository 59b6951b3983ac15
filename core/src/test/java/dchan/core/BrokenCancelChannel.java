package dchan.core;

/**
 * Seeded bug, kept so that every checker shows it can catch one: a cancel that ignores a
 * committed match. It withdraws the request whatever its state, so a send whose message a
 * receiver already took reports "cancelled" (spec: WithdrawnNeverTakesEffect violated).
 */
public final class BrokenCancelChannel<T> extends Channel<T> {
  private final java.util.concurrent.atomic.AtomicInteger misbehaved = new java.util.concurrent.atomic.AtomicInteger();

  public BrokenCancelChannel(int capacity) {
    super(capacity);
  }

  public BrokenCancelChannel(int capacity, Tracer tracer) {
    super(capacity, tracer);
  }

  public BrokenCancelChannel(int capacity, java.util.function.ToIntFunction<? super T> weight) {
    super(capacity, weight, null);
  }

  @Override
  boolean mayWithdraw(Op<T> op) {
    if (op.status != Op.Status.PENDING && op.status != Op.Status.CANCELLED) {
      misbehaved.incrementAndGet();
    }
    return op.status != Op.Status.CANCELLED; // BUG: also when the match already happened
  }

  /** How many cancels so far withdrew a request whose match had already happened (the bug at work). */
  public int misbehaved() {
    return misbehaved.get();
  }
}
