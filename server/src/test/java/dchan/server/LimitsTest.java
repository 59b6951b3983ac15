package dchan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dchan.server.session.Config;
import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-connection limits protect the server: fids (EMFILE) and outstanding requests (EAGAIN). */
class LimitsTest extends ServerFixture {

  @Override
  Config config() {
    return new Config(65536, Config.Eom.AUTO, 4, 3);
  }

  @Test
  void fidsBeyondTheLimitAreRefusedWithEmfile() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    for (int fid = 1; fid < 4; fid++) {
      c.ok(1, new Msg.Twalk(0, fid, List.of()), Msg.Rwalk.class);
    }
    assertEquals(new Msg.Rlerror(24), c.rpc(1, new Msg.Twalk(0, 4, List.of())));
    c.ok(1, new Msg.Tclunk(3), Msg.Rclunk.class);
    c.ok(1, new Msg.Twalk(0, 4, List.of()), Msg.Rwalk.class);
  }

  @Test
  void outstandingRequestsBeyondTheLimitAreRefusedWithEagain() throws Exception {
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.create("ch");
    c.open(1, "ch", 0);
    for (int tag = 10; tag < 13; tag++) {
      c.send(tag, new Msg.Tread(1, 0, 10));
    }
    assertEquals(new Msg.Rlerror(11), c.rpc(13, new Msg.Tstatfs(0)));
    c.send(14, new Msg.Tflush(10));
    assertInstanceOf(Msg.Rflush.class, c.receive().msg());
    c.ok(15, new Msg.Tstatfs(0), Msg.Rstatfs.class);
  }
}
