package dchan.server.session;

import dchan.server.fs.Ctl;
import dchan.server.fs.Node;
import dchan.server.fs.Tree;
import dchan.server.wire.P9Error;
import java.util.concurrent.CompletableFuture;

/**
 * How the tree changes: at once, on the session's thread (one server: {@link #local}), or through
 * the cluster's log, completing when the node's replica has applied the change. A failed future
 * carries a {@link P9Error}. Completions may run on any thread; the session takes its own lock to
 * answer (see {@link Session#later}).
 */
public interface Mutations {
  CompletableFuture<Node> createChannel(Node dir, String name);

  CompletableFuture<Node> mkdir(Node dir, String name);

  CompletableFuture<Void> remove(Node n);

  CompletableFuture<Void> rename(Node n, Node dir, String name);

  /** A ctl write (semantics.md section 7). */
  CompletableFuture<Void> ctl(String text);

  /** The single server's: every change applied at once to tree. */
  static Mutations local(Tree tree, Ctl ctl) {
    return new Mutations() {
      @Override
      public CompletableFuture<Node> createChannel(Node dir, String name) {
        return call(() -> tree.createChannel(dir, name));
      }

      @Override
      public CompletableFuture<Node> mkdir(Node dir, String name) {
        return call(() -> tree.mkdir(dir, name));
      }

      @Override
      public CompletableFuture<Void> remove(Node n) {
        return call(() -> {
          tree.remove(n);
          return null;
        });
      }

      @Override
      public CompletableFuture<Void> rename(Node n, Node dir, String name) {
        return call(() -> {
          tree.rename(n, dir, name);
          return null;
        });
      }

      @Override
      public CompletableFuture<Void> ctl(String text) {
        return call(() -> {
          ctl.write(text);
          return null;
        });
      }
    };
  }

  /** A change that may fail with a P9Error. */
  interface Change<T> {
    T apply() throws P9Error;
  }

  /** change applied now, as a completed (or failed) future. */
  static <T> CompletableFuture<T> call(Change<T> change) {
    try {
      return CompletableFuture.completedFuture(change.apply());
    } catch (P9Error e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
