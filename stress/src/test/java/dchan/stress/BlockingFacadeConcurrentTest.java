package dchan.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dchan.core.BlockingChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The blocking facade under real concurrency (Lincheck cannot model a parked thread as an
 * operation): producers and consumers with timeouts and interrupts, on rendezvous and buffered
 * channels. Every message a sender was told was sent is received exactly once; no message whose
 * send timed out or was interrupted is ever received.
 */
class BlockingFacadeConcurrentTest {

  @Test
  void nothingLostOrDoubledWithTimeoutsAndInterruptsRendezvous() throws Exception {
    run(0);
  }

  @Test
  void nothingLostOrDoubledWithTimeoutsAndInterruptsBuffered() throws Exception {
    run(4);
  }

  private static void run(int capacity) throws Exception {
    BlockingChannel<Integer> ch = new BlockingChannel<>(capacity);
    Set<Integer> sentOk = ConcurrentHashMap.newKeySet();
    Set<Integer> withdrawn = ConcurrentHashMap.newKeySet();
    Set<Integer> received = ConcurrentHashMap.newKeySet();
    AtomicInteger duplicates = new AtomicInteger();
    AtomicInteger next = new AtomicInteger();
    int perProducer = 5000;
    List<Thread> producers = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      producers.add(
          new Thread(
              () -> {
                for (int i = 0; i < perProducer; i++) {
                  int m = next.getAndIncrement();
                  try {
                    boolean ok =
                        ThreadLocalRandom.current().nextInt(4) == 0
                            ? ch.send(m, 50, TimeUnit.MICROSECONDS)
                            : ch.send(m, 1, TimeUnit.SECONDS);
                    (ok ? sentOk : withdrawn).add(m);
                  } catch (InterruptedException e) {
                    withdrawn.add(m);
                  }
                }
              }));
    }
    List<Thread> consumers = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      consumers.add(
          new Thread(
              () -> {
                while (true) {
                  try {
                    Integer m = ch.receive(20, TimeUnit.MILLISECONDS);
                    if (m == null) {
                      if (ch.channel().isClosed()) {
                        return;
                      }
                      continue;
                    }
                    if (!received.add(m)) {
                      duplicates.incrementAndGet();
                    }
                  } catch (InterruptedException e) {
                    // withdrawn receive: consumed nothing; keep going
                  }
                }
              }));
    }
    producers.forEach(Thread::start);
    consumers.forEach(Thread::start);
    Thread interrupter =
        new Thread(
            () -> {
              while (producers.stream().anyMatch(Thread::isAlive)) {
                List<Thread> all = new ArrayList<>(producers);
                all.addAll(consumers);
                all.get(ThreadLocalRandom.current().nextInt(all.size())).interrupt();
                try {
                  Thread.sleep(1);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    interrupter.start();
    for (Thread t : producers) {
      t.join(60_000);
    }
    interrupter.join(10_000);
    // Drain: everything sent must arrive, then close ends the consumers.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!received.containsAll(sentOk) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    ch.channel().close();
    for (Thread t : consumers) {
      t.join(10_000);
    }
    assertEquals(0, duplicates.get(), "messages received twice");
    assertEquals(sentOk, received, "received exactly the messages whose send succeeded");
    assertTrue(received.stream().noneMatch(withdrawn::contains), "a withdrawn send was delivered");
    assertEquals(3 * perProducer, sentOk.size() + withdrawn.size());
  }
}
