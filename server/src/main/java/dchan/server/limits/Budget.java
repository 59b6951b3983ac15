package dchan.server.limits;

import dchan.server.wire.Errno;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory budget: every byte the server holds on a client's behalf, counted against one
 * global limit ({@code --max-memory}) and, for what a connection holds itself, against that
 * connection's share (a quarter of the limit). What is counted:
 *
 * <ul>
 *   <li>held by a connection (its {@link Account}): the part of its input buffer beyond the
 *       first 8 KiB, queued replies, the payload of its parked writes, the remainders its fids
 *       hold, the ctl/stats/limits snapshots and directory listings its fids hold;
 *   <li>held by channels (global only): buffered messages, from the moment their write was
 *       accepted until a reader takes them or a remove drops them.
 * </ul>
 *
 * A message moves without being counted twice: its writer is charged ({@link #tryCharge}); once
 * the write succeeds the writer's share is released and the bytes are held by the channel ({@link
 * #releaseShare}); the reader that takes it adopts them ({@link #adopt}) until its reply has gone
 * out. Only {@link #tryCharge} can fail: a write the budget cannot hold is refused before it is
 * accepted, so nothing accepted is ever dropped for memory. Replies are charged unconditionally
 * ({@link #charge}); a connection whose replies are not taken stops being read instead.
 */
public final class Budget {
  private final long limit;
  private final long share;
  private final AtomicLong used = new AtomicLong();

  /** What one connection holds. Guarded by the owner's lock. */
  public static final class Account {
    private long used;

    public long used() {
      return used;
    }
  }

  public Budget(long limit) {
    this.limit = limit;
    this.share = Math.max(limit / 4, 1);
  }

  public long limit() {
    return limit;
  }

  public long share() {
    return share;
  }

  /** Bytes held now, by connections and channels. */
  public long used() {
    return used.get();
  }

  /** True while more is held than the limit (possible through unconditional charges). */
  public boolean over() {
    return used.get() > limit;
  }

  /**
   * Charges n bytes to a and to the global budget if both have room.
   *
   * @return null if charged; {@link Errno#EAGAIN} if a's share is full; {@link Errno#ENOSPC} if
   *     the global budget is
   */
  public Errno tryCharge(Account a, long n) {
    if (a.used + n > share) {
      return Errno.EAGAIN;
    }
    for (long u; ; ) {
      u = used.get();
      if (u + n > limit) {
        return Errno.ENOSPC;
      }
      if (used.compareAndSet(u, u + n)) {
        a.used += n;
        return null;
      }
    }
  }

  /** Charges n bytes whether or not there is room (replies to requests already taken). */
  public void charge(Account a, long n) {
    a.used += n;
    used.addAndGet(n);
  }

  public void release(Account a, long n) {
    a.used -= n;
    used.addAndGet(-n);
    assert a.used >= 0 : "account below zero";
  }

  /** n bytes a held are now held by a channel (an accepted write): a's share only. */
  public void releaseShare(Account a, long n) {
    a.used -= n;
    assert a.used >= 0 : "account below zero";
  }

  /** n bytes held by a channel are now held by a (a message its read took). */
  public void adopt(Account a, long n) {
    a.used += n;
  }

  /** n bytes held by channels are gone (dropped by a remove, or taken for a closed connection). */
  public void releaseHeld(long n) {
    used.addAndGet(-n);
  }
}
