package dchan.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToIntFunction;

/**
 * A Go-style channel with a non-blocking, cancellable API: the core of dchan.
 *
 * <p>{@link #startSend} and {@link #startReceive} never block. Each returns an {@link Op} that is
 * either already final (SENT, RECEIVED or CLOSED) or PENDING; a pending op later completes
 * through its {@link Listener}, or is withdrawn by {@link Op#cancel()}. {@link #trySend} and {@link
 * #tryReceive} are the allocation-free fast paths: they act only if the operation completes at
 * once. Cancellation and matching
 * are atomic with respect to each other: a cancel that returns true means the request had no
 * effect at all. Senders and receivers are each served in arrival order; messages are received
 * in the order they were accepted; each message goes to exactly one receiver.
 *
 * <ul>
 *   <li>Capacity 0 (rendezvous): a send completes when a receiver takes its message.
 *   <li>Capacity N: a send completes when its message is in the buffer.
 *   <li>{@link #close()}: sends fail from then on, pending ones too; receivers drain the buffer,
 *       then get CLOSED (end-of-file).
 *   <li>{@link #remove()}: close, and drop the buffered messages (counted as dropped).
 *   <li>{@link #setCapacity(int)}: raising admits waiting senders in order; lowering keeps every
 *       buffered message.
 * </ul>
 *
 * <p>Line channels use batches: {@link #startSendBatch(List, Listener, Object)} sends several messages
 * as one request, accepted in order (a cancel keeps the part already accepted), and {@link
 * #startReceiveBatch(long, Listener, Object)} takes as many buffered messages as fit a budget.
 *
 * <p>Messages must not be null.
 */
public class Channel<T> {
  /*
   * Implementation notes. One ReentrantLock guards every field below; listeners are called after
   * it is released (see Completions). Names follow spec/tla/Channel.tla: buf, sendq, recvq, cap,
   * closed are its variables; startSend, startReceive, withdraw (Flush of a pending request),
   * close, remove, setCapacity are its actions.
   *
   * Invariants (spec names), checked under -ea by assertInvariants() after every mutation:
   *   QueueInvariant: sendq and recvq are never both non-empty; recvq non-empty => buf empty;
   *     sendq non-empty => buf.size() >= cap; closed => both queues empty.
   *   PendingMeansQueued: an op in sendq or recvq is PENDING (and, conversely, a PENDING op is
   *     queued: every path that takes an op out of a queue gives it a final status).
   *   Order / NoLoss / NoDuplication: under -ea each accepted message gets its acceptance number
   *     (bufSeq, a ghost beside buf); buf holds exactly the messages numbered received + dropped
   *     to sent - 1, in that order, so messages leave in acceptance order, once each.
   * and, where a message enters buf (an action property, checked by enter()):
   *   CapacityRespected: a message enters buf only while buf.size() < cap (after a shrink buf may
   *     hold more than cap; it then only drains).
   */
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<T> buf = new ArrayDeque<>();
  /** Ghost for Order, kept only under -ea: the acceptance number of each message in buf. */
  private final ArrayDeque<Long> bufSeq = ASSERTS ? new ArrayDeque<>() : null;
  private static final boolean ASSERTS = Channel.class.desiredAssertionStatus();
  private final WaitQueue<T> sendq = new WaitQueue<>();
  private final WaitQueue<T> recvq = new WaitQueue<>();
  private int cap;
  private boolean closed;

  // Counters for stats; guarded by lock.
  private long sent;
  private long received;
  private long dropped;
  /** The total weight of the messages in buf (their bytes, for a server's channels). */
  private long bufWeight;

  /** Observes a channel's actions, for trace validation; see {@link #Channel(int, Tracer)}. */
  public interface Tracer {
    /**
     * One action, named as in spec/tla/Channel.tla ("StartSend", "StartReceive", "Flush",
     * "Close", "Remove", "SetCapacity"), with the op it acts on (or null), its outcome
     * ("committed", "pending", "closed", "eof", "withdrawn", "kept") and a value (the message
     * sent or received, the new capacity). Called under the channel's lock, so the order of the
     * calls is the order in which the actions took effect; it must not call back into channels.
     */
    void action(String name, Op<?> op, String outcome, Object value);
  }

  private final Tracer tracer;
  /** The weight of a message against a batch receive's budget (its length, for bytes). */
  private final ToIntFunction<? super T> weight;

  public Channel(int capacity) {
    this(capacity, m -> 1, null);
  }

  /** A channel whose every action is reported to tracer (trace validation; null: none). */
  public Channel(int capacity, Tracer tracer) {
    this(capacity, m -> 1, tracer);
  }

  /**
   * A channel whose messages weigh {@code weight} against the budget of batch receives
   * ({@link #startReceiveBatch(long, Listener, Object)}), reporting to tracer if not null.
   */
  public Channel(int capacity, ToIntFunction<? super T> weight, Tracer tracer) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity < 0: " + capacity);
    }
    this.cap = capacity;
    this.weight = weight;
    this.tracer = tracer;
  }

  private void trace(String name, Op<?> op, String outcome, Object value) {
    if (tracer != null) {
      tracer.action(name, op, outcome, value);
    }
  }

  /** Starts a send of {@code message}; see the class comment. */
  public final Op<T> startSend(T message, Listener<T> listener, Object attachment) {
    if (message == null) {
      throw new NullPointerException("message");
    }
    return start(new Op<>(this, true, message, null, -1, listener, attachment));
  }

  /**
   * Starts a send of several messages, accepted one by one, in order, as if sent one after the
   * other with nobody else's message between them (a write on a line channel). The op is SENT
   * once every message is accepted; until then it waits at its place in sendq with the accepted
   * part counted by {@link Op#accepted()}.
   */
  public final Op<T> startSendBatch(List<T> messages, Listener<T> listener, Object attachment) {
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one message");
    }
    return start(new Op<>(this, true, null, List.copyOf(messages), -1, listener, attachment)); // NPE for a null
  }

  private Op<T> start(Op<T> op) {
    Object woken = null;
    lock.lock();
    try {
      op.startedAtRendezvous = cap == 0;
      if (closed) {
        op.status = Op.Status.CLOSED;
      } else {
        woken = offer(op, null);
        if (op.remaining() == 0) {
          op.status = Op.Status.SENT;
        } else {
          op.queuedAtStart = true;
          op.queuedAt = System.nanoTime();
          sendq.append(op);
        }
      }
      trace("StartSend", op, op.status == Op.Status.SENT ? "committed"
          : op.status == Op.Status.CLOSED ? "closed" : "pending", op.batch == null ? op.message : op.batch);
      assert assertInvariants();
    } finally {
      lock.unlock();
    }
    notifyAll(woken);
    return op;
  }

  /**
   * Sends only if that completes at once (a receiver is waiting, or the buffer has room), with
   * no allocation; otherwise changes nothing.
   *
   * @return true if sent; false if the send would wait or the channel is closed
   */
  public final boolean trySend(T message) {
    if (message == null) {
      throw new NullPointerException("message");
    }
    Object woken;
    lock.lock();
    try {
      if (closed || !canAccept()) {
        return false;
      }
      woken = offer(null, message);
      assert assertInvariants();
    } finally {
      lock.unlock();
    }
    notifyAll(woken);
    return true;
  }

  private boolean canAccept() {
    return !recvq.isEmpty() || buf.size() < cap;
  }

  /**
   * A message is accepted into buf: checks CapacityRespected and numbers it for Order. Call with
   * the lock held.
   */
  private void enter(T message) {
    assert lock.isHeldByCurrentThread();
    assert buf.size() < cap : "CapacityRespected: a message entered a full buffer";
    buf.addLast(message);
    bufWeight += weight.applyAsInt(message);
    if (ASSERTS) {
      bufSeq.addLast(sent);
    }
    sent++;
  }

  /**
   * StartSend's accepting steps: the sender's next messages (op's, or the single message m if op
   * is null) go to the longest-waiting receivers, then into free buffer room, in order, until
   * none is left or none can be accepted. A receiver waiting on a buffered channel takes as many
   * as its budget allows; on a rendezvous channel one. Returns the receivers completed, or null.
   */
  private Object offer(Op<T> s, T m) {
    assert lock.isHeldByCurrentThread() && !closed;
    Object woken = null;
    int left = s == null ? 1 : s.remaining();
    while (left > 0) {
      T item = s == null ? m : s.nextItem();
      Op<T> r = recvq.peek();
      if (r != null) {
        hand(r, item);
        left = accepted(s, left);
        while (cap > 0 && left > 0 && fits(r, s.nextItem())) {
          hand(r, s.nextItem());
          left = accepted(s, left);
        }
        recvq.poll();
        r.status = Op.Status.RECEIVED;
        woken = add(woken, r);
      } else if (buf.size() < cap) {
        enter(item);
        left = accepted(s, left);
      } else {
        break;
      }
    }
    return woken;
  }

  private static <T> int accepted(Op<T> s, int left) {
    if (s != null) {
      s.accepted++;
    }
    return left - 1;
  }

  /** A message goes straight from its sender to receiver r. */
  private void hand(Op<T> r, T item) {
    sent++;
    received++;
    r.receive(item, weight.applyAsInt(item));
  }

  private boolean fits(Op<T> r, T item) {
    return !r.single() && r.used + weight.applyAsInt(item) <= r.budget;
  }

  /**
   * The ops an action completed, to notify once the lock is released, kept without allocating in
   * the usual case: null for none, the Op itself for one, a List of them for more.
   */
  @SuppressWarnings("unchecked")
  private static Object add(Object woken, Op<?> op) {
    if (woken == null) {
      return op;
    }
    List<Op<?>> l;
    if (woken instanceof Op<?> first) {
      l = new ArrayList<>(4);
      l.add(first);
    } else {
      l = (List<Op<?>>) woken;
    }
    l.add(op);
    return l;
  }

  /** Starts a receive of one message; see the class comment. */
  public final Op<T> startReceive(Listener<T> listener, Object attachment) {
    return receive(new Op<>(this, false, null, null, -1, listener, attachment));
  }

  /**
   * Starts a receive of one or more messages (a read on a line channel): at least one, then, on a
   * buffered channel, more while they are available at once and their total weight stays within
   * {@code budget}. It never waits for more once it has one. On a rendezvous channel it takes
   * one, as {@link #startReceive(Listener, Object)} does. Its messages are {@link Op#messages()}.
   */
  public final Op<T> startReceiveBatch(long budget, Listener<T> listener, Object attachment) {
    return receive(new Op<>(this, false, null, null, Math.max(0, budget), listener, attachment));
  }

  private Op<T> receive(Op<T> op) {
    Object woken = null;
    lock.lock();
    try {
      op.startedAtRendezvous = cap == 0;
      if (canTake()) {
        woken = take(op);
        op.status = Op.Status.RECEIVED;
      } else if (closed) {
        op.status = Op.Status.CLOSED;
      } else {
        op.queuedAtStart = true;
        op.queuedAt = System.nanoTime();
        recvq.append(op);
      }
      trace("StartReceive", op, op.status == Op.Status.RECEIVED ? "committed"
          : op.status == Op.Status.CLOSED ? "eof" : "pending", op.message);
      assert assertInvariants();
    } finally {
      lock.unlock();
    }
    notifyAll(woken);
    return op;
  }

  /**
   * Receives only if a message is available at once (buffered or from a waiting sender), with no
   * allocation; otherwise changes nothing.
   *
   * @return the message, or null if the receive would wait or the channel is closed and drained
   */
  public final T tryReceive() {
    T m;
    Object woken;
    lock.lock();
    try {
      if (!canTake()) {
        return null;
      }
      m = !buf.isEmpty() ? buf.peekFirst() : sendq.peek().nextItem();
      woken = take(null);
      assert assertInvariants();
    } finally {
      lock.unlock();
    }
    notifyAll(woken);
    return m;
  }

  private boolean canTake() {
    return !buf.isEmpty() || !sendq.isEmpty();
  }

  /**
   * StartReceive's completing steps for r (or, if r is null, one message for tryReceive): the
   * oldest buffered message, each freed slot admitting the next message of the longest-waiting
   * sender; else the next message of the longest-waiting sender. A batch receive on a buffered
   * channel goes on while messages are buffered and fit its budget. Returns the senders this
   * completed, or null.
   */
  private Object take(Op<T> r) {
    assert lock.isHeldByCurrentThread() && canTake();
    Object woken = null;
    boolean first = true;
    while (true) {
      if (!buf.isEmpty()) {
        if (!first && (r == null || cap == 0 || !fits(r, buf.peekFirst()))) {
          break;
        }
        T m = buf.pollFirst();
        bufWeight -= weight.applyAsInt(m);
        if (ASSERTS) {
          check(bufSeq.pollFirst() == received + dropped, "Order: the oldest message leaves first");
        }
        received++;
        if (r != null) {
          r.receive(m, weight.applyAsInt(m));
        }
        woken = admit(woken);
      } else if (!sendq.isEmpty() && first) { // from a waiting sender: one message per receive
        Op<T> s = sendq.peek();
        T m = s.nextItem();
        s.accepted++;
        sent++;
        received++;
        if (r != null) {
          r.receive(m, weight.applyAsInt(m));
        }
        if (s.remaining() == 0) {
          sendq.poll();
          s.status = Op.Status.SENT;
          woken = add(woken, s);
        }
      } else {
        break;
      }
      first = false;
      if (r == null || r.single()) {
        break;
      }
    }
    return woken;
  }

  /** Free buffer room admits the longest-waiting senders' next messages, in order. */
  private Object admit(Object woken) {
    while (!sendq.isEmpty() && buf.size() < cap) {
      Op<T> s = sendq.peek();
      enter(s.nextItem());
      s.accepted++;
      if (s.remaining() == 0) {
        sendq.poll();
        s.status = Op.Status.SENT;
        woken = add(woken, s);
      }
    }
    return woken;
  }

  /**
   * Spec action Flush: withdraws op if it is still pending (unlinks it and marks it CANCELLED),
   * atomically with respect to matching; otherwise leaves it as it is.
   */
  final boolean withdraw(Op<T> op) {
    boolean partial;
    lock.lock();
    try {
      boolean won = mayWithdraw(op);
      partial = won && op.isSend && op.accepted > 0 && op.status == Op.Status.PENDING;
      trace("Flush", op, !won ? "kept" : partial ? "partial" : "withdrawn", null);
      if (!won) {
        return false;
      }
      if (op.status == Op.Status.PENDING) {
        (op.isSend ? sendq : recvq).unlink(op);
      }
      if (partial) {
        op.status = Op.Status.SENT; // the accepted part stands; the rest is withdrawn
      } else {
        op.status = Op.Status.CANCELLED;
        if (!op.isSend) {
          op.message = null;
          op.taken = null;
        }
      }
      assert assertInvariants();
    } finally {
      lock.unlock();
    }
    if (partial) {
      notify(op); // it completed, with its accepted part: its listener is called, as for a match
      return false;
    }
    return true;
  }

  /**
   * Whether a Flush withdraws op: only while it is pending. Package-private and overridable only
   * so that stress tests can seed a broken variant. Called with the lock held.
   */
  boolean mayWithdraw(Op<T> op) {
    return op.status == Op.Status.PENDING;
  }

  final Op.Status statusUnderLock(Op<T> op) {
    lock.lock();
    try {
      return op.status;
    } finally {
      lock.unlock();
    }
  }

  /** Closes the channel (idempotent): pending sends fail, pending receives get CLOSED. */
  public final void close() {
    List<Op<T>> woken;
    lock.lock();
    try {
      if (!closed) {
        trace("Close", null, null, null);
      }
      woken = closeQueues();
      assert assertInvariants();
    } finally {
      lock.unlock();
    }
    notifyAll(woken);
  }

  /**
   * Closes the channel and drops its buffered messages (a removed channel file).
   *
   * @return the messages dropped, oldest first
   */
  public final List<T> remove() {
    List<Op<T>> woken;
    List<T> gone;
    lock.lock();
    try {
      if (!closed || !buf.isEmpty()) {
        trace("Remove", null, null, null);
      }
      woken = closeQueues();
      gone = new ArrayList<>(buf);
      dropped += gone.size();
      buf.clear();
      bufWeight = 0;
      if (ASSERTS) {
        bufSeq.clear();
      }
      assert assertInvariants();
    } finally {
      lock.unlock();
    }
    woken.forEach(Channel::notify);
    return gone;
  }

  private List<Op<T>> closeQueues() {
    assert lock.isHeldByCurrentThread();
    closed = true;
    List<Op<T>> woken = new ArrayList<>(sendq.size() + recvq.size());
    for (Op<T> op; (op = sendq.poll()) != null; ) {
      op.status = Op.Status.CLOSED;
      woken.add(op);
    }
    for (Op<T> op; (op = recvq.poll()) != null; ) {
      op.status = Op.Status.CLOSED;
      woken.add(op);
    }
    return woken;
  }

  /** Sets the capacity (≥ 0). Raising it admits waiting senders at once, in order. */
  public final void setCapacity(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity < 0: " + capacity);
    }
    Object woken;
    lock.lock();
    try {
      if (cap != capacity) {
        trace("SetCapacity", null, null, capacity);
      }
      cap = capacity;
      woken = admit(null);
      assert assertInvariants();
    } finally {
      lock.unlock();
    }
    notifyAll(woken);
  }

  /** Notifies what {@link #add} collected. */
  private static void notifyAll(Object woken) {
    if (woken instanceof Op<?> op) {
      notify(op);
    } else if (woken != null) {
      ((List<?>) woken).forEach(o -> notify((Op<?>) o));
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void notify(Op op) {
    if (op != null && op.listener != null) {
      op.listener.completed(op);
    }
  }

  /**
   * A consistent view of the channel for stats, ctl and metrics; {@code oldestQueuedAt} is when
   * the longest-waiting request was queued (System.nanoTime(); 0 if none waits).
   */
  public record Snapshot(
      int capacity,
      int buffered,
      int waitingReceivers,
      int waitingSenders,
      boolean closed,
      long sent,
      long received,
      long dropped,
      long oldestQueuedAt) {
    /** How long the longest-waiting request has waited, in nanoseconds (0 if none waits). */
    public long oldestWaitNanos(long nowNanos) {
      return oldestQueuedAt == 0 ? 0 : Math.max(0, nowNanos - oldestQueuedAt);
    }
  }

  public final Snapshot snapshot() {
    lock.lock();
    try {
      Op<T> s = sendq.peek();
      Op<T> r = recvq.peek();
      long oldest = s != null ? s.queuedAt : r != null ? r.queuedAt : 0; // never both (QueueInvariant)
      return new Snapshot(
          cap, buf.size(), recvq.size(), sendq.size(), closed, sent, received, dropped, oldest);
    } finally {
      lock.unlock();
    }
  }

  public final int capacity() {
    return snapshot().capacity();
  }

  /** The total weight of the buffered messages (their bytes, for a server's channels). */
  public final long bufferedWeight() {
    lock.lock();
    try {
      return bufWeight;
    } finally {
      lock.unlock();
    }
  }

  /** The buffered messages, oldest first (a copy: for a replicated channel's snapshot). */
  public final List<T> buffered() {
    lock.lock();
    try {
      return new ArrayList<>(buf);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Restores a channel saved by a snapshot: capacity, closed, the buffered messages (oldest
   * first) and the counters. Only for a channel that has never been used: nothing buffered,
   * nobody waiting, counters at zero. Waiting requests are then started again, in order.
   */
  public final void restore(int capacity, boolean isClosed, List<T> messages, long sentCount,
      long receivedCount, long droppedCount) {
    lock.lock();
    try {
      if (sent != 0 || !buf.isEmpty() || !sendq.isEmpty() || !recvq.isEmpty() || closed) {
        throw new IllegalStateException("restore into a used channel");
      }
      if (capacity < 0 || sentCount - receivedCount - droppedCount != messages.size()) {
        throw new IllegalArgumentException("counters do not match the buffer");
      }
      cap = capacity;
      closed = isClosed;
      received = receivedCount;
      dropped = droppedCount;
      sent = sentCount - messages.size();
      for (T m : messages) {
        buf.addLast(m);
        bufWeight += weight.applyAsInt(m);
        if (ASSERTS) {
          bufSeq.addLast(sent);
        }
        sent++;
      }
      assert assertInvariants();
    } finally {
      lock.unlock();
    }
  }

  public final boolean isClosed() {
    return snapshot().closed();
  }

  /**
   * Checks the invariants of the class comment; returns true or throws AssertionError. Use as
   * {@code assert ch.assertInvariants()}.
   */
  public final boolean assertInvariants() {
    lock.lock();
    try {
      check(sendq.isEmpty() || recvq.isEmpty(), "QueueInvariant: waiting senders and receivers");
      check(recvq.isEmpty() || buf.isEmpty(), "QueueInvariant: waiting receivers, buffer non-empty");
      check(sendq.isEmpty() || buf.size() >= cap, "QueueInvariant: waiting senders, buffer has room");
      check(!closed || (sendq.isEmpty() && recvq.isEmpty()), "QueueInvariant: closed with waiters");
      sendq.forEach(o -> check(o.status == Op.Status.PENDING && o.isSend && o.remaining() > 0,
          "PendingMeansQueued: a waiting sender has messages not yet accepted"));
      recvq.forEach(o -> check(o.status == Op.Status.PENDING && !o.isSend && o.used == 0,
          "PendingMeansQueued: a waiting receiver has taken nothing"));
      check(received <= sent && sent - received - dropped == buf.size(), "Order: counters");
      if (ASSERTS) {
        long expect = received + dropped;
        for (long seq : bufSeq) {
          check(seq == expect++, "Order: buf holds the messages in acceptance order");
        }
        check(bufSeq.size() == buf.size(), "Order: one number per message");
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  private static void check(boolean ok, String invariant) {
    if (!ok) {
      throw new AssertionError("invariant violated: " + invariant);
    }
  }

  @Override
  public String toString() {
    return "Channel" + snapshot();
  }
}
