package dchan.server;

import java.time.Instant;
import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The log's level and format (java.util.logging, to stderr): {@code text}, one line per record
 * ("2026-12-01 19:50:01 INFO message"), or {@code json}, one object per line for log shippers:
 * {@code {"time":"2026-12-01T19:50:01.123Z","level":"INFO","logger":"dchan.server.Server","message":"..."}}
 * (plus {@code "thrown"} when there is one).
 */
final class LogSetup {
  // Held here: java.util.logging keeps loggers weakly, and a collected logger forgets its level.
  private static final Logger RATIS = Logger.getLogger("org.apache.ratis");
  private static final Logger RATIS_RETRIES = Logger.getLogger("org.apache.ratis.client.impl.OrderedAsync");

  private LogSetup() {}

  static void configure(String level, String format) {
    Level l = switch (level.toLowerCase(Locale.ROOT)) {
      case "debug", "fine" -> Level.FINE;
      case "warning", "warn" -> Level.WARNING;
      default -> Level.INFO;
    };
    Logger root = Logger.getLogger("");
    for (var h : root.getHandlers()) {
      root.removeHandler(h);
    }
    ConsoleHandler h = new ConsoleHandler();
    h.setLevel(l);
    h.setFormatter(format.equals("json") ? new Json() : new Text());
    root.addHandler(h);
    root.setLevel(l);
    Logger.getLogger("dchan").setLevel(l);
    // Ratis (cluster mode) is chatty at INFO: its warnings and errors only, unless debugging.
    RATIS.setLevel(l == Level.FINE ? Level.INFO : Level.WARNING);
    // Its clients log every retry (no leader yet, a leader moved) as an error: retries are normal.
    RATIS_RETRIES.setLevel(l == Level.FINE ? Level.INFO : Level.OFF);
  }

  static final class Text extends Formatter {
    @Override
    public String format(LogRecord r) {
      String thrown = r.getThrown() == null ? "" : " " + r.getThrown();
      return String.format("%1$tF %1$tT %2$s %3$s%4$s%n", r.getMillis(), r.getLevel(), formatMessage(r), thrown);
    }
  }

  static final class Json extends Formatter {
    @Override
    public String format(LogRecord r) {
      StringBuilder b = new StringBuilder(160).append("{\"time\":\"")
          .append(Instant.ofEpochMilli(r.getMillis())).append("\",\"level\":\"").append(r.getLevel().getName())
          .append("\",\"logger\":");
      string(b, r.getLoggerName() == null ? "" : r.getLoggerName());
      b.append(",\"message\":");
      string(b, formatMessage(r));
      if (r.getThrown() != null) {
        b.append(",\"thrown\":");
        string(b, r.getThrown().toString());
      }
      return b.append("}\n").toString();
    }

    /** s as a JSON string (RFC 8259 escapes). */
    static void string(StringBuilder b, String s) {
      b.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          case '\t' -> b.append("\\t");
          default -> {
            if (c < 0x20) {
              b.append(String.format("\\u%04x", (int) c));
            } else {
              b.append(c);
            }
          }
        }
      }
      b.append('"');
    }
  }
}
