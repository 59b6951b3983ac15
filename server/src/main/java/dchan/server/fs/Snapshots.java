package dchan.server.fs;

import dchan.server.Fatal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Builds the text of the special files (ctl, stats, limits, clients) off the selector loops, and samples
 * the channel rates once a second, on one thread ("dchan-snapshots").
 *
 * <p>A read of a special file from offset 0 asks for a snapshot ({@link #request}); it is
 * answered by the first build that <em>starts</em> after the request, so a reader sees every
 * change made before its read (a client that wrote and then reads stats sees its write). All
 * requests waiting when a build starts share its one result, so any number of readers cost one
 * build. Builds are paced: after a build that took T, the next starts no sooner than T later, so
 * building takes at most half of one core however hard it is asked, and no loop ever waits for
 * it. The thread survives anything but an OutOfMemoryError ({@link Fatal}).
 */
public final class Snapshots implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Snapshots.class.getName());
  private static final long SAMPLE_NANOS = 1_000_000_000L;

  /**
   * Called with the snapshot's bytes, or null if building it failed, on the snapshot thread (or
   * the caller's, when inline).
   */
  public interface Waiter {
    void ready(byte[] text);
  }

  /** A request for a snapshot: answered once, unless cancelled first. */
  public static final class Ticket {
    private final SpecialFile.Kind kind;
    private final Waiter waiter;
    private final AtomicBoolean done = new AtomicBoolean();

    Ticket(SpecialFile.Kind kind, Waiter waiter) {
      this.kind = kind;
      this.waiter = waiter;
    }

    /** Withdraws the request: true if it had not been answered (then it never will be). */
    public boolean cancel() {
      return done.compareAndSet(false, true);
    }

    void deliver(byte[] text) {
      if (done.compareAndSet(false, true)) {
        waiter.ready(text);
      }
    }
  }

  private final Map<SpecialFile.Kind, Supplier<byte[]>> sources = new EnumMap<>(SpecialFile.Kind.class);
  private final Runnable sampler;
  private final Thread thread;
  private final List<Ticket> waiting = new ArrayList<>(); // guarded by this
  private boolean closed; // guarded by this

  /**
   * @param sources the text of each special file
   * @param sampler run about once a second (the stats rates)
   * @param threaded false: build inline, in the requesting thread (tests and fuzzing)
   */
  public Snapshots(Map<SpecialFile.Kind, Supplier<byte[]>> sources, Runnable sampler, boolean threaded) {
    this.sources.putAll(sources);
    this.sampler = sampler;
    thread = threaded ? new Thread(this::run, "dchan-snapshots") : null;
    if (thread != null) {
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** Asks for a snapshot of kind's text; waiter is called once it is built, unless cancelled. */
  public Ticket request(SpecialFile.Kind kind, Waiter waiter) {
    Ticket t = new Ticket(kind, waiter);
    if (thread == null) {
      t.deliver(orNull(text(kind)));
      return t;
    }
    synchronized (this) {
      waiting.add(t);
      notifyAll();
    }
    return t;
  }

  private void run() {
    long nextSample = System.nanoTime() + SAMPLE_NANOS;
    long notBefore = 0;
    while (true) {
      List<Ticket> batch;
      synchronized (this) {
        long now = System.nanoTime();
        while (!closed && now < nextSample && (waiting.isEmpty() || now < notBefore)) {
          long until = waiting.isEmpty() ? nextSample : Math.min(nextSample, notBefore);
          try {
            long ms = Math.max(1, (until - now) / 1_000_000);
            wait(ms);
          } catch (InterruptedException e) {
            return;
          }
          now = System.nanoTime();
        }
        if (closed) {
          return;
        }
        batch = now >= notBefore ? new ArrayList<>(waiting) : List.of();
        waiting.removeAll(batch);
      }
      long start = System.nanoTime();
      if (start >= nextSample) {
        guarded("sampling", sampler);
        nextSample = start + SAMPLE_NANOS;
      }
      if (!batch.isEmpty()) {
        long t0 = System.nanoTime();
        build(batch);
        notBefore = System.nanoTime() + (System.nanoTime() - t0);
      }
    }
  }

  /** Builds each kind the batch asks for once and answers every ticket; a failure answers null. */
  private void build(List<Ticket> batch) {
    Map<SpecialFile.Kind, byte[]> built = new HashMap<>();
    for (Ticket t : batch) {
      byte[] text = built.computeIfAbsent(t.kind, this::text);
      guarded("answering a snapshot request", () -> t.deliver(orNull(text)));
    }
  }

  private static final byte[] FAILED = new byte[0];

  private static byte[] orNull(byte[] text) {
    return text == FAILED ? null : text;
  }

  private byte[] text(SpecialFile.Kind kind) {
    try {
      return sources.get(kind).get();
    } catch (Throwable t) {
      Fatal.check(t);
      LOG.log(Level.WARNING, "building " + kind.fileName + " failed", t);
      return FAILED;
    }
  }

  private static void guarded(String what, Runnable task) {
    try {
      task.run();
    } catch (Throwable t) {
      Fatal.check(t);
      LOG.log(Level.WARNING, "snapshot thread: " + what + " failed (it carries on)", t);
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
  }
}
