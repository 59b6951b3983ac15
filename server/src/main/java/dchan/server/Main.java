package dchan.server;

import dchan.server.cluster.ClusterConfig;
import dchan.server.net.Cidr;
import dchan.server.session.Config;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line: {@code java -jar server/target/dchan.jar [options]}. */
@Command(
    name = "dchan",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Serves Go-style channels as files over 9P (9P2000, 9P2000.u, 9P2000.L).")
public final class Main implements Callable<Integer> {
  @Option(names = "--listen", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 serves other machines).")
  String listen;

  @Option(names = "--port", defaultValue = "6666", description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one; -1: no plain TCP).")
  int port;

  @Option(names = "--allow", description = "Address blocks TCP and TLS clients may come from, comma-separated CIDRs (IPv4, IPv6). Default: loopback only (TLS with --tls-client-ca: any address with a valid certificate).")
  String allow;

  @Option(names = "--tls-port", defaultValue = "-1", description = "TLS port on the --listen address (default: none; 0 picks a free one).")
  int tlsPort;

  @Option(names = "--tls-cert", description = "PEM certificate chain of the TLS listener.")
  Path tlsCert;

  @Option(names = "--tls-key", description = "PEM private key of --tls-cert (PKCS#8, PKCS#1 or SEC1, unencrypted).")
  Path tlsKey;

  @Option(names = "--tls-client-ca", description = "PEM CA certificates: TLS clients must present a certificate that chains to one.")
  Path tlsClientCa;

  @Option(names = "--unix", description = "Also listen on a Unix domain socket at this path (removed at exit).")
  Path unix;

  @Option(names = "--unix-mode", defaultValue = "0660", description = "File mode of the --unix socket, octal (default: ${DEFAULT-VALUE}).")
  String unixMode;

  @Option(names = "--allow-uid", split = ",", description = "Users (names or numeric uids) the Unix socket admits, by peer credentials.")
  List<String> allowUid = new ArrayList<>();

  @Option(names = "--allow-gid", split = ",", description = "Groups (names or numeric gids) the Unix socket admits, by peer credentials.")
  List<String> allowGid = new ArrayList<>();

  @Option(names = "--msize", defaultValue = "1048576", description = "Largest msize offered to clients, 4096 to 16777216 (default: ${DEFAULT-VALUE}).")
  int msize;

  @Option(names = "--eom", defaultValue = "auto", description = "End-of-message mark: auto (on for 9P2000.u/.L), on, off (default: ${DEFAULT-VALUE}). A mount overrides it with aname=?eom=on|off.")
  String eom;

  @Option(names = "--threads", description = "Selector threads (default: number of cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--max-fids", defaultValue = "4096", description = "Fids per connection (default: ${DEFAULT-VALUE}).")
  int maxFids;

  @Option(names = "--max-outstanding", defaultValue = "4096", description = "Outstanding (blocked) requests per connection (default: ${DEFAULT-VALUE}).")
  int maxOutstanding;

  @Option(names = "--max-connections", defaultValue = "0", description = "Connections at once (default: 4096, lowered to fit the descriptor limit).")
  int maxConnections;

  @Option(names = "--max-memory", defaultValue = "0", description = "Memory budget for what clients make the server hold: bytes, or with k, m, g (default: a quarter of the JVM's max heap).")
  String maxMemory;

  @Option(names = "--max-files", defaultValue = "100000", description = "Channels and directories (default: ${DEFAULT-VALUE}).")
  int maxFiles;

  @Option(names = "--max-depth", defaultValue = "64", description = "Directory levels (default: ${DEFAULT-VALUE}).")
  int maxDepth;

  @Option(names = "--handshake-timeout", defaultValue = "10", description = "Seconds a new connection has to complete its Tversion (default: ${DEFAULT-VALUE}).")
  int handshakeTimeout;

  @Option(names = "--frame-timeout", defaultValue = "30", description = "Seconds a frame, once begun, has to arrive whole (default: ${DEFAULT-VALUE}).")
  int frameTimeout;

  @Option(names = "--stall-timeout", defaultValue = "60", description = "Seconds a client that takes no replies keeps its connection once reading is paused (default: ${DEFAULT-VALUE}).")
  int stallTimeout;

  @Option(names = "--log-level", defaultValue = "info", description = "warning, info, or debug (protocol traces) (default: ${DEFAULT-VALUE}).")
  String logLevel;

  @Option(names = "--log-format", defaultValue = "text", description = "text, or json: one object per line for log shippers (default: ${DEFAULT-VALUE}).")
  String logFormat;

  @Option(names = "--metrics", description = "Serve Prometheus metrics at http://ADDR:PORT/metrics and /health, e.g. 127.0.0.1:9466 (default: off).")
  String metrics;

  @Option(names = "--metrics-max-channels", defaultValue = "1000", description = "Channels with series of their own in the metrics; the rest are added up under channel=\"_other\" (default: ${DEFAULT-VALUE}).")
  int metricsMaxChannels;

  @Option(names = "--drain-timeout", defaultValue = "10", description = "Seconds SIGTERM lets readers drain buffered messages before exit (default: ${DEFAULT-VALUE}; 0: exit at once).")
  int drainTimeout;

  @Option(names = "--node", description = "This node's name in --cluster (cluster mode).")
  String node;

  @Option(names = "--cluster", description = "Every node of the cluster: NAME=HOST:PORT,... (the Raft ports; each node has its own 9P port).")
  String cluster;

  @Option(names = "--data-dir", description = "Where this node keeps its Raft log and snapshots (cluster mode).")
  Path dataDir;

  @Option(names = "--groups", defaultValue = "1", description = "Raft groups the channels are spread over, by top-level name (default: ${DEFAULT-VALUE}).")
  int groups;

  @Option(names = "--no-fsync", description = "Count an entry once a majority holds it, without forcing it to disk (faster; a whole-cluster power loss can lose recent entries).")
  boolean noFsync;

  @Option(names = "--node-timeout", defaultValue = "5", description = "Seconds after which a silent node is declared down and its waiting requests withdrawn (default: ${DEFAULT-VALUE}).")
  int nodeTimeout;

  @Option(names = "--snapshot-every", defaultValue = "10000", description = "Log entries between a group's snapshots (cluster mode; default: ${DEFAULT-VALUE}).")
  long snapshotEvery;

  /** --version: the version and the commit of this build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {Build.current().toString()};
    }
  }

  @Override
  public Integer call() throws Exception {
    Config config;
    try {
      config = config();
    } catch (IllegalArgumentException e) {
      System.err.println("dchan: " + e.getMessage());
      return 2;
    }
    Endpoints endpoints;
    try {
      endpoints = endpoints();
    } catch (IllegalArgumentException e) {
      System.err.println("dchan: " + e.getMessage());
      return 2;
    }
    List<String> problems = endpoints.problems();
    if (!problems.isEmpty()) {
      problems.forEach(p -> System.err.println("dchan: " + p));
      return 2;
    }
    InetSocketAddress metricsAt;
    ClusterConfig clusterConfig = null;
    try {
      if (node != null || cluster != null || dataDir != null) {
        clusterConfig = ClusterConfig.parse(node, cluster, dataDir, groups, !noFsync, nodeTimeout * 1000L, snapshotEvery);
      }
      require(logFormat.equals("text") || logFormat.equals("json"), "--log-format must be text or json");
      require(metricsMaxChannels >= 0, "--metrics-max-channels must be at least 0");
      require(drainTimeout >= 0, "--drain-timeout must be at least 0");
      metricsAt = metrics == null ? null : hostPort("--metrics", metrics);
    } catch (IllegalArgumentException e) {
      System.err.println("dchan: " + e.getMessage());
      return 2;
    }
    LogSetup.configure(logLevel, logFormat);
    Fatal.install();
    Server server;
    try {
      server = new Server(endpoints, config, threads, clusterConfig).start();
      if (metricsAt != null) {
        server.serveMetrics(metricsAt, metricsMaxChannels);
      }
    } catch (IllegalArgumentException | java.io.IOException e) {
      System.err.println("dchan: " + e.getMessage());
      return 2;
    }
    server.listening().forEach(System.out::println);
    if (metricsAt != null) {
      System.out.println("dchan metrics on http://" + hostText(metricsAt) + ":" + server.metricsPort() + "/metrics");
    }
    System.out.flush();
    // SIGTERM / SIGINT drain, then exit (Shutdown); the main thread just waits.
    Shutdown.install(server, drainTimeout * 1_000_000_000L);
    Thread.currentThread().join();
    return 0;
  }

  /** "ADDR:PORT", "[v6]:PORT" or ":PORT" (loopback) as an address; IllegalArgumentException names flag. */
  static InetSocketAddress hostPort(String flag, String v) {
    int colon = v.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(flag + " must be ADDR:PORT, such as 127.0.0.1:9466");
    }
    String host = v.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int p;
    try {
      p = Integer.parseInt(v.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + ": bad port in " + v);
    }
    require(p >= 0 && p <= 65535, flag + ": port must be 0 to 65535");
    try {
      return new InetSocketAddress(host.isEmpty() ? InetAddress.getLoopbackAddress() : InetAddress.getByName(host), p);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(flag + ": unknown address " + host);
    }
  }

  private static String hostText(InetSocketAddress a) {
    String h = a.getAddress().getHostAddress();
    return h.contains(":") ? "[" + h + "]" : h;
  }

  /** Where to listen and whom to admit; IllegalArgumentException names the bad flag. */
  Endpoints endpoints() {
    require(port >= -1 && port <= 65535, "--port must be -1 to 65535");
    require(tlsPort >= -1 && tlsPort <= 65535, "--tls-port must be -1 to 65535");
    InetAddress address;
    try {
      address = InetAddress.getByName(listen);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--listen: unknown address " + listen);
    }
    int mode;
    try {
      mode = Integer.parseInt(unixMode, 8);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--unix-mode must be octal, such as 0660");
    }
    return new Endpoints(address, port, tlsPort, tlsCert, tlsKey, tlsClientCa,
        allow == null ? null : Cidr.parseList(allow), unix, mode, allowUid, allowGid);
  }

  /** The flags as a Config; IllegalArgumentException names the bad one. */
  Config config() {
    Config.Eom mode;
    try {
      mode = Config.Eom.valueOf(eom.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--eom must be auto, on or off");
    }
    require(msize >= Config.MIN_MSIZE && msize <= Config.MAX_MSIZE, "--msize must be 4096 to " + Config.MAX_MSIZE);
    require(maxFids >= 1, "--max-fids must be at least 1");
    require(maxOutstanding >= 1, "--max-outstanding must be at least 1");
    require(maxConnections >= 0, "--max-connections must be at least 1");
    require(maxFiles >= 1, "--max-files must be at least 1");
    require(maxDepth >= 1, "--max-depth must be at least 1");
    require(handshakeTimeout >= 1 && frameTimeout >= 1 && stallTimeout >= 1, "timeouts are at least 1 second");
    long memory = bytes(maxMemory);
    require(memory == 0 || memory >= 1 << 20, "--max-memory must be at least 1m");
    require(threads >= 1, "--threads must be at least 1");
    long s = 1_000_000_000L;
    return Config.defaults().withMsize(msize).withEom(mode).withMaxFids(maxFids)
        .withMaxOutstanding(maxOutstanding).withMaxConnections(maxConnections).withMaxMemory(memory)
        .withMaxFiles(maxFiles).withMaxDepth(maxDepth)
        .withTimeouts(handshakeTimeout * s, frameTimeout * s, stallTimeout * s);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** "123", "64k", "256m", "2g" in bytes. */
  static long bytes(String v) {
    String t = v.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (t.endsWith("k") || t.endsWith("m") || t.endsWith("g")) {
      unit = switch (t.charAt(t.length() - 1)) {
        case 'k' -> 1L << 10;
        case 'm' -> 1L << 20;
        default -> 1L << 30;
      };
      t = t.substring(0, t.length() - 1);
    }
    try {
      long n = Long.parseLong(t);
      if (n < 0 || n > Long.MAX_VALUE / unit) {
        throw new NumberFormatException();
      }
      return n * unit;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--max-memory: not a size: " + v);
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
