package dchan.server.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A sequential model of the contract (docs/semantics.md sections 2 to 8) for the conversation
 * model test: channels, connections with a read fid and a write fid per channel, and the replies
 * each operation must produce, per connection, in order. It knows nothing of the server's code:
 * it is written from the contract, as ChannelModel is for the core.
 *
 * <p>Ordering, as the contract and the one reply path fix it: within one operation, a
 * connection first gets the replies to what it sent (the request's own reply; a clunk's EINTRs
 * before its Rclunk; a read served after a flush withdrew the one before it, after the Rflush),
 * then the replies of requests the operation completed elsewhere (a matched read, an admitted or
 * failed write), in the order the channel completed them: on close, writers before readers.
 */
final class ContractModel {
  static final int EPIPE = 32;
  static final int EINTR = 4;
  static final int EBADF = 9;

  /** An expected reply: a tag and what it carries. */
  record Reply(int tag, String kind, byte[] data, int number) {
    static Reply read(int tag, byte[] data) {
      return new Reply(tag, "Rread", data, data.length);
    }

    static Reply of(int tag, String kind, int number) {
      return new Reply(tag, kind, null, number);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Reply r && r.tag == tag && r.kind.equals(kind) && r.number == number
          && Arrays.equals(r.data, data);
    }

    @Override
    public int hashCode() {
      return tag * 31 + kind.hashCode();
    }

    @Override
    public String toString() {
      return tag + " " + kind + (data != null ? "(" + new String(data) + ")" : "(" + number + ")");
    }
  }

  /** A read request waiting on its fid. */
  static final class ReadReq {
    final int conn;
    final int tag;
    final int count;
    final Fid fid;

    ReadReq(int conn, int tag, int count, Fid fid) {
      this.conn = conn;
      this.tag = tag;
      this.count = count;
      this.fid = fid;
    }
  }

  /** A write waiting in a channel. */
  record WriteReq(int conn, int tag, byte[] msg, Fid fid) {}

  static final class Chan {
    final String name;
    int cap;
    boolean closed;
    final ArrayDeque<byte[]> buf = new ArrayDeque<>();
    final ArrayDeque<WriteReq> sendq = new ArrayDeque<>();
    final ArrayDeque<ReadReq> recvq = new ArrayDeque<>();
    long sent;
    long received;
    long bytes;
    long dropped;

    Chan(String name) {
      this.name = name;
    }
  }

  static final class Fid {
    final Chan chan;
    final boolean eom;
    boolean gone;
    byte[] remainder;
    int remainderOff;
    boolean eomArmed;
    final ArrayDeque<ReadReq> reads = new ArrayDeque<>();

    Fid(Chan chan, boolean eom) {
      this.chan = chan;
      this.eom = eom;
    }
  }

  static final class Conn {
    final boolean eom;
    final Map<Integer, Fid> fids = new HashMap<>();

    Conn(boolean eom) {
      this.eom = eom;
    }
  }

  final Map<String, Chan> chans = new HashMap<>();
  final Conn[] conns;
  /** Per connection, what the current operation must produce: own replies, then completions. */
  private final List<List<Reply>> own = new ArrayList<>();
  private final List<List<Reply>> completed = new ArrayList<>();

  ContractModel(String[] names, boolean[] eom) {
    for (String n : names) {
      chans.put(n, new Chan(n));
    }
    conns = new Conn[eom.length];
    for (int c = 0; c < eom.length; c++) {
      conns[c] = new Conn(eom[c]);
      own.add(new ArrayList<>());
      completed.add(new ArrayList<>());
    }
  }

  /** Fid f of connection c now refers to channel name (after a walk and open). */
  void open(int c, int f, String name) {
    conns[c].fids.put(f, new Fid(chans.get(name), conns[c].eom));
  }

  /** The replies the last operation must have produced on connection c, in order. */
  List<Reply> expected(int c) {
    List<Reply> all = new ArrayList<>(own.get(c));
    all.addAll(completed.get(c));
    own.get(c).clear();
    completed.get(c).clear();
    return all;
  }

  // ---- writes ----

  void write(int c, int fidId, int tag, byte[] msg) {
    Fid f = conns[c].fids.get(fidId);
    if (f == null || f.gone) {
      own.get(c).add(Reply.of(tag, "error", EBADF));
      return;
    }
    Chan ch = f.chan;
    if (ch.closed) {
      own.get(c).add(Reply.of(tag, "error", EPIPE));
      return;
    }
    if (!ch.recvq.isEmpty()) {
      ch.sent++;
      own.get(c).add(Reply.of(tag, "Rwrite", msg.length));
      ReadReq r = ch.recvq.poll();
      deliver(r, msg, completed);
      return;
    }
    if (ch.buf.size() < ch.cap) {
      ch.sent++;
      ch.buf.add(msg);
      own.get(c).add(Reply.of(tag, "Rwrite", msg.length));
      return;
    }
    ch.sendq.add(new WriteReq(c, tag, msg, f));
  }

  // ---- reads ----

  void read(int c, int fidId, int tag, int count) {
    Fid f = conns[c].fids.get(fidId);
    if (f == null || f.gone) {
      own.get(c).add(Reply.of(tag, "error", EBADF));
      return;
    }
    if (count == 0) {
      own.get(c).add(Reply.read(tag, new byte[0]));
      return;
    }
    ReadReq r = new ReadReq(c, tag, count, f);
    f.reads.add(r);
    if (f.reads.size() == 1) {
      serve(f, own);
    }
  }

  /** Serves f's reads from the head until one waits in the channel; replies go to `to`. */
  private void serve(Fid f, List<List<Reply>> to) {
    while (!f.gone && !f.reads.isEmpty() && !f.chan.recvq.contains(f.reads.peek())) {
      ReadReq r = f.reads.peek();
      Chan ch = f.chan;
      if (f.remainder != null) {
        f.reads.poll();
        int n = Math.min(r.count, f.remainder.length - f.remainderOff);
        byte[] part = Arrays.copyOfRange(f.remainder, f.remainderOff, f.remainderOff + n);
        f.remainderOff += n;
        if (f.remainderOff == f.remainder.length) {
          f.remainder = null;
        }
        sent(r, part, to);
      } else if (f.eomArmed) {
        f.reads.poll();
        f.eomArmed = false;
        to.get(r.conn).add(Reply.read(r.tag, new byte[0]));
      } else if (!ch.buf.isEmpty()) {
        f.reads.poll();
        byte[] m = ch.buf.poll();
        ch.received++;
        if (!ch.sendq.isEmpty() && ch.buf.size() < ch.cap) {
          WriteReq w = ch.sendq.poll();
          ch.buf.add(w.msg);
          ch.sent++;
          taken(r, m, to);
          completed.get(w.conn).add(Reply.of(w.tag, "Rwrite", w.msg.length));
        } else {
          taken(r, m, to);
        }
      } else if (!ch.sendq.isEmpty()) {
        f.reads.poll();
        WriteReq w = ch.sendq.poll();
        ch.sent++;
        ch.received++;
        taken(r, w.msg, to);
        completed.get(w.conn).add(Reply.of(w.tag, "Rwrite", w.msg.length));
      } else if (ch.closed) {
        f.reads.poll();
        f.eomArmed = false;
        to.get(r.conn).add(Reply.read(r.tag, new byte[0]));
      } else {
        ch.recvq.add(r);
        return;
      }
    }
  }

  /** A parked read r gets message m (from a write): its reply, then its fid's next reads. */
  private void deliver(ReadReq r, byte[] m, List<List<Reply>> to) {
    r.fid.chan.received++;
    r.fid.reads.remove(r);
    taken(r, m, to);
    serve(r.fid, completed);
  }

  private void taken(ReadReq r, byte[] m, List<List<Reply>> to) {
    int n = Math.min(r.count, m.length);
    if (n < m.length) {
      r.fid.remainder = m;
      r.fid.remainderOff = n;
    }
    sent(r, Arrays.copyOf(m, n), to);
  }

  private void sent(ReadReq r, byte[] data, List<List<Reply>> to) {
    r.fid.chan.bytes += data.length;
    if (r.fid.eom && data.length < r.count) {
      r.fid.eomArmed = true;
    }
    to.get(r.conn).add(Reply.read(r.tag, data));
  }

  // ---- flush, clunk, version, disconnect ----

  /** The tags of c's requests that wait (reads on its fids, writes in channels), oldest first. */
  List<Integer> waiting(int c) {
    List<Integer> tags = new ArrayList<>();
    for (Fid f : conns[c].fids.values()) {
      for (ReadReq r : f.reads) {
        tags.add(r.tag);
      }
    }
    for (Chan ch : allChans()) {
      for (WriteReq w : ch.sendq) {
        if (w.conn == c) {
          tags.add(w.tag);
        }
      }
    }
    tags.sort(null);
    return tags;
  }

  private List<Chan> allChans() {
    List<Chan> all = new ArrayList<>();
    for (Conn k : conns) {
      for (Fid f : k.fids.values()) {
        if (!all.contains(f.chan)) {
          all.add(f.chan);
        }
      }
    }
    for (Chan ch : chans.values()) {
      if (!all.contains(ch)) {
        all.add(ch);
      }
    }
    return all;
  }

  /** Tflush of oldtag: a waiting request is withdrawn with no reply; then the Rflush. */
  void flush(int c, int tag, int oldtag) {
    withdraw(c, oldtag);
    own.get(c).add(Reply.of(tag, "Rflush", 0));
    for (Fid f : conns[c].fids.values()) {
      serve(f, own);
    }
  }

  /** Withdraws c's request oldtag if it waits; true if it did. */
  private boolean withdraw(int c, int oldtag) {
    for (Fid f : conns[c].fids.values()) {
      for (Iterator<ReadReq> it = f.reads.iterator(); it.hasNext(); ) {
        ReadReq r = it.next();
        if (r.tag == oldtag) {
          it.remove();
          f.chan.recvq.remove(r);
          return true;
        }
      }
    }
    for (Chan ch : allChans()) {
      if (ch.sendq.removeIf(w -> w.conn == c && w.tag == oldtag)) {
        return true;
      }
    }
    return false;
  }

  /** Tclunk of fid: its reads (head first), then its waiting writes, get EINTR; then Rclunk. */
  void clunk(int c, int fidId, int tag) {
    Fid f = conns[c].fids.remove(fidId);
    if (f == null || f.gone) {
      own.get(c).add(Reply.of(tag, "error", EBADF));
      return;
    }
    for (ReadReq r : f.reads) {
      f.chan.recvq.remove(r);
      own.get(c).add(Reply.of(r.tag, "error", EINTR));
    }
    f.reads.clear();
    for (WriteReq w : new ArrayList<>(f.chan.sendq)) {
      if (w.fid == f) {
        f.chan.sendq.remove(w);
        own.get(c).add(Reply.of(w.tag, "error", EINTR));
      }
    }
    end(f);
    own.get(c).add(Reply.of(tag, "Rclunk", 0));
  }

  private void end(Fid f) {
    f.gone = true;
    if (f.remainder != null) {
      f.chan.dropped++;
      f.remainder = null;
    }
  }

  /** Tversion or disconnect: every waiting request is withdrawn with no reply; fids end. */
  void reset(int c, int versionTag) {
    for (Fid f : conns[c].fids.values()) {
      for (ReadReq r : f.reads) {
        f.chan.recvq.remove(r);
      }
      f.reads.clear();
      end(f);
    }
    for (Chan ch : allChans()) {
      ch.sendq.removeIf(w -> w.conn == c);
    }
    conns[c].fids.clear();
    if (versionTag >= 0) {
      own.get(c).add(Reply.of(versionTag, "Rversion", 0));
    }
  }

  // ---- ctl and rm ----

  void capacity(String name, int cap) {
    Chan ch = chans.get(name);
    ch.cap = cap;
    while (!ch.sendq.isEmpty() && ch.buf.size() < ch.cap) {
      WriteReq w = ch.sendq.poll();
      ch.buf.add(w.msg);
      ch.sent++;
      completed.get(w.conn).add(Reply.of(w.tag, "Rwrite", w.msg.length));
    }
  }

  void close(String name) {
    closeQueues(chans.get(name));
  }

  private void closeQueues(Chan ch) {
    ch.closed = true;
    for (WriteReq w : ch.sendq) {
      completed.get(w.conn).add(Reply.of(w.tag, "error", EPIPE));
    }
    ch.sendq.clear();
    List<ReadReq> readers = new ArrayList<>(ch.recvq);
    ch.recvq.clear();
    for (ReadReq r : readers) {
      r.fid.reads.remove(r);
      r.fid.eomArmed = false;
      completed.get(r.conn).add(Reply.read(r.tag, new byte[0]));
      serve(r.fid, completed);
    }
  }

  /** rm: the channel is closed and its buffer dropped; the name is made anew, empty. */
  void remove(String name) {
    Chan ch = chans.get(name);
    closeQueues(ch);
    ch.dropped += ch.buf.size();
    ch.buf.clear();
    chans.put(name, new Chan(name));
  }
}
