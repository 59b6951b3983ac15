package dchan.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The sequential specification of a channel, written as plainly as possible: lists instead of
 * intrusive queues, no lock, no listeners. Property tests and Lincheck compare the real {@link
 * Channel} against it. Each method mirrors a spec action; a single send is a batch of one, a
 * single receive takes exactly one message.
 */
public final class ChannelModel {
  /** A request as the model sees it. */
  public static final class Req {
    public final boolean isSend;
    /** A send's messages, in order. */
    public final List<Integer> items;
    public int accepted;
    /** A receive's budget (-1: exactly one message). */
    public final long budget;
    public long used;
    public Op.Status status = Op.Status.PENDING;
    /** What a receive took. */
    public final List<Integer> taken = new ArrayList<>();

    Req(boolean isSend, List<Integer> items, long budget) {
      this.isSend = isSend;
      this.items = items;
      this.budget = budget;
    }

    /** A single receive's message, or null. */
    public Integer received() {
      return taken.isEmpty() ? null : taken.get(0);
    }

    int left() {
      return items.size() - accepted;
    }
  }

  public int cap;
  public boolean closed;
  public final ArrayDeque<Integer> buf = new ArrayDeque<>();
  public final List<Req> sendq = new ArrayList<>();
  public final List<Req> recvq = new ArrayList<>();
  public long sent, received, dropped;
  private final ToIntFunction<Integer> weight;

  public ChannelModel(int cap) {
    this(cap, m -> 1);
  }

  public ChannelModel(int cap, ToIntFunction<Integer> weight) {
    this.cap = cap;
    this.weight = weight;
  }

  public Req startSend(int message) {
    return startSend(List.of(message));
  }

  /** A send of messages, accepted in order: to waiting receivers, then into buffer room. */
  public Req startSend(List<Integer> messages) {
    Req s = new Req(true, messages, -1);
    if (closed) {
      s.status = Op.Status.CLOSED;
      return s;
    }
    while (s.left() > 0) {
      if (!recvq.isEmpty()) {
        Req r = recvq.remove(0);
        give(r, s);
        while (cap > 0 && s.left() > 0 && fits(r, s.items.get(s.accepted))) {
          give(r, s);
        }
        r.status = Op.Status.RECEIVED;
      } else if (buf.size() < cap) {
        buf.addLast(s.items.get(s.accepted++));
        sent++;
      } else {
        break;
      }
    }
    if (s.left() == 0) {
      s.status = Op.Status.SENT;
    } else {
      sendq.add(s);
    }
    return s;
  }

  private void give(Req r, Req s) {
    int m = s.items.get(s.accepted++);
    r.taken.add(m);
    r.used += weight.applyAsInt(m);
    sent++;
    received++;
  }

  private boolean fits(Req r, int m) {
    return r.budget >= 0 && r.used + weight.applyAsInt(m) <= r.budget;
  }

  public Req startReceive() {
    return startReceive(-1);
  }

  /**
   * A receive: the oldest buffered message (its slot admitting the next waiting message), else
   * one from the longest-waiting sender; a batch receive on a buffered channel goes on while
   * buffered messages fit its budget.
   */
  public Req startReceive(long budget) {
    Req r = new Req(false, List.of(), budget);
    if (buf.isEmpty() && sendq.isEmpty()) {
      if (closed) {
        r.status = Op.Status.CLOSED;
      } else {
        recvq.add(r);
      }
      return r;
    }
    boolean first = true;
    while (true) {
      if (!buf.isEmpty()) {
        if (!first && (budget < 0 || cap == 0 || !fits(r, buf.peekFirst()))) {
          break;
        }
        int m = buf.pollFirst();
        r.taken.add(m);
        r.used += weight.applyAsInt(m);
        received++;
        admit();
      } else if (!sendq.isEmpty() && first) {
        Req s = sendq.get(0);
        give(r, s);
        if (s.left() == 0) {
          sendq.remove(0);
          s.status = Op.Status.SENT;
        }
      } else {
        break;
      }
      first = false;
      if (budget < 0) {
        break;
      }
    }
    r.status = Op.Status.RECEIVED;
    return r;
  }

  private void admit() {
    while (!sendq.isEmpty() && buf.size() < cap) {
      Req s = sendq.get(0);
      buf.addLast(s.items.get(s.accepted++));
      sent++;
      if (s.left() == 0) {
        sendq.remove(0);
        s.status = Op.Status.SENT;
      }
    }
  }

  /** Sends only if that completes at once. */
  public boolean trySend(int message) {
    if (closed || (recvq.isEmpty() && buf.size() >= cap)) {
      return false;
    }
    startSend(message);
    return true;
  }

  /** Receives only if a message is available at once; else null. */
  public Integer tryReceive() {
    return buf.isEmpty() && sendq.isEmpty() ? null : startReceive().received();
  }

  /**
   * A pending request is withdrawn (true); a batch send with an accepted part keeps it and is
   * SENT (false); a final request is untouched (false).
   */
  public boolean cancel(Req x) {
    if (x.status != Op.Status.PENDING) {
      return false;
    }
    (x.isSend ? sendq : recvq).remove(x);
    if (x.isSend && x.accepted > 0) {
      x.status = Op.Status.SENT;
      return false;
    }
    x.status = Op.Status.CANCELLED;
    return true;
  }

  public void close() {
    closed = true;
    sendq.forEach(s -> s.status = Op.Status.CLOSED);
    recvq.forEach(r -> r.status = Op.Status.CLOSED);
    sendq.clear();
    recvq.clear();
  }

  public int remove() {
    close();
    int n = buf.size();
    dropped += n;
    buf.clear();
    return n;
  }

  public void setCapacity(int n) {
    cap = n;
    admit();
  }

  /** The snapshot, with oldestQueuedAt 1 if anyone waits, else 0 (the model keeps no clock). */
  public Channel.Snapshot snapshot() {
    return new Channel.Snapshot(cap, buf.size(), recvq.size(), sendq.size(), closed, sent, received,
        dropped, recvq.isEmpty() && sendq.isEmpty() ? 0 : 1);
  }
}
