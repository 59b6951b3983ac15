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
 * A pending send is cancelled while a receive arrives. Either the receive took the message (the
 * cancel lost, the send is SENT) or the send was withdrawn and the receive waits. r1 = receive's
 * status when started, r2 = cancel won, r3 = the send's final status.
 */
@JCStressTest
@Outcome(id = "2, 0, 1", expect = Expect.ACCEPTABLE, desc = "receive took the message; cancel lost")
@Outcome(id = "0, 1, 4", expect = Expect.ACCEPTABLE, desc = "send withdrawn; receive waits")
@Outcome(expect = Expect.FORBIDDEN, desc = "a withdrawn message was delivered, or both lost")
@State
public class CancelVsReceive {
  final Channel<Integer> ch = new Channel<>(0);
  final Op<Integer> send = ch.startSend(42, null, null);
  Op<Integer> receive;
  boolean cancelled;

  @Actor
  public void receiver() {
    receive = ch.startReceive(null, null);
  }

  @Actor
  public void flusher() {
    cancelled = send.cancel();
  }

  @Arbiter
  public void arbiter(III_Result r) {
    r.r1 = receive.status().ordinal();
    r.r2 = cancelled ? 1 : 0;
    r.r3 = send.status().ordinal();
  }
}
