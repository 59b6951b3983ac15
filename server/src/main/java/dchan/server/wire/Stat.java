package dchan.server.wire;

/**
 * A 9P2000 / 9P2000.u stat record (stat(5)):
 *
 * <pre>
 * size[2] type[2] dev[4] qid[13] mode[4] atime[4] mtime[4] length[8]
 *   name[s] uid[s] gid[s] muid[s]
 *   (.u only:) extension[s] n_uid[4] n_gid[4] n_muid[4]
 * </pre>
 *
 * In Twstat, "don't touch" is ~0 for integers (qid type 0xFF...) and "" for strings.
 */
public record Stat(
    int type,
    int dev,
    Qid qid,
    int mode,
    int atime,
    int mtime,
    long length,
    String name,
    String uid,
    String gid,
    String muid,
    String extension,
    int nUid,
    int nGid,
    int nMuid) {
  public static final int DMDIR = 0x80000000;

  /** Bytes the record occupies on the wire, including its size[2]. */
  public int wireSize(Dialect d) {
    int n = 2 + 2 + 4 + 13 + 4 + 4 + 4 + 8 + str(name) + str(uid) + str(gid) + str(muid);
    return d.extended() ? n + str(extension) + 12 : n;
  }

  private static int str(String s) {
    return 2 + Wire.utf8Length(s);
  }
}
