package dchan.server;

import static dchan.server.P9Client.text;
import static dchan.server.P9Client.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import org.junit.jupiter.api.Test;

/**
 * flush(5) and semantics.md section 5: a parked request is withdrawn with no reply; a matched
 * one is answered before its Rflush; every Tflush is answered, in order.
 */
class FlushTest extends ServerFixture {

  @Test
  void flushBeforeMatchWithdrawsTheReadWithNoReplyAndConsumesNothing() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.create("ch");
    c.open(1, "ch", 0);
    c.send(10, new Msg.Tread(1, 0, 100));
    assertTrue(c.silentFor(200), "the read is parked");
    c.send(11, new Msg.Tflush(10));
    P9Client.Reply r = c.receive();
    assertEquals(11, r.tag());
    assertInstanceOf(Msg.Rflush.class, r.msg(), "only the Rflush, no reply for tag 10");
    // The withdrawn read consumed nothing: the next message goes to a new read.
    P9Client w = client().start(Dialect.P9_2000_L, "");
    w.open(1, "ch", 1);
    w.send(5, write(1, "m1"));
    assertEquals("m1", text(c.rpc(12, new Msg.Tread(1, 0, 100))));
    assertInstanceOf(Msg.Rwrite.class, w.receive().msg());
    assertTrue(c.silentFor(200), "nothing was ever sent for tag 10");
  }

  @Test
  void flushBeforeMatchWithdrawsTheWriteAndItsMessageIsNeverDelivered() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.create("ch");
    c.open(1, "ch", 2);
    c.send(10, write(1, "withdrawn"));
    assertTrue(c.silentFor(200));
    assertInstanceOf(Msg.Rflush.class, c.rpc(11, new Msg.Tflush(10)));
    c.send(12, new Msg.Tread(1, 0, 100));
    assertTrue(c.silentFor(300), "the withdrawn message is not in the channel");
    P9Client w = client().start(Dialect.P9_2000_L, "");
    w.open(1, "ch", 1);
    w.ok(5, write(1, "after"), Msg.Rwrite.class);
    P9Client.Reply r = c.receive();
    assertEquals(12, r.tag());
    assertEquals("after", text(r.msg()));
  }

  @Test
  void flushAfterMatchSendsTheReplyThenTheRflush() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.create("ch");
    c.open(1, "ch", 0);
    c.open(2, "ch", 1);
    c.send(10, new Msg.Tread(1, 0, 100));
    assertTrue(c.silentFor(200));
    // One batch: the write matches the read, then the flush finds it already matched.
    c.sendBatch(11, write(2, "hello"), 12, new Msg.Tflush(10));
    P9Client.Reply a = c.receive();
    P9Client.Reply b = c.receive();
    P9Client.Reply d = c.receive();
    assertEquals(11, a.tag());
    assertInstanceOf(Msg.Rwrite.class, a.msg());
    assertEquals(10, b.tag(), "the matched read's reply comes before its Rflush");
    assertEquals("hello", text(b.msg()));
    assertEquals(12, d.tag());
    assertInstanceOf(Msg.Rflush.class, d.msg());
  }

  @Test
  void flushOfUnknownTagIsAnsweredAtOnce() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    assertInstanceOf(Msg.Rflush.class, c.rpc(7, new Msg.Tflush(4242)));
  }

  @Test
  void doubleFlushOfAParkedReadAnswersBothInOrder() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.create("ch");
    c.open(1, "ch", 0);
    c.send(10, new Msg.Tread(1, 0, 100));
    c.sendBatch(11, new Msg.Tflush(10), 12, new Msg.Tflush(10));
    assertEquals(11, c.receive().tag());
    assertEquals(12, c.receive().tag());
    assertTrue(c.silentFor(200));
  }

  @Test
  void doubleFlushAndFlushOfAFlushFollowTheMatchedReply() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.create("ch");
    c.open(1, "ch", 0);
    c.open(2, "ch", 1);
    c.send(10, new Msg.Tread(1, 0, 100));
    assertTrue(c.silentFor(200));
    c.sendBatch(
        11, write(2, "x"),
        12, new Msg.Tflush(10),
        13, new Msg.Tflush(10),
        14, new Msg.Tflush(12));
    int[] order = new int[5];
    for (int i = 0; i < 5; i++) {
      order[i] = c.receive().tag();
    }
    assertEquals(11, order[0]);
    assertEquals(10, order[1], "the reply first");
    // Then the three flushes: 12 and 13 after 10; 14 after 12.
    java.util.List<Integer> rest = java.util.List.of(order[2], order[3], order[4]);
    assertTrue(rest.indexOf(12) < rest.indexOf(14), "a flush of a flush follows its Rflush");
    assertTrue(rest.indexOf(12) < rest.indexOf(13), "flushes of one tag answered in order");
  }

  @Test
  void clunkOfAFidWithAParkedReadAnswersInterruptedThenRclunk() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.create("ch");
    c.open(1, "ch", 0);
    c.send(10, new Msg.Tread(1, 0, 100));
    assertTrue(c.silentFor(200));
    c.send(11, new Msg.Tclunk(1));
    P9Client.Reply a = c.receive();
    P9Client.Reply b = c.receive();
    assertEquals(10, a.tag());
    assertEquals(new Msg.Rlerror(4), a.msg(), "EINTR for the withdrawn read");
    assertEquals(11, b.tag());
    assertInstanceOf(Msg.Rclunk.class, b.msg());
  }
}
