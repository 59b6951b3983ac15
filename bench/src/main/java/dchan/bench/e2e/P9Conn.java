package dchan.bench.e2e;

import dchan.server.wire.Codec;
import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import dchan.server.wire.Wire;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A minimal blocking 9P2000 client for the load generator: one connection, frames written through
 * a buffer (the caller decides when to flush), replies read in arrival order.
 */
final class P9Conn implements AutoCloseable {
  static final int MSIZE = 65536 + Wire.IOHDRSZ;
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final Dialect dialect;

  P9Conn(InetSocketAddress server, Dialect dialect) throws IOException {
    this.dialect = dialect;
    socket = new Socket();
    socket.connect(server, 5000);
    socket.setTcpNoDelay(true);
    in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 17));
    out = new BufferedOutputStream(socket.getOutputStream(), 1 << 17);
    send(Wire.NOTAG, new Msg.Tversion(MSIZE, dialect.version));
    flush();
    receive();
    rpc(new Msg.Tattach(0, Wire.NOFID, "bench", "", Wire.NOFID));
  }

  void send(int tag, Msg m) throws IOException {
    ByteBuffer b = Codec.encode(tag, m, dialect);
    out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
  }

  void flush() throws IOException {
    out.flush();
  }

  /** The next reply: its tag and message. */
  Codec.Decoded receive() throws IOException {
    int size = Integer.reverseBytes(in.readInt());
    byte[] f = new byte[size];
    ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putInt(size);
    in.readFully(f, 4, size - 4);
    return Codec.decode(ByteBuffer.wrap(f), dialect);
  }

  Msg rpc(Msg m) throws IOException {
    send(1, m);
    flush();
    Msg r = receive().msg();
    if (r instanceof Msg.Rerror || r instanceof Msg.Rlerror) {
      throw new IOException(m + " failed: " + r);
    }
    return r;
  }

  void create(String name) throws IOException {
    rpc(new Msg.Twalk(0, 9, List.of()));
    if (dialect == Dialect.P9_2000_L) {
      rpc(new Msg.Tlcreate(9, name, 0, 0100666, 0));
    } else {
      rpc(new Msg.Tcreate(9, name, 0666, 0, ""));
    }
    rpc(new Msg.Tclunk(9));
  }

  void open(int fid, String name, int mode) throws IOException {
    rpc(new Msg.Twalk(0, fid, List.of(name)));
    rpc(dialect == Dialect.P9_2000_L ? new Msg.Tlopen(fid, mode) : new Msg.Topen(fid, mode));
  }

  void ctl(String text) throws IOException {
    open(8, "ctl", 1);
    rpc(new Msg.Twrite(8, 0, text.getBytes(StandardCharsets.UTF_8)));
    rpc(new Msg.Tclunk(8));
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
