package dchan.server;

/**
 * What no connection may survive: an {@link OutOfMemoryError} anywhere ends the process with
 * status {@link #EXIT_STATUS} and one line on stderr, never a half-alive server. Every other
 * throwable is local to the connection or task that raised it (the caller closes that one).
 */
public final class Fatal {
  public static final int EXIT_STATUS = 3;
  private static final String LINE =
      "dchan: out of memory; exiting (status " + EXIT_STATUS + "). Lower --max-memory or raise -Xmx.";

  /** Replaced by tests; halts the JVM (no shutdown hooks: they may need memory too). */
  static volatile Runnable halt = () -> Runtime.getRuntime().halt(EXIT_STATUS);

  private Fatal() {}

  /** Ends the process if t is an OutOfMemoryError; otherwise returns. */
  public static void check(Throwable t) {
    if (t instanceof OutOfMemoryError) {
      System.err.println(LINE);
      System.err.flush();
      halt.run();
    }
  }

  /** Installs {@link #check} for threads that die of an uncaught throwable. */
  public static void install() {
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, t) -> {
      check(t);
      if (previous != null) {
        previous.uncaughtException(thread, t);
      } else {
        System.err.println("dchan: thread " + thread.getName() + " died: " + t);
      }
    });
  }
}
