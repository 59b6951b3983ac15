package dchan.server.session;

import java.nio.ByteBuffer;

/** What a session needs from its connection. */
public interface Transport {
  /** Queues one whole encoded frame for the client. Loop thread only. */
  void send(ByteBuffer frame);

  /** Runs task on the connection's loop thread (from any thread), after what is queued. */
  void execute(Runnable task);
}
