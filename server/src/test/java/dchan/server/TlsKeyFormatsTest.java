package dchan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dchan.server.net.TlsContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --tls-key reads the key formats operators' CA tooling writes, made here with the real
 * openssl: PKCS#8 ("BEGIN PRIVATE KEY"), PKCS#1 RSA ("BEGIN RSA PRIVATE KEY") and SEC1 EC ("BEGIN
 * EC PRIVATE KEY"); an encrypted key is refused with a message saying so.
 */
class TlsKeyFormatsTest {
  @TempDir
  Path dir;

  private void openssl(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
  }

  private void certFor(String key) throws Exception {
    openssl("req", "-new", "-x509", "-key", key, "-out", key + ".crt", "-days", "1", "-subj", "/CN=dchan-test");
  }

  @Test
  void pkcs8Pkcs1AndSec1KeysAreRead() throws Exception {
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "p8.key");
    openssl("genrsa", "-traditional", "-out", "rsa.key", "2048");
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", "sec1.key");
    assertTrue(Files.readString(dir.resolve("p8.key")).contains("BEGIN PRIVATE KEY"));
    assertTrue(Files.readString(dir.resolve("rsa.key")).contains("BEGIN RSA PRIVATE KEY"));
    assertTrue(Files.readString(dir.resolve("sec1.key")).contains("BEGIN EC PRIVATE KEY"));
    for (String k : List.of("p8.key", "rsa.key", "sec1.key")) {
      certFor(k);
      TlsContext t = new TlsContext(dir.resolve(k + ".crt"), dir.resolve(k), dir.resolve(k + ".crt"));
      assertTrue(t.clientAuth(), k);
    }
  }

  @Test
  void anEncryptedKeyIsRefusedWithAClearMessage() throws Exception {
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256",
        "-pass", "pass:secret", "-out", "enc.key");
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "plain.key");
    certFor("plain.key");
    Exception e = assertThrows(Exception.class,
        () -> new TlsContext(dir.resolve("plain.key.crt"), dir.resolve("enc.key"), null));
    assertTrue(e.getMessage().contains("no unencrypted private key"), e.getMessage());
  }
}
