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
 * Raising the capacity admits a pending send while a cancel races for it. Either the send was
 * admitted into the buffer (cancel lost, 1 buffered) or withdrawn (0 buffered). r1 = cancel won,
 * r2 = the send's final status, r3 = messages buffered.
 */
@JCStressTest
@Outcome(id = "0, 1, 1", expect = Expect.ACCEPTABLE, desc = "capacity admitted the send; cancel lost")
@Outcome(id = "1, 4, 0", expect = Expect.ACCEPTABLE, desc = "cancel withdrew the send first")
@Outcome(expect = Expect.FORBIDDEN, desc = "a withdrawn message entered the buffer, or one was lost")
@State
public class CapacityVsPendingSend {
  final Channel<Integer> ch = new Channel<>(0);
  final Op<Integer> send = ch.startSend(42, null, null);
  boolean cancelled;

  @Actor
  public void resizer() {
    ch.setCapacity(1);
  }

  @Actor
  public void flusher() {
    cancelled = send.cancel();
  }

  @Arbiter
  public void arbiter(III_Result r) {
    r.r1 = cancelled ? 1 : 0;
    r.r2 = send.status().ordinal();
    r.r3 = ch.snapshot().buffered();
  }
}
