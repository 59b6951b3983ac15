package dchan.server.cluster;

import dchan.core.Listener;
import dchan.core.Op;
import dchan.server.fs.ChannelFile;
import dchan.server.fs.Ctl;
import dchan.server.fs.Dir;
import dchan.server.fs.Node;
import dchan.server.fs.Tree;
import dchan.server.session.Lines;
import dchan.server.wire.Errno;
import dchan.server.wire.P9Error;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;

/**
 * One group's replicated state machine (docs/cluster.md): its part of the tree and every channel
 * in it, applied from the log in order on every replica, with the core {@link dchan.core.Channel}
 * deciding every send, receive and cancel exactly as in one server. The replica on the node that
 * submitted a request reports its outcome to that node ({@link Outcomes}); other replicas only
 * keep the state.
 *
 * <p>Apply is single-threaded per group (Ratis's state machine updater); so is takeSnapshot. The
 * replicated state below is touched only there. Everything an entry depends on is replicated:
 * the files of this group, their channels, the waiting requests, the node epochs, the group's
 * buffered bytes and file count (the limits are per group), the next qid.
 */
final class GroupMachine extends BaseStateMachine {
  private static final Logger LOG = Logger.getLogger(GroupMachine.class.getName());
  private static final int SNAPSHOT_VERSION = 1;

  /** What the replica tells its own node. Called on the apply thread. */
  interface Outcomes {
    /** A channel request of this node decided: its op is final; acceptedBefore items of it were accepted before a snapshot. */
    void decided(Ref ref, Op<byte[]> op, int acceptedBefore);

    /** A channel request of this node refused before the channel saw it. */
    void refused(Ref ref, Errno why);

    /** A tree change of this node applied: the new node, null, or the P9Error. */
    void changed(Ref ref, Object result);

    /** Node's epoch in this group is now e (NODE_UP; 0 after NODE_DOWN). */
    void epoch(int group, String node, long e);

    /** An epoch ended (NODE_DOWN applied): if it is this node's, the node must stop. */
    void ended(String node, long epoch);

    /** True once the node serves: a snapshot can no longer replace its replica in place. */
    boolean serving();
  }

  /** A waiting channel request: the core op, and what a snapshot needs to start it again. */
  private record Waiting(Ref ref, ChannelFile channel, Op<byte[]> op, boolean send, boolean lines,
      int acceptedBefore, int count) {}

  private final int g;
  private final Groups groups;
  private final Tree tree;
  private final Ctl ctl;
  private final Outcomes outcomes;
  private final int maxFiles;
  private final long maxBytes;
  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();

  // The replicated state (apply thread only).
  private final Map<Long, Node> files = new HashMap<>();
  private final LinkedHashMap<Ref, Waiting> waiting = new LinkedHashMap<>();
  /** Each node's current epoch; 0 once declared down (until its next NODE_UP). */
  private final TreeMap<String, Long> epochs = new TreeMap<>();
  private long nextQid = 1;
  private long bytes;
  private volatile int waitingCount;
  private volatile long bufferedBytes;

  private final Listener<byte[]> dispatcher = this::queuedDecided;

  GroupMachine(int g, Groups groups, Tree tree, Ctl ctl, Outcomes outcomes, int maxFiles, long maxBytes) {
    this.g = g;
    this.groups = groups;
    this.tree = tree;
    this.ctl = ctl;
    this.outcomes = outcomes;
    this.maxFiles = maxFiles;
    this.maxBytes = maxBytes;
  }

  int group() {
    return g;
  }

  /** Requests waiting in this group's channels (for metrics; racy). */
  int waitingCount() {
    return waitingCount;
  }

  /** Bytes buffered in this group's channels (for metrics; racy). */
  long bufferedBytes() {
    return bufferedBytes;
  }

  // ---- Ratis ----

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    super.initialize(server, groupId, raftStorage);
    storage.init(raftStorage);
    load(storage.loadLatestSnapshot());
  }

  @Override
  public void reinitialize() throws IOException {
    if (outcomes.serving()) {
      // A snapshot from the leader would replace files the sessions hold: stop, start anew.
      LOG.severe("group " + g + ": the leader sent a snapshot (this node fell behind its log); restarting");
      Runtime.getRuntime().halt(75);
    }
    load(storage.loadLatestSnapshot());
  }

  @Override
  public SimpleStateMachineStorage getStateMachineStorage() {
    return storage;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    TermIndex at = TermIndex.valueOf(trx.getLogEntry());
    List<Entry> entries;
    try {
      entries = Entry.decodeAll(trx.getLogEntry().getStateMachineLogEntry().getLogData().newInput());
    } catch (IOException | RuntimeException e) {
      LOG.warning("group " + g + ": entry " + at + " not decoded: " + e);
      entries = List.of();
    }
    for (Entry e : entries) {
      try {
        apply(e);
      } catch (RuntimeException x) {
        // Every replica fails the same way on the same entry: log it and go on.
        LOG.warning("group " + g + ": entry " + at + " (" + e.getClass().getSimpleName() + ") not applied: " + x);
      }
    }
    updateLastAppliedTermIndex(at);
    waitingCount = waiting.size();
    bufferedBytes = bytes;
    return CompletableFuture.completedFuture(Message.EMPTY);
  }

  // ---- apply ----

  void apply(Entry e) {
    if (e instanceof Entry.NodeUp u) {
      Long before = epochs.put(u.node(), u.epoch());
      withdrawAll(u.node(), u.epoch());
      outcomes.epoch(g, u.node(), u.epoch());
      if (before != null && before != 0 && before != u.epoch()) {
        LOG.info("group " + g + ": node " + u.node() + " restarted; its earlier requests withdrawn");
      }
    } else if (e instanceof Entry.NodeDown d) {
      if (epochs.getOrDefault(d.node(), 0L) == d.epoch()) {
        epochs.put(d.node(), 0L);
        withdrawAll(d.node(), 0);
        outcomes.epoch(g, d.node(), 0);
        LOG.warning("group " + g + ": node " + d.node() + " declared down; its waiting requests withdrawn");
        outcomes.ended(d.node(), d.epoch());
      }
    } else if (e instanceof Entry.Send s) {
      send(s);
    } else if (e instanceof Entry.Recv r) {
      receive(r);
    } else if (e instanceof Entry.Cancel c) {
      Waiting w = waiting.get(c.ref());
      if (w != null) {
        measured(w.channel(), () -> {
          if (w.op().cancel()) {
            waiting.remove(c.ref());
            outcomes.decided(c.ref(), w.op(), w.acceptedBefore());
          }
        });
      }
    } else if (e instanceof Entry.Create c) {
      outcomes.changed(c.ref(), valid(c.ref()) ? create(c) : new P9Error(Errno.EIO, "node down"));
    } else if (e instanceof Entry.Remove r) {
      outcomes.changed(r.ref(), valid(r.ref()) ? remove(r) : new P9Error(Errno.EIO, "node down"));
    } else if (e instanceof Entry.Rename r) {
      outcomes.changed(r.ref(), valid(r.ref()) ? rename(r) : new P9Error(Errno.EIO, "node down"));
    } else if (e instanceof Entry.Ctl c) {
      outcomes.changed(c.ref(), valid(c.ref()) ? ctl(c.text()) : new P9Error(Errno.EIO, "node down"));
    }
  }

  /** Whether ref's epoch is its node's current one (entries of ended epochs are refused). */
  private boolean valid(Ref ref) {
    return ref.epoch() != 0 && epochs.getOrDefault(ref.node(), 0L) == ref.epoch();
  }

  private void send(Entry.Send s) {
    if (!valid(s.ref())) {
      outcomes.refused(s.ref(), Errno.EIO);
      return;
    }
    if (!(files.get(s.channel()) instanceof ChannelFile c)) {
      outcomes.refused(s.ref(), Errno.EPIPE); // removed: as on a removed channel
      return;
    }
    if (bytes + s.data().length > maxBytes) {
      outcomes.refused(s.ref(), Errno.ENOSPC);
      return;
    }
    List<byte[]> lines = s.lines() ? Lines.split(s.data()) : null;
    measured(c, () -> {
      Op<byte[]> op = lines != null ? c.channel().startSendBatch(lines, dispatcher, s.ref())
          : c.channel().startSend(s.data(), dispatcher, s.ref());
      if (op.completedAtStart()) {
        outcomes.decided(s.ref(), op, 0);
      } else {
        waiting.put(s.ref(), new Waiting(s.ref(), c, op, true, s.lines(), 0, 0));
      }
    });
  }

  private void receive(Entry.Recv r) {
    if (!valid(r.ref())) {
      outcomes.refused(r.ref(), Errno.EIO);
      return;
    }
    if (!(files.get(r.channel()) instanceof ChannelFile c)) {
      outcomes.refused(r.ref(), null); // removed: end-of-file
      return;
    }
    measured(c, () -> start(c, r.ref(), r.lines(), r.count()));
  }

  private void start(ChannelFile c, Ref ref, boolean lines, int count) {
    Op<byte[]> op = lines ? c.channel().startReceiveBatch(count, dispatcher, ref)
        : c.channel().startReceive(dispatcher, ref);
    if (op.completedAtStart()) {
      outcomes.decided(ref, op, 0);
    } else {
      waiting.put(ref, new Waiting(ref, c, op, false, lines, 0, count));
    }
  }

  /** A queued op completed (by a match, a close, a remove, a capacity change or a partial cancel). */
  private void queuedDecided(Op<byte[]> op) {
    Ref ref = (Ref) op.attachment;
    Waiting w = waiting.remove(ref);
    outcomes.decided(ref, op, w == null ? 0 : w.acceptedBefore());
  }

  /** Runs an action on channel c, keeping the group's buffered bytes. */
  private void measured(ChannelFile c, Runnable action) {
    long before = c.channel().bufferedWeight();
    try {
      action.run();
    } finally {
      bytes += c.channel().bufferedWeight() - before;
    }
  }

  /** Withdraws every waiting request of node whose epoch is not keep (NODE_UP, NODE_DOWN). */
  private void withdrawAll(String node, long keep) {
    for (Waiting w : new ArrayList<>(waiting.values())) {
      if (w.ref().node().equals(node) && w.ref().epoch() != keep) {
        measured(w.channel(), () -> {
          if (w.op().cancel()) {
            waiting.remove(w.ref());
            outcomes.decided(w.ref(), w.op(), w.acceptedBefore());
          }
        });
      }
    }
  }

  // ---- the tree ----

  /** The directory a change names: the root (0 or its qid) or a directory of this group. */
  private Node dir(long qid) {
    return qid == 0 || qid == tree.root.qidPath ? tree.root : files.get(qid);
  }

  /** Whether name in dir belongs to this group. */
  private boolean mine(Node dir, String name) {
    return dir == tree.root ? groups.ofName(name) == g : Groups.ofQid(dir.qidPath) == g;
  }

  private Object create(Entry.Create c) {
    Node dir = dir(c.dir());
    if (dir == null) {
      return new P9Error(Errno.ENOENT);
    }
    if (!mine(dir, c.name())) {
      return new P9Error(Errno.EINVAL, "not in this group");
    }
    if (files.size() >= maxFiles) {
      return new P9Error(Errno.ENOSPC, dchan.server.limits.Limit.FILES);
    }
    long qid = Groups.qid(g, nextQid++);
    try {
      Node n = c.directory() ? tree.mkdir(dir, c.name(), qid) : tree.createChannel(dir, c.name(), qid);
      files.put(qid, n);
      return n;
    } catch (P9Error e) {
      return e;
    }
  }

  private Object remove(Entry.Remove r) {
    Node n = files.get(r.file());
    if (n == null) {
      return new P9Error(Errno.ENOENT);
    }
    try {
      if (n instanceof ChannelFile c) {
        measured(c, () -> removeChannel(c));
      } else {
        tree.remove(n);
      }
      files.remove(r.file());
      return null;
    } catch (RemoveFailed x) {
      return x.error;
    } catch (P9Error e) {
      return e;
    }
  }

  private static final class RemoveFailed extends RuntimeException {
    final P9Error error;

    RemoveFailed(P9Error error) {
      super(null, null, false, false);
      this.error = error;
    }
  }

  private void removeChannel(ChannelFile c) {
    try {
      tree.remove(c); // closes it: its waiting ops complete through the dispatcher
    } catch (P9Error e) {
      throw new RemoveFailed(e);
    }
  }

  private Object rename(Entry.Rename r) {
    Node n = files.get(r.file());
    Node dir = dir(r.dir());
    if (n == null || dir == null) {
      return new P9Error(Errno.ENOENT);
    }
    if (!mine(dir, r.name())) {
      return new P9Error(Errno.EOPNOTSUPP, "rename across groups");
    }
    Node replaced;
    try {
      replaced = tree.child(dir, r.name());
    } catch (P9Error e) {
      replaced = null;
    }
    long before = replaced instanceof ChannelFile rc ? rc.channel().bufferedWeight() : 0;
    try {
      tree.rename(n, dir, r.name());
    } catch (P9Error e) {
      return e;
    }
    if (replaced != null && replaced != n) {
      files.remove(replaced.qidPath); // replaced, as by rm
      bytes -= before;
    }
    return null;
  }

  private Object ctl(String text) {
    List<ChannelFile> named = new ArrayList<>();
    try {
      for (String path : Ctl.paths(text)) {
        String top = path.substring(1).split("/", 2)[0];
        if (groups.ofName(top) != g) {
          return new P9Error(Errno.EINVAL, "ctl: " + path + " is not in this group");
        }
        if (tree.resolve(path) instanceof ChannelFile c) {
          named.add(c);
        }
      }
      long before = 0;
      for (ChannelFile c : named) {
        before += c.channel().bufferedWeight();
      }
      ctl.write(text);
      long after = 0;
      for (ChannelFile c : named) {
        after += c.channel().bufferedWeight();
      }
      bytes += after - before;
      return null;
    } catch (P9Error e) {
      return e;
    }
  }

  // ---- snapshots ----

  @Override
  public long takeSnapshot() throws IOException {
    TermIndex last = getLastAppliedTermIndex();
    if (last == null || last.getIndex() < 0) {
      return -1;
    }
    File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file.toPath())))) {
      write(out);
    }
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), null), last));
    return last.getIndex();
  }

  private void write(DataOutputStream out) throws IOException {
    out.writeInt(SNAPSHOT_VERSION);
    out.writeLong(nextQid);
    out.writeLong(bytes);
    out.writeInt(epochs.size());
    for (Map.Entry<String, Long> e : epochs.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeLong(e.getValue());
    }
    List<Node> order = new ArrayList<>(); // parents before children
    for (Node top : listed(tree.root)) {
      if (Groups.ofQid(top.qidPath) == g) {
        preorder(top, order);
      }
    }
    out.writeInt(order.size());
    for (Node n : order) {
      Dir parent = parentOf(n);
      out.writeLong(parent == tree.root ? 0 : parent.qidPath);
      out.writeLong(n.qidPath);
      out.writeUTF(n.name());
      out.writeBoolean(n.isDir());
      if (n instanceof ChannelFile c) {
        dchan.core.Channel.Snapshot s = c.channel().snapshot();
        out.writeInt(s.capacity());
        out.writeBoolean(s.closed());
        out.writeBoolean(c.lines());
        out.writeLong(s.sent());
        out.writeLong(s.received());
        out.writeLong(s.dropped());
        List<byte[]> buffered = c.channel().buffered();
        out.writeInt(buffered.size());
        for (byte[] m : buffered) {
          out.writeInt(m.length);
          out.write(m);
        }
      }
    }
    out.writeInt(waiting.size());
    for (Waiting w : waiting.values()) {
      out.writeUTF(w.ref().node());
      out.writeLong(w.ref().epoch());
      out.writeLong(w.ref().id());
      out.writeLong(w.channel().qidPath);
      out.writeBoolean(w.send());
      out.writeBoolean(w.lines());
      out.writeInt(w.count());
      out.writeInt(w.acceptedBefore() + w.op().accepted());
      List<byte[]> rest = w.send() ? w.op().items().subList(w.op().accepted(), w.op().size()) : List.of();
      out.writeInt(rest.size());
      for (byte[] m : rest) {
        out.writeInt(m.length);
        out.write(m);
      }
    }
  }

  private List<Node> listed(Dir d) {
    try {
      return tree.list(d);
    } catch (P9Error e) {
      return List.of();
    }
  }

  private void preorder(Node n, List<Node> out) {
    out.add(n);
    if (n instanceof Dir d) {
      for (Node c : listed(d)) {
        preorder(c, out);
      }
    }
  }

  private Dir parentOf(Node n) {
    try {
      return tree.parent(n);
    } catch (P9Error e) {
      throw new IllegalStateException(e);
    }
  }

  /** Loads a snapshot into this (empty) replica: files, channels, then the waiting requests, in order. */
  private void load(SingleFileSnapshotInfo snapshot) throws IOException {
    if (snapshot == null || !Files.exists(snapshot.getFile().getPath())) {
      return;
    }
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(snapshot.getFile().getPath())))) {
      if (in.readInt() != SNAPSHOT_VERSION) {
        throw new IOException("unknown snapshot version");
      }
      nextQid = in.readLong();
      bytes = in.readLong();
      for (int i = in.readInt(); i > 0; i--) {
        String node = in.readUTF();
        long e = in.readLong();
        epochs.put(node, e);
        outcomes.epoch(g, node, e);
      }
      for (int i = in.readInt(); i > 0; i--) {
        long parent = in.readLong();
        long qid = in.readLong();
        String name = in.readUTF();
        boolean isDir = in.readBoolean();
        Node dir = dir(parent);
        if (isDir) {
          files.put(qid, tree.mkdir(dir, name, qid));
        } else {
          ChannelFile c = tree.createChannel(dir, name, qid);
          int cap = in.readInt();
          boolean closed = in.readBoolean();
          c.setLines(in.readBoolean());
          long sent = in.readLong();
          long received = in.readLong();
          long dropped = in.readLong();
          List<byte[]> buffered = new ArrayList<>();
          for (int k = in.readInt(); k > 0; k--) {
            buffered.add(in.readNBytes(in.readInt()));
          }
          c.channel().restore(cap, closed, buffered, sent, received, dropped);
          files.put(qid, c);
        }
      }
      for (int i = in.readInt(); i > 0; i--) {
        Ref ref = new Ref(in.readUTF(), in.readLong(), in.readLong());
        ChannelFile c = (ChannelFile) files.get(in.readLong());
        boolean send = in.readBoolean();
        boolean lines = in.readBoolean();
        int count = in.readInt();
        int acceptedBefore = in.readInt();
        List<byte[]> rest = new ArrayList<>();
        for (int k = in.readInt(); k > 0; k--) {
          rest.add(in.readNBytes(in.readInt()));
        }
        Op<byte[]> op = !send ? (lines ? c.channel().startReceiveBatch(count, dispatcher, ref)
                : c.channel().startReceive(dispatcher, ref))
            : (lines || rest.size() > 1) ? c.channel().startSendBatch(rest, dispatcher, ref)
            : c.channel().startSend(rest.get(0), dispatcher, ref);
        if (!op.completedAtStart()) {
          waiting.put(ref, new Waiting(ref, c, op, send, lines, acceptedBefore, count));
        }
      }
    } catch (P9Error e) {
      throw new IOException("snapshot does not fit the tree: " + e.getMessage(), e);
    }
    waitingCount = waiting.size();
    bufferedBytes = bytes;
    updateLastAppliedTermIndex(snapshot.getTermIndex());
    LOG.info("group " + g + ": loaded snapshot " + snapshot.getTermIndex() + " (" + files.size()
        + " files, " + waiting.size() + " waiting requests, " + bytes + " bytes buffered)");
  }

  @Override
  public String toString() {
    return "group " + g;
  }
}
