package dchan.server;

import dchan.server.fs.Tree;
import dchan.server.session.Config;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The dchan 9P server: one listening socket, {@code threads} selector loops (connections are
 * spread round-robin), one tree of channels shared by all connections.
 */
public final class Server implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Server.class.getName());

  private final Tree tree = new Tree();
  private final Config config;
  private final Loop[] loops;
  private final ServerSocketChannel listener;
  private final ScheduledExecutorService sampler;
  private int next;

  public Server(InetSocketAddress address, Config config, int threads) throws IOException {
    this.config = config;
    loops = new Loop[Math.max(1, threads)];
    for (int i = 0; i < loops.length; i++) {
      loops[i] = new Loop("dchan-loop-" + i);
    }
    listener = ServerSocketChannel.open();
    listener.bind(address, 1024);
    listener.configureBlocking(false);
    listener.register(loops[0].selector, SelectionKey.OP_ACCEPT, new Acceptor());
    sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "dchan-stats");
              t.setDaemon(true);
              return t;
            });
  }

  public Server start() {
    for (Loop l : loops) {
      l.start();
    }
    sampler.scheduleAtFixedRate(tree::sample, 1, 1, TimeUnit.SECONDS);
    LOG.info("dchan serving 9P2000, 9P2000.u, 9P2000.L on " + address() + " (msize " + config.maxMsize()
        + ", eom " + config.eom().name().toLowerCase() + ")");
    return this;
  }

  public InetSocketAddress address() {
    try {
      return (InetSocketAddress) listener.getLocalAddress();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public Tree tree() {
    return tree;
  }

  private final class Acceptor implements Loop.Handler {
    @Override
    public void ready(SelectionKey key) throws IOException {
      SocketChannel ch;
      while ((ch = listener.accept()) != null) {
        Loop loop = loops[next++ % loops.length];
        Connection c = new Connection(loop, ch, tree, config);
        loop.execute(
            () -> {
              try {
                c.register();
              } catch (IOException e) {
                c.close(e.getMessage());
              }
            });
      }
    }

    @Override
    public void failed(Throwable t) {
      LOG.warning("accept failed: " + t);
    }
  }

  @Override
  public void close() {
    sampler.shutdownNow();
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Loop l : loops) {
      l.stop();
    }
    LOG.info("dchan stopped");
  }
}
