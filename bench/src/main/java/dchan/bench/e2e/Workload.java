package dchan.bench.e2e;

import java.util.List;

/**
 * One end-to-end workload, run the same way over dchan (9P2000, one connection per producer and
 * per consumer) and over raw TCP (one connection per producer→consumer pair).
 *
 * <ul>
 *   <li>{@code RENDEZVOUS}: ping-pong. dchan: an unbuffered channel, the producer's Twrite returns
 *       once the consumer's Tread took the message (the Rwrite is the ack). Raw TCP: the consumer
 *       answers each message with a 1-byte ack.
 *   <li>{@code STREAM}: a streamed write/read loop. dchan: a channel of capacity 256, up to
 *       {@code writeWindow} Twrites and {@code readWindow} Treads in flight. Raw TCP: one write(2)
 *       per message, the consumer reads each message separately, no acks.
 *   <li>{@code LINES}: a line channel: writes of {@code batch} lines of {@code size} bytes each
 *       (with their newline), reads of up to 64 KiB. Raw TCP as for STREAM, per message.
 * </ul>
 *
 * @param pairs producer/consumer pairs
 * @param channels channels the pairs share (pair p uses channel p % channels)
 * @param size message size in bytes (≥ 8: a timestamp rides in the first 8 bytes)
 * @param writeWindow Twrites in flight per producer
 * @param readWindow Treads in flight per consumer
 * @param batch lines per write (LINES only)
 */
record Workload(String name, Kind kind, int pairs, int channels, int size, int writeWindow,
    int readWindow, int batch) {
  enum Kind { RENDEZVOUS, STREAM, LINES }

  static Workload rendezvous(String name, int pairs, int channels, int size) {
    return new Workload(name, Kind.RENDEZVOUS, pairs, channels, size, 1, 1, 1);
  }

  static Workload stream(String name, int size, int writeWindow, int readWindow) {
    return new Workload(name, Kind.STREAM, 1, 1, size, writeWindow, readWindow, 1);
  }

  static Workload lines(String name, int size, int batch) {
    return new Workload(name, Kind.LINES, 1, 1, size, 1, 1, batch);
  }

  /** The workloads of bench/README.md's end-to-end table, in order. */
  static List<Workload> all() {
    return List.of(
        rendezvous("W1 rendezvous, 1 pair", 1, 1, 64),
        rendezvous("W1 rendezvous, 1 pair, 4 KiB", 1, 1, 4096),
        rendezvous("W3 rendezvous, 8 pairs, 8 channels", 8, 8, 64),
        rendezvous("W3 rendezvous, 8 pairs, 1 channel", 8, 1, 64),
        rendezvous("W3 rendezvous, 8 pairs, 8 channels, 4 KiB", 8, 8, 4096),
        stream("W2 stream, 1 in flight", 64, 1, 1),
        stream("W2 stream, 1 in flight, 4 KiB", 4096, 1, 1),
        stream("W2 stream, pipelined 256/32", 64, 256, 32),
        stream("W2 stream, pipelined 256/32, 4 KiB", 4096, 256, 32),
        lines("Lines: 64 B lines, 64 KiB writes and reads, 1 in flight", 64, 1024));
  }
}
