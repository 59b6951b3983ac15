package dchan.server;

import static dchan.server.P9Client.text;
import static dchan.server.P9Client.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The graceful drain on SIGTERM (semantics.md section 12), against the real process: no new
 * connections or files, every write refused with EPIPE, readers take what was buffered and then
 * get end-of-file, exit 0 with the outcome logged; a second signal exits at once.
 */
class DrainIT {
  private static final int EROFS = 30;
  private static final int EPIPE = 32;

  private static int metricsPort(ServerProcess s) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      for (String l : s.lines) {
        if (l.startsWith("dchan metrics on http://")) {
          return Integer.parseInt(l.replaceAll(".*:([0-9]+)/metrics$", "$1"));
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no metrics line: " + s.lines);
  }

  private static int health(int port) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void sigtermDrainsBufferedMessagesToReadersRefusesNewWorkAndExitsZero() throws Exception {
    try (ServerProcess s = new ServerProcess(List.of("-Xmx128m"),
        List.of("--drain-timeout", "30", "--metrics", "127.0.0.1:0"), 0)) {
      int metrics = metricsPort(s);
      assertEquals(200, health(metrics));
      P9Client c = s.client().start(Dialect.P9_2000_L, "");
      c.create("work");
      c.create("idle");
      c.create("full");
      c.open(1, "ctl", 1);
      c.ok(2, write(1, "/work 16\n/full 1"), Msg.Rwrite.class);
      c.open(2, "work", 2);
      for (String m : List.of("m1", "m2", "m3")) {
        c.ok(3, write(2, m), Msg.Rwrite.class);
      }
      c.open(3, "full", 1);
      c.ok(4, write(3, "f1"), Msg.Rwrite.class);
      P9Client parked = s.client().start(Dialect.P9_2000_L, "");
      parked.open(1, "idle", 0);
      parked.open(2, "full", 1);
      parked.send(10, new Msg.Tread(1, 0, 100)); // waits: nothing on /idle
      parked.send(11, write(2, "f2")); // waits: /full is full
      assertTrue(parked.silentFor(300));

      s.signal("TERM");
      // The waiting read gets end-of-file, the waiting write EPIPE (order between them is free).
      P9Client.Reply a = parked.receive();
      P9Client.Reply b = parked.receive();
      P9Client.Reply read = a.tag() == 10 ? a : b;
      P9Client.Reply wrote = a.tag() == 11 ? a : b;
      assertEquals("", text(read.msg()), "a read waiting on an empty channel: end-of-file");
      assertEquals(new Msg.Rlerror(EPIPE), wrote.msg(), "a waiting write: EPIPE, never accepted");
      assertEquals(503, health(metrics), "/health while draining");
      assertEquals(new Msg.Rlerror(EPIPE), c.rpc(5, write(2, "late")), "new writes: EPIPE");
      c.ok(6, new Msg.Twalk(0, 9, List.of()), Msg.Rwalk.class);
      assertEquals(new Msg.Rlerror(EROFS), c.rpc(7, new Msg.Tlcreate(9, "new", 1, 0100666, 0)), "new channels: EROFS");
      assertTrue(s.process.isAlive(), "still draining: messages are buffered");

      for (String m : List.of("m1", "m2", "m3")) {
        assertEquals(m, text(c.rpc(8, new Msg.Tread(2, 0, 100))), "buffered messages are delivered");
        assertEquals("", text(c.rpc(8, new Msg.Tread(2, 0, 100))), "(the end-of-message mark)");
      }
      c.open(4, "full", 0);
      assertEquals("f1", text(c.rpc(9, new Msg.Tread(4, 0, 100))));
      assertTrue(s.process.waitFor(10, TimeUnit.SECONDS), "exits once everything was taken");
      assertEquals(0, s.process.exitValue());
      Thread.sleep(200);
      assertTrue(s.count("drained in") == 1 && s.count("every buffered message was delivered") == 1, String.join("\n", s.lines));
      assertTrue(s.count("draining: no longer accepting; 4 buffered messages on 3 channels") == 1, String.join("\n", s.lines));
    }
  }

  @Test
  void whatNobodyReadsIsReportedWhenTheTimeoutEndsTheDrain() throws Exception {
    try (ServerProcess s = new ServerProcess(List.of("-Xmx128m"), List.of("--drain-timeout", "1"), 0)) {
      P9Client c = s.client().start(Dialect.P9_2000_L, "");
      c.create("with space");
      c.open(1, "ctl", 1);
      c.ok(2, write(1, "'/with space' 4"), Msg.Rwrite.class);
      c.open(2, "with space", 1);
      c.ok(3, write(2, "x"), Msg.Rwrite.class);
      c.ok(3, write(2, "y"), Msg.Rwrite.class);
      long t0 = System.nanoTime();
      s.signal("TERM");
      assertTrue(s.process.waitFor(10, TimeUnit.SECONDS));
      double took = (System.nanoTime() - t0) / 1e9;
      assertEquals(0, s.process.exitValue());
      assertTrue(took >= 0.9 && took < 8, "the drain lasted its timeout: " + took);
      Thread.sleep(200);
      assertEquals(1, s.count("2 buffered messages left undelivered ('/with space' 2)"), String.join("\n", s.lines));
    }
  }

  @Test
  void aSecondSignalExitsAtOnce() throws Exception {
    try (ServerProcess s = new ServerProcess(List.of("-Xmx128m"), List.of("--drain-timeout", "60"), 0)) {
      P9Client c = s.client().start(Dialect.P9_2000_L, "");
      c.create("q");
      c.open(1, "ctl", 1);
      c.ok(2, write(1, "/q 4"), Msg.Rwrite.class);
      c.open(2, "q", 1);
      c.ok(3, write(2, "kept"), Msg.Rwrite.class);
      s.signal("TERM");
      Thread.sleep(500);
      assertTrue(s.process.isAlive(), "draining");
      s.signal("INT");
      assertTrue(s.process.waitFor(5, TimeUnit.SECONDS), "the second signal ends it");
      assertEquals(1, s.process.exitValue());
      Thread.sleep(200);
      assertEquals(1, s.count("second SIGINT: exiting now, 1 buffered message undelivered"), String.join("\n", s.lines));
      assertTrue(c.closedByServer(), "the connection is gone");
    }
  }
}
