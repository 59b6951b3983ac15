package dchan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dchan.server.cluster.Groups;
import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Faults under load (docs/cluster.md section 5): producers and consumers on every node of a
 * three-node cluster, some of their requests flushed, while nodes — leaders among them — are
 * killed with SIGKILL and started again. A history checker then asserts, over everything the
 * clients saw: no message received twice; every acknowledged send received (once the channels
 * are drained), except at most one message per read that was in flight on a killed node (the
 * at-most-once clause of Cluster.tla), counted; FIFO per producer as each consumer saw it; no
 * withdrawn write ever received. {@code DCHAN_CHAOS_SECONDS} makes the run longer (CI: 20 s).
 */
class ClusterChaosIT {
  private static final int PRODUCERS = 4;
  private static final int CONSUMERS = 3;

  private final AtomicBoolean producing = new AtomicBoolean(true);
  private final AtomicBoolean consuming = new AtomicBoolean(true);
  private final Set<String> acked = ConcurrentHashMap.newKeySet();
  private final Set<String> maybe = ConcurrentHashMap.newKeySet(); // outcome unknown: the node died
  private final Set<String> withdrawnWrites = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
  private final List<List<String>> seenBy = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger interruptedReads = new AtomicInteger();
  private final AtomicInteger withdrawnReads = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();
  private volatile TestCluster cluster;
  private final Set<Integer> down = ConcurrentHashMap.newKeySet();

  /** A connection to some live node, opened on channel path for reading or writing. */
  private P9Client connect(int preferred, String path, int mode) throws InterruptedException {
    for (int attempt = 0; ; attempt++) {
      int n = (preferred + attempt) % cluster.size;
      if (down.contains(n)) {
        continue;
      }
      try {
        P9Client c = cluster.client(n).start(Dialect.P9_2000_L, "?eom=off");
        c.open(1, path.substring(1), mode);
        c.timeout(0); // a read may wait long; a killed node resets the connection
        return c;
      } catch (IOException | RuntimeException e) {
        Thread.sleep(100);
      }
    }
  }

  private void produce(int p, String path) {
    try {
      int node = p % cluster.size;
      P9Client c = connect(node, path, 1);
      for (int seq = 0; producing.get(); seq++) {
        String m = "p" + p + "-" + seq + "\n";
        try {
          c.send(100, new Msg.Twrite(1, 0, m.getBytes(StandardCharsets.UTF_8)));
          boolean flush = ThreadLocalRandom.current().nextInt(10) == 0;
          if (flush && c.silentFor(5)) {
            c.send(101, new Msg.Tflush(100));
          } else {
            flush = false;
          }
          boolean answered = false;
          while (true) {
            P9Client.Reply r = c.receive();
            if (r.tag() == 100) {
              answered = true;
              if (r.msg() instanceof Msg.Rwrite) {
                acked.add(m);
              } else {
                maybe.add(m); // an error: refused, or the node's epoch ended
              }
              if (!flush) {
                break;
              }
            } else if (r.tag() == 101) {
              if (!answered) {
                withdrawnWrites.add(m);
              }
              break;
            }
          }
        } catch (IOException e) {
          maybe.add(m);
          c.close();
          c = connect(++node, path, 1);
        }
      }
      c.close();
    } catch (Exception e) {
      failures.incrementAndGet();
      e.printStackTrace();
    }
  }

  private void consume(int k, List<String> paths) {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    seenBy.add(seen);
    try {
      String path = paths.get(k % paths.size());
      int node = k % cluster.size;
      P9Client c = connect(node, path, 0);
      while (consuming.get()) {
        try {
          c.send(200, new Msg.Tread(1, 0, 4096));
          boolean flush = ThreadLocalRandom.current().nextInt(20) == 0;
          if (flush && c.silentFor(10)) {
            c.send(201, new Msg.Tflush(200));
          } else {
            flush = false;
          }
          boolean answered = false;
          while (true) {
            P9Client.Reply r = c.receive();
            if (r.tag() == 200) {
              answered = true;
              if (r.msg() instanceof Msg.Rread rr && rr.data().length > 0) {
                String m = new String(rr.data(), StandardCharsets.UTF_8);
                received.computeIfAbsent(m, x -> new AtomicInteger()).incrementAndGet();
                seen.add(m);
              }
              if (!flush) {
                break;
              }
            } else if (r.tag() == 201) {
              if (!answered) {
                withdrawnReads.incrementAndGet();
              }
              break;
            }
          }
        } catch (IOException e) {
          interruptedReads.incrementAndGet(); // its message, if it had one, went down with the node
          c.close();
          c = connect(++node, path, 0);
        }
      }
      c.close();
    } catch (Exception e) {
      failures.incrementAndGet();
      e.printStackTrace();
    }
  }

  private long buffered(String path) throws Exception {
    for (int n = 0; n < cluster.size; n++) {
      if (down.contains(n)) {
        continue;
      }
      P9Client c = cluster.client(n).start(Dialect.P9_2000_L, "");
      String row = c.row("stats", path);
      c.close();
      if (row != null) {
        String[] f = row.split("\t");
        return Long.parseLong(f[2]) + Long.parseLong(f[4]); // buffered + waiting writers
      }
    }
    return -1;
  }

  @Test
  void killsAndRestartsUnderLoadLoseNothingButInFlightReplies() throws Exception {
    int seconds = Integer.parseInt(System.getenv().getOrDefault("DCHAN_CHAOS_SECONDS", "20"));
    cluster = new TestCluster(3, 2, "--node-timeout", "2");
    try {
      String a = "a";
      String b = "b";
      for (char ch = 'c'; Groups.ofName(b, 2) == Groups.ofName(a, 2); ch++) {
        b = String.valueOf(ch);
      }
      List<String> paths = List.of("/" + a, "/" + b); // a rendezvous channel and a buffered one, in two groups
      P9Client admin = cluster.client(0).start(Dialect.P9_2000_L, "");
      admin.create(a);
      admin.create(b);
      admin.open(1, "ctl", 1);
      admin.ok(2, P9Client.write(1, "/" + b + " 32"), Msg.Rwrite.class);
      admin.close();

      List<Thread> threads = new ArrayList<>();
      for (int p = 0; p < PRODUCERS; p++) {
        int id = p;
        threads.add(new Thread(() -> produce(id, paths.get(id % 2))));
      }
      for (int k = 0; k < CONSUMERS + 1; k++) {
        int id = k;
        threads.add(new Thread(() -> consume(id, paths)));
      }
      threads.forEach(Thread::start);
      int kills = 0;
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      for (int victim = 0; System.nanoTime() < end; victim = (victim + 1) % cluster.size) {
        Thread.sleep(2500);
        down.add(victim);
        cluster.kill(victim);
        kills++;
        Thread.sleep(1500);
        cluster.start(victim);
        down.remove(victim);
      }
      producing.set(false);
      for (Thread t : threads.subList(0, PRODUCERS)) {
        t.join(60_000);
      }
      long deadline = System.nanoTime() + 60_000_000_000L;
      while ((buffered(paths.get(0)) != 0 || buffered(paths.get(1)) != 0) && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      Thread.sleep(1000);
      consuming.set(false);
      for (String p : paths) { // wake the consumers' last reads
        P9Client w = cluster.client(0).start(Dialect.P9_2000_L, "");
        w.open(1, p.substring(1), 1);
        for (int i = 0; i < CONSUMERS + 1; i++) {
          w.send(300 + i, P9Client.write(1, "end\n"));
        }
      }
      for (Thread t : threads.subList(PRODUCERS, threads.size())) {
        t.join(30_000);
      }

      assertEquals(0, failures.get(), "client threads failed");
      Set<String> twice = new HashSet<>();
      received.forEach((m, n) -> {
        if (n.get() > 1 && !m.equals("end\n")) {
          twice.add(m);
        }
      });
      assertEquals(Set.of(), twice, "received twice");
      Set<String> lost = new HashSet<>(acked);
      lost.removeAll(received.keySet());
      Set<String> withdrawnButReceived = new HashSet<>(withdrawnWrites);
      withdrawnButReceived.retainAll(received.keySet());
      assertEquals(Set.of(), withdrawnButReceived, "a withdrawn write took effect");
      for (List<String> seen : seenBy) {
        Map<String, Integer> last = new HashMap<>();
        synchronized (seen) {
          for (String m : seen) {
            if (m.equals("end\n")) {
              continue;
            }
            String producer = m.substring(0, m.indexOf('-'));
            int seq = Integer.parseInt(m.substring(m.indexOf('-') + 1).trim());
            Integer before = last.put(producer, seq);
            assertTrue(before == null || before < seq, "FIFO per producer: " + producer + " " + before + " then " + seq);
          }
        }
      }
      System.out.printf("chaos: %d s, %d kills; %d sends acknowledged, %d of unknown outcome, %d withdrawn;"
          + " %d received, %d reads withdrawn; %d lost (at most one per read cut by a kill: %d)%n",
          seconds, kills, acked.size(), maybe.size(), withdrawnWrites.size(), received.size(),
          withdrawnReads.get(), lost.size(), interruptedReads.get());
      assertTrue(acked.size() > 100, "enough traffic: " + acked.size());
      assertTrue(lost.size() <= interruptedReads.get(),
          "lost " + lost.size() + " acknowledged messages, more than the " + interruptedReads.get()
              + " reads in flight on killed nodes: " + lost);
    } finally {
      cluster.close();
    }
  }
}
