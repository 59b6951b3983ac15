package dchan.server;

import static dchan.server.P9Client.text;
import static dchan.server.P9Client.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import dchan.server.wire.Wire;
import java.util.List;
import org.junit.jupiter.api.Test;

/** version(5), attach(5), walk(5), fids and tags, resets and disconnects. */
class SessionTest extends ServerFixture {

  @Test
  void versionPicksTheDialectAndClampsMsize() throws Exception {
    P9Client c = client();
    assertEquals(new Msg.Rversion(8192, "9P2000.L"), c.rpc(Wire.NOTAG, new Msg.Tversion(8192, "9P2000.L")));
    assertEquals(new Msg.Rversion(8192, "9P2000.u"), c.rpc(Wire.NOTAG, new Msg.Tversion(8192, "9P2000.u")));
    assertEquals(new Msg.Rversion(8192, "9P2000"), c.rpc(Wire.NOTAG, new Msg.Tversion(8192, "9P2000.x")));
    assertEquals(new Msg.Rversion(8192, "9P2000.L"), c.rpc(Wire.NOTAG, new Msg.Tversion(8192, "9P2000.L.Google.1")));
    assertEquals(new Msg.Rversion(8192, "unknown"), c.rpc(Wire.NOTAG, new Msg.Tversion(8192, "HTTP/1.1")));
    assertEquals(new Msg.Rversion(1 << 20, "9P2000.L"), c.rpc(Wire.NOTAG, new Msg.Tversion(64 << 20, "9P2000.L")));
    assertEquals(new Msg.Rlerror(22), c.rpc(Wire.NOTAG, new Msg.Tversion(1024, "9P2000.L")), "below 4096 is refused");
    c.dialect = Dialect.P9_2000;
    assertInstanceOf(Msg.Rerror.class, c.rpc(Wire.NOTAG, new Msg.Tversion(1024, "9P2000")));
  }

  @Test
  void requestsBeforeVersionAreRefused() throws Exception {
    P9Client c = client();
    c.dialect = Dialect.P9_2000;
    assertInstanceOf(Msg.Rerror.class, c.rpc(1, new Msg.Tattach(0, Wire.NOFID, "u", "", 0)));
  }

  @Test
  void authFailsWithEnoentSoClientsFallBackToNoAuth() throws Exception {
    P9Client c = client();
    c.dialect = Dialect.P9_2000_L;
    c.ok(Wire.NOTAG, new Msg.Tversion(8192, "9P2000.L"), Msg.Rversion.class);
    assertEquals(new Msg.Rlerror(2), c.rpc(1, new Msg.Tauth(5, "u", "", Wire.NOFID)));
  }

  @Test
  void partialWalkReturnsTheQidsSoFarAndCreatesNoFid() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.ok(1, new Msg.Tmkdir(0, "d", 0755, 0), Msg.Rmkdir.class);
    Msg.Rwalk r = c.ok(1, new Msg.Twalk(0, 5, List.of("d", "missing", "x")), Msg.Rwalk.class);
    assertEquals(1, r.qids().size());
    // Linux then clunks the never-created fid: an error, and the connection lives on.
    assertInstanceOf(Msg.Rlerror.class, c.rpc(2, new Msg.Tclunk(5)));
    assertInstanceOf(Msg.Rlerror.class, c.rpc(3, new Msg.Twalk(0, 5, List.of("missing"))), "first name missing");
    c.ok(4, new Msg.Twalk(0, 5, List.of("d", "..", "d")), Msg.Rwalk.class);
    c.ok(5, new Msg.Twalk(0, 6, List.of("..", "..")), Msg.Rwalk.class);
  }

  @Test
  void walkToTheSameFidMovesItAndAnOpenFidCannotBeReopened() throws Exception {
    P9Client c = client().start(Dialect.P9_2000, "");
    c.create("ch");
    c.ok(1, new Msg.Twalk(0, 3, List.of()), Msg.Rwalk.class);
    c.ok(1, new Msg.Twalk(3, 3, List.of("ch")), Msg.Rwalk.class);
    c.ok(1, new Msg.Topen(3, 0), Msg.Ropen.class);
    assertInstanceOf(Msg.Rerror.class, c.rpc(2, new Msg.Topen(3, 0)));
    assertInstanceOf(Msg.Rerror.class, c.rpc(2, new Msg.Twalk(3, 4, List.of())), "walk from an open fid");
    assertInstanceOf(Msg.Rerror.class, c.rpc(2, new Msg.Twalk(0, 3, List.of())), "newfid in use");
  }

  @Test
  void onDotLOnlyNamesFromAnOpenDirectoryMayBeWalkedIntoANewFid() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.create("ch");
    c.open(1, "", 0); // the root, open for readdir
    c.ok(2, new Msg.Twalk(1, 2, List.of("ch")), Msg.Rwalk.class); // diodls -l does this
    assertInstanceOf(Msg.Rlerror.class, c.rpc(2, new Msg.Twalk(1, 3, List.of())), "no clone of an open fid");
    assertInstanceOf(Msg.Rlerror.class, c.rpc(2, new Msg.Twalk(1, 1, List.of("ch"))), "no moving an open fid");
    c.ok(2, new Msg.Tlopen(2, 0), Msg.Rlopen.class);
    assertInstanceOf(Msg.Rlerror.class, c.rpc(2, new Msg.Twalk(2, 4, List.of())), "not from an open file");
  }

  @Test
  void duplicateOutstandingTagIsAnErrorAndLeavesTheOriginalAlone() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.create("ch");
    c.open(1, "ch", 2);
    c.send(10, new Msg.Tread(1, 0, 10));
    assertInstanceOf(Msg.Rlerror.class, c.rpc(10, new Msg.Tstatfs(0)));
    c.send(11, write(1, "x"));
    List<Integer> tags = List.of(c.receive().tag(), c.receive().tag());
    assertTrue(tags.containsAll(List.of(10, 11)), "the original read still completes: " + tags);
  }

  @Test
  void versionResetWithdrawsParkedReadsAndWritesWithoutReplies() throws Exception {
    P9Client a = client().start(Dialect.P9_2000_L, "");
    a.create("in");
    a.create("out");
    a.open(1, "in", 0);
    a.open(2, "out", 1);
    a.send(10, new Msg.Tread(1, 0, 100));
    a.send(11, write(2, "never"));
    assertTrue(a.silentFor(200));
    a.send(Wire.NOTAG, new Msg.Tversion(8192, "9P2000.L"));
    P9Client.Reply v = a.receive();
    assertEquals(Wire.NOTAG, v.tag(), "only the Rversion: no replies for the withdrawn requests");
    assertTrue(a.silentFor(200));
    P9Client b = client().start(Dialect.P9_2000_L, "");
    b.open(1, "in", 1);
    b.send(5, write(1, "for b"));
    b.open(2, "in", 0);
    // the withdrawn read took nothing: b's own read gets b's message
    assertEquals("for b", text(b.rpc(6, new Msg.Tread(2, 0, 100))));
    assertInstanceOf(Msg.Rwrite.class, b.receive().msg());
    b.open(3, "out", 0);
    b.send(7, new Msg.Tread(3, 0, 100));
    assertTrue(b.silentFor(300), "the withdrawn write's message was never delivered");
  }

  @Test
  void versionResetAnswersAnAlreadyMatchedReadBeforeTheRversion() throws Exception {
    P9Client a = client().start(Dialect.P9_2000_L, "");
    a.create("ch");
    a.open(1, "ch", 0);
    a.open(2, "ch", 1);
    a.send(10, new Msg.Tread(1, 0, 100));
    assertTrue(a.silentFor(200));
    // One batch: the write matches the parked read, then Tversion arrives before its reply.
    a.sendBatch(11, write(2, "taken"), Wire.NOTAG, new Msg.Tversion(8192, "9P2000.L"));
    P9Client.Reply w = a.receive();
    P9Client.Reply r = a.receive();
    P9Client.Reply v = a.receive();
    assertEquals(11, w.tag());
    assertEquals(10, r.tag(), "the matched read is answered: its message is not lost");
    assertEquals("taken", text(r.msg()));
    assertEquals(Wire.NOTAG, v.tag());
    assertInstanceOf(Msg.Rversion.class, v.msg());
  }

  @Test
  void disconnectWithdrawsParkedRequestsAndLosesNoMessage() throws Exception {
    P9Client a = client().start(Dialect.P9_2000_L, "");
    a.create("ch");
    a.open(1, "ch", 0);
    a.send(10, new Msg.Tread(1, 0, 100));
    assertTrue(a.silentFor(200));
    a.close();
    Thread.sleep(200);
    P9Client b = client().start(Dialect.P9_2000_L, "");
    b.open(1, "ch", 1);
    b.send(5, write(1, "kept"));
    assertTrue(b.silentFor(200), "no reader: the dead connection's read was withdrawn");
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.open(1, "ch", 0);
    assertEquals("kept", text(c.rpc(6, new Msg.Tread(1, 0, 100))));
    assertInstanceOf(Msg.Rwrite.class, b.receive().msg());
  }

  @Test
  void parkedReadDoesNotStopTheConnectionFromServingOthers() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.create("ch");
    c.open(1, "ch", 0);
    c.open(2, "ch", 1);
    c.send(10, new Msg.Tread(1, 0, 100));
    c.ok(11, new Msg.Tgetattr(0, 0x3FFF), Msg.Rgetattr.class);
    c.send(12, write(2, "same connection"));
    List<P9Client.Reply> rs = List.of(c.receive(), c.receive());
    assertTrue(rs.stream().anyMatch(r -> r.tag() == 10 && text(r.msg()).equals("same connection")));
    assertTrue(rs.stream().anyMatch(r -> r.tag() == 12 && r.msg() instanceof Msg.Rwrite));
  }
}
