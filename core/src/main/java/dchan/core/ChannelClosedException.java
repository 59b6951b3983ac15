package dchan.core;

/** A send on a closed channel (9P: EPIPE, "Broken pipe"). The message was not accepted. */
public final class ChannelClosedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ChannelClosedException() {
    super("channel closed");
  }
}
