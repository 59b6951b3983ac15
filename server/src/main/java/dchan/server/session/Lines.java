package dchan.server.session;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The framing of line channels (semantics.md section 4a): a write's data is split after each
 * newline, each line keeping its newline, and a final piece without one is a line too; what a
 * read took is joined back, in order. Splitting then joining gives the data back unchanged.
 */
public final class Lines {
  private Lines() {}

  /** The lines of data (non-empty), in order; each one a fresh array. */
  public static List<byte[]> split(byte[] data) {
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < data.length; i++) {
      if (data[i] == '\n') {
        lines.add(start == 0 && i == data.length - 1 ? data : Arrays.copyOfRange(data, start, i + 1));
        start = i + 1;
      }
    }
    if (start < data.length) {
      lines.add(start == 0 ? data : Arrays.copyOfRange(data, start, data.length));
    }
    return lines;
  }

  /** The bytes of the first n items, in order, as one array (the item itself when n is 1). */
  public static byte[] join(List<byte[]> items, int n) {
    if (n == 1) {
      return items.get(0);
    }
    byte[] out = new byte[length(items, n)];
    int off = 0;
    for (int i = 0; i < n; i++) {
      byte[] m = items.get(i);
      System.arraycopy(m, 0, out, off, m.length);
      off += m.length;
    }
    return out;
  }

  /** The total length of the first n items. */
  public static int length(List<byte[]> items, int n) {
    int total = 0;
    for (int i = 0; i < n; i++) {
      total += items.get(i).length;
    }
    return total;
  }
}
