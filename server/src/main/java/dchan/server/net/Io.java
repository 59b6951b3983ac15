package dchan.server.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;

/**
 * A connection's byte stream: the socket itself ({@link #plain}), or TLS over it ({@link TlsIo}).
 * Non-blocking: reads and writes move what they can now. Used under the session's lock.
 */
interface Io extends ByteChannel, GatheringByteChannel {
  /** The socket underneath (for the selector). */
  SocketChannel socket();

  /** Bytes of the protocol underneath wait to be written (a handshake): ask for OP_WRITE. */
  default boolean wantsWrite() {
    return false;
  }

  /** Writes what the protocol underneath has pending. */
  default void flushPending() throws IOException {}

  /**
   * Input already taken from the socket but not yet read (TLS records): read again before
   * waiting for the selector, which would not wake for it.
   */
  default boolean hasBufferedInput() {
    return false;
  }

  /** Who the peer proved to be, beyond its address (a certificate subject), or null. */
  default String identity() {
    return null;
  }

  static Io plain(SocketChannel ch) {
    return new Io() {
      @Override
      public SocketChannel socket() {
        return ch;
      }

      @Override
      public int read(ByteBuffer dst) throws IOException {
        return ch.read(dst);
      }

      @Override
      public int write(ByteBuffer src) throws IOException {
        return ch.write(src);
      }

      @Override
      public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return ch.write(srcs, offset, length);
      }

      @Override
      public long write(ByteBuffer[] srcs) throws IOException {
        return ch.write(srcs);
      }

      @Override
      public boolean isOpen() {
        return ch.isOpen();
      }

      @Override
      public void close() throws IOException {
        ch.close();
      }
    };
  }
}
