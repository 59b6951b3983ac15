package dchan.bench.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The least a broker can do: a one-thread NIO relay that pairs connections in the order they
 * arrive (first with second, third with fourth, ...) and copies bytes between them. Run in its
 * own JVM; the "raw TCP via relay" baseline sends the raw-TCP workload through it, so the message
 * crosses the same two hops as through dchan, with no protocol work.
 *
 * <pre>java -cp bench/target/benchmarks.jar dchan.bench.e2e.Relay   # prints "relay on PORT"</pre>
 */
public final class Relay {
  private static final class Side {
    final SocketChannel ch;
    Side peer;
    final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 16);

    Side(SocketChannel ch) {
      this.ch = ch;
    }
  }

  public static void main(String[] args) throws IOException {
    Selector sel = Selector.open();
    ServerSocketChannel listener = ServerSocketChannel.open();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    listener.configureBlocking(false);
    listener.register(sel, SelectionKey.OP_ACCEPT);
    System.out.println("relay on " + ((InetSocketAddress) listener.getLocalAddress()).getPort());
    System.out.flush();
    Side waiting = null;
    while (true) {
      sel.select();
      for (SelectionKey k : sel.selectedKeys()) {
        if (!k.isValid()) {
          continue; // closed with its peer earlier in this pass
        }
        if (k.isAcceptable()) {
          SocketChannel c;
          while ((c = listener.accept()) != null) {
            c.configureBlocking(false);
            c.socket().setTcpNoDelay(true);
            Side s = new Side(c);
            c.register(sel, SelectionKey.OP_READ, s);
            if (waiting == null) {
              waiting = s;
            } else {
              waiting.peer = s;
              s.peer = waiting;
              waiting = null;
            }
          }
          continue;
        }
        Side s = (Side) k.attachment();
        try {
          if (s.peer == null) {
            close(s);
            continue;
          }
          if (k.isValid() && k.isWritable()) { // s drains what its peer read
            Side from = s.peer;
            s.ch.write(from.buf);
            if (!from.buf.hasRemaining()) {
              from.buf.clear();
              k.interestOps(k.interestOps() & ~SelectionKey.OP_WRITE);
              from.ch.keyFor(sel).interestOps(SelectionKey.OP_READ);
            }
          }
          if (k.isValid() && k.isReadable()) {
            if (s.ch.read(s.buf) < 0) {
              close(s);
              continue;
            }
            s.buf.flip();
            s.peer.ch.write(s.buf);
            if (s.buf.hasRemaining()) { // backpressure: stop reading until the peer drains
              k.interestOps(0);
              SelectionKey pk = s.peer.ch.keyFor(sel);
              pk.interestOps(pk.interestOps() | SelectionKey.OP_WRITE);
            } else {
              s.buf.clear();
            }
          }
        } catch (IOException | RuntimeException e) { // a closed peer, a cancelled key
          close(s);
        }
      }
      sel.selectedKeys().clear();
    }
  }

  private static void close(Side s) {
    try {
      s.ch.close();
      if (s.peer != null) {
        s.peer.ch.close();
      }
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
