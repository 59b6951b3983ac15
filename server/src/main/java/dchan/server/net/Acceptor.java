package dchan.server.net;

import dchan.server.limits.Limit;
import dchan.server.session.Services;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.logging.Logger;

/**
 * Accepts connections on one {@link Listener} (on the first loop) and hands them to the loops in
 * turn. A connection the listener does not admit (an address outside the allowlist, peer
 * credentials outside the allowed users and groups), or one beyond {@link Connections#max()}, is
 * closed at once, before any 9P is read (counted, logged at most once per 10 s). When accepting
 * fails (out of file descriptors), accepting pauses and backs off, 10 ms doubling to 1 s, instead
 * of spinning on the error.
 */
public final class Acceptor implements Loop.Handler {
  private static final Logger LOG = Logger.getLogger(Acceptor.class.getName());
  private static final long MIN_BACKOFF = 10_000_000L;
  private static final long MAX_BACKOFF = 1_000_000_000L;

  private final Listener listener;
  private final Loop home;
  private final Loop[] loops;
  private final Services services;
  private final Connections connections;
  private SelectionKey key;
  private int next;
  private long backoff = MIN_BACKOFF;

  public Acceptor(Listener listener, Loop[] loops, Services services, Connections connections) {
    this.listener = listener;
    this.home = loops[0];
    this.loops = loops;
    this.services = services;
    this.connections = connections;
  }

  /** Starts accepting (call before the loops start, or on the first loop). */
  public void register() throws IOException {
    key = home.register(listener.channel, SelectionKey.OP_ACCEPT, this);
  }

  @Override
  public void ready(SelectionKey k) {
    while (true) {
      SocketChannel ch;
      try {
        ch = listener.channel.accept();
      } catch (IOException e) {
        services.refusals().count(Limit.DESCRIPTORS, "accept failed: " + e.getMessage()
            + "; pausing accepts for " + backoff / 1_000_000 + " ms");
        pause();
        return;
      }
      if (ch == null) {
        backoff = MIN_BACKOFF;
        return;
      }
      admit(ch);
    }
  }

  private void admit(SocketChannel ch) {
    Listener.Peer peer;
    Io io;
    try {
      peer = listener.peer(ch);
      if (peer.refusedBy() != null) {
        services.refusals().count(peer.refusedBy(), listener.kind.name().toLowerCase() + ": " + peer.why());
        closeQuietly(ch);
        return;
      }
      io = listener.io(ch);
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      return;
    }
    Loop loop = loops[next];
    next = (next + 1) % loops.length;
    Connection c = new Connection(loop, io, services, connections, peer.name(), listener.kind);
    if (!connections.admit(c)) {
      services.refusals().count(Limit.CONNECTIONS, peer.name() + ": " + connections.max() + " connections already");
      closeQuietly(ch);
      return;
    }
    loop.execute(() -> {
      try {
        c.register();
      } catch (IOException e) {
        c.closeNow(e.getMessage());
      }
    });
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private void pause() {
    key.interestOps(0);
    home.schedule(backoff, () -> {
      if (key.isValid()) {
        key.interestOps(SelectionKey.OP_ACCEPT);
      }
    });
    backoff = Math.min(MAX_BACKOFF, backoff * 2);
  }

  @Override
  public void failed(Throwable t) {
    if (listener.channel.isOpen()) {
      LOG.warning("accepting on " + listener.channel + ": " + t);
    }
  }
}
