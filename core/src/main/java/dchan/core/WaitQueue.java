package dchan.core;

/**
 * An intrusive FIFO of pending ops (the spec's sendq or recvq): O(1) append, poll and unlink,
 * no allocation. Guarded by the owning channel's lock.
 */
final class WaitQueue<T> {
  private Op<T> head, tail;
  private int size;

  boolean isEmpty() {
    return head == null;
  }

  int size() {
    return size;
  }

  void append(Op<T> op) {
    op.prev = tail;
    op.next = null;
    if (tail == null) {
      head = op;
    } else {
      tail.next = op;
    }
    tail = op;
    size++;
  }

  /** The oldest op, left in place; null if none. */
  Op<T> peek() {
    return head;
  }

  Op<T> poll() {
    Op<T> op = head;
    if (op != null) {
      unlink(op);
    }
    return op;
  }

  /** Removes op, which must be in this queue. */
  void unlink(Op<T> op) {
    if (op.prev == null) {
      head = op.next;
    } else {
      op.prev.next = op.next;
    }
    if (op.next == null) {
      tail = op.prev;
    } else {
      op.next.prev = op.prev;
    }
    op.prev = op.next = null;
    size--;
  }

  boolean contains(Op<T> op) {
    for (Op<T> o = head; o != null; o = o.next) {
      if (o == op) {
        return true;
      }
    }
    return false;
  }

  /** Visits ops oldest first. */
  void forEach(java.util.function.Consumer<Op<T>> action) {
    for (Op<T> o = head; o != null; o = o.next) {
      action.accept(o);
    }
  }
}
