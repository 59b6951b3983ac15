package dchan.stress;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dchan.core.BrokenCancelChannel;
import dchan.core.Channel;
import dchan.core.ChannelModel;
import dchan.core.Op;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck: the non-blocking API (start, cancel, trySend/tryReceive, and the batches of line
 * channels) is linearizable with respect to {@link ChannelModel}, including cancellation racing
 * with matching (a cancel keeping a batch's accepted part), close, remove and capacity changes.
 * Slot 0 holds single requests; slot 1 a batch send of two messages and a batch receive with a
 * budget of two.
 *
 * <p>Requests live in write-once slots (two for sends, two for receives) so that a later {@code
 * cancel(slot)} or {@code status(slot)} can name them. Operations on send slots hold a harness
 * lock on them (likewise for receive slots), so starting a request and filling its slot look
 * atomic. The races that matter still run free: a cancel of a send against a receive that
 * matches it (and vice versa), close, remove and capacity changes against pending requests.
 */
public class ChannelLincheckTest {

  /** The operations, shared by the real channel (Impl) and the model (Spec). */
  @Param(name = "slot", gen = IntGen.class, conf = "0:1")
  @Param(name = "cap", gen = IntGen.class, conf = "0:2")
  public abstract static class Ops {
    @Operation
    public abstract String send(@Param(name = "slot") int slot);

    @Operation
    public abstract String receive(@Param(name = "slot") int slot);

    @Operation
    public abstract boolean cancelSend(@Param(name = "slot") int slot);

    @Operation
    public abstract boolean cancelReceive(@Param(name = "slot") int slot);

    @Operation
    public abstract String sendStatus(@Param(name = "slot") int slot);

    @Operation
    public abstract String receiveStatus(@Param(name = "slot") int slot);

    @Operation
    public abstract boolean trySend(@Param(name = "slot") int slot);

    @Operation
    public abstract String tryReceive();

    @Operation
    public abstract void close();

    @Operation
    public abstract int remove();

    @Operation
    public abstract void setCapacity(@Param(name = "cap") int cap);
  }

  /** The real channel. */
  public static class Impl extends Ops {
    static IntFunction<Channel<Integer>> factory = Channel::new;
    final Channel<Integer> ch = factory.apply(0);
    final AtomicReferenceArray<Object> sends = new AtomicReferenceArray<>(2);
    final AtomicReferenceArray<Object> receives = new AtomicReferenceArray<>(2);

    @Override
    public String send(int slot) {
      synchronized (sends) {
        if (sends.get(slot) != null) {
          return "busy";
        }
        Op<Integer> op = slot == 0 ? ch.startSend(1, null, null)
            : ch.startSendBatch(java.util.List.of(2, 3), null, null);
        sends.set(slot, op);
        return op.completedAtStart() ? describeSend(op) : "PENDING";
      }
    }

    @Override
    public String receive(int slot) {
      synchronized (receives) {
        if (receives.get(slot) != null) {
          return "busy";
        }
        Op<Integer> op = slot == 0 ? ch.startReceive(null, null) : ch.startReceiveBatch(2, null, null);
        receives.set(slot, op);
        return op.completedAtStart() ? describe(op) : "PENDING";
      }
    }

    @Override
    public boolean cancelSend(int slot) {
      synchronized (sends) {
        return sends.get(slot) instanceof Op<?> op && op.cancel();
      }
    }

    @Override
    public boolean cancelReceive(int slot) {
      synchronized (receives) {
        return receives.get(slot) instanceof Op<?> op && op.cancel();
      }
    }

    @Override
    public String sendStatus(int slot) {
      synchronized (sends) {
        return sends.get(slot) instanceof Op<?> op ? describeSend(op) : "empty";
      }
    }

    @Override
    public String receiveStatus(int slot) {
      synchronized (receives) {
        return receives.get(slot) instanceof Op<?> op ? describe(op) : "empty";
      }
    }

    @Override
    public boolean trySend(int slot) {
      return ch.trySend(slot + 11);
    }

    @Override
    public String tryReceive() {
      Integer m = ch.tryReceive();
      return m == null ? "none" : "got " + m;
    }

    @Override
    public void close() {
      ch.close();
    }

    @Override
    public int remove() {
      return ch.remove().size();
    }

    @Override
    public void setCapacity(int cap) {
      ch.setCapacity(cap);
    }

    private static String describe(Op<?> op) {
      Op.Status s = op.status();
      return s == Op.Status.RECEIVED ? "got " + op.messages() : s.name();
    }

    private static String describeSend(Op<?> op) {
      Op.Status s = op.status();
      return s.name() + (s == Op.Status.PENDING ? "" : " " + op.accepted());
    }
  }

  /** The sequential specification. */
  public static class Spec extends Ops {
    final ChannelModel m = new ChannelModel(0);
    final ChannelModel.Req[] sends = new ChannelModel.Req[2];
    final ChannelModel.Req[] receives = new ChannelModel.Req[2];

    @Override
    public String send(int slot) {
      if (sends[slot] != null) {
        return "busy";
      }
      sends[slot] = slot == 0 ? m.startSend(1) : m.startSend(java.util.List.of(2, 3));
      return describeSend(sends[slot]);
    }

    @Override
    public String receive(int slot) {
      if (receives[slot] != null) {
        return "busy";
      }
      receives[slot] = slot == 0 ? m.startReceive() : m.startReceive(2);
      return describe(receives[slot]);
    }

    @Override
    public boolean cancelSend(int slot) {
      return sends[slot] != null && m.cancel(sends[slot]);
    }

    @Override
    public boolean cancelReceive(int slot) {
      return receives[slot] != null && m.cancel(receives[slot]);
    }

    @Override
    public String sendStatus(int slot) {
      return sends[slot] == null ? "empty" : describeSend(sends[slot]);
    }

    @Override
    public String receiveStatus(int slot) {
      return receives[slot] == null ? "empty" : describe(receives[slot]);
    }

    @Override
    public boolean trySend(int slot) {
      return m.trySend(slot + 11);
    }

    @Override
    public String tryReceive() {
      Integer got = m.tryReceive();
      return got == null ? "none" : "got " + got;
    }

    @Override
    public void close() {
      m.close();
    }

    @Override
    public int remove() {
      return m.remove();
    }

    @Override
    public void setCapacity(int cap) {
      m.setCapacity(cap);
    }

    private static String describe(ChannelModel.Req r) {
      return r.status == Op.Status.RECEIVED ? "got " + r.taken : r.status.name();
    }

    private static String describeSend(ChannelModel.Req r) {
      return r.status.name() + (r.status == Op.Status.PENDING ? "" : " " + r.accepted);
    }
  }

  private static ModelCheckingOptions modelChecking() {
    return new ModelCheckingOptions()
        .iterations(30)
        .invocationsPerIteration(1000)
        .threads(2)
        .actorsPerThread(3)
        .actorsBefore(2)
        .actorsAfter(2)
        .sequentialSpecification(Spec.class);
  }

  @Test
  void nonBlockingApiIsLinearizableUnderModelChecking() {
    Impl.factory = Channel::new;
    modelChecking().check(Impl.class);
  }

  @Test
  void nonBlockingApiIsLinearizableUnderStress() {
    Impl.factory = Channel::new;
    new StressOptions()
        .iterations(40)
        .invocationsPerIteration(2000)
        .threads(3)
        .actorsPerThread(3)
        .sequentialSpecification(Spec.class)
        .check(Impl.class);
  }

  @Test
  void seededBugCancelIgnoringMatchIsCaughtByModelChecking() {
    Impl.factory = BrokenCancelChannel::new;
    try {
      assertThrows(AssertionError.class, () -> modelChecking().check(Impl.class));
    } finally {
      Impl.factory = Channel::new;
    }
  }
}
