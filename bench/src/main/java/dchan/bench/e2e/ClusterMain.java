package dchan.bench.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The cluster beside the single server (docs/cluster.md): W1 and W3 rendezvous over one dchan
 * server, then over a three-node cluster on loopback with the log forced to disk before each
 * acknowledgement (the default) and with {@code --no-fsync}, each through one node (producer and
 * consumer on node 1) and across nodes (pair p writes through node p mod 3 and reads through node
 * p+1 mod 3). Each cluster first runs W3 across nodes for --cluster-warmup seconds, unmeasured,
 * so that the JIT has compiled Ratis's paths. Prints a markdown table: messages/s, latency p50 / p99, and the CPU time of all the
 * servers together per message.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dchan.bench.e2e.ClusterMain [--jar server/target/dchan.jar]
 *     [--seconds 5] [--warmup 2] [--groups 3] [--cluster-warmup 150] [--data DIR]
 * </pre>
 */
public final class ClusterMain {
  private record Setup(List<ServerProcess> nodes) implements AutoCloseable {
    List<InetSocketAddress> addresses() {
      return nodes.stream().map(n -> n.address).toList();
    }

    LongSupplier cpu() {
      return () -> {
        long sum = 0;
        for (ServerProcess n : nodes) {
          long c = n.cpuNanos();
          if (c < 0) {
            return -1;
          }
          sum += c;
        }
        return sum;
      };
    }

    @Override
    public void close() {
      nodes.forEach(ServerProcess::close);
    }
  }

  private static final List<Workload> WORKLOADS = List.of(
      Workload.rendezvous("W1 rendezvous, 1 pair", 1, 1, 64),
      Workload.rendezvous("W3 rendezvous, 8 pairs, 8 channels", 8, 8, 64));

  public static void main(String[] args) throws Exception {
    Path jar = Path.of("server/target/dchan.jar");
    int seconds = 5;
    int warmup = 2;
    int groups = 3;
    int clusterWarmup = 150;
    Path data = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--jar" -> jar = Path.of(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--groups" -> groups = Integer.parseInt(args[++i]);
        case "--cluster-warmup" -> clusterWarmup = Integer.parseInt(args[++i]);
        case "--data" -> data = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (data == null) {
      data = Files.createTempDirectory(Path.of("bench", "target"), "cluster-data");
    }
    List<Result> single = new ArrayList<>();
    try (Setup s = new Setup(List.of(ServerProcess.dchan(jar, List.of(), List.of())))) {
      for (Workload w : WORKLOADS) {
        single.add(DchanRun.run(s.addresses(), 0, w, "s" + single.size() + "x", Window.afterWarmup(warmup, seconds), s.cpu()));
      }
    }
    // results[durability][workload][placement]
    Result[][][] results = new Result[2][WORKLOADS.size()][2];
    for (int d = 0; d < 2; d++) {
      boolean fsync = d == 0;
      try (Setup c = cluster(jar, data.resolve(fsync ? "fsync" : "nofsync"), groups, fsync)) {
        // Ratis, gRPC and Netty are much more code than the single server: the JIT needs tens of
        // seconds to minutes of load before the numbers settle (1.3k vs 0.1k msgs/s at W1 on one node).
        DchanRun.run(c.addresses(), 1, WORKLOADS.get(WORKLOADS.size() - 1), "warm", Window.afterWarmup(clusterWarmup, 1), c.cpu());
        for (int wi = 0; wi < WORKLOADS.size(); wi++) {
          Workload w = WORKLOADS.get(wi);
          results[d][wi][0] = DchanRun.run(c.addresses().subList(0, 1), 0, w, "one" + wi + "x",
              Window.afterWarmup(warmup, seconds), c.cpu());
          results[d][wi][1] = DchanRun.run(c.addresses(), 1, w, "across" + wi + "x",
              Window.afterWarmup(warmup, seconds), c.cpu());
        }
      }
    }
    deleteTree(data);
    System.out.println("| workload | through | single server | cluster, fsync | cluster, --no-fsync"
        + " | fsync / single | no-fsync / single | latency p50 / p99 / p99.9: single · fsync · no-fsync"
        + " | CPU per message, all servers: single · fsync · no-fsync |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (int wi = 0; wi < WORKLOADS.size(); wi++) {
      for (int p = 0; p < 2; p++) {
        Result s = single.get(wi);
        Result f = results[0][wi][p];
        Result n = results[1][wi][p];
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %.3f | %.3f | %s · %s · %s | %s · %s · %s |%n",
            WORKLOADS.get(wi).name(), p == 0 ? "one node" : "across nodes",
            Result.rateText(s.rate()), Result.rateText(f.rate()), Result.rateText(n.rate()),
            f.rate() / s.rate(), n.rate() / s.rate(), s.latencyText(), f.latencyText(), n.latencyText(),
            cpu(s.serverCpuMicros()), cpu(f.serverCpuMicros()), cpu(n.serverCpuMicros()));
      }
    }
  }

  private static Setup cluster(Path jar, Path dir, int groups, boolean fsync) throws IOException {
    List<String> peers = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      peers.add("n" + i + "=127.0.0.1:" + freePort());
    }
    List<CompletableFuture<ServerProcess>> starting = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      List<String> a = new ArrayList<>(List.of("--node", "n" + i, "--cluster", String.join(",", peers),
          "--data-dir", dir.resolve("n" + i).toString(), "--groups", String.valueOf(groups)));
      if (!fsync) {
        a.add("--no-fsync");
      }
      starting.add(CompletableFuture.supplyAsync(() -> {
        try {
          return ServerProcess.dchan(jar, List.of(), a);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }));
    }
    return new Setup(starting.stream().map(CompletableFuture::join).toList());
  }

  private static String cpu(double micros) {
    return micros < 0 ? "—" : String.format(Locale.ROOT, "%.0f µs", micros);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
