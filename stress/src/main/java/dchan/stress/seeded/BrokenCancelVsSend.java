package dchan.stress.seeded;

import dchan.core.BrokenCancelChannel;
import dchan.core.Channel;
import dchan.core.Op;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The race of {@code races.CancelVsSend} against the seeded bug (a cancel that ignores a committed
 * match). The build expects jcstress to observe the FORBIDDEN outcome "1, 1, 4" and fail.
 */
@JCStressTest
@Outcome(id = "1, 0, 2", expect = Expect.ACCEPTABLE, desc = "send matched first; cancel lost")
@Outcome(id = "0, 1, 4", expect = Expect.ACCEPTABLE, desc = "cancel withdrew the receive first")
@Outcome(expect = Expect.FORBIDDEN, desc = "the bug: cancel reports success after the match")
@State
public class BrokenCancelVsSend {
  final Channel<Integer> ch = new BrokenCancelChannel<>(0);
  final Op<Integer> receive = ch.startReceive(null, null);
  Op<Integer> send;
  boolean cancelled;

  @Actor
  public void sender() {
    send = ch.startSend(42, null, null);
  }

  @Actor
  public void flusher() {
    cancelled = receive.cancel();
  }

  @Arbiter
  public void arbiter(III_Result r) {
    r.r1 = send.status().ordinal();
    r.r2 = cancelled ? 1 : 0;
    r.r3 = receive.status().ordinal();
  }
}
