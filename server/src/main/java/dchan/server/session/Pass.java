package dchan.server.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The current thread's pass: how work that crosses sessions is ordered without any thread ever
 * holding two session locks.
 *
 * <p>A session's state is guarded by its lock. A channel completes a parked request on whatever
 * thread made the match, often while that thread holds its own session's lock; the completion
 * must then take another session's lock. So: while a thread is inside a session ({@link #depth} >
 * 0), completions it causes are {@linkplain #defer deferred}; when it leaves the outermost
 * session it {@linkplain #settle settles} them, one at a time, each under its own session's lock
 * (which may defer more). Lock order is therefore flat: a thread holds at most one session lock,
 * and a channel's lock is never held while a session lock is taken (listeners run after the
 * channel unlocks). Nor does a thread ever park on another connection's lock: if it is busy, the
 * task goes to that connection's own loop, which is awake anyway while it holds it.
 *
 * <p>Replies queued during a pass are written at its end ({@link #end}): a selector loop ends its
 * pass after serving every ready connection, so that all the replies one connection got in that
 * pass leave in one gathering write; any other thread ends its pass as soon as it settles.
 */
public final class Pass {
  private static final ThreadLocal<Pass> CURRENT = ThreadLocal.withInitial(Pass::new);

  /** Something to write out at the end of the pass (a connection with queued replies). */
  public interface Flushable {
    void flush();
  }

  private int depth;
  private boolean loop;
  private final ArrayDeque<Session> deferredOn = new ArrayDeque<>();
  private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();
  private final List<Flushable> dirty = new ArrayList<>();
  private final List<Flushable> flushing = new ArrayList<>();

  public static Pass current() {
    return CURRENT.get();
  }

  /** Marks this thread as a selector loop: it ends its passes itself. */
  public void beLoop() {
    loop = true;
  }

  int depth() {
    return depth;
  }

  void enter() {
    depth++;
  }

  void exit() {
    depth--;
  }

  /**
   * Runs task under s's lock: now if this thread is in no session, else once it has left. If s's
   * lock is busy, the task goes to s's own loop instead of waiting for it.
   */
  void run(Session s, Runnable task) {
    if (depth > 0) {
      deferredOn.add(s);
      deferred.add(task);
      return;
    }
    s.runOrHandOff(task);
    settle();
    if (!loop) {
      end();
    }
  }

  /** Runs the deferred tasks (and those they defer) until none is left. Depth must be 0. */
  void settle() {
    while (runDeferred()) {
      // each may defer more
    }
  }

  /** Runs the oldest deferred task, if any; false if there was none. Depth must be 0. */
  boolean runDeferred() {
    assert depth == 0;
    Session s = deferredOn.poll();
    if (s == null) {
      return false;
    }
    s.runOrHandOff(deferred.poll());
    return true;
  }

  /** f has replies to write at the end of this pass. */
  public void dirty(Flushable f) {
    dirty.add(f);
  }

  /** Ends the pass: writes out every connection that got replies in it. */
  public void end() {
    assert depth == 0;
    while (!dirty.isEmpty()) {
      flushing.addAll(dirty);
      dirty.clear();
      for (Flushable f : flushing) {
        f.flush();
      }
      flushing.clear();
    }
  }
}
