package dchan.server;

import dchan.server.session.Config;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line: {@code java -jar server/target/dchan.jar [options]}. */
@Command(
    name = "dchan",
    mixinStandardHelpOptions = true,
    version = "dchan 0.1.0",
    description = "Serves Go-style channels as files over 9P (9P2000, 9P2000.u, 9P2000.L).")
public final class Main implements Callable<Integer> {
  @Option(names = "--listen", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 serves other machines).")
  String listen;

  @Option(names = "--port", defaultValue = "6666", description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--msize", defaultValue = "1048576", description = "Largest msize offered to clients, at least 4096 (default: ${DEFAULT-VALUE}).")
  int msize;

  @Option(names = "--eom", defaultValue = "auto", description = "End-of-message mark: auto (on for 9P2000.u/.L), on, off (default: ${DEFAULT-VALUE}). A mount overrides it with aname=?eom=on|off.")
  String eom;

  @Option(names = "--threads", description = "Selector threads (default: number of cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--max-fids", defaultValue = "4096", description = "Fids per connection (default: ${DEFAULT-VALUE}).")
  int maxFids;

  @Option(names = "--max-outstanding", defaultValue = "4096", description = "Outstanding (blocked) requests per connection (default: ${DEFAULT-VALUE}).")
  int maxOutstanding;

  @Option(names = "--log-level", defaultValue = "info", description = "warning, info, or debug (protocol traces) (default: ${DEFAULT-VALUE}).")
  String logLevel;

  @Override
  public Integer call() throws Exception {
    Config.Eom mode;
    try {
      mode = Config.Eom.valueOf(eom.toUpperCase());
    } catch (IllegalArgumentException e) {
      System.err.println("dchan: --eom must be auto, on or off");
      return 2;
    }
    if (msize < Config.MIN_MSIZE || port < 0 || port > 65535 || maxFids < 1 || maxOutstanding < 1) {
      System.err.println("dchan: bad --msize (>= 4096), --port, --max-fids or --max-outstanding");
      return 2;
    }
    configureLogging(logLevel);
    Config config = new Config(msize, mode, maxFids, maxOutstanding);
    Server server = new Server(new InetSocketAddress(listen, port), config, threads).start();
    System.out.println("dchan listening on " + server.address());
    System.out.flush();
    // SIGTERM / SIGINT: the JVM runs this hook and halts. The main thread never returns (a
    // System.exit during shutdown would block), and JUL may already be reset, hence stderr.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  System.err.println("dchan stopped");
                }));
    Thread.currentThread().join();
    return 0;
  }

  static void configureLogging(String level) {
    Level l =
        switch (level.toLowerCase()) {
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
    h.setFormatter(
        new SimpleFormatter() {
          @Override
          public String format(LogRecord r) {
            return String.format(
                "%1$tF %1$tT %2$s %3$s%n", r.getMillis(), r.getLevel(), r.getMessage());
          }
        });
    root.addHandler(h);
    root.setLevel(l);
    Logger.getLogger("dchan").setLevel(l);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
