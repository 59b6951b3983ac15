package dchan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unit tests of the contract in semantics.md sections 3, 4 and 6, one property per test. */
class ChannelTest {
  private final List<Op<String>> completed = new ArrayList<>();
  private final Listener<String> record = completed::add;

  @Test
  void rendezvousSendIsPendingUntilAReceiverTakesTheMessage() {
    Channel<String> ch = new Channel<>(0);
    Op<String> send = ch.startSend("a", record, null);
    assertTrue(send.isPending());
    Op<String> recv = ch.startReceive(record, null);
    assertEquals(Op.Status.RECEIVED, recv.status());
    assertEquals("a", recv.message());
    assertEquals(Op.Status.SENT, send.status());
    assertEquals(List.of(send), completed, "only the pending op's listener runs");
  }

  @Test
  void bufferedSendCompletesAtOnceUntilTheBufferIsFull() {
    Channel<String> ch = new Channel<>(2);
    assertEquals(Op.Status.SENT, ch.startSend("a", record, null).status());
    assertEquals(Op.Status.SENT, ch.startSend("b", record, null).status());
    Op<String> third = ch.startSend("c", record, null);
    assertTrue(third.isPending());
    assertEquals("a", ch.startReceive(record, null).message());
    assertEquals(Op.Status.SENT, third.status(), "the freed slot admits the waiting sender");
    assertEquals("b", ch.startReceive(record, null).message());
    assertEquals("c", ch.startReceive(record, null).message());
  }

  @Test
  void waitingReceiversAreServedInArrivalOrder() {
    Channel<String> ch = new Channel<>(0);
    Op<String> r1 = ch.startReceive(record, null);
    Op<String> r2 = ch.startReceive(record, null);
    ch.startSend("a", record, null);
    ch.startSend("b", record, null);
    assertEquals("a", r1.message());
    assertEquals("b", r2.message());
  }

  @Test
  void cancelOfPendingSendWithdrawsItsMessage() {
    Channel<String> ch = new Channel<>(0);
    Op<String> send = ch.startSend("a", record, null);
    assertTrue(send.cancel());
    assertEquals(Op.Status.CANCELLED, send.status());
    assertTrue(ch.startReceive(record, null).isPending(), "the withdrawn message is never delivered");
    assertTrue(completed.isEmpty());
  }

  @Test
  void cancelAfterMatchLosesAndTheOutcomeStands() {
    Channel<String> ch = new Channel<>(0);
    Op<String> recv = ch.startReceive(record, null);
    ch.startSend("a", record, null);
    assertFalse(recv.cancel());
    assertEquals(Op.Status.RECEIVED, recv.status());
    assertEquals("a", recv.message());
  }

  @Test
  void closeFailsPendingSendsAndEndsPendingReceives() {
    Channel<String> ch = new Channel<>(0);
    Op<String> send = ch.startSend("a", record, null);
    ch.close();
    assertEquals(Op.Status.CLOSED, send.status());
    assertEquals(Op.Status.CLOSED, ch.startSend("b", record, null).status());
    Channel<String> ch2 = new Channel<>(0);
    Op<String> recv = ch2.startReceive(record, null);
    ch2.close();
    assertEquals(Op.Status.CLOSED, recv.status());
    assertNull(recv.message());
  }

  @Test
  void closedChannelDrainsItsBufferThenReportsEndOfFile() {
    Channel<String> ch = new Channel<>(2);
    ch.startSend("a", record, null);
    ch.close();
    assertEquals("a", ch.startReceive(record, null).message());
    assertEquals(Op.Status.CLOSED, ch.startReceive(record, null).status());
    assertEquals(Op.Status.CLOSED, ch.startReceive(record, null).status());
  }

  @Test
  void removeDropsBufferedMessagesAndCountsThem() {
    Channel<String> ch = new Channel<>(3);
    ch.startSend("a", record, null);
    ch.startSend("b", record, null);
    assertEquals(java.util.List.of("a", "b"), ch.remove());
    assertEquals(2, ch.snapshot().dropped());
    assertEquals(Op.Status.CLOSED, ch.startReceive(record, null).status());
  }

  @Test
  void raisingCapacityAdmitsWaitingSendersInOrder() {
    Channel<String> ch = new Channel<>(0);
    Op<String> a = ch.startSend("a", record, null);
    Op<String> b = ch.startSend("b", record, null);
    Op<String> c = ch.startSend("c", record, null);
    ch.setCapacity(2);
    assertEquals(Op.Status.SENT, a.status());
    assertEquals(Op.Status.SENT, b.status());
    assertTrue(c.isPending());
    assertEquals(List.of(a, b), completed);
  }

  @Test
  void loweringCapacityKeepsEveryBufferedMessage() {
    Channel<String> ch = new Channel<>(3);
    ch.startSend("a", record, null);
    ch.startSend("b", record, null);
    ch.startSend("c", record, null);
    ch.setCapacity(1);
    assertTrue(ch.startSend("d", record, null).isPending(), "new writes wait below the new capacity");
    assertEquals("a", ch.startReceive(record, null).message());
    assertEquals("b", ch.startReceive(record, null).message());
    assertEquals("c", ch.startReceive(record, null).message());
    assertEquals("d", ch.startReceive(record, null).message());
  }

  @Test
  void listenerRunsOutsideTheLockAndMayReenterTheChannel() {
    Channel<String> ch = new Channel<>(0);
    List<String> got = new ArrayList<>();
    ch.startReceive(op -> got.add(ch.startReceive(null, null).status().name()), null);
    ch.startSend("a", record, null);
    assertEquals(List.of("PENDING"), got);
  }

  @Test
  void countersTrackAcceptedDeliveredAndWaiting() {
    Channel<String> ch = new Channel<>(1);
    ch.startSend("a", record, null);
    ch.startSend("b", record, null);
    long before = System.nanoTime();
    Channel.Snapshot s = ch.snapshot();
    assertEquals(new Channel.Snapshot(1, 1, 0, 1, false, 1, 0, 0, s.oldestQueuedAt()), s);
    assertTrue(s.oldestQueuedAt() != 0 && s.oldestQueuedAt() <= before, "b waits since it was sent");
    ch.startReceive(null, null);
    ch.startReceive(null, null);
    assertEquals(0, ch.snapshot().oldestQueuedAt(), "nobody waits");
  }

  @Test
  void nullMessagesAndNegativeCapacitiesAreRejected() {
    Channel<String> ch = new Channel<>(0);
    assertThrows(NullPointerException.class, () -> ch.startSend(null, record, null));
    assertThrows(IllegalArgumentException.class, () -> ch.setCapacity(-1));
    assertThrows(IllegalArgumentException.class, () -> new Channel<String>(-1));
  }

  @Test
  void opCarriesItsAttachment() {
    Object tag = new Object();
    assertSame(tag, new Channel<String>(0).startReceive(record, tag).attachment);
  }

  @Test
  void restoreRebuildsASavedChannelAndItsWeight() {
    Channel<String> saved = new Channel<>(2, String::length, null);
    saved.startSend("ab", record, null);
    saved.startSend("c", record, null);
    saved.startReceive(record, null);
    saved.startSend("def", record, null);
    Channel.Snapshot s = saved.snapshot();
    Channel<String> back = new Channel<>(0, String::length, null);
    back.restore(s.capacity(), false, saved.buffered(), s.sent(), s.received(), s.dropped());
    assertEquals(saved.snapshot(), back.snapshot());
    assertEquals(4, back.bufferedWeight());
    assertEquals(List.of("c", "def"), back.buffered());
    assertEquals("c", back.startReceive(null, null).message(), "the oldest first");
    assertEquals(3, back.bufferedWeight());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> back.restore(1, false, List.of(), 0, 0, 0), "only a fresh channel");
  }
}
