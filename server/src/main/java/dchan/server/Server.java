package dchan.server;

import dchan.server.cluster.ClusterConfig;
import dchan.server.cluster.ClusterMetrics;
import dchan.server.cluster.ClusterNode;
import dchan.server.cluster.ClusterTable;
import dchan.server.fs.Ctl;
import dchan.server.fs.Snapshots;
import dchan.server.fs.SpecialFile;
import dchan.server.fs.Stats;
import dchan.server.fs.Tree;
import dchan.server.limits.Budget;
import dchan.server.limits.Limit;
import dchan.server.limits.LimitsTable;
import dchan.server.limits.Refusals;
import dchan.server.metrics.Metrics;
import dchan.server.metrics.MetricsEndpoint;
import dchan.server.net.Acceptor;
import dchan.server.net.ClientsTable;
import dchan.server.net.Connection;
import dchan.server.net.Connections;
import dchan.server.net.Listener;
import dchan.server.net.Loop;
import dchan.server.net.TlsContext;
import dchan.server.session.Config;
import dchan.server.session.Counters;
import dchan.server.session.Services;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The dchan 9P server: its listeners (plain TCP, TLS, a Unix socket; see {@link Endpoints}),
 * {@code threads} selector loops (connections are spread round-robin), one tree of channels
 * shared by all connections, the snapshot thread, and the limits that protect them (memory
 * budget, connections, files; see {@link Config}).
 */
public final class Server implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Server.class.getName());
  /** Connections allowed when the descriptor limit would allow more. */
  static final int DEFAULT_MAX_CONNECTIONS = 4096;

  private final Config config;
  private final Tree tree;
  private final Budget budget;
  private final Refusals refusals = new Refusals();
  private final Counters counters = new Counters();
  private final Connections connections;
  private final Snapshots snapshots;
  private final Loop[] loops;
  private final List<Listener> listeners = new ArrayList<>();
  private final Endpoints endpoints;
  private volatile boolean draining;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  private MetricsEndpoint metrics;
  private final ClusterNode node; // null: a single server

  /** Plain TCP on address, admitting loopback clients (tests, benchmarks). */
  public Server(InetSocketAddress address, Config requested, int threads) throws IOException {
    this(Endpoints.tcp(address), requested, threads);
  }

  /**
   * A server on every endpoint given.
   *
   * @throws IllegalArgumentException if the endpoints have problems ({@link Endpoints#problems})
   *     or the TLS files cannot be read
   */
  public Server(Endpoints endpoints, Config requested, int threads) throws IOException {
    this(endpoints, requested, threads, null);
  }

  /**
   * A server on every endpoint given; with cluster, a node of that cluster (docs/cluster.md): it
   * joins the cluster and catches up before it listens.
   */
  public Server(Endpoints endpoints, Config requested, int threads, ClusterConfig cluster) throws IOException {
    List<String> problems = endpoints.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    this.endpoints = endpoints;
    loops = new Loop[Math.max(1, threads)];
    this.config = effective(requested, loops.length);
    // In a cluster the file limit is per group, kept by the replicated state machine.
    tree = new Tree(cluster == null ? config.maxFiles() : Integer.MAX_VALUE, config.maxDepth(), cluster != null);
    budget = new Budget(config.maxMemory());
    if (cluster == null) {
      tree.onDroppedBytes(budget::releaseHeld); // a cluster's buffers are outside the budget
    }
    connections = new Connections(config.maxConnections());
    Stats stats = new Stats(tree);
    Ctl ctl = new Ctl(tree);
    LimitsTable limits = limitsTable();
    Map<SpecialFile.Kind, Supplier<byte[]>> sources = new EnumMap<>(Map.of(
        SpecialFile.Kind.CTL, ctl::text,
        SpecialFile.Kind.STATS, stats::text,
        SpecialFile.Kind.LIMITS, limits::text,
        SpecialFile.Kind.CLIENTS, new ClientsTable(connections)::text));
    // Replicated buffers get half the memory budget, shared by the groups.
    node = cluster == null ? null : new ClusterNode(cluster, tree, ctl, config.maxFiles(),
        config.maxMemory() / 2 / cluster.groups(), config.maxMsize());
    if (node != null) {
      sources.put(SpecialFile.Kind.CLUSTER, new ClusterTable(node)::text);
    }
    snapshots = new Snapshots(sources, stats::sample, true);
    Services services;
    if (node == null) {
      services = Services.local(config, tree, ctl, snapshots, budget, refusals, counters);
    } else {
      try {
        node.start();
      } catch (IOException | RuntimeException e) {
        node.close();
        snapshots.close();
        throw e;
      }
      services = new Services(config, tree, ctl, snapshots, budget, refusals, counters, node, node);
    }
    for (int i = 0; i < loops.length; i++) {
      loops[i] = new Loop("dchan-loop-" + i);
    }
    try {
      open(endpoints);
      for (Listener l : listeners) {
        new Acceptor(l, loops, services, connections).register();
      }
    } catch (IOException | RuntimeException e) {
      closeListeners();
      throw e;
    }
  }

  private void open(Endpoints e) throws IOException {
    if (e.port() >= 0) {
      listeners.add(Listener.tcp(bind(new InetSocketAddress(e.listen(), e.port())), e.tcpAllow()));
    }
    if (e.tlsPort() >= 0) {
      TlsContext tls;
      try {
        tls = new TlsContext(e.tlsCert(), e.tlsKey(), e.tlsClientCa());
      } catch (IOException | GeneralSecurityException x) {
        throw new IllegalArgumentException("TLS: " + x.getMessage(), x);
      }
      listeners.add(Listener.tls(bind(new InetSocketAddress(e.listen(), e.tlsPort())), e.tlsAllow(), tls));
    }
    if (e.unix() != null) {
      listeners.add(Listener.unix(bindUnix(e.unix(), e.unixMode()), users(e.allowUids()), groups(e.allowGids())));
    }
  }

  private static ServerSocketChannel bind(InetSocketAddress a) throws IOException {
    ServerSocketChannel ch = ServerSocketChannel.open();
    ch.bind(a, 1024);
    return ch;
  }

  /**
   * Binds the Unix socket at path with the given mode. A socket file nobody listens on (left by a
   * server that died) is replaced; one a live server listens on, or any other file, is not.
   */
  private static ServerSocketChannel bindUnix(Path path, int mode) throws IOException {
    if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
          java.nio.file.LinkOption.NOFOLLOW_LINKS).isOther()) {
        throw new IllegalArgumentException("--unix " + path + " exists and is not a socket");
      }
      try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
        throw new IllegalArgumentException("--unix " + path + ": another server listens on it");
      } catch (IOException stale) {
        Files.delete(path); // nobody listens: left by a server that died
      }
    }
    ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    ch.bind(UnixDomainSocketAddress.of(path), 1024);
    Files.setPosixFilePermissions(path, permissions(mode));
    return ch;
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int bit = 0; bit < 9; bit++) {
      if ((mode & (1 << bit)) != 0) {
        p.add(order[bit]);
      }
    }
    return p;
  }

  private static Set<UserPrincipal> users(List<String> names) throws IOException {
    UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
    Set<UserPrincipal> out = new HashSet<>();
    for (String n : names) {
      try {
        out.add(lookup.lookupPrincipalByName(n)); // a name, or a numeric uid
      } catch (IOException e) {
        throw new IllegalArgumentException("--allow-uid: no such user: " + n);
      }
    }
    return out;
  }

  private static Set<GroupPrincipal> groups(List<String> names) throws IOException {
    UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
    Set<GroupPrincipal> out = new HashSet<>();
    for (String n : names) {
      try {
        out.add(lookup.lookupPrincipalByGroupName(n));
      } catch (IOException e) {
        throw new IllegalArgumentException("--allow-gid: no such group: " + n);
      }
    }
    return out;
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
    String note = endpoints.loopbackOnlyNote();
    if (note != null) {
      LOG.warning(note);
    }
    LOG.info("dchan serving 9P2000, 9P2000.u, 9P2000.L on " + describe() + "; limits: msize "
        + config.maxMsize() + ", eom " + config.eom().name().toLowerCase() + ", connections "
        + config.maxConnections() + ", memory " + config.maxMemory() + " bytes (per connection "
        + budget.share() + "), files " + config.maxFiles() + ", depth " + config.maxDepth()
        + ", fids " + config.maxFids() + ", outstanding " + config.maxOutstanding()
        + ", timeouts handshake " + seconds(config.handshakeNanos()) + " frame "
        + seconds(config.frameNanos()) + " stall " + seconds(config.stallNanos()));
    return this;
  }

  /** What each listener serves, for the start log and the "listening" lines. */
  public List<String> listening() {
    List<String> out = new ArrayList<>();
    for (Listener l : listeners) {
      String at = local(l).toString();
      out.add(switch (l.kind()) {
        case TCP -> "dchan listening on " + at;
        case TLS -> "dchan listening for TLS on " + at;
        case UNIX -> "dchan listening on unix " + at;
      });
    }
    return out;
  }

  private String describe() {
    List<String> out = new ArrayList<>();
    for (Listener l : listeners) {
      out.add(l.kind().name().toLowerCase() + " " + local(l));
    }
    return String.join(", ", out);
  }

  private static Object local(Listener l) {
    try {
      return l.channel().getLocalAddress();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The plain TCP address (or null if there is none). */
  public InetSocketAddress address() {
    return (InetSocketAddress) localOf(Listener.Kind.TCP);
  }

  /** The TLS address (or null). */
  public InetSocketAddress tlsAddress() {
    return (InetSocketAddress) localOf(Listener.Kind.TLS);
  }

  private Object localOf(Listener.Kind kind) {
    for (Listener l : listeners) {
      if (l.kind() == kind) {
        return local(l);
      }
    }
    return null;
  }

  public Tree tree() {
    return tree;
  }

  /** This server's cluster node, or null for a single server. */
  public ClusterNode clusterNode() {
    return node;
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

  /**
   * Serves Prometheus metrics and /health over HTTP at {@code at} (port 0: a free one), with
   * per-channel series for at most {@code maxChannels} channels; returns the port.
   */
  public int serveMetrics(InetSocketAddress at, int maxChannels) throws IOException {
    Build b = Build.current();
    Metrics m = new Metrics(new Metrics.Sources(tree, connections, budget, refusals, counters, loops,
        () -> draining, b.version(), b.commit()), maxChannels);
    metrics = new MetricsEndpoint(at, m, () -> !draining && !closed.get(),
        node == null ? List.of() : List.of(new ClusterMetrics(node)));
    LOG.info("metrics on http://" + at.getAddress().getHostAddress() + ":" + metrics.port()
        + "/metrics (per-channel series for at most " + maxChannels + " channels)");
    return metrics.port();
  }

  /** The metrics port, or -1 if metrics are off. */
  public int metricsPort() {
    return metrics == null ? -1 : metrics.port();
  }

  /** True from the start of a drain (or a close) on: the server no longer accepts. */
  public boolean draining() {
    return draining;
  }

  /**
   * Drains before exit (see {@link Drain}): stops accepting, refuses new files, closes every
   * channel and waits up to timeoutNanos for readers to take what is buffered; logs and returns
   * what was left. The caller closes the server afterwards.
   */
  public Drain.Report drain(long timeoutNanos) {
    draining = true;
    if (node != null) {
      // A node leaves its cluster: the channels, and what they buffer, stay with the others.
      closeListeners();
      LOG.info("draining: no longer accepting; waiting up to " + seconds(timeoutNanos)
          + " for this node's replies to go out; the channels stay with the cluster");
      Drain.Report r = Drain.leave(connections, node, timeoutNanos);
      LOG.info(String.format(java.util.Locale.ROOT, "left the cluster in %.1fs; buffered messages stay with it",
          r.nanos() / 1e9));
      return r;
    }
    long buffered = 0;
    int channels = 0;
    for (dchan.server.fs.ChannelFile c : tree.liveChannels()) {
      buffered += c.channel().snapshot().buffered();
      channels++;
    }
    closeListeners();
    LOG.info("draining: no longer accepting; " + buffered + " buffered message" + (buffered == 1 ? "" : "s")
        + " on " + channels + " channel" + (channels == 1 ? "" : "s") + "; channels closed; waiting up to "
        + seconds(timeoutNanos) + " for readers");
    Drain.Report r = Drain.run(tree, connections, timeoutNanos);
    if (r.leftMessages() == 0) {
      LOG.info(r.summary());
    } else {
      LOG.warning(r.summary());
    }
    return r;
  }

  /** Closes every listener; removes the Unix socket file if this server bound it. */
  private void closeListeners() {
    for (Listener l : listeners) {
      try {
        l.channel().close();
        if (l.kind() == Listener.Kind.UNIX) {
          Files.deleteIfExists(endpoints.unix());
        }
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeListeners();
    if (metrics != null) {
      metrics.close();
    }
    if (node != null) {
      node.close();
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
