package dchan.server.session;

/**
 * Server-wide settings that shape sessions.
 *
 * @param maxMsize largest msize offered (≥ 4096)
 * @param eom end-of-message mark default: AUTO (on for 9P2000.u/.L, off for 9P2000), ON, OFF
 * @param maxFids fids per connection
 * @param maxOutstanding outstanding (parked or deferred) requests per connection
 */
public record Config(int maxMsize, Eom eom, int maxFids, int maxOutstanding) {
  public static final int MIN_MSIZE = 4096;

  /** End-of-message mark mode (semantics.md section 4). */
  public enum Eom {
    AUTO,
    ON,
    OFF
  }

  public static Config defaults() {
    return new Config(1 << 20, Eom.AUTO, 4096, 4096);
  }
}
