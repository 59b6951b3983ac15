package dchan.server.net;

import dchan.server.fs.Quote;
import dchan.server.session.Session;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The {@code clients} file (semantics.md section 8b): one tab-separated line per connection,
 * oldest first — peer, listener, proven identity, dialect, msize, age in seconds, open fids, and
 * the channel requests it has waiting, oldest first, each as {@code read PATH SECONDS} or {@code
 * write PATH SECONDS}, separated by ", ". Built on the snapshot thread; each session is read under
 * its own lock, one at a time.
 */
public final class ClientsTable {
  public static final String HEADER = "peer\tlistener\tidentity\tdialect\tmsize\tage\tfids\twaiting\n";
  private final Connections connections;

  public ClientsTable(Connections connections) {
    this.connections = connections;
  }

  public byte[] text() {
    List<Connection> all = new ArrayList<>(connections.all());
    all.sort(Comparator.comparingLong(Connection::openedNanos));
    StringBuilder sb = new StringBuilder(HEADER.length() + all.size() * 80).append(HEADER);
    for (Connection c : all) {
      Session.Status[] status = new Session.Status[1];
      c.session().locked(() -> status[0] = c.session().status());
      long now = System.nanoTime();
      Session.Status s = status[0];
      String identity = c.identity();
      sb.append(c.peer()).append('\t').append(c.kind().name().toLowerCase(Locale.ROOT)).append('\t')
          .append(identity == null ? "-" : printable(identity)).append('\t')
          .append(s.dialect() == null ? "-" : s.dialect().version).append('\t')
          .append(s.msize()).append('\t').append(seconds(now - c.openedNanos())).append('\t')
          .append(s.fids()).append('\t');
      if (s.waiting().isEmpty()) {
        sb.append('-');
      }
      for (int i = 0; i < s.waiting().size(); i++) {
        Session.Waiting w = s.waiting().get(i);
        sb.append(i == 0 ? "" : ", ").append(w.write() ? "write " : "read ")
            .append(Quote.quote(w.path())).append(' ').append(seconds(now - w.sinceNanos()));
      }
      sb.append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Control characters (a tab, a newline in a certificate subject) would break the table. */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(ch -> b.appendCodePoint(ch < 0x20 || ch == 0x7f ? '?' : ch));
    return b.toString();
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f", Math.max(0, nanos) / 1e9);
  }
}
