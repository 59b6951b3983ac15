package dchan.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The sequential specification of a channel, written as plainly as possible: lists instead of
 * intrusive queues, no lock, no listeners. Property tests and Lincheck compare the real {@link
 * Channel} against it. Each method mirrors a spec action.
 */
public final class ChannelModel {
  /** A request as the model sees it. */
  public static final class Req {
    public final boolean isSend;
    public final Integer message;
    public Op.Status status = Op.Status.PENDING;
    public Integer received;

    Req(boolean isSend, Integer message) {
      this.isSend = isSend;
      this.message = message;
    }
  }

  public int cap;
  public boolean closed;
  public final ArrayDeque<Integer> buf = new ArrayDeque<>();
  public final List<Req> sendq = new ArrayList<>();
  public final List<Req> recvq = new ArrayList<>();
  public long sent, received, dropped;

  public ChannelModel(int cap) {
    this.cap = cap;
  }

  public Req startSend(int message) {
    Req s = new Req(true, message);
    if (closed) {
      s.status = Op.Status.CLOSED;
    } else if (!recvq.isEmpty()) {
      Req r = recvq.remove(0);
      r.received = message;
      r.status = Op.Status.RECEIVED;
      s.status = Op.Status.SENT;
      sent++;
      received++;
    } else if (buf.size() < cap) {
      buf.addLast(message);
      s.status = Op.Status.SENT;
      sent++;
    } else {
      sendq.add(s);
    }
    return s;
  }

  public Req startReceive() {
    Req r = new Req(false, null);
    if (!buf.isEmpty()) {
      r.received = buf.pollFirst();
      r.status = Op.Status.RECEIVED;
      received++;
      if (!sendq.isEmpty() && buf.size() < cap) {
        Req s = sendq.remove(0);
        buf.addLast(s.message);
        s.status = Op.Status.SENT;
        sent++;
      }
    } else if (!sendq.isEmpty()) {
      Req s = sendq.remove(0);
      r.received = s.message;
      r.status = Op.Status.RECEIVED;
      s.status = Op.Status.SENT;
      sent++;
      received++;
    } else if (closed) {
      r.status = Op.Status.CLOSED;
    } else {
      recvq.add(r);
    }
    return r;
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
    return buf.isEmpty() && sendq.isEmpty() ? null : startReceive().received;
  }

  public boolean cancel(Req x) {
    if (x.status != Op.Status.PENDING) {
      return false;
    }
    (x.isSend ? sendq : recvq).remove(x);
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
    while (!sendq.isEmpty() && buf.size() < cap) {
      Req s = sendq.remove(0);
      buf.addLast(s.message);
      s.status = Op.Status.SENT;
      sent++;
    }
  }

  public Channel.Snapshot snapshot() {
    return new Channel.Snapshot(
        cap, buf.size(), recvq.size(), sendq.size(), closed, sent, received, dropped);
  }
}
