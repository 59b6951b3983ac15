package dchan.server.fs;

import dchan.core.Channel;
import java.util.concurrent.atomic.LongAdder;

/**
 * A channel file: a {@link Channel} of messages (byte arrays, 1 to iounit bytes) plus the counters
 * only the server knows, and its mode: a message channel (a write is one message, a read takes
 * one) or a line channel (semantics.md section 4a: a write is split into lines, a read takes the
 * lines that fit). A message weighs its length against a line read's count. The counters are
 * written from any loop thread.
 */
public final class ChannelFile extends Node {
  private final Channel<byte[]> channel = new Channel<>(0, m -> m.length, null);
  private volatile boolean lines;
  private final LongAdder bytesDelivered = new LongAdder();
  private final LongAdder droppedOutside = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final WaitHistogram rendezvousWaits = new WaitHistogram();
  final RateWindow sendRate = new RateWindow();
  final RateWindow receiveRate = new RateWindow();

  ChannelFile(long qidPath, String name, Dir parent) {
    super(qidPath, name, parent);
  }

  public Channel<byte[]> channel() {
    return channel;
  }

  /** True for a line channel. */
  public boolean lines() {
    return lines;
  }

  /** Makes this a line channel (true) or a message channel (false), for writes and reads to come. */
  public void setLines(boolean lines) {
    this.lines = lines;
  }

  /** n bytes were returned to a reader. */
  public void delivered(int n) {
    bytesDelivered.add(n);
  }

  /**
   * n messages were lost by the server outside the channel: a remainder dropped when its fid was
   * clunked, or a message taken for a connection that closed before the reply could be sent.
   */
  public void droppedOutside(int n) {
    droppedOutside.add(n);
  }

  /** A write was refused because the memory budget was exhausted (ENOSPC or EAGAIN). */
  public void refused() {
    refused.increment();
  }

  /** Sends on this channel while it was a rendezvous channel: how long each waited for its receiver. */
  public WaitHistogram rendezvousWaits() {
    return rendezvousWaits;
  }

  public long bytesDelivered() {
    return bytesDelivered.sum();
  }

  public long droppedOutsideCount() {
    return droppedOutside.sum();
  }

  public long refusedCount() {
    return refused.sum();
  }

  @Override
  public int perm() {
    return 0666;
  }
}
