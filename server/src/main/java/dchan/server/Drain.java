package dchan.server;

import dchan.server.fs.ChannelFile;
import dchan.server.fs.Quote;
import dchan.server.fs.Tree;
import dchan.server.net.Connection;
import dchan.server.net.Connections;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The graceful drain before exit (semantics.md section 12), run once on SIGTERM: the server stops
 * accepting, the tree takes no new files (EROFS), every channel is closed — new and waiting
 * writes fail with EPIPE, readers get what is buffered and then end-of-file — and the drain waits
 * until every buffered message has been taken and its reply written (then half a second more, so
 * that readers can come back for their end-of-file), or until the timeout. What is left is
 * reported, channel by channel.
 */
final class Drain {
  /** The outcome: how long it took and what was left undelivered (channel path, messages). */
  record Report(long nanos, List<String> left, long leftMessages) {
    String summary() {
      String took = String.format(java.util.Locale.ROOT, "%.1fs", nanos / 1e9);
      return leftMessages == 0 ? "drained in " + took + ": every buffered message was delivered"
          : "drain ended after " + took + ": " + leftMessages + " buffered message"
              + (leftMessages == 1 ? "" : "s") + " left undelivered (" + String.join(", ", left) + ")";
    }
  }

  /** After the last message is taken: time for readers to come back for their end-of-file. */
  static final long LINGER_NANOS = 500_000_000L;

  private Drain() {}

  static Report run(Tree tree, Connections connections, long timeoutNanos) {
    long start = System.nanoTime();
    tree.freeze();
    for (ChannelFile c : tree.liveChannels()) {
      c.channel().close();
    }
    while (System.nanoTime() - start < timeoutNanos && !settled(tree, connections)) {
      sleep(20_000_000L);
    }
    sleep(Math.min(LINGER_NANOS, timeoutNanos - (System.nanoTime() - start)));
    List<String> left = new ArrayList<>();
    long messages = 0;
    for (Tree.Entry e : tree.channels()) {
      int n = e.file().channel().snapshot().buffered();
      if (n > 0) {
        left.add(Quote.quote(e.path()) + " " + n);
        messages += n;
      }
    }
    left.sort(null);
    return new Report(System.nanoTime() - start, left, messages);
  }

  private static void sleep(long nanos) {
    if (nanos <= 0) {
      return;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A cluster node's drain: the channels are the cluster's and stay; the node waits until no reply
   * is queued for its clients and no fid holds the rest of a message (or the timeout), closes its
   * connections — their waiting requests are withdrawn through the log — and gives the
   * withdrawals a moment to apply.
   */
  static Report leave(Connections connections, dchan.server.cluster.ClusterNode node, long timeoutNanos) {
    long start = System.nanoTime();
    while (System.nanoTime() - start < timeoutNanos && !quiet(connections)) {
      sleep(20_000_000L);
    }
    for (Connection c : connections.all()) {
      c.closeNow("node leaving the cluster");
    }
    node.awaitSettled(Math.min(2_000_000_000L, Math.max(0, timeoutNanos - (System.nanoTime() - start))));
    return new Report(System.nanoTime() - start, List.of(), 0);
  }

  private static boolean quiet(Connections connections) {
    for (Connection c : connections.all()) {
      if (!c.quiet()) {
        return false;
      }
    }
    return true;
  }

  /** Nothing buffered, nothing queued for a client, no fid holding the rest of a message. */
  private static boolean settled(Tree tree, Connections connections) {
    for (ChannelFile c : tree.liveChannels()) {
      if (c.channel().snapshot().buffered() > 0) {
        return false;
      }
    }
    return quiet(connections);
  }
}
