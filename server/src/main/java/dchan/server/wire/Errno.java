package dchan.server.wire;

/**
 * The errors dchan reports: Linux errno (9P2000.L ecode, 9P2000.u errno) and the text Linux's
 * net/9p/error.c maps back to the same errno (9P2000 and 9P2000.u ename).
 */
public enum Errno {
  EPERM(1, "Operation not permitted"),
  ENOENT(2, "No such file or directory"),
  EINTR(4, "Interrupted system call"),
  EIO(5, "Input/output error"),
  EBADF(9, "Bad file descriptor"),
  EAGAIN(11, "Resource temporarily unavailable"),
  EACCES(13, "Permission denied"),
  EBUSY(16, "Device or resource busy"),
  EEXIST(17, "File exists"),
  ENOTDIR(20, "Not a directory"),
  EISDIR(21, "Is a directory"),
  EINVAL(22, "Invalid argument"),
  EMFILE(24, "Too many open files"),
  ENOSPC(28, "No space left on device"),
  EROFS(30, "Read-only file system"),
  EPIPE(32, "Broken pipe"),
  ENAMETOOLONG(36, "File name too long"),
  ENOSYS(38, "Function not implemented"),
  ENOTEMPTY(39, "Directory not empty"),
  ENODATA(61, "No data available"),
  EPROTO(71, "Protocol error"),
  EMSGSIZE(90, "Message too long"),
  EOPNOTSUPP(95, "Operation not supported");

  public final int code;
  public final String text;

  Errno(int code, String text) {
    this.code = code;
    this.text = text;
  }
}
