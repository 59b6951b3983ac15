package dchan.server.net;

import dchan.server.limits.Budget;
import dchan.server.limits.Limit;
import dchan.server.session.Config;
import dchan.server.session.Pass;
import dchan.server.session.Services;
import dchan.server.session.Session;
import dchan.server.session.Transport;
import dchan.server.wire.Codec;
import dchan.server.wire.Dialect;
import dchan.server.wire.Errno;
import dchan.server.wire.P9Error;
import dchan.server.wire.Wire;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client connection: frames in on its {@link Loop}, replies out from whichever thread
 * produced them, never blocking. Everything here runs under the session's lock.
 *
 * <p>Limits, each closing only this connection: no successful Tversion within the handshake
 * timeout; a frame begun and not finished within the frame timeout; a framing error; a frame over
 * 8 KiB before Tversion. Backpressure: replies queue in order; once more than {@link #OUT_LIMIT}
 * bytes wait (or {@link #OUT_SMALL} while the memory budget is exhausted), the connection is not
 * read until half has drained, checked on every reply queued; if the client then takes nothing for
 * the stall timeout, it is disconnected (its blocked requests are withdrawn as on any disconnect).
 */
public final class Connection implements Transport, Loop.Handler, Pass.Flushable {
  private static final Logger LOG = Logger.getLogger(Connection.class.getName());
  static final long OUT_LIMIT = 4L << 20;
  static final long OUT_SMALL = 64L << 10;

  private final Loop loop;
  private final Io io;
  private final Listener.Kind kind;
  private final Session session;
  private final Services services;
  private final Connections connections;
  private final String peer;
  private final Framer framer;
  private final Output out = new Output();
  private final Budget budget;
  private final Budget.Account account;
  private SelectionKey key;
  private boolean readPaused;
  private boolean dirty;
  private boolean closed;
  private long lastProgress = System.nanoTime(); // last time the client took reply bytes
  private final long opened = System.nanoTime();

  Connection(Loop loop, Io io, Services services, Connections connections, String peer,
      Listener.Kind kind) {
    this.loop = loop;
    this.io = io;
    this.kind = kind;
    this.services = services;
    this.connections = connections;
    this.peer = peer;
    this.session = new Session(services, this, peer);
    this.budget = services.budget();
    this.account = session.account();
    this.framer = new Framer(budget, account);
  }

  /** Registers with the loop (on the loop's thread). */
  void register() throws IOException {
    key = loop.register(io.socket(), SelectionKey.OP_READ, this);
    LOG.fine("connection from " + peer + " (" + kind.name().toLowerCase() + ")");
  }

  public String peer() {
    return peer;
  }

  /** The listener it came through. */
  public Listener.Kind kind() {
    return kind;
  }

  /** Who the peer proved to be beyond its address (a certificate subject), or null. */
  public String identity() {
    return io.identity();
  }

  /**
   * Whether it has nothing left to hand over: no reply bytes queued, no fid holding the rest of a
   * message. Takes the session's lock.
   */
  public boolean quiet() {
    boolean[] quiet = new boolean[1];
    session.locked(() -> quiet[0] = closed || (out.isEmpty() && session.status().remainders() == 0));
    return quiet[0];
  }

  /** When it was accepted, in System.nanoTime(). */
  public long openedNanos() {
    return opened;
  }

  public Session session() {
    return session;
  }

  @Override
  public void ready(SelectionKey k) {
    session.locked(() -> {
      if (k.isValid() && k.isWritable()) {
        flushLocked();
      }
      if (k.isValid() && k.isReadable() && !readPaused) {
        readFrames(true);
      }
    });
  }

  @Override
  public void tick(long now) {
    session.locked(() -> {
      Config c = services.config();
      if (closed) {
        return;
      }
      if (session.dialect() == null && now - opened > c.handshakeNanos()) {
        refuse(Limit.HANDSHAKE_TIMEOUT, "no Tversion within " + seconds(c.handshakeNanos()));
      } else if (readPaused && now - lastProgress > c.stallNanos()) {
        refuse(Limit.STALL_TIMEOUT, "client took no replies for " + seconds(c.stallNanos()));
      } else if (!readPaused && framer.partialSince() != 0
          && now - framer.partialSince() > c.frameNanos()) {
        refuse(Limit.FRAME_TIMEOUT, "frame not finished within " + seconds(c.frameNanos()));
      }
    });
  }

  private static String seconds(long nanos) {
    return (nanos / 1_000_000_000L) + " s";
  }

  private void refuse(Limit limit, String why) {
    services.refusals().count(limit, peer + ": " + why);
    close(why);
  }

  @Override
  public void failed(Throwable t) {
    if (t instanceof IOException) {
      LOG.log(Level.FINE, peer + ": " + t, t);
    } else {
      LOG.log(Level.WARNING, peer + ": closing after " + t, t);
    }
    session.locked(() -> ioFailed(t));
  }

  /** The byte stream failed: a refused TLS handshake is counted as such. */
  private void ioFailed(Throwable t) {
    String why = t.getMessage() == null ? t.toString() : t.getMessage();
    if (t instanceof javax.net.ssl.SSLException && io.identity() == null) {
      refuse(Limit.TLS_HANDSHAKE, "TLS handshake failed: " + why);
    } else {
      close(why);
    }
  }

  /**
   * Reads what arrived (if fromSocket) and hands every whole frame to the session, while the
   * connection is open and not paused; input the byte stream already holds (TLS records) is read
   * too, since the selector will not wake for it.
   */
  private void readFrames(boolean fromSocket) {
    boolean read = fromSocket;
    do {
      if (read) {
        int n;
        try {
          n = framer.read(io);
        } catch (IOException e) {
          ioFailed(e);
          return;
        }
        if (n < 0) {
          close("end of stream");
          return;
        }
      }
      // Before Tversion a frame is at most 8 KiB; a larger one is not 9P as we know it: close.
      framer.drain(session.maxFrame(), session.dialect() == null, sink, () -> !closed && !readPaused);
      read = true;
    } while (!closed && !readPaused && io.hasBufferedInput());
    if (!closed && io.wantsWrite()) {
      interest(); // a TLS handshake has bytes to send
    }
  }

  private final Framer.Sink sink = new Framer.Sink() {
    @Override
    public void frame(ByteBuffer frame) {
      session.handle(Codec.decode(frame, dialect()));
    }

    @Override
    public void skipped(int tag, long size, Errno refused) {
      if (refused != null) {
        session.sendError(tag, new P9Error(refused,
            refused == Errno.ENOSPC ? Limit.MEMORY : Limit.CONNECTION_MEMORY));
      } else {
        session.sendError(tag, new P9Error(Errno.EMSGSIZE, Limit.FRAME_SIZE));
      }
    }

    @Override
    public void broken(long size) {
      if (size >= Wire.HEADER) {
        refuse(Limit.FRAME_SIZE, "frame of " + size + " bytes before Tversion");
      } else {
        close("bad frame size " + size);
      }
    }
  };

  private Dialect dialect() {
    Dialect d = session.dialect();
    return d == null ? Dialect.P9_2000 : d;
  }

  // ---- output ----

  @Override
  public void send(ByteBuffer head, ByteBuffer body, int held) {
    if (closed) {
      budget.release(account, held);
      return;
    }
    int size = head.remaining() + (body == null ? 0 : body.remaining());
    budget.charge(account, size - held);
    if (body == null) {
      out.add(head, size);
    } else {
      out.add(head, head.remaining());
      out.add(body, body.remaining());
    }
    if (!dirty) {
      dirty = true;
      Pass.current().dirty(this);
    }
    backpressure();
  }

  @Override
  public void execute(Runnable task) {
    loop.execute(task);
  }

  /** End of a pass: write what is queued (handed to the own loop if another thread is in). */
  @Override
  public void flush() {
    if (loop.inLoop()) {
      session.locked(this::flushLocked);
    } else {
      session.runOrHandOff(this::flushLocked);
    }
  }

  private void flushLocked() {
    dirty = false;
    if (closed) {
      return;
    }
    try {
      io.flushPending();
    } catch (IOException e) {
      ioFailed(e);
      return;
    }
    if (out.isEmpty()) {
      interest();
      return;
    }
    long before = out.bytes();
    try {
      budget.release(account, out.write(io));
    } catch (IOException e) {
      ioFailed(e);
      return;
    }
    if (out.bytes() < before) {
      lastProgress = System.nanoTime();
    }
    backpressure();
    interest();
  }

  /** Pauses or resumes reading by the queued reply bytes (and the memory budget). */
  private void backpressure() {
    long queued = out.bytes();
    if (!readPaused && (queued > OUT_LIMIT || (budget.over() && queued > OUT_SMALL))) {
      readPaused = true;
      lastProgress = System.nanoTime(); // the stall clock starts now
      interest();
    } else if (readPaused && queued <= OUT_LIMIT / 2 && (queued <= OUT_SMALL / 2 || !budget.over())) {
      readPaused = false;
      interest();
      if (framer.hasBuffered()) {
        loop.execute(() -> session.locked(() -> {
          if (!closed && !readPaused) {
            readFrames(false); // whole frames may be waiting in the buffer
          }
        }));
      }
    }
  }

  private void interest() {
    if (closed || key == null || !key.isValid()) {
      return;
    }
    int ops = (readPaused ? 0 : SelectionKey.OP_READ)
        | (out.isEmpty() && !io.wantsWrite() ? 0 : SelectionKey.OP_WRITE);
    if (key.interestOps() != ops) {
      key.interestOps(ops);
      if (!loop.inLoop()) {
        loop.selector.wakeup(); // another thread changed what the loop waits for
      }
    }
  }

  // ---- close ----

  /** Closes the connection (under the session's lock): withdraws everything, frees what it held. */
  void close(String why) {
    if (closed) {
      return;
    }
    closed = true;
    session.close();
    budget.release(account, out.clear());
    framer.release();
    if (key != null) {
      key.cancel();
    }
    try {
      io.close();
    } catch (IOException ignored) {
      // already gone
    }
    connections.remove(this);
    // The one info line per connection: who (address, Unix peer or certificate subject), how.
    Dialect d = session.dialect();
    String who = io.identity() == null ? peer : peer + " [" + io.identity() + "]";
    LOG.info(String.format("connection from %s (%s, %s) closed after %.1fs: %s", who,
        kind.name().toLowerCase(), d == null ? "no version" : d.version,
        (System.nanoTime() - opened) / 1e9, why == null ? "closed" : why));
  }

  /** Closes from any thread (server shutdown). */
  public void closeNow(String why) {
    session.locked(() -> close(why));
  }
}
