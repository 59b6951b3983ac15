package dchan.server.wire;

import java.util.HashMap;
import java.util.Map;

/**
 * Message types: wire number, record class and field layout (see {@link Msg} for the notation).
 * The layouts are the single source of truth for encoding and decoding.
 */
public enum Type {
  TVERSION(100, Msg.Tversion.class, "4 s"),
  RVERSION(101, Msg.Rversion.class, "4 s"),
  TAUTH(102, Msg.Tauth.class, "4 s s +4"),
  RAUTH(103, Msg.Rauth.class, "Q"),
  TATTACH(104, Msg.Tattach.class, "4 4 s s +4"),
  RATTACH(105, Msg.Rattach.class, "Q"),
  RERROR(107, Msg.Rerror.class, "s +4"),
  TFLUSH(108, Msg.Tflush.class, "2"),
  RFLUSH(109, Msg.Rflush.class, ""),
  TWALK(110, Msg.Twalk.class, "4 4 W"),
  RWALK(111, Msg.Rwalk.class, "V"),
  TOPEN(112, Msg.Topen.class, "4 1"),
  ROPEN(113, Msg.Ropen.class, "Q 4"),
  TCREATE(114, Msg.Tcreate.class, "4 s 4 1 +s"),
  RCREATE(115, Msg.Rcreate.class, "Q 4"),
  TREAD(116, Msg.Tread.class, "4 8 4"),
  RREAD(117, Msg.Rread.class, "D"),
  TWRITE(118, Msg.Twrite.class, "4 8 D"),
  RWRITE(119, Msg.Rwrite.class, "4"),
  TCLUNK(120, Msg.Tclunk.class, "4"),
  RCLUNK(121, Msg.Rclunk.class, ""),
  TREMOVE(122, Msg.Tremove.class, "4"),
  RREMOVE(123, Msg.Rremove.class, ""),
  TSTAT(124, Msg.Tstat.class, "4"),
  RSTAT(125, Msg.Rstat.class, "S"),
  TWSTAT(126, Msg.Twstat.class, "4 S"),
  RWSTAT(127, Msg.Rwstat.class, ""),
  RLERROR(7, Msg.Rlerror.class, "4"),
  TSTATFS(8, Msg.Tstatfs.class, "4"),
  RSTATFS(9, Msg.Rstatfs.class, "4 4 8 8 8 8 8 8 4"),
  TLOPEN(12, Msg.Tlopen.class, "4 4"),
  RLOPEN(13, Msg.Rlopen.class, "Q 4"),
  TLCREATE(14, Msg.Tlcreate.class, "4 s 4 4 4"),
  RLCREATE(15, Msg.Rlcreate.class, "Q 4"),
  TSYMLINK(16, Msg.Tsymlink.class, "4 s s 4"),
  RSYMLINK(17, Msg.Rsymlink.class, "Q"),
  TMKNOD(18, Msg.Tmknod.class, "4 s 4 4 4 4"),
  RMKNOD(19, Msg.Rmknod.class, "Q"),
  TRENAME(20, Msg.Trename.class, "4 4 s"),
  RRENAME(21, Msg.Rrename.class, ""),
  TREADLINK(22, Msg.Treadlink.class, "4"),
  RREADLINK(23, Msg.Rreadlink.class, "s"),
  TGETATTR(24, Msg.Tgetattr.class, "4 8"),
  RGETATTR(25, Msg.Rgetattr.class, "8 Q 4 4 4 8 8 8 8 8 8 8 8 8 8 8 8 8 8 8"),
  TSETATTR(26, Msg.Tsetattr.class, "4 4 4 4 4 8 8 8 8 8"),
  RSETATTR(27, Msg.Rsetattr.class, ""),
  TXATTRWALK(30, Msg.Txattrwalk.class, "4 4 s"),
  RXATTRWALK(31, Msg.Rxattrwalk.class, "8"),
  TXATTRCREATE(32, Msg.Txattrcreate.class, "4 s 8 4"),
  RXATTRCREATE(33, Msg.Rxattrcreate.class, ""),
  TREADDIR(40, Msg.Treaddir.class, "4 8 4"),
  RREADDIR(41, Msg.Rreaddir.class, "D"),
  TFSYNC(50, Msg.Tfsync.class, "4 4"),
  RFSYNC(51, Msg.Rfsync.class, ""),
  TLOCK(52, Msg.Tlock.class, "4 1 4 8 8 4 s"),
  RLOCK(53, Msg.Rlock.class, "1"),
  TGETLOCK(54, Msg.Tgetlock.class, "4 1 8 8 4 s"),
  RGETLOCK(55, Msg.Rgetlock.class, "1 8 8 4 s"),
  TLINK(70, Msg.Tlink.class, "4 4 s"),
  RLINK(71, Msg.Rlink.class, ""),
  TMKDIR(72, Msg.Tmkdir.class, "4 s 4 4"),
  RMKDIR(73, Msg.Rmkdir.class, "Q"),
  TRENAMEAT(74, Msg.Trenameat.class, "4 s 4 s"),
  RRENAMEAT(75, Msg.Rrenameat.class, ""),
  TUNLINKAT(76, Msg.Tunlinkat.class, "4 s 4"),
  RUNLINKAT(77, Msg.Runlinkat.class, "");

  public final int id;
  public final Class<? extends Msg> type;
  public final String layout;

  Type(int id, Class<? extends Msg> type, String layout) {
    this.id = id;
    this.type = type;
    this.layout = layout;
  }

  /** True for the messages only 9P2000.L defines (and so refused on other dialects). */
  public boolean dotLOnly() {
    return id < 100;
  }

  private static final Type[] BY_ID = new Type[256];
  private static final Map<Class<?>, Type> BY_CLASS = new HashMap<>();

  static {
    for (Type t : values()) {
      BY_ID[t.id] = t;
      BY_CLASS.put(t.type, t);
    }
  }

  /** The type with this wire number, or null. */
  public static Type of(int id) {
    return id >= 0 && id < 256 ? BY_ID[id] : null;
  }

  public static Type of(Msg m) {
    return BY_CLASS.get(m.getClass());
  }
}
