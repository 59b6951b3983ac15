package dchan.server;

import dchan.server.fs.P9Error;
import dchan.server.fs.Tree;
import dchan.server.session.Config;
import dchan.server.session.Session;
import dchan.server.session.Transport;
import dchan.server.wire.Codec;
import dchan.server.wire.Dialect;
import dchan.server.wire.Errno;
import dchan.server.wire.Wire;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client connection on its {@link Loop}: frames in, replies out, never blocking.
 *
 * <p>The framer never consumes a partial frame. The input buffer starts small and grows to the
 * size of the frame being read (at most msize), then shrinks back. A frame larger than msize is
 * skipped and answered with an error (its header is sound); a size below 7 closes the connection.
 * Replies queue in order; when more than {@link #OUT_LIMIT} bytes wait for a slow reader, reading
 * pauses until half has drained, so a client that does not read cannot grow the server's memory;
 * if it then takes nothing for {@link #STALL_NANOS}, the connection is closed (its blocked requests
 * are withdrawn like on any disconnect).
 */
final class Connection implements Transport, Loop.Handler {
  private static final Logger LOG = Logger.getLogger(Connection.class.getName());
  private static final int INITIAL_IN = 8192;
  static final long OUT_LIMIT = 4L << 20;
  static final long STALL_NANOS = 60_000_000_000L;

  private final Loop loop;
  private final SocketChannel ch;
  private final Session session;
  private final String peer;
  private SelectionKey key;
  private ByteBuffer in = ByteBuffer.allocate(INITIAL_IN).order(ByteOrder.LITTLE_ENDIAN);
  private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
  private long outBytes;
  private boolean readPaused;
  private long lastProgress = System.nanoTime(); // last time the client took reply bytes
  private long discard; // bytes of an oversized frame still to skip
  private boolean closed;
  private final ByteBuffer[] batch = new ByteBuffer[64];
  private final long opened = System.nanoTime();

  Connection(Loop loop, SocketChannel ch, Tree tree, Config config) throws IOException {
    this.loop = loop;
    this.ch = ch;
    this.peer = String.valueOf(ch.getRemoteAddress());
    this.session = new Session(tree, config, this, peer);
  }

  void register() throws IOException {
    ch.configureBlocking(false);
    ch.socket().setTcpNoDelay(true);
    key = ch.register(loop.selector, SelectionKey.OP_READ, this);
    LOG.fine("connection from " + peer);
  }

  @Override
  public void ready(SelectionKey k) throws IOException {
    if (k.isValid() && k.isWritable()) {
      flush();
    }
    if (k.isValid() && k.isReadable()) {
      readFrames();
    }
  }

  @Override
  public void tick(long nowNanos) {
    if (readPaused && nowNanos - lastProgress > STALL_NANOS) {
      close("client stopped reading replies");
    }
  }

  @Override
  public void failed(Throwable t) {
    LOG.log(Level.FINE, peer + ": " + t, t);
    close(t.getMessage());
  }

  private void readFrames() throws IOException {
    int n = ch.read(in);
    if (n < 0) {
      close("end of stream");
      return;
    }
    in.flip();
    while (!closed) {
      if (discard > 0) {
        int skip = (int) Math.min(discard, in.remaining());
        in.position(in.position() + skip);
        discard -= skip;
        if (discard > 0) {
          break;
        }
      }
      if (in.remaining() < 4) {
        break;
      }
      long size = Integer.toUnsignedLong(in.getInt(in.position()));
      if (size < Wire.HEADER) {
        close("bad frame size " + size);
        return;
      }
      if (size > session.maxFrame()) {
        if (in.remaining() < Wire.HEADER) {
          break;
        }
        int tag = in.getShort(in.position() + 5) & 0xFFFF;
        discard = size;
        session.sendError(tag, new P9Error(Errno.EMSGSIZE, "message too long (" + size + " > msize)"));
        continue;
      }
      if (in.remaining() < size) {
        if (in.capacity() < size) {
          ByteBuffer bigger = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
          bigger.put(in);
          in = bigger;
          in.flip();
        }
        break;
      }
      ByteBuffer frame = in.slice(in.position(), (int) size);
      in.position(in.position() + (int) size);
      session.handle(Codec.decode(frame, dialect()));
    }
    if (closed) {
      return;
    }
    in.compact();
    if (in.position() == 0 && in.capacity() > INITIAL_IN) {
      in = ByteBuffer.allocate(INITIAL_IN).order(ByteOrder.LITTLE_ENDIAN);
    }
  }

  private Dialect dialect() {
    Dialect d = session.dialect();
    return d == null ? Dialect.P9_2000 : d;
  }

  @Override
  public void send(ByteBuffer frame) {
    assert loop.inLoop();
    if (closed) {
      return;
    }
    out.add(frame);
    outBytes += frame.remaining();
    if (out.size() == 1) {
      try {
        flush();
      } catch (IOException e) {
        close(e.getMessage());
      }
    }
  }

  @Override
  public void execute(Runnable task) {
    loop.execute(task);
  }

  private void flush() throws IOException {
    while (!out.isEmpty()) {
      int n = 0;
      for (ByteBuffer b : out) {
        batch[n++] = b;
        if (n == batch.length) {
          break;
        }
      }
      long wrote = ch.write(batch, 0, n);
      if (wrote > 0) {
        lastProgress = System.nanoTime();
      }
      java.util.Arrays.fill(batch, 0, n, null);
      outBytes -= wrote;
      while (!out.isEmpty() && !out.peek().hasRemaining()) {
        out.poll();
      }
      if (wrote == 0) {
        break;
      }
    }
    if (closed || !key.isValid()) {
      return;
    }
    int ops = key.interestOps();
    ops = out.isEmpty() ? ops & ~SelectionKey.OP_WRITE : ops | SelectionKey.OP_WRITE;
    if (!readPaused && outBytes > OUT_LIMIT) {
      readPaused = true;
    } else if (readPaused && outBytes < OUT_LIMIT / 2) {
      readPaused = false;
    }
    ops = readPaused ? ops & ~SelectionKey.OP_READ : ops | SelectionKey.OP_READ;
    key.interestOps(ops);
  }

  void close(String why) {
    if (closed) {
      return;
    }
    closed = true;
    session.close();
    if (key != null) {
      key.cancel();
    }
    try {
      ch.close();
    } catch (IOException ignored) {
      // already gone
    }
    // The one info line per connection.
    Dialect d = session.dialect();
    LOG.info(String.format("connection from %s (%s) closed after %.1fs: %s", peer,
        d == null ? "no version" : d.version, (System.nanoTime() - opened) / 1e9,
        why == null ? "closed" : why));
  }
}
