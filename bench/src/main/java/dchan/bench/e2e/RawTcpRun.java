package dchan.bench.e2e;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The same workload over raw TCP on loopback, producer connected straight to consumer (the limit
 * dchan is measured against) or through {@link Relay} (the same two hops as through a broker). Rendezvous: the consumer acks each message with one byte. Stream
 * and lines: one write(2) per message, the consumer reads each message on its own.
 */
final class RawTcpRun {
  private RawTcpRun() {}

  /** Runs w; through the relay at {@code relay} if not null, else producer straight to consumer. */
  static Result run(Workload w, Window window, InetSocketAddress relay, LongSupplier relayCpu)
      throws Exception {
    List<Socket> sockets = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    try (ServerSocket listener = new ServerSocket(0, 64, InetAddress.getLoopbackAddress())) {
      InetSocketAddress target = relay != null ? relay
          : new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
      for (int p = 0; p < w.pairs(); p++) {
        Socket producer = new Socket();
        producer.connect(target);
        Socket consumer;
        if (relay != null) { // the relay pairs connections in arrival order
          consumer = new Socket();
          consumer.connect(target);
        } else {
          consumer = listener.accept();
        }
        for (Socket s : List.of(producer, consumer)) {
          s.setTcpNoDelay(true);
          sockets.add(s);
        }
        boolean ack = w.kind() == Workload.Kind.RENDEZVOUS;
        threads.add(DchanRun.thread(() -> produce(producer, w.size(), ack, window)));
        threads.add(DchanRun.thread(() -> consume(consumer, w.size(), ack, window)));
      }
    }
    threads.forEach(Thread::start);
    return DchanRun.measure(window, relayCpu, sockets, threads);
  }

  private static void produce(Socket s, int size, boolean ack, Window window) throws Exception {
    OutputStream out = s.getOutputStream();
    InputStream in = s.getInputStream();
    byte[] m = new byte[size];
    while (!window.over()) {
      Window.stamp(m, 0, size);
      out.write(m);
      if (ack && in.read() < 0) {
        return;
      }
    }
  }

  private static void consume(Socket s, int size, boolean ack, Window window) throws Exception {
    DataInputStream in = new DataInputStream(s.getInputStream());
    OutputStream out = s.getOutputStream();
    Window.Recorder rec = window.new Recorder();
    byte[] m = new byte[size];
    try {
      while (true) {
        in.readFully(m);
        rec.messages(m, 0, size, size);
        if (ack) {
          out.write(1);
        }
      }
    } finally {
      window.merge(rec);
    }
  }
}
