package dchan.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dchan.server.fs.Ctl;
import dchan.server.fs.Snapshots;
import dchan.server.fs.SpecialFile;
import dchan.server.fs.Stats;
import dchan.server.fs.Tree;
import dchan.server.limits.Budget;
import dchan.server.limits.Refusals;
import dchan.server.wire.Codec;
import dchan.server.wire.Dialect;
import dchan.server.wire.Errno;
import dchan.server.wire.Msg;
import dchan.server.wire.Wire;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The session-level counterpart of the Lincheck test: random conversations of three connections
 * (9P2000.L, 9P2000 and 9P2000.u, so with and without the end-of-message mark) on two channels —
 * writes, reads with short counts, flushes, clunks, Tversions, disconnects, capacity changes,
 * close and remove — run against real sessions on one tree, and against {@link ContractModel}, a
 * sequential model written from the contract. After every operation each connection must have
 * received exactly the replies the model expects, in order; at the end, stats must show the
 * model's counters. QuickTheories shrinks a failure to a short conversation.
 */
class ConversationModelTest {
  private static final String[] CHANNELS = {"c0", "c1"};
  private static final Dialect[] DIALECTS = {Dialect.P9_2000_L, Dialect.P9_2000, Dialect.P9_2000_U};
  private static final int READ_FID = 10;
  private static final int WRITE_FID = 20;

  /** A connection without a socket: frames in, decoded replies out. */
  private static final class Wired implements Transport {
    final Session session;
    final Dialect dialect;
    final List<Codec.Decoded> replies = new ArrayList<>();
    int nextTag = 1;

    Wired(Services services, Dialect dialect) {
      this.dialect = dialect;
      session = new Session(services, this, "model");
    }

    @Override
    public void execute(Runnable task) {
      throw new AssertionError("single-threaded: a session lock is never busy");
    }

    @Override
    public void send(ByteBuffer head, ByteBuffer body, int held) {
      ByteBuffer f = ByteBuffer.allocate(head.remaining() + (body == null ? 0 : body.remaining()));
      f.put(head.duplicate());
      if (body != null) {
        f.put(body.duplicate());
      }
      f.flip();
      Codec.Decoded d = Codec.decode(f.order(ByteOrder.LITTLE_ENDIAN), dialect);
      if (d.msg() == null) {
        throw new AssertionError("malformed reply type " + d.typeId());
      }
      replies.add(d);
    }

    int send(Msg m) {
      int tag = nextTag++;
      handle(tag, m);
      return tag;
    }

    void handle(int tag, Msg m) {
      session.locked(() -> session.handle(Codec.decode(Codec.encode(tag, m, dialect), dialect)));
    }

    /** Sends m and returns its one reply, which must be of type t. */
    <T extends Msg> T ok(Msg m, Class<T> t) {
      int tag = send(m);
      List<Codec.Decoded> got = take();
      if (got.size() != 1 || got.get(0).tag() != tag || !t.isInstance(got.get(0).msg())) {
        throw new AssertionError("expected " + t.getSimpleName() + " for " + m + ", got " + got);
      }
      return t.cast(got.get(0).msg());
    }

    List<Codec.Decoded> take() {
      List<Codec.Decoded> all = new ArrayList<>(replies);
      replies.clear();
      return all;
    }

    void start() {
      handle(Wire.NOTAG, new Msg.Tversion(8192 + 24, dialect.version));
      take();
      ok(new Msg.Tattach(0, Wire.NOFID, "model", "", Wire.NOFID), Msg.Rattach.class);
    }

    void open(int fid, String name, boolean write) {
      ok(new Msg.Twalk(0, fid, List.of(name)), Msg.Rwalk.class);
      if (dialect == Dialect.P9_2000_L) {
        ok(new Msg.Tlopen(fid, write ? 1 : 0), Msg.Rlopen.class);
      } else {
        ok(new Msg.Topen(fid, write ? 1 : 0), Msg.Ropen.class);
      }
    }
  }

  /** The world: real sessions on one tree, and the model. */
  private static final class World {
    final Services services;
    final Wired admin;
    final Wired[] conns = new Wired[DIALECTS.length];
    final ContractModel model;
    int messages;

    World() {
      Config config = Config.defaults();
      Tree tree = new Tree(1000, 8);
      Budget budget = new Budget(64 << 20);
      tree.onDroppedBytes(budget::releaseHeld);
      Ctl ctl = new Ctl(tree);
      Stats stats = new Stats(tree);
      Map<SpecialFile.Kind, Supplier<byte[]>> sources = Map.of(SpecialFile.Kind.CTL, ctl::text,
          SpecialFile.Kind.STATS, stats::text, SpecialFile.Kind.LIMITS, () -> new byte[0], SpecialFile.Kind.CLIENTS, () -> new byte[0]);
      services = Services.local(config, tree, ctl, new Snapshots(sources, () -> {}, false), budget,
          new Refusals(), new Counters());
      admin = new Wired(services, Dialect.P9_2000_L);
      admin.start();
      for (String name : CHANNELS) {
        create(name);
      }
      boolean[] eom = new boolean[DIALECTS.length];
      for (int c = 0; c < DIALECTS.length; c++) {
        eom[c] = DIALECTS[c].extended();
      }
      model = new ContractModel(CHANNELS, eom);
      for (int c = 0; c < conns.length; c++) {
        conns[c] = new Wired(services, DIALECTS[c]);
        setUp(c);
      }
    }

    void create(String name) {
      admin.ok(new Msg.Twalk(0, 99, List.of()), Msg.Rwalk.class);
      admin.ok(new Msg.Tlcreate(99, name, 0, 0100666, 0), Msg.Rlcreate.class);
      admin.ok(new Msg.Tclunk(99), Msg.Rclunk.class);
    }

    /** Attach (after a Tversion or a new connection) and open every fid, in model and server. */
    void setUp(int c) {
      conns[c].start();
      for (int k = 0; k < CHANNELS.length; k++) {
        reopen(c, READ_FID + k);
        reopen(c, WRITE_FID + k);
      }
    }

    void reopen(int c, int fid) {
      String name = CHANNELS[fid % 10];
      conns[c].open(fid, name, fid >= WRITE_FID);
      model.open(c, fid, name);
    }

    void ctl(String command) {
      admin.ok(new Msg.Twalk(0, 98, List.of("ctl")), Msg.Rwalk.class);
      admin.ok(new Msg.Tlopen(98, 1), Msg.Rlopen.class);
      admin.ok(new Msg.Twrite(98, 0, command.getBytes(StandardCharsets.UTF_8)), Msg.Rwrite.class);
      admin.ok(new Msg.Tclunk(98), Msg.Rclunk.class);
    }

    /** One operation: {kind, connection, channel, argument}. */
    String apply(int[] op) {
      int kind = op[0];
      int c = op[1] % conns.length;
      int k = op[2] % CHANNELS.length;
      int a = op[3];
      Wired w = conns[c];
      switch (kind) {
        case 0, 1, 2 -> { // write: a message of 3 to 14 bytes, each message different
          String id = Integer.toString(messages++, 36) + "-";
          byte[] m = (id + "x".repeat(3 + a % 12 - id.length())).getBytes(StandardCharsets.UTF_8);
          int tag = w.nextTag;
          model.write(c, WRITE_FID + k, tag, m);
          w.send(new Msg.Twrite(WRITE_FID + k, 0, m));
          return c + " write " + k + " " + new String(m);
        }
        case 3, 4, 5 -> { // read with a count of 0 to 8 (often short)
          int count = a % 9;
          int tag = w.nextTag;
          model.read(c, READ_FID + k, tag, count);
          w.send(new Msg.Tread(READ_FID + k, 0, count));
          return c + " read " + k + " count " + count;
        }
        case 6 -> { // flush one waiting request, or an unknown tag
          List<Integer> waiting = model.waiting(c);
          int old = waiting.isEmpty() || a % 5 == 0 ? 60000 : waiting.get(a % waiting.size());
          int tag = w.nextTag;
          model.flush(c, tag, old);
          w.send(new Msg.Tflush(old));
          return c + " flush " + old;
        }
        case 7 -> { // clunk a read or write fid (then it is opened again)
          int fid = (a % 2 == 0 ? READ_FID : WRITE_FID) + k;
          int tag = w.nextTag;
          model.clunk(c, fid, tag);
          w.send(new Msg.Tclunk(fid));
          return c + " clunk " + fid;
        }
        case 8 -> { // Tversion: a new session on the same connection
          model.reset(c, Wire.NOTAG);
          w.handle(Wire.NOTAG, new Msg.Tversion(8192 + 24, w.dialect.version));
          return c + " version";
        }
        case 9 -> { // disconnect, and connect again
          model.reset(c, -1);
          w.session.locked(w.session::close);
          conns[c] = new Wired(services, DIALECTS[c]);
          return c + " disconnect";
        }
        case 10 -> {
          int cap = a % 4;
          ctl("/" + CHANNELS[k] + " " + cap);
          model.capacity(CHANNELS[k], cap);
          return "capacity " + k + " " + cap;
        }
        case 11 -> {
          if (a % 3 != 0) {
            return "no close";
          }
          ctl("close /" + CHANNELS[k]);
          model.close(CHANNELS[k]);
          return "close " + k;
        }
        default -> {
          if (a % 3 != 0) {
            return "no remove";
          }
          admin.ok(new Msg.Tunlinkat(0, CHANNELS[k], 0), Msg.Runlinkat.class);
          model.remove(CHANNELS[k]);
          create(CHANNELS[k]);
          return "remove " + k;
        }
      }
    }

    /** Every connection got exactly what the model expects for the last operation. */
    void check(List<String> done) {
      for (int c = 0; c < conns.length; c++) {
        List<ContractModel.Reply> got = new ArrayList<>();
        for (Codec.Decoded d : conns[c].take()) {
          got.add(reply(d));
        }
        int conn = c;
        assertEquals(model.expected(c), got, () -> "connection " + conn + " after " + done);
      }
    }

    /** After an operation that ended fids or the connection: set up again. */
    void afterwards(int[] op) {
      int c = op[1] % conns.length;
      if (op[0] == 7) {
        int fid = (op[3] % 2 == 0 ? READ_FID : WRITE_FID) + op[2] % CHANNELS.length;
        reopen(c, fid);
      } else if (op[0] == 8) {
        conns[c].ok(new Msg.Tattach(0, Wire.NOFID, "model", "", Wire.NOFID), Msg.Rattach.class);
        for (int k = 0; k < CHANNELS.length; k++) {
          reopen(c, READ_FID + k);
          reopen(c, WRITE_FID + k);
        }
      } else if (op[0] == 9) {
        setUp(c);
      }
    }

    /** stats shows the model's counters for every channel. */
    void checkStats() {
      admin.ok(new Msg.Twalk(0, 97, List.of("stats")), Msg.Rwalk.class);
      admin.ok(new Msg.Tlopen(97, 0), Msg.Rlopen.class);
      String text = new String(admin.ok(new Msg.Tread(97, 0, 8000), Msg.Rread.class).data(),
          StandardCharsets.UTF_8);
      admin.ok(new Msg.Tclunk(97), Msg.Rclunk.class);
      Map<String, String> lines = new HashMap<>();
      for (String line : text.split("\n")) {
        lines.put(line.split("\t")[0], line);
      }
      for (String name : CHANNELS) {
        ContractModel.Chan m = model.chans.get(name);
        String[] f = lines.get("/" + name).split("\t");
        String want = String.join(" ", String.valueOf(m.cap), String.valueOf(m.buf.size()),
            String.valueOf(m.recvq.size()), String.valueOf(m.sendq.size()), String.valueOf(m.sent),
            String.valueOf(m.received), String.valueOf(m.bytes), String.valueOf(m.dropped),
            m.closed ? "closed" : "open");
        String got = String.join(" ", f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[11]);
        assertEquals(want, got, "stats of /" + name + ": capacity buffered readers writers sent received bytes dropped state");
      }
    }
  }

  private static ContractModel.Reply reply(Codec.Decoded d) {
    Msg m = d.msg();
    if (m instanceof Msg.Rread r) {
      return ContractModel.Reply.read(d.tag(), r.data());
    }
    if (m instanceof Msg.Rwrite r) {
      return ContractModel.Reply.of(d.tag(), "Rwrite", r.count());
    }
    if (m instanceof Msg.Rlerror e) {
      return ContractModel.Reply.of(d.tag(), "error", e.ecode());
    }
    if (m instanceof Msg.Rerror e) {
      return ContractModel.Reply.of(d.tag(), "error", e.errno() >= 0 ? e.errno() : errnoOf(e.ename()));
    }
    return ContractModel.Reply.of(d.tag(), m.getClass().getSimpleName(), 0);
  }

  /** 9P2000 carries only the string: its errno, as Linux maps it back. */
  private static int errnoOf(String ename) {
    for (Errno e : Errno.values()) {
      if (e.text.equals(ename)) {
        return e.code;
      }
    }
    return ename.equals("unknown fid") ? Errno.EBADF.code : -1;
  }

  private static Gen<int[]> op() {
    return integers().between(0, 12).zip(integers().between(0, 2), integers().between(0, 1),
        integers().between(0, 1000), (kind, c, k, a) -> new int[] {kind, c, k, a});
  }

  @Test
  void conversationsMatchTheSequentialModelOfTheContract() {
    qt().withExamples(400).withShrinkCycles(300)
        .forAll(lists().of(op()).ofSizeBetween(1, 60))
        .checkAssert(ops -> {
          World world = new World();
          List<String> done = new ArrayList<>();
          for (int[] op : ops) {
            done.add(world.apply(op));
            world.check(done);
            world.afterwards(op);
          }
          world.checkStats();
        });
  }
}
