package dchan.server.session;

import dchan.core.Op;
import dchan.server.fs.ChannelFile;
import dchan.server.fs.P9Error;
import dchan.server.wire.Errno;
import dchan.server.wire.Msg;
import java.util.Arrays;

/**
 * Reads and writes on channel files (semantics.md sections 2-4): one write is one message;
 * a read takes one message (or the rest of a message this fid started); the end-of-message mark.
 */
final class ChannelIo {
  private static final byte[] EMPTY = new byte[0];
  private final Session s;

  ChannelIo(Session s) {
    this.s = s;
  }

  /** Tread on an open channel fid. Returns the reply, or null when parked. */
  Msg read(Request r, Fid f, ChannelFile c, Msg.Tread rd) throws P9Error {
    if (!f.canRead) {
      throw new P9Error(Errno.EBADF, "fid not open for reading");
    }
    int count = s.clampCount(rd.count());
    if (count == 0) {
      return new Msg.Rread(EMPTY);
    }
    if (f.remainder != null) {
      return fromRemainder(f, c, count);
    }
    if (f.eomArmed) {
      f.eomArmed = false; // the mark: this read returns 0 bytes at once
      return new Msg.Rread(EMPTY);
    }
    Op<byte[]> op = c.channel.startReceive(s, r);
    if (op.completedAtStart()) {
      return deliver(f, c, op, count);
    }
    s.park(r, op);
    return null;
  }

  /** Twrite on a channel fid open for writing. Returns the reply, or null when parked. */
  Msg write(Request r, Fid f, ChannelFile c, Msg.Twrite w) throws P9Error {
    byte[] data = w.data();
    if (data.length == 0) {
      return new Msg.Rwrite(0); // creates no message: it would read as end-of-file
    }
    Op<byte[]> op = c.channel.startSend(data, s, r);
    if (op.completedAtStart()) {
      return written(op, data.length);
    }
    s.park(r, op);
    return null;
  }

  /** A parked request's op completed (loop thread). */
  void complete(Request r, Op<byte[]> op) {
    ChannelFile c = (ChannelFile) r.fid.node;
    if (r.done || s.isClosed()) {
      if (op.status() == Op.Status.RECEIVED) {
        c.droppedOutside.incrementAndGet(); // taken for a connection that is gone
      }
      return;
    }
    try {
      Msg reply =
          r.msg instanceof Msg.Tread rd
              ? deliver(r.fid, c, op, s.clampCount(rd.count()))
              : written(op, ((Msg.Twrite) r.msg).data().length);
      s.respond(r, reply);
    } catch (P9Error e) {
      s.respond(r, s.error(e));
    }
  }

  private static Msg written(Op<byte[]> op, int count) throws P9Error {
    if (op.status() == Op.Status.CLOSED) {
      throw new P9Error(Errno.EPIPE);
    }
    return new Msg.Rwrite(count);
  }

  /** The reply for a receive that took a message (or end-of-file). */
  private static Msg deliver(Fid f, ChannelFile c, Op<byte[]> op, int count) {
    if (op.status() != Op.Status.RECEIVED) {
      f.eomArmed = false;
      return new Msg.Rread(EMPTY); // closed and drained: end-of-file
    }
    byte[] m = op.message();
    int n = Math.min(count, m.length);
    if (n < m.length) {
      if (f.clunked) {
        c.droppedOutside.incrementAndGet();
      } else {
        f.remainder = m;
        f.remainderOff = n;
      }
    }
    return sent(f, c, n == m.length ? m : Arrays.copyOf(m, n), count);
  }

  private static Msg fromRemainder(Fid f, ChannelFile c, int count) {
    int n = Math.min(count, f.remainderLength());
    byte[] part = Arrays.copyOfRange(f.remainder, f.remainderOff, f.remainderOff + n);
    f.remainderOff += n;
    if (f.remainderOff == f.remainder.length) {
      f.remainder = null;
    }
    return sent(f, c, part, count);
  }

  private static Msg sent(Fid f, ChannelFile c, byte[] data, int count) {
    c.bytesDelivered.addAndGet(data.length);
    if (f.eom && data.length < count) {
      f.eomArmed = true; // a short read: the next read on this fid returns 0 at once
    }
    return new Msg.Rread(data);
  }
}
