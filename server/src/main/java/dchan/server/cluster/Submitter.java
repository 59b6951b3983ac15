package dchan.server.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.logging.Logger;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * One group's way into its log from this node: entries reach the log in the order submitted,
 * and while {@link #IN_FLIGHT} log entries of this node are on their way, later ones queue and
 * leave together as one batch entry (applied in order, as consecutive entries would be). An idle
 * group sends an entry at once, so a lone request pays no batching delay; a busy one pays one
 * commit for many requests. A batch holds at most {@code maxBytes} of entries, and always at
 * least one.
 *
 * <p>Order: only the thread that set {@code sending} calls the client's ordered {@code send},
 * one call after another, so the log keeps the queue's order. Locks: Ratis completes replies
 * while holding its own client lock, so this never calls Ratis while holding its lock, and a
 * reply that finds a backlog hands the sending to {@code executor} rather than sending from
 * inside Ratis's callback.
 */
final class Submitter {
  private static final Logger LOG = Logger.getLogger(Submitter.class.getName());
  /** Log entries of this node in flight per group before later entries are batched. */
  static final int IN_FLIGHT = 2;

  private final int group;
  private final RaftClient client;
  private final long maxBytes;
  private final Executor executor;
  // Guarded by this.
  private List<byte[]> queued = new ArrayList<>();
  private long queuedBytes;
  private int inFlight;
  private boolean sending;

  Submitter(int group, RaftClient client, long maxBytes, Executor executor) {
    this.group = group;
    this.client = client;
    this.maxBytes = maxBytes;
    this.executor = executor;
  }

  /** Queues e behind everything submitted before it. */
  void submit(Entry e) {
    byte[] encoded = e.encode();
    synchronized (this) {
      queued.add(encoded);
      queuedBytes += encoded.length;
      if (sending || inFlight >= IN_FLIGHT) {
        return;
      }
      sending = true;
    }
    pump();
  }

  /** Sends batches while there is a queue and room in flight; the caller set sending. */
  private void pump() {
    while (true) {
      List<byte[]> batch;
      synchronized (this) {
        if (queued.isEmpty() || inFlight >= IN_FLIGHT) {
          sending = false;
          return;
        }
        batch = take();
        inFlight++;
      }
      byte[] data = batch.size() == 1 ? batch.get(0) : Entry.batch(batch);
      client.async().send(Message.valueOf(UnsafeByteOperations.unsafeWrap(data)))
          .whenComplete((reply, err) -> {
            if (err != null || (reply != null && !reply.isSuccess())) {
              LOG.fine("cluster: group " + group + ": " + batch.size() + " entries not submitted: "
                  + (err != null ? err : reply.getException()));
            }
            replied();
          });
    }
  }

  private void replied() {
    synchronized (this) {
      inFlight--;
      if (sending || queued.isEmpty()) {
        return; // the sender in pump() sees the free slot; or there is nothing to send
      }
      sending = true;
    }
    executor.execute(this::pump);
  }

  /** The longest prefix of the queue within maxBytes (at least one entry). Under the lock. */
  private List<byte[]> take() {
    if (queuedBytes <= maxBytes) {
      List<byte[]> all = queued;
      queued = new ArrayList<>();
      queuedBytes = 0;
      return all;
    }
    List<byte[]> batch = new ArrayList<>();
    long bytes = 0;
    while (!queued.isEmpty() && (batch.isEmpty() || bytes + queued.get(0).length <= maxBytes)) {
      byte[] e = queued.remove(0);
      bytes += e.length;
      batch.add(e);
    }
    queuedBytes -= bytes;
    return batch;
  }
}
