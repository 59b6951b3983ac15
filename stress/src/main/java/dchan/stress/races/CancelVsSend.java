package dchan.stress.races;

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
 * A pending receive is cancelled (Tflush) while a send arrives. Exactly one wins: either the
 * receive took the message and the cancel lost, or the cancel withdrew the receive and the send
 * waits. Result: r1 = send's status when started, r2 = cancel won (1) or lost (0), r3 = the
 * receive's final status (ordinals of Op.Status: 0 PENDING, 1 SENT, 2 RECEIVED, 4 CANCELLED).
 */
@JCStressTest
@Outcome(id = "1, 0, 2", expect = Expect.ACCEPTABLE, desc = "send matched the receive first; cancel lost")
@Outcome(id = "0, 1, 4", expect = Expect.ACCEPTABLE, desc = "cancel withdrew the receive first; send waits")
@Outcome(expect = Expect.FORBIDDEN, desc = "both won, neither won, or a message was lost")
@State
public class CancelVsSend {
  final Channel<Integer> ch = new Channel<>(0);
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
    if (receive.status() == Op.Status.RECEIVED && receive.message() != 42) {
      r.r3 = -1;
    }
  }
}
