package dchan.server;

import static dchan.server.P9Client.text;
import static dchan.server.P9Client.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import dchan.server.wire.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Attacks on a real server process (server/target/dchan.jar, small heap), one test per row of
 * the hardening issue: each shows the server stays up, keeps answering other clients, stays
 * within its memory, and loses nothing it accepted. Run by failsafe in {@code mvn verify}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReliabilityIT {
  private static final long MB = 1 << 20;

  /** A fresh client that mounts and gets an Rstatfs: the server serves others. Returns ms. */
  private static double probe(ServerProcess s) throws IOException {
    long t0 = System.nanoTime();
    try (P9Client c = s.client()) {
      c.start(Dialect.P9_2000_L, "");
      c.ok(1, new Msg.Tstatfs(0), Msg.Rstatfs.class);
    }
    return (System.nanoTime() - t0) / 1e6;
  }

  private static byte[] header(long size, int type, int tag) {
    ByteBuffer b = ByteBuffer.allocate(7).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt((int) size).put((byte) type).putShort((short) tag);
    return b.array();
  }

  private static List<String> limitsRow(P9Client c, String limit) throws IOException {
    String row = c.row("limits", limit);
    if (row == null) {
      throw new AssertionError("no " + limit + " in limits");
    }
    return List.of(row.split("\t"));
  }

  private static long refused(ServerProcess s, String limit) throws IOException {
    try (P9Client c = s.client()) {
      c.start(Dialect.P9_2000_L, "");
      return Long.parseLong(limitsRow(c, limit).get(3));
    }
  }

  private static boolean closedWithin(Socket s, int millis) {
    try {
      s.setSoTimeout(millis);
      return s.getInputStream().read() < 0;
    } catch (IOException e) {
      return e.getMessage() == null || !e.getMessage().contains("timed out");
    }
  }

  // Row 2: headers that claim a megabyte, before and after Tversion; the connection limit.
  @Test
  void framesClaimingAMegabyteCostOnlyWhatArrivedAndTimeOut() throws Exception {
    try (ServerProcess s = new ServerProcess(List.of("-Xmx128m"),
        List.of("--frame-timeout", "2", "--handshake-timeout", "2"), 0)) {
      long before = s.rss();
      List<Socket> pre = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        Socket k = new Socket();
        k.connect(s.address);
        k.getOutputStream().write(header(MB, 100, 0xFFFF), 0, 4);
        pre.add(k);
      }
      assertTrue(closedWithin(pre.get(1999), 5000), "a frame over 8 KiB before Tversion closes");
      for (Socket k : pre) {
        k.close();
      }
      List<P9Client> post = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        P9Client c = s.client();
        c.ok(Wire.NOTAG, new Msg.Tversion((int) MB + 24, "9P2000.L"), Msg.Rversion.class);
        c.sendRaw(header(MB, 118, 1));
        c.sendRaw(new byte[100]);
        post.add(c);
      }
      double ms = probe(s);
      long grew = s.rss() - before;
      System.out.printf("row 2: 2000 + 500 connections: RSS grew %.1f MB, probe %.1f ms%n", grew / 1e6, ms);
      assertTrue(grew < 200 * MB, "RSS grew " + grew);
      for (P9Client c : post) {
        assertTrue(c.closedByServer(), "a frame not finished within --frame-timeout closes");
      }
      assertTrue(refused(s, "frame-size") >= 2000);
      assertTrue(refused(s, "frame-timeout") >= 500);
      probe(s);
    }
  }

  @Test
  void connectionsBeyondTheLimitAreClosedAtAccept() throws Exception {
    try (ServerProcess s = new ServerProcess("--max-connections", "50")) {
      List<P9Client> held = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        P9Client c = s.client();
        c.start(Dialect.P9_2000_L, "");
        held.add(c);
      }
      P9Client over = s.client();
      assertTrue(over.closedByServer(), "the 51st connection is closed at once");
      held.remove(0).close();
      Thread.sleep(200);
      assertTrue(probe(s) >= 0, "a connection is admitted again once one left");
      assertTrue(held.get(0).rpc(2, new Msg.Tstatfs(0)) instanceof Msg.Rstatfs);
      for (P9Client c : held) {
        c.close();
      }
      Thread.sleep(200);
      assertTrue(refused(s, "connections") >= 1);
    }
  }

  // Row 3: pipelining without ever reading a reply.
  @Test
  void aClientThatNeverReadsRepliesIsPausedThenDisconnected() throws Exception {
    try (ServerProcess s = new ServerProcess(List.of("-Xmx128m"), List.of("--stall-timeout", "3"), 0)) {
      P9Client c = s.client();
      c.start(Dialect.P9_2000_L, "");
      byte[] one = c.bytes(5, new Msg.Tgetattr(0, 0x3FFF));
      byte[] batch = new byte[one.length * 4096];
      for (int i = 0; i < 4096; i++) {
        System.arraycopy(one, 0, batch, i * one.length, one.length);
      }
      AtomicLong sent = new AtomicLong();
      AtomicBoolean cut = new AtomicBoolean();
      Thread flood = new Thread(() -> {
        try {
          OutputStream out = c.socket.getOutputStream();
          long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
          while (System.nanoTime() < end) {
            out.write(batch);
            sent.addAndGet(batch.length);
          }
        } catch (IOException e) {
          cut.set(true); // the server closed the connection
        }
      });
      flood.start();
      Thread.sleep(1500);
      double ms = probe(s);
      long rss = s.rss();
      flood.join(30_000);
      System.out.printf("row 3: %.1f MB sent before the disconnect; RSS %.0f MB; probe %.1f ms%n",
          sent.get() / 1e6, rss / 1e6, ms);
      assertTrue(cut.get(), "disconnected after the stall timeout");
      assertTrue(sent.get() < 200 * MB, "reading paused: the flood stopped being read");
      assertTrue(rss < 450 * MB, "RSS " + rss);
      assertEquals(1, refused(s, "stall-timeout"));
      probe(s);
    }
  }

  // Row 4: buffered and parked megabytes against the memory budget.
  @Test
  void theMemoryBudgetRefusesWritesAndNothingAcceptedIsLost() throws Exception {
    try (ServerProcess s = new ServerProcess(List.of("-Xmx256m"), List.of(), 0)) {
      P9Client a = s.client();
      a.ok(Wire.NOTAG, new Msg.Tversion((int) MB + 24, "9P2000.L"), Msg.Rversion.class);
      a.ok(0, new Msg.Tattach(0, Wire.NOFID, "t", "", Wire.NOFID), Msg.Rattach.class);
      StringBuilder ctl = new StringBuilder();
      for (int ch = 0; ch < 8; ch++) {
        a.create("b" + ch);
        ctl.append("/b").append(ch).append(" 1000\n");
      }
      a.open(1, "ctl", 1);
      a.ok(2, write(1, ctl.toString()), Msg.Rwrite.class);
      byte[] m = new byte[(int) MB - 24]; // iounit: the largest message
      int[] accepted = new int[8];
      Msg refusal = null;
      for (int ch = 0; ch < 8 && refusal == null; ch++) {
        a.open(10 + ch, "b" + ch, 2);
        for (int i = 0; i < 1000; i++) {
          m[0] = (byte) ch;
          m[1] = (byte) i;
          Msg r = a.rpc(3, new Msg.Twrite(10 + ch, 0, m));
          if (!(r instanceof Msg.Rwrite)) {
            refusal = r;
            break;
          }
          accepted[ch]++;
        }
      }
      assertEquals(new Msg.Rlerror(28), refusal, "ENOSPC: No space left on device");
      int total = java.util.Arrays.stream(accepted).sum();
      System.out.printf("row 4: %d MiB accepted with -Xmx256m, RSS %.0f MB%n", total, s.rss() / 1e6);
      assertTrue(total >= 40 && total <= 70, total + " MiB accepted");
      probe(s);
      // parked writes on an unbuffered channel: refused beyond the budget too
      a.create("r");
      List<P9Client> writers = new ArrayList<>();
      int parked = 0;
      for (int i = 0; i < 20; i++) {
        P9Client w = s.client();
        w.ok(Wire.NOTAG, new Msg.Tversion((int) MB + 24, "9P2000.L"), Msg.Rversion.class);
        w.ok(0, new Msg.Tattach(0, Wire.NOFID, "t", "", Wire.NOFID), Msg.Rattach.class);
        w.open(1, "r", 1);
        w.send(5, new Msg.Twrite(1, 0, m));
        if (w.silentFor(300)) {
          parked++;
        } else {
          assertEquals(new Msg.Rlerror(28), w.receive().msg());
        }
        writers.add(w);
      }
      assertTrue(parked < 20, "the budget is full: parked writes are refused too");
      // drain every buffered message: each one accepted arrives, in order
      for (int ch = 0; ch < 8; ch++) {
        for (int i = 0; i < accepted[ch]; i++) {
          byte[] got = ((Msg.Rread) a.rpc(4, new Msg.Tread(10 + ch, 0, (int) MB))).data();
          assertEquals(m.length, got.length);
          assertEquals((byte) ch, got[0]);
          assertEquals((byte) i, got[1], "in order");
          // a read of iounit bytes is not short: no end-of-message mark follows
        }
      }
      a.open(30, "r", 0);
      for (int i = 0; i < parked; i++) {
        assertEquals(m.length, ((Msg.Rread) a.rpc(6, new Msg.Tread(30, 0, (int) MB))).data().length);
      }
      assertTrue(refused(s, "memory") >= 1);
      assertTrue(s.process.isAlive());
    }
  }

  // Row 5: a deep tree; the rate sampler never dies.
  @Test
  void deepTreesStopAtTheDepthLimitAndStatsAndRatesLiveOn() throws Exception {
    try (ServerProcess s = new ServerProcess()) {
      P9Client c = s.client();
      c.start(Dialect.P9_2000_L, "");
      c.ok(1, new Msg.Twalk(0, 1, List.of()), Msg.Rwalk.class);
      Msg last = null;
      int depth = 0;
      for (int i = 0; i < 200; i++) {
        last = c.rpc(2, new Msg.Tmkdir(1, "d", 0755, 0));
        if (!(last instanceof Msg.Rmkdir)) {
          break;
        }
        depth++;
        c.ok(3, new Msg.Twalk(1, 1, List.of("d")), Msg.Rwalk.class);
      }
      assertEquals(64, depth);
      assertEquals(new Msg.Rlerror(36), last, "ENAMETOOLONG beyond --max-depth");
      c.create("ch");
      c.open(4, "ctl", 1);
      c.ok(5, write(4, "/ch 100"), Msg.Rwrite.class);
      c.open(5, "ch", 1);
      for (int round = 0; round < 2; round++) { // writes on both sides of a sample
        for (int i = 0; i < 25; i++) {
          c.ok(6, write(5, "m"), Msg.Rwrite.class);
        }
        Thread.sleep(1500);
      }
      c.open(6, "stats", 0);
      String line = text(c.rpc(7, new Msg.Tread(6, 0, 8000))).split("\n")[1];
      assertTrue(line.startsWith("/ch\t100\t50\t"), line);
      assertTrue(Double.parseDouble(line.split("\t")[9]) > 0, "send/s moves: the sampler lives: " + line);
    }
  }

  // Rows 6 and 7: many channels, pipelined stats reads, one fid per snapshot.
  @Test
  void statsOfManyChannelsNeitherStallsOthersNorFillsTheHeap() throws Exception {
    try (ServerProcess s = new ServerProcess(List.of("-Xmx128m"), List.of("--max-files", "20000"), 0)) {
      P9Client c = s.client();
      c.start(Dialect.P9_2000_L, "");
      for (int base = 0; base < 20000; base += 500) {
        List<Object> batch = new ArrayList<>();
        for (int i = base; i < base + 500; i++) {
          batch.add(i % 60000 + 100);
          batch.add(new Msg.Tmkdir(0, "c" + i, 0755, 0));
        }
        c.sendBatch(batch.toArray());
        for (int i = 0; i < 500; i++) {
          assertInstanceOf(Msg.Rmkdir.class, c.receive().msg());
        }
      }
      assertEquals(new Msg.Rlerror(28), c.rpc(1, new Msg.Tmkdir(0, "one-too-many", 0755, 0)));
      // channels for stats: replace 4000 directories by channels
      for (int i = 0; i < 4000; i++) {
        c.ok(2, new Msg.Tunlinkat(0, "c" + i, 0x200), Msg.Runlinkat.class);
      }
      for (int i = 0; i < 4000; i++) {
        c.create("k" + i);
      }
      c.open(3, "stats", 0);
      List<Object> reads = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        reads.add(200 + i);
        reads.add(new Msg.Tread(3, 0, 8000));
      }
      c.sendBatch(reads.toArray());
      double worst = 0;
      for (int i = 0; i < 5; i++) {
        worst = Math.max(worst, probe(s));
      }
      for (int i = 0; i < 20; i++) {
        assertInstanceOf(Msg.Rread.class, c.receive().msg());
      }
      System.out.printf("row 6: worst probe %.1f ms during 20 pipelined stats reads of 4000 channels%n", worst);
      assertTrue(worst < 2000, "other clients are served: " + worst + " ms");
      // row 7: one fid per stats snapshot, each reading 1 byte
      int ok = 0;
      int eagain = 0;
      for (int fid = 100; fid < 400; fid++) {
        c.open(fid, "stats", 0);
        Msg r = c.rpc(4, new Msg.Tread(fid, 0, 1));
        if (r instanceof Msg.Rread) {
          ok++;
        } else {
          assertEquals(new Msg.Rlerror(11), r, "the connection's share is full: EAGAIN");
          eagain++;
        }
      }
      System.out.printf("row 7: 300 stats fids: %d held a snapshot, %d refused EAGAIN; RSS %.0f MB%n",
          ok, eagain, s.rss() / 1e6);
      assertTrue(s.process.isAlive());
      probe(s);
    }
  }

  // Row 8: out of file descriptors.
  @Test
  void runningOutOfDescriptorsBacksOffQuietlyAndRecovers() throws Exception {
    try (ServerProcess s = new ServerProcess(List.of("-Xmx128m"), List.of("--max-connections", "10000"), 256)) {
      List<Socket> socks = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        Socket k = new Socket();
        k.connect(s.address, 2000);
        socks.add(k);
      }
      Thread.sleep(3000);
      for (Socket k : socks) {
        k.close();
      }
      Thread.sleep(1500);
      double ms = probe(s);
      long warnings = s.lines.stream().filter(l -> l.contains("WARNING")).count();
      System.out.printf("row 8: 400 connections under ulimit -n 256: %d warning lines; probe %.1f ms%n", warnings, ms);
      assertTrue(warnings < 20, s.lines.size() + " lines: " + s.lines.subList(0, Math.min(20, s.lines.size())));
      assertTrue(s.count("lowered to") >= 1, "the connection limit was fitted to the descriptor limit");
      assertTrue(s.process.isAlive());
    }
  }

  // Rows 9, 10, 11 over a real process: two reads on a fid, forged names, a u32 msize.
  @Test
  void readsQueuePerFidNamesCannotForgeLinesAndMsizeIsUnsigned() throws Exception {
    try (ServerProcess s = new ServerProcess()) {
      P9Client c = s.client();
      assertEquals(new Msg.Rversion(1 << 20, "9P2000.L"),
          c.rpc(Wire.NOTAG, new Msg.Tversion(0xFFFFFFFF, "9P2000.L")), "msize 2^32-1 is clamped");
      c.ok(0, new Msg.Tattach(0, Wire.NOFID, "t", "", Wire.NOFID), Msg.Rattach.class);
      c.create("ch");
      c.open(1, "ch", 0);
      c.send(10, new Msg.Tread(1, 0, 10));
      c.send(11, new Msg.Tread(1, 0, 10));
      P9Client w = s.client();
      w.start(Dialect.P9_2000_L, "");
      w.open(1, "ch", 1);
      w.send(20, write(1, "A".repeat(100)));
      w.send(21, write(1, "B".repeat(100)));
      assertEquals("A".repeat(10), text(c.receive().msg()));
      assertEquals("A".repeat(10), text(c.receive().msg()), "the second read continues A");
      assertEquals(new Msg.Rlerror(22), c.rpc(3, new Msg.Tmkdir(0, "z 3\n", 0755, 0)));
      probe(s);
    }
  }

  // Row 1: an OutOfMemoryError ends the process with one line and status 3, never half-alive.
  @Test
  void outOfMemoryEndsTheProcessWithStatusThreeAndOneLine() throws Exception {
    try (ServerProcess s = new ServerProcess(List.of("-Xmx48m"), List.of("--max-memory", "1g"), 0)) {
      P9Client a = s.client();
      a.ok(Wire.NOTAG, new Msg.Tversion((int) MB + 24, "9P2000.L"), Msg.Rversion.class);
      a.ok(0, new Msg.Tattach(0, Wire.NOFID, "t", "", Wire.NOFID), Msg.Rattach.class);
      a.create("b");
      a.open(1, "ctl", 1);
      a.ok(2, write(1, "/b 100000"), Msg.Rwrite.class);
      a.open(2, "b", 1);
      byte[] m = new byte[(int) MB - 24];
      try {
        for (int i = 0; i < 1000; i++) {
          a.rpc(3, new Msg.Twrite(2, 0, m)); // a budget larger than the heap: a misconfiguration
        }
      } catch (IOException expected) {
        // the process died
      }
      assertTrue(s.process.waitFor(20, TimeUnit.SECONDS));
      assertEquals(Fatal.EXIT_STATUS, s.process.exitValue());
      Thread.sleep(200);
      assertEquals(1, s.count("out of memory"), s.lines.toString());
    }
  }
}
