package dchan.server;

import static dchan.server.P9Client.text;
import static dchan.server.P9Client.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Names (semantics.md sections 1 and 7): control characters are refused, so no ctl or stats line
 * can be forged; names with spaces or quotes are quoted, and ctl read back is ctl written.
 */
class NamesTest extends ServerFixture {

  @Test
  void namesWithControlCharactersAreRefused() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    for (String bad : List.of("z 3\n", "tab\there", "bell\u0007", "del\u007f")) {
      assertEquals(new Msg.Rlerror(22), c.rpc(1, new Msg.Tmkdir(0, bad, 0755, 0)), bad);
      c.ok(1, new Msg.Twalk(0, 9, List.of()), Msg.Rwalk.class);
      assertEquals(new Msg.Rlerror(22), c.rpc(1, new Msg.Tlcreate(9, bad, 1, 0100666, 0)), bad);
      c.ok(1, new Msg.Tclunk(9), Msg.Rclunk.class);
    }
    c.create("ok");
    assertEquals(new Msg.Rlerror(22), c.rpc(1, new Msg.Trenameat(0, "ok", 0, "x\ny")), "rename too");
  }

  @Test
  void namesWithSpacesAndQuotesAreQuotedAndCtlReadsBackAsWritten() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.create("with space");
    c.create("it's");
    c.create("vic");
    c.open(1, "ctl", 1);
    c.ok(2, write(1, "'/with space' 3\n'/it''s' 2\nclose '/it''s'\n"), Msg.Rwrite.class);
    c.open(2, "ctl", 0);
    String ctl = text(c.rpc(3, new Msg.Tread(2, 0, 4000)));
    assertEquals("'/it''s' 2\nclose '/it''s'\n/vic 0\n'/with space' 3\n", ctl);
    assertEquals(new Msg.Rwrite(ctl.length()), c.rpc(4, write(1, ctl)), "written back: accepted");
    c.open(3, "ctl", 0);
    assertEquals(ctl, text(c.rpc(5, new Msg.Tread(3, 0, 4000))), "and an identity");
    c.open(4, "stats", 0);
    String stats = text(c.rpc(6, new Msg.Tread(4, 0, 4000)));
    assertTrue(stats.contains("\n'/with space'\t3\t"), stats);
    assertEquals(new Msg.Rlerror(22), c.rpc(7, write(1, "'/with space 3\n")), "an open quote is an error");
  }

  @Test
  void longNamesAndDeepPathsAreRefusedWithEnametoolong() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    assertEquals(new Msg.Rlerror(36), c.rpc(1, new Msg.Tmkdir(0, "é".repeat(128), 0755, 0)),
        "256 UTF-8 bytes");
    c.ok(1, new Msg.Tmkdir(0, "é".repeat(127), 0755, 0), Msg.Rmkdir.class);
  }
}
