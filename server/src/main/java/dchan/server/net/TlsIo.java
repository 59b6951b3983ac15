package dchan.server.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * TLS on a non-blocking socket, on the connection's selector loop (no thread per connection):
 * an {@link SSLEngine} between the socket and the connection's framer and reply queue. Reads
 * unwrap what arrived (driving the handshake, whose replies may have to wait for OP_WRITE:
 * {@link #wantsWrite}); writes wrap replies into records. Handshake tasks (certificate checks, key
 * exchange) run on the loop: a few milliseconds per connection. Used under the session's lock.
 */
final class TlsIo implements Io {
  private static final ByteBuffer[] NOTHING = {ByteBuffer.allocate(0)};

  private final SocketChannel ch;
  private final SSLEngine engine;
  /** Bytes from the socket not yet unwrapped (write mode). */
  private ByteBuffer netIn;
  /** Records not yet written to the socket (read mode). */
  private ByteBuffer netOut;
  /** Unwrapped bytes not yet handed out (read mode). */
  private ByteBuffer appIn;
  private boolean eof;
  private boolean handshaken;
  private String identity;

  TlsIo(SocketChannel ch, SSLEngine engine) throws SSLException {
    this.ch = ch;
    this.engine = engine;
    int packet = engine.getSession().getPacketBufferSize();
    netIn = ByteBuffer.allocate(packet);
    netOut = ByteBuffer.allocate(packet).flip();
    appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
    engine.beginHandshake();
  }

  @Override
  public SocketChannel socket() {
    return ch;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    while (true) {
      if (appIn.hasRemaining()) {
        int n = Math.min(appIn.remaining(), dst.remaining());
        ByteBuffer part = appIn.slice(appIn.position(), n);
        dst.put(part);
        appIn.position(appIn.position() + n);
        return n;
      }
      if (eof) {
        return -1;
      }
      if (!unwrap()) {
        int n = ch.read(netIn);
        if (n < 0) {
          eof = true; // the peer went away (with or without close_notify)
          continue;
        }
        if (n == 0) {
          return 0;
        }
      }
    }
  }

  /** Unwraps one record if a whole one is buffered; false if more bytes must arrive first. */
  private boolean unwrap() throws IOException {
    netIn.flip();
    appIn.compact();
    SSLEngineResult r;
    try {
      r = engine.unwrap(netIn, appIn);
    } finally {
      netIn.compact();
      appIn.flip();
    }
    switch (r.getStatus()) {
      case BUFFER_OVERFLOW -> {
        appIn = grow(appIn, engine.getSession().getApplicationBufferSize(), true);
        return true;
      }
      case BUFFER_UNDERFLOW -> {
        if (netIn.position() == netIn.capacity()) {
          netIn = grow(netIn, engine.getSession().getPacketBufferSize(), false);
        }
        return false;
      }
      case CLOSED -> {
        eof = true;
        return true;
      }
      default -> {
        handshake(r.getHandshakeStatus());
        return r.bytesConsumed() > 0 || r.bytesProduced() > 0;
      }
    }
  }

  /** Drives the handshake as far as it goes without new input. */
  private void handshake(HandshakeStatus hs) throws IOException {
    while (true) {
      switch (hs) {
        case NEED_TASK -> {
          for (Runnable t; (t = engine.getDelegatedTask()) != null; ) {
            t.run();
          }
          hs = engine.getHandshakeStatus();
        }
        case NEED_WRAP -> {
          if (netOut.hasRemaining() && !flushNet()) {
            return; // OP_WRITE, then flushPending goes on
          }
          netOut.compact();
          SSLEngineResult r;
          try {
            r = engine.wrap(NOTHING, netOut);
          } finally {
            netOut.flip();
          }
          if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            netOut = grow(netOut, engine.getSession().getPacketBufferSize(), true);
          } else if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            flushNet();
            return;
          }
          hs = r.getHandshakeStatus();
          flushNet();
        }
        case FINISHED -> {
          finished();
          return;
        }
        default -> { // NEED_UNWRAP: wait for input; NOT_HANDSHAKING: done
          if (hs == HandshakeStatus.NOT_HANDSHAKING && !handshaken) {
            finished();
          }
          return;
        }
      }
    }
  }

  private void finished() {
    handshaken = true;
    try {
      identity = engine.getSession().getPeerPrincipal().getName();
    } catch (SSLPeerUnverifiedException e) {
      identity = "no client certificate";
    }
  }

  /** Writes netOut to the socket; true if it is empty now. */
  private boolean flushNet() throws IOException {
    while (netOut.hasRemaining()) {
      if (ch.write(netOut) == 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean wantsWrite() {
    return netOut.hasRemaining();
  }

  @Override
  public boolean hasBufferedInput() {
    return appIn.hasRemaining() || netIn.position() > 0;
  }

  @Override
  public void flushPending() throws IOException {
    if (flushNet() && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
      handshake(HandshakeStatus.NEED_WRAP);
    }
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return (int) write(new ByteBuffer[] {src}, 0, 1);
  }

  @Override
  public long write(ByteBuffer[] srcs) throws IOException {
    return write(srcs, 0, srcs.length);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    if (!flushNet() || !handshaken) {
      return 0; // replies wait for the handshake and for the socket
    }
    long consumed = 0;
    while (remaining(srcs, offset, length) > 0) {
      netOut.compact();
      SSLEngineResult r;
      try {
        r = engine.wrap(srcs, offset, length, netOut);
      } finally {
        netOut.flip();
      }
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        netOut = grow(netOut, engine.getSession().getPacketBufferSize(), true);
        continue;
      }
      if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
        throw new IOException("TLS session closed");
      }
      consumed += r.bytesConsumed();
      handshake(r.getHandshakeStatus());
      if (!flushNet()) {
        break;
      }
    }
    return consumed;
  }

  private static long remaining(ByteBuffer[] srcs, int offset, int length) {
    long n = 0;
    for (int i = offset; i < offset + length; i++) {
      n += srcs[i].remaining();
    }
    return n;
  }

  /** A bigger buffer with b's content; readMode says which mode b is (and the result is) in. */
  private static ByteBuffer grow(ByteBuffer b, int atLeast, boolean readMode) {
    ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, 2 * b.capacity()));
    if (readMode) {
      bigger.put(b).flip();
    } else {
      b.flip();
      bigger.put(b);
    }
    return bigger;
  }

  @Override
  public String identity() {
    return identity;
  }

  @Override
  public boolean isOpen() {
    return ch.isOpen();
  }

  @Override
  public void close() throws IOException {
    try {
      engine.closeOutbound();
      handshake(HandshakeStatus.NEED_WRAP); // close_notify, if the socket takes it now
    } catch (IOException | RuntimeException ignored) {
      // closing anyway
    } finally {
      ch.close();
    }
  }
}
