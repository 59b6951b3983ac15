package dchan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Remote ops: pending until their owner completes them; a cancel only asks. */
class RemoteOpTest {
  @Test
  void aRemoteReceiveCompletesOnceThroughItsListener() {
    List<Op<String>> heard = new ArrayList<>();
    List<Op<String>> asked = new ArrayList<>();
    Op<String> op = Op.remote(false, null, null, 100, heard::add, "req", asked::add);
    assertTrue(op.isRemote());
    assertFalse(op.completedAtStart(), "a remote op always waits for its owner");
    assertEquals(Op.Status.PENDING, op.status());
    assertFalse(op.cancel(), "the cancel is decided elsewhere");
    assertEquals(List.of(op), asked);
    op.completeRemote(Op.Status.RECEIVED, 0, List.of("a\n", "b\n"), false);
    assertEquals(List.of(op), heard);
    assertEquals(List.of("a\n", "b\n"), op.messages());
    assertThrows(IllegalStateException.class, () -> op.completeRemote(Op.Status.CANCELLED, 0, List.of(), false));
  }

  @Test
  void aRemoteBatchSendReportsItsAcceptedPartAndACancelledOneNothing() {
    List<Op<String>> heard = new ArrayList<>();
    Op<String> send = Op.remote(true, null, List.of("1\n", "2\n", "3\n"), -1, heard::add, null, o -> { });
    send.completeRemote(Op.Status.SENT, 2, List.of(), true);
    assertEquals(2, send.accepted());
    assertEquals(3, send.size());
    assertTrue(send.startedAtRendezvous());
    Op<String> other = Op.remote(true, "x", null, -1, heard::add, null, o -> { });
    other.completeRemote(Op.Status.CANCELLED, 0, List.of(), false);
    assertEquals(Op.Status.CANCELLED, other.status());
    assertEquals(List.of(send, other), heard);
  }
}
