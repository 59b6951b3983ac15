package dchan.server.session;

import dchan.server.fs.SpecialFile;
import dchan.server.limits.Limit;
import dchan.server.wire.Errno;
import dchan.server.wire.Msg;
import dchan.server.wire.P9Error;
import java.nio.charset.StandardCharsets;

/**
 * Reads of ctl, stats, limits and clients, and writes of ctl (semantics.md sections 7 and 8). A read from
 * offset 0 asks the snapshot thread for a fresh text and parks until it comes (the loop never
 * builds it); reads at higher offsets continue that snapshot, which the fid holds, charged to the
 * connection's account, until the next offset-0 read or the clunk. Runs under the session's lock.
 */
final class SpecialIo {
  private final Session s;

  SpecialIo(Session s) {
    this.s = s;
  }

  /** Serves r, the head read of its fid: true if answered, false if parked for a snapshot. */
  boolean serve(Request r) {
    Fid f = r.fid;
    long offset = ((Msg.Tread) r.msg).offset();
    if (offset != 0 && f.snapshot != null) {
      slice(r, f, offset);
      return true;
    }
    SpecialFile file = (SpecialFile) f.node;
    r.ticket = s.services.snapshots().request(file.kind, text -> s.post(() -> ready(r, text)));
    r.op = null;
    r.state = Request.State.PENDING; // QUEUED -> PENDING: waits for a snapshot
    r.parkedAt = System.nanoTime();
    return false;
  }

  /** The snapshot r asked for (null: building it failed). */
  private void ready(Request r, byte[] text) {
    if (r.state != Request.State.PENDING) {
      return; // withdrawn or abandoned meanwhile
    }
    r.state = Request.State.MATCHED; // PENDING -> MATCHED: the snapshot came, replied below
    if (s.isClosed()) {
      s.abandon(r);
      return;
    }
    Fid f = r.fid;
    unpin(f);
    if (text == null) {
      s.fail(r, new P9Error(Errno.EIO));
      return;
    }
    Errno refused = s.services.budget().tryCharge(s.account(), text.length);
    if (refused != null) {
      s.fail(r, new P9Error(refused, refused == Errno.ENOSPC ? Limit.MEMORY : Limit.CONNECTION_MEMORY));
      return;
    }
    f.snapshot = text;
    slice(r, f, ((Msg.Tread) r.msg).offset());
  }

  /** Answers r from the snapshot f holds, at offset (unsigned: past the end reads nothing). */
  private void slice(Request r, Fid f, long offset) {
    byte[] t = f.snapshot;
    if (Long.compareUnsigned(offset, t.length) >= 0) {
      s.respondData(r, t, 0, 0, 0);
      return;
    }
    int off = (int) offset;
    s.respondData(r, t, off, Math.min(r.count, t.length - off), 0);
  }

  /** Releases the snapshot f holds. */
  void unpin(Fid f) {
    if (f.snapshot != null) {
      s.services.budget().release(s.account(), f.snapshot.length);
      f.snapshot = null;
    }
  }

  /** Twrite on ctl: checked and applied whole. */
  Msg writeCtl(Request r, Msg.Twrite w) throws P9Error {
    return s.later(r, s.services.mutations().ctl(new String(w.data(), StandardCharsets.UTF_8)),
        v -> new Msg.Rwrite(w.data().length));
  }
}
