package dchan.server.session;

import dchan.server.fs.ChannelFile;
import dchan.server.fs.Dir;
import dchan.server.fs.Node;
import dchan.server.fs.SpecialFile;
import dchan.server.fs.Tree;
import dchan.server.limits.Limit;
import dchan.server.wire.Dialect;
import dchan.server.wire.Errno;
import dchan.server.wire.Msg;
import dchan.server.wire.P9Error;
import dchan.server.wire.Qid;
import dchan.server.wire.Stat;
import dchan.server.wire.Wire;
import java.util.ArrayList;
import java.util.List;

/**
 * The file tree over 9P: attach, walk, open, create, attributes, directories, and where reads and
 * writes go (channels to {@link ChannelIo}, special files to {@link SpecialIo}). One method per
 * message type; {@link Handlers} maps types to them. Runs under the session's lock.
 */
final class FileOps {
  private static final int S_IFREG = 0100000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFMT = 0170000;
  private static final int DT_DIR = 4;
  private static final int DT_REG = 8;
  private static final int AT_REMOVEDIR = 0x200;
  private static final int ORCLOSE = 0x40;
  /** 9P2000.u DMSYMLINK, DMLINK, DMDEVICE, DMNAMEDPIPE, DMSOCKET, and DMAUTH/DMMOUNT. */
  private static final int SPECIAL_FILES = 0x02000000 | 0x01000000 | 0x00800000 | 0x00200000
      | 0x00100000 | 0x08000000 | 0x10000000;
  private static final int V9FS_MAGIC = 0x01021997;

  private final Session s;

  FileOps(Session s) {
    this.s = s;
  }

  Msg lopen(Msg.Tlopen o) throws P9Error {
    return new Msg.Rlopen(open(s.fid(o.fid()), o.flags() & 3, false), s.iounit());
  }

  Msg open(Msg.Topen o) throws P9Error {
    return new Msg.Ropen(open(s.fid(o.fid()), o.mode() & 3, (o.mode() & ORCLOSE) != 0), s.iounit());
  }

  Msg mkdir(Request r, Msg.Tmkdir c) throws P9Error {
    return s.later(r, s.services.mutations().mkdir(s.fid(c.dfid()).node, c.name()), d -> new Msg.Rmkdir(d.qid()));
  }

  Msg statfs(Msg.Tstatfs f) throws P9Error {
    s.fid(f.fid());
    Tree t = s.services.tree();
    long free = Math.max(0, t.maxFiles() - t.files());
    return new Msg.Rstatfs(V9FS_MAGIC, 4096, 0, 0, 0, t.maxFiles(), free, 0, Tree.MAX_NAME);
  }

  Msg renameat(Request q, Msg.Trenameat r) throws P9Error {
    Node n = s.services.tree().child(s.fid(r.oldDirFid()).node, r.oldName());
    return s.later(q, s.services.mutations().rename(n, s.fid(r.newDirFid()).node, r.newName()),
        v -> new Msg.Rrenameat());
  }

  Msg rename(Request q, Msg.Trename r) throws P9Error {
    return s.later(q, s.services.mutations().rename(s.fid(r.fid()).node, s.fid(r.dfid()).node, r.name()),
        v -> new Msg.Rrename());
  }

  Msg getlock(Msg.Tgetlock l) throws P9Error {
    s.fid(l.fid());
    return new Msg.Rgetlock(2, l.start(), l.length(), l.procId(), l.clientId()); // F_UNLCK
  }

  /** No extended attributes: a named one is absent (ENODATA); listing is unsupported. */
  Msg xattrwalk(Msg.Txattrwalk x) throws P9Error {
    s.fid(x.fid());
    throw new P9Error(x.name().isEmpty() ? Errno.EOPNOTSUPP : Errno.ENODATA);
  }

  // ---- attach and walk ----

  /**
   * attach(5). The attach name may override the end-of-message mark for this mount:
   * "?eom=on" / "?eom=off" (optionally after "/"); "" and "/" mean no override.
   */
  Msg attach(Msg.Tattach a) throws P9Error {
    if (a.afid() != Wire.NOFID) {
      throw new P9Error(Errno.EINVAL, "no authentication: afid must be NOFID");
    }
    String aname = a.aname();
    boolean eom =
        switch (s.config.eom()) {
          case ON -> true;
          case OFF -> false;
          case AUTO -> s.dialect.extended();
        };
    if (aname.startsWith("/")) {
      aname = aname.substring(1);
    }
    if (aname.equals("?eom=on")) {
      eom = true;
    } else if (aname.equals("?eom=off")) {
      eom = false;
    } else if (!aname.isEmpty()) {
      throw new P9Error(Errno.ENOENT, "unknown attach name");
    }
    return new Msg.Rattach(s.newFid(a.fid(), s.services.tree().root, eom).node.qid());
  }

  /** walk(5): all names or nothing for newfid; a later miss is a short Rwalk, not an error. */
  Msg walk(Msg.Twalk w) throws P9Error {
    Fid f = s.fid(w.fid());
    // walk(5) forbids walking from an open fid. diod's server allows walking names from an open
    // directory into a new fid on 9P2000.L and its tools rely on it (diodls -l), so .L allows
    // exactly that case.
    boolean lenient = s.dialect == Dialect.P9_2000_L && w.newfid() != w.fid()
        && f.node.isDir() && !w.names().isEmpty();
    if (f.open && !lenient) {
      throw new P9Error(Errno.EBADF, "walk from an open fid");
    }
    if (w.newfid() != w.fid() && s.fids.containsKey(w.newfid())) {
      throw new P9Error(Errno.EBADF, "fid in use");
    }
    Node n = f.node;
    List<Qid> qids = new ArrayList<>(w.names().size());
    for (String name : w.names()) {
      try {
        n = s.services.tree().walk(n, name);
      } catch (P9Error e) {
        if (qids.isEmpty()) {
          throw e;
        }
        return new Msg.Rwalk(qids);
      }
      qids.add(n.qid());
    }
    if (w.newfid() == w.fid()) {
      f.node = n;
    } else {
      s.newFid(w.newfid(), n, f.eom);
    }
    return new Msg.Rwalk(qids);
  }

  // ---- open and create ----

  /** Opens f for access 0 read, 1 write, 2 read-write (3, exec, reads). */
  private Qid open(Fid f, int access, boolean removeOnClunk) throws P9Error {
    if (f.open) {
      throw new P9Error(Errno.EBADF, "fid already open");
    }
    Node n = f.node;
    if (!s.services.tree().isLive(n)) {
      throw new P9Error(Errno.ENOENT);
    }
    boolean write = access == 1 || access == 2;
    if (n.isDir() && write) {
      throw new P9Error(Errno.EISDIR);
    }
    if (n instanceof SpecialFile sf && write && !sf.writable()) {
      throw new P9Error(Errno.EACCES, "permission denied");
    }
    f.open = true;
    f.canRead = access != 1;
    f.canWrite = write;
    f.removeOnClunk = removeOnClunk;
    return n.qid();
  }

  Msg create(Request r, Msg.Tcreate c) throws P9Error {
    Fid f = s.fid(c.fid());
    if (f.open) {
      throw new P9Error(Errno.EBADF, "fid already open");
    }
    if ((c.perm() & SPECIAL_FILES) != 0) {
      throw new P9Error(Errno.EOPNOTSUPP, "only channels and directories can be created");
    }
    Mutations m = s.services.mutations();
    return s.later(r, (c.perm() & Stat.DMDIR) != 0 ? m.mkdir(f.node, c.name()) : m.createChannel(f.node, c.name()), n -> {
      f.node = n;
      open(f, n.isDir() ? 0 : c.mode() & 3, (c.mode() & ORCLOSE) != 0);
      return new Msg.Rcreate(n.qid(), s.iounit());
    });
  }

  Msg lcreate(Request r, Msg.Tlcreate c) throws P9Error {
    Fid f = s.fid(c.fid());
    if (f.open) {
      throw new P9Error(Errno.EBADF, "fid already open");
    }
    return s.later(r, s.services.mutations().createChannel(f.node, c.name()), n -> {
      f.node = n;
      open(f, c.flags() & 3, false);
      return new Msg.Rlcreate(n.qid(), s.iounit());
    });
  }

  Msg mknod(Request r, Msg.Tmknod c) throws P9Error {
    int type = c.mode() & S_IFMT;
    if (type != 0 && type != S_IFREG) {
      throw new P9Error(Errno.EOPNOTSUPP, "only regular files (channels) can be created");
    }
    return s.later(r, s.services.mutations().createChannel(s.fid(c.dfid()).node, c.name()),
        n -> new Msg.Rmknod(n.qid()));
  }

  // ---- reads and writes on ctl, stats, directories ----

  /** Tread: channels and special files queue on their fid; directories answer at once. */
  Msg read(Request r, Msg.Tread rd) throws P9Error {
    Fid f = s.fid(rd.fid());
    if (!f.open || !f.canRead) {
      throw new P9Error(Errno.EBADF, "fid not open for reading");
    }
    int count = s.clampCount(rd.count());
    Node n = f.node;
    if (n instanceof Dir) {
      if (s.dialect == Dialect.P9_2000_L) {
        throw new P9Error(Errno.EISDIR);
      }
      return new Msg.Rread(dirRead(f, rd.offset(), count));
    }
    if (count == 0) {
      return new Msg.Rread(new byte[0]);
    }
    return s.queueRead(r, f, count);
  }

  /** Twrite: a channel message, a ctl command; anything else is refused. */
  Msg write(Request r, Msg.Twrite w) throws P9Error {
    Fid f = s.fid(w.fid());
    if (!f.open || !f.canWrite) {
      throw new P9Error(Errno.EBADF, "fid not open for writing");
    }
    if (f.node instanceof ChannelFile c) {
      return s.channels.write(r, f, c, w);
    }
    if (f.node instanceof SpecialFile sf && sf.writable()) {
      return s.specials.writeCtl(r, w);
    }
    if (f.node.isDir()) {
      throw new P9Error(Errno.EISDIR);
    }
    throw new P9Error(Errno.EACCES, "permission denied");
  }

  /** A listing for a directory read, charged to the account while the fid holds it. */
  private List<Node> list(Fid f) throws P9Error {
    dropListing(f);
    List<Node> l = s.services.tree().list(f.node);
    long charge = 16L + 8L * l.size();
    Errno refused = s.services.budget().tryCharge(s.account(), charge);
    if (refused != null) {
      throw new P9Error(refused, refused == Errno.ENOSPC ? Limit.MEMORY : Limit.CONNECTION_MEMORY);
    }
    f.listing = l;
    f.listingCharge = charge;
    return l;
  }

  void dropListing(Fid f) {
    if (f.listing != null) {
      s.services.budget().release(s.account(), f.listingCharge);
      f.listing = null;
      f.listingCharge = 0;
    }
  }

  /** 9P2000/.u directory read: whole stat records; offset 0 or where the last read ended. */
  private byte[] dirRead(Fid f, long offset, int count) throws P9Error {
    if (offset == 0) {
      list(f);
      f.nextDirOffset = 0;
      f.nextDirIndex = 0;
    } else if (f.listing == null || offset != f.nextDirOffset) {
      throw new P9Error(Errno.EINVAL, "bad offset in directory read");
    }
    Wire.Writer w = new Wire.Writer(Math.min(count, 8192));
    while (f.nextDirIndex < f.listing.size()) {
      Stat st = stat(f.listing.get(f.nextDirIndex));
      if (w.position() + st.wireSize(s.dialect) > count) {
        break;
      }
      w.stat(st, s.dialect);
      f.nextDirIndex++;
    }
    f.nextDirOffset += w.position();
    return w.toArray();
  }

  /** 9P2000.L readdir: the offset is a cookie, the index after the entry, resumable. */
  Msg readdir(Fid f, Msg.Treaddir r) throws P9Error {
    if (!f.open || !f.node.isDir()) {
      throw new P9Error(f.open ? Errno.ENOTDIR : Errno.EBADF);
    }
    if (r.offset() == 0 || f.listing == null) {
      list(f);
    }
    int count = s.clampCount(r.count());
    Wire.Writer w = new Wire.Writer(Math.min(count, 8192));
    // The offset is a u64 cookie: one past the end (or any huge value) lists nothing.
    long start = Long.compareUnsigned(r.offset(), f.listing.size()) > 0 ? f.listing.size() : r.offset();
    for (long i = start; i < f.listing.size(); i++) {
      Node n = f.listing.get((int) i);
      int size = 13 + 8 + 1 + 2 + Wire.utf8Length(n.name());
      if (w.position() + size > count) {
        break;
      }
      w.qid(n.qid()).u64(i + 1).u8(n.isDir() ? DT_DIR : DT_REG).str(n.name());
    }
    return new Msg.Rreaddir(w.toArray());
  }

  // ---- attributes ----

  private int mode(Node n) {
    return n.isDir() ? Stat.DMDIR | n.perm() : n.perm();
  }

  Stat stat(Node n) {
    int mtime = (int) (n.mtimeMillis() / 1000);
    String name = n == s.services.tree().root ? "/" : n.name();
    return new Stat(0, 0, n.qid(), mode(n), mtime, mtime, 0, name, "dchan", "dchan", "dchan", "", 0, 0, 0);
  }

  Msg getattr(Node n) {
    long sec = n.mtimeMillis() / 1000;
    long nsec = (n.mtimeMillis() % 1000) * 1_000_000;
    int mode = (n.isDir() ? S_IFDIR : S_IFREG) | n.perm();
    return new Msg.Rgetattr(0x7FF, n.qid(), mode, 0, 0, n.isDir() ? 2 : 1, 0, 0, 4096, 0,
        sec, nsec, sec, nsec, sec, nsec, 0, 0, 0, 0);
  }

  /** Accepted and harmless: mode, owner, size (truncation), times; only mtime is kept. */
  Msg setattr(Fid f, Msg.Tsetattr a) {
    int mtime = 0x20;
    int mtimeSet = 0x100;
    if ((a.valid() & mtime) != 0) {
      f.node.touch((a.valid() & mtimeSet) != 0
          ? a.mtimeSec() * 1000 + a.mtimeNsec() / 1_000_000
          : System.currentTimeMillis());
    }
    return new Msg.Rsetattr();
  }

  /**
   * wstat(5), all or nothing: a new name renames in place; length 0 (truncation), mode and times
   * are accepted and change no messages; an all-"don't touch" stat is a sync.
   */
  Msg wstat(Request r, Fid f, Stat st) throws P9Error {
    Node n = f.node;
    if (st.length() != -1 && st.length() != 0) {
      throw new P9Error(Errno.EINVAL, "length can only be set to 0");
    }
    if (st.mode() != -1 && ((st.mode() & Stat.DMDIR) != 0) != n.isDir()) {
      throw new P9Error(Errno.EINVAL, "cannot change a file's type");
    }
    if (st.mtime() != -1) {
      n.touch(Integer.toUnsignedLong(st.mtime()) * 1000);
    }
    if (!st.name().isEmpty() && !st.name().equals(n.name())) {
      if (n == s.services.tree().root) {
        throw new P9Error(Errno.EPERM);
      }
      return s.later(r, s.services.mutations().rename(n, s.services.tree().parent(n), st.name()),
          v -> new Msg.Rwstat());
    }
    return new Msg.Rwstat();
  }

  Msg unlinkat(Request r, Msg.Tunlinkat u) throws P9Error {
    Node n = s.services.tree().child(s.fid(u.dirFid()).node, u.name());
    boolean rmdir = (u.flags() & AT_REMOVEDIR) != 0;
    if (rmdir && !n.isDir()) {
      throw new P9Error(Errno.ENOTDIR);
    }
    if (!rmdir && n.isDir()) {
      throw new P9Error(Errno.EISDIR);
    }
    return s.later(r, s.services.mutations().remove(n), v -> new Msg.Runlinkat());
  }
}
