package dchan.server.metrics;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The HTTP side of {@code --metrics ADDR:PORT}: Prometheus text or OpenMetrics at {@code /metrics}
 * (the client's {@link HTTPServer}, content-negotiated), dchan's {@link Metrics} and the JVM's, and
 * {@code /health}: 200 "ok" while the server accepts connections, 503 "draining" once it drains.
 * Served by two daemon threads of its own, never by the selector loops.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final HTTPServer http;
  private final ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "dchan-metrics");
    t.setDaemon(true);
    return t;
  });

  /** Serves metrics, the JVM's, and more (the cluster's, on a cluster node) at {@code at}. */
  public MetricsEndpoint(InetSocketAddress at, Metrics metrics, BooleanSupplier accepting,
      List<MultiCollector> more) throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(metrics);
    more.forEach(registry::register);
    JvmMetrics.builder().register(registry);
    http = HTTPServer.builder().inetAddress(at.getAddress()).port(at.getPort()).registry(registry)
        .executorService(threads).defaultHandler(x -> health(x, accepting)).buildAndStart();
  }

  private static void health(HttpExchange x, BooleanSupplier accepting) throws IOException {
    try (x) {
      boolean health = x.getRequestURI().getPath().equals("/health");
      boolean ok = accepting.getAsBoolean();
      int status = !health ? 404 : ok ? 200 : 503;
      byte[] body = (!health ? "not found: try /metrics or /health\n" : ok ? "ok\n" : "draining\n")
          .getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      x.sendResponseHeaders(status, body.length);
      try (OutputStream o = x.getResponseBody()) {
        o.write(body);
      }
    }
  }

  public int port() {
    return http.getPort();
  }

  @Override
  public void close() {
    http.close();
    threads.shutdownNow();
  }
}
