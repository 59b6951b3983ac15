package dchan.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

/**
 * Producer/consumer handoff throughput: rendezvous (capacity 0) and buffered (256), with 1
 * producer and 1 consumer ("p1c1") or 4 and 4 ("p4c4"), for dchan's blocking facade and
 * non-blocking API and the anchors (see {@link Handoff}). Each put/take counts as one operation;
 * a handoff is one put plus one take.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar HandoffBenchmark -prof gc -rf json -rff results.json
 * </pre>
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class HandoffBenchmark {
  @Param({"dchan", "dchan-nonblocking", "jdk-anchor", "LinkedTransferQueue", "kotlinx-channel"})
  public String impl;

  @Param({"0", "256"})
  public int capacity;

  private Handoff handoff;
  private static final Integer MESSAGE = 42;

  @Setup
  public void setup() {
    handoff = Handoff.create(impl, capacity);
  }

  private void put(Control control) throws InterruptedException {
    while (!handoff.put(MESSAGE)) {
      if (control.stopMeasurement) {
        return;
      }
    }
  }

  private void take(Control control, Blackhole bh) throws InterruptedException {
    Integer m;
    while ((m = handoff.take()) == null) {
      if (control.stopMeasurement) {
        return;
      }
    }
    bh.consume(m);
  }

  @Benchmark
  @Group("p1c1")
  @GroupThreads(1)
  public void put1(Control control) throws InterruptedException {
    put(control);
  }

  @Benchmark
  @Group("p1c1")
  @GroupThreads(1)
  public void take1(Control control, Blackhole bh) throws InterruptedException {
    take(control, bh);
  }

  @Benchmark
  @Group("p4c4")
  @GroupThreads(4)
  public void put4(Control control) throws InterruptedException {
    put(control);
  }

  @Benchmark
  @Group("p4c4")
  @GroupThreads(4)
  public void take4(Control control, Blackhole bh) throws InterruptedException {
    take(control, bh);
  }
}
