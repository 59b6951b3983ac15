package dchan.server.wire;

/** The protocol dialect chosen by Tversion. */
public enum Dialect {
  P9_2000("9P2000"),
  P9_2000_U("9P2000.u"),
  P9_2000_L("9P2000.L");

  public final String version;

  Dialect(String version) {
    this.version = version;
  }

  /** .u and .L carry the extension fields (n_uname, errno, extension, .u stat fields). */
  public boolean extended() {
    return this != P9_2000;
  }

  /**
   * The dialect to answer for a client's version string, or null for "unknown": exact names;
   * "9P2000.L.*" → .L; any other "9P2000*" → 9P2000 (version(5)).
   */
  public static Dialect negotiate(String asked) {
    for (Dialect d : values()) {
      if (d.version.equals(asked)) {
        return d;
      }
    }
    if (asked.startsWith("9P2000.L.")) {
      return P9_2000_L;
    }
    return asked.startsWith("9P2000") ? P9_2000 : null;
  }
}
