package dchan.server;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One selector thread. Owns its connections: everything a connection does runs here. Other
 * threads hand work over with {@link #execute}, which wakes the selector at most once per batch.
 */
final class Loop implements Runnable {
  private static final Logger LOG = Logger.getLogger(Loop.class.getName());
  private static final int TASKS_PER_TURN = 4096;

  final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private volatile boolean running = true;
  private long lastTick = System.nanoTime();

  /** What a registered key's attachment does when ready. */
  interface Handler {
    void ready(SelectionKey key) throws IOException;

    void failed(Throwable t);

    /** Called about once a second on the loop thread, for timeouts. */
    default void tick(long nowNanos) {}
  }

  Loop(String name) throws IOException {
    selector = Selector.open();
    thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  void execute(Runnable task) {
    tasks.add(task);
    if (!inLoop() && wakeupPending.compareAndSet(false, true)) {
      selector.wakeup();
    }
  }

  @Override
  public void run() {
    while (running) {
      try {
        if (tasks.isEmpty()) {
          selector.select(1000);
        } else {
          selector.selectNow();
        }
        wakeupPending.set(false);
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey key = it.next();
          it.remove();
          Handler h = (Handler) key.attachment();
          try {
            if (key.isValid()) {
              h.ready(key);
            }
          } catch (IOException | RuntimeException e) {
            h.failed(e);
          }
        }
        long now = System.nanoTime();
        if (now - lastTick >= 1_000_000_000L) {
          lastTick = now;
          for (SelectionKey k : selector.keys()) {
            if (k.isValid()) {
              ((Handler) k.attachment()).tick(now);
            }
          }
        }
        for (int i = 0; i < TASKS_PER_TURN; i++) {
          Runnable t = tasks.poll();
          if (t == null) {
            break;
          }
          try {
            t.run();
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "task failed", e);
          }
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "selector loop", e);
      }
    }
    try {
      for (SelectionKey k : selector.keys()) {
        k.channel().close();
      }
      selector.close();
    } catch (IOException ignored) {
      // shutting down
    }
  }

  void stop() {
    running = false;
    selector.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
