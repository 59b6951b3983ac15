package dchan.server.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A connection's queued reply bytes, in order: a ring of buffers, each with the bytes of the
 * account it releases once fully written. Guarded by the session's lock; allocates only when the
 * ring must grow.
 *
 * <p>Writing copies the queued bytes into the writing thread's direct staging buffer and writes
 * that, one system call for many replies. (A gathering write of heap buffers would make the JDK
 * copy each into a temporary direct buffer, looked up in a cache scanned per buffer: that lookup
 * was the top of the profile of pipelined streaming.) Only what the socket took is consumed.
 */
final class Output {
  /** Bytes copied per write(2): larger replies go out in several. */
  static final int STAGING = 128 * 1024;
  private static final ThreadLocal<ByteBuffer> STAGED =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(STAGING));

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
  long write(WritableByteChannel ch) throws IOException {
    long released = 0;
    ByteBuffer staged = STAGED.get();
    while (count > 0) {
      staged.clear();
      for (int i = 0; i < count && staged.hasRemaining(); i++) {
        ByteBuffer b = bufs[(head + i) & (bufs.length - 1)];
        int n = Math.min(b.remaining(), staged.remaining());
        staged.put(staged.position(), b, b.position(), n).position(staged.position() + n);
      }
      staged.flip();
      int want = staged.remaining();
      int wrote = ch.write(staged);
      released += consume(wrote);
      if (wrote < want) {
        break;
      }
    }
    if (count == 0) {
      head = 0;
    }
    return released;
  }

  /** The first n queued bytes were written: advances past them; returns the charges freed. */
  private long consume(int n) {
    long released = 0;
    bytes -= n;
    while (count > 0) {
      ByteBuffer b = bufs[head];
      int k = Math.min(n, b.remaining());
      b.position(b.position() + k);
      n -= k;
      if (b.hasRemaining()) {
        break;
      }
      released += charges[head]; // written through (or empty)
      bufs[head] = null;
      head = (head + 1) & (bufs.length - 1);
      count--;
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
