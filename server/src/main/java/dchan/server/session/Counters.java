package dchan.server.session;

import dchan.server.wire.Errno;
import dchan.server.wire.Type;
import java.util.concurrent.atomic.LongAdder;

/**
 * Server-wide request counters for metrics: T-messages received by type, error replies by errno.
 * Written by every session, read by the metrics scrape. Thread-safe.
 */
public final class Counters {
  private final LongAdder[] requests = new LongAdder[256];
  private final LongAdder[] errors = new LongAdder[Errno.values().length];

  public Counters() {
    for (Type t : Type.values()) {
      requests[t.id] = new LongAdder();
    }
    for (int i = 0; i < errors.length; i++) {
      errors[i] = new LongAdder();
    }
  }

  void request(Type t) {
    requests[t.id].increment();
  }

  void error(Errno e) {
    errors[e.ordinal()].increment();
  }

  /** T-messages of type t received (t a T-message type). */
  public long requests(Type t) {
    return requests[t.id].sum();
  }

  /** Error replies with errno e sent. */
  public long errors(Errno e) {
    return errors[e.ordinal()].sum();
  }
}
