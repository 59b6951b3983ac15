package dchan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dchan.server.net.Loop;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, row 1: an Error thrown while serving one connection closes only that connection; the
 * loop serves everyone else on; an OutOfMemoryError ends the process ({@link Fatal}).
 */
class FailureIsolationTest {
  private final AtomicInteger halts = new AtomicInteger();
  private final Runnable realHalt = Fatal.halt;

  @AfterEach
  void restore() {
    Fatal.halt = realHalt;
  }

  /** A handler on a pipe that throws what it is given when its pipe is readable. */
  private static final class Thrower implements Loop.Handler {
    final Supplier<Throwable> what;
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    final CountDownLatch failed = new CountDownLatch(1);
    SelectionKey key;

    Thrower(Supplier<Throwable> what) {
      this.what = what;
    }

    @Override
    public void ready(SelectionKey key) {
      this.key = key;
      Throwable t = what.get();
      if (t instanceof Error e) {
        throw e;
      }
      throw (RuntimeException) t;
    }

    @Override
    public void failed(Throwable t) {
      failures.add(t);
      try {
        key.channel().close(); // what a connection does: close itself
      } catch (java.io.IOException ignored) {
        // closing anyway
      }
      failed.countDown();
    }
  }

  private static Pipe armed(Loop loop, Loop.Handler h) throws Exception {
    Pipe p = Pipe.open();
    CountDownLatch registered = new CountDownLatch(1);
    loop.execute(() -> {
      try {
        loop.register(p.source(), SelectionKey.OP_READ, h);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      registered.countDown();
    });
    assertTrue(registered.await(5, TimeUnit.SECONDS));
    p.sink().write(ByteBuffer.wrap(new byte[] {1}));
    return p;
  }

  @Test
  void anErrorFromOneConnectionFailsOnlyThatOneAndTheLoopServesOn() throws Exception {
    Fatal.halt = halts::incrementAndGet;
    Loop loop = new Loop("test-loop");
    loop.start();
    try {
      for (Supplier<Throwable> t : List.<Supplier<Throwable>>of(StackOverflowError::new,
          () -> new NoClassDefFoundError("x"), () -> new IllegalStateException("bug"))) {
        Thrower h = new Thrower(t);
        armed(loop, h);
        assertTrue(h.failed.await(5, TimeUnit.SECONDS), "failed() closes the one connection");
        assertEquals(t.get().getClass(), h.failures.get(0).getClass());
      }
      CountDownLatch alive = new CountDownLatch(1);
      loop.execute(alive::countDown);
      assertTrue(alive.await(5, TimeUnit.SECONDS), "the loop still runs");
      assertEquals(0, halts.get(), "no halt for anything but OutOfMemoryError");
      Thrower oom = new Thrower(() -> new OutOfMemoryError("Java heap space"));
      armed(loop, oom);
      assertTrue(oom.failed.await(5, TimeUnit.SECONDS));
      assertEquals(1, halts.get(), "an OutOfMemoryError halts the process");
      CountDownLatch task = new CountDownLatch(1);
      loop.execute(() -> {
        task.countDown();
        throw new OutOfMemoryError("in a task");
      });
      assertTrue(task.await(5, TimeUnit.SECONDS));
      Thread.sleep(100);
      assertEquals(2, halts.get(), "in a task too");
    } finally {
      loop.stop();
    }
  }

  @Test
  void uncaughtOutOfMemoryInAnyThreadHalts() throws Exception {
    Fatal.halt = halts::incrementAndGet;
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    try {
      Fatal.install();
      Thread t = new Thread(() -> {
        throw new OutOfMemoryError("elsewhere");
      });
      t.start();
      t.join();
      assertEquals(1, halts.get());
      assertInstanceOf(Thread.UncaughtExceptionHandler.class, Thread.getDefaultUncaughtExceptionHandler());
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(before);
    }
  }
}
