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
import java.util.List;

/**
 * What parked requests cost, over 9P2000.L on loopback. Starts a server in this JVM (or uses
 * {@code --port} of a running one); {@code --idle-connections} connections each park {@code
 * --parked} reads on an idle channel; a Tstatfs on another connection must still be answered
 * promptly. Reports the parked requests and the server heap they cost (embedded server only).
 * Throughput and latency are {@link dchan.bench.e2e.Main}'s. Bounded in count; 127.0.0.1 only.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dchan.bench.LoadGenerator --parked 4000
 * </pre>
 */
public final class LoadGenerator {
  private int port = 0;
  private int idleConnections = 10;
  private int parked = 4000;

  public static void main(String[] args) throws Exception {
    LoadGenerator g = new LoadGenerator();
    for (int i = 0; i + 1 < args.length; i += 2) {
      int v = Integer.parseInt(args[i + 1]);
      switch (args[i]) {
        case "--port" -> g.port = v;
        case "--idle-connections" -> g.idleConnections = v;
        case "--parked" -> g.parked = v;
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
      setup.create("idle");
      parkedPhase();
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

    @Override
    public void close() throws IOException {
      s.close();
    }
  }
}
