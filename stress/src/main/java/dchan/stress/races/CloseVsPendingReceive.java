package dchan.stress.races;

import dchan.core.BlockingChannel;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

/** A thread blocked in receive must be woken by close (end-of-file), whenever close happens. */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = Expect.ACCEPTABLE, desc = "close woke the receiver")
@Outcome(id = "STALE", expect = Expect.FORBIDDEN, desc = "receiver blocked for ever")
@State
public class CloseVsPendingReceive {
  final BlockingChannel<Integer> ch = new BlockingChannel<>(0);

  @Actor
  public void receiver() throws InterruptedException {
    if (ch.receive() != null) {
      throw new AssertionError("nothing was sent");
    }
  }

  @Signal
  public void close() {
    ch.channel().close();
  }
}
