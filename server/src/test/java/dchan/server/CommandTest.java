package dchan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The operations flags: --version, --metrics, --log-format, --drain-timeout. */
class CommandTest {
  @Test
  void versionNamesTheVersionAndTheCommit() {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out));
    assertEquals(0, cl.execute("--version"));
    assertTrue(out.toString().matches("dchan \\S+ \\(commit [0-9a-f]{7,}(-dirty)?\\)\\R"), out.toString());
  }

  @Test
  void badOperationsFlagsExitTwoWithAMessage() {
    PrintStream saved = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true));
    try {
      assertEquals(2, new CommandLine(new Main()).execute("--port", "0", "--metrics", "9466"));
      assertEquals(2, new CommandLine(new Main()).execute("--port", "0", "--metrics", "127.0.0.1:99999"));
      assertEquals(2, new CommandLine(new Main()).execute("--port", "0", "--log-format", "xml"));
      assertEquals(2, new CommandLine(new Main()).execute("--port", "0", "--drain-timeout", "-1"));
    } finally {
      System.setErr(saved);
    }
    String err = buf.toString();
    assertTrue(err.contains("--metrics must be ADDR:PORT"), err);
    assertTrue(err.contains("--metrics: port must be 0 to 65535"), err);
    assertTrue(err.contains("--log-format must be text or json"), err);
    assertTrue(err.contains("--drain-timeout must be at least 0"), err);
  }

  @Test
  void metricsAddressesParse() {
    assertEquals(9466, Main.hostPort("--metrics", "127.0.0.1:9466").getPort());
    assertTrue(Main.hostPort("--metrics", "[::1]:9466").getAddress().isLoopbackAddress());
    assertTrue(Main.hostPort("--metrics", ":9466").getAddress().isLoopbackAddress());
  }
}
