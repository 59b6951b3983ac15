package dchan.server;

import dchan.server.fs.Ctl;
import dchan.server.fs.Snapshots;
import dchan.server.fs.SpecialFile;
import dchan.server.fs.Stats;
import dchan.server.fs.Tree;
import dchan.server.limits.Budget;
import dchan.server.limits.Limit;
import dchan.server.limits.LimitsTable;
import dchan.server.limits.Refusals;
import dchan.server.net.Acceptor;
import dchan.server.net.Connection;
import dchan.server.net.Connections;
import dchan.server.net.Loop;
import dchan.server.session.Config;
import dchan.server.session.Services;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The dchan 9P server: one listening socket, {@code threads} selector loops (connections are
 * spread round-robin), one tree of channels shared by all connections, the snapshot thread, and
 * the limits that protect them (memory budget, connections, files; see {@link Config}).
 */
public final class Server implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Server.class.getName());
  /** Connections allowed when the descriptor limit would allow more. */
  static final int DEFAULT_MAX_CONNECTIONS = 4096;

  private final Config config;
  private final Tree tree;
  private final Budget budget;
  private final Refusals refusals = new Refusals();
  private final Connections connections;
  private final Snapshots snapshots;
  private final Loop[] loops;
  private final ServerSocketChannel listener;

  public Server(InetSocketAddress address, Config requested, int threads) throws IOException {
    loops = new Loop[Math.max(1, threads)];
    this.config = effective(requested, loops.length);
    tree = new Tree(config.maxFiles(), config.maxDepth());
    budget = new Budget(config.maxMemory());
    tree.onDroppedBytes(budget::releaseHeld);
    connections = new Connections(config.maxConnections());
    Stats stats = new Stats(tree);
    Ctl ctl = new Ctl(tree);
    LimitsTable limits = limitsTable();
    Map<SpecialFile.Kind, Supplier<byte[]>> sources = Map.of(
        SpecialFile.Kind.CTL, ctl::text,
        SpecialFile.Kind.STATS, stats::text,
        SpecialFile.Kind.LIMITS, limits::text);
    snapshots = new Snapshots(sources, stats::sample, true);
    Services services = new Services(config, tree, ctl, snapshots, budget, refusals);
    for (int i = 0; i < loops.length; i++) {
      loops[i] = new Loop("dchan-loop-" + i);
    }
    listener = ServerSocketChannel.open();
    listener.bind(address, 1024);
    new Acceptor(listener, loops, services, connections).register();
  }

  private LimitsTable limitsTable() {
    return new LimitsTable(refusals)
        .row(Limit.CONNECTIONS, String.valueOf(config.maxConnections()), () -> connections.count())
        .row(Limit.DESCRIPTORS, String.valueOf(descriptorLimit()), null)
        .row(Limit.MEMORY, String.valueOf(budget.limit()), budget::used)
        .row(Limit.CONNECTION_MEMORY, String.valueOf(budget.share()), null)
        .row(Limit.FILES, String.valueOf(config.maxFiles()), tree::files)
        .row(Limit.DEPTH, String.valueOf(config.maxDepth()), null)
        .row(Limit.FIDS, String.valueOf(config.maxFids()), null)
        .row(Limit.OUTSTANDING, String.valueOf(config.maxOutstanding()), null)
        .row(Limit.FRAME_SIZE, String.valueOf(config.maxMsize()), null)
        .row(Limit.HANDSHAKE_TIMEOUT, seconds(config.handshakeNanos()), null)
        .row(Limit.FRAME_TIMEOUT, seconds(config.frameNanos()), null)
        .row(Limit.STALL_TIMEOUT, seconds(config.stallNanos()), null);
  }

  private static String seconds(long nanos) {
    return nanos / 1_000_000_000L + "s";
  }

  /**
   * Fills in what the flags left to the server: the memory budget (a quarter of the max heap) and
   * the connection limit (below the descriptor limit, leaving room for the server's own files).
   */
  static Config effective(Config c, int loops) {
    long memory = c.maxMemory() > 0 ? c.maxMemory() : Runtime.getRuntime().maxMemory() / 4;
    long fds = descriptorLimit();
    long room = fds - openDescriptors() - 2L * loops - 32;
    int connections = c.maxConnections() > 0 ? c.maxConnections() : DEFAULT_MAX_CONNECTIONS;
    if (fds > 0 && connections > room) {
      int lowered = (int) Math.max(1, room);
      if (c.maxConnections() > 0) {
        LOG.warning("--max-connections " + connections + " lowered to " + lowered
            + ": the descriptor limit is " + fds + " (raise it with ulimit -n)");
      }
      connections = lowered;
    }
    return c.withMaxMemory(memory).withMaxConnections(connections);
  }

  private static long descriptorLimit() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u) {
      return u.getMaxFileDescriptorCount();
    }
    return -1;
  }

  private static long openDescriptors() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u) {
      return u.getOpenFileDescriptorCount();
    }
    return 0;
  }

  public Server start() {
    for (Loop l : loops) {
      l.start();
    }
    LOG.info("dchan serving 9P2000, 9P2000.u, 9P2000.L on " + address() + "; limits: msize "
        + config.maxMsize() + ", eom " + config.eom().name().toLowerCase() + ", connections "
        + config.maxConnections() + ", memory " + config.maxMemory() + " bytes (per connection "
        + budget.share() + "), files " + config.maxFiles() + ", depth " + config.maxDepth()
        + ", fids " + config.maxFids() + ", outstanding " + config.maxOutstanding()
        + ", timeouts handshake " + seconds(config.handshakeNanos()) + " frame "
        + seconds(config.frameNanos()) + " stall " + seconds(config.stallNanos()));
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

  public Config config() {
    return config;
  }

  public Budget budget() {
    return budget;
  }

  public Refusals refusals() {
    return refusals;
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Connection c : connections.all()) {
      c.closeNow("server stopped");
    }
    for (Loop l : loops) {
      l.stop();
    }
    snapshots.close();
    LOG.info("dchan stopped");
  }
}
