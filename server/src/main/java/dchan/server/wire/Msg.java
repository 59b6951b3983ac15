package dchan.server.wire;

import java.util.List;

/**
 * Every 9P message body, one record per message type. Each record's layout is data: {@link
 * Type#layout} lists its fields in wire order (after {@code size[4] type[1] tag[2]}) in the
 * notation of the manual: {@code 4} u32, {@code 2} u16, {@code 1} u8, {@code 8} u64, {@code s}
 * string[s], {@code Q} qid[13], {@code S} n[2]+stat, {@code D} count[4]+bytes, {@code W}
 * nwname[2]+names, {@code V} nwqid[2]+qids; a {@code +} prefix marks a field present only in
 * 9P2000.u and 9P2000.L. Record components follow the layout one to one.
 */
public sealed interface Msg {
  // ---- 9P2000 (all dialects) ----
  /** size[4] Tversion tag[2] msize[4] version[s] */
  record Tversion(int msize, String version) implements Msg {}
  /** size[4] Rversion tag[2] msize[4] version[s] */
  record Rversion(int msize, String version) implements Msg {}
  /** size[4] Tauth tag[2] afid[4] uname[s] aname[s] (+n_uname[4]) */
  record Tauth(int afid, String uname, String aname, int nUname) implements Msg {}
  /** size[4] Rauth tag[2] aqid[13] */
  record Rauth(Qid aqid) implements Msg {}
  /** size[4] Tattach tag[2] fid[4] afid[4] uname[s] aname[s] (+n_uname[4]) */
  record Tattach(int fid, int afid, String uname, String aname, int nUname) implements Msg {}
  /** size[4] Rattach tag[2] qid[13] */
  record Rattach(Qid qid) implements Msg {}
  /** size[4] Rerror tag[2] ename[s] (+errno[4]) */
  record Rerror(String ename, int errno) implements Msg {}
  /** size[4] Tflush tag[2] oldtag[2] */
  record Tflush(int oldtag) implements Msg {}
  /** size[4] Rflush tag[2] */
  record Rflush() implements Msg {}
  /** size[4] Twalk tag[2] fid[4] newfid[4] nwname[2] nwname*(wname[s]) */
  record Twalk(int fid, int newfid, List<String> names) implements Msg {}
  /** size[4] Rwalk tag[2] nwqid[2] nwqid*(qid[13]) */
  record Rwalk(List<Qid> qids) implements Msg {}
  /** size[4] Topen tag[2] fid[4] mode[1] */
  record Topen(int fid, int mode) implements Msg {}
  /** size[4] Ropen tag[2] qid[13] iounit[4] */
  record Ropen(Qid qid, int iounit) implements Msg {}
  /** size[4] Tcreate tag[2] fid[4] name[s] perm[4] mode[1] (+extension[s]) */
  record Tcreate(int fid, String name, int perm, int mode, String extension) implements Msg {}
  /** size[4] Rcreate tag[2] qid[13] iounit[4] */
  record Rcreate(Qid qid, int iounit) implements Msg {}
  /** size[4] Tread tag[2] fid[4] offset[8] count[4] */
  record Tread(int fid, long offset, int count) implements Msg {}
  /** size[4] Rread tag[2] count[4] data[count] */
  record Rread(byte[] data) implements Msg {}
  /** size[4] Twrite tag[2] fid[4] offset[8] count[4] data[count] */
  record Twrite(int fid, long offset, byte[] data) implements Msg {}
  /** size[4] Rwrite tag[2] count[4] */
  record Rwrite(int count) implements Msg {}
  /** size[4] Tclunk tag[2] fid[4] */
  record Tclunk(int fid) implements Msg {}
  /** size[4] Rclunk tag[2] */
  record Rclunk() implements Msg {}
  /** size[4] Tremove tag[2] fid[4] */
  record Tremove(int fid) implements Msg {}
  /** size[4] Rremove tag[2] */
  record Rremove() implements Msg {}
  /** size[4] Tstat tag[2] fid[4] */
  record Tstat(int fid) implements Msg {}
  /** size[4] Rstat tag[2] n[2] stat[n] */
  record Rstat(Stat stat) implements Msg {}
  /** size[4] Twstat tag[2] fid[4] n[2] stat[n] */
  record Twstat(int fid, Stat stat) implements Msg {}
  /** size[4] Rwstat tag[2] */
  record Rwstat() implements Msg {}

  // ---- 9P2000.L ----
  /** size[4] Rlerror tag[2] ecode[4] */
  record Rlerror(int ecode) implements Msg {}
  /** size[4] Tstatfs tag[2] fid[4] */
  record Tstatfs(int fid) implements Msg {}
  /** size[4] Rstatfs tag[2] type[4] bsize[4] blocks[8] bfree[8] bavail[8] files[8] ffree[8] fsid[8] namelen[4] */
  record Rstatfs(int type, int bsize, long blocks, long bfree, long bavail, long files, long ffree, long fsid, int namelen) implements Msg {}
  /** size[4] Tlopen tag[2] fid[4] flags[4] */
  record Tlopen(int fid, int flags) implements Msg {}
  /** size[4] Rlopen tag[2] qid[13] iounit[4] */
  record Rlopen(Qid qid, int iounit) implements Msg {}
  /** size[4] Tlcreate tag[2] fid[4] name[s] flags[4] mode[4] gid[4] */
  record Tlcreate(int fid, String name, int flags, int mode, int gid) implements Msg {}
  /** size[4] Rlcreate tag[2] qid[13] iounit[4] */
  record Rlcreate(Qid qid, int iounit) implements Msg {}
  /** size[4] Tsymlink tag[2] fid[4] name[s] symtgt[s] gid[4] */
  record Tsymlink(int fid, String name, String target, int gid) implements Msg {}
  /** size[4] Rsymlink tag[2] qid[13] */
  record Rsymlink(Qid qid) implements Msg {}
  /** size[4] Tmknod tag[2] dfid[4] name[s] mode[4] major[4] minor[4] gid[4] */
  record Tmknod(int dfid, String name, int mode, int major, int minor, int gid) implements Msg {}
  /** size[4] Rmknod tag[2] qid[13] */
  record Rmknod(Qid qid) implements Msg {}
  /** size[4] Trename tag[2] fid[4] dfid[4] name[s] */
  record Trename(int fid, int dfid, String name) implements Msg {}
  /** size[4] Rrename tag[2] */
  record Rrename() implements Msg {}
  /** size[4] Treadlink tag[2] fid[4] */
  record Treadlink(int fid) implements Msg {}
  /** size[4] Rreadlink tag[2] target[s] */
  record Rreadlink(String target) implements Msg {}
  /** size[4] Tgetattr tag[2] fid[4] request_mask[8] */
  record Tgetattr(int fid, long mask) implements Msg {}
  /**
   * size[4] Rgetattr tag[2] valid[8] qid[13] mode[4] uid[4] gid[4] nlink[8] rdev[8] size[8]
   * blksize[8] blocks[8] atime_sec[8] atime_nsec[8] mtime_sec[8] mtime_nsec[8] ctime_sec[8]
   * ctime_nsec[8] btime_sec[8] btime_nsec[8] gen[8] data_version[8]
   */
  record Rgetattr(long valid, Qid qid, int mode, int uid, int gid, long nlink, long rdev, long size, long blksize, long blocks,
      long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec, long ctimeSec, long ctimeNsec, long btimeSec, long btimeNsec,
      long gen, long dataVersion) implements Msg {}
  /** size[4] Tsetattr tag[2] fid[4] valid[4] mode[4] uid[4] gid[4] size[8] atime_sec[8] atime_nsec[8] mtime_sec[8] mtime_nsec[8] */
  record Tsetattr(int fid, int valid, int mode, int uid, int gid, long size, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec) implements Msg {}
  /** size[4] Rsetattr tag[2] */
  record Rsetattr() implements Msg {}
  /** size[4] Txattrwalk tag[2] fid[4] newfid[4] name[s] */
  record Txattrwalk(int fid, int newfid, String name) implements Msg {}
  /** size[4] Rxattrwalk tag[2] size[8] */
  record Rxattrwalk(long size) implements Msg {}
  /** size[4] Txattrcreate tag[2] fid[4] name[s] attr_size[8] flags[4] */
  record Txattrcreate(int fid, String name, long size, int flags) implements Msg {}
  /** size[4] Rxattrcreate tag[2] */
  record Rxattrcreate() implements Msg {}
  /** size[4] Treaddir tag[2] fid[4] offset[8] count[4] */
  record Treaddir(int fid, long offset, int count) implements Msg {}
  /** size[4] Rreaddir tag[2] count[4] data[count] (entries: qid[13] offset[8] type[1] name[s]) */
  record Rreaddir(byte[] data) implements Msg {}
  /** size[4] Tfsync tag[2] fid[4] datasync[4] */
  record Tfsync(int fid, int datasync) implements Msg {}
  /** size[4] Rfsync tag[2] */
  record Rfsync() implements Msg {}
  /** size[4] Tlock tag[2] fid[4] type[1] flags[4] start[8] length[8] proc_id[4] client_id[s] */
  record Tlock(int fid, int type, int flags, long start, long length, int procId, String clientId) implements Msg {}
  /** size[4] Rlock tag[2] status[1] */
  record Rlock(int status) implements Msg {}
  /** size[4] Tgetlock tag[2] fid[4] type[1] start[8] length[8] proc_id[4] client_id[s] */
  record Tgetlock(int fid, int type, long start, long length, int procId, String clientId) implements Msg {}
  /** size[4] Rgetlock tag[2] type[1] start[8] length[8] proc_id[4] client_id[s] */
  record Rgetlock(int type, long start, long length, int procId, String clientId) implements Msg {}
  /** size[4] Tlink tag[2] dfid[4] fid[4] name[s] */
  record Tlink(int dfid, int fid, String name) implements Msg {}
  /** size[4] Rlink tag[2] */
  record Rlink() implements Msg {}
  /** size[4] Tmkdir tag[2] dfid[4] name[s] mode[4] gid[4] */
  record Tmkdir(int dfid, String name, int mode, int gid) implements Msg {}
  /** size[4] Rmkdir tag[2] qid[13] */
  record Rmkdir(Qid qid) implements Msg {}
  /** size[4] Trenameat tag[2] olddirfid[4] oldname[s] newdirfid[4] newname[s] */
  record Trenameat(int oldDirFid, String oldName, int newDirFid, String newName) implements Msg {}
  /** size[4] Rrenameat tag[2] */
  record Rrenameat() implements Msg {}
  /** size[4] Tunlinkat tag[2] dirfid[4] name[s] flags[4] */
  record Tunlinkat(int dirFid, String name, int flags) implements Msg {}
  /** size[4] Runlinkat tag[2] */
  record Runlinkat() implements Msg {}
}
