package dchan.server.wire;

import dchan.server.limits.Limit;
import java.nio.charset.StandardCharsets;

/**
 * A request failed with an {@link Errno}. {@code detail}, when given, replaces the errno's text in
 * the 9P2000 / 9P2000.u error string (e.g. naming the bad ctl line); it is cut to {@link
 * #MAX_DETAIL} UTF-8 bytes, since Linux refuses error replies much longer (9p.md section 4.2).
 * Without a detail the string is the errno's Linux text, which Linux maps back to the errno even on
 * a 9P2000 mount. An error that refuses a request at a {@link Limit} names it, so that the one
 * place that sends errors counts the refusal.
 */
public final class P9Error extends Exception {
  private static final long serialVersionUID = 1L;
  public static final int MAX_DETAIL = 110;
  public final Errno errno;
  /** The limit this refusal is counted under, or null. */
  public final Limit limit;

  public P9Error(Errno errno) {
    this(errno, errno.text);
  }

  public P9Error(Errno errno, String detail) {
    this(errno, detail, null);
  }

  /** A refusal at a limit, with the errno's own text. */
  public P9Error(Errno errno, Limit limit) {
    this(errno, errno.text, limit);
  }

  private P9Error(Errno errno, String detail, Limit limit) {
    super(cut(detail), null, false, false);
    this.errno = errno;
    this.limit = limit;
  }

  /**
   * The detail as it may go on the wire: control characters (a NUL would make the reply
   * malformed, since 9P strings cannot hold one; a newline could forge log lines) become '?', and
   * the rest is cut to at most {@link #MAX_DETAIL} bytes.
   */
  private static String cut(String detail) {
    StringBuilder clean = new StringBuilder(detail.length());
    for (int i = 0; i < detail.length(); i++) {
      char c = detail.charAt(i);
      clean.append(c < 0x20 || c == 0x7F ? '?' : c);
    }
    String s = clean.toString();
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length <= MAX_DETAIL) {
      return s;
    }
    int n = MAX_DETAIL;
    while (n > 0 && (b[n] & 0xC0) == 0x80) {
      n--; // never split a UTF-8 sequence
    }
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }
}
