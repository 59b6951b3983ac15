package dchan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** --log-format json: one JSON object per line, every string escaped. */
class LogSetupTest {
  @Test
  void jsonRecordsAreOneEscapedObjectPerLine() {
    LogRecord r = new LogRecord(Level.WARNING, "refused (memory): \"a\\b\"\n\ttab \u0001");
    r.setMillis(0);
    r.setLoggerName("dchan.server.limits.Refusals");
    assertEquals("{\"time\":\"1970-01-01T00:00:00Z\",\"level\":\"WARNING\",\"logger\":\"dchan.server.limits.Refusals\","
        + "\"message\":\"refused (memory): \\\"a\\\\b\\\"\\n\\ttab \\u0001\"}\n", new LogSetup.Json().format(r));
  }

  @Test
  void textRecordsAreOneLine() {
    LogRecord r = new LogRecord(Level.INFO, "dchan stopped");
    String line = new LogSetup.Text().format(r);
    assertEquals(1, line.split("\n").length);
    assertEquals(true, line.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d INFO dchan stopped\\R"), line);
  }
}
