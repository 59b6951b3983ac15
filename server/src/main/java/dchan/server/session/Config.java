package dchan.server.session;

/**
 * Server-wide settings: what sessions offer and the limits that protect the server. Every limit
 * has a flag (README, "The command"); {@link #defaults()} are the flags' defaults, with
 * maxConnections and maxMemory 0 meaning "derived at start" (from the descriptor limit and the
 * JVM's heap).
 *
 * @param maxMsize largest msize offered (4096 to {@link #MAX_MSIZE})
 * @param eom end-of-message mark default: AUTO (on for 9P2000.u/.L, off for 9P2000), ON, OFF
 * @param maxFids fids per connection
 * @param maxOutstanding outstanding (parked, queued or deferred) requests per connection
 * @param maxConnections connections at once; 0: derived from the descriptor limit
 * @param maxMemory the memory budget in bytes; 0: a quarter of the JVM's max heap
 * @param maxFiles channels and directories in the tree
 * @param maxDepth directory levels below the root
 * @param handshakeNanos a connection must complete a Tversion within this
 * @param frameNanos a frame, once begun, must arrive whole within this
 * @param stallNanos a client that takes no replies for this long while reading is paused is
 *     disconnected
 */
public record Config(
    int maxMsize,
    Eom eom,
    int maxFids,
    int maxOutstanding,
    int maxConnections,
    long maxMemory,
    int maxFiles,
    int maxDepth,
    long handshakeNanos,
    long frameNanos,
    long stallNanos) {
  public static final int MIN_MSIZE = 4096;
  public static final int MAX_MSIZE = 16 << 20;
  /** Frames before a successful Tversion are at most this big (a Tversion is tens of bytes). */
  public static final int PRE_VERSION_FRAME = 8192;

  /** End-of-message mark mode (semantics.md section 4). */
  public enum Eom {
    AUTO,
    ON,
    OFF
  }

  private static final long SECOND = 1_000_000_000L;

  public static Config defaults() {
    return new Config(1 << 20, Eom.AUTO, 4096, 4096, 0, 0, 100_000, 64,
        10 * SECOND, 30 * SECOND, 60 * SECOND);
  }

  public Config withMsize(int v) {
    return new Config(v, eom, maxFids, maxOutstanding, maxConnections, maxMemory, maxFiles, maxDepth, handshakeNanos, frameNanos, stallNanos);
  }

  public Config withEom(Eom v) {
    return new Config(maxMsize, v, maxFids, maxOutstanding, maxConnections, maxMemory, maxFiles, maxDepth, handshakeNanos, frameNanos, stallNanos);
  }

  public Config withMaxFids(int v) {
    return new Config(maxMsize, eom, v, maxOutstanding, maxConnections, maxMemory, maxFiles, maxDepth, handshakeNanos, frameNanos, stallNanos);
  }

  public Config withMaxOutstanding(int v) {
    return new Config(maxMsize, eom, maxFids, v, maxConnections, maxMemory, maxFiles, maxDepth, handshakeNanos, frameNanos, stallNanos);
  }

  public Config withMaxConnections(int v) {
    return new Config(maxMsize, eom, maxFids, maxOutstanding, v, maxMemory, maxFiles, maxDepth, handshakeNanos, frameNanos, stallNanos);
  }

  public Config withMaxMemory(long v) {
    return new Config(maxMsize, eom, maxFids, maxOutstanding, maxConnections, v, maxFiles, maxDepth, handshakeNanos, frameNanos, stallNanos);
  }

  public Config withMaxFiles(int v) {
    return new Config(maxMsize, eom, maxFids, maxOutstanding, maxConnections, maxMemory, v, maxDepth, handshakeNanos, frameNanos, stallNanos);
  }

  public Config withMaxDepth(int v) {
    return new Config(maxMsize, eom, maxFids, maxOutstanding, maxConnections, maxMemory, maxFiles, v, handshakeNanos, frameNanos, stallNanos);
  }

  public Config withTimeouts(long handshake, long frame, long stall) {
    return new Config(maxMsize, eom, maxFids, maxOutstanding, maxConnections, maxMemory, maxFiles, maxDepth, handshake, frame, stall);
  }
}
