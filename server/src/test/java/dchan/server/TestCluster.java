package dchan.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A dchan cluster for tests: N nodes, each the real jar in its own process (ServerProcess), on
 * loopback, with a data directory each; nodes can be killed (SIGKILL) and started again with
 * the same flags.
 */
final class TestCluster implements AutoCloseable {
  final int size;
  final int groups;
  private final String cluster;
  private final Path data;
  private final List<String> extra;
  final ServerProcess[] nodes;

  TestCluster(int size, int groups, String... extraFlags) throws IOException {
    this.size = size;
    this.groups = groups;
    this.extra = List.of(extraFlags);
    this.data = Files.createTempDirectory("dchan-cluster");
    List<String> peers = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      peers.add("n" + i + "=127.0.0.1:" + freePort());
    }
    cluster = String.join(",", peers);
    nodes = new ServerProcess[size];
    List<CompletableFuture<Void>> starting = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int k = i;
      starting.add(CompletableFuture.runAsync(() -> start(k)));
    }
    starting.forEach(CompletableFuture::join);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Starts node i (0-based) with its flags; returns once it serves (a majority must be up). */
  void start(int i) {
    List<String> args = new ArrayList<>(List.of("--node", "n" + (i + 1), "--cluster", cluster,
        "--data-dir", data.resolve("n" + (i + 1)).toString(), "--groups", String.valueOf(groups)));
    args.addAll(extra);
    try {
      nodes[i] = new ServerProcess(List.of("-Xmx256m"), args, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts several nodes at once (a restart of a whole cluster needs a majority to come up together). */
  void startAll(int... which) {
    List<CompletableFuture<Void>> starting = new ArrayList<>();
    for (int i : which) {
      starting.add(CompletableFuture.runAsync(() -> start(i)));
    }
    starting.forEach(CompletableFuture::join);
  }

  /** SIGKILL: no drain, no goodbye. */
  void kill(int i) throws InterruptedException {
    nodes[i].process.destroyForcibly();
    nodes[i].process.waitFor();
  }

  /** Node i's data directory (0-based). */
  Path dataDir(int i) {
    return data.resolve("n" + (i + 1));
  }

  P9Client client(int i) throws IOException {
    return nodes[i].client();
  }

  @Override
  public void close() throws IOException {
    for (ServerProcess n : nodes) {
      if (n != null) {
        n.close();
      }
    }
    try (var walk = Files.walk(data)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
