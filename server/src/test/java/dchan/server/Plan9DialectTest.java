package dchan.server;

import static dchan.server.P9Client.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import dchan.server.wire.Qid;
import dchan.server.wire.Stat;
import dchan.server.wire.Wire;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** 9P2000 and 9P2000.u specifics: stat(5), wstat(5), directory reads (read(5)), create(5). */
class Plan9DialectTest extends ServerFixture {

  private static final Stat DONT_TOUCH =
      new Stat(0xFFFF, -1, new Qid(0xFF, -1, -1), -1, -1, -1, -1, "", "", "", "", "", -1, -1, -1);

  @Test
  void statReportsAPlainFileWithVersionZero() throws Exception {
    for (Dialect d : List.of(Dialect.P9_2000, Dialect.P9_2000_U)) {
      P9Client c = client().start(d, "");
      c.create("f" + d.ordinal());
      c.ok(1, new Msg.Twalk(0, 2, List.of("f" + d.ordinal())), Msg.Rwalk.class);
      Stat st = c.ok(1, new Msg.Tstat(2), Msg.Rstat.class).stat();
      assertEquals(Qid.QTFILE, st.qid().type());
      assertEquals(0, st.qid().version());
      assertEquals(0666, st.mode(), "regular file, never append-only or a named pipe");
      assertEquals(0, st.length());
      assertEquals("f" + d.ordinal(), st.name());
      Stat root = c.ok(1, new Msg.Tstat(0), Msg.Rstat.class).stat();
      assertEquals("/", root.name());
      assertEquals(Stat.DMDIR | 0777, root.mode());
    }
  }

  @Test
  void wstatRenamesTruncatesAndSyncsButRefusesOtherLengths() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_U, "");
    c.create("a");
    c.ok(1, new Msg.Twalk(0, 2, List.of("a")), Msg.Rwalk.class);
    Stat rename = new Stat(0xFFFF, -1, new Qid(0xFF, -1, -1), -1, -1, -1, -1, "b", "", "", "", "", -1, -1, -1);
    c.ok(1, new Msg.Twstat(2, rename), Msg.Rwstat.class);
    assertEquals("b", c.ok(1, new Msg.Tstat(2), Msg.Rstat.class).stat().name());
    Stat truncate = new Stat(0xFFFF, -1, new Qid(0xFF, -1, -1), -1, -1, -1, 0, "", "", "", "", "", -1, -1, -1);
    c.ok(1, new Msg.Twstat(2, truncate), Msg.Rwstat.class);
    c.ok(1, new Msg.Twstat(2, DONT_TOUCH), Msg.Rwstat.class);
    Stat grow = new Stat(0xFFFF, -1, new Qid(0xFF, -1, -1), -1, -1, -1, 5, "", "", "", "", "", -1, -1, -1);
    assertInstanceOf(Msg.Rerror.class, c.rpc(1, new Msg.Twstat(2, grow)));
    c.open(3, "ctl", 0);
    assertEquals("/b 0\n", text(c.rpc(1, new Msg.Tread(3, 0, 100))), "ctl uses the new name");
  }

  @Test
  void directoryReadsReturnWholeStatRecordsAtConsecutiveOffsets() throws Exception {
    P9Client c = client().start(Dialect.P9_2000, "");
    for (String n : List.of("c1", "c2", "c3")) {
      c.create(n);
    }
    c.open(2, "", 0);
    List<String> names = new ArrayList<>();
    long offset = 0;
    while (true) {
      byte[] data = ((Msg.Rread) c.rpc(1, new Msg.Tread(2, offset, 120))).data();
      if (data.length == 0) {
        break;
      }
      ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining()) {
        names.add(new Wire.Reader(b).stat(Dialect.P9_2000).name());
      }
      offset += data.length;
    }
    assertEquals(List.of("c1", "c2", "c3", "clients", "ctl", "limits", "stats"), names);
    assertInstanceOf(Msg.Rerror.class, c.rpc(1, new Msg.Tread(2, 3, 70)), "a bad offset is refused");
  }

  @Test
  void createMakesChannelsAndDirectoriesAndRefusesExistingNames() throws Exception {
    P9Client c = client().start(Dialect.P9_2000, "");
    c.ok(1, new Msg.Twalk(0, 2, List.of()), Msg.Rwalk.class);
    Msg.Rcreate d = c.ok(1, new Msg.Tcreate(2, "dir", Stat.DMDIR | 0755, 0, ""), Msg.Rcreate.class);
    assertEquals(Qid.QTDIR, d.qid().type());
    c.ok(1, new Msg.Twalk(0, 3, List.of("dir")), Msg.Rwalk.class);
    Msg.Rcreate ch = c.ok(1, new Msg.Tcreate(3, "ch", 0666, 2, ""), Msg.Rcreate.class);
    assertEquals(Qid.QTFILE, ch.qid().type());
    assertEquals(65536, ch.iounit(), "iounit = msize - 24");
    c.ok(1, new Msg.Twalk(0, 4, List.of()), Msg.Rwalk.class);
    assertEquals("File exists", ((Msg.Rerror) c.rpc(1, new Msg.Tcreate(4, "ctl", 0666, 1, ""))).ename());
    assertEquals("File exists", ((Msg.Rerror) c.rpc(1, new Msg.Tcreate(4, "dir", 0666, 1, ""))).ename());
    assertInstanceOf(Msg.Rerror.class, c.rpc(1, new Msg.Tcreate(4, "fifo", 0x00200000 | 0666, 1, "")),
        "a named pipe is refused, not made a channel");
    c.ok(1, new Msg.Twalk(0, 6, List.of("dir")), Msg.Rwalk.class);
    assertEquals("Directory not empty", ((Msg.Rerror) c.rpc(1, new Msg.Tremove(6))).ename());
    assertInstanceOf(Msg.Rerror.class, c.rpc(1, new Msg.Tclunk(6)), "Tremove clunked the fid though it failed");
    c.ok(1, new Msg.Twalk(0, 7, List.of("dir", "ch")), Msg.Rwalk.class);
    c.ok(1, new Msg.Tremove(7), Msg.Rremove.class);
    c.ok(1, new Msg.Twalk(0, 8, List.of("dir")), Msg.Rwalk.class);
    c.ok(1, new Msg.Tremove(8), Msg.Rremove.class);
    assertInstanceOf(Msg.Rerror.class, c.rpc(1, new Msg.Twalk(0, 9, List.of("dir"))), "removed");
  }

  @Test
  void openWithOrcloseRemovesTheFileAtClunkAndOnDisconnect() throws Exception {
    P9Client c = client().start(Dialect.P9_2000, "");
    c.create("tmp1");
    c.create("tmp2");
    c.ok(1, new Msg.Twalk(0, 2, List.of("tmp1")), Msg.Rwalk.class);
    c.ok(1, new Msg.Topen(2, 0x40 | 1), Msg.Ropen.class);
    c.ok(1, new Msg.Tclunk(2), Msg.Rclunk.class);
    assertInstanceOf(Msg.Rerror.class, c.rpc(1, new Msg.Twalk(0, 3, List.of("tmp1"))), "removed at clunk");
    c.ok(1, new Msg.Twalk(0, 4, List.of("tmp2")), Msg.Rwalk.class);
    c.ok(1, new Msg.Topen(4, 0x40), Msg.Ropen.class);
    c.close();
    P9Client d = client().start(Dialect.P9_2000, "");
    for (int i = 0; i < 50; i++) { // the server notices the disconnect asynchronously
      if (d.rpc(1, new Msg.Twalk(0, 5, List.of("tmp2"))) instanceof Msg.Rerror) {
        return;
      }
      d.ok(1, new Msg.Tclunk(5), Msg.Rclunk.class);
      Thread.sleep(20);
    }
    throw new AssertionError("ORCLOSE file survived its connection");
  }
}
