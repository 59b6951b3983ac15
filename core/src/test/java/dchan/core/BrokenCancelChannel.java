package dchan.core;

/**
 * Seeded bug, kept so that every checker shows it can catch one: a cancel that ignores a
 * committed match. It withdraws the request whatever its state, so a send whose message a
 * receiver already took reports "cancelled" (spec: WithdrawnNeverTakesEffect violated).
 */
public final class BrokenCancelChannel<T> extends Channel<T> {
  public BrokenCancelChannel(int capacity) {
    super(capacity);
  }

  @Override
  boolean withdraw(Op<T> op) {
    if (op.status == Op.Status.PENDING) {
      return super.withdraw(op);
    }
    op.status = Op.Status.CANCELLED; // BUG: the match already happened
    return true;
  }
}
