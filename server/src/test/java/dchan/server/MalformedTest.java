package dchan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** semantics.md section 10: bad input gets an error when the header is sound, else a close. */
class MalformedTest extends ServerFixture {

  private static byte[] frame(int size, int type, int tag, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(7 + body.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(size).put((byte) type).putShort((short) tag).put(body);
    return b.array();
  }

  @Test
  void frameSizeBelowTheHeaderClosesTheConnection() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.sendRaw(frame(3, 100, 1, new byte[0]));
    assertTrue(c.closedByServer());
    P9Client other = client().start(Dialect.P9_2000_L, "");
    other.ok(1, new Msg.Tstatfs(0), Msg.Rstatfs.class);
  }

  @Test
  void unknownTypeGetsAnErrorAndTheConnectionLivesOn() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.sendRaw(frame(7, 201, 5, new byte[0]));
    P9Client.Reply r = c.receive();
    assertEquals(5, r.tag());
    assertInstanceOf(Msg.Rlerror.class, r.msg());
    c.ok(6, new Msg.Tstatfs(0), Msg.Rstatfs.class);
  }

  @Test
  void truncatedBodyGetsAnError() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    // Twalk with nwname 2 but only one name present.
    byte[] body = {0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 'a'};
    c.sendRaw(frame(7 + body.length, 110, 9, body));
    assertEquals(9, c.receive().tag());
    // A string with a NUL inside.
    byte[] nul = {0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 2, 0, 'a', 0};
    c.sendRaw(frame(7 + nul.length, 110, 10, nul));
    assertInstanceOf(Msg.Rlerror.class, c.receive().msg());
    c.ok(11, new Msg.Tstatfs(0), Msg.Rstatfs.class);
  }

  @Test
  void oversizedFrameIsSkippedAndAnsweredWithAnError() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    int size = 65536 + 24 + 100; // larger than the negotiated msize
    byte[] body = new byte[size - 7];
    c.sendRaw(frame(size, 118, 12, body));
    P9Client.Reply r = c.receive();
    assertEquals(12, r.tag());
    assertEquals(new Msg.Rlerror(90), r.msg());
    c.ok(13, new Msg.Tstatfs(0), Msg.Rstatfs.class);
  }

  @Test
  void dotLMessagesAreRefusedOnA9P2000Session() throws Exception {
    P9Client c = client().start(Dialect.P9_2000, "");
    c.dialect = Dialect.P9_2000_L;
    byte[] f = c.bytes(3, new Msg.Tstatfs(0));
    c.dialect = Dialect.P9_2000;
    c.sendRaw(f);
    assertInstanceOf(Msg.Rerror.class, c.receive().msg());
  }
}
