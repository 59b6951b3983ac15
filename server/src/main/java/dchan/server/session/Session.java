package dchan.server.session;

import dchan.core.Listener;
import dchan.core.Op;
import dchan.server.fs.ChannelFile;
import dchan.server.fs.Node;
import dchan.server.limits.Budget;
import dchan.server.limits.Limit;
import dchan.server.wire.Codec;
import dchan.server.wire.Dialect;
import dchan.server.wire.Errno;
import dchan.server.wire.Msg;
import dchan.server.wire.P9Error;
import dchan.server.wire.Type;
import dchan.server.wire.Wire;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The 9P session of one connection: dialect, msize, fids, outstanding requests by tag, and the
 * one ordered reply path (semantics.md section 5; spec {@code spec/tla/Session.tla}).
 *
 * <p>Every reply leaves through {@link #emit}: a request that must follow other replies ({@code
 * waitingFor} > 0) is DEFERRED; when a reply is queued its tag is retired, then every request
 * waiting on it is released, in the order it started waiting. So an Rflush follows the reply of
 * the request it flushed, an Rclunk follows a matched read on its fid, and an Rversion follows
 * every matched request. Flush, clunk, Tversion and disconnect share one withdraw policy ({@link
 * #withdraw}): a request that has not taken effect is withdrawn, with no reply (flush, Tversion,
 * disconnect) or with EINTR (clunk); one that has waits for its reply.
 */
public final class Session implements Listener<byte[]> {
  /*
   * Maintainers. The lock guards every field and everything reachable from fids and outstanding.
   * Entry points take it through locked(): the connection handing over frames (handle, close,
   * sendError), channel completions and snapshots (post). None of them ever holds another
   * session's lock (see Pass).
   *
   * Invariants (spec/tla/Session.tla names), checked by assertInvariants() under -ea at the end of
   * every locked section:
   *   TagsOutstanding: outstanding maps each tag to its request, and holds exactly the requests not
   *     done (QUEUED, PENDING, MATCHED, DEFERRED) -- plus, after close, the MATCHED ones whose
   *     completion has not run yet.
   *   DeferredMeansWaiting: DEFERRED <=> a reply is ready and waitingFor > 0.
   *   WaitsCounted: each request's waitingFor is the number of outstanding requests listing it
   *     as a dependent.
   *   OneReadAtATime: on every fid, only the head of reads is PENDING or MATCHED; the others are
   *     QUEUED; reads and writes on a fid are outstanding and name that fid.
   *   PendingOnSomething: PENDING <=> op or ticket is set and the request is not done.
   *   MarkOnlyAfterShortRead: eomArmed => no remainder.
   *   Accounted: the account holds at least the parked write payloads, remainders, snapshots and
   *     listings of this session (the connection adds its input and queued replies).
   */
  private static final Logger LOG = Logger.getLogger(Session.class.getName());

  final Services services;
  final Config config;
  private final Transport transport;
  final String peer;
  private final ReentrantLock lock = new ReentrantLock();
  private final Budget.Account account = new Budget.Account();

  Dialect dialect; // null until a successful Tversion
  /** The dialect the last Tversion asked for: how to encode replies while dialect is null. */
  private Dialect asked = Dialect.P9_2000;
  int msize;
  final Map<Integer, Fid> fids = new HashMap<>();
  final Map<Integer, Request> outstanding = new HashMap<>();
  private boolean closed;
  final FileOps files = new FileOps(this);
  final ChannelIo channels = new ChannelIo(this);
  final SpecialIo specials = new SpecialIo(this);
  /** Fids whose head read was retired: the next read on them is served before the section ends. */
  private final ArrayDeque<Fid> toServe = new ArrayDeque<>();
  private final ArrayDeque<Request> ready = new ArrayDeque<>();

  public Session(Services services, Transport transport, String peer) {
    this.services = services;
    this.config = services.config();
    this.transport = transport;
    this.peer = peer;
    this.msize = config.maxMsize();
  }

  public Budget.Account account() {
    return account;
  }

  /** A request waiting on a channel, for the operator's {@code clients} file. */
  public record Waiting(String path, boolean write, long sinceNanos) {}

  /**
   * What the {@code clients} file shows of this session; {@code remainders}: fids holding the
   * unread rest of a message (a drain waits for them).
   */
  public record Status(Dialect dialect, int msize, int fids, List<Waiting> waiting, int remainders) {}

  /** This session now: dialect, msize, open fids and the channel requests that wait, oldest first. */
  public Status status() {
    List<Waiting> w = new ArrayList<>();
    for (Request r : outstanding.values()) {
      if ((r.state == Request.State.PENDING || r.state == Request.State.QUEUED) && r.fid != null
          && r.fid.node instanceof ChannelFile c && r.parkedAt != 0) {
        w.add(new Waiting(services.tree().path(c), r.msg instanceof Msg.Twrite, r.parkedAt));
      }
    }
    w.sort((a, b) -> Long.compare(a.sinceNanos(), b.sinceNanos()));
    int remainders = 0;
    for (Fid f : fids.values()) {
      remainders += f.remainder != null ? 1 : 0;
    }
    return new Status(dialect, msize, fids.size(), w, remainders);
  }

  /** The dialect of the current session, or null before a successful Tversion. */
  public Dialect dialect() {
    return dialect;
  }

  /** The largest frame the peer may send now: msize, or 8 KiB before a successful Tversion. */
  public int maxFrame() {
    return dialect == null ? Config.PRE_VERSION_FRAME : msize;
  }

  int iounit() {
    return msize - Wire.IOHDRSZ;
  }

  /** A read's count as served: at most iounit (the u32 is unsigned). */
  int clampCount(int count) {
    return (int) Math.min(Integer.toUnsignedLong(count), iounit());
  }

  // ---- entry points ----

  /**
   * Runs body under this session's lock; completions it causes on other sessions run after the
   * lock is released (see {@link Pass}). The connection uses this for everything it does.
   */
  public void locked(Runnable body) {
    lockedOnce(body);
    Pass p = Pass.current();
    if (p.depth() == 0) {
      p.settle();
    }
  }

  void lockedOnce(Runnable body) {
    Pass p = Pass.current();
    if (!spinLock()) {
      lock.lock();
    }
    p.enter();
    try {
      body.run();
      assert assertInvariants();
    } finally {
      p.exit();
      lock.unlock();
    }
  }

  /**
   * Takes the lock if it is free or soon free: a holder on another core usually lets go within
   * microseconds, and parking would cost a context switch each way.
   */
  private boolean spinLock() {
    for (int i = 0; i < 64; i++) {
      if (lock.tryLock()) {
        return true;
      }
      Thread.onSpinWait();
    }
    return false;
  }

  /**
   * Runs body under the lock if it can be had without blocking; otherwise hands body to the
   * connection's own loop. So no thread ever parks on another connection's lock.
   */
  public void runOrHandOff(Runnable body) {
    if (!spinLock()) {
      transport.execute(() -> locked(body));
      return;
    }
    Pass p = Pass.current();
    p.enter();
    try {
      body.run();
      assert assertInvariants();
    } finally {
      p.exit();
      lock.unlock();
    }
  }

  /**
   * Runs task under the lock, now or once this thread leaves the session it is in; then serves
   * the reads the task let start.
   */
  /** What a request answers once its change has applied. */
  interface Answer<T> {
    Msg apply(T value) throws P9Error;
  }

  /**
   * The reply to r once change completes: now if it already has (one server), else r is parked
   * (PENDING, not withdrawable: the change will take effect) and answered when it completes, under
   * this session's lock. answer runs under the lock either way and may throw.
   */
  <T> Msg later(Request r, CompletableFuture<T> change, Answer<T> answer) throws P9Error {
    if (change.isDone()) {
      return answer.apply(joined(change));
    }
    r.state = Request.State.PENDING; // -> PENDING on the log (cluster)
    r.change = change;
    r.parkedAt = System.nanoTime();
    change.whenComplete((v, e) -> post(() -> {
      if (r.done()) {
        return;
      }
      r.change = null;
      if (closed) {
        abandon(r);
        return;
      }
      r.state = Request.State.MATCHED; // PENDING -> MATCHED: the change applied
      try {
        respond(r, answer.apply(joined(change)));
      } catch (P9Error x) {
        fail(r, x);
      }
    }));
    return null;
  }

  private static <T> T joined(CompletableFuture<T> f) throws P9Error {
    try {
      return f.join();
    } catch (CompletionException | CancellationException e) {
      if (e.getCause() instanceof P9Error p) {
        throw p;
      }
      throw new P9Error(Errno.EIO, String.valueOf(e.getCause()));
    }
  }

  void post(Runnable task) {
    Pass.current().run(this, () -> {
      task.run();
      settleReads();
    });
  }

  /** Handles one decoded frame. Call inside {@link #locked}. */
  public void handle(Codec.Decoded d) {
    if (closed) {
      return;
    }
    if (LOG.isLoggable(Level.FINE)) {
      LOG.fine(peer + " <- tag " + d.tag() + " " + (d.msg() != null ? d.msg() : "type " + d.typeId()));
    }
    Type t = Type.of(d.typeId());
    if (t != null && (t.id & 1) == 0) {
      services.counters().request(t);
    }
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
      settleReads();
      return;
    }
    if (dialect == null) {
      sendError(d.tag(), new P9Error(Errno.EPROTO, "first message must be Tversion"));
      return;
    }
    if (t.dotLOnly() != (dialect == Dialect.P9_2000_L) && !Handlers.inEveryDialect(t)) {
      sendError(d.tag(), new P9Error(Errno.EOPNOTSUPP, t.name() + " not in " + dialect.version));
      return;
    }
    if (outstanding.containsKey(d.tag()) || d.tag() == Wire.NOTAG) {
      sendError(d.tag(), new P9Error(Errno.EINVAL, "duplicate tag"));
      return;
    }
    if (outstanding.size() >= config.maxOutstanding() && !Handlers.releases(t)) {
      sendError(d.tag(), new P9Error(Errno.EAGAIN, Limit.OUTSTANDING)); // never refuse a way out
      return;
    }
    Request r = new Request(d.tag(), d.msg(), dialect);
    outstanding.put(r.tag, r);
    try {
      Msg reply = Handlers.handle(this, r);
      if (reply != null) {
        respond(r, reply);
      }
    } catch (P9Error e) {
      fail(r, e);
    }
    settleReads();
  }

  // ---- the reply path ----

  /** Sends r's reply now, or holds it until the replies r waits for have gone out. */
  void respond(Request r, Msg reply) {
    if (LOG.isLoggable(Level.FINE)) {
      LOG.fine(peer + " -> tag " + r.tag + " " + reply);
    }
    emit(r, new Frame(Codec.encode(r.tag, reply, r.dialect != null ? r.dialect : wireDialect()), null, 0));
  }

  /**
   * Sends an Rread whose data is {@code data[off, off+len)}, without copying it; {@code held} of
   * those bytes are already charged to the account.
   */
  void respondData(Request r, byte[] data, int off, int len, int held) {
    if (LOG.isLoggable(Level.FINE)) {
      LOG.fine(peer + " -> tag " + r.tag + " Rread count " + len);
    }
    ByteBuffer head = ByteBuffer.allocate(Wire.HEADER + 4).order(ByteOrder.LITTLE_ENDIAN);
    head.putInt(Wire.HEADER + 4 + len).put((byte) Type.RREAD.id).putShort((short) r.tag).putInt(len).flip();
    emit(r, new Frame(head, len == 0 ? null : ByteBuffer.wrap(data, off, len), held));
  }

  private void emit(Request r, Frame f) {
    if (r.done()) {
      if (f.held() > 0) {
        services.budget().release(account, f.held()); // cannot happen: a done request has no data
      }
      return;
    }
    r.deferred = f;
    if (r.waitingFor > 0) {
      r.state = Request.State.DEFERRED; // -> DEFERRED: the reply waits (spec: Flush, Clunk, Version)
      return;
    }
    ready.add(r);
    drainReady();
  }

  /** Sends every ready reply, then the replies that were waiting only for it, in order. */
  private void drainReady() {
    Request x;
    while ((x = ready.poll()) != null) {
      Frame f = x.deferred;
      x.deferred = null;
      retire(x, Request.State.REPLIED); // -> REPLIED (spec: the reply appended to wire; Release)
      if (!closed) {
        transport.send(f.head(), f.body(), f.held());
      } else if (f.held() > 0) {
        services.budget().release(account, f.held());
      }
      releaseDependents(x);
    }
  }

  private void releaseDependents(Request x) {
    if (x.dependents == null) {
      return;
    }
    for (Request d : x.dependents) {
      if (--d.waitingFor == 0 && d.deferred != null) {
        ready.add(d);
      }
    }
    x.dependents = null;
  }

  /** r is finished: its tag is free; a read frees its fid for the next read. */
  private void retire(Request r, Request.State end) {
    r.state = end;
    r.op = null;
    r.ticket = null;
    if (outstanding.get(r.tag) == r) {
      outstanding.remove(r.tag);
    }
    Fid f = r.fid;
    if (f != null) {
      if (f.reads.peekFirst() == r) {
        f.reads.pollFirst();
        toServe.add(f);
      } else {
        f.reads.remove(r);
      }
      f.writes.remove(r);
    }
  }

  /**
   * The one withdraw policy of flush, clunk, Tversion and disconnect. If r has not taken effect
   * (QUEUED, or PENDING and its cancel wins) it is withdrawn: answered with {@code answer} (a
   * clunk's EINTR) or with nothing, and its tag is free. Otherwise (its outcome is decided, or it
   * is not a request that waits on anything) returns false: the caller must follow r's reply.
   */
  boolean withdraw(Request r, Msg answer) {
    switch (r.state) {
      case QUEUED:
        break;
      case PENDING:
        if (r.op != null && r.op.isRemote()) {
          r.state = Request.State.WITHDRAWING; // PENDING -> WITHDRAWING: the log decides (cluster)
          r.withdrawAnswer = answer;
          r.op.cancel();
          return false;
        }
        if (!r.cancelPending()) {
          r.state = Request.State.MATCHED; // PENDING -> MATCHED: the cancel lost (spec: Match came first)
          return false;
        }
        if (r.held > 0) { // a parked write's message is dropped: it was never accepted
          services.budget().release(account, r.held);
          r.held = 0;
        }
        break;
      default:
        return false;
    }
    withdrawn(r, answer);
    return true;
  }

  /** r had no effect: answered with answer (EINTR for a clunk), or retired with no reply. */
  private void withdrawn(Request r, Msg answer) {
    assert r.waitingFor == 0 : "a read or write never waits for other replies";
    if (answer != null) {
      respond(r, answer);
    } else {
      retire(r, Request.State.WITHDRAWN); // QUEUED/PENDING -> WITHDRAWN (spec: WithdrawState)
      releaseDependents(r);
      drainReady();
    }
  }

  /** A WITHDRAWING request's cancel won (cluster): it had no effect. */
  void cancelWon(Request r) {
    if (r.held > 0) { // the write's message was never accepted
      services.budget().release(account, r.held);
      r.held = 0;
    }
    withdrawn(r, r.withdrawAnswer);
  }

  Dialect wireDialect() {
    return dialect != null ? dialect : asked;
  }

  /** Answers r with the error, in r's dialect. */
  void fail(Request r, P9Error e) {
    respond(r, error(e, r.dialect != null ? r.dialect : wireDialect()));
  }

  /** The error reply for a request of this session epoch (see {@link #error(P9Error, Dialect)}). */
  Msg error(P9Error e) {
    return error(e, wireDialect());
  }

  /** The error reply in dialect d: Rlerror on 9P2000.L, Rerror (with errno on .u) otherwise. */
  Msg error(P9Error e, Dialect d) {
    services.counters().error(e.errno);
    if (e.limit != null) {
      services.refusals().count(e.limit, peer);
    }
    if (d == Dialect.P9_2000_L) {
      return new Msg.Rlerror(e.errno.code);
    }
    return new Msg.Rerror(e.getMessage(), e.errno.code);
  }

  /** An error for a frame that never became a request (bad header, duplicate tag, oversized). */
  public void sendError(int tag, P9Error e) {
    if (!closed) {
      transport.send(Codec.encode(tag, error(e), wireDialect()), null, 0);
    }
  }

  // ---- reads: one at a time per fid ----

  /**
   * A Tread on a channel or special file: it joins its fid's reads and is served once every
   * earlier read on the fid has been answered (OneReadAtATime). Returns null: the reply comes
   * from serving it.
   */
  Msg queueRead(Request r, Fid f, int count) {
    r.fid = f;
    r.count = count;
    r.state = Request.State.QUEUED; // -> QUEUED (spec: ArriveRead)
    f.reads.add(r);
    if (f.reads.size() == 1) {
      serveReads(f);
    } else {
      r.parkedAt = System.nanoTime(); // it waits behind the head read
    }
    return null;
  }

  /** Serves f's reads from the head until one has to wait (or none is left). */
  private void serveReads(Fid f) {
    Request r;
    while (!f.clunked && (r = f.reads.peekFirst()) != null && r.state == Request.State.QUEUED) {
      boolean answered = f.node instanceof ChannelFile ? channels.serve(r) : specials.serve(r);
      if (!answered) {
        return; // parked: PENDING
      }
    }
  }

  private void settleReads() {
    Fid f;
    while ((f = toServe.poll()) != null) {
      serveReads(f);
    }
  }

  /** r waits on op (or a ticket set by the caller). */
  void park(Request r, Op<byte[]> op) {
    r.op = op;
    r.state = Request.State.PENDING; // QUEUED -> PENDING, or -> PENDING for a write (spec: Serve, ArriveWrite)
    if (r.parkedAt == 0) {
      r.parkedAt = System.nanoTime();
    }
  }

  /** Channel listener: runs on whichever thread completed the op. */
  @Override
  public void completed(Op<byte[]> op) {
    Request r = (Request) op.attachment;
    post(() -> channels.complete(r, op));
  }

  boolean isClosed() {
    return closed;
  }

  /** A request whose outcome was decided after the connection closed: done, with no reply. */
  void abandon(Request r) {
    r.deferred = null;
    retire(r, Request.State.REPLIED); // MATCHED/DEFERRED -> done, nothing sent (spec: abandoned)
  }

  // ---- fids ----

  Fid fid(int id) throws P9Error {
    Fid f = fids.get(id);
    if (f == null) {
      throw new P9Error(Errno.EBADF, "unknown fid");
    }
    return f;
  }

  Fid newFid(int id, Node node, boolean eom) throws P9Error {
    if (fids.containsKey(id)) {
      throw new P9Error(Errno.EBADF, "fid in use");
    }
    if (fids.size() >= config.maxFids()) {
      throw new P9Error(Errno.EMFILE, Limit.FIDS);
    }
    Fid f = new Fid(id, node, eom);
    fids.put(id, f);
    return f;
  }

  /**
   * Tclunk / Tremove: the fid is gone whatever happens. Requests working on it are withdrawn and
   * answered EINTR first; a request whose outcome is decided is answered first. Then the Rclunk
   * / Rremove (or the remove's error).
   */
  Msg clunk(Request r, int fidId, boolean remove) throws P9Error {
    Fid f = fid(fidId);
    fids.remove(fidId);
    f.clunked = true;
    for (Request p : f.requests()) {
      if (!withdraw(p, error(new P9Error(Errno.EINTR), p.dialect)) && !p.done()) {
        p.addDependent(r);
      }
    }
    f.removeOnClunk &= !remove;
    endFid(f);
    if (remove) {
      // The fid is gone even if this fails. Through a cluster's log the Rremove does not wait for
      // the change: its error, if any, is not reported (Tunlinkat's is).
      CompletableFuture<Void> gone = services.mutations().remove(f.node);
      if (gone.isDone()) {
        joined(gone);
      }
      return new Msg.Rremove();
    }
    return new Msg.Rclunk();
  }

  /** A fid ends (clunk, Tversion, disconnect): what it holds is released; ORCLOSE removes. */
  private void endFid(Fid f) {
    f.clunked = true;
    if (f.remainder != null && f.node instanceof ChannelFile c) {
      c.droppedOutside(1);
      services.budget().release(account, f.remainderLength());
      f.remainder = null;
    }
    specials.unpin(f);
    files.dropListing(f);
    if (f.removeOnClunk) {
      services.mutations().remove(f.node); // already gone or not removable: clunk succeeds anyway (clunk(5))
    }
  }

  // ---- Tflush, Tversion, disconnect ----

  /**
   * flush(5): a request that has not taken effect is withdrawn (no reply, Rflush now); one whose
   * outcome is decided keeps it, and the Rflush follows its reply; an unknown tag gets Rflush now.
   */
  Msg flush(Request f, int oldtag) {
    Request old = outstanding.get(oldtag);
    if (old != null && old != f && !withdraw(old, null)) {
      old.addDependent(f);
    }
    return new Msg.Rflush();
  }

  /**
   * version(5): a successful Tversion starts a new session. Every request that has not taken
   * effect is withdrawn with no reply; the others are answered first, then the Rversion.
   */
  private void version(int tag, Msg.Tversion v) {
    Request vr = new Request(tag, v, null); // answered in the dialect it negotiates
    for (Request r : new ArrayList<>(outstanding.values())) {
      if (!withdraw(r, null) && !r.done()) {
        r.addDependent(vr);
      }
    }
    fids.values().forEach(this::endFid);
    fids.clear();
    Dialect d = Dialect.negotiate(v.version());
    long wanted = Integer.toUnsignedLong(v.msize());
    int size = (int) Math.min(wanted, config.maxMsize());
    asked = d == null ? Dialect.P9_2000 : d;
    dialect = null;
    Msg reply;
    if (wanted < Config.MIN_MSIZE) {
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

  /** The connection closed: withdraw everything, end every fid; nothing more is sent. */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Request r : new ArrayList<>(outstanding.values())) {
      withdraw(r, null);
      if (r.state == Request.State.DEFERRED) {
        abandon(r);
      }
    }
    fids.values().forEach(this::endFid);
    fids.clear();
  }

  // ---- for the operator's view ----

  /** Outstanding requests now (a copy; call inside {@link #locked}). */
  List<Request> outstandingRequests() {
    return new ArrayList<>(outstanding.values());
  }

  // ---- invariants ----

  /** Checks the invariants of the maintainer comment; returns true or throws AssertionError. */
  boolean assertInvariants() {
    Map<Request, Integer> waits = new IdentityHashMap<>();
    for (Map.Entry<Integer, Request> e : outstanding.entrySet()) {
      Request r = e.getValue();
      check(r.tag == e.getKey(), "TagsOutstanding: tag key");
      check(!r.done() || (closed && r.state == Request.State.REPLIED), "TagsOutstanding: done " + r);
      check((r.state == Request.State.DEFERRED) == (r.deferred != null && r.waitingFor > 0)
          || closed, "DeferredMeansWaiting " + r);
      check((r.state != Request.State.PENDING && r.state != Request.State.WITHDRAWING)
          || r.op != null || r.ticket != null || r.change != null, "PendingOnSomething " + r);
      if (r.dependents != null) {
        for (Request d : r.dependents) {
          waits.merge(d, 1, Integer::sum);
        }
      }
    }
    for (Request r : outstanding.values()) {
      check(r.waitingFor == waits.getOrDefault(r, 0) || closed, "WaitsCounted " + r);
    }
    long held = 0;
    for (Fid f : fids.values()) {
      boolean head = true;
      for (Request r : f.reads) {
        check(outstanding.get(r.tag) == r && r.fid == f, "OneReadAtATime: outstanding " + r);
        check(head || r.state == Request.State.QUEUED, "OneReadAtATime: " + r);
        head = false;
      }
      for (Request w : f.writes) {
        check(outstanding.get(w.tag) == w && w.fid == f, "parked write outstanding " + w);
        held += w.held;
      }
      check(!f.eomArmed || f.remainder == null, "MarkOnlyAfterShortRead");
      held += f.remainderLength() + (f.snapshot == null ? 0 : f.snapshot.length) + f.listingCharge;
    }
    check(account.used() >= held || closed, "Accounted: " + account.used() + " < " + held);
    return true;
  }

  private static void check(boolean ok, String invariant) {
    if (!ok) {
      throw new AssertionError("session invariant violated: " + invariant);
    }
  }
}
