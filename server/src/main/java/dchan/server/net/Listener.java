package dchan.server.net;

import dchan.server.limits.Limit;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Set;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * One listening socket and who it admits: plain TCP filtered by an address allowlist, TLS (the
 * same allowlist, and a client certificate when a client CA is set), or a Unix socket whose file
 * mode and peer credentials decide. Every listener shares the server's tree and limits.
 */
public final class Listener {
  /** Which kind of listener, as named in the logs. */
  public enum Kind { TCP, TLS, UNIX }

  /** Who a connection is, as far as its listener can tell, and whether it may stay. */
  record Peer(String name, Limit refusedBy, String why) {}

  final Kind kind;
  final ServerSocketChannel channel;
  /** TCP and TLS: the addresses admitted (null: any). */
  private final List<Cidr> allow;
  /** Unix: the users and groups admitted (both empty: anyone who can open the socket file). */
  private final Set<UserPrincipal> users;
  private final Set<GroupPrincipal> groups;
  final TlsContext tls;

  private Listener(Kind kind, ServerSocketChannel channel, List<Cidr> allow, Set<UserPrincipal> users,
      Set<GroupPrincipal> groups, TlsContext tls) {
    this.kind = kind;
    this.channel = channel;
    this.allow = allow;
    this.users = users;
    this.groups = groups;
    this.tls = tls;
  }

  public static Listener tcp(ServerSocketChannel ch, List<Cidr> allow) {
    return new Listener(Kind.TCP, ch, allow, Set.of(), Set.of(), null);
  }

  public static Listener tls(ServerSocketChannel ch, List<Cidr> allow, TlsContext tls) {
    return new Listener(Kind.TLS, ch, allow, Set.of(), Set.of(), tls);
  }

  public static Listener unix(ServerSocketChannel ch, Set<UserPrincipal> users, Set<GroupPrincipal> groups) {
    return new Listener(Kind.UNIX, ch, null, users, groups, null);
  }

  public Kind kind() {
    return kind;
  }

  public ServerSocketChannel channel() {
    return channel;
  }

  /** Who ch is and whether it is admitted. */
  Peer peer(SocketChannel ch) throws IOException {
    if (kind == Kind.UNIX) {
      UnixDomainPrincipal p = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
      String name = "uid " + p.user().getName() + " gid " + p.group().getName();
      boolean ok = (users.isEmpty() && groups.isEmpty()) || users.contains(p.user())
          || groups.contains(p.group());
      return ok ? new Peer(name, null, null)
          : new Peer(name, Limit.PEER_CREDENTIALS, name + " not in --allow-uid/--allow-gid");
    }
    InetSocketAddress a = (InetSocketAddress) ch.getRemoteAddress();
    String name = a.getAddress().getHostAddress() + ":" + a.getPort();
    if (allow != null && !Cidr.anyContains(allow, a.getAddress())) {
      return new Peer(name, Limit.ALLOWLIST, name + " not in the allowlist " + allow);
    }
    return new Peer(name, null, null);
  }

  /** The byte stream of an admitted connection. */
  Io io(SocketChannel ch) throws IOException {
    if (kind == Kind.TCP) {
      ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
    }
    if (kind == Kind.TLS) {
      ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
      return new TlsIo(ch, tls.engine());
    }
    return Io.plain(ch);
  }
}
