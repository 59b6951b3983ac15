package dchan.server.session;

import dchan.core.Op;
import dchan.server.fs.Snapshots;
import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import java.util.ArrayList;
import java.util.List;

/**
 * One request, from its arrival until its reply is sent or it is withdrawn. Its {@link State} is
 * the spec's request state ({@code spec/tla/Session.tla}, variable {@code req}); every transition
 * is made by {@link Session} under the session's lock:
 *
 * <pre>
 *   (arrival) ──► QUEUED ──► PENDING ──► MATCHED ──► REPLIED
 *        │           │          │            │          ▲
 *        │           │          │            └► DEFERRED ┘
 *        │           └──────────┴──► WITHDRAWN (or REPLIED with EINTR, by a clunk)
 *        └──► REPLIED, or DEFERRED ──► REPLIED
 * </pre>
 *
 * <ul>
 *   <li>QUEUED: a read waiting behind an earlier read on its fid (reads on one fid are served one
 *       at a time, in arrival order, so that a remainder is never overwritten).
 *   <li>PENDING: parked on a channel {@link Op} or a snapshot {@link Snapshots.Ticket}; it can
 *       still be withdrawn.
 *   <li>MATCHED: its outcome is decided (its op completed, or a cancel lost to a match), its reply
 *       not yet produced; it can no longer be withdrawn.
 *   <li>DEFERRED: its reply is produced but must follow the replies of {@code waitingFor} other
 *       requests (an Rflush after the reply of the request it flushed, an Rclunk after a matched
 *       read on its fid, an Rversion after every matched request).
 *   <li>REPLIED: the reply is queued on the connection; the tag is free. WITHDRAWN: it had no
 *       effect and gets no reply; the tag is free.
 *   <li>WITHDRAWING (cluster mode only): PENDING on a remote op whose cancel was asked for; the
 *       log decides which comes first, the cancel (then as WITHDRAWN, or answered with {@link
 *       #withdrawAnswer}) or the match (then as MATCHED). Requests that wait for it wait on.
 * </ul>
 */
final class Request {
  enum State { QUEUED, PENDING, WITHDRAWING, MATCHED, DEFERRED, REPLIED, WITHDRAWN }

  final int tag;
  final Msg msg;
  /** The dialect in force when it arrived: its reply is encoded in it, even after a Tversion. */
  final Dialect dialect;
  State state;
  /** The fid a channel or special-file read, or a channel write, works on. */
  Fid fid;
  /** A read's count, clamped to iounit. */
  int count;
  /** PENDING on a channel: the op. */
  Op<byte[]> op;
  /** PENDING on a snapshot: the ticket. */
  Snapshots.Ticket ticket;
  /** PENDING on a change of the tree through the cluster's log: it will take effect, not withdrawable. */
  java.util.concurrent.CompletableFuture<?> change;
  /** A write's payload, charged to the connection's account while the write is not accepted. */
  int held;
  /** When it was parked (for the operator's view of who waits where). */
  long parkedAt;
  /** WITHDRAWING: the answer if the cancel wins (EINTR for a clunk), or null for none. */
  Msg withdrawAnswer;
  /** Replies that must go out before this one (DEFERRED while > 0 and a reply is ready). */
  int waitingFor;
  /** DEFERRED: the reply, encoded. */
  Frame deferred;
  /** Requests waiting for this one's reply or withdrawal, in the order they started waiting. */
  List<Request> dependents;

  Request(int tag, Msg msg, Dialect dialect) {
    this.tag = tag;
    this.msg = msg;
    this.dialect = dialect;
  }

  /** Replied or withdrawn: its tag is free and nothing more happens to it. */
  boolean done() {
    return state == State.REPLIED || state == State.WITHDRAWN;
  }

  boolean isChannelWrite() {
    return msg instanceof Msg.Twrite && fid != null;
  }

  /** d's reply must follow this request's reply (or withdrawal). */
  void addDependent(Request d) {
    if (dependents == null) {
      dependents = new ArrayList<>(1);
    }
    dependents.add(d);
    d.waitingFor++;
  }

  /** Cancels what a PENDING request waits on; true if the cancel won (it had no effect). */
  boolean cancelPending() {
    if (op != null) {
      return op.cancel();
    }
    return ticket != null && ticket.cancel(); // a change on the log cannot be withdrawn
  }

  @Override
  public String toString() {
    return "tag " + tag + " " + state + " " + msg.getClass().getSimpleName();
  }
}
