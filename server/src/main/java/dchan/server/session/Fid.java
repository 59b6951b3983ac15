package dchan.server.session;

import dchan.server.fs.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A client's handle on a file, per connection (fids(5)). Guarded by the session's lock.
 *
 * <p>Invariants (spec names, {@code Session.tla}): OneReadAtATime — only the head of {@link
 * #reads} may be PENDING or MATCHED, the others are QUEUED; RemainderFirst — while {@link
 * #remainder} is set, the next read on this fid is served from it; MarkOnlyAfterShortRead —
 * {@link #eomArmed} implies no remainder.
 */
final class Fid {
  final int id;
  Node node;
  /** End-of-message mark enabled for reads on this fid (inherited from the attach). */
  final boolean eom;
  boolean open;
  boolean canRead;
  boolean canWrite;
  boolean removeOnClunk;
  boolean clunked;

  /** Channel reads: the unread rest of the last message taken, for this fid only. */
  byte[] remainder;
  int remainderOff;
  /** Channel reads: the next read returns 0 bytes at once (the end-of-message mark). */
  boolean eomArmed;

  /** Special-file reads: the snapshot taken at offset 0, charged to the account while held. */
  byte[] snapshot;
  /** Directory reads: entries listed at offset 0 (charged), and where a 9P2000 read continues. */
  List<Node> listing;
  long listingCharge;
  long nextDirOffset;
  int nextDirIndex;

  /** Reads on this fid in arrival order; the head is being served, the rest wait. */
  final ArrayDeque<Request> reads = new ArrayDeque<>(1);
  /** Channel writes parked on this fid. */
  final List<Request> writes = new ArrayList<>(1);

  Fid(int id, Node node, boolean eom) {
    this.id = id;
    this.node = node;
    this.eom = eom;
  }

  int remainderLength() {
    return remainder == null ? 0 : remainder.length - remainderOff;
  }

  /** Every request working on this fid: reads (head first), then parked writes. */
  List<Request> requests() {
    List<Request> all = new ArrayList<>(reads.size() + writes.size());
    all.addAll(reads);
    all.addAll(writes);
    return all;
  }
}
