package dchan.server.session;

import java.nio.ByteBuffer;

/** What a session needs from its connection. */
public interface Transport {
  /**
   * Runs task on the connection's own selector loop (where the session is served when its lock
   * is busy). Callable from any thread.
   */
  void execute(Runnable task);

  /**
   * Queues one whole reply frame (called with the session's lock held) (head, then body if not null). {@code held} bytes of it are
   * already charged to the session's account; the connection charges the rest, and releases all
   * of it once written.
   */
  void send(ByteBuffer head, ByteBuffer body, int held);
}
