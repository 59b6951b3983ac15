package dchan.server.net;

import dchan.server.limits.Budget;
import dchan.server.wire.Errno;
import dchan.server.wire.Wire;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;

/**
 * Cuts a connection's input into whole frames ({@code size[4] type[1] tag[2] body}), never
 * consuming a partial one.
 *
 * <p>Memory grows with bytes that actually arrived, not with what a header claims: the buffer
 * starts at {@link #BASE} bytes and doubles only when it is full and the frame in it is larger,
 * up to the frame's size; each growth is charged to the connection's account first. A frame
 * larger than the current maximum, or one whose growth the budget refuses, is skipped as its
 * bytes arrive (never stored) and reported with its tag so that it can be answered with an
 * error. Once empty the buffer shrinks back. {@link #partialSince} tells how long the frame in
 * progress has been arriving (the frame timeout).
 */
final class Framer {
  static final int BASE = 8192;

  /** What {@link #next} found. */
  interface Sink {
    /** A whole frame: {@code frame} is positioned at its size[4], limited at its end. */
    void frame(ByteBuffer frame);

    /** A frame that will be skipped: larger than maxFrame (errno null) or refused (errno). */
    void skipped(int tag, long size, Errno refused);

    /** A size below 7, or above maxFrame when oversize frames close the connection. */
    void broken(long size);
  }

  private final Budget budget;
  private final Budget.Account account;
  private ByteBuffer in = ByteBuffer.allocate(BASE).order(ByteOrder.LITTLE_ENDIAN);
  /** Bytes of a skipped frame still to come. */
  private long discard;
  /** When the frame now arriving began (0: none in progress). */
  private long partialSince;

  Framer(Budget budget, Budget.Account account) {
    this.budget = budget;
    this.account = account;
  }

  long partialSince() {
    return partialSince;
  }

  /** Reads what the socket has (at most the free room). Returns -1 at end of stream. */
  int read(ReadableByteChannel ch) throws IOException {
    return ch.read(in);
  }

  /**
   * Hands every whole frame in the buffer to sink, in order, while {@code more} says to go on;
   * then keeps the partial rest for the next read. A frame over maxFrame is skipped and reported,
   * or, if {@code closeOversize}, reported as broken as soon as its size is known.
   */
  void drain(int maxFrame, boolean closeOversize, Sink sink, java.util.function.BooleanSupplier more) {
    in.flip();
    int frames = 0;
    while (more.getAsBoolean()) {
      if (discard > 0) {
        int skip = (int) Math.min(discard, in.remaining());
        in.position(in.position() + skip);
        discard -= skip;
        if (discard > 0) {
          break;
        }
        frames++;
      }
      if (in.remaining() < 4) {
        break;
      }
      long size = Integer.toUnsignedLong(in.getInt(in.position()));
      if (size < Wire.HEADER || (size > maxFrame && closeOversize)) {
        sink.broken(size);
        return;
      }
      if (size > maxFrame) {
        if (in.remaining() < Wire.HEADER) {
          break;
        }
        skip(size, sink, null);
        continue;
      }
      if (in.remaining() < size) {
        if (in.remaining() == in.capacity()) { // full, and the frame is larger: grow
          Errno refused = grow((int) size);
          if (refused != null && in.remaining() >= Wire.HEADER) {
            skip(size, sink, refused);
            continue;
          }
        }
        break;
      }
      ByteBuffer frame = in.slice(in.position(), (int) size).order(ByteOrder.LITTLE_ENDIAN);
      in.position(in.position() + (int) size);
      frames++;
      sink.frame(frame);
    }
    in.compact();
    boolean partial = in.position() > 0 || discard > 0;
    if (!partial) {
      partialSince = 0;
      shrink();
    } else if (partialSince == 0 || frames > 0) {
      partialSince = System.nanoTime();
    }
  }

  /** Starts skipping the frame at the buffer's position (its header is there). */
  private void skip(long size, Sink sink, Errno refused) {
    int tag = in.getShort(in.position() + 5) & 0xFFFF;
    discard = size;
    int skip = (int) Math.min(discard, in.remaining());
    in.position(in.position() + skip);
    discard -= skip;
    sink.skipped(tag, size, refused);
  }

  /** Doubles the buffer (up to size) if the budget allows; returns the refusal, or null. */
  private Errno grow(int size) {
    int cap = (int) Math.min(size, Math.max(2L * in.capacity(), BASE));
    if (cap <= in.capacity()) {
      return null;
    }
    Errno refused = budget.tryCharge(account, cap - in.capacity());
    if (refused != null) {
      return refused;
    }
    ByteBuffer bigger = ByteBuffer.allocate(cap).order(ByteOrder.LITTLE_ENDIAN);
    bigger.put(in);
    bigger.flip();
    in = bigger;
    return null;
  }

  private void shrink() {
    if (in.capacity() > BASE) {
      budget.release(account, in.capacity() - BASE);
      in = ByteBuffer.allocate(BASE).order(ByteOrder.LITTLE_ENDIAN);
    }
  }

  /** True if bytes are buffered (whole frames may be waiting while reading is paused). */
  boolean hasBuffered() {
    return in.position() > 0;
  }

  /** The connection closed: give back what the buffer holds. */
  void release() {
    if (in.capacity() > BASE) {
      budget.release(account, in.capacity() - BASE);
    }
    in = ByteBuffer.allocate(0);
  }
}
