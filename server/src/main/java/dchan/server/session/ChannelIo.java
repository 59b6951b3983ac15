package dchan.server.session;

import dchan.core.Op;
import dchan.server.fs.ChannelFile;
import dchan.server.limits.Budget;
import dchan.server.limits.Limit;
import dchan.server.wire.Errno;
import dchan.server.wire.Msg;
import dchan.server.wire.P9Error;
import java.util.List;

/**
 * Reads and writes on channel files (semantics.md sections 2-4a): on a message channel one write
 * is one message and a read takes one message; on a line channel a write is a batch of lines,
 * accepted in order (a flush or close keeps the accepted part, which the Rwrite counts), and a
 * read takes the lines that are there and fit its count, at least one. Either way a read first
 * takes the rest of a message its fid started (the remainder); the end-of-message mark. Memory: a write's payload is charged to the writer until the channel accepts it, then
 * held by the channel; the reader that takes it adopts it until its reply is written (see
 * {@link Budget}). Runs under the session's lock.
 */
final class ChannelIo {
  private static final byte[] EMPTY = new byte[0];
  private final Session s;

  ChannelIo(Session s) {
    this.s = s;
  }

  /** Serves r, the head read of its fid: true if answered, false if parked. */
  boolean serve(Request r) {
    Fid f = r.fid;
    ChannelFile c = (ChannelFile) f.node;
    if (f.remainder != null) {
      fromRemainder(r, f, c);
      return true;
    }
    if (f.eomArmed) {
      f.eomArmed = false; // the mark: this read returns 0 bytes at once
      s.respondData(r, EMPTY, 0, 0, 0);
      return true;
    }
    Op<byte[]> op = s.services.channelOps().receive(c, r.count, s, r);
    if (op.completedAtStart()) {
      deliver(r, f, c, op);
      return true;
    }
    s.park(r, op);
    return false;
  }

  /** Twrite on a channel fid open for writing. Returns the reply, or null when parked. */
  Msg write(Request r, Fid f, ChannelFile c, Msg.Twrite w) throws P9Error {
    byte[] data = w.data();
    if (data.length == 0) {
      return new Msg.Rwrite(0); // creates no message: it would read as end-of-file
    }
    Errno refused = s.services.budget().tryCharge(s.account(), data.length);
    if (refused != null) {
      c.refused();
      throw new P9Error(refused, refused == Errno.ENOSPC ? Limit.MEMORY : Limit.CONNECTION_MEMORY);
    }
    r.held = data.length;
    r.fid = f;
    Op<byte[]> op = s.services.channelOps().send(c, data, s, r);
    if (op.completedAtStart()) {
      return written(r, op);
    }
    f.writes.add(r);
    s.park(r, op);
    return null;
  }

  /** A parked request's op completed (under the lock, after the completing thread let go). */
  void complete(Request r, Op<byte[]> op) {
    if (r.done()) {
      return; // abandoned by a close that ran first
    }
    if (op.status() == Op.Status.CANCELLED && !s.isClosed()) {
      s.cancelWon(r); // a remote op whose cancel won (cluster)
      return;
    }
    r.state = Request.State.MATCHED; // PENDING -> MATCHED (spec: Match, AcceptWrite), replied below
    ChannelFile c = (ChannelFile) r.fid.node;
    if (s.isClosed()) {
      if (r.isChannelWrite()) {
        settle(r, op);
      } else if (op.status() == Op.Status.RECEIVED) {
        c.droppedOutside(op.messages().size()); // taken for a connection that is gone
        if (!s.services.channelOps().replicated()) {
          s.services.budget().releaseHeld(taken(op).length);
        }
      }
      s.abandon(r);
      return;
    }
    if (r.isChannelWrite()) {
      try {
        s.respond(r, written(r, op));
      } catch (P9Error e) {
        s.fail(r, e);
      }
    } else {
      deliver(r, r.fid, c, op);
    }
  }

  /**
   * A write's outcome: the bytes the channel accepted (all of them when SENT; on a line channel a
   * flush or close may have kept a part, whole lines) are now held by the channel, the rest is
   * dropped. Returns how many bytes were accepted.
   */
  private int settle(Request r, Op<byte[]> op) {
    int accepted = op.accepted() == op.size() ? r.held : Lines.length(op.items(), op.accepted());
    Budget b = s.services.budget();
    if (s.services.channelOps().replicated()) {
      b.release(s.account(), r.held); // the replicated channel holds it, outside this budget
    } else {
      b.releaseShare(s.account(), accepted);
      b.release(s.account(), r.held - accepted);
    }
    r.held = 0;
    return accepted;
  }

  /** Rwrite with the count accepted; EPIPE if the channel was closed before any of it was. */
  private Msg written(Request r, Op<byte[]> op) throws P9Error {
    if (op.startedAtRendezvous() && op.status() == Op.Status.SENT) {
      long waited = op.completedAtStart() ? 0 : System.nanoTime() - op.queuedAtNanos();
      ((ChannelFile) r.fid.node).rendezvousWaits().observe(waited);
    }
    int count = settle(r, op);
    if (count == 0 && op.status() == Op.Status.CLOSED) {
      if (op.remoteDetail() instanceof Errno e && e != Errno.EPIPE) {
        throw e == Errno.ENOSPC ? new P9Error(e, Limit.MEMORY) : new P9Error(e);
      }
      throw new P9Error(Errno.EPIPE);
    }
    return new Msg.Rwrite(count);
  }

  /** The reply for a receive that took a message (or end-of-file). */
  private void deliver(Request r, Fid f, ChannelFile c, Op<byte[]> op) {
    if (op.remoteDetail() instanceof Errno e) {
      s.fail(r, new P9Error(e)); // refused by the cluster (this node's epoch ended)
      return;
    }
    if (op.status() != Op.Status.RECEIVED) {
      f.eomArmed = false;
      s.respondData(r, EMPTY, 0, 0, 0); // closed and drained: end-of-file
      return;
    }
    byte[] m = taken(op);
    Budget b = s.services.budget();
    if (s.services.channelOps().replicated()) {
      b.charge(s.account(), m.length); // from the replicated channel, outside this budget until now
    } else {
      b.adopt(s.account(), m.length);
    }
    int n = Math.min(r.count, m.length);
    if (n < m.length) {
      if (f.clunked) {
        c.droppedOutside(1);
        b.release(s.account(), m.length - n);
      } else {
        f.remainder = m;
        f.remainderOff = n;
      }
    }
    sent(r, f, c, m, 0, n);
  }

  /** What a receive took, as one array: its message, or its lines joined. */
  private static byte[] taken(Op<byte[]> op) {
    if (op.message() != null) {
      return op.message();
    }
    List<byte[]> lines = op.messages();
    return Lines.join(lines, lines.size());
  }

  private void fromRemainder(Request r, Fid f, ChannelFile c) {
    int n = Math.min(r.count, f.remainderLength());
    byte[] m = f.remainder;
    int off = f.remainderOff;
    f.remainderOff += n;
    if (f.remainderOff == m.length) {
      f.remainder = null;
    }
    sent(r, f, c, m, off, n);
  }

  private void sent(Request r, Fid f, ChannelFile c, byte[] m, int off, int n) {
    c.delivered(n);
    if (f.eom && n < r.count) {
      f.eomArmed = true; // a short read: the next read on this fid returns 0 at once
    }
    s.respondData(r, m, off, n, n);
  }
}
