package dchan.server.session;

import dchan.core.Listener;
import dchan.core.Op;
import dchan.server.fs.ChannelFile;

/**
 * How a session starts reads and writes on a channel: on the channel itself (one server: {@link
 * #LOCAL}), or through the cluster's log, as remote ops ({@link Op#remote}) that complete when the
 * node's replica applies their decision. Either way the op follows the core's contract, with one
 * difference for remote ops: their cancel is decided later and reported through the listener.
 */
public interface ChannelOps {
  /**
   * True if channels live in a replicated state machine: their buffered bytes are then not part of
   * this node's memory budget (the state machine keeps its own limit).
   */
  default boolean replicated() {
    return false;
  }

  /** A write of data: one message, or its lines on a line channel. */
  Op<byte[]> send(ChannelFile c, byte[] data, Listener<byte[]> listener, Object attachment);

  /** A read of at most count bytes: one message, or the lines that fit on a line channel. */
  Op<byte[]> receive(ChannelFile c, int count, Listener<byte[]> listener, Object attachment);

  ChannelOps LOCAL = new ChannelOps() {
    @Override
    public Op<byte[]> send(ChannelFile c, byte[] data, Listener<byte[]> listener, Object attachment) {
      return c.lines()
          ? c.channel().startSendBatch(Lines.split(data), listener, attachment)
          : c.channel().startSend(data, listener, attachment);
    }

    @Override
    public Op<byte[]> receive(ChannelFile c, int count, Listener<byte[]> listener, Object attachment) {
      return c.lines()
          ? c.channel().startReceiveBatch(count, listener, attachment)
          : c.channel().startReceive(listener, attachment);
    }
  };
}
