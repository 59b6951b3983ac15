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

/**
 * semantics.md section 4: reads on one fid are served one at a time, in arrival order, so that a
 * remainder is never overwritten by a later message (issue 6, row 9: 90 bytes of A were lost).
 */
class ReadQueueTest extends ServerFixture {

  private static String repeat(char c, int n) {
    return String.valueOf(c).repeat(n);
  }

  @Test
  void twoParkedReadsOnOneFidTakeTheWholeFirstMessageBeforeTheSecond() throws Exception {
    P9Client r = client().start(Dialect.P9_2000, "");
    r.create("ch");
    r.open(1, "ch", 0);
    r.send(10, new Msg.Tread(1, 0, 10));
    r.send(11, new Msg.Tread(1, 0, 10));
    assertTrue(r.silentFor(200), "both reads wait");
    P9Client w = client().start(Dialect.P9_2000, "");
    w.open(1, "ch", 1);
    String a = repeat('a', 100);
    String b = repeat('b', 100);
    w.send(20, write(1, a));
    w.send(21, write(1, b));
    P9Client.Reply first = r.receive();
    P9Client.Reply second = r.receive();
    assertEquals(10, first.tag());
    assertEquals(11, second.tag());
    assertEquals(a.substring(0, 10), text(first.msg()));
    assertEquals(a.substring(10, 20), text(second.msg()), "the second read continues A, not B");
    StringBuilder rest = new StringBuilder(a.substring(20));
    int tag = 30;
    String got = "";
    while (got.length() < 80) {
      got += text(r.rpc(tag++, new Msg.Tread(1, 0, 10)));
    }
    assertEquals(rest.toString(), got, "all of A, in order");
    assertEquals(b.substring(0, 10), text(r.rpc(tag++, new Msg.Tread(1, 0, 10))), "then B");
    assertEquals(20, w.receive().tag());
    assertEquals(21, w.receive().tag());
    r.open(2, "stats", 0);
    String line = text(r.rpc(tag, new Msg.Tread(2, 0, 4000))).split("\n")[1];
    assertTrue(line.startsWith("/ch\t0\t0\t0\t0\t2\t2\t110\t0\t"), "nothing dropped: " + line);
  }

  @Test
  void flushingTheHeadReadLetsTheNextReadOnTheFidStart() throws Exception {
    P9Client r = client().start(Dialect.P9_2000_L, "");
    r.create("ch");
    r.open(1, "ch", 0);
    r.send(10, new Msg.Tread(1, 0, 10));
    r.send(11, new Msg.Tread(1, 0, 10));
    r.send(12, new Msg.Tflush(10));
    assertEquals(12, r.receive().tag(), "the head read is withdrawn: Rflush alone");
    P9Client w = client().start(Dialect.P9_2000_L, "");
    w.open(1, "ch", 1);
    w.ok(20, write(1, "hello"), Msg.Rwrite.class);
    P9Client.Reply got = r.receive();
    assertEquals(11, got.tag());
    assertEquals("hello", text(got.msg()));
  }

  @Test
  void flushingAQueuedReadWithdrawsItAndLeavesTheHeadAlone() throws Exception {
    P9Client r = client().start(Dialect.P9_2000_L, "");
    r.create("ch");
    r.open(1, "ch", 0);
    r.send(10, new Msg.Tread(1, 0, 10));
    r.send(11, new Msg.Tread(1, 0, 10));
    r.send(12, new Msg.Tflush(11));
    assertEquals(12, r.receive().tag());
    P9Client w = client().start(Dialect.P9_2000_L, "");
    w.open(1, "ch", 1);
    w.ok(20, write(1, "x"), Msg.Rwrite.class);
    assertEquals(10, r.receive().tag());
    assertTrue(r.silentFor(200), "the flushed read never answers");
  }

  @Test
  void clunkAnswersEveryReadOfTheFidWithEintrThenRclunk() throws Exception {
    P9Client r = client().start(Dialect.P9_2000_L, "");
    r.create("ch");
    r.open(1, "ch", 0);
    r.send(10, new Msg.Tread(1, 0, 10));
    r.send(11, new Msg.Tread(1, 0, 10));
    r.send(12, new Msg.Tclunk(1));
    List<P9Client.Reply> rs = List.of(r.receive(), r.receive(), r.receive());
    assertEquals(List.of(10, 11, 12), rs.stream().map(P9Client.Reply::tag).sorted().toList());
    assertEquals(12, rs.get(2).tag(), "Rclunk last");
    assertEquals(new Msg.Rlerror(4), rs.get(0).msg());
    assertEquals(new Msg.Rlerror(4), rs.get(1).msg());
    assertInstanceOf(Msg.Rclunk.class, rs.get(2).msg());
  }
}
