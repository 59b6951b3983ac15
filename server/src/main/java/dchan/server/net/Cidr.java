package dchan.server.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * An address block, IPv4 or IPv6: {@code 10.0.0.0/8}, {@code ::1/128}, or one address ({@code
 * 192.0.2.7}, a /32 or /128). An IPv4 client reaching an IPv6 socket appears as IPv4 (Java maps
 * {@code ::ffff:a.b.c.d}), so IPv4 blocks match it.
 */
public record Cidr(byte[] network, int prefix) {
  /** The loopback blocks: the default allowlist. */
  public static final List<Cidr> LOOPBACK = List.of(parse("127.0.0.0/8"), parse("::1/128"));

  /** Parses one block; IllegalArgumentException says what is wrong. */
  public static Cidr parse(String s) {
    String t = s.trim();
    int slash = t.indexOf('/');
    String host = slash < 0 ? t : t.substring(0, slash);
    if (host.isEmpty() || !host.matches("[0-9a-fA-F:.]+")) {
      throw new IllegalArgumentException("not an address block: " + s);
    }
    byte[] addr;
    try {
      addr = InetAddress.getByName(host).getAddress(); // a literal: no name lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an address block: " + s);
    }
    int bits = addr.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad prefix length in " + s);
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException("prefix length out of range in " + s);
      }
    }
    return new Cidr(addr, prefix);
  }

  /** Parses "a/n,b/m,..." (empty parts ignored). */
  public static List<Cidr> parseList(String s) {
    List<Cidr> out = new ArrayList<>();
    for (String part : s.split(",")) {
      if (!part.isBlank()) {
        out.add(parse(part));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("empty address list");
    }
    return out;
  }

  public boolean contains(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (b[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (b[full] & mask) == (network[full] & mask);
  }

  public static boolean anyContains(List<Cidr> blocks, InetAddress a) {
    for (Cidr c : blocks) {
      if (c.contains(a)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      return "?/" + prefix;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefix == prefix && java.util.Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(network) * 31 + prefix;
  }
}
