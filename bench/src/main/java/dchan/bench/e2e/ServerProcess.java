package dchan.bench.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server under test in its own JVM, so that its CPU time can be read from /proc: dchan ({@code
 * java -jar JAR --port 0 ...}, port read from its "listening on HOST:PORT" line) or the {@link
 * Relay} ("relay on PORT").
 */
final class ServerProcess implements AutoCloseable {
  private final Process process;
  final InetSocketAddress address;
  private final long ticksPerSecond;

  static ServerProcess dchan(Path jar, List<String> jvmArgs, List<String> serverArgs) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(jvmArgs);
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(List.of("--port", "0", "--log-level", "warning"));
    cmd.addAll(serverArgs);
    return new ServerProcess(cmd, "listening on ");
  }

  static ServerProcess relay() throws IOException {
    return new ServerProcess(List.of(java(), "-cp", System.getProperty("java.class.path"),
        Relay.class.getName()), "relay on ");
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private ServerProcess(List<String> cmd, String marker) throws IOException {
    process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    InetSocketAddress a = null;
    while ((line = r.readLine()) != null) {
      int i = line.indexOf(marker);
      if (i >= 0) {
        String hostPort = line.substring(i + marker.length()).trim();
        int colon = hostPort.lastIndexOf(':');
        a = new InetSocketAddress("127.0.0.1", Integer.parseInt(hostPort.substring(colon + 1)));
        break;
      }
    }
    if (a == null) {
      throw new IOException("server did not start: " + cmd);
    }
    address = a;
    Thread drain = new Thread(() -> {
      try {
        while (r.readLine() != null) {
          // keep the pipe empty
        }
      } catch (IOException ignored) {
        // process ended
      }
    });
    drain.setDaemon(true);
    drain.start();
    ticksPerSecond = clockTicks();
  }

  /** User + system CPU time of the server process so far, in nanoseconds (from /proc/PID/stat). */
  long cpuNanos() {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
      return ticks * 1_000_000_000L / ticksPerSecond;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
      String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(5, TimeUnit.SECONDS);
      return Long.parseLong(s);
    } catch (IOException | RuntimeException | InterruptedException e) {
      return 100;
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
