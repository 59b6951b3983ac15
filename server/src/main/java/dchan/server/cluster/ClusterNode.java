package dchan.server.cluster;

import dchan.core.Listener;
import dchan.core.Op;
import dchan.server.fs.ChannelFile;
import dchan.server.fs.Ctl;
import dchan.server.fs.Node;
import dchan.server.fs.Tree;
import dchan.server.session.ChannelOps;
import dchan.server.session.Lines;
import dchan.server.session.Mutations;
import dchan.server.wire.Errno;
import dchan.server.wire.P9Error;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.logging.Logger;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * This node of a dchan cluster (docs/cluster.md): a Ratis server holding a replica of every
 * group, a client per group to submit entries, and the node's side of every request — it turns
 * the sessions' channel requests and tree changes into entries ({@link ChannelOps}, {@link
 * Mutations}) and completes them when this node's replica applies their decision ({@link
 * GroupMachine.Outcomes}). It also announces its epoch at start (NODE_UP) and, where it leads a
 * group, declares silent nodes down (NODE_DOWN).
 */
public final class ClusterNode implements ChannelOps, Mutations, GroupMachine.Outcomes, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ClusterNode.class.getName());

  private final ClusterConfig cfg;
  /** The largest message (msize): an entry carries one write. */
  private final int maxMessage;
  private final Tree tree;
  private final Groups groups;
  private final long epoch;
  private final GroupMachine[] machines;
  private final RaftGroup[] raftGroups;
  private final RaftClient[] clients;
  private final Submitter[] submitters;
  private RaftServer server;
  private final AtomicLong ids = new AtomicLong();
  /** Requests of this epoch not yet decided: remote ops and tree-change futures, by id. */
  private final Map<Long, Object> pending = new ConcurrentHashMap<>();
  /** Each node's epoch as the replicas last applied it (for NODE_DOWN), by group. */
  private final List<Map<String, Long>> epochs = new ArrayList<>();
  private final Set<String> declared = ConcurrentHashMap.newKeySet();
  private final CountDownLatch up;
  private volatile boolean serving;
  private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "dchan-cluster-watch");
    t.setDaemon(true);
    return t;
  });

  /** Sends the batches that queued while a group's entries were in flight (Submitter). */
  private final java.util.concurrent.ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "dchan-cluster-submit");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param maxFiles files per group
   * @param maxBytes buffered bytes per group
   */
  public ClusterNode(ClusterConfig cfg, Tree tree, Ctl ctl, int maxFiles, long maxBytes, int maxMessage) {
    this.cfg = cfg;
    this.maxMessage = maxMessage;
    this.tree = tree;
    this.groups = new Groups(cfg.groups());
    long e;
    do {
      e = new SecureRandom().nextLong();
    } while (e == 0);
    this.epoch = e;
    machines = new GroupMachine[cfg.groups()];
    raftGroups = new RaftGroup[cfg.groups()];
    clients = new RaftClient[cfg.groups()];
    submitters = new Submitter[cfg.groups()];
    up = new CountDownLatch(cfg.groups());
    List<String> names = new ArrayList<>(cfg.peers().keySet());
    for (int g = 0; g < cfg.groups(); g++) {
      machines[g] = new GroupMachine(g, groups, tree, ctl, this, maxFiles, maxBytes);
      List<RaftPeer> peers = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        peers.add(RaftPeer.newBuilder().setId(names.get(i)).setAddress(cfg.peers().get(names.get(i)))
            .setPriority(i == g % names.size() ? 1 : 0).build());
      }
      raftGroups[g] = RaftGroup.valueOf(Groups.id(g), peers);
      epochs.add(new ConcurrentHashMap<>());
    }
  }

  /**
   * Starts the Ratis server, joins every group, announces this node's epoch and waits until its
   * replica of every group has applied that announcement (so it serves an up-to-date tree).
   */
  public void start() throws IOException {
    RaftProperties p = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(p, List.of(cfg.dataDir().toFile()));
    GrpcConfigKeys.Server.setPort(p, cfg.port());
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2000, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, cfg.snapshotEvery());
    RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, !cfg.fsync());
    // An entry holds at most one write (msize): batches of entries and the log's write buffer
    // must take the largest one.
    long batch = Math.max(4L << 20, 2L * maxMessage);
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(Math.max(32L << 20, 2 * batch)));
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(batch));
    RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(batch + (1 << 20)));
    GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(2 * batch));
    Map<RaftGroupId, GroupMachine> byId = new LinkedHashMap<>();
    for (int g = 0; g < machines.length; g++) {
      byId.put(Groups.id(g), machines[g]);
    }
    server = RaftServer.newBuilder().setServerId(RaftPeerId.valueOf(cfg.node())).setProperties(p)
        .setStateMachineRegistry(byId::get).setOption(RaftStorage.StartupOption.RECOVER).build();
    server.start();
    Set<RaftGroupId> have = new HashSet<>();
    server.getGroupIds().forEach(have::add);
    for (int g = 0; g < machines.length; g++) {
      if (!have.contains(Groups.id(g))) {
        server.groupManagement(GroupManagementRequest.newAdd(ClientId.randomId(),
            RaftPeerId.valueOf(cfg.node()), ids.incrementAndGet(), raftGroups[g]));
      }
    }
    RaftProperties cp = new RaftProperties();
    GrpcConfigKeys.setMessageSizeMax(cp, SizeInBytes.valueOf(2 * batch));
    for (int g = 0; g < machines.length; g++) {
      clients[g] = RaftClient.newBuilder().setProperties(cp).setRaftGroup(raftGroups[g])
          .setRetryPolicy(RetryPolicies.retryForeverWithSleep(TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
          .build();
      // A batch stays well inside the gRPC message limit set above (2 * batch).
      submitters[g] = new Submitter(g, clients[g], batch, sender);
      submit(g, new Entry.NodeUp(cfg.node(), epoch));
    }
    try {
      while (!up.await(5, TimeUnit.SECONDS)) {
        LOG.info("cluster: waiting for " + up.getCount() + " group(s) to apply this node's start (is a majority up?)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while joining the cluster");
    }
    serving = true;
    watch.scheduleWithFixedDelay(this::declareSilentNodes, 500, 500, TimeUnit.MILLISECONDS);
    LOG.info("cluster: node " + cfg.node() + " (epoch " + Long.toHexString(epoch) + ") serves "
        + machines.length + " group(s) with " + (cfg.peers().size() - 1) + " other node(s); log in "
        + cfg.dataDir() + (cfg.fsync() ? ", forced to disk" : ", not forced to disk (--no-fsync)"));
  }

  private void submit(int g, Entry e) {
    submitters[g].submit(e);
  }

  private Ref ref(long id) {
    return new Ref(cfg.node(), epoch, id);
  }

  // ---- ChannelOps: the sessions' reads and writes, as entries ----

  @Override
  public boolean replicated() {
    return true;
  }

  @Override
  public Op<byte[]> send(ChannelFile c, byte[] data, Listener<byte[]> listener, Object attachment) {
    int g = Groups.ofQid(c.qidPath);
    long id = ids.incrementAndGet();
    List<byte[]> lines = c.lines() ? Lines.split(data) : null;
    Op<byte[]> op = Op.remote(true, lines == null ? data : null, lines, -1, listener, attachment,
        o -> submit(g, new Entry.Cancel(ref(id))));
    pending.put(id, op);
    submit(g, new Entry.Send(ref(id), c.qidPath, c.lines(), data));
    return op;
  }

  @Override
  public Op<byte[]> receive(ChannelFile c, int count, Listener<byte[]> listener, Object attachment) {
    int g = Groups.ofQid(c.qidPath);
    long id = ids.incrementAndGet();
    Op<byte[]> op = Op.remote(false, null, null, c.lines() ? count : -1, listener, attachment,
        o -> submit(g, new Entry.Cancel(ref(id))));
    pending.put(id, op);
    submit(g, new Entry.Recv(ref(id), c.qidPath, c.lines(), count));
    return op;
  }

  // ---- Mutations: tree changes, as entries ----

  /** The group a new name in dir belongs to, or -1 if dir is not a directory of the tree. */
  private int groupOf(Node dir, String name) {
    return dir == tree.root ? groups.ofName(name) : dir.isDir() ? Groups.ofQid(dir.qidPath) : -1;
  }

  private long dirQid(Node dir) {
    return dir == tree.root ? 0 : dir.qidPath;
  }

  private <T> CompletableFuture<T> change(int g, LongFunction<Entry> entry) {
    long id = ids.incrementAndGet();
    CompletableFuture<T> f = new CompletableFuture<>();
    pending.put(id, f);
    submit(g, entry.apply(id));
    return f;
  }

  @Override
  public CompletableFuture<Node> createChannel(Node dir, String name) {
    int g = groupOf(dir, name);
    return g < 0 ? CompletableFuture.failedFuture(new P9Error(Errno.ENOTDIR))
        : change(g, id -> new Entry.Create(ref(id), dirQid(dir), name, false));
  }

  @Override
  public CompletableFuture<Node> mkdir(Node dir, String name) {
    int g = groupOf(dir, name);
    return g < 0 ? CompletableFuture.failedFuture(new P9Error(Errno.ENOTDIR))
        : change(g, id -> new Entry.Create(ref(id), dirQid(dir), name, true));
  }

  @Override
  public CompletableFuture<Void> remove(Node n) {
    int g = Groups.ofQid(n.qidPath);
    return g < 0 ? CompletableFuture.failedFuture(new P9Error(Errno.EPERM))
        : change(g, id -> new Entry.Remove(ref(id), n.qidPath));
  }

  @Override
  public CompletableFuture<Void> rename(Node n, Node dir, String name) {
    int g = Groups.ofQid(n.qidPath);
    if (g < 0) {
      return CompletableFuture.failedFuture(new P9Error(Errno.EPERM));
    }
    if (groupOf(dir, name) != g) {
      return CompletableFuture.failedFuture(new P9Error(Errno.EOPNOTSUPP, "rename across the cluster's groups"));
    }
    return change(g, id -> new Entry.Rename(ref(id), n.qidPath, dirQid(dir), name));
  }

  @Override
  public CompletableFuture<Void> ctl(String text) {
    List<String> paths;
    try {
      paths = Ctl.paths(text);
    } catch (P9Error e) {
      return CompletableFuture.failedFuture(e);
    }
    // Each command line goes to the group of its path's top-level name, in order.
    Map<Integer, StringBuilder> byGroup = new LinkedHashMap<>();
    int k = 0;
    for (String line : text.split("\n", -1)) {
      if (line.isBlank()) {
        continue;
      }
      String top = paths.get(k++).substring(1).split("/", 2)[0];
      byGroup.computeIfAbsent(groups.ofName(top), x -> new StringBuilder()).append(line).append('\n');
    }
    List<CompletableFuture<Void>> all = new ArrayList<>();
    byGroup.forEach((g, lines) -> all.add(change(g, id -> new Entry.Ctl(ref(id), lines.toString()))));
    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
  }

  // ---- Outcomes: this node's replica decided one of its requests ----

  private boolean mine(Ref ref) {
    return ref.epoch() == epoch && ref.node().equals(cfg.node());
  }

  @Override
  @SuppressWarnings("unchecked")
  public void decided(Ref ref, Op<byte[]> op, int acceptedBefore) {
    if (mine(ref) && pending.remove(ref.id()) instanceof Op<?> proxy) {
      ((Op<byte[]>) proxy).completeRemote(op.status(), acceptedBefore + op.accepted(), op.messages(),
          op.startedAtRendezvous());
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public void refused(Ref ref, Errno why) {
    if (mine(ref) && pending.remove(ref.id()) instanceof Op<?> proxy) {
      ((Op<byte[]>) proxy).completeRemote(Op.Status.CLOSED, 0, List.of(), false, why);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public void changed(Ref ref, Object result) {
    if (mine(ref) && pending.remove(ref.id()) instanceof CompletableFuture<?> f) {
      if (result instanceof P9Error e) {
        f.completeExceptionally(e);
      } else {
        ((CompletableFuture<Object>) f).complete(result);
      }
    }
  }

  @Override
  public void epoch(int g, String node, long e) {
    epochs.get(g).put(node, e);
    if (e == epoch && node.equals(cfg.node())) {
      up.countDown();
    }
  }

  @Override
  public void ended(String node, long e) {
    if (e == epoch && node.equals(cfg.node())) {
      LOG.severe("cluster: this node was declared down (silent for longer than --node-timeout); "
          + "its sessions are gone: exiting so that it starts anew");
      Runtime.getRuntime().halt(75);
    }
  }

  @Override
  public boolean serving() {
    return serving;
  }

  /** Where this node leads a group: declares down, once per epoch, a node silent for too long. */
  private void declareSilentNodes() {
    try {
      for (int g = 0; g < machines.length; g++) {
        DivisionInfo info = server.getDivision(Groups.id(g)).getInfo();
        if (info.getCurrentRole() != RaftPeerRole.LEADER || !info.isLeaderReady()) {
          continue;
        }
        for (ServerRpcProto f : info.getRoleInfoProto().getLeaderInfo().getFollowerInfoList()) {
          String node = f.getId().getId().toStringUtf8();
          long e = epochs.get(g).getOrDefault(node, 0L);
          if (e != 0 && f.getLastRpcElapsedTimeMs() > cfg.nodeTimeoutMillis() && declared.add(g + "/" + node + "/" + e)) {
            LOG.warning("cluster: group " + g + ": node " + node + " silent for "
                + f.getLastRpcElapsedTimeMs() + " ms: declaring it down");
            submit(g, new Entry.NodeDown(node, e));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.fine("cluster: watch: " + e);
    }
  }

  // ---- status ----

  /** One group as this node sees it: its role, indexes, what it holds, and each follower's lag if it leads. */
  public record GroupStatus(int group, String role, String leader, long term, long commit, long applied,
      int waiting, long bufferedBytes, Map<String, Long> followerLag) {}

  public List<GroupStatus> status() {
    List<GroupStatus> out = new ArrayList<>();
    for (int g = 0; g < machines.length; g++) {
      try {
        RaftServer.Division d = server.getDivision(Groups.id(g));
        DivisionInfo info = d.getInfo();
        long commit = d.getRaftLog().getLastCommittedIndex();
        Map<String, Long> lag = new LinkedHashMap<>();
        if (info.isLeader()) {
          long[] match = info.getFollowerMatchIndices();
          List<ServerRpcProto> fs = info.getRoleInfoProto().getLeaderInfo().getFollowerInfoList();
          for (int i = 0; i < Math.min(match.length, fs.size()); i++) {
            lag.put(fs.get(i).getId().getId().toStringUtf8(), Math.max(0, commit - match[i]));
          }
        }
        RaftPeerId leader = info.getLeaderId();
        out.add(new GroupStatus(g, info.getCurrentRole().name().toLowerCase(), leader == null ? "-" : leader.toString(),
            info.getCurrentTerm(), commit, info.getLastAppliedIndex(), machines[g].waitingCount(),
            machines[g].bufferedBytes(), lag));
      } catch (IOException e) {
        out.add(new GroupStatus(g, "unknown", "-", 0, 0, 0, 0, 0, Map.of()));
      }
    }
    return out;
  }

  public String node() {
    return cfg.node();
  }

  /** Waits up to nanos until every request this node submitted has been decided. */
  public void awaitSettled(long nanos) {
    long end = System.nanoTime() + nanos;
    while (!pending.isEmpty() && System.nanoTime() < end) {
      try {
        TimeUnit.MILLISECONDS.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    watch.shutdownNow();
    sender.shutdownNow();
    for (RaftClient c : clients) {
      if (c != null) {
        try {
          c.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }
    if (server != null) {
      try {
        server.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
