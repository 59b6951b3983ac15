package dchan.server;

import static dchan.server.P9Client.text;
import static dchan.server.P9Client.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dchan.server.cluster.Groups;
import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A three-node cluster of real processes (docs/cluster.md): any node serves any channel, the
 * session rules hold across nodes, buffered messages survive a whole-cluster SIGKILL, and a dead
 * node's waiting requests are withdrawn (by NODE_DOWN, or by its NODE_UP when it returns).
 */
class ClusterIT {
  private static final int EOPNOTSUPP = 95;

  private static P9Client mount(TestCluster c, int node) throws Exception {
    return c.client(node).start(Dialect.P9_2000_L, "");
  }

  /** The stats line of channel path on the node c is connected to ("" if none). */
  private static String stats(P9Client c, String path) throws Exception {
    String row = c.row("stats", path);
    return row == null ? "" : row;
  }

  private static int waitingReaders(P9Client c, String path) throws Exception {
    return Integer.parseInt(stats(c, path).split("\t")[3]);
  }

  /** Polls c's stats until path has want waiting readers, for at most seconds; returns the last count. */
  private static int awaitWaitingReaders(P9Client c, String path, int want, int seconds) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    int n;
    while ((n = waitingReaders(c, path)) != want && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return n;
  }

  @Test
  void aRendezvousCrossesNodesAndBufferedMessagesSurviveAWholeClusterKill() throws Exception {
    try (TestCluster c = new TestCluster(3, 3)) {
      P9Client n1 = mount(c, 0);
      n1.create("jobs");
      n1.create("pipe");
      n1.open(1, "ctl", 1);
      n1.ok(2, write(1, "/jobs 8"), Msg.Rwrite.class);
      P9Client n2 = mount(c, 1);
      n2.open(1, "pipe", 0);
      n2.send(10, new Msg.Tread(1, 0, 100)); // waits on n2
      assertTrue(n2.silentFor(300));
      P9Client n3 = mount(c, 2);
      n3.open(1, "pipe", 1);
      assertEquals(new Msg.Rwrite(5), n3.rpc(11, write(1, "hello")), "the write on n3 met the read on n2");
      assertEquals("hello", text(n2.receive().msg()));
      n3.open(2, "jobs", 1);
      for (String m : List.of("m1", "m2", "m3")) {
        n3.ok(12, write(2, m), Msg.Rwrite.class);
      }
      for (int i = 0; i < 3; i++) {
        c.kill(i);
      }
      c.startAll(0, 1, 2);
      P9Client back = mount(c, 1);
      back.open(1, "jobs", 0);
      for (String m : List.of("m1", "m2", "m3")) {
        assertEquals(m, text(back.rpc(13, new Msg.Tread(1, 0, 100))), "after the restart, in order");
        back.rpc(13, new Msg.Tread(1, 0, 100)); // the end-of-message mark
      }
      assertTrue(stats(back, "/jobs").startsWith("/jobs\t8\t0\t"), stats(back, "/jobs"));
    }
  }

  @Test
  void aDeadNodesWaitingReadIsWithdrawnSoTheNextMessageGoesToALiveReader() throws Exception {
    try (TestCluster c = new TestCluster(3, 1, "--node-timeout", "2")) {
      P9Client n1 = mount(c, 0);
      n1.create("q");
      P9Client doomed = mount(c, 1);
      doomed.open(1, "q", 0);
      doomed.send(10, new Msg.Tread(1, 0, 100)); // first in line
      assertTrue(doomed.silentFor(300));
      P9Client survivor = mount(c, 2);
      survivor.open(1, "q", 0);
      survivor.send(10, new Msg.Tread(1, 0, 100)); // second
      assertEquals(2, awaitWaitingReaders(n1, "/q", 2, 10));
      c.kill(1);
      assertEquals(1, awaitWaitingReaders(n1, "/q", 1, 20), "NODE_DOWN withdrew the dead node's read");
      n1.open(1, "q", 1);
      n1.ok(11, write(1, "for the living"), Msg.Rwrite.class);
      assertEquals("for the living", text(survivor.receive().msg()));
    }
  }

  @Test
  void aRestartedNodesOldRequestsAreWithdrawnByItsReturn() throws Exception {
    try (TestCluster c = new TestCluster(3, 1, "--node-timeout", "60")) {
      P9Client n1 = mount(c, 0);
      n1.create("q");
      P9Client doomed = mount(c, 1);
      doomed.open(1, "q", 0);
      doomed.send(10, new Msg.Tread(1, 0, 100));
      assertTrue(doomed.silentFor(300));
      c.kill(1);
      c.start(1); // NODE_UP with a new epoch, long before the 60 s node timeout
      assertEquals(0, awaitWaitingReaders(n1, "/q", 0, 20), "the old epoch's read is gone");
      P9Client reader = mount(c, 1);
      reader.open(1, "q", 0);
      reader.send(10, new Msg.Tread(1, 0, 100));
      n1.open(1, "q", 1);
      n1.ok(11, write(1, "after the restart"), Msg.Rwrite.class);
      assertEquals("after the restart", text(reader.receive().msg()));
    }
  }

  @Test
  void flushLinesCtlAndRenamesAcrossTheCluster() throws Exception {
    try (TestCluster c = new TestCluster(3, 3)) {
      P9Client n1 = mount(c, 0);
      n1.create("q");
      n1.open(1, "q", 0);
      n1.send(10, new Msg.Tread(1, 0, 100));
      assertTrue(n1.silentFor(300));
      assertInstanceOf(Msg.Rflush.class, n1.rpc(11, new Msg.Tflush(10)), "withdrawn: only the Rflush");
      P9Client n2 = mount(c, 1);
      n2.open(1, "q", 1);
      n2.send(12, write(1, "kept"));
      assertTrue(n2.silentFor(500), "the flushed read took nothing: the write waits");
      n1.open(2, "q", 0);
      assertEquals("kept", text(n1.rpc(13, new Msg.Tread(2, 0, 100))));
      assertEquals(new Msg.Rwrite(4), n2.receive().msg());

      n2.create("logs");
      n2.open(2, "ctl", 1);
      n2.ok(14, write(2, "/logs 16 lines\n/q 2"), Msg.Rwrite.class);
      P9Client n3 = mount(c, 2);
      String ctl = n3.readAll("ctl");
      assertTrue(ctl.contains("/logs 16 lines\n") && ctl.contains("/q 2\n"), ctl);
      n3.open(2, "logs", 1);
      n3.ok(16, write(2, "a\nb\nc\n"), Msg.Rwrite.class);
      n1.open(3, "logs", 0);
      assertEquals("a\nb\nc\n", text(n1.rpc(17, new Msg.Tread(3, 0, 100))), "lines, all at once");

      String a = "a";
      String b = "b";
      for (char ch = 'b'; Groups.ofName(b, 3) == Groups.ofName(a, 3); ch++) {
        b = String.valueOf(ch);
      }
      n1.ok(18, new Msg.Tmkdir(0, a, 0755, 0), Msg.Rmkdir.class);
      n1.ok(18, new Msg.Tmkdir(0, b, 0755, 0), Msg.Rmkdir.class);
      n1.ok(19, new Msg.Twalk(0, 5, List.of(a)), Msg.Rwalk.class);
      n1.ok(19, new Msg.Tlcreate(5, "x", 1, 0100666, 0), Msg.Rlcreate.class);
      n1.ok(19, new Msg.Twalk(0, 6, List.of(a)), Msg.Rwalk.class);
      n1.ok(19, new Msg.Twalk(0, 7, List.of(b)), Msg.Rwalk.class);
      assertEquals(new Msg.Rlerror(EOPNOTSUPP), n1.rpc(20, new Msg.Trenameat(6, "x", 7, "x")),
          "a rename across groups is refused");
      n1.ok(21, new Msg.Trenameat(6, "x", 6, "y"), Msg.Rrenameat.class);
      P9Client n3b = mount(c, 2);
      n3b.ok(22, new Msg.Twalk(0, 8, List.of(a, "y")), Msg.Rwalk.class);
    }
  }

  /** Files named snapshot.* under dir: what Ratis's SimpleStateMachineStorage writes. */
  private static long snapshots(java.nio.file.Path dir) throws Exception {
    try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(dir)) {
      return s.filter(f -> f.getFileName().toString().startsWith("snapshot.")).count();
    }
  }

  @Test
  void aWholeClusterRestartRecoversBuffersAndWaitingReadsFromSnapshotsAndTheLogTail() throws Exception {
    try (TestCluster c = new TestCluster(3, 1, "--snapshot-every", "40")) {
      P9Client n1 = mount(c, 0);
      n1.create("q");
      n1.create("idle");
      n1.open(1, "ctl", 1);
      n1.ok(2, write(1, "/q 1000"), Msg.Rwrite.class);
      n1.open(2, "q", 1);
      for (int i = 0; i < 150; i++) {
        n1.ok(3, write(2, "m" + i), Msg.Rwrite.class);
      }
      P9Client n2 = mount(c, 1);
      n2.open(1, "q", 0);
      for (int i = 0; i < 10; i++) {
        assertEquals("m" + i, text(n2.rpc(4, new Msg.Tread(1, 0, 100))));
        n2.rpc(4, new Msg.Tread(1, 0, 100)); // the end-of-message mark
      }
      n2.open(2, "idle", 0);
      n2.send(5, new Msg.Tread(2, 0, 100)); // waits: in the next snapshot, then withdrawn
      for (int i = 150; i < 200; i++) {
        n1.ok(3, write(2, "m" + i), Msg.Rwrite.class);
      }
      assertTrue(n2.silentFor(300));
      for (int i = 0; i < 3; i++) {
        assertTrue(snapshots(c.dataDir(i)) > 0, "node " + (i + 1) + " wrote a snapshot");
        c.kill(i);
      }
      c.startAll(0, 1, 2);
      P9Client back = mount(c, 2);
      assertTrue(stats(back, "/q").startsWith("/q\t1000\t190\t0\t0\t"), stats(back, "/q"));
      assertTrue(stats(back, "/idle").startsWith("/idle\t0\t0\t0\t0\t"), "the old read was withdrawn: " + stats(back, "/idle"));
      back.open(1, "q", 0);
      for (int i = 10; i < 200; i++) {
        assertEquals("m" + i, text(back.rpc(6, new Msg.Tread(1, 0, 100))), "after the restart, in order");
        back.rpc(6, new Msg.Tread(1, 0, 100));
      }
      P9Client w = mount(c, 0);
      w.open(1, "idle", 1);
      w.send(7, write(1, "fresh"));
      back.open(2, "idle", 0);
      assertEquals("fresh", text(back.rpc(8, new Msg.Tread(2, 0, 100))), "no dead read took it");
    }
  }

  @Test
  void theClusterFileAndMetricsShowEachGroupsLeaderTermIndexesAndLag() throws Exception {
    try (TestCluster c = new TestCluster(3, 2, "--metrics", "127.0.0.1:0")) {
      P9Client n1 = mount(c, 0);
      n1.create("q");
      n1.open(1, "ctl", 1);
      n1.ok(2, write(1, "/q 4"), Msg.Rwrite.class);
      n1.open(2, "q", 1);
      n1.ok(3, write(2, "held"), Msg.Rwrite.class);
      int group = Groups.ofName("q", 2);
      Map<Integer, String> leaders = new HashMap<>();
      int leading = 0;
      for (int i = 0; i < 3; i++) {
        P9Client n = mount(c, i);
        String[] lines = n.readAll("cluster").split("\n");
        assertEquals("group\trole\tleader\tterm\tcommit\tapplied\twaiting\tbuffered-bytes\tlag", lines[0]);
        assertEquals(3, lines.length, "one line per group: " + List.of(lines));
        for (int g = 0; g < 2; g++) {
          String[] f = lines[g + 1].split("\t");
          assertEquals(String.valueOf(g), f[0]);
          String known = leaders.putIfAbsent(g, f[2]);
          assertTrue(known == null || known.equals(f[2]), "every node knows the same leader of group " + g);
          assertTrue(Long.parseLong(f[3]) >= 1 && Long.parseLong(f[4]) >= 1, "a term and a commit index: " + lines[g + 1]);
          if (f[1].equals("leader")) {
            leading++;
            assertEquals("n" + (i + 1), f[2], "a leader names itself");
            assertTrue(f[8].matches("n\\d=\\d+,n\\d=\\d+"), "a leader shows its two followers' lag: " + f[8]);
          } else {
            assertEquals("follower", f[1]);
            assertEquals("-", f[8]);
          }
          if (g == group) {
            assertEquals("4", f[7], "the 4 bytes buffered in /q, on every replica");
          }
        }
      }
      assertEquals(2, leading, "exactly one leader per group");
      String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + c.nodes[1].metricsPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      Map<String, Double> s = MetricsTest.samples(scrape);
      assertEquals(4.0, s.get("dchan_cluster_buffered_bytes{group=\"" + group + "\"}"));
      boolean n2leads = leaders.get(0).equals("n2");
      List<Double> role = s.entrySet().stream().filter(e -> e.getKey().startsWith("dchan_cluster_role{")
          && e.getKey().contains("group=\"0\"") && e.getKey().contains("=\"leader\"")).map(Map.Entry::getValue).toList();
      assertEquals(List.of(n2leads ? 1.0 : 0.0), role, scrape);
      assertTrue(s.get("dchan_cluster_commit_index{group=\"0\"}") >= 1);
      MetricsTest.promtool(scrape);
    }
  }
}
