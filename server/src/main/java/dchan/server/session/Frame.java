package dchan.server.session;

import java.nio.ByteBuffer;

/**
 * An encoded reply: a head and an optional body (a read's data, sent from the message or
 * snapshot it is part of, never copied), and how many of its bytes are already charged to the
 * connection's account (a message's data the reader adopted).
 */
record Frame(ByteBuffer head, ByteBuffer body, int held) {
  int size() {
    return head.remaining() + (body == null ? 0 : body.remaining());
  }
}
