package dchan.server;

import static dchan.server.P9Client.text;
import static dchan.server.P9Client.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dchan.server.session.Config;
import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import dchan.server.wire.Wire;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The limits protect the server, each refusal with an errno a user can read and a count in the
 * limits file: fids (EMFILE), outstanding requests (EAGAIN), files (ENOSPC), depth
 * (ENAMETOOLONG), the memory budget (ENOSPC globally, EAGAIN for one connection's share).
 */
class LimitsTest extends ServerFixture {

  @Override
  Config config() {
    return Config.defaults().withMsize(65536).withMaxFids(8).withMaxOutstanding(8)
        .withMaxFiles(5).withMaxDepth(3).withMaxMemory(1 << 20);
  }

  /** The limits file as a map from limit to its row's words. */
  private static List<String> row(P9Client c, String limit) throws Exception {
    String row = c.row("limits", limit);
    if (row == null) {
      throw new AssertionError("no " + limit + " in limits");
    }
    return List.of(row.split("\t"));
  }

  @Test
  void fidsBeyondTheLimitAreRefusedWithEmfile() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    for (int fid = 1; fid < 8; fid++) {
      c.ok(1, new Msg.Twalk(0, fid, List.of()), Msg.Rwalk.class);
    }
    assertEquals(new Msg.Rlerror(24), c.rpc(1, new Msg.Twalk(0, 8, List.of())));
    c.ok(1, new Msg.Tclunk(3), Msg.Rclunk.class);
    c.ok(1, new Msg.Twalk(0, 8, List.of()), Msg.Rwalk.class);
    c.ok(1, new Msg.Tclunk(8), Msg.Rclunk.class);
    assertEquals("1", row(c, "fids").get(3));
  }

  @Test
  void outstandingRequestsBeyondTheLimitAreRefusedWithEagain() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.create("ch");
    c.open(1, "ch", 0);
    for (int tag = 10; tag < 18; tag++) {
      c.send(tag, new Msg.Tread(1, 0, 10));
    }
    assertEquals(new Msg.Rlerror(11), c.rpc(18, new Msg.Tstatfs(0)));
    c.send(19, new Msg.Tflush(10));
    assertInstanceOf(Msg.Rflush.class, c.receive().msg());
    c.ok(20, new Msg.Tstatfs(0), Msg.Rstatfs.class);
  }

  @Test
  void filesAndDepthAreLimited() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.ok(1, new Msg.Tmkdir(0, "a", 0755, 0), Msg.Rmkdir.class);
    c.ok(1, new Msg.Twalk(0, 1, List.of("a")), Msg.Rwalk.class);
    c.ok(1, new Msg.Tmkdir(1, "b", 0755, 0), Msg.Rmkdir.class);
    c.ok(1, new Msg.Twalk(1, 2, List.of("b")), Msg.Rwalk.class);
    c.ok(1, new Msg.Tmkdir(2, "c", 0755, 0), Msg.Rmkdir.class);
    c.ok(1, new Msg.Twalk(2, 3, List.of("c")), Msg.Rwalk.class);
    assertEquals(new Msg.Rlerror(36), c.rpc(1, new Msg.Tmkdir(3, "d", 0755, 0)), "depth 3");
    c.ok(1, new Msg.Tmkdir(0, "x", 0755, 0), Msg.Rmkdir.class);
    c.ok(1, new Msg.Twalk(0, 4, List.of("x")), Msg.Rwalk.class);
    c.ok(1, new Msg.Tmkdir(4, "y", 0755, 0), Msg.Rmkdir.class);
    assertEquals(new Msg.Rlerror(36), c.rpc(1, new Msg.Trenameat(0, "x", 2, "x")),
        "nor can a rename move x/y below the limit");
    assertEquals(5, Integer.parseInt(row(c, "files").get(2)));
    c.ok(1, new Msg.Twalk(0, 9, List.of()), Msg.Rwalk.class);
    assertEquals(new Msg.Rlerror(28), c.rpc(1, new Msg.Tlcreate(9, "g", 1, 0100666, 0)), "5 files");
    assertEquals("1", row(c, "files").get(3));
    assertEquals("2", row(c, "depth").get(3));
    c.ok(1, new Msg.Tunlinkat(4, "y", 0x200), Msg.Runlinkat.class);
    c.ok(1, new Msg.Tlcreate(9, "g", 1, 0100666, 0), Msg.Rlcreate.class);
  }

  @Test
  void writesBeyondTheMemoryBudgetAreRefusedAndNothingAcceptedIsLost() throws Exception {
    P9Client a = client().start(Dialect.P9_2000_L, "");
    a.create("big");
    a.open(1, "ctl", 1);
    a.ok(2, write(1, "/big 100"), Msg.Rwrite.class);
    a.open(2, "big", 2);
    byte[] m = new byte[60_000];
    int accepted = 0;
    Msg last = null;
    for (int i = 0; i < 40; i++) {
      m[0] = (byte) i;
      last = a.rpc(3, new Msg.Twrite(2, 0, m));
      if (!(last instanceof Msg.Rwrite)) {
        break;
      }
      accepted++;
    }
    assertEquals(new Msg.Rlerror(28), last, "ENOSPC once the 1 MiB budget is full");
    assertTrue(accepted >= 10 && accepted < 20, "accepted " + accepted);
    assertEquals(String.valueOf(1 << 20), row(a, "memory").get(1));
    assertTrue(Long.parseLong(row(a, "memory").get(2)) >= accepted * 60_000L);
    for (int i = 0; i < accepted; i++) {
      byte[] got = ((Msg.Rread) a.rpc(4, new Msg.Tread(2, 0, 65000))).data();
      assertEquals(60_000, got.length);
      assertEquals((byte) i, got[0], "every accepted message, in order");
      a.rpc(5, new Msg.Tread(2, 0, 65000)); // the end-of-message mark
    }
    assertTrue(Long.parseLong(row(a, "memory").get(2)) < 60_000, "all released");
    a.ok(6, new Msg.Twrite(2, 0, m), Msg.Rwrite.class);
  }

  @Test
  void parkedWritesBeyondAConnectionsShareAreRefusedWithEagain() throws Exception {
    P9Client a = client().start(Dialect.P9_2000_L, "");
    a.create("r");
    a.open(1, "r", 1);
    byte[] m = new byte[60_000];
    // one connection's share is a quarter of 1 MiB (262144 bytes), its input buffer included
    int parked = 0;
    for (int tag = 10; ; tag++) {
      a.send(tag, new Msg.Twrite(1, 0, m));
      if (!a.silentFor(100)) {
        P9Client.Reply refused = a.receive();
        assertEquals(tag, refused.tag());
        assertEquals(new Msg.Rlerror(11), refused.msg());
        break;
      }
      parked++;
    }
    assertTrue(parked >= 3 && parked <= 4, parked + " writes parked");
    assertEquals("1", row(a, "connection-memory").get(3));
    P9Client b = client().start(Dialect.P9_2000_L, "");
    b.open(1, "r", 0);
    for (int i = 0; i < parked; i++) {
      assertEquals(60_000, ((Msg.Rread) b.rpc(2, new Msg.Tread(1, 0, 65000))).data().length);
      b.rpc(3, new Msg.Tread(1, 0, 65000)); // the mark
      assertInstanceOf(Msg.Rwrite.class, a.receive().msg());
    }
  }
}
