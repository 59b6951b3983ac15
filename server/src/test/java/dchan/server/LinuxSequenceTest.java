package dchan.server;

import static dchan.server.P9Client.text;
import static dchan.server.P9Client.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import dchan.server.wire.Qid;
import dchan.server.wire.Wire;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Linux v9fs message sequences of 9p.md section 4.3, replayed verbatim (cache=none, .L). */
class LinuxSequenceTest extends ServerFixture {

  private P9Client mount() throws Exception {
    P9Client c = client();
    c.dialect = Dialect.P9_2000_L;
    assertEquals(new Msg.Rversion(131096, "9P2000.L"), c.rpc(Wire.NOTAG, new Msg.Tversion(131096, "9P2000.L")));
    c.ok(0, new Msg.Tattach(0, Wire.NOFID, "nobody", "", Wire.NOFID), Msg.Rattach.class);
    Msg.Rgetattr root = c.ok(0, new Msg.Tgetattr(0, 0x17FF), Msg.Rgetattr.class);
    assertEquals(040777, root.mode());
    return c;
  }

  @Test
  void touchOfANewNameCreatesAnUnbufferedChannel() throws Exception {
    P9Client c = mount();
    assertEquals(new Msg.Rlerror(2), c.rpc(1, new Msg.Twalk(0, 1, List.of("pipeline"))));
    c.ok(1, new Msg.Twalk(0, 1, List.of()), Msg.Rwalk.class);
    Msg.Rlcreate cr = c.ok(1, new Msg.Tlcreate(1, "pipeline", 04000 | 01 | 0100 | 0400 | 0100000, 0100644, 0), Msg.Rlcreate.class);
    assertEquals(Qid.QTFILE, cr.qid().type());
    assertEquals(0, cr.qid().version());
    assertEquals(131072, cr.iounit());
    c.ok(1, new Msg.Twalk(0, 2, List.of("pipeline")), Msg.Rwalk.class);
    Msg.Rgetattr a = c.ok(1, new Msg.Tgetattr(2, 0x17FF), Msg.Rgetattr.class);
    assertEquals(0100666, a.mode(), "a regular file, never a FIFO");
    assertEquals(0, a.size());
    c.ok(1, new Msg.Tsetattr(2, 0x70, 0, 0, 0, 0, 0, 0, 0, 0), Msg.Rsetattr.class);
    c.ok(1, new Msg.Tclunk(2), Msg.Rclunk.class);
    c.ok(1, new Msg.Tclunk(1), Msg.Rclunk.class);
    assertEquals(new Msg.Rlerror(17), c.rpc(1, new Msg.Tlcreate(0, "pipeline", 1, 0100644, 0)), "EEXIST");
  }

  @Test
  void echoTruncateThenWriteAndCatReadUntilZero() throws Exception {
    P9Client c = mount();
    c.create("ch");
    c.open(3, "ctl", 1);
    c.ok(1, write(3, "/ch 1"), Msg.Rwrite.class);
    // echo x > ch: lookup, clone, Tlopen(WRONLY|TRUNC), Tsetattr(size 0) on the open fid, Twrite.
    c.ok(1, new Msg.Twalk(0, 4, List.of("ch")), Msg.Rwalk.class);
    c.ok(1, new Msg.Tlopen(4, 01 | 01000 | 0100000), Msg.Rlopen.class);
    c.ok(1, new Msg.Tsetattr(4, 0x68, 0, 0, 0, 0, 0, 0, 0, 0), Msg.Rsetattr.class);
    assertEquals(new Msg.Rwrite(2), c.rpc(1, write(4, "x\n")));
    c.ok(1, new Msg.Tclunk(4), Msg.Rclunk.class);
    // cat ch: Tlopen(RDONLY), Tgetattr, Tread until the buffer is full or 0 bytes.
    c.ok(1, new Msg.Twalk(0, 5, List.of("ch")), Msg.Rwalk.class);
    c.ok(1, new Msg.Tlopen(5, 0100000), Msg.Rlopen.class);
    c.ok(1, new Msg.Tgetattr(5, 0x7FF), Msg.Rgetattr.class);
    assertEquals("x\n", text(c.rpc(1, new Msg.Tread(5, 0, 131072))));
    assertEquals("", text(c.rpc(1, new Msg.Tread(5, 2, 131070))), "the kernel's loop ends: one message per read(2)");
  }

  @Test
  void lsReaddirAndRmByUnlinkatAndMkdir() throws Exception {
    P9Client c = mount();
    c.create("b");
    c.ok(1, new Msg.Tmkdir(0, "dir", 040755, 0), Msg.Rmkdir.class);
    c.ok(1, new Msg.Twalk(0, 6, List.of()), Msg.Rwalk.class);
    c.ok(1, new Msg.Tlopen(6, 0200000 | 04000), Msg.Rlopen.class);
    Msg.Rreaddir d = c.ok(1, new Msg.Treaddir(6, 0, 131072 - 24), Msg.Rreaddir.class);
    assertEquals(List.of("b", "clients", "ctl", "dir", "limits", "stats"), names(d.data()));
    Msg.Rreaddir from2 = c.ok(1, new Msg.Treaddir(6, 2, 131072 - 24), Msg.Rreaddir.class);
    assertEquals(List.of("ctl", "dir", "limits", "stats"), names(from2.data()), "resumes from a cookie");
    assertEquals(0, c.ok(1, new Msg.Treaddir(6, 6, 100), Msg.Rreaddir.class).data().length);
    assertEquals(0, c.ok(1, new Msg.Treaddir(6, -1, 100), Msg.Rreaddir.class).data().length,
        "a u64 cookie past the end lists nothing");
    c.ok(1, new Msg.Tunlinkat(0, "b", 0), Msg.Runlinkat.class);
    assertEquals(new Msg.Rlerror(21), c.rpc(1, new Msg.Tunlinkat(0, "dir", 0)), "EISDIR without AT_REMOVEDIR");
    c.ok(1, new Msg.Tunlinkat(0, "dir", 0x200), Msg.Runlinkat.class);
    assertEquals(new Msg.Rlerror(1), c.rpc(1, new Msg.Tunlinkat(0, "ctl", 0)), "ctl cannot be removed");
  }

  @Test
  void mvByRenameatKeepsTheChannel() throws Exception {
    P9Client c = mount();
    c.create("old");
    c.open(3, "ctl", 1);
    c.ok(1, write(3, "/old 2"), Msg.Rwrite.class);
    c.open(4, "old", 1);
    c.ok(1, write(4, "msg"), Msg.Rwrite.class);
    c.ok(1, new Msg.Trenameat(0, "old", 0, "new"), Msg.Rrenameat.class);
    c.open(5, "new", 0);
    assertEquals("msg", text(c.rpc(1, new Msg.Tread(5, 0, 100))));
    c.open(6, "ctl", 0);
    assertEquals("/new 2\n", text(c.rpc(1, new Msg.Tread(6, 0, 100))));
  }

  @Test
  void xattrProbesGetTheErrnosLinuxExpects() throws Exception {
    P9Client c = mount();
    assertEquals(new Msg.Rlerror(61), c.rpc(1, new Msg.Txattrwalk(0, 7, "security.capability")));
    assertEquals(new Msg.Rlerror(95), c.rpc(1, new Msg.Txattrwalk(0, 7, "")));
    assertInstanceOf(Msg.Rlerror.class, c.rpc(1, new Msg.Tclunk(7)), "no fid was created");
  }

  private static List<String> names(byte[] data) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    List<String> out = new java.util.ArrayList<>();
    while (b.hasRemaining()) {
      b.position(b.position() + 13 + 8 + 1);
      byte[] n = new byte[b.getShort() & 0xFFFF];
      b.get(n);
      out.add(new String(n));
    }
    return out;
  }
}
