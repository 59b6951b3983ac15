package dchan.server.session;

import dchan.core.Op;
import dchan.server.wire.Msg;
import java.util.ArrayList;
import java.util.List;

/**
 * One outstanding request, from its arrival until its reply is sent (or it is withdrawn with no
 * reply). A request may be:
 *
 * <ul>
 *   <li>parked: {@code op} is a pending channel op; it completes through the session's listener
 *       or is withdrawn by Tflush, Tclunk, Tremove, Tversion or disconnect;
 *   <li>deferred: its reply is ready ({@code deferredReply}) but must follow the replies of
 *       {@code waitingFor} other requests (an Rflush after the reply of the request it flushed,
 *       an Rclunk after a committed read on its fid, an Rversion after committed requests).
 * </ul>
 *
 * Confined to the connection's loop thread, except {@code op}'s listener, which only posts.
 */
final class Request {
  final int tag;
  final Msg msg;
  Fid fid;
  Op<byte[]> op;
  int waitingFor;
  Msg deferredReply;
  List<Request> dependents;
  boolean done;

  Request(int tag, Msg msg, Fid fid) {
    this.tag = tag;
    this.msg = msg;
    this.fid = fid;
  }

  void addDependent(Request r) {
    if (dependents == null) {
      dependents = new ArrayList<>(1);
    }
    dependents.add(r);
    r.waitingFor++;
  }
}
