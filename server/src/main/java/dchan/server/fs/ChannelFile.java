package dchan.server.fs;

import dchan.core.Channel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A channel file: a {@link Channel} of messages (byte arrays, 1 to iounit bytes) plus the
 * counters only the server knows.
 */
public final class ChannelFile extends Node {
  public final Channel<byte[]> channel = new Channel<>(0);
  /** Bytes returned to readers. */
  public final AtomicLong bytesDelivered = new AtomicLong();
  /**
   * Messages lost by the server outside the channel: remainders dropped when their fid was
   * clunked, and messages taken for a connection that closed before the reply could be sent.
   */
  public final AtomicLong droppedOutside = new AtomicLong();

  final RateWindow sendRate = new RateWindow();
  final RateWindow receiveRate = new RateWindow();

  ChannelFile(long qidPath, String name, Dir parent) {
    super(qidPath, name, parent);
  }

  @Override
  public int perm() {
    return 0666;
  }
}
