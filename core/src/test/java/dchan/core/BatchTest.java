package dchan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Batches, the core of line channels: a batch send is accepted in order, part by part; a cancel
 * keeps the accepted part; a batch receive takes what is buffered and fits its budget, never
 * waiting for more once it has one; a rendezvous channel hands one message per receive.
 */
class BatchTest {
  private final List<Op<String>> completed = new ArrayList<>();
  private final Listener<String> record = completed::add;

  private static Channel<String> bytes(int cap) {
    return new Channel<>(cap, String::length, null);
  }

  @Test
  void aBatchIsAcceptedInOrderAsRoomComesAndCompletesWhenAllAre() {
    Channel<String> ch = bytes(2);
    Op<String> w = ch.startSendBatch(List.of("a\n", "b\n", "c\n", "d\n"), record, null);
    assertEquals(Op.Status.PENDING, w.status());
    assertEquals(2, w.accepted(), "two fit the buffer");
    Op<String> r = ch.startReceiveBatch(4, null, null);
    assertEquals(List.of("a\n", "b\n"), r.messages(), "as many as fit 4 bytes, the freed slots admitting c and d");
    assertEquals(Op.Status.SENT, w.status(), "all accepted");
    assertEquals(List.of(w), completed);
    assertEquals(List.of("c\n", "d\n"), ch.startReceiveBatch(100, null, null).messages());
  }

  @Test
  void cancellingAPartlyAcceptedBatchKeepsThatPartAndCompletesIt() {
    Channel<String> ch = bytes(1);
    Op<String> w = ch.startSendBatch(List.of("x", "y", "z"), record, null);
    assertEquals(1, w.accepted());
    assertFalse(w.cancel(), "a part took effect: not withdrawn");
    assertEquals(Op.Status.SENT, w.status());
    assertEquals(1, w.accepted(), "x stands, y and z had no effect");
    assertEquals(List.of(w), completed, "its listener reports the accepted part");
    assertEquals("x", ch.tryReceive());
    assertEquals(null, ch.tryReceive(), "y and z were never accepted");
    Op<String> none = ch.startSendBatch(List.of("p", "q"), record, null);
    Op<String> blocker = ch.startSendBatch(List.of("r"), record, null);
    assertEquals(1, none.accepted());
    assertEquals(0, blocker.accepted());
    assertTrue(blocker.cancel(), "nothing accepted: withdrawn");
  }

  @Test
  void aBatchReceiveTakesWhatIsBufferedAndFitsButNeverWaitsForMore() {
    Channel<String> ch = bytes(8);
    ch.startSendBatch(List.of("one\n", "two\n", "three\n"), null, null);
    Op<String> r = ch.startReceiveBatch(9, null, null);
    assertEquals(List.of("one\n", "two\n"), r.messages(), "three would not fit 9 bytes");
    Op<String> big = ch.startReceiveBatch(2, null, null);
    assertEquals(List.of("three\n"), big.messages(), "at least one, even over the budget");
    Op<String> parked = ch.startReceiveBatch(100, record, null);
    assertEquals(Op.Status.PENDING, parked.status());
    ch.startSendBatch(List.of("4\n", "5\n"), null, null);
    assertEquals(List.of("4\n", "5\n"), parked.messages(), "a parked batch receive takes what arrives and fits");
  }

  @Test
  void aRendezvousChannelHandsOneMessagePerReceive() {
    Channel<String> ch = bytes(0);
    Op<String> r1 = ch.startReceiveBatch(100, null, null);
    Op<String> r2 = ch.startReceiveBatch(100, null, null);
    Op<String> w = ch.startSendBatch(List.of("a", "b", "c"), record, null);
    assertEquals(List.of("a"), r1.messages());
    assertEquals(List.of("b"), r2.messages());
    assertEquals(2, w.accepted());
    assertEquals(Op.Status.PENDING, w.status(), "c waits for a reader");
    assertEquals(List.of("c"), ch.startReceiveBatch(100, null, null).messages());
    assertEquals(Op.Status.SENT, w.status());
  }

  @Test
  void batchesOfDifferentWritersStayWholeAndInOrder() {
    Channel<String> ch = bytes(1);
    Op<String> w1 = ch.startSendBatch(List.of("1a", "1b", "1c"), null, null);
    Op<String> w2 = ch.startSendBatch(List.of("2a", "2b"), null, null);
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      got.addAll(ch.startReceiveBatch(0, null, null).messages());
    }
    assertEquals(List.of("1a", "1b", "1c", "2a", "2b"), got);
    assertEquals(Op.Status.SENT, w1.status());
    assertEquals(Op.Status.SENT, w2.status());
  }

  @Test
  void closeKeepsTheAcceptedPartOfAWaitingBatch() {
    Channel<String> ch = bytes(1);
    Op<String> w = ch.startSendBatch(List.of("kept", "lost"), record, null);
    ch.close();
    assertEquals(Op.Status.CLOSED, w.status());
    assertEquals(1, w.accepted());
    assertEquals("kept", ch.tryReceive());
    assertEquals(Op.Status.CLOSED, ch.startReceiveBatch(10, null, null).status());
  }
}
