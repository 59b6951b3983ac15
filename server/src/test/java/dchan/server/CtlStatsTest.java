package dchan.server;

import static dchan.server.P9Client.text;
import static dchan.server.P9Client.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ctl and stats, semantics.md sections 7 and 8. */
class CtlStatsTest extends ServerFixture {

  @Test
  void ctlWriteIsAllOrNothingAndTheErrorNamesTheBadLine() throws Exception {
    P9Client c = client().start(Dialect.P9_2000, "");
    c.create("a");
    c.create("b");
    c.open(1, "ctl", 2);
    Msg.Rerror e = (Msg.Rerror) c.rpc(2, write(1, "/a 3\n/b lots\n"));
    assertTrue(e.ename().contains("line 2"), e.ename());
    assertTrue(e.ename().length() < 120);
    assertInstanceOf(Msg.Rerror.class, c.rpc(2, write(1, "/a 3\n/missing 1\n")));
    assertInstanceOf(Msg.Rerror.class, c.rpc(2, write(1, "frobnicate /a\n")));
    c.open(2, "ctl", 0);
    assertEquals("/a 0\n/b 0\n", text(c.rpc(3, new Msg.Tread(2, 0, 1000))), "nothing applied");
    String cmds = "/a 3\nclose /b\n\n/b 2";
    assertEquals(new Msg.Rwrite(cmds.length()), c.rpc(4, write(1, cmds)));
    c.open(3, "ctl", 0);
    String config = text(c.rpc(5, new Msg.Tread(3, 0, 1000)));
    assertEquals("/a 3\n/b 2\nclose /b\n", config);
    assertEquals(new Msg.Rwrite(config.length()), c.rpc(6, write(1, config)), "ctl output can be written back");
  }

  @Test
  void ctlErrorOnDotLIsEinval() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.open(1, "ctl", 1);
    assertEquals(new Msg.Rlerror(22), c.rpc(2, write(1, "/nope 1")));
  }

  @Test
  void statsIsReadOnlyAndListsEveryChannelWithItsCounters() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.ok(1, new Msg.Twalk(0, 1, List.of("stats")), Msg.Rwalk.class);
    assertEquals(new Msg.Rlerror(13), c.rpc(2, new Msg.Tlopen(1, 1)), "permission denied");
    c.create("z");
    c.ok(1, new Msg.Tmkdir(0, "d", 0755, 0), Msg.Rmkdir.class);
    c.ok(1, new Msg.Twalk(0, 9, List.of("d")), Msg.Rwalk.class);
    c.ok(1, new Msg.Tlcreate(9, "in", 1, 0100666, 0), Msg.Rlcreate.class);
    c.open(3, "ctl", 1);
    c.ok(4, write(3, "/z 2"), Msg.Rwrite.class);
    c.send(20, write(9, "hello")); // parks: nobody reads /d/in
    c.open(4, "z", 2);
    c.ok(4, write(4, "abc"), Msg.Rwrite.class);
    assertEquals("abc", text(c.rpc(5, new Msg.Tread(4, 0, 100))));
    c.ok(1, new Msg.Tlopen(1, 0), Msg.Rlopen.class);
    String[] lines = text(c.rpc(6, new Msg.Tread(1, 0, 4000))).split("\n");
    assertEquals(
        "path\tcapacity\tbuffered\treaders\twriters\tsent\treceived\tbytes\tdropped\tsend/s\trecv/s\tstate\trefused\tmode\toldest-wait",
        lines[0]);
    assertEquals(3, lines.length);
    assertTrue(lines[1].startsWith("/d/in\t0\t0\t0\t1\t0\t0\t0\t0\t"), lines[1]);
    assertTrue(lines[2].startsWith("/z\t2\t0\t0\t0\t1\t1\t3\t0\t"), lines[2]);
  }

  @Test
  void aRemainderDroppedAtClunkAndARemovedBufferAreCountedAsDropped() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.create("d");
    c.open(1, "ctl", 1);
    c.ok(2, write(1, "/d 4"), Msg.Rwrite.class);
    c.open(2, "d", 2);
    c.ok(3, write(2, "0123456789"), Msg.Rwrite.class);
    assertEquals("0123", text(c.rpc(4, new Msg.Tread(2, 0, 4))));
    c.ok(5, new Msg.Tclunk(2), Msg.Rclunk.class);
    c.open(3, "stats", 0);
    String line = text(c.rpc(6, new Msg.Tread(3, 0, 4000))).split("\n")[1];
    assertTrue(line.startsWith("/d\t4\t0\t0\t0\t1\t1\t4\t1\t"), line);
  }

  @Test
  void statsReadsContinueOneSnapshotUntilOffsetZero() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.create("a");
    c.open(1, "stats", 0);
    byte[] first = ((Msg.Rread) c.rpc(2, new Msg.Tread(1, 0, 10))).data();
    c.create("b");
    StringBuilder rest = new StringBuilder();
    for (long off = first.length; ; ) {
      byte[] part = ((Msg.Rread) c.rpc(3, new Msg.Tread(1, off, 10))).data();
      if (part.length == 0) {
        break;
      }
      rest.append(new String(part));
      off += part.length;
    }
    String whole = new String(first) + rest;
    assertTrue(!whole.contains("/b\t"), "a snapshot does not tear: /b came later");
    assertTrue(text(c.rpc(4, new Msg.Tread(1, 0, 4000))).contains("/b\t"), "offset 0 takes a new one");
  }
}
