package dchan.server.session;

import dchan.core.Listener;
import dchan.core.Op;
import dchan.server.fs.ChannelFile;
import dchan.server.fs.P9Error;
import dchan.server.fs.Tree;
import dchan.server.wire.Codec;
import dchan.server.wire.Dialect;
import dchan.server.wire.Errno;
import dchan.server.wire.Msg;
import dchan.server.wire.Type;
import dchan.server.wire.Wire;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The 9P session of one connection: dialect, msize, fids, outstanding tags, and the one ordered
 * reply path. Everything here runs on the connection's loop thread; channel listeners only post
 * back to it.
 *
 * <p>Reply ordering (flush(5), semantics.md section 5) is decided in one place, {@link #respond}:
 * a request whose reply must follow others' replies ({@link Request#waitingFor} > 0) is held; when
 * a reply is emitted, its tag is retired and then every request waiting on it is released in the
 * order it started waiting. So an Rflush always follows the reply of the request it flushed, and
 * a request withdrawn by a flush never gets a reply at all.
 */
public final class Session implements Listener<byte[]> {
  private static final Logger LOG = Logger.getLogger(Session.class.getName());

  final Tree tree;
  final Config config;
  final Transport transport;
  final String peer;

  Dialect dialect; // null until a successful Tversion
  /** The dialect the last Tversion asked for: how to encode replies while dialect is null. */
  private Dialect asked = Dialect.P9_2000;
  int msize;
  final Map<Integer, Fid> fids = new HashMap<>();
  final Map<Integer, Request> outstanding = new HashMap<>();
  private boolean closed;
  private final FileOps files = new FileOps(this);
  private final ChannelIo channels = new ChannelIo(this);

  public Session(Tree tree, Config config, Transport transport, String peer) {
    this.tree = tree;
    this.config = config;
    this.transport = transport;
    this.peer = peer;
    this.msize = config.maxMsize();
  }

  /** The dialect of the current session, or null before a successful Tversion. */
  public Dialect dialect() {
    return dialect;
  }

  /** The largest frame the peer may send now. */
  public int maxFrame() {
    return msize;
  }

  int iounit() {
    return msize - Wire.IOHDRSZ;
  }

  /** A read's count as served: at most iounit (a u32 above 2^31 reads as negative: clamp too). */
  int clampCount(int count) {
    return count < 0 || count > iounit() ? iounit() : count;
  }

  /** Handles one decoded frame. */
  public void handle(Codec.Decoded d) {
    if (closed) {
      return;
    }
    if (LOG.isLoggable(Level.FINE)) {
      LOG.fine(peer + " <- tag " + d.tag() + " " + (d.msg() != null ? d.msg() : "type " + d.typeId()));
    }
    Type t = Type.of(d.typeId());
    if (d.msg() == null) {
      if (t == null || (t.id & 1) == 0) { // unknown, or a malformed T-message
        sendError(d.tag(), new P9Error(t == null ? Errno.EOPNOTSUPP : Errno.EPROTO,
            t == null ? "unknown message type " + d.typeId() : "malformed " + t.name()));
      } else {
        sendError(d.tag(), new P9Error(Errno.EPROTO, "unexpected reply message " + t.name()));
      }
      return;
    }
    if (d.msg() instanceof Msg.Tversion v) {
      version(d.tag(), v);
      return;
    }
    if (dialect == null) {
      sendError(d.tag(), new P9Error(Errno.EPROTO, "first message must be Tversion"));
      return;
    }
    if (t.dotLOnly() != (dialect == Dialect.P9_2000_L) && !isCommon(t)) {
      sendError(d.tag(), new P9Error(Errno.EOPNOTSUPP, t.name() + " not in " + dialect.version));
      return;
    }
    if (outstanding.containsKey(d.tag()) || d.tag() == Wire.NOTAG) {
      sendError(d.tag(), new P9Error(Errno.EINVAL, "duplicate tag"));
      return;
    }
    boolean releases = d.msg() instanceof Msg.Tflush || d.msg() instanceof Msg.Tclunk;
    if (outstanding.size() >= config.maxOutstanding() && !releases) { // never refuse a way out
      sendError(d.tag(), new P9Error(Errno.EAGAIN, "too many outstanding requests"));
      return;
    }
    Request r = new Request(d.tag(), d.msg(), null);
    outstanding.put(r.tag, r);
    try {
      Msg reply = dispatch(r);
      if (reply != null) {
        respond(r, reply);
      }
    } catch (P9Error e) {
      respond(r, error(e));
    }
  }

  /** 9P2000 messages that 9P2000.L keeps; .L-only ones are refused elsewhere and vice versa. */
  private static boolean isCommon(Type t) {
    switch (t) {
      case TAUTH, TATTACH, TFLUSH, TWALK, TREAD, TWRITE, TCLUNK, TREMOVE:
        return true;
      default:
        return false;
    }
  }

  /** Returns the reply, or null if the request is parked (its reply comes later). */
  private Msg dispatch(Request r) throws P9Error {
    Msg m = r.msg;
    if (m instanceof Msg.Tflush f) {
      return flush(r, f.oldtag());
    }
    if (m instanceof Msg.Tclunk c) {
      return clunk(r, c.fid(), false);
    }
    if (m instanceof Msg.Tremove c) {
      return clunk(r, c.fid(), true);
    }
    if (m instanceof Msg.Tread rd) {
      Fid f = fid(rd.fid());
      if (f.node instanceof ChannelFile c && f.open) {
        r.fid = f;
        return channels.read(r, f, c, rd);
      }
      return files.read(f, rd);
    }
    if (m instanceof Msg.Twrite w) {
      Fid f = fid(w.fid());
      if (f.node instanceof ChannelFile c && f.open && f.canWrite) {
        r.fid = f;
        return channels.write(r, f, c, w);
      }
      return files.write(f, w);
    }
    return files.dispatch(m);
  }

  Fid fid(int id) throws P9Error {
    Fid f = fids.get(id);
    if (f == null) {
      throw new P9Error(Errno.EBADF, "unknown fid");
    }
    return f;
  }

  Fid newFid(int id, dchan.server.fs.Node node, boolean eom) throws P9Error {
    if (fids.containsKey(id)) {
      throw new P9Error(Errno.EBADF, "fid in use");
    }
    if (fids.size() >= config.maxFids()) {
      throw new P9Error(Errno.EMFILE);
    }
    Fid f = new Fid(id, node, eom);
    fids.put(id, f);
    return f;
  }

  // ---- the reply path ----

  /** Sends r's reply now, or holds it until the replies r waits for have gone out. */
  void respond(Request r, Msg reply) {
    if (r.done) {
      return;
    }
    if (r.waitingFor > 0) {
      r.deferredReply = reply;
      return;
    }
    retire(r);
    if (!closed) {
      if (LOG.isLoggable(Level.FINE)) {
        LOG.fine(peer + " -> tag " + r.tag + " " + reply);
      }
      transport.send(Codec.encode(r.tag, reply, wireDialect()));
    }
    release(r);
  }

  /** Withdraws a parked request: no reply for it ever; requests waiting on it are released. */
  private void withdraw(Request r) {
    retire(r);
    release(r);
  }

  /** r is finished: its tag is free again and it no longer counts as parked on its fid. */
  private void retire(Request r) {
    r.done = true;
    if (outstanding.get(r.tag) == r) {
      outstanding.remove(r.tag);
    }
    if (r.fid != null) {
      r.fid.parked.remove(r);
    }
  }

  private void release(Request r) {
    if (r.dependents == null) {
      return;
    }
    for (Request d : r.dependents) {
      if (--d.waitingFor == 0 && d.deferredReply != null) {
        respond(d, d.deferredReply);
      }
    }
    r.dependents = null;
  }

  private Dialect wireDialect() {
    return dialect != null ? dialect : asked;
  }

  Msg error(P9Error e) {
    if (wireDialect() == Dialect.P9_2000_L) {
      return new Msg.Rlerror(e.errno.code);
    }
    return new Msg.Rerror(e.getMessage(), e.errno.code);
  }

  /** An error for a frame that never became a request (bad header, duplicate tag, oversized). */
  public void sendError(int tag, P9Error e) {
    transport.send(Codec.encode(tag, error(e), wireDialect()));
  }

  // ---- parked channel requests ----

  /** Parks r on op; the reply comes from {@link #completed}. */
  void park(Request r, Op<byte[]> op) {
    r.op = op;
    if (r.fid != null) {
      r.fid.parked.add(r);
    }
  }

  /** Channel listener: runs on whichever thread completed the op; hands over to the loop. */
  @Override
  public void completed(Op<byte[]> op) {
    Request r = (Request) op.attachment;
    transport.execute(() -> channels.complete(r, op));
  }

  boolean isClosed() {
    return closed;
  }

  // ---- Tflush, Tclunk/Tremove, Tversion, disconnect ----

  /**
   * flush(5): a parked request is withdrawn (no reply, Rflush now); a request whose outcome is
   * already decided keeps it, and the Rflush follows its reply; an unknown tag gets Rflush now.
   */
  private Msg flush(Request f, int oldtag) {
    Request old = outstanding.get(oldtag);
    if (old == null || old == f || old.done) {
      return new Msg.Rflush();
    }
    if (old.op != null && old.op.cancel()) {
      withdraw(old);
      return new Msg.Rflush();
    }
    old.addDependent(f);
    return new Msg.Rflush();
  }

  /**
   * Tclunk / Tremove: the fid is gone whatever happens. A request parked on it is withdrawn and
   * answered "interrupted" first; a request whose outcome is decided is answered first. Then the
   * Rclunk / Rremove (or the remove's error).
   */
  private Msg clunk(Request r, int fidId, boolean remove) throws P9Error {
    Fid f = fid(fidId);
    fids.remove(fidId);
    for (Request p : new ArrayList<>(f.parked)) {
      if (p.op.cancel()) {
        respond(p, error(new P9Error(Errno.EINTR)));
      } else {
        p.addDependent(r);
      }
    }
    f.removeOnClunk &= !remove;
    endFid(f);
    if (remove) {
      tree.remove(f.node); // the fid is gone even if this fails
      return new Msg.Rremove();
    }
    return new Msg.Rclunk();
  }

  /** A fid ends (clunk, Tversion, disconnect): its remainder is dropped; ORCLOSE removes. */
  private void endFid(Fid f) {
    f.clunked = true;
    dropRemainder(f);
    if (f.removeOnClunk) {
      try {
        tree.remove(f.node);
      } catch (P9Error ignored) {
        // already gone, or not removable: clunk succeeds anyway (clunk(5))
      }
    }
  }

  private void dropRemainder(Fid f) {
    if (f.remainder != null && f.node instanceof ChannelFile c) {
      c.droppedOutside.incrementAndGet();
    }
    f.remainder = null;
  }

  /**
   * version(5): a successful Tversion starts a new session. Every parked request is withdrawn
   * (no replies); requests whose outcome is already decided are answered first, then Rversion.
   */
  private void version(int tag, Msg.Tversion v) {
    Request vr = new Request(tag, v, null);
    for (Request r : new ArrayList<>(outstanding.values())) {
      if (r.op != null && r.op.cancel()) {
        withdraw(r);
      } else {
        r.addDependent(vr);
      }
    }
    fids.values().forEach(this::endFid);
    fids.clear();
    Dialect d = Dialect.negotiate(v.version());
    int size = Math.min(v.msize(), config.maxMsize());
    asked = d == null ? Dialect.P9_2000 : d;
    dialect = null;
    Msg reply;
    if (v.msize() < Config.MIN_MSIZE) {
      reply = error(new P9Error(Errno.EINVAL, "msize too small (minimum 4096)"));
    } else if (d == null) {
      reply = new Msg.Rversion(size, "unknown");
    } else {
      dialect = d;
      msize = size;
      reply = new Msg.Rversion(size, d.version);
    }
    respond(vr, reply);
  }

  /** The connection closed: withdraw everything, clunk every fid; nothing more is sent. */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Request r : new ArrayList<>(outstanding.values())) {
      if (r.op != null) {
        r.op.cancel();
      }
    }
    fids.values().forEach(this::endFid);
    fids.clear();
    outstanding.clear();
  }
}
