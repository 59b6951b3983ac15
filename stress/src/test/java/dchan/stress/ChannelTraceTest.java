package dchan.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dchan.core.BrokenCancelChannel;
import dchan.core.Channel;
import dchan.core.Op;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Trace validation (spec/tla/ChannelTrace.tla): senders, receivers and a capacity changer run
 * concurrently on a real {@link Channel}, cancelling at random (often just as a match happens,
 * sometimes after it); every action is recorded, in the order it took effect, by a {@link
 * Channel.Tracer}; then TLC checks that the recorded trace is a behaviour of Channel.tla, with
 * every Channel invariant holding along it. The same run on {@link BrokenCancelChannel} (a
 * cancel that also "withdraws" a matched request) must be refused by TLC.
 */
class ChannelTraceTest {
  private static final int PER_THREAD = 40;

  /** One recorded action, as a TLA+ record. */
  private record Event(String action, String req, String outcome, Object value) {
    String tla() {
      String v = value == null ? "\"\"" : value instanceof Integer n ? n.toString() : "\"" + value + "\"";
      return "[action |-> \"" + action + "\", req |-> \"" + (req == null ? "" : req)
          + "\", outcome |-> \"" + (outcome == null ? "" : outcome) + "\", value |-> " + v + "]";
    }
  }

  /** Runs the concurrent workload on a channel made by `make`, returns the trace. */
  private static List<Event> record(BiFunction<Integer, Channel.Tracer, Channel<String>> make)
      throws InterruptedException {
    List<Event> trace = new ArrayList<>(); // appended under the channel's lock
    int initial = ThreadLocalRandom.current().nextInt(3);
    trace.add(new Event("Init", null, null, initial));
    Channel<String> ch = make.apply(initial, (name, op, outcome, value) ->
        trace.add(new Event(name, op == null ? null : (String) op.attachment, outcome, value)));
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      int id = t;
      threads.add(new Thread(() -> {
        for (int i = 0; i < PER_THREAD; i++) {
          String name = "s" + id + "x" + i;
          Op<String> op = ch.startSend(name, null, name);
          await(op);
        }
      }));
      threads.add(new Thread(() -> {
        for (int i = 0; i < PER_THREAD; i++) {
          String name = "r" + id + "x" + i;
          await(ch.startReceive(null, name));
        }
      }));
    }
    threads.add(new Thread(() -> {
      for (int i = 0; i < 10; i++) {
        LockSupport.parkNanos(ThreadLocalRandom.current().nextInt(200_000));
        ch.setCapacity(ThreadLocalRandom.current().nextInt(4));
      }
    }));
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(60_000);
    }
    if (ThreadLocalRandom.current().nextBoolean()) {
      ch.close();
    } else {
      ch.remove();
    }
    return trace;
  }

  /**
   * Waits a little for op; cancels it if still pending -- racing with a match -- and now and then
   * cancels it after it completed (a cancel that must lose).
   */
  private static void await(Op<String> op) {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    long deadline = System.nanoTime() + rnd.nextInt(100_000);
    while (op.isPending() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    if (op.isPending() || rnd.nextInt(8) == 0) {
      op.cancel();
    }
  }

  /** Writes the trace as TLA+ and runs TLC on it; returns TLC's exit code. */
  private static int check(List<Event> trace, String name) throws IOException, InterruptedException {
    Path dir = Path.of("target", "trace", name).toAbsolutePath();
    Files.createDirectories(dir);
    String senders = trace.stream().filter(e -> e.action.equals("StartSend")).map(e -> "\"" + e.req + "\"")
        .collect(Collectors.joining(", "));
    String receivers = trace.stream().filter(e -> e.action.equals("StartReceive"))
        .map(e -> "\"" + e.req + "\"").collect(Collectors.joining(", "));
    String log = trace.stream().map(Event::tla).collect(Collectors.joining(",\n  "));
    Files.writeString(dir.resolve("TraceData.tla"), "---- MODULE TraceData ----\n"
        + "TraceSenders == {" + senders + "}\n"
        + "TraceReceivers == {" + receivers + "}\n"
        + "TraceLogData == <<\n  " + log + "\n>>\n====\n", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("MCTrace.tla"),
        "---- MODULE MCTrace ----\nEXTENDS ChannelTrace, TraceData\n====\n", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("MCTrace.cfg"), String.join("\n",
        "CONSTANTS",
        "  Senders <- TraceSenders",
        "  Receivers <- TraceReceivers",
        "  TraceLog <- TraceLogData",
        "  MaxCap = 3",
        "  MaxFlush = 2",
        "  BrokenCancel = FALSE",
        "  EarlyRflush = FALSE",
        "INIT TraceInit",
        "NEXT TraceNext",
        "INVARIANTS TypeOK NoLoss NoDuplication Order WithdrawnNeverTakesEffect QueueInvariant",
        "  PendingMeansQueued OutcomeDecided TraceExplained", ""), StandardCharsets.UTF_8);
    String spec = Path.of(System.getProperty("spec.dir", "../spec/tla")).toAbsolutePath().toString();
    Process tlc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseParallelGC", "-DTLA-Library=" + spec, "-cp", System.getProperty("java.class.path"),
        "tlc2.TLC", "-workers", "1", "-cleanup", "-metadir", dir.resolve("states").toString(),
        "-config", "MCTrace.cfg", "MCTrace.tla")
        .directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("tlc.out").toFile()).start();
    assertTrue(tlc.waitFor(300, TimeUnit.SECONDS), "TLC finished");
    return tlc.exitValue();
  }

  @Test
  void aConcurrentRunOfTheCoreIsABehaviourOfTheSpec() throws Exception {
    List<Event> trace = record((cap, tracer) -> new Channel<>(cap, tracer));
    assertTrue(trace.size() > 6 * PER_THREAD, "every op recorded: " + trace.size());
    assertTrue(trace.stream().anyMatch(e -> e.outcome != null && e.outcome.equals("withdrawn")),
        "some cancels won");
    assertTrue(trace.stream().anyMatch(e -> e.outcome != null && e.outcome.equals("kept")),
        "some cancels lost to a match");
    int rc = check(trace, "core");
    assertEquals(0, rc, () -> "TLC refused the trace; see stress/target/trace/core/tlc.out");
  }

  @Test
  void aCancelThatWithdrawsAMatchedRequestIsRefused() throws Exception {
    // The bug shows only when a cancel comes after a match, which a run on a busy machine may
    // not produce: record until the broken cancel has misbehaved at least once.
    List<Event> trace = null;
    java.util.concurrent.atomic.AtomicReference<BrokenCancelChannel<String>> made =
        new java.util.concurrent.atomic.AtomicReference<>();
    for (int attempt = 0; attempt < 20 && (made.get() == null || made.get().misbehaved() == 0); attempt++) {
      trace = record((cap, tracer) -> {
        made.set(new BrokenCancelChannel<>(cap, tracer));
        return made.get();
      });
    }
    assertTrue(made.get().misbehaved() > 0, "the seeded bug never acted in 20 runs");
    int rc = check(trace, "seeded-broken-cancel");
    assertNotEquals(0, rc, "TLC must refuse the broken cancel's trace");
    String out = Files.readString(Path.of("target", "trace", "seeded-broken-cancel", "tlc.out"));
    assertTrue(out.contains("TraceExplained") || out.contains("Deadlock") || out.contains("is violated"), out);
  }
}
