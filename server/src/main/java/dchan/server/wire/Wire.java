package dchan.server.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Little-endian field access. A {@link Reader} never throws on short input: it remembers the
 * underflow (or an invalid string) and the caller checks {@link Reader#ok()} once at the end.
 */
public final class Wire {
  private Wire() {}

  public static final int NOTAG = 0xFFFF;
  public static final int NOFID = 0xFFFFFFFF;
  public static final int MAXWELEM = 16;
  /** size[4] type[1] tag[2] */
  public static final int HEADER = 7;
  /** Bytes of a Tread/Twrite/Rread header: reads and writes carry at most msize - IOHDRSZ. */
  public static final int IOHDRSZ = 24;

  public static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /** Reads fields from a frame body; see the class comment. */
  public static final class Reader {
    private final ByteBuffer b;
    private boolean ok = true;

    public Reader(ByteBuffer b) {
      this.b = b.order(ByteOrder.LITTLE_ENDIAN);
    }

    public boolean ok() {
      return ok;
    }

    public int remaining() {
      return b.remaining();
    }

    private boolean need(int n) {
      if (!ok || b.remaining() < n) {
        ok = false;
        return false;
      }
      return true;
    }

    public int u8() {
      return need(1) ? b.get() & 0xFF : 0;
    }

    public int u16() {
      return need(2) ? b.getShort() & 0xFFFF : 0;
    }

    public int u32() {
      return need(4) ? b.getInt() : 0;
    }

    public long u64() {
      return need(8) ? b.getLong() : 0;
    }

    public String str() {
      int n = u16();
      if (!need(n)) {
        return "";
      }
      ByteBuffer slice = b.slice(b.position(), n);
      b.position(b.position() + n);
      try {
        String s =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(slice)
                .toString();
        if (s.indexOf('\0') >= 0) {
          ok = false; // NUL is illegal in every 9P string
        }
        return s;
      } catch (CharacterCodingException e) {
        ok = false;
        return "";
      }
    }

    public byte[] bytes(int n) {
      if (n < 0 || !need(n)) {
        ok = false;
        return new byte[0];
      }
      byte[] a = new byte[n];
      b.get(a);
      return a;
    }

    public Qid qid() {
      return new Qid(u8(), u32(), u64());
    }

    public List<String> strs() {
      int n = u16();
      if (n > MAXWELEM) {
        ok = false;
        return List.of();
      }
      List<String> l = new ArrayList<>(n);
      for (int i = 0; i < n && ok; i++) {
        l.add(str());
      }
      return l;
    }

    public List<Qid> qids() {
      int n = u16();
      if (n > MAXWELEM) {
        ok = false;
        return List.of();
      }
      List<Qid> l = new ArrayList<>(n);
      for (int i = 0; i < n && ok; i++) {
        l.add(qid());
      }
      return l;
    }

    /** A stat record (its own size[2] included); checks that size matches what was read. */
    public Stat stat(Dialect d) {
      int size = u16();
      int start = b.position();
      Stat s =
          new Stat(
              u16(), u32(), qid(), u32(), u32(), u32(), u64(), str(), str(), str(), str(),
              d.extended() ? str() : "",
              d.extended() ? u32() : -1,
              d.extended() ? u32() : -1,
              d.extended() ? u32() : -1);
      if (ok && b.position() - start != size) {
        ok = false;
      }
      return s;
    }
  }

  /** Appends fields to a growable little-endian buffer. */
  public static final class Writer {
    private ByteBuffer b;

    public Writer(int capacity) {
      b = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void room(int n) {
      if (b.remaining() < n) {
        ByteBuffer bigger =
            ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.flip();
        bigger.put(b);
        b = bigger;
      }
    }

    public Writer u8(int v) {
      room(1);
      b.put((byte) v);
      return this;
    }

    public Writer u16(int v) {
      room(2);
      b.putShort((short) v);
      return this;
    }

    public Writer u32(int v) {
      room(4);
      b.putInt(v);
      return this;
    }

    public Writer u64(long v) {
      room(8);
      b.putLong(v);
      return this;
    }

    public Writer str(String s) {
      byte[] a = s.getBytes(StandardCharsets.UTF_8);
      u16(a.length);
      return bytes(a, 0, a.length);
    }

    public Writer bytes(byte[] a, int off, int len) {
      room(len);
      b.put(a, off, len);
      return this;
    }

    public Writer qid(Qid q) {
      return u8(q.type()).u32(q.version()).u64(q.path());
    }

    public Writer stat(Stat s, Dialect d) {
      u16(s.wireSize(d) - 2);
      u16(s.type()).u32(s.dev()).qid(s.qid()).u32(s.mode()).u32(s.atime()).u32(s.mtime());
      u64(s.length()).str(s.name()).str(s.uid()).str(s.gid()).str(s.muid());
      if (d.extended()) {
        str(s.extension()).u32(s.nUid()).u32(s.nGid()).u32(s.nMuid());
      }
      return this;
    }

    public int position() {
      return b.position();
    }

    public void putU32At(int index, int v) {
      b.putInt(index, v);
    }

    /** A copy of the bytes written so far. */
    public byte[] toArray() {
      byte[] a = new byte[b.position()];
      b.get(0, a);
      return a;
    }

    /** The bytes written so far, ready to read. */
    public ByteBuffer flip() {
      b.flip();
      return b;
    }
  }
}
