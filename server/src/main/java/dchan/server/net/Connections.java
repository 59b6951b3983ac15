package dchan.server.net;

import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The live connections of a server, and the limit on how many there may be. Thread-safe. */
public final class Connections {
  private final int max;
  private final Set<Connection> live = ConcurrentHashMap.newKeySet();

  public Connections(int max) {
    this.max = max;
  }

  public int max() {
    return max;
  }

  public int count() {
    return live.size();
  }

  /** Admits c unless the limit is reached. */
  boolean admit(Connection c) {
    if (live.size() >= max) {
      return false;
    }
    live.add(c);
    return true;
  }

  void remove(Connection c) {
    live.remove(c);
  }

  /** The live connections (a view). */
  public Collection<Connection> all() {
    return Collections.unmodifiableSet(live);
  }
}
