package dchan.core;

/**
 * Called once when a pending {@link Op} completes (matched, admitted into the buffer, or ended
 * by close/remove). Runs on the thread whose channel call completed the op (the matching send or
 * receive, close, remove or setCapacity), after the channel's lock is released. It must not
 * block; it may call back into any channel.
 */
@FunctionalInterface
public interface Listener<T> {
  void completed(Op<T> op);
}
