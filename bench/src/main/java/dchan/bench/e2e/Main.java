package dchan.bench.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * End-to-end benchmark: every workload of {@link Workload#all()} over dchan (a server in its
 * own JVM) and over raw TCP, in one invocation, on loopback. Prints a markdown table with
 * messages/s, latency percentiles (p50 / p99 / p99.9, write to read), the server's CPU time per
 * message and dchan's ratio to raw TCP.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dchan.bench.e2e.Main [--jar server/target/dchan.jar]
 *     [--seconds 5] [--warmup 2] [--only SUBSTRING] [--server-arg ARG]... [--jvm-arg ARG]...
 * </pre>
 */
public final class Main {
  private static String cpu(double micros) {
    return micros < 0 ? "—" : String.format(Locale.ROOT, "%.1f µs", micros);
  }

  public static void main(String[] args) throws Exception {
    Path jar = Path.of("server/target/dchan.jar");
    int seconds = 5;
    int warmup = 2;
    List<String> only = new ArrayList<>();
    List<String> serverArgs = new ArrayList<>();
    List<String> jvmArgs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--jar" -> jar = Path.of(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--only" -> only.add(args[++i]);
        case "--server-arg" -> serverArgs.add(args[++i]);
        case "--jvm-arg" -> jvmArgs.add(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (!Files.exists(jar)) {
      throw new IllegalArgumentException(jar + " not found: build with mvn -B -q -DskipTests package");
    }
    List<Workload> workloads = new ArrayList<>();
    for (Workload w : Workload.all()) {
      if (only.isEmpty() || only.stream().anyMatch(o -> w.name().contains(o))) {
        workloads.add(w);
      }
    }
    System.out.println("| workload | dchan msgs/s | raw TCP | raw TCP via relay | dchan / raw TCP | dchan / relay"
        + " | dchan latency p50 / p99 / p99.9 | raw TCP latency | server CPU per message | relay CPU per message |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    int run = 0;
    try (ServerProcess server = ServerProcess.dchan(jar, jvmArgs, serverArgs);
        ServerProcess relay = ServerProcess.relay()) {
      for (Workload w : workloads) {
        Result d = DchanRun.run(server, w, "e2e" + run++ + "x", Window.afterWarmup(warmup, seconds));
        Result r = RawTcpRun.run(w, Window.afterWarmup(warmup, seconds), null, null);
        Result v = RawTcpRun.run(w, Window.afterWarmup(warmup, seconds), relay.address, relay::cpuNanos);
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %.2f | %.2f | %s | %s | %s | %s |%n", w.name(),
            Result.rateText(d.rate()), Result.rateText(r.rate()), Result.rateText(v.rate()),
            d.rate() / r.rate(), d.rate() / v.rate(), d.latencyText(), r.latencyText(),
            cpu(d.serverCpuMicros()), cpu(v.serverCpuMicros()));
        System.out.flush();
      }
    }
  }
}
