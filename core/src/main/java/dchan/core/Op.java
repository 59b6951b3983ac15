package dchan.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A send or receive request started on a {@link Channel}: the handle a server keeps while the
 * request is pending, and the place its outcome is read from.
 *
 * <p>Life cycle (the spec's request states): {@link Status#PENDING} → a final status, or
 * PENDING → {@link Status#CANCELLED} by a successful {@link #cancel()}. An op that is already
 * final when {@code startSend}/{@code startReceive} returns never calls its listener; a pending
 * op calls it exactly once when it completes, and never if it is cancelled.
 *
 * <p>A batch send (line channels) is accepted item by item, in order: {@link #accepted()} items
 * of {@link #size()} so far, always a prefix. It is SENT when all are accepted; a cancel while a
 * part is accepted keeps that part (the op becomes SENT with {@code accepted() < size()}, and the
 * cancel returns false); CLOSED keeps the accepted part too. A batch receive takes one or more
 * items ({@link #messages()}).
 *
 * <p>Fields other than {@link #attachment} are written only under the channel's lock; {@code
 * status} is volatile so that a thread woken by the listener (or spinning) sees the outcome.
 *
 * <p>A <em>remote</em> op ({@link #remote}) stands for a request on a channel that lives
 * elsewhere (a replicated channel, decided by a log): it starts PENDING and queued, its owner
 * completes it once ({@link #completeRemote}), and its {@link #cancel()} only asks: it returns
 * false and the outcome — CANCELLED if the cancel won — arrives through the listener like any
 * other.
 */
public final class Op<T> {
  /** Outcome of a request. */
  public enum Status {
    /** Waiting in the channel's sendq or recvq. */
    PENDING,
    /** Send: the message (every item of a batch, or the part kept by a cancel) was accepted. */
    SENT,
    /** Receive: {@link #message()} (or {@link #messages()}) holds what it took. */
    RECEIVED,
    /** Send: the channel is closed (a batch's accepted part stands). Receive: end-of-file. */
    CLOSED,
    /** Withdrawn by {@link #cancel()}: the request had no effect. */
    CANCELLED
  }

  final Channel<T> channel; // null for a remote op
  /** A remote op's owner, asked to withdraw it (null for a local op). */
  private final Remote<T> remote;
  private Object remoteDetail;
  final boolean isSend;
  final Listener<T> listener;
  /** Free for the caller: the server's request, a parked thread. Not touched by the channel. */
  public final Object attachment;

  volatile Status status = Status.PENDING;
  /**
   * Set (before start returns) iff the op was queued when it started, i.e. its listener will or
   * may be called. It stays set after the op completes: it records how the op began.
   */
  boolean queuedAtStart;
  /** The channel's capacity was 0 when it started (a queued one: its partner is usually near). */
  boolean startedAtRendezvous;
  /** System.nanoTime() when it was queued (0: never queued). */
  long queuedAt;
  /** A single send's message; a single receive's message taken. */
  T message;
  /** A batch send's items (null: a single send). */
  final List<T> batch;
  /** Send: items accepted so far, a prefix. */
  int accepted;
  /** Receive: the weight a batch receive may take in all (-1: a single receive, one item). */
  final long budget;
  /** Receive: the weight taken so far. */
  long used;
  /** A batch receive's items taken (null until the first). */
  List<T> taken;
  /** Wait-queue links; non-null only while queued (guarded by the channel's lock). */
  Op<T> prev, next;

  Op(Channel<T> channel, boolean isSend, T message, List<T> batch, long budget, Listener<T> listener,
      Object attachment) {
    this(channel, null, isSend, message, batch, budget, listener, attachment);
  }

  private Op(Channel<T> channel, Remote<T> remote, boolean isSend, T message, List<T> batch,
      long budget, Listener<T> listener, Object attachment) {
    this.channel = channel;
    this.remote = remote;
    this.isSend = isSend;
    this.message = message;
    this.batch = batch;
    this.budget = budget;
    this.listener = listener;
    this.attachment = attachment;
  }

  /**
   * The current status. Linearizable: a PENDING answer is confirmed under the channel's lock, so
   * that no caller sees half of a close or remove that completes many ops at once.
   */
  public Status status() {
    Status s = status;
    return s == Status.PENDING && channel != null ? channel.statusUnderLock(this) : s;
  }

  public boolean isPending() {
    return status() == Status.PENDING;
  }

  /**
   * True if the op was already final when {@code startSend}/{@code startReceive} returned: its
   * outcome is {@link #status()} and its listener is never called. False if it was queued: its
   * listener is called once when it completes (possibly before the caller even looks), unless a
   * cancel wins. Decide by this, never by a later read of {@link #status()}, which may already
   * show the completion that the listener is about to report.
   */
  public boolean completedAtStart() {
    return !queuedAtStart;
  }

  /** The message received (RECEIVED), or the message to send; null after a cancelled receive. */
  public T message() {
    return message;
  }

  /** Receive: every item taken, in order (one for a single receive; none if CLOSED). */
  public List<T> messages() {
    if (taken != null) {
      return taken;
    }
    return message == null || isSend ? List.of() : Collections.singletonList(message);
  }

  /** Whether the channel was a rendezvous channel (capacity 0) when this op started. */
  public boolean startedAtRendezvous() {
    return startedAtRendezvous;
  }

  /** When it was queued, in System.nanoTime() (0 if it completed when it started). */
  public long queuedAtNanos() {
    return queuedAt;
  }

  /** Send: its items, in order (one for a single send). */
  public List<T> items() {
    return batch != null ? batch : Collections.singletonList(message);
  }

  /** Send: how many items it has (1 for a single send). */
  public int size() {
    return batch == null ? 1 : batch.size();
  }

  /** Send: how many items the channel has accepted, a prefix (final once the op is). */
  public int accepted() {
    return accepted;
  }

  public boolean isSend() {
    return isSend;
  }

  boolean single() {
    return budget < 0;
  }

  int remaining() {
    return size() - accepted;
  }

  T nextItem() {
    return batch == null ? message : batch.get(accepted);
  }

  /** A receive takes m, of weight w (under the lock). */
  void receive(T m, int w) {
    if (single()) {
      message = m;
    } else {
      if (taken == null) {
        taken = new ArrayList<>();
      }
      taken.add(m);
    }
    used += w;
  }

  /**
   * Withdraws this request if it is still pending (spec action Flush on a pending request).
   *
   * @return true if this call withdrew it: then it had no effect (a send's message was never
   *     accepted, a receive consumed nothing) and the listener will never be called; false if
   *     the request was already final (its outcome stands), already cancelled, or a batch send
   *     of which a part was accepted (that part stands, the op is now SENT and its listener is
   *     called)
   */
  public boolean cancel() {
    if (remote != null) {
      remote.cancel(this);
      return false; // decided elsewhere: the outcome comes through the listener
    }
    return channel.withdraw(this);
  }

  /** A remote op's completion detail (why it failed, for its owner), or null. */
  public Object remoteDetail() {
    return remoteDetail;
  }

  /** Whether this op is remote ({@link #remote}): its cancel is decided elsewhere, later. */
  public boolean isRemote() {
    return remote != null;
  }

  /** The owner of remote ops: asked to withdraw one, it reports the outcome through completeRemote. */
  public interface Remote<T> {
    void cancel(Op<T> op);
  }

  /**
   * A remote op: a send (message, or batch if not null) or a receive (budget ≥ 0: a batch receive
   * of that weight; -1: one message), pending until {@link #completeRemote}.
   */
  public static <T> Op<T> remote(boolean isSend, T message, List<T> batch, long budget,
      Listener<T> listener, Object attachment, Remote<T> owner) {
    Op<T> op = new Op<>(null, owner, isSend, message, batch == null ? null : List.copyOf(batch),
        isSend ? -1 : budget, listener, attachment);
    op.queuedAtStart = true;
    op.queuedAt = System.nanoTime();
    return op;
  }

  /**
   * Completes a remote op, once, and calls its listener: a send with how many of its items were
   * accepted, a receive with what it took (empty for CLOSED or CANCELLED).
   */
  public void completeRemote(Status outcome, int acceptedItems, List<T> items, boolean atRendezvous) {
    completeRemote(outcome, acceptedItems, items, atRendezvous, null);
  }

  /** As {@link #completeRemote(Status, int, List, boolean)}, with why, for the owner (an errno). */
  public void completeRemote(Status outcome, int acceptedItems, List<T> items, boolean atRendezvous,
      Object detail) {
    if (remote == null || status != Status.PENDING || outcome == Status.PENDING) {
      throw new IllegalStateException("not a pending remote op: " + this);
    }
    accepted = acceptedItems;
    startedAtRendezvous = atRendezvous;
    remoteDetail = detail;
    if (!isSend && !items.isEmpty()) {
      if (single()) {
        message = items.get(0);
      } else {
        taken = new ArrayList<>(items);
      }
    }
    status = outcome;
    if (listener != null) {
      listener.completed(this);
    }
  }

  @Override
  public String toString() {
    return (isSend ? "send:" : "receive:") + status;
  }
}
