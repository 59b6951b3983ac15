package dchan.server;

import static dchan.server.P9Client.text;
import static dchan.server.P9Client.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The clients file and the oldest wait in stats (semantics.md sections 8 and 8b). */
class ClientsTest extends ServerFixture {

  @Test
  void clientsShowsEachConnectionAndWhatItWaitsOnAndStatsTheOldestWait() throws Exception {
    P9Client admin = client().start(Dialect.P9_2000_L, "");
    admin.create("jobs");
    admin.create("with space");
    P9Client reader = client().start(Dialect.P9_2000_U, "");
    reader.open(1, "jobs", 0);
    reader.send(10, new Msg.Tread(1, 0, 100));
    reader.send(11, new Msg.Tread(1, 0, 100)); // waits behind the first, on the same fid
    P9Client writer = client().start(Dialect.P9_2000, "");
    writer.open(1, "with space", 1);
    writer.send(10, write(1, "hello"));
    assertTrue(writer.silentFor(1200), "the write waits for a reader");

    String clients = admin.readAll("clients");
    List<String> lines = Arrays.asList(clients.split("\n"));
    assertEquals("peer\tlistener\tidentity\tdialect\tmsize\tage\tfids\twaiting", lines.get(0));
    assertEquals(4, lines.size(), clients);
    String[] a = lines.get(1).split("\t");
    assertTrue(a[0].startsWith("127.0.0.1:"), a[0]);
    assertEquals(List.of("tcp", "-", "9P2000.L", "65560"), List.of(a[1], a[2], a[3], a[4]));
    assertEquals("2", a[6], "the admin's root fid and its fid on clients");
    assertEquals("-", a[7], "the admin waits on nothing");
    String[] r = lines.get(2).split("\t");
    assertEquals("9P2000.u", r[3]);
    assertTrue(r[7].matches("read /jobs 1\\.[0-9], read /jobs 1\\.[0-9]"), "two reads, oldest first: " + r[7]);
    String[] w = lines.get(3).split("\t");
    assertEquals("9P2000", w[3]);
    assertTrue(w[7].matches("write '/with space' 1\\.[0-9]"), "the path quoted as in ctl: " + w[7]);
    assertTrue(Double.parseDouble(w[5]) >= 1.2, "age " + w[5]);

    String[] stats = admin.readAll("stats").split("\n");
    assertTrue(stats[0].endsWith("\tmode\toldest-wait"), stats[0]);
    String jobs = Arrays.stream(stats).filter(l -> l.startsWith("/jobs\t")).collect(Collectors.joining());
    double oldest = Double.parseDouble(jobs.substring(jobs.lastIndexOf('\t') + 1));
    assertTrue(oldest >= 1.2 && oldest < 30, "the reader has waited since before the sleep: " + jobs);

    reader.close(); // its reads are withdrawn
    writer.ok(20, new Msg.Tflush(10), Msg.Rflush.class);
    long deadline = System.nanoTime() + 5_000_000_000L;
    String after;
    do {
      after = admin.readAll("clients");
    } while (after.split("\n").length != 3 && System.nanoTime() < deadline);
    assertTrue(after.split("\n")[2].endsWith("\t-"), "the flushed write no longer waits: " + after);
    assertTrue(admin.readAll("stats").contains("\tmessages\t0.0\n"), "nobody waits any more");
  }
}
