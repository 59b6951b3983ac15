package dchan.server.net;

import dchan.server.Fatal;
import dchan.server.session.Pass;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One selector thread. It reads its connections' frames and runs their requests; any thread may
 * write replies (under the connection's session lock, see {@link Pass}). Other threads hand work
 * over with {@link #execute}, which wakes the selector at most once per batch.
 *
 * <p>One pass: select, serve every ready key, run handed-over tasks and due timers, tick the
 * handlers once a second, then end the pass: every connection that got replies in it writes them
 * in one gathering write. Nothing a connection or task throws ends the loop: a throwable closes
 * that connection (or is logged for a task); an OutOfMemoryError ends the process ({@link Fatal}).
 */
public final class Loop implements Runnable {
  private static final Logger LOG = Logger.getLogger(Loop.class.getName());
  private static final int TASKS_PER_PASS = 4096;
  private static final long TICK_NANOS = 1_000_000_000L;

  final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>(); // loop thread only
  private volatile boolean running = true;
  private long lastTick = System.nanoTime();
  /** When this pass's work began (the first ready key, or select's return); 0 between passes. */
  private long workStart;
  /** Time spent working (not waiting in select), written by the loop thread only. */
  private volatile long busyNanos;

  /** What a registered key's attachment does when ready. */
  public interface Handler {
    void ready(SelectionKey key) throws IOException;

    /** The handler threw: close what it serves. */
    void failed(Throwable t);

    /** Called about once a second on the loop thread, for timeouts. */
    default void tick(long nowNanos) {}
  }

  private record Timer(long at, Runnable task) implements Comparable<Timer> {
    @Override
    public int compareTo(Timer o) {
      return Long.compare(at, o.at);
    }
  }

  public Loop(String name) throws IOException {
    selector = Selector.open();
    thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  public String name() {
    return thread.getName();
  }

  /** Nanoseconds this loop has spent working rather than waiting for events. */
  public long busyNanos() {
    return busyNanos;
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Registers ch with this loop's selector (on the loop's thread, or before it starts). */
  public SelectionKey register(java.nio.channels.SelectableChannel ch, int ops, Handler h)
      throws IOException {
    ch.configureBlocking(false);
    return ch.register(selector, ops, h);
  }

  /** Runs task on this loop's thread, in this or the next pass. */
  public void execute(Runnable task) {
    tasks.add(task);
    if (!inLoop() && wakeupPending.compareAndSet(false, true)) {
      selector.wakeup();
    }
  }

  /** Runs task on this loop's thread after delayNanos. Call from the loop thread. */
  void schedule(long delayNanos, Runnable task) {
    assert inLoop();
    timers.add(new Timer(System.nanoTime() + delayNanos, task));
  }

  @Override
  public void run() {
    Pass pass = Pass.current();
    pass.beLoop();
    while (running) {
      try {
        long timeout = selectTimeoutMillis();
        if (timeout == 0) {
          selector.selectNow(this::serve);
        } else {
          selector.select(this::serve, timeout);
        }
        if (workStart == 0) {
          workStart = System.nanoTime();
        }
        wakeupPending.set(false);
        runTasks();
        runTimers();
        tick();
      } catch (Throwable t) {
        Fatal.check(t);
        warn("selector loop (it carries on)", t);
      }
      try {
        pass.end();
      } catch (Throwable t) {
        Fatal.check(t);
        warn("writing replies (the loop carries on)", t);
      }
      if (workStart != 0) {
        busyNanos += System.nanoTime() - workStart; // single writer
        workStart = 0;
      }
    }
    for (SelectionKey k : selector.keys()) {
      if (k.attachment() instanceof Handler h) {
        guarded(h, () -> h.failed(new IOException("server stopped")));
      }
    }
    try {
      pass.end();
      selector.close();
    } catch (Throwable ignored) {
      // shutting down
    }
  }

  private long lastWarn = System.nanoTime() - TICK_NANOS;

  /** At most one such warning a second: a failing loop must not flood the log. */
  private void warn(String what, Throwable t) {
    long now = System.nanoTime();
    if (now - lastWarn >= TICK_NANOS) {
      lastWarn = now;
      LOG.log(Level.WARNING, what, t);
    }
  }

  private long selectTimeoutMillis() {
    if (!tasks.isEmpty()) {
      return 0;
    }
    long wait = TICK_NANOS - (System.nanoTime() - lastTick);
    Timer next = timers.peek();
    if (next != null) {
      wait = Math.min(wait, next.at - System.nanoTime());
    }
    return wait <= 0 ? 0 : Math.max(1, wait / 1_000_000);
  }

  private void serve(SelectionKey key) {
    if (workStart == 0) {
      workStart = System.nanoTime();
    }
    Handler h = (Handler) key.attachment();
    if (key.isValid()) {
      guarded(h, () -> h.ready(key));
    }
  }

  private interface Body {
    void run() throws IOException;
  }

  /** Runs body; a throwable from it fails h (and one from that is only logged). */
  private static void guarded(Handler h, Body body) {
    try {
      body.run();
    } catch (Throwable t) {
      Fatal.check(t);
      try {
        h.failed(t);
      } catch (Throwable t2) {
        Fatal.check(t2);
        LOG.log(Level.WARNING, "closing after a failure failed", t2);
      }
    }
  }

  private void runTasks() {
    for (int i = 0; i < TASKS_PER_PASS; i++) {
      Runnable t = tasks.poll();
      if (t == null) {
        return;
      }
      try {
        t.run();
      } catch (Throwable e) {
        Fatal.check(e);
        warn("task failed", e);
      }
    }
  }

  private void runTimers() {
    long now = System.nanoTime();
    while (!timers.isEmpty() && timers.peek().at <= now) {
      Runnable t = timers.poll().task;
      try {
        t.run();
      } catch (Throwable e) {
        Fatal.check(e);
        warn("timer failed", e);
      }
    }
  }

  private void tick() {
    long now = System.nanoTime();
    if (now - lastTick < TICK_NANOS) {
      return;
    }
    lastTick = now;
    for (SelectionKey k : selector.keys()) {
      if (k.isValid() && k.attachment() instanceof Handler h) {
        guarded(h, () -> h.tick(now));
      }
    }
  }

  public void stop() {
    running = false;
    selector.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
