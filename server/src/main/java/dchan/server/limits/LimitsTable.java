package dchan.server.limits;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The {@code limits} file: one tab-separated line per {@link Limit} with its value, what is in use
 * now (where the server-wide amount means something) and how many times it refused, after a
 * header. An operator sees in one read which limit is being hit.
 *
 * <pre>
 * limit	value	used	refused
 * connections	1024	3	0
 * memory	1610612736	4096	0
 * ...
 * </pre>
 */
public final class LimitsTable {
  public static final String HEADER = "limit\tvalue\tused\trefused\n";

  private record Row(String value, LongSupplier used) {}

  private final Refusals refusals;
  private final Map<Limit, Row> rows = new EnumMap<>(Limit.class);

  public LimitsTable(Refusals refusals) {
    this.refusals = refusals;
  }

  /** Declares a limit's value (as shown) and, if not null, what is in use now. */
  public LimitsTable row(Limit limit, String value, LongSupplier used) {
    rows.put(limit, new Row(value, used));
    return this;
  }

  public byte[] text() {
    StringBuilder sb = new StringBuilder(HEADER);
    for (Limit l : Limit.values()) {
      Row r = rows.get(l);
      sb.append(l.label).append('\t').append(r == null ? "-" : r.value).append('\t')
          .append(r == null || r.used == null ? "-" : String.valueOf(r.used.getAsLong())).append('\t')
          .append(refusals.count(l)).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
