package dchan.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The real server, {@code server/target/dchan.jar}, in its own process (a small heap makes memory
 * bounds testable), for the attack tests. Collects every line it prints.
 */
final class ServerProcess implements AutoCloseable {
  final Process process;
  final InetSocketAddress address;
  final List<String> lines = new CopyOnWriteArrayList<>();

  /**
   * Starts {@code java JVMARGS -jar dchan.jar --port 0 ARGS}, under {@code ulimit -n NOFILE} if
   * nofile > 0, and waits for its "listening on" line.
   */
  ServerProcess(List<String> jvmArgs, List<String> args, int nofile) throws IOException {
    String jar = System.getProperty("dchan.jar", "target/dchan.jar");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-jar", jar, "--port", "0"));
    cmd.addAll(args);
    if (nofile > 0) {
      List<String> sh = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + nofile + " && exec \"$@\"", "dchan"));
      sh.addAll(cmd);
      cmd = sh;
    }
    process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    InetSocketAddress a = null;
    String line;
    while ((line = r.readLine()) != null) {
      lines.add(line);
      int i = line.indexOf("listening on ");
      if (i >= 0) {
        String hostPort = line.substring(i + "listening on ".length()).trim();
        a = new InetSocketAddress("127.0.0.1", Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1)));
        break;
      }
    }
    if (a == null) {
      throw new IOException("server did not start: " + lines);
    }
    address = a;
    Thread drain = new Thread(() -> {
      try {
        for (String l; (l = r.readLine()) != null; ) {
          lines.add(l);
        }
      } catch (IOException ignored) {
        // ended
      }
    });
    drain.setDaemon(true);
    drain.start();
  }

  ServerProcess(String... args) throws IOException {
    this(List.of("-Xmx128m"), List.of(args), 0);
  }

  private static final java.util.regex.Pattern METRICS_LINE =
      java.util.regex.Pattern.compile("metrics on http://[^ ]*:(\\d+)/metrics");

  /** The port of --metrics, from its log line (started before the server listens). */
  int metricsPort() {
    for (String l : lines) {
      java.util.regex.Matcher m = METRICS_LINE.matcher(l);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("no metrics line in " + lines);
  }

  P9Client client() throws IOException {
    return new P9Client(address);
  }

  /** Resident memory of the server process, in bytes (VmRSS). */
  long rss() throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  long count(String substring) {
    return lines.stream().filter(l -> l.contains(substring)).count();
  }

  /** Sends the process a signal by name ("TERM", "INT"). */
  void signal(String name) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start().waitFor();
  }

  /** Ends the process at once (SIGKILL): tests that want the drain send SIGTERM themselves. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
