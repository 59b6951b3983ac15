package dchan.bench;

import dchan.core.BlockingChannel;
import dchan.core.Channel;
import dchan.core.Op;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import kotlin.Unit;
import kotlin.coroutines.Continuation;
import kotlin.coroutines.EmptyCoroutineContext;
import kotlin.jvm.functions.Function2;
import kotlinx.coroutines.BuildersKt;
import kotlinx.coroutines.TimeoutKt;
import kotlinx.coroutines.channels.BufferOverflow;
import kotlinx.coroutines.channels.ChannelKt;
import kotlinx.coroutines.channels.ReceiveChannel;
import kotlinx.coroutines.channels.SendChannel;

/**
 * One producer/consumer handoff API under test. Operations are timed (about 10 ms) so that a
 * benchmark iteration can end while a partner thread has already stopped; a false/null result
 * means "timed out, try again".
 */
interface Handoff {
  long PATIENCE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  boolean put(Integer m) throws InterruptedException;

  Integer take() throws InterruptedException;

  static Handoff create(String impl, int capacity) {
    switch (impl) {
      case "dchan":
        return new Blocking(capacity);
      case "dchan-nonblocking":
        return new NonBlocking(capacity);
      case "jdk-anchor": // SynchronousQueue at rendezvous, ArrayBlockingQueue when buffered
        return new Queue(capacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(capacity));
      case "LinkedTransferQueue":
        return capacity == 0 ? new Transfer() : new Queue(new LinkedTransferQueue<>());
      case "kotlinx-channel":
        return new Kotlin(capacity);
      default:
        throw new IllegalArgumentException(impl);
    }
  }

  /** dchan's blocking facade. */
  final class Blocking implements Handoff {
    private final BlockingChannel<Integer> ch;

    Blocking(int capacity) {
      ch = new BlockingChannel<>(capacity);
    }

    @Override
    public boolean put(Integer m) throws InterruptedException {
      return ch.send(m, PATIENCE_NANOS, TimeUnit.NANOSECONDS);
    }

    @Override
    public Integer take() throws InterruptedException {
      return ch.receive(PATIENCE_NANOS, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * dchan's non-blocking API as the server uses it: start the op; if it is pending, wait for it
   * (here by spinning, then yielding; the server instead returns to its selector) and withdraw
   * it on timeout.
   */
  final class NonBlocking implements Handoff {
    private final Channel<Integer> ch;

    NonBlocking(int capacity) {
      ch = new Channel<>(capacity);
    }

    private static boolean await(Op<Integer> op) {
      if (op.completedAtStart()) {
        return true;
      }
      long deadline = System.nanoTime() + PATIENCE_NANOS;
      for (int i = 0; op.status() == Op.Status.PENDING; i++) {
        if (i < 128) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
          if (System.nanoTime() > deadline && op.cancel()) {
            return false;
          }
        }
      }
      return true;
    }

    @Override
    public boolean put(Integer m) {
      return await(ch.startSend(m, null, null));
    }

    @Override
    public Integer take() {
      Op<Integer> op = ch.startReceive(null, null);
      return await(op) ? op.message() : null;
    }
  }

  /** A java.util.concurrent queue. */
  final class Queue implements Handoff {
    private final BlockingQueue<Integer> q;

    Queue(BlockingQueue<Integer> q) {
      this.q = q;
    }

    @Override
    public boolean put(Integer m) throws InterruptedException {
      return q.offer(m, PATIENCE_NANOS, TimeUnit.NANOSECONDS);
    }

    @Override
    public Integer take() throws InterruptedException {
      return q.poll(PATIENCE_NANOS, TimeUnit.NANOSECONDS);
    }
  }

  /** LinkedTransferQueue as a rendezvous: transfer waits for a consumer. */
  final class Transfer implements Handoff {
    private final LinkedTransferQueue<Integer> q = new LinkedTransferQueue<>();

    @Override
    public boolean put(Integer m) throws InterruptedException {
      return q.tryTransfer(m, PATIENCE_NANOS, TimeUnit.NANOSECONDS);
    }

    @Override
    public Integer take() throws InterruptedException {
      return q.poll(PATIENCE_NANOS, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * kotlinx.coroutines Channel driven from plain Java threads through its blocking bridge: the
   * non-suspending trySend/tryReceive first, then runBlocking with a timeout. Coroutine-to-
   * coroutine handoff, which avoids the bridge, is not what this compares. trySend/tryReceive
   * return an inline class, so Java reaches them through their mangled names.
   */
  final class Kotlin implements Handoff {
    private static final MethodHandle TRY_SEND = mangled(SendChannel.class, "trySend-");
    private static final MethodHandle TRY_RECEIVE = mangled(ReceiveChannel.class, "tryReceive-");
    private final kotlinx.coroutines.channels.Channel<Integer> ch;

    Kotlin(int capacity) {
      ch = ChannelKt.Channel(capacity, BufferOverflow.SUSPEND, null);
    }

    private static MethodHandle mangled(Class<?> type, String prefix) {
      for (Method m : type.getMethods()) {
        if (m.getName().startsWith(prefix)) {
          try {
            return MethodHandles.publicLookup().unreflect(m);
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      }
      throw new IllegalStateException("no " + prefix + " in " + type);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public boolean put(Integer m) throws InterruptedException {
      try {
        if (TRY_SEND.invoke(ch, m) == Unit.INSTANCE) {
          return true;
        }
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
      Function2 send = (scope, cont) -> ch.send(m, (Continuation) cont);
      Function2 timed = (scope, cont) -> TimeoutKt.withTimeoutOrNull(10L, send, (Continuation) cont);
      return BuildersKt.runBlocking(EmptyCoroutineContext.INSTANCE, timed) != null;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Integer take() throws InterruptedException {
      try {
        Object r = TRY_RECEIVE.invoke(ch);
        if (r instanceof Integer i) {
          return i;
        }
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
      Function2 receive = (scope, cont) -> ch.receive((Continuation) cont);
      Function2 timed = (scope, cont) -> TimeoutKt.withTimeoutOrNull(10L, receive, (Continuation) cont);
      return (Integer) BuildersKt.runBlocking(EmptyCoroutineContext.INSTANCE, timed);
    }
  }
}
