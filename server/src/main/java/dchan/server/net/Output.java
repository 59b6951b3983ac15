package dchan.server.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * A connection's queued reply bytes, in order: a ring of buffers written with gathering writes,
 * each buffer with the bytes of the account it releases once fully written. Guarded by the
 * session's lock; allocates only when the ring must grow.
 */
final class Output {
  private ByteBuffer[] bufs = new ByteBuffer[64];
  private long[] charges = new long[64];
  private int head;
  private int count;
  private long bytes;

  boolean isEmpty() {
    return count == 0;
  }

  /** Unwritten bytes. */
  long bytes() {
    return bytes;
  }

  /** Queues b; {@code charge} is released once b is fully written. */
  void add(ByteBuffer b, long charge) {
    if (count == bufs.length) {
      grow();
    }
    int i = (head + count) & (bufs.length - 1);
    bufs[i] = b;
    charges[i] = charge;
    count++;
    bytes += b.remaining();
  }

  private void grow() {
    ByteBuffer[] nb = new ByteBuffer[bufs.length * 2];
    long[] nc = new long[bufs.length * 2];
    for (int i = 0; i < count; i++) {
      int j = (head + i) & (bufs.length - 1);
      nb[i] = bufs[j];
      nc[i] = charges[j];
    }
    bufs = nb;
    charges = nc;
    head = 0;
  }

  /**
   * Writes as much as the channel takes.
   *
   * @return the charges of the buffers fully written (to release)
   */
  long write(GatheringByteChannel ch) throws IOException {
    long released = 0;
    while (count > 0) {
      int n = Math.min(count, bufs.length - head); // contiguous part of the ring
      long wrote = ch.write(bufs, head, Math.min(n, 1024));
      bytes -= wrote;
      while (count > 0 && !bufs[head].hasRemaining()) {
        released += charges[head];
        bufs[head] = null;
        head = (head + 1) & (bufs.length - 1);
        count--;
      }
      if (wrote == 0) {
        break;
      }
    }
    if (count == 0) {
      head = 0;
    }
    return released;
  }

  /** Drops everything (the connection closed); returns the charges to release. */
  long clear() {
    long released = 0;
    for (int i = 0; i < count; i++) {
      int j = (head + i) & (bufs.length - 1);
      released += charges[j];
      bufs[j] = null;
    }
    head = 0;
    count = 0;
    bytes = 0;
    return released;
  }
}
