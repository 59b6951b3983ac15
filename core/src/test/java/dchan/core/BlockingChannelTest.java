package dchan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The blocking facade: parking, interrupts, timeouts and close, on the same core. */
class BlockingChannelTest {

  @Test
  void everyMessageArrivesOnceAndInOrderBetweenTwoThreads() throws Exception {
    BlockingChannel<Integer> ch = new BlockingChannel<>(0);
    int n = 20_000;
    Thread producer =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < n; i++) {
                  ch.send(i);
                }
                ch.channel().close();
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
            });
    producer.start();
    List<Integer> got = new ArrayList<>();
    for (Integer m; (m = ch.receive()) != null; ) {
      got.add(m);
    }
    producer.join();
    assertEquals(n, got.size());
    for (int i = 0; i < n; i++) {
      assertEquals(i, got.get(i));
    }
  }

  @Test
  void interruptedReceiveIsWithdrawnAndConsumesNothing() throws Exception {
    BlockingChannel<String> ch = new BlockingChannel<>(1);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    Thread t =
        new Thread(
            () -> {
              try {
                ch.receive();
              } catch (Throwable e) {
                thrown.set(e);
              }
              done.countDown();
            });
    t.start();
    while (ch.channel().snapshot().waitingReceivers() == 0) {
      Thread.onSpinWait();
    }
    t.interrupt();
    assertTrue(done.await(10, TimeUnit.SECONDS));
    assertTrue(thrown.get() instanceof InterruptedException);
    ch.send("a");
    assertEquals("a", ch.receive(), "the message was not consumed by the interrupted receive");
  }

  @Test
  void timedSendThatTimesOutDeliversNothing() throws Exception {
    BlockingChannel<String> ch = new BlockingChannel<>(0);
    assertFalse(ch.send("a", 20, TimeUnit.MILLISECONDS));
    assertEquals(0, ch.channel().snapshot().waitingSenders());
    assertNull(ch.receive(20, TimeUnit.MILLISECONDS));
  }

  @Test
  void closeWakesABlockedSenderWithAnError() throws Exception {
    BlockingChannel<String> ch = new BlockingChannel<>(0);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                ch.send("a");
              } catch (Throwable e) {
                thrown.set(e);
              }
            });
    t.start();
    while (ch.channel().snapshot().waitingSenders() == 0) {
      Thread.onSpinWait();
    }
    ch.channel().close();
    t.join(10_000);
    assertTrue(thrown.get() instanceof ChannelClosedException);
    assertThrows(ChannelClosedException.class, () -> ch.send("b"));
  }
}
