package dchan.server;

import static dchan.server.P9Client.text;
import static dchan.server.P9Client.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus endpoint (--metrics): the same numbers as stats, per channel with a cardinality
 * cap, the server's counters, /health; the exposition passes promtool's checks.
 */
class MetricsTest extends ServerFixture {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path, String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (accept != null) {
      b.header("Accept", accept);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The samples of a scrape: "name{labels}" -> value. */
  static Map<String, Double> samples(String text) {
    Map<String, Double> m = new HashMap<>();
    for (String l : text.split("\n")) {
      if (!l.startsWith("#") && !l.isBlank()) {
        int sp = l.lastIndexOf(' ');
        m.put(l.substring(0, sp), Double.parseDouble(l.substring(sp + 1)));
      }
    }
    return m;
  }

  @Test
  void scrapeShowsChannelsConnectionsRequestsErrorsAndHealth() throws Exception {
    int port = server.serveMetrics(new InetSocketAddress("127.0.0.1", 0), 1000);
    P9Client c = client().start(Dialect.P9_2000_L, "");
    c.create("a");
    c.create("rv");
    c.open(1, "ctl", 1);
    c.ok(2, write(1, "/a 8"), Msg.Rwrite.class);
    c.open(2, "a", 2);
    c.ok(3, write(2, "hello"), Msg.Rwrite.class);
    c.ok(3, write(2, "world"), Msg.Rwrite.class);
    assertEquals("hello", text(c.rpc(4, new Msg.Tread(2, 0, 100))));
    assertEquals(new Msg.Rlerror(2), c.rpc(5, new Msg.Twalk(0, 7, List.of("missing"))), "one ENOENT");
    P9Client w = client().start(Dialect.P9_2000_U, "");
    w.open(1, "rv", 1);
    w.send(9, write(1, "x"));
    Thread.sleep(150); // the rendezvous send waits at least this long
    c.open(3, "rv", 0);
    assertEquals("x", text(c.rpc(6, new Msg.Tread(3, 0, 100))));
    assertEquals(new Msg.Rwrite(1), w.receive().msg());

    HttpResponse<String> r = get(port, "/metrics", null);
    assertEquals(200, r.statusCode());
    Map<String, Double> s = samples(r.body());
    assertEquals(2.0, s.get("dchan_channel_sent_total{channel=\"/a\"}"));
    assertEquals(1.0, s.get("dchan_channel_received_total{channel=\"/a\"}"));
    assertEquals(5.0, s.get("dchan_channel_delivered_bytes_total{channel=\"/a\"}"));
    assertEquals(1.0, s.get("dchan_channel_buffered{channel=\"/a\"}"));
    assertEquals(8.0, s.get("dchan_channel_capacity{channel=\"/a\"}"));
    assertEquals(1.0, s.get("dchan_channel_rendezvous_wait_seconds_count{channel=\"/rv\"}"));
    assertEquals(0.0, s.get("dchan_channel_rendezvous_wait_seconds_bucket{channel=\"/rv\",le=\"0.1\"}"), "it waited > 100 ms");
    assertEquals(1.0, s.get("dchan_channel_rendezvous_wait_seconds_bucket{channel=\"/rv\",le=\"1.0\"}"));
    assertTrue(s.get("dchan_channel_rendezvous_wait_seconds_sum{channel=\"/rv\"}") >= 0.15);
    assertEquals(1.0, s.get("dchan_connections{dialect=\"9P2000.L\",listener=\"tcp\"}"));
    assertEquals(1.0, s.get("dchan_connections{dialect=\"9P2000.u\",listener=\"tcp\"}"));
    assertEquals(2.0, s.get("dchan_requests_total{type=\"Tread\"}"), r.body());
    assertEquals(1.0, s.get("dchan_errors_total{errno=\"ENOENT\"}"));
    assertEquals(1.0, s.get("dchan_channel_buffered{channel=\"/a\"}"));
    assertEquals(5.0, s.get("dchan_memory_held_bytes"), "the buffered 'world'");
    assertTrue(s.get("dchan_loop_busy_seconds_total{loop=\"dchan-loop-0\"}") > 0);
    assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes")), "JVM metrics too");
    assertTrue(r.body().contains("dchan_build_info{commit="), "build info");

    HttpResponse<String> om = get(port, "/metrics", "application/openmetrics-text; version=1.0.0");
    assertTrue(om.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
    assertTrue(om.body().endsWith("# EOF\n"));
    assertEquals(200, get(port, "/health", null).statusCode());
    assertEquals("ok\n", get(port, "/health", null).body());
    assertEquals(404, get(port, "/nothing", null).statusCode());
    promtool(r.body());
  }

  @Test
  void channelsBeyondTheCapAreAddedUpUnderOther() throws Exception {
    int port = server.serveMetrics(new InetSocketAddress("127.0.0.1", 0), 2);
    P9Client c = client().start(Dialect.P9_2000_L, "");
    StringBuilder ctl = new StringBuilder();
    for (String n : List.of("c1", "c2", "c3", "c4", "c5")) {
      c.create(n);
      ctl.append('/').append(n).append(" 4\n");
    }
    c.open(1, "ctl", 1);
    c.ok(2, write(1, ctl.toString()), Msg.Rwrite.class);
    int fid = 10;
    for (String n : List.of("c1", "c3", "c4", "c5", "c5")) {
      c.open(fid, n, 1);
      c.ok(3, write(fid++, "m"), Msg.Rwrite.class);
    }
    Map<String, Double> s = samples(get(port, "/metrics", null).body());
    assertEquals(1.0, s.get("dchan_channel_buffered{channel=\"/c1\"}"));
    assertEquals(0.0, s.get("dchan_channel_buffered{channel=\"/c2\"}"));
    assertEquals(null, s.get("dchan_channel_buffered{channel=\"/c3\"}"), "beyond the cap");
    assertEquals(4.0, s.get("dchan_channel_buffered{channel=\"_other\"}"), "c3 1 + c4 1 + c5 2");
    assertEquals(12.0, s.get("dchan_channel_capacity{channel=\"_other\"}"));
    assertEquals(3.0, s.get("dchan_channels_folded"));
    assertEquals(5.0, s.get("dchan_channels"));
  }

  /** promtool check metrics (Debian package prometheus), where it is installed: CI installs it. */
  static void promtool(String exposition) throws Exception {
    boolean present = List.of(System.getenv("PATH").split(File.pathSeparator)).stream()
        .anyMatch(d -> new File(d, "promtool").canExecute());
    if (!present) {
      if (System.getenv("CI") != null) {
        throw new AssertionError("CI runs promtool: install the Debian package prometheus");
      }
      System.err.println("promtool not installed: exposition not checked by it");
      return;
    }
    Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "promtool check metrics: " + out);
    assertEquals("", out.trim(), "promtool's lint findings");
  }
}
