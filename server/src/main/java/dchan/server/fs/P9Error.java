package dchan.server.fs;

import dchan.server.wire.Errno;

/**
 * A request failed with an errno. {@code detail}, when present, replaces the errno's text in the
 * 9P2000 / 9P2000.u error string (e.g. naming the bad ctl line); it is kept under 120 bytes.
 */
public final class P9Error extends Exception {
  private static final long serialVersionUID = 1L;
  public final Errno errno;

  public P9Error(Errno errno) {
    this(errno, errno.text);
  }

  public P9Error(Errno errno, String detail) {
    super(detail.length() > 110 ? detail.substring(0, 110) : detail, null, false, false);
    this.errno = errno;
  }
}
