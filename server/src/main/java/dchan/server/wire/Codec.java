package dchan.server.wire;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Encodes and decodes whole frames ({@code size[4] type[1] tag[2] body}) by walking each type's
 * {@link Type#layout}. Decoding never fails half way: a short, overlong or invalid body yields
 * {@link Decoded#msg} == null with the header still known, so that the caller can answer with an
 * error.
 */
public final class Codec {
  private Codec() {}

  /** A decoded frame: type and tag always; msg null if the body was malformed. */
  public record Decoded(int typeId, int tag, Msg msg) {}

  private static final class Shape {
    final String[] fields;
    final MethodHandle[] getters;
    final MethodHandle constructor;

    Shape(Type t) {
      fields = t.layout.isEmpty() ? new String[0] : t.layout.split(" ");
      RecordComponent[] rc = t.type.getRecordComponents();
      if (rc.length != fields.length) {
        throw new IllegalStateException(t + ": layout does not match record");
      }
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        getters = new MethodHandle[rc.length];
        Class<?>[] types = new Class<?>[rc.length];
        for (int i = 0; i < rc.length; i++) {
          getters[i] = lookup.unreflect(rc[i].getAccessor());
          types[i] = rc[i].getType();
        }
        constructor =
            lookup
                .unreflectConstructor(t.type.getDeclaredConstructor(types))
                .asSpreader(Object[].class, rc.length);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static final Shape[] SHAPES = new Shape[256];

  static {
    for (Type t : Type.values()) {
      SHAPES[t.id] = new Shape(t);
    }
  }

  /** Decodes one whole frame (buffer positioned at size[4], limit at its end). */
  public static Decoded decode(ByteBuffer frame, Dialect d) {
    Wire.Reader r = new Wire.Reader(frame);
    r.u32();
    int typeId = r.u8();
    int tag = r.u16();
    Type t = Type.of(typeId);
    if (t == null || !r.ok()) {
      return new Decoded(typeId, tag, null);
    }
    if (t == Type.TREAD || t == Type.TWRITE) { // hot path: no reflection
      int fid = r.u32();
      long offset = r.u64();
      int count = r.u32();
      Msg m = t == Type.TREAD ? new Msg.Tread(fid, offset, count) : new Msg.Twrite(fid, offset, r.bytes(count));
      return new Decoded(typeId, tag, r.ok() && r.remaining() == 0 ? m : null);
    }
    Shape s = SHAPES[t.id];
    Object[] args = new Object[s.fields.length];
    for (int i = 0; i < args.length; i++) {
      args[i] = read(r, s.fields[i], d);
    }
    if (!r.ok() || r.remaining() != 0) {
      return new Decoded(typeId, tag, null);
    }
    try {
      return new Decoded(typeId, tag, (Msg) s.constructor.invoke(args));
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object read(Wire.Reader r, String f, Dialect d) {
    boolean ext = f.startsWith("+");
    String k = ext ? f.substring(1) : f;
    if (ext && !d.extended()) {
      return k.equals("s") ? "" : Wire.NOFID; // absent: "" or ~0
    }
    switch (k) {
      case "1":
        return r.u8();
      case "2":
        return r.u16();
      case "4":
        return r.u32();
      case "8":
        return r.u64();
      case "s":
        return r.str();
      case "Q":
        return r.qid();
      case "S":
        int n = r.u16();
        int before = r.remaining();
        Stat st = r.stat(d);
        if (before - r.remaining() != n) {
          r.bytes(-1); // mark malformed
        }
        return st;
      case "D":
        return r.bytes(r.u32());
      case "W":
        return r.strs();
      case "V":
        return r.qids();
      default:
        throw new IllegalStateException("bad layout field " + f);
    }
  }

  /** Encodes one frame. */
  public static ByteBuffer encode(int tag, Msg m, Dialect d) {
    if (m instanceof Msg.Rread rr) { // hot paths: no reflection
      return encodeData(Type.RREAD.id, tag, rr.data(), 0, rr.data().length);
    }
    if (m instanceof Msg.Rwrite rw) {
      Wire.Writer w = new Wire.Writer(Wire.HEADER + 4);
      return w.u32(Wire.HEADER + 4).u8(Type.RWRITE.id).u16(tag).u32(rw.count()).flip();
    }
    Type t = Type.of(m);
    Shape s = SHAPES[t.id];
    Wire.Writer w = new Wire.Writer(64);
    w.u32(0).u8(t.id).u16(tag);
    try {
      for (int i = 0; i < s.fields.length; i++) {
        write(w, s.fields[i], s.getters[i].invoke(m), d);
      }
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
    ByteBuffer b = w.flip();
    b.putInt(0, b.limit());
    return b;
  }

  /** Encodes {@code size[4] type[1] tag[2] count[4] data[count]} (Rread, Rreaddir). */
  public static ByteBuffer encodeData(int typeId, int tag, byte[] data, int off, int len) {
    Wire.Writer w = new Wire.Writer(Wire.HEADER + 4 + len);
    w.u32(Wire.HEADER + 4 + len).u8(typeId).u16(tag).u32(len).bytes(data, off, len);
    return w.flip();
  }

  @SuppressWarnings("unchecked")
  private static void write(Wire.Writer w, String f, Object v, Dialect d) {
    boolean ext = f.startsWith("+");
    String k = ext ? f.substring(1) : f;
    if (ext && !d.extended()) {
      return;
    }
    switch (k) {
      case "1" -> w.u8((Integer) v);
      case "2" -> w.u16((Integer) v);
      case "4" -> w.u32((Integer) v);
      case "8" -> w.u64((Long) v);
      case "s" -> w.str((String) v);
      case "Q" -> w.qid((Qid) v);
      case "S" -> {
        Stat s = (Stat) v;
        w.u16(s.wireSize(d));
        w.stat(s, d);
      }
      case "D" -> {
        byte[] a = (byte[]) v;
        w.u32(a.length).bytes(a, 0, a.length);
      }
      case "W" -> {
        List<String> l = (List<String>) v;
        w.u16(l.size());
        l.forEach(w::str);
      }
      case "V" -> {
        List<Qid> l = (List<Qid>) v;
        w.u16(l.size());
        l.forEach(w::qid);
      }
      default -> throw new IllegalStateException("bad layout field " + f);
    }
  }
}
