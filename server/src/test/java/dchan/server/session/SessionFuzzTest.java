package dchan.server.session;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dchan.server.fs.Ctl;
import dchan.server.fs.Snapshots;
import dchan.server.fs.SpecialFile;
import dchan.server.fs.Stats;
import dchan.server.fs.Tree;
import dchan.server.limits.Budget;
import dchan.server.limits.Refusals;
import dchan.server.wire.Codec;
import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import dchan.server.wire.Type;
import dchan.server.wire.Wire;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Structure-aware fuzzing of the session: conversations of two connections on one tree (so that
 * one's writes match the other's reads), built from the fuzzer's bytes — versions in every
 * dialect, attaches, walks, opens, creates, reads and writes on few fids, flushes of recent tags,
 * clunks, removes, ctl commands, special-file reads, raw garbage frames and disconnects. Matched
 * requests' completions are held back (the harness stays inside a {@link Pass}) and delivered
 * when the fuzzer says, so that frames arrive while a request is MATCHED but not yet answered —
 * the window other threads open in a real server. Checks,
 * after every frame: nothing is thrown out of the session; every reply decodes in the session's
 * dialect and is a reply; every tag is answered at most once and never after the Rflush naming it
 * or after a Tversion or disconnect that withdrew it; the session's invariants hold (-ea).
 *
 * <p>{@code mvn verify} runs the committed inputs (src/test/resources/.../SessionFuzzTestInputs)
 * and a short fuzzing run; {@code JAZZER_FUZZ=1 mvn -pl server test -Dtest=SessionFuzzTest
 * -Djazzer.max_duration=10m} fuzzes longer.
 */
class SessionFuzzTest {
  private static final List<String> NAMES = List.of("a", "b", "d", "ctl", "stats", "limits", "clients", "..");
  private static final List<Dialect> DIALECTS = List.of(Dialect.P9_2000_L, Dialect.P9_2000_U, Dialect.P9_2000);

  /** One connection: its session and what the harness knows of its tags. */
  private static final class Conn implements Transport {
    final Session session;
    Dialect dialect = Dialect.P9_2000_L;
    /** Tags sent and not yet answered. */
    final Set<Integer> inFlight = new HashSet<>();
    /** For each Tversion not yet answered: the tags in flight when it was sent (its reply retires them). */
    final ArrayDeque<Set<Integer>> beforeVersion = new ArrayDeque<>();
    /** The dialect each unanswered Tversion asked for: its reply is encoded in it. */
    final ArrayDeque<Dialect> versionDialects = new ArrayDeque<>();
    /** The dialect of each tag's session epoch: its reply is encoded in it. */
    final Map<Integer, Dialect> tagDialect = new HashMap<>();
    /** Tflush tag -> the tag it flushes. */
    final Map<Integer, Integer> flushes = new HashMap<>();
    final ArrayDeque<Runnable> handedOver = new ArrayDeque<>();
    /** The conversation so far, for the message of a finding. */
    static final StringBuilder LOG = new StringBuilder();
    boolean closed;
    int nextTag;

    final String name;
    final Services services;

    Conn(Services services, String name) {
      this.name = name;
      this.services = services;
      session = new Session(services, this, "fuzz");
    }

    @Override
    public void execute(Runnable task) {
      handedOver.add(task);
    }

    @Override
    public void send(ByteBuffer head, ByteBuffer body, int held) {
      if (closed) {
        throw new AssertionError("a reply after the disconnect");
      }
      services.budget().release(session.account(), held); // written at once, as a connection would
      ByteBuffer frame = ByteBuffer.allocate(head.remaining() + (body == null ? 0 : body.remaining()));
      frame.put(head.duplicate());
      if (body != null) {
        frame.put(body.duplicate());
      }
      frame.flip();
      int size = frame.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
      if (size != frame.remaining()) {
        throw new AssertionError("size field " + size + " for a frame of " + frame.remaining());
      }
      int tag = frame.order(ByteOrder.LITTLE_ENDIAN).getShort(5) & 0xFFFF;
      Dialect current = session.dialect() != null ? session.dialect() : dialect;
      Dialect d = tag == Wire.NOTAG && !versionDialects.isEmpty() ? versionDialects.poll()
          : tagDialect.getOrDefault(tag, current);
      Codec.Decoded r = Codec.decode(frame, d);
      Type t = Type.of(r.typeId());
      if (r.msg() == null || t == null || (t.id & 1) == 0) {
        throw new AssertionError("malformed reply, type " + r.typeId() + " in " + d + LOG);
      }
      LOG.append("\n").append(name).append(" <- ").append(r.tag()).append(' ').append(r.msg());
      if (r.tag() == Wire.NOTAG) { // Rversion, or its error: a reset either way
        Set<Integer> old = beforeVersion.isEmpty() ? Set.of() : beforeVersion.poll();
        inFlight.removeAll(old); // withdrawn, or answered before it
        flushes.keySet().removeAll(old);
        return;
      }
      if (!inFlight.remove(r.tag())) {
        if (r.msg() instanceof Msg.Rerror || r.msg() instanceof Msg.Rlerror) {
          return; // the error for a frame that never became a request (duplicate tag, garbage)
        }
        throw new AssertionError("a reply for tag " + r.tag() + ", which is not outstanding: " + r.msg() + LOG);
      }
      if (r.msg() instanceof Msg.Rflush) {
        Integer old = flushes.remove(r.tag());
        if (old != null) {
          inFlight.remove(old); // after its Rflush, nothing more may come for it
        }
      } else if (flushes.remove(r.tag()) != null && session.dialect() != null) {
        throw new AssertionError("a Tflush answered with " + r.msg());
      }
    }

    void handle(Msg m, int tag) {
      LOG.append("\n").append(name).append(" -> ").append(tag).append(' ').append(m);
      session.locked(() -> session.handle(Codec.decode(encode(tag, m), session.dialect() == null ? Dialect.P9_2000 : session.dialect())));
    }

    ByteBuffer encode(int tag, Msg m) {
      return Codec.encode(tag, m, session.dialect() == null ? dialect : session.dialect());
    }

    void runHandedOver() {
      Runnable t;
      while ((t = handedOver.poll()) != null) {
        t.run();
      }
    }
  }

  @FuzzTest(maxDuration = "30s")
  void fuzzConversation(FuzzedDataProvider data) {
    Config config = Config.defaults().withMaxFids(16).withMaxOutstanding(32).withMaxFiles(64)
        .withMaxDepth(4).withMaxMemory(1 << 20);
    Tree tree = new Tree(config.maxFiles(), config.maxDepth());
    Budget budget = new Budget(config.maxMemory());
    tree.onDroppedBytes(budget::releaseHeld);
    Ctl ctl = new Ctl(tree);
    Stats stats = new Stats(tree);
    Map<SpecialFile.Kind, Supplier<byte[]>> sources = Map.of(SpecialFile.Kind.CTL, ctl::text,
        SpecialFile.Kind.STATS, stats::text, SpecialFile.Kind.LIMITS, () -> new byte[] {'x', '\n'},
        SpecialFile.Kind.CLIENTS, () -> new byte[] {'c', '\n'});
    Services services = Services.local(config, tree, ctl, new Snapshots(sources, () -> {}, false), budget,
        new Refusals(), new Counters());
    Conn.LOG.setLength(0);
    Conn[] conns = {new Conn(services, "A"), new Conn(services, "B")};
    for (Conn c : conns) {
      send(c, new Msg.Tversion(8192 + 24, c.dialect.version), Wire.NOTAG);
      send(c, new Msg.Tattach(0, Wire.NOFID, "u", "", Wire.NOFID), 0);
      c.nextTag = 1;
    }
    Pass pass = Pass.current();
    pass.enter(); // completions wait until the fuzzer delivers them
    try {
      int steps = 0;
      while (data.remainingBytes() > 0 && steps++ < 200) {
        if (data.consumeInt(0, 3) == 0) {
          pass.exit();
          Conn.LOG.append("\n(a completion arrives)");
          pass.runDeferred(); // one completion arrives
          pass.enter();
        } else {
          Conn c = conns[data.consumeInt(0, 1)];
          if (!c.closed) {
            step(c, data);
          }
        }
        for (Conn x : conns) {
          x.runHandedOver();
        }
      }
    } finally {
      pass.exit();
    }
    pass.settle();
    for (Conn c : conns) {
      if (!c.closed) {
        c.session.locked(c.session::close);
        c.closed = true;
      }
    }
    long buffered = 0; // with every connection gone, the budget holds exactly the buffered messages
    for (dchan.server.fs.ChannelFile f : tree.liveChannels()) {
      for (byte[] m : f.channel().remove()) {
        buffered += m.length;
      }
    }
    if (budget.used() != buffered) {
      throw new AssertionError("the budget holds " + budget.used() + " bytes, the channels " + buffered + Conn.LOG);
    }
  }

  private static void step(Conn c, FuzzedDataProvider data) {
    int fid = data.consumeInt(0, 5);
    int other = data.consumeInt(0, 5);
    String name = data.pickValue(NAMES);
    Msg m;
    switch (data.consumeInt(0, 17)) {
      case 0 -> {
        c.dialect = data.pickValue(DIALECTS);
        send(c, new Msg.Tversion(data.consumeInt(), c.dialect.version), Wire.NOTAG);
        return;
      }
      case 1 -> m = new Msg.Tattach(fid, Wire.NOFID, "u", data.pickValue(List.of("", "/", "?eom=on", "x")), Wire.NOFID);
      case 2 -> m = new Msg.Twalk(fid, other, data.consumeBoolean() ? List.of() : List.of(name));
      case 3 -> m = c.session.dialect() == Dialect.P9_2000_L
          ? new Msg.Tlopen(fid, data.consumeInt(0, 3)) : new Msg.Topen(fid, data.consumeInt(0, 0x53));
      case 4 -> m = c.session.dialect() == Dialect.P9_2000_L
          ? new Msg.Tlcreate(fid, name, 2, 0100666, 0) : new Msg.Tcreate(fid, name, data.consumeInt(), 2, "");
      case 5, 6, 7 -> m = new Msg.Tread(fid, data.consumeBoolean() ? 0 : data.consumeLong(), data.consumeInt());
      case 8 -> m = new Msg.Twrite(fid, 0, data.consumeBytes(data.consumeInt(0, 300)));
      case 9 -> m = new Msg.Twrite(fid, 0, "1\n22\n333\n4".substring(data.consumeInt(0, 9)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      case 10, 11 -> {
        int tag = c.nextTag;
        int old = c.inFlight.isEmpty() || data.consumeBoolean() ? data.consumeInt(0, 0xFFFF)
            : c.inFlight.stream().skip(data.consumeInt(0, c.inFlight.size() - 1)).findFirst().orElse(0);
        c.flushes.put(tag, old);
        m = new Msg.Tflush(old);
      }
      case 12 -> m = new Msg.Tclunk(fid);
      case 13 -> m = new Msg.Tremove(fid);
      case 14 -> m = new Msg.Twrite(fid, 0, data.pickValue(List.of("/a 2", "/b 0", "close /a", "/a x", "'/a 1", "/a 3 lines", "/b 0 lines"))
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      case 15 -> m = new Msg.Tmkdir(fid, name, 0755, 0);
      case 16 -> {
        c.session.locked(c.session::close);
        c.closed = true;
        return;
      }
      default -> {
        byte[] garbage = data.consumeBytes(40);
        ByteBuffer f = ByteBuffer.allocate(7 + garbage.length).order(ByteOrder.LITTLE_ENDIAN);
        f.putInt(7 + garbage.length).put((byte) data.consumeInt(0, 255)).putShort((short) 0xFFF0).put(garbage).flip();
        c.session.locked(() -> c.session.handle(Codec.decode(f, c.session.dialect() == null ? Dialect.P9_2000 : c.session.dialect())));
        return;
      }
    }
    int tag = c.nextTag;
    c.nextTag = (c.nextTag + 1) % 0xFFF0;
    if (c.inFlight.contains(tag)) {
      c.flushes.remove(tag);
      return; // never reuse an outstanding tag: the harness plays a correct client
    }
    send(c, m, tag);
  }

  private static void send(Conn c, Msg m, int tag) {
    if (tag != Wire.NOTAG) {
      c.inFlight.add(tag);
      c.tagDialect.put(tag, c.session.dialect() != null ? c.session.dialect() : c.dialect);
    } else {
      c.versionDialects.add(c.dialect);
      c.beforeVersion.add(new HashSet<>(c.inFlight));
    }
    c.handle(m, tag);
  }
}
