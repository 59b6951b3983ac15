package dchan.server.session;

import dchan.server.wire.Errno;
import dchan.server.wire.Msg;
import dchan.server.wire.P9Error;
import dchan.server.wire.Type;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Every T-message type and the one method that handles it, in one table. Tversion is not here:
 * it resets the session and is handled by {@link Session} before tags are looked at. A handler
 * returns the reply, or null when the reply comes later (a parked or queued read or write).
 */
final class Handlers {
  @FunctionalInterface
  interface Handler {
    Msg handle(Session s, Request r) throws P9Error;
  }

  private static final Map<Type, Handler> TABLE = new EnumMap<>(Type.class);

  /** 9P2000 messages that 9P2000.L keeps; other .L-only ones and 9P2000-only ones are refused. */
  private static final Set<Type> EVERY_DIALECT = EnumSet.of(Type.TAUTH, Type.TATTACH, Type.TFLUSH,
      Type.TWALK, Type.TREAD, Type.TWRITE, Type.TCLUNK, Type.TREMOVE);

  /** Requests that free resources: never refused for the outstanding limit. */
  private static final Set<Type> RELEASES = EnumSet.of(Type.TFLUSH, Type.TCLUNK, Type.TREMOVE);

  private static void on(Type t, Handler h) {
    TABLE.put(t, h);
  }

  static {
    // session
    on(Type.TAUTH, (s, r) -> {
      throw new P9Error(Errno.ENOENT, "authentication not required");
    });
    on(Type.TATTACH, (s, r) -> s.files.attach((Msg.Tattach) r.msg));
    on(Type.TFLUSH, (s, r) -> s.flush(r, ((Msg.Tflush) r.msg).oldtag()));
    on(Type.TCLUNK, (s, r) -> s.clunk(r, ((Msg.Tclunk) r.msg).fid(), false));
    on(Type.TREMOVE, (s, r) -> s.clunk(r, ((Msg.Tremove) r.msg).fid(), true));
    // reading and writing
    on(Type.TREAD, (s, r) -> s.files.read(r, (Msg.Tread) r.msg));
    on(Type.TWRITE, (s, r) -> s.files.write(r, (Msg.Twrite) r.msg));
    on(Type.TREADDIR, (s, r) -> s.files.readdir(s.fid(((Msg.Treaddir) r.msg).fid()), (Msg.Treaddir) r.msg));
    // walking, opening, creating
    on(Type.TWALK, (s, r) -> s.files.walk((Msg.Twalk) r.msg));
    on(Type.TOPEN, (s, r) -> s.files.open((Msg.Topen) r.msg));
    on(Type.TLOPEN, (s, r) -> s.files.lopen((Msg.Tlopen) r.msg));
    on(Type.TCREATE, (s, r) -> s.files.create(r, (Msg.Tcreate) r.msg));
    on(Type.TLCREATE, (s, r) -> s.files.lcreate(r, (Msg.Tlcreate) r.msg));
    on(Type.TMKDIR, (s, r) -> s.files.mkdir(r, (Msg.Tmkdir) r.msg));
    on(Type.TMKNOD, (s, r) -> s.files.mknod(r, (Msg.Tmknod) r.msg));
    // attributes
    on(Type.TSTAT, (s, r) -> new Msg.Rstat(s.files.stat(s.fid(((Msg.Tstat) r.msg).fid()).node)));
    on(Type.TWSTAT, (s, r) -> s.files.wstat(r, s.fid(((Msg.Twstat) r.msg).fid()), ((Msg.Twstat) r.msg).stat()));
    on(Type.TGETATTR, (s, r) -> s.files.getattr(s.fid(((Msg.Tgetattr) r.msg).fid()).node));
    on(Type.TSETATTR, (s, r) -> s.files.setattr(s.fid(((Msg.Tsetattr) r.msg).fid()), (Msg.Tsetattr) r.msg));
    on(Type.TSTATFS, (s, r) -> s.files.statfs((Msg.Tstatfs) r.msg));
    on(Type.TXATTRWALK, (s, r) -> s.files.xattrwalk((Msg.Txattrwalk) r.msg));
    // names
    on(Type.TUNLINKAT, (s, r) -> s.files.unlinkat(r, (Msg.Tunlinkat) r.msg));
    on(Type.TRENAMEAT, (s, r) -> s.files.renameat(r, (Msg.Trenameat) r.msg));
    on(Type.TRENAME, (s, r) -> s.files.rename(r, (Msg.Trename) r.msg));
    // accepted and harmless
    on(Type.TFSYNC, (s, r) -> {
      s.fid(((Msg.Tfsync) r.msg).fid());
      return new Msg.Rfsync();
    });
    on(Type.TLOCK, (s, r) -> {
      s.fid(((Msg.Tlock) r.msg).fid());
      return new Msg.Rlock(0); // no locking: every lock succeeds at once
    });
    on(Type.TGETLOCK, (s, r) -> s.files.getlock((Msg.Tgetlock) r.msg));
    on(Type.TREADLINK, (s, r) -> {
      throw new P9Error(Errno.EINVAL); // nothing here is a symlink
    });
    // TSYMLINK, TLINK, TXATTRCREATE and anything else: EOPNOTSUPP (see handle)
  }

  private Handlers() {}

  static Msg handle(Session s, Request r) throws P9Error {
    Handler h = TABLE.get(Type.of(r.msg));
    if (h == null) {
      throw new P9Error(Errno.EOPNOTSUPP);
    }
    return h.handle(s, r);
  }

  static boolean inEveryDialect(Type t) {
    return EVERY_DIALECT.contains(t);
  }

  static boolean releases(Type t) {
    return RELEASES.contains(t);
  }
}
