package dchan.server.wire;

/** {@code qid[13] = type[1] version[4] path[8]}: a file's server-unique identity. */
public record Qid(int type, int version, long path) {
  public static final int QTDIR = 0x80;
  public static final int QTFILE = 0;
}
