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

/** Channel files over 9P: messages, short reads, the end-of-message mark, close and remove. */
class ChannelFileTest extends ServerFixture {

  private int channels;
  private String name = "ch";

  /** A new buffered channel (named in {@link #name}) open as fid 1, and ctl as fid 2. */
  private P9Client buffered(Dialect d, String aname, int cap) throws Exception {
    P9Client c = client().start(d, aname);
    name = "ch" + channels++;
    c.create(name);
    c.open(1, name, 2);
    c.open(2, "ctl", 1);
    c.ok(3, write(2, "/" + name + " " + cap + "\n"), Msg.Rwrite.class);
    return c;
  }

  @Test
  void shortReadsKeepTheRemainderForTheFidAndTheMarkEndsEachMessage() throws Exception {
    P9Client c = buffered(Dialect.P9_2000_L, "", 4);
    c.ok(4, write(1, "0123456789"), Msg.Rwrite.class);
    c.ok(4, write(1, "next"), Msg.Rwrite.class);
    assertEquals("0123", text(c.rpc(5, new Msg.Tread(1, 0, 4))), "full count: no mark");
    c.open(3, name, 0);
    assertEquals("next", text(c.rpc(5, new Msg.Tread(3, 0, 100))), "no other fid sees the fragment");
    assertEquals("4567", text(c.rpc(5, new Msg.Tread(1, 0, 4))));
    assertEquals("89", text(c.rpc(5, new Msg.Tread(1, 0, 4))), "the rest, short");
    assertEquals("", text(c.rpc(5, new Msg.Tread(1, 0, 4))), "the mark after a short read");
    c.send(6, new Msg.Tread(1, 0, 4));
    assertTrue(c.silentFor(200), "after the mark, reads wait for the next message");
  }

  @Test
  void markFollowsEveryShortReadOnDotLAndDotU() throws Exception {
    for (Dialect d : List.of(Dialect.P9_2000_L, Dialect.P9_2000_U)) {
      P9Client c = buffered(d, "", 2);
      c.ok(4, write(1, "a\n"), Msg.Rwrite.class);
      assertEquals("a\n", text(c.rpc(5, new Msg.Tread(1, 0, 8192))));
      assertEquals("", text(c.rpc(5, new Msg.Tread(1, 0, 8192))), d + ": mark");
      c.close();
    }
  }

  @Test
  void plain9P2000HasNoMarkUnlessTheAttachNameAsks() throws Exception {
    P9Client c = buffered(Dialect.P9_2000, "", 2);
    c.ok(4, write(1, "a"), Msg.Rwrite.class);
    assertEquals("a", text(c.rpc(5, new Msg.Tread(1, 0, 8192))));
    c.send(6, new Msg.Tread(1, 0, 8192));
    assertTrue(c.silentFor(200), "no mark on 9P2000: the next read waits");
    P9Client m = buffered(Dialect.P9_2000, "?eom=on", 2);
    m.ok(4, write(1, "b"), Msg.Rwrite.class);
    m.open(5, name, 0);
    assertEquals("b", text(m.rpc(5, new Msg.Tread(5, 0, 8192))));
    assertEquals("", text(m.rpc(5, new Msg.Tread(5, 0, 8192))), "aname ?eom=on");
    P9Client off = buffered(Dialect.P9_2000_L, "/?eom=off", 2);
    off.ok(4, write(1, "c"), Msg.Rwrite.class);
    off.open(5, name, 0);
    assertEquals("c", text(off.rpc(5, new Msg.Tread(5, 0, 8192))));
    off.send(6, new Msg.Tread(5, 0, 8192));
    assertTrue(off.silentFor(200), "aname ?eom=off");
  }

  @Test
  void zeroLengthWriteCreatesNoMessage() throws Exception {
    P9Client c = buffered(Dialect.P9_2000_L, "", 2);
    assertEquals(new Msg.Rwrite(0), c.rpc(4, new Msg.Twrite(1, 0, new byte[0])));
    c.send(5, new Msg.Tread(1, 0, 10));
    assertTrue(c.silentFor(200));
  }

  @Test
  void writesToAClosedChannelFailWithEpipeAndReadsDrainThenEndOfFile() throws Exception {
    P9Client c = buffered(Dialect.P9_2000_L, "", 2);
    c.ok(4, write(1, "kept"), Msg.Rwrite.class);
    c.ok(4, write(2, "close /" + name), Msg.Rwrite.class);
    assertEquals(new Msg.Rlerror(32), c.rpc(5, write(1, "late")));
    assertEquals("kept", text(c.rpc(6, new Msg.Tread(1, 0, 100))));
    c.open(3, name, 0);
    assertEquals("", text(c.rpc(7, new Msg.Tread(3, 0, 100))));
    assertEquals("", text(c.rpc(7, new Msg.Tread(3, 0, 100))), "end-of-file for ever");
  }

  @Test
  void closeFailsAPendingWriteWithBrokenPipeOn9P2000() throws Exception {
    P9Client c = client().start(Dialect.P9_2000, "");
    c.create("ch");
    c.open(1, "ch", 1);
    c.open(2, "ctl", 1);
    c.send(10, write(1, "stuck"));
    assertTrue(c.silentFor(200));
    c.ok(11, write(2, "close /ch\n"), Msg.Rwrite.class);
    P9Client.Reply r = c.receive();
    assertEquals(10, r.tag());
    assertEquals("Broken pipe", ((Msg.Rerror) r.msg()).ename());
  }

  @Test
  void removeWakesABlockedReaderWithEndOfFileAndTheNameCanBeReused() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.create("ch");
    c.open(1, "ch", 0);
    c.send(10, new Msg.Tread(1, 0, 100));
    assertTrue(c.silentFor(200));
    P9Client rm = client().start(Dialect.P9_2000_L, "");
    rm.ok(1, new Msg.Tunlinkat(0, "ch", 0), Msg.Runlinkat.class);
    P9Client.Reply r = c.receive();
    assertEquals(10, r.tag());
    assertEquals("", text(r.msg()));
    rm.create("ch");
    Msg.Rwalk w = rm.ok(2, new Msg.Twalk(0, 7, List.of("ch")), Msg.Rwalk.class);
    assertTrue(w.qids().get(0).path() > 0);
  }

  @Test
  void raisingCapacityAdmitsWaitingWritersAndLoweringKeepsMessages() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.create("ch");
    c.open(1, "ch", 2);
    c.open(2, "ctl", 1);
    c.send(10, write(1, "a"));
    c.send(11, write(1, "b"));
    assertTrue(c.silentFor(200));
    c.ok(12, write(2, "/ch 5"), Msg.Rwrite.class);
    List<Integer> tags = List.of(c.receive().tag(), c.receive().tag());
    assertTrue(tags.containsAll(List.of(10, 11)));
    c.ok(13, write(2, "/ch 0"), Msg.Rwrite.class);
    assertEquals("a", text(c.rpc(14, new Msg.Tread(1, 0, 1))));
    assertEquals("b", text(c.rpc(14, new Msg.Tread(1, 0, 1))));
  }

  @Test
  void aMessageLargerThanTheReadArrivesWholeOverSeveralReads() throws Exception {
    P9Client c = buffered(Dialect.P9_2000_L, "", 1);
    byte[] big = new byte[50_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) ('a' + i % 26);
    }
    c.ok(4, new Msg.Twrite(1, 0, big), Msg.Rwrite.class);
    java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
    while (true) {
      byte[] part = ((Msg.Rread) c.rpc(5, new Msg.Tread(1, 0, 8192))).data();
      if (part.length == 0) {
        break;
      }
      got.writeBytes(part);
    }
    assertTrue(java.util.Arrays.equals(big, got.toByteArray()));
  }
}
