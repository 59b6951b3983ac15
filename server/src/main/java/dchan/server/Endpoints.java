package dchan.server;

import dchan.server.net.Cidr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the server listens and who may connect (README, "Security"): plain TCP on {@code port}
 * (-1: none), TLS on {@code tlsPort} (-1: none), both on {@code listen}; a Unix socket at {@code
 * unix} (null: none). An address allowlist filters TCP and TLS clients; a client CA makes TLS
 * mutual; the Unix socket's file mode and peer credentials decide who uses it.
 *
 * <p>Protected mode, as Redis's: a TCP listener on a non-loopback address needs {@code --allow}
 * (or, for TLS, a client CA), or the server refuses to start. Without {@code --allow}, plain TCP
 * admits loopback clients only, and TLS with a client CA admits any address that presents a
 * valid certificate.
 */
public record Endpoints(
    InetAddress listen,
    int port,
    int tlsPort,
    Path tlsCert,
    Path tlsKey,
    Path tlsClientCa,
    List<Cidr> allow,
    Path unix,
    int unixMode,
    List<String> allowUids,
    List<String> allowGids) {

  public static final int DEFAULT_UNIX_MODE = 0660;

  /** Plain TCP on address only, the default allowlist (loopback): tests and benchmarks. */
  public static Endpoints tcp(InetSocketAddress address) {
    return new Endpoints(address.getAddress(), address.getPort(), -1, null, null, null, null, null,
        DEFAULT_UNIX_MODE, List.of(), List.of());
  }

  /** Who plain TCP admits. */
  public List<Cidr> tcpAllow() {
    return allow != null ? allow : Cidr.LOOPBACK;
  }

  /** Who TLS admits (null: any address; the certificate decides). */
  public List<Cidr> tlsAllow() {
    return allow != null ? allow : tlsClientCa != null ? null : Cidr.LOOPBACK;
  }

  private boolean exposed() {
    return !listen.isLoopbackAddress();
  }

  /**
   * The reasons these endpoints cannot be served (bad flag combinations, protected mode), each
   * with what to change; empty if they can.
   */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if (port < 0 && tlsPort < 0 && unix == null) {
      p.add("nothing to listen on: --port -1 needs --tls-port or --unix");
    }
    if (tlsPort >= 0 && (tlsCert == null || tlsKey == null)) {
      p.add("--tls-port needs --tls-cert and --tls-key (PEM)");
    }
    if (tlsPort < 0 && (tlsCert != null || tlsKey != null || tlsClientCa != null)) {
      p.add("--tls-cert, --tls-key and --tls-client-ca need --tls-port");
    }
    if (port > 0 && port == tlsPort) {
      p.add("--port and --tls-port must differ");
    }
    if (unix == null && (!allowUids.isEmpty() || !allowGids.isEmpty() || unixMode != DEFAULT_UNIX_MODE)) {
      p.add("--allow-uid, --allow-gid and --unix-mode need --unix");
    }
    if (unixMode < 0 || unixMode > 0777) {
      p.add("--unix-mode must be an octal mode such as 0660");
    }
    String where = listen.getHostAddress();
    if (exposed() && allow == null) {
      if (port >= 0 && tlsClientCa == null) {
        p.add("protected mode: refusing plain 9P on " + where + " without --allow: anyone who reaches"
            + " the port could read, write, close and remove every channel. Add --allow with your"
            + " clients' networks (e.g. --allow 10.0.0.0/8), --allow 0.0.0.0/0,::/0 to accept anyone,"
            + " or serve TLS with client certificates (--tls-port, --tls-client-ca)");
      }
      if (tlsPort >= 0 && tlsClientCa == null) {
        p.add("protected mode: refusing TLS on " + where + " without --allow or --tls-client-ca: TLS"
            + " without client certificates encrypts but does not say who may connect");
      }
    }
    return p;
  }

  /** A note for the start log when plain TCP on an exposed address admits only loopback. */
  public String loopbackOnlyNote() {
    if (port >= 0 && exposed() && allow == null) {
      return "plain 9P on " + listen.getHostAddress() + ":" + port + " admits loopback clients only"
          + " (no --allow); other machines connect with TLS on port " + tlsPort;
    }
    return null;
  }
}
