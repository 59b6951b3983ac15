package dchan.server.session;

import dchan.server.fs.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * A client's handle on a file, per connection (fids(5)). Confined to the connection's loop
 * thread.
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

  /** ctl/stats reads: the snapshot taken at offset 0. */
  byte[] snapshot;
  /** Directory reads: entries listed at offset 0, and where a 9P2000 read must continue. */
  List<Node> listing;
  long nextDirOffset;
  int nextDirIndex;

  /** Requests parked on this fid (a pending channel read or write). */
  final List<Request> parked = new ArrayList<>(1);

  Fid(int id, Node node, boolean eom) {
    this.id = id;
    this.node = node;
    this.eom = eom;
  }

  int remainderLength() {
    return remainder == null ? 0 : remainder.length - remainderOff;
  }
}
