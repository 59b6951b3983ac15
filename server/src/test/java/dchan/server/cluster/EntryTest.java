package dchan.server.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The log's codec: every entry type round-trips alone and inside a batch, in order. */
class EntryTest {
  private static final Ref REF = new Ref("n2", 0x1234_5678_9abcL, 42);

  private static List<Entry> all() {
    return List.of(
        new Entry.NodeUp("n1", 7),
        new Entry.NodeDown("n3", -1),
        new Entry.Send(REF, (1L << 40) | 5, true, "a\nb\n".getBytes(StandardCharsets.UTF_8)),
        new Entry.Recv(REF, (2L << 40) | 6, false, 65536),
        new Entry.Cancel(REF),
        new Entry.Create(REF, 0, "jobs", true),
        new Entry.Remove(REF, (1L << 40) | 9),
        new Entry.Rename(REF, (1L << 40) | 9, (1L << 40) | 3, "new name"),
        new Entry.Ctl(REF, "/jobs 8\n/logs 4096 lines\n"));
  }

  /** Records with arrays compare by identity: compare Send's data separately. */
  private static void same(Entry want, Entry got) {
    if (want instanceof Entry.Send s) {
      Entry.Send g = assertInstanceOf(Entry.Send.class, got);
      assertEquals(List.of(s.ref(), s.channel(), s.lines()), List.of(g.ref(), g.channel(), g.lines()));
      assertArrayEquals(s.data(), g.data());
    } else {
      assertEquals(want, got);
    }
  }

  @Test
  void eachEntryRoundTripsAlone() throws Exception {
    for (Entry e : all()) {
      List<Entry> back = Entry.decodeAll(new ByteArrayInputStream(e.encode()));
      assertEquals(1, back.size());
      same(e, back.get(0));
    }
  }

  @Test
  void aBatchDecodesToItsEntriesInOrder() throws Exception {
    List<Entry> all = all();
    byte[] batch = Entry.batch(all.stream().map(Entry::encode).toList());
    List<Entry> back = Entry.decodeAll(new ByteArrayInputStream(batch));
    assertEquals(all.size(), back.size());
    for (int i = 0; i < all.size(); i++) {
      same(all.get(i), back.get(i));
    }
  }
}
