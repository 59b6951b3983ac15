package dchan.server;

import static dchan.server.P9Client.text;
import static dchan.server.P9Client.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dchan.server.net.Cidr;
import dchan.server.session.Config;
import dchan.server.wire.Dialect;
import dchan.server.wire.Msg;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may connect (README, "Security"): the address allowlist closes a client at accept, before
 * any 9P; protected mode refuses to start exposed without one; the Unix socket is created with
 * its mode, replaces only a stale socket, checks peer credentials and is removed at exit; mutual
 * TLS admits only clients with a certificate from the client CA; the log names the peer.
 */
class AccessTest {
  @TempDir
  Path dir;
  private final List<Server> servers = new ArrayList<>();
  private final List<String> log = new ArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      synchronized (log) {
        log.add(r.getMessage());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  AccessTest() {
    Logger.getLogger("dchan").addHandler(capture);
  }

  @AfterEach
  void stop() {
    servers.forEach(Server::close);
    Logger.getLogger("dchan").removeHandler(capture);
  }

  private Server start(Endpoints e) throws IOException {
    Server s = new Server(e, Config.defaults(), 1).start();
    servers.add(s);
    return s;
  }

  private static Endpoints endpoints(String listen, int port, List<Cidr> allow) throws IOException {
    return new Endpoints(InetAddress.getByName(listen), port, -1, null, null, null, allow, null,
        Endpoints.DEFAULT_UNIX_MODE, List.of(), List.of());
  }

  private static long refused(P9Client c, String limit) throws IOException {
    String row = c.row("limits", limit);
    if (row == null) {
      throw new AssertionError(limit);
    }
    return Long.parseLong(row.split("\t")[3]);
  }

  /** Sends a Tversion; true if the server closed the connection without answering. */
  private static boolean closedWithoutReply(P9Client c) {
    try {
      c.send(65535, new Msg.Tversion(8192, "9P2000.L"));
      c.receive();
      return false;
    } catch (IOException closed) {
      return true; // a broken pipe on sending, or end of stream on receiving
    }
  }

  private boolean logged(String part) {
    synchronized (log) {
      return log.stream().anyMatch(l -> l.contains(part));
    }
  }

  @Test
  void anAddressOutsideTheAllowlistIsClosedAtAcceptBeforeAny9P() throws Exception {
    Server s = start(endpoints("127.0.0.1", 0, Cidr.parseList("10.0.0.0/8,192.168.0.0/16")));
    P9Client refused = new P9Client(s.address());
    assertTrue(closedWithoutReply(refused), "closed, and no Rversion");
    Server open = start(endpoints("127.0.0.1", 0, Cidr.parseList("10.0.0.0/8,127.0.0.1/32")));
    P9Client c = new P9Client(open.address()).start(Dialect.P9_2000_L, "");
    c.ok(1, new Msg.Tstatfs(0), Msg.Rstatfs.class);
    assertEquals(0, refused(c, "allowlist"));
    assertTrue(s.refusals().count(dchan.server.limits.Limit.ALLOWLIST) >= 1);
    assertTrue(logged("not in the allowlist"));
  }

  @Test
  void ipv6ClientsAreFilteredByIpv6Blocks() throws Exception {
    Server v6 = start(endpoints("::1", 0, Cidr.parseList("::1/128")));
    new P9Client(v6.address()).start(Dialect.P9_2000_L, "").ok(1, new Msg.Tstatfs(0), Msg.Rstatfs.class);
    Server v4only = start(endpoints("::1", 0, Cidr.parseList("127.0.0.0/8")));
    assertTrue(closedWithoutReply(new P9Client(v4only.address())));
  }

  @Test
  void theDefaultAllowlistIsLoopbackAndProtectedModeRefusesToStartExposed() throws Exception {
    assertTrue(Cidr.anyContains(Endpoints.tcp(new InetSocketAddress("127.0.0.1", 0)).tcpAllow(),
        InetAddress.getByName("127.0.0.1")));
    assertFalse(Cidr.anyContains(Cidr.LOOPBACK, InetAddress.getByName("10.1.2.3")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> start(endpoints("0.0.0.0", 0, null)));
    assertTrue(e.getMessage().contains("--allow 0.0.0.0/0,::/0"), e.getMessage());
    Server exposed = start(endpoints("0.0.0.0", 0, Cidr.parseList("0.0.0.0/0,::/0")));
    new P9Client(new InetSocketAddress("127.0.0.1", exposed.address().getPort())).start(Dialect.P9_2000_L, "")
        .ok(1, new Msg.Tstatfs(0), Msg.Rstatfs.class);
  }

  @Test
  void theCommandRefusesBadCombinationsAndProtectedModeWithAMessage() {
    java.io.StringWriter err = new java.io.StringWriter();
    java.io.PrintStream saved = System.err;
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(buf, true));
    try {
      assertEquals(2, new picocli.CommandLine(new Main()).execute("--listen", "0.0.0.0", "--port", "0"));
      assertEquals(2, new picocli.CommandLine(new Main()).execute("--port", "-1"));
      assertEquals(2, new picocli.CommandLine(new Main()).execute("--tls-port", "0"));
      assertEquals(2, new picocli.CommandLine(new Main()).execute("--allow-uid", "root"));
      assertEquals(2, new picocli.CommandLine(new Main()).execute("--allow", "10.0.0.0/40"));
    } finally {
      System.setErr(saved);
    }
    String out = buf.toString() + err;
    assertTrue(out.contains("protected mode"), out);
    assertTrue(out.contains("nothing to listen on"), out);
    assertTrue(out.contains("--tls-port needs --tls-cert"), out);
    assertTrue(out.contains("need --unix"), out);
    assertTrue(out.contains("prefix length out of range"), out);
  }

  private Endpoints unix(Path sock, int mode, List<String> uids, List<String> gids) throws IOException {
    return new Endpoints(InetAddress.getByName("127.0.0.1"), -1, -1, null, null, null, null, sock, mode,
        uids, gids);
  }

  private static P9Client unixClient(Path sock) throws IOException {
    return new P9Client(SocketChannel.open(UnixDomainSocketAddress.of(sock)));
  }

  @Test
  void theUnixSocketHasItsModeServes9PAndIsRemovedAtExit() throws Exception {
    Path sock = dir.resolve("dchan.sock");
    Server s = start(unix(sock, 0660, List.of(), List.of()));
    assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
    P9Client c = unixClient(sock).start(Dialect.P9_2000_L, "");
    c.create("ch");
    c.open(1, "ch", 2);
    c.open(2, "ctl", 1);
    c.ok(3, write(2, "/ch 1"), Msg.Rwrite.class);
    c.ok(4, write(1, "over unix"), Msg.Rwrite.class);
    assertEquals("over unix", text(c.rpc(5, new Msg.Tread(1, 0, 100))));
    assertEquals(null, s.address(), "--port -1: no TCP");
    c.close();
    s.close();
    servers.remove(s);
    assertFalse(Files.exists(sock), "removed at exit");
  }

  @Test
  void aStaleSocketFileIsReplacedButALiveOneOrAnotherFileIsNot() throws Exception {
    Path sock = dir.resolve("stale.sock");
    try (var stale = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      stale.bind(UnixDomainSocketAddress.of(sock));
      IllegalArgumentException live = assertThrows(IllegalArgumentException.class,
          () -> start(unix(sock, 0660, List.of(), List.of())));
      assertTrue(live.getMessage().contains("another server listens"), live.getMessage());
    } // closed: the file stays, nobody listens on it
    assertTrue(Files.exists(sock));
    start(unix(sock, 0600, List.of(), List.of()));
    unixClient(sock).start(Dialect.P9_2000_L, "").ok(1, new Msg.Tstatfs(0), Msg.Rstatfs.class);
    Path plain = dir.resolve("a-file");
    Files.writeString(plain, "keep me");
    assertThrows(IllegalArgumentException.class, () -> start(unix(plain, 0660, List.of(), List.of())));
    assertEquals("keep me", Files.readString(plain));
  }

  @Test
  void peerCredentialsOutsideTheAllowedUsersAndGroupsAreRefused() throws Exception {
    String me = System.getProperty("user.name");
    Path ok = dir.resolve("ok.sock");
    start(unix(ok, 0660, List.of(me), List.of()));
    unixClient(ok).start(Dialect.P9_2000_L, "").ok(1, new Msg.Tstatfs(0), Msg.Rstatfs.class);
    Path byGid = dir.resolve("gid.sock");
    start(unix(byGid, 0660, List.of("nobody"), List.of("0")));
    unixClient(byGid).start(Dialect.P9_2000_L, "").ok(1, new Msg.Tstatfs(0), Msg.Rstatfs.class);
    Path no = dir.resolve("no.sock");
    Server s = start(unix(no, 0660, List.of("nobody"), List.of("nogroup")));
    assertTrue(closedWithoutReply(unixClient(no)), "closed at accept");
    assertEquals(1, s.refusals().count(dchan.server.limits.Limit.PEER_CREDENTIALS));
    assertTrue(logged("not in --allow-uid/--allow-gid"));
  }

  private Endpoints tls(TestPki pki, boolean clientCa) throws Exception {
    TestPki.Issued server = pki.issue("dchan-test-server", "127.0.0.1");
    Path cert = dir.resolve("server.pem");
    Path key = dir.resolve("server.key");
    Path ca = dir.resolve("ca.pem");
    TestPki.writePem(cert, server.cert(), pki.ca.cert());
    TestPki.writePem(key, server.keys().getPrivate());
    TestPki.writePem(ca, pki.ca.cert());
    return new Endpoints(InetAddress.getByName("127.0.0.1"), -1, 0, cert, key, clientCa ? ca : null,
        null, null, Endpoints.DEFAULT_UNIX_MODE, List.of(), List.of());
  }

  private static P9Client tlsClient(Server s, SSLContext ctx) throws IOException {
    SSLSocket sock = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", s.tlsAddress().getPort());
    sock.setTcpNoDelay(true);
    sock.startHandshake();
    return new P9Client(sock);
  }

  @Test
  void mutualTlsServesClientsWithACertificateFromTheClientCaOnly() throws Exception {
    TestPki pki = new TestPki("dchan-test-ca");
    Server s = start(tls(pki, true));
    P9Client c = tlsClient(s, pki.client(pki.issue("client-one", null))).start(Dialect.P9_2000_L, "");
    c.create("secret");
    c.open(1, "secret", 2);
    c.open(2, "ctl", 1);
    c.ok(3, write(2, "/secret 2"), Msg.Rwrite.class);
    byte[] big = new byte[60_000]; // several TLS records each way
    java.util.Arrays.fill(big, (byte) 'z');
    c.ok(4, new Msg.Twrite(1, 0, big), Msg.Rwrite.class);
    assertEquals(60_000, ((Msg.Rread) c.rpc(5, new Msg.Tread(1, 0, 65000))).data().length);
    c.close();
    Thread.sleep(200);
    assertTrue(logged("CN=client-one"), "the log names the certificate subject: " + log);
    // no certificate, or one from another CA: refused in the handshake
    assertThrows(IOException.class, () -> tlsClient(s, pki.client(null)).start(Dialect.P9_2000_L, ""));
    TestPki other = new TestPki("another-ca");
    SSLContext stranger = otherClientTrustingServer(pki, other.issue("mallory", null), other);
    assertThrows(IOException.class, () -> tlsClient(s, stranger).start(Dialect.P9_2000_L, ""));
    Thread.sleep(200);
    assertEquals(2, s.refusals().count(dchan.server.limits.Limit.TLS_HANDSHAKE));
  }

  /** A client with a certificate from `theirs`, trusting the server's CA. */
  private static SSLContext otherClientTrustingServer(TestPki server, TestPki.Issued me, TestPki theirs)
      throws Exception {
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("me", me.keys().getPrivate(), new char[0],
        new java.security.cert.X509Certificate[] {me.cert(), theirs.ca.cert()});
    javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
    kmf.init(ks, new char[0]);
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", server.ca.cert());
    javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return c;
  }

  @Test
  void tlsWithoutAClientCaEncryptsAndAdmitsByAddress() throws Exception {
    TestPki pki = new TestPki("dchan-test-ca");
    Server s = start(tls(pki, false));
    P9Client c = tlsClient(s, pki.client(null)).start(Dialect.P9_2000_L, "");
    c.ok(1, new Msg.Tstatfs(0), Msg.Rstatfs.class);
  }
}
