package dchan.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Blocking send and receive on a {@link Channel}, for in-process Java users and benchmarks. The
 * calling thread parks until its op completes; an interrupt or a timeout cancels the op, and if
 * the cancel loses the race (the op had already completed) the completed outcome is returned and
 * the interrupt status is kept.
 */
public final class BlockingChannel<T> {
  /** Spins before parking: a rendezvous partner is often only a few hundred ns away. */
  private static final int SPINS = Runtime.getRuntime().availableProcessors() > 1 ? 256 : 0;

  private static final Listener<Object> UNPARK = op -> LockSupport.unpark((Thread) op.attachment);

  private final Channel<T> channel;

  public BlockingChannel(Channel<T> channel) {
    this.channel = channel;
  }

  public BlockingChannel(int capacity) {
    this(new Channel<>(capacity));
  }

  public Channel<T> channel() {
    return channel;
  }

  /**
   * Sends, waiting as long as needed.
   *
   * @throws ChannelClosedException if the channel is or becomes closed before the message is
   *     accepted (the message is then not delivered)
   * @throws InterruptedException if interrupted before the message was accepted (it is then not
   *     delivered)
   */
  public void send(T message) throws InterruptedException {
    if (channel.trySend(message)) {
      return;
    }
    Op<T> op = channel.startSend(message, unpark(), Thread.currentThread());
    await(op, 0);
    if (op.status() == Op.Status.CLOSED) {
      throw new ChannelClosedException();
    }
  }

  /**
   * Sends, waiting at most the given time.
   *
   * @return true if sent; false if the timeout elapsed first (the message is then not delivered)
   */
  public boolean send(T message, long timeout, TimeUnit unit) throws InterruptedException {
    if (channel.trySend(message)) {
      return true;
    }
    Op<T> op = channel.startSend(message, unpark(), Thread.currentThread());
    await(op, Math.max(1, unit.toNanos(timeout)));
    switch (op.status()) {
      case CLOSED:
        throw new ChannelClosedException();
      case CANCELLED:
        return false;
      default:
        return true;
    }
  }

  /**
   * Receives, waiting as long as needed.
   *
   * @return the message, or null once the channel is closed and drained (end-of-file)
   */
  public T receive() throws InterruptedException {
    T m = channel.tryReceive();
    if (m != null) {
      return m;
    }
    Op<T> op = channel.startReceive(unpark(), Thread.currentThread());
    await(op, 0);
    return op.message();
  }

  /**
   * Receives, waiting at most the given time.
   *
   * @return the message; null on end-of-file or timeout (tell them apart with {@link
   *     Channel#isClosed()})
   */
  public T receive(long timeout, TimeUnit unit) throws InterruptedException {
    T m = channel.tryReceive();
    if (m != null) {
      return m;
    }
    Op<T> op = channel.startReceive(unpark(), Thread.currentThread());
    await(op, Math.max(1, unit.toNanos(timeout)));
    return op.message();
  }

  @SuppressWarnings("unchecked")
  private static <T> Listener<T> unpark() {
    return (Listener<T>) (Listener<?>) UNPARK;
  }

  /**
   * Waits until op is final. nanos == 0 waits forever; otherwise a timeout cancels op. If
   * interrupted: cancel; a won cancel throws, a lost one returns the outcome with the interrupt
   * status set again.
   */
  private static void await(Op<?> op, long nanos) throws InterruptedException {
    // Spin only at rendezvous, where the partner is usually microseconds away; on a full or empty
    // buffer, spinning takes the core from the thread that would make room (measured: buffered
    // 1/1 handoff 4.4M ops/s with spinning vs 13.5M without). Reads the volatile field directly:
    // a racy PENDING only costs another loop.
    int spins = op.startedAtRendezvous ? SPINS : 0;
    for (int i = 0; i < spins && op.status == Op.Status.PENDING; i++) {
      Thread.onSpinWait();
    }
    long deadline = nanos == 0 ? 0 : System.nanoTime() + nanos;
    while (op.status == Op.Status.PENDING) {
      if (Thread.interrupted()) {
        if (op.cancel()) {
          throw new InterruptedException();
        }
        Thread.currentThread().interrupt();
        return;
      }
      if (nanos == 0) {
        LockSupport.park(op);
      } else {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          op.cancel(); // true: timed out with no effect; false: completed meanwhile
          return;
        }
        LockSupport.parkNanos(op, left);
      }
    }
  }
}
