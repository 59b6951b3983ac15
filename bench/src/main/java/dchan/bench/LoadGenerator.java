package dchan.bench;

import dchan.server.Server;
import dchan.server.session.Config;
import dchan.server.wire.Codec;
import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import dchan.server.wire.Wire;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * End-to-end load over 9P2000.L on loopback. Starts a server in this JVM (or uses {@code --port}
 * of a running one), then:
 *
 * <ol>
 *   <li>parked: {@code --idle-connections} connections each park {@code --parked} reads on idle
 *       channels; reports parked requests and the server heap they cost (embedded server only);
 *   <li>flow: {@code --pairs} writer and reader connections on {@code --channels} channels of
 *       capacity {@code --capacity}, each keeping {@code --window} requests in flight, for
 *       {@code --seconds}; reports messages/s, MB/s and write-to-read latency percentiles.
 * </ol>
 *
 * Bounded in count and time; talks to 127.0.0.1 only.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dchan.bench.LoadGenerator --pairs 8 --seconds 10
 * </pre>
 */
public final class LoadGenerator {
  private int port = 0;
  private int idleConnections = 10;
  private int parked = 4000;
  private int pairs = 8;
  private int channels = 4;
  private int capacity = 64;
  private int window = 16;
  private int size = 64;
  private int seconds = 10;

  public static void main(String[] args) throws Exception {
    LoadGenerator g = new LoadGenerator();
    for (int i = 0; i + 1 < args.length; i += 2) {
      int v = Integer.parseInt(args[i + 1]);
      switch (args[i]) {
        case "--port" -> g.port = v;
        case "--idle-connections" -> g.idleConnections = v;
        case "--parked" -> g.parked = v;
        case "--pairs" -> g.pairs = v;
        case "--channels" -> g.channels = v;
        case "--capacity" -> g.capacity = v;
        case "--window" -> g.window = v;
        case "--size" -> g.size = Math.max(v, 8);
        case "--seconds" -> g.seconds = Math.min(v, 300);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    g.run();
  }

  private void run() throws Exception {
    Server embedded = null;
    if (port == 0) {
      embedded = new Server(new InetSocketAddress("127.0.0.1", 0), Config.defaults(), 2).start();
      port = embedded.address().getPort();
    }
    try {
      Client setup = new Client(port);
      StringBuilder ctl = new StringBuilder();
      for (int c = 0; c < channels; c++) {
        setup.create("load" + c);
        ctl.append("/load").append(c).append(' ').append(capacity).append('\n');
      }
      setup.create("idle");
      setup.open(1, "ctl", 1);
      setup.rpc(new Msg.Twrite(1, 0, ctl.toString().getBytes()));
      parkedPhase();
      flowPhase();
      setup.close();
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  private void parkedPhase() throws Exception {
    long before = usedHeap();
    List<Client> idle = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < idleConnections; i++) {
      Client c = new Client(port);
      c.open(1, "idle", 0);
      for (int tag = 10; tag < 10 + parked; tag++) {
        c.send(tag, new Msg.Tread(1, 0, 8192));
      }
      idle.add(c);
    }
    Client probe = new Client(port); // the server still answers promptly
    long p0 = System.nanoTime();
    probe.rpc(new Msg.Tstatfs(0));
    long probeMicros = (System.nanoTime() - p0) / 1000;
    Thread.sleep(500);
    long after = usedHeap();
    System.out.printf(
        "parked: %d connections x %d reads = %d parked requests in %.1f s; statfs answered in %d us;"
            + " server heap +%.1f MB (%s bytes/parked request)%n",
        idleConnections, parked, (long) idleConnections * parked, (System.nanoTime() - t0) / 1e9,
        probeMicros, (after - before) / 1e6,
        before < 0 ? "n/a" : String.valueOf((after - before) / ((long) idleConnections * parked)));
    for (Client c : idle) {
      c.close();
    }
    probe.close();
  }

  private static long usedHeap() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private void flowPhase() throws Exception {
    AtomicLong delivered = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    long[] latencies = new long[1 << 20];
    AtomicLong samples = new AtomicLong();
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    List<Thread> threads = new ArrayList<>();
    List<Client> clients = new ArrayList<>();
    for (int p = 0; p < pairs; p++) {
      String chan = "load" + (p % channels);
      Client w = new Client(port);
      Client r = new Client(port);
      w.open(1, chan, 1);
      r.open(1, chan, 0);
      clients.add(w);
      clients.add(r);
      threads.add(w.pump(deadline, () -> {
        byte[] m = new byte[size];
        ByteBuffer.wrap(m).putLong(System.nanoTime());
        return new Msg.Twrite(1, 0, m);
      }, reply -> {}));
      threads.add(r.pump(deadline, () -> new Msg.Tread(1, 0, 65536), reply -> {
        byte[] d = ((Msg.Rread) reply).data();
        if (d.length >= 8) {
          long lat = System.nanoTime() - ByteBuffer.wrap(d).getLong();
          long i = samples.getAndIncrement();
          if (i < latencies.length) {
            latencies[(int) i] = lat;
          }
          delivered.incrementAndGet();
          bytes.addAndGet(d.length);
        }
      }));
    }
    long t0 = System.nanoTime();
    for (Thread t : threads) {
      t.join();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    for (Client c : clients) {
      c.close();
    }
    int n = (int) Math.min(samples.get(), latencies.length);
    long[] l = Arrays.copyOf(latencies, n);
    Arrays.sort(l);
    System.out.printf(
        "flow: %d writer/reader pairs, %d channels (capacity %d), window %d, %d-byte messages, %.1f s:"
            + " %.0f msgs/s, %.1f MB/s; latency p50 %.0f us, p99 %.0f us, max %.0f us%n",
        pairs, channels, capacity, window, size, secs, delivered.get() / secs, bytes.get() / secs / 1e6,
        pct(l, 0.50), pct(l, 0.99), n == 0 ? 0 : l[n - 1] / 1e3);
  }

  private static double pct(long[] sorted, double q) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, q * sorted.length)] / 1e3;
  }

  /** A minimal pipelining 9P2000.L client. */
  private final class Client implements AutoCloseable {
    private final Socket s;
    private final DataInputStream in;
    private final OutputStream out;

    Client(int port) throws IOException {
      s = new Socket("127.0.0.1", port);
      s.setTcpNoDelay(true);
      in = new DataInputStream(new java.io.BufferedInputStream(s.getInputStream(), 1 << 16));
      out = new java.io.BufferedOutputStream(s.getOutputStream(), 1 << 16);
      send(Wire.NOTAG, new Msg.Tversion(65536 + 24, "9P2000.L"));
      out.flush();
      receive();
      rpc(new Msg.Tattach(0, Wire.NOFID, "load", "", Wire.NOFID));
    }

    synchronized void send(int tag, Msg m) throws IOException {
      ByteBuffer b = Codec.encode(tag, m, Dialect.P9_2000_L);
      out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
    }

    Msg receive() throws IOException {
      int size = Integer.reverseBytes(in.readInt());
      byte[] f = new byte[size];
      ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putInt(size);
      in.readFully(f, 4, size - 4);
      return Codec.decode(ByteBuffer.wrap(f), Dialect.P9_2000_L).msg();
    }

    Msg rpc(Msg m) throws IOException {
      send(1, m);
      out.flush();
      Msg r = receive();
      if (r instanceof Msg.Rlerror e) {
        throw new IOException(m + " failed: errno " + e.ecode());
      }
      return r;
    }

    void create(String name) throws IOException {
      rpc(new Msg.Twalk(0, 9, List.of()));
      rpc(new Msg.Tlcreate(9, name, 0, 0100666, 0));
      rpc(new Msg.Tclunk(9));
    }

    void open(int fid, String name, int mode) throws IOException {
      rpc(new Msg.Twalk(0, fid, List.of(name)));
      rpc(new Msg.Tlopen(fid, mode));
    }

    /** Keeps `window` requests in flight until the deadline; then flushes what is left. */
    Thread pump(long deadline, java.util.function.Supplier<Msg> next, java.util.function.Consumer<Msg> onReply) {
      Semaphore credits = new Semaphore(window);
      Thread reader = new Thread(() -> {
        try {
          while (true) {
            Msg r = receive();
            if (!(r instanceof Msg.Rflush)) {
              onReply.accept(r);
            }
            credits.release();
          }
        } catch (IOException closed) {
          // connection closed at the end
        }
      });
      reader.setDaemon(true);
      reader.start();
      Thread writer = new Thread(() -> {
        try {
          int tag = 100;
          while (System.nanoTime() < deadline) {
            if (!credits.tryAcquire(10, java.util.concurrent.TimeUnit.MILLISECONDS)) {
              continue;
            }
            send(tag, next.get());
            tag = tag == 100 + 4 * window ? 100 : tag + 1;
            if (credits.availablePermits() == 0) {
              out.flush();
            }
            synchronized (this) {
              if (credits.availablePermits() > 0) {
                out.flush();
              }
            }
          }
          out.flush();
        } catch (IOException | InterruptedException e) {
          // done
        }
      });
      writer.start();
      return writer;
    }

    @Override
    public void close() throws IOException {
      s.close();
    }
  }
}
