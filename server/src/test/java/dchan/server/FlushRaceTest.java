package dchan.server;

import static dchan.server.P9Client.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * flush(5) under real concurrency: writers on their own connections (and so, often, other selector
 * loops) race with readers that flush every read after a random delay. Each flush either
 * withdraws the read (Rflush alone) or comes after the match (Rread, then Rflush). Every message
 * whose write succeeded is read exactly once, and no Rread ever follows its Rflush.
 */
class FlushRaceTest extends ServerFixture {

  @Test
  void readsFlushedAtRandomLoseAndDoubleNothing() throws Exception {
    P9Client setup = client().start(Dialect.P9_2000_L, "");
    setup.create("race");
    int writers = 3;
    int perWriter = 300;
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    AtomicInteger cycles = new AtomicInteger();
    AtomicBoolean writing = new AtomicBoolean(true);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int w = 0; w < writers; w++) {
      P9Client c = client().start(Dialect.P9_2000_L, "");
      c.open(1, "race", 1);
      int id = w;
      threads.add(new Thread(() -> {
        try {
          for (int i = 0; i < perWriter; i++) {
            // a pause now and then leaves readers parked, so that flushes race with matches
            LockSupport.parkNanos(ThreadLocalRandom.current().nextInt(400_000));
            c.ok(5, write(1, id + ":" + i), Msg.Rwrite.class);
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }));
    }
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      P9Client c = client().start(Dialect.P9_2000_L, "?eom=off");
      c.open(1, "race", 0);
      readers.add(new Thread(() -> {
        try {
          while (writing.get() || seen.size() < writers * perWriter) {
            if (ThreadLocalRandom.current().nextBoolean()) {
              c.sendBatch(7, new Msg.Tread(1, 0, 100), 8, new Msg.Tflush(7)); // one server batch
            } else {
              c.send(7, new Msg.Tread(1, 0, 100));
              LockSupport.parkNanos(ThreadLocalRandom.current().nextInt(300_000));
              c.send(8, new Msg.Tflush(7));
            }
            boolean flushed = false;
            while (!flushed) {
              P9Client.Reply rep = c.receive();
              if (rep.tag() == 8) {
                flushed = true;
              } else if (rep.tag() == 7 && rep.msg() instanceof Msg.Rread rr) {
                seen.merge(new String(rr.data(), StandardCharsets.UTF_8), 1, Integer::sum);
              } else {
                throw new AssertionError("unexpected " + rep);
              }
            }
            cycles.incrementAndGet();
            if (!c.silentFor(1)) {
              throw new AssertionError("a reply after its Rflush: " + c.receive());
            }
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }));
    }
    threads.forEach(Thread::start);
    readers.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(60_000);
    }
    writing.set(false);
    for (Thread t : readers) {
      t.join(60_000);
    }
    assertTrue(failures.isEmpty(), () -> "failures: " + failures);
    assertEquals(writers * perWriter, seen.size(), "every written message was read");
    assertTrue(seen.values().stream().allMatch(n -> n == 1), "no message was read twice");
    assertTrue(cycles.get() > writers * perWriter, "some reads were withdrawn by their flush");
  }
}
