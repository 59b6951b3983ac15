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
 * Line channels, semantics.md section 4a: declared in ctl, a write split into lines accepted in
 * order, a read taking the lines that are there and fit, a flushed or closed write keeping its
 * accepted part.
 */
class LineChannelTest extends ServerFixture {

  private P9Client lineChannel(String name, int capacity) throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.create(name);
    c.open(1, "ctl", 1);
    c.ok(2, write(1, "/" + name + " " + capacity + " lines"), Msg.Rwrite.class);
    c.open(2, name, 0); // fid 2 reads
    c.open(3, name, 1); // fid 3 writes
    return c;
  }

  private static String ctl(P9Client c) throws Exception {
    c.open(9, "ctl", 0);
    String s = text(c.rpc(8, new Msg.Tread(9, 0, 1000)));
    c.ok(8, new Msg.Tclunk(9), Msg.Rclunk.class);
    return s;
  }

  @Test
  void ctlDeclaresLineChannelsReadsThemBackAndPlainFormMakesMessageChannels() throws Exception {
    P9Client c = lineChannel("logs", 4096);
    assertEquals("/logs 4096 lines\n", ctl(c));
    assertEquals(new Msg.Rlerror(22), c.rpc(4, write(1, "/logs 4 words")), "an unknown mode is refused");
    assertEquals("/logs 4096 lines\n", ctl(c), "nothing applied");
    c.ok(4, write(1, "/logs 4"), Msg.Rwrite.class);
    assertEquals("/logs 4\n", ctl(c));
    c.ok(4, write(1, "/logs 4096 lines"), Msg.Rwrite.class);
    c.ok(5, new Msg.Twalk(0, 7, java.util.List.of("stats")), Msg.Rwalk.class);
    c.ok(5, new Msg.Tlopen(7, 0), Msg.Rlopen.class);
    String[] stats = text(c.rpc(6, new Msg.Tread(7, 0, 4000))).split("\n");
    assertTrue(stats[0].contains("\tmode"), stats[0]);
    assertTrue(stats[1].contains("\tlines\t"), stats[1]);
  }

  @Test
  void aWriteIsSplitIntoLinesAndAReadTakesEveryLineThatFits() throws Exception {
    P9Client c = lineChannel("l", 8);
    assertEquals(new Msg.Rwrite(8), c.rpc(4, write(3, "a\nbb\nccc")), "the final piece is a line too");
    assertEquals("a\nbb\nccc", text(c.rpc(5, new Msg.Tread(2, 0, 100))));
    assertEquals("", text(c.rpc(5, new Msg.Tread(2, 0, 100))), "the end-of-message mark after a short read");
    c.ok(6, write(3, "aaaa\nbb\ncc\n"), Msg.Rwrite.class);
    assertEquals("aaaa\n", text(c.rpc(7, new Msg.Tread(2, 0, 7))), "only whole lines beyond the first");
    assertEquals("", text(c.rpc(7, new Msg.Tread(2, 0, 7))));
    assertEquals("bb\ncc\n", text(c.rpc(7, new Msg.Tread(2, 0, 6))), "an exact fit");
    c.ok(6, write(3, "0123456789\nz\n"), Msg.Rwrite.class);
    assertEquals("0123", text(c.rpc(8, new Msg.Tread(2, 0, 4))), "a line longer than the count");
    assertEquals("456789\n", text(c.rpc(8, new Msg.Tread(2, 0, 100))), "the remainder first, alone");
    assertEquals("", text(c.rpc(8, new Msg.Tread(2, 0, 100))));
    assertEquals("z\n", text(c.rpc(8, new Msg.Tread(2, 0, 100))));
    c.open(4, "stats", 0);
    String row = text(c.rpc(9, new Msg.Tread(4, 0, 4000))).split("\n")[1];
    assertTrue(row.startsWith("/l\t8\t0\t0\t0\t8\t8\t32\t"), "sent and received count lines: " + row);
  }

  @Test
  void aWaitingReadTakesSeveralLinesOfOneWriteAndNeverWaitsForMore() throws Exception {
    P9Client c = lineChannel("l", 4);
    c.send(10, new Msg.Tread(2, 0, 100));
    assertTrue(c.silentFor(200), "the read waits for a line");
    c.send(11, write(3, "a\nb\nc\n"));
    P9Client.Reply first = c.receive();
    P9Client.Reply second = c.receive();
    P9Client.Reply read = first.tag() == 10 ? first : second;
    assertEquals("a\nb\nc\n", text(read.msg()));
    assertEquals(new Msg.Rwrite(6), (first.tag() == 11 ? first : second).msg());
  }

  @Test
  void aRendezvousLineChannelHandsOneLinePerRead() throws Exception {
    P9Client c = lineChannel("r", 0);
    c.send(10, write(3, "x\ny\n"));
    assertTrue(c.silentFor(200), "the write waits for readers");
    assertEquals("x\n", text(c.rpc(11, new Msg.Tread(2, 0, 100))));
    assertEquals("", text(c.rpc(12, new Msg.Tread(2, 0, 100))));
    c.send(13, new Msg.Tread(2, 0, 100));
    P9Client.Reply a = c.receive();
    P9Client.Reply b = c.receive();
    assertEquals("y\n", text((a.tag() == 13 ? a : b).msg()));
    assertEquals(new Msg.Rwrite(4), (a.tag() == 10 ? a : b).msg());
  }

  @Test
  void aFlushedWriteKeepsItsAcceptedLinesAndTheRwriteCountsThem() throws Exception {
    P9Client c = lineChannel("l", 2);
    c.send(10, write(3, "1\n2\n3\n4\n"));
    assertTrue(c.silentFor(200), "two lines accepted, the write waits for room");
    c.send(11, new Msg.Tflush(10));
    P9Client.Reply a = c.receive();
    P9Client.Reply b = c.receive();
    assertEquals(10, a.tag(), "the write is answered before the Rflush");
    assertEquals(new Msg.Rwrite(4), a.msg(), "two whole lines accepted");
    assertEquals(11, b.tag());
    assertInstanceOf(Msg.Rflush.class, b.msg());
    assertEquals("1\n2\n", text(c.rpc(12, new Msg.Tread(2, 0, 100))));
    c.rpc(12, new Msg.Tread(2, 0, 100)); // the mark
    c.send(13, new Msg.Tread(2, 0, 100));
    assertTrue(c.silentFor(300), "the rest had no effect");
  }

  @Test
  void aFlushedWriteWithNothingAcceptedIsWithdrawn() throws Exception {
    P9Client c = lineChannel("l", 1);
    c.ok(4, write(3, "full\n"), Msg.Rwrite.class);
    c.send(10, write(3, "1\n2\n"));
    assertTrue(c.silentFor(200));
    assertInstanceOf(Msg.Rflush.class, c.rpc(11, new Msg.Tflush(10)), "no Rwrite: nothing was accepted");
    assertEquals("full\n", text(c.rpc(12, new Msg.Tread(2, 0, 100))));
  }

  @Test
  void closingKeepsAWritesAcceptedPartThenWritesFailWithEpipe() throws Exception {
    P9Client c = lineChannel("l", 1);
    c.send(10, write(3, "1\n2\n"));
    assertTrue(c.silentFor(200));
    c.ok(11, write(1, "close /l"), Msg.Rwrite.class);
    P9Client.Reply a = c.receive();
    assertEquals(10, a.tag());
    assertEquals(new Msg.Rwrite(2), a.msg(), "the accepted line stands, the kernel retries the rest");
    assertEquals(new Msg.Rlerror(32), c.rpc(12, write(3, "2\n")), "EPIPE");
    assertEquals("1\n", text(c.rpc(13, new Msg.Tread(2, 0, 100))));
  }
}
