package dchan.server.cluster;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroupId;

/**
 * Which Raft group a file belongs to (docs/cluster.md section 2): a top-level name to the group
 * {@code fnv1a(name) mod G}, everything below it to the same group. A file's group is also in its
 * qid path — {@code (group + 1) << 40 | n} — so that any replica tells it from the file itself;
 * qids below {@code 1 << 40} (the root, the special files) belong to no group.
 */
public final class Groups {
  static final int SHIFT = 40;
  final int count;

  Groups(int count) {
    this.count = count;
  }

  /** The group of a top-level name. */
  int ofName(String name) {
    return ofName(name, count);
  }

  /** The group of a top-level name among count groups (FNV-1a of its UTF-8 bytes, mod count). */
  public static int ofName(String name, int count) {
    int h = 0x811c9dc5;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x01000193;
    }
    return Integer.remainderUnsigned(h, count);
  }

  /** The group of a file by its qid path, or -1 for the root and the special files. */
  static int ofQid(long qidPath) {
    return (int) (qidPath >>> SHIFT) - 1;
  }

  /** The qid path of group g's n-th file (n ≥ 1). */
  static long qid(int g, long n) {
    return ((long) (g + 1) << SHIFT) | n;
  }

  /** Group g's Raft id: the same on every node. */
  static RaftGroupId id(int g) {
    return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("dchan-group-" + g).getBytes(StandardCharsets.UTF_8)));
  }
}
