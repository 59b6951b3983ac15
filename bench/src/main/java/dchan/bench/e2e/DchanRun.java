package dchan.bench.e2e;

import dchan.server.wire.Codec;
import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** A workload over dchan: one 9P2000 connection per producer and per consumer. */
final class DchanRun {
  private DchanRun() {}

  static Result run(ServerProcess server, Workload w, String prefix, Window window)
      throws Exception {
    return run(List.of(server.address), 0, w, prefix, window, server::cpuNanos);
  }

  /**
   * The workload through several servers (the nodes of a cluster): pair p writes through
   * nodes[p % n] and reads through nodes[(p + shift) % n]; the channels are made through
   * nodes[0]; cpu is the servers' CPU time together.
   */
  static Result run(List<InetSocketAddress> nodes, int shift, Workload w, String prefix, Window window,
      LongSupplier cpu) throws Exception {
    List<P9Conn> conns = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    int n = nodes.size();
    try (P9Conn setup = new P9Conn(nodes.get(0), Dialect.P9_2000)) {
      StringBuilder ctl = new StringBuilder();
      for (int c = 0; c < w.channels(); c++) {
        setup.create(prefix + c);
        switch (w.kind()) {
          case STREAM -> ctl.append('/').append(prefix).append(c).append(" 256\n");
          case LINES -> ctl.append('/').append(prefix).append(c).append(" 4096 lines\n");
          default -> { }
        }
      }
      if (ctl.length() > 0) {
        setup.ctl(ctl.toString());
      }
      for (int p = 0; p < w.pairs(); p++) {
        String chan = prefix + (p % w.channels());
        P9Conn producer = new P9Conn(nodes.get(p % n), Dialect.P9_2000);
        P9Conn consumer = new P9Conn(nodes.get((p + shift) % n), Dialect.P9_2000);
        conns.add(producer);
        conns.add(consumer);
        open(producer, chan, 1);
        open(consumer, chan, 0);
        threads.add(thread(() -> produce(producer, w, window)));
        threads.add(thread(() -> consume(consumer, w, window)));
      }
    }
    threads.forEach(Thread::start);
    return measure(window, cpu, conns, threads);
  }

  /** Opens chan; another cluster node may apply its creation a moment later, so retry a while. */
  private static void open(P9Conn c, String chan, int mode) throws IOException, InterruptedException {
    for (int i = 0; ; i++) {
      try {
        c.open(1, chan, mode);
        return;
      } catch (IOException e) {
        if (i == 100) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
  }

  /**
   * Waits out the window, reading the server's CPU time (if cpu is not null) at its start and end,
   * then closes the connections, which ends the threads, and waits for them.
   */
  static Result measure(Window window, LongSupplier cpu, List<? extends AutoCloseable> conns,
      List<Thread> threads) throws Exception {
    sleepUntil(window.start);
    long cpu0 = cpu == null ? -1 : cpu.getAsLong();
    sleepUntil(window.end);
    long cpu1 = cpu == null ? -1 : cpu.getAsLong();
    for (AutoCloseable c : conns) {
      c.close();
    }
    for (Thread t : threads) {
      t.join(10_000);
    }
    return window.result(cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0);
  }

  static void sleepUntil(long deadline) throws InterruptedException {
    for (long left; (left = deadline - System.nanoTime()) > 0; ) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  interface Body {
    void run() throws Exception;
  }

  static Thread thread(Body body) {
    Thread t = new Thread(() -> {
      try {
        body.run();
      } catch (Exception e) {
        // the connection was closed at the end of the run
      }
    });
    t.setDaemon(true);
    return t;
  }

  private static void produce(P9Conn c, Workload w, Window window) throws Exception {
    int len = w.kind() == Workload.Kind.LINES ? w.size() * w.batch() : w.size();
    byte[] data = new byte[len];
    pump(c, w.writeWindow(), window, tag -> {
      for (int off = 0; off < len; off += w.size()) {
        Window.stamp(data, off, w.size());
      }
      c.send(tag, new Msg.Twrite(1, 0, data));
    }, reply -> {
      if (!(reply.msg() instanceof Msg.Rwrite)) {
        throw new IOException("write failed: " + reply.msg());
      }
    });
  }

  private static void consume(P9Conn c, Workload w, Window window) throws Exception {
    Window.Recorder rec = window.new Recorder();
    try {
      pump(c, w.readWindow(), window, tag -> c.send(tag, new Msg.Tread(1, 0, 65536)), reply -> {
        if (reply.msg() instanceof Msg.Rread r) {
          rec.messages(r.data(), 0, r.data().length, w.size());
        } else {
          throw new IOException("read failed: " + reply.msg());
        }
      });
    } finally {
      window.merge(rec);
    }
  }

  interface Sender {
    void send(int tag) throws IOException;
  }

  interface Receiver {
    void receive(Codec.Decoded reply) throws IOException;
  }

  /**
   * Keeps up to {@code inFlight} requests outstanding until the window ends. With one in flight,
   * send and wait in turn; with more, a second thread takes the replies.
   */
  private static void pump(P9Conn c, int inFlight, Window window, Sender send, Receiver receive)
      throws Exception {
    if (inFlight == 1) {
      while (!window.over()) {
        send.send(10);
        c.flush();
        receive.receive(c.receive());
      }
      return;
    }
    Semaphore credits = new Semaphore(inFlight);
    Thread replies = thread(() -> {
      while (true) {
        receive.receive(c.receive());
        credits.release();
      }
    });
    replies.start();
    int tag = 0;
    while (!window.over()) {
      if (!credits.tryAcquire()) {
        c.flush();
        if (!credits.tryAcquire(50, TimeUnit.MILLISECONDS)) {
          continue;
        }
      }
      send.send(10 + tag);
      tag = (tag + 1) % (2 * inFlight);
    }
    c.flush();
  }
}
