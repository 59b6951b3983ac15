package dchan.stress.races;

import dchan.core.BlockingChannel;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

/**
 * A blocked receive cancelled by interrupt must return (the blocking facade's cancel path). The
 * harness interrupts the actor thread as the signal.
 */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = Expect.ACCEPTABLE, desc = "interrupt withdrew the receive")
@Outcome(id = "STALE", expect = Expect.FORBIDDEN, desc = "receiver blocked for ever")
@State
public class InterruptUnblocksReceive {
  final BlockingChannel<Integer> ch = new BlockingChannel<>(0);
  volatile Thread receiverThread;

  @Actor
  public void receiver() {
    receiverThread = Thread.currentThread();
    try {
      ch.receive();
    } catch (InterruptedException expected) {
      return;
    }
    throw new AssertionError("received without a sender");
  }

  @Signal
  public void interrupt() {
    Thread t;
    while ((t = receiverThread) == null) {
      Thread.onSpinWait();
    }
    t.interrupt();
  }
}
