package dchan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Model-based property tests: random sequences of send, receive, batch send and batch receive
 * (line channels), trySend, tryReceive, cancel, close, remove and capacity changes drive the real
 * channel and {@link ChannelModel} side by side; after every step both must agree on every
 * request's status, every message received, every batch's accepted part, and the counters.
 * Listeners must fire exactly once for each request that completed after being pending, never
 * otherwise. Messages weigh 1 or 2 against a batch receive's budget.
 */
class ChannelModelPropertyTest {

  @Test
  void channelAgreesWithSequentialModelOnEveryRandomSequence() {
    qt().withExamples(3000)
        .forAll(integers().between(0, 3), lists().of(integers().between(0, 1099)).ofSizeBetween(1, 60))
        .checkAssert((cap, cmds) -> run(c -> new Channel<>(c, WEIGHT, null), cap, cmds));
  }

  @Test
  void seededBugCancelIgnoringMatchIsCaught() {
    assertThrows(
        AssertionError.class,
        () ->
            qt().withExamples(3000)
                .forAll(integers().between(0, 3), lists().of(integers().between(0, 1099)).ofSizeBetween(1, 60))
                .checkAssert((cap, cmds) -> run(c -> new BrokenCancelChannel<>(c, WEIGHT), cap, cmds)));
  }

  private static final java.util.function.ToIntFunction<Integer> WEIGHT = m -> 1 + m % 2;

  private static void run(IntFunction<Channel<Integer>> factory, int cap, List<Integer> cmds) {
    Channel<Integer> ch = factory.apply(cap);
    ChannelModel model = new ChannelModel(cap, WEIGHT);
    List<Op<Integer>> ops = new ArrayList<>();
    List<ChannelModel.Req> reqs = new ArrayList<>();
    List<int[]> calls = new ArrayList<>(); // calls.get(i)[0] = listener calls for op i
    List<Boolean> pendingAtStart = new ArrayList<>();
    int nextMessage = 0;
    for (int c : cmds) {
      int arg = c / 11;
      switch (c % 11) {
        case 9 -> { // a batch send of 1 to 3 messages
          List<Integer> batch = new ArrayList<>();
          for (int k = 0; k <= arg % 3; k++) {
            batch.add(nextMessage++);
          }
          int[] n = new int[1];
          Op<Integer> op = ch.startSendBatch(batch, o -> n[0]++, null);
          ops.add(op);
          calls.add(n);
          pendingAtStart.add(!op.completedAtStart());
          reqs.add(model.startSend(batch));
        }
        case 10 -> { // a batch receive with a budget of 0 to 4
          int[] n = new int[1];
          Op<Integer> op = ch.startReceiveBatch(arg % 5, o -> n[0]++, null);
          ops.add(op);
          calls.add(n);
          pendingAtStart.add(!op.completedAtStart());
          reqs.add(model.startReceive(arg % 5));
        }
        case 0, 1 -> {
          int m = nextMessage++;
          int[] n = new int[1];
          Op<Integer> op = ch.startSend(m, o -> n[0]++, null);
          ops.add(op);
          calls.add(n);
          pendingAtStart.add(!op.completedAtStart());
          reqs.add(model.startSend(m));
        }
        case 2, 3 -> {
          int[] n = new int[1];
          Op<Integer> op = ch.startReceive(o -> n[0]++, null);
          ops.add(op);
          calls.add(n);
          pendingAtStart.add(!op.completedAtStart());
          reqs.add(model.startReceive());
        }
        case 4 -> {
          if (!ops.isEmpty()) {
            int i = arg % ops.size();
            assertEquals(model.cancel(reqs.get(i)), ops.get(i).cancel(), "cancel result of op " + i);
          }
        }
        case 5 -> {
          if (arg % 4 == 0) {
            ch.close();
            model.close();
          } else if (arg % 4 == 1) {
            assertEquals(model.remove(), ch.remove().size(), "dropped by remove");
          } else {
            ch.setCapacity(arg % 3);
            model.setCapacity(arg % 3);
          }
        }
        case 7 -> {
          int m = nextMessage++;
          assertEquals(model.trySend(m), ch.trySend(m), "trySend");
        }
        case 8 -> assertEquals(model.tryReceive(), ch.tryReceive(), "tryReceive");
        default -> {
          int n = arg % 3;
          ch.setCapacity(n);
          model.setCapacity(n);
        }
      }
      for (int i = 0; i < ops.size(); i++) {
        Op<Integer> op = ops.get(i);
        ChannelModel.Req r = reqs.get(i);
        assertEquals(r.status, op.status(), "status of op " + i);
        if (op.isSend()) {
          assertEquals(r.accepted, op.accepted(), "accepted part of send " + i);
        } else {
          assertEquals(r.taken, op.messages(), "messages of receive " + i);
        }
        boolean completedLater =
            pendingAtStart.get(i) && op.status() != Op.Status.PENDING && op.status() != Op.Status.CANCELLED;
        assertEquals(completedLater ? 1 : 0, calls.get(i)[0], "listener calls of op " + i);
      }
      Channel.Snapshot real = ch.snapshot();
      assertEquals(model.snapshot(), new Channel.Snapshot(real.capacity(), real.buffered(),
          real.waitingReceivers(), real.waitingSenders(), real.closed(), real.sent(), real.received(),
          real.dropped(), real.oldestQueuedAt() == 0 ? 0 : 1), "snapshot (a wait time iff anyone waits)");
      ch.assertInvariants();
    }
  }
}
