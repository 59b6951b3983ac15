package dchan.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import sun.misc.Signal;

/**
 * What SIGTERM and SIGINT do (semantics.md section 12): the first starts the drain ({@link
 * Server#drain}) and exits 0 when it ends; a second one while it runs exits at once, status 1.
 * Other ways the JVM stops (SIGHUP, System.exit) close the server without a drain, through the
 * shutdown hook, which also removes the Unix socket.
 */
final class Shutdown {
  private static final Logger LOG = Logger.getLogger(Shutdown.class.getName());

  private Shutdown() {}

  static void install(Server server, long drainNanos) {
    AtomicInteger signals = new AtomicInteger();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      System.err.println("dchan stopped");
    }, "dchan-shutdown"));
    sun.misc.SignalHandler handler = sig -> {
      if (signals.getAndIncrement() == 0) {
        Thread t = new Thread(() -> {
          LOG.info("SIG" + sig.getName() + ": draining (a second signal exits at once)");
          server.drain(drainNanos);
          System.exit(0);
        }, "dchan-drain");
        t.start();
      } else {
        long left = 0;
        for (dchan.server.fs.ChannelFile c : server.tree().liveChannels()) {
          left += c.channel().snapshot().buffered();
        }
        System.err.println("dchan: second SIG" + sig.getName() + ": exiting now, " + left
            + " buffered message" + (left == 1 ? "" : "s") + " undelivered");
        Runtime.getRuntime().halt(1);
      }
    };
    Signal.handle(new Signal("TERM"), handler);
    Signal.handle(new Signal("INT"), handler);
  }
}
