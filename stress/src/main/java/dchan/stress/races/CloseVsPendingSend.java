package dchan.stress.races;

import dchan.core.Channel;
import dchan.core.Op;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * close races with a receive while a send is pending. Either the receive took the message before
 * the close (send SENT), or the close failed the send and the receive sees end-of-file. r1 = the
 * receive's status, r2 = the send's final status.
 */
@JCStressTest
@Outcome(id = "2, 1", expect = Expect.ACCEPTABLE, desc = "receive took the message, then close")
@Outcome(id = "3, 3", expect = Expect.ACCEPTABLE, desc = "close failed the send; receive got end-of-file")
@Outcome(expect = Expect.FORBIDDEN, desc = "message lost or delivered after its send failed")
@State
public class CloseVsPendingSend {
  final Channel<Integer> ch = new Channel<>(0);
  final Op<Integer> send = ch.startSend(42, null, null);
  Op<Integer> receive;

  @Actor
  public void closer() {
    ch.close();
  }

  @Actor
  public void receiver() {
    receive = ch.startReceive(null, null);
  }

  @Arbiter
  public void arbiter(II_Result r) {
    r.r1 = receive.status().ordinal();
    r.r2 = send.status().ordinal();
  }
}
