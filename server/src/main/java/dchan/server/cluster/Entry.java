package dchan.server.cluster;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The log's entries (docs/cluster.md section 3), each one record, encoded as a type byte and its
 * fields. Files are named by qid path (0: the root), resolved when the entry applies.
 */
sealed interface Entry {
  /** A node (re)starts with a new epoch: its earlier epochs end. */
  record NodeUp(String node, long epoch) implements Entry {}

  /** A group leader declares a silent node's epoch ended. */
  record NodeDown(String node, long epoch) implements Entry {}

  /** A write of data (lines: split into lines when it applies). */
  record Send(Ref ref, long channel, boolean lines, byte[] data) implements Entry {}

  /** A read of at most count bytes (lines: the lines that fit). */
  record Recv(Ref ref, long channel, boolean lines, int count) implements Entry {}

  /** A withdrawal of the waiting request ref (Tflush, Tclunk, Tversion, disconnect). */
  record Cancel(Ref ref) implements Entry {}

  record Create(Ref ref, long dir, String name, boolean directory) implements Entry {}

  record Remove(Ref ref, long file) implements Entry {}

  record Rename(Ref ref, long file, long dir, String name) implements Entry {}

  /** A ctl write's lines for one group. */
  record Ctl(Ref ref, String text) implements Entry {}

  default byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      if (this instanceof NodeUp e) {
        out.writeByte(1);
        out.writeUTF(e.node());
        out.writeLong(e.epoch());
      } else if (this instanceof NodeDown e) {
        out.writeByte(2);
        out.writeUTF(e.node());
        out.writeLong(e.epoch());
      } else if (this instanceof Send e) {
        out.writeByte(3);
        ref(out, e.ref());
        out.writeLong(e.channel());
        out.writeBoolean(e.lines());
        bytes(out, e.data());
      } else if (this instanceof Recv e) {
        out.writeByte(4);
        ref(out, e.ref());
        out.writeLong(e.channel());
        out.writeBoolean(e.lines());
        out.writeInt(e.count());
      } else if (this instanceof Cancel e) {
        out.writeByte(5);
        ref(out, e.ref());
      } else if (this instanceof Create e) {
        out.writeByte(6);
        ref(out, e.ref());
        out.writeLong(e.dir());
        out.writeUTF(e.name());
        out.writeBoolean(e.directory());
      } else if (this instanceof Remove e) {
        out.writeByte(7);
        ref(out, e.ref());
        out.writeLong(e.file());
      } else if (this instanceof Rename e) {
        out.writeByte(8);
        ref(out, e.ref());
        out.writeLong(e.file());
        out.writeLong(e.dir());
        out.writeUTF(e.name());
      } else if (this instanceof Ctl e) {
        out.writeByte(9);
        ref(out, e.ref());
        bytes(out, e.text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void bytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] bytes(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return b;
  }

  private static void ref(DataOutputStream out, Ref r) throws IOException {
    out.writeUTF(r.node());
    out.writeLong(r.epoch());
    out.writeLong(r.id());
  }

  private static Ref ref(DataInputStream in) throws IOException {
    return new Ref(in.readUTF(), in.readLong(), in.readLong());
  }

  /** The type byte of a log entry that carries several entries, applied in order. */
  int BATCH = 10;

  /** One log entry carrying the encoded entries, in order. */
  static byte[] batch(java.util.List<byte[]> encoded) {
    int size = 5;
    for (byte[] e : encoded) {
      size += e.length;
    }
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(size);
    b.put((byte) BATCH).putInt(encoded.size());
    encoded.forEach(b::put);
    return b.array();
  }

  /** The entries of one log entry: a batch's, in order, or the one entry it is. */
  static java.util.List<Entry> decodeAll(InputStream bytes) throws IOException {
    DataInputStream in = new DataInputStream(bytes);
    int type = in.readUnsignedByte();
    if (type != BATCH) {
      return java.util.List.of(decode(type, in));
    }
    int n = in.readInt();
    java.util.List<Entry> out = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(decode(in.readUnsignedByte(), in));
    }
    return out;
  }

  static Entry decode(InputStream bytes) throws IOException {
    DataInputStream in = new DataInputStream(bytes);
    return decode(in.readUnsignedByte(), in);
  }

  private static Entry decode(int type, DataInputStream in) throws IOException {
    return switch (type) {
      case 1 -> new NodeUp(in.readUTF(), in.readLong());
      case 2 -> new NodeDown(in.readUTF(), in.readLong());
      case 3 -> new Send(ref(in), in.readLong(), in.readBoolean(), bytes(in));
      case 4 -> new Recv(ref(in), in.readLong(), in.readBoolean(), in.readInt());
      case 5 -> new Cancel(ref(in));
      case 6 -> new Create(ref(in), in.readLong(), in.readUTF(), in.readBoolean());
      case 7 -> new Remove(ref(in), in.readLong());
      case 8 -> new Rename(ref(in), in.readLong(), in.readLong(), in.readUTF());
      case 9 -> new Ctl(ref(in), new String(bytes(in), java.nio.charset.StandardCharsets.UTF_8));
      default -> throw new IOException("unknown entry type " + type);
    };
  }
}
