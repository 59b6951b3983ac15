package dchan.server;

import dchan.server.wire.Codec;
import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import dchan.server.wire.Wire;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A raw-socket 9P client for conversation tests: sends exact frames in any dialect, pipelines
 * freely, and reads replies one by one in arrival order.
 */
final class P9Client implements AutoCloseable {
  /** The TCP (or TLS) socket, null over a Unix socket. */
  final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final java.io.Closeable closer;
  Dialect dialect = Dialect.P9_2000_L;

  P9Client(InetSocketAddress address) throws IOException {
    this(connect(address));
  }

  /** Over a connected socket: plain TCP, or an SSLSocket. */
  P9Client(Socket s) throws IOException {
    socket = s;
    socket.setSoTimeout(10_000);
    in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
    out = socket.getOutputStream();
    closer = socket;
  }

  /** Over a connected Unix socket (blocking; no read timeouts). */
  P9Client(java.nio.channels.SocketChannel ch) {
    socket = null;
    in = new DataInputStream(new java.io.BufferedInputStream(java.nio.channels.Channels.newInputStream(ch)));
    out = java.nio.channels.Channels.newOutputStream(ch);
    closer = ch;
  }

  private static Socket connect(InetSocketAddress address) throws IOException {
    Socket s = new Socket();
    s.connect(address, 5000);
    s.setTcpNoDelay(true);
    return s;
  }

  /** A reply as received. */
  record Reply(int tag, Msg msg, int typeId) {}

  void send(int tag, Msg m) throws IOException {
    sendRaw(bytes(tag, m));
  }

  byte[] bytes(int tag, Msg m) {
    ByteBuffer b = Codec.encode(tag, m, dialect);
    byte[] a = new byte[b.remaining()];
    b.get(a);
    return a;
  }

  void sendRaw(byte[] frame) throws IOException {
    out.write(frame);
    out.flush();
  }

  /** Sends several frames in one TCP write, so the server reads them in one batch. */
  void sendBatch(Object... tagAndMsg) throws IOException {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < tagAndMsg.length; i += 2) {
      all.writeBytes(bytes((Integer) tagAndMsg[i], (Msg) tagAndMsg[i + 1]));
    }
    sendRaw(all.toByteArray());
  }

  Reply receive() throws IOException {
    byte[] head = new byte[4];
    in.readFully(head);
    int size = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt();
    byte[] frame = new byte[size];
    System.arraycopy(head, 0, frame, 0, 4);
    in.readFully(frame, 4, size - 4);
    Codec.Decoded d = Codec.decode(ByteBuffer.wrap(frame), dialect);
    if (d.msg() == null) {
      throw new IOException("undecodable reply type " + d.typeId());
    }
    return new Reply(d.tag(), d.msg(), d.typeId());
  }

  /**
   * True if nothing arrives within millis; false if something does (it is kept for {@link
   * #receive}). Throws if the connection closed.
   */
  boolean silentFor(int millis) throws IOException {
    int before = socket.getSoTimeout();
    socket.setSoTimeout(millis);
    try {
      in.mark(1);
      int b = in.read();
      if (b < 0) {
        throw new EOFException("closed");
      }
      in.reset();
      return false;
    } catch (SocketTimeoutException e) {
      return true;
    } finally {
      socket.setSoTimeout(before);
    }
  }

  /** How long receive() waits before it throws (0: for ever). */
  void timeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  /** True if the server closed the connection. */
  boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  Msg rpc(int tag, Msg m) throws IOException {
    send(tag, m);
    Reply r = receive();
    if (r.tag != tag) {
      throw new IOException("reply tag " + r.tag + " for request " + tag + ": " + r.msg);
    }
    return r.msg;
  }

  <T extends Msg> T ok(int tag, Msg m, Class<T> type) throws IOException {
    Msg r = rpc(tag, m);
    if (!type.isInstance(r)) {
      throw new AssertionError("expected " + type.getSimpleName() + " for " + m + ", got " + r);
    }
    return type.cast(r);
  }

  /** Tversion + Tattach as fid 0. */
  P9Client start(Dialect d, String aname) throws IOException {
    dialect = d;
    ok(Wire.NOTAG, new Msg.Tversion(65536 + 24, d.version), Msg.Rversion.class);
    ok(0, new Msg.Tattach(0, Wire.NOFID, "test", aname, Wire.NOFID), Msg.Rattach.class);
    return this;
  }

  /** Walks from the root (fid 0) to name into newfid and opens it (mode: 0 read, 1 write, 2 rdwr). */
  void open(int newfid, String name, int mode) throws IOException {
    ok(1, new Msg.Twalk(0, newfid, name.isEmpty() ? List.of() : List.of(name.split("/"))), Msg.Rwalk.class);
    if (dialect == Dialect.P9_2000_L) {
      ok(1, new Msg.Tlopen(newfid, mode), Msg.Rlopen.class);
    } else {
      ok(1, new Msg.Topen(newfid, mode), Msg.Ropen.class);
    }
  }

  /** Creates a channel at the root, leaving newfid clunked. */
  void create(String name) throws IOException {
    ok(1, new Msg.Twalk(0, 99, List.of()), Msg.Rwalk.class);
    if (dialect == Dialect.P9_2000_L) {
      ok(1, new Msg.Tlcreate(99, name, 1, 0100666, 0), Msg.Rlcreate.class);
    } else {
      ok(1, new Msg.Tcreate(99, name, 0666, 1, ""), Msg.Rcreate.class);
    }
    ok(1, new Msg.Tclunk(99), Msg.Rclunk.class);
  }

  /** The fid and tag readAll uses, clear of the small numbers tests pick. */
  private static final int TABLE_FID = 9000;
  private static final int TABLE_TAG = 9000;

  /**
   * The whole text of a file at the root (ctl, stats, limits, clients, cluster), read from
   * offset 0 until an empty read on fid 9000, which is then clunked.
   */
  String readAll(String name) throws IOException {
    open(TABLE_FID, name, 0);
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    byte[] part;
    while ((part = ok(TABLE_TAG, new Msg.Tread(TABLE_FID, all.size(), 65536), Msg.Rread.class).data()).length > 0) {
      all.write(part, 0, part.length);
    }
    ok(TABLE_TAG, new Msg.Tclunk(TABLE_FID), Msg.Rclunk.class);
    return all.toString(StandardCharsets.UTF_8);
  }

  /** The line of table file (stats, limits, ...) whose first column is key, or null if none. */
  String row(String file, String key) throws IOException {
    for (String line : readAll(file).split("\n")) {
      if (line.startsWith(key + "\t")) {
        return line;
      }
    }
    return null;
  }

  static String text(Msg m) {
    return new String(((Msg.Rread) m).data(), StandardCharsets.UTF_8);
  }

  static Msg.Twrite write(int fid, String s) {
    return new Msg.Twrite(fid, 0, s.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws IOException {
    closer.close();
  }
}
