package dchan.server;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made in the test, never committed: a CA, certificates it issues (a server's for
 * 127.0.0.1, clients'), written as PEM as operators' CA tooling writes them, and client-side
 * SSLContexts.
 */
final class TestPki {
  record Issued(X509Certificate cert, KeyPair keys) {}

  final Issued ca;

  TestPki(String name) throws GeneralSecurityException {
    KeyPair k = keys();
    X500Name dn = new X500Name("CN=" + name);
    ca = new Issued(build(dn, k.getPublic(), dn, k, true, null), k);
  }

  private static KeyPair keys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate build(X500Name subject, java.security.PublicKey key, X500Name issuer,
      KeyPair signer, boolean isCa, String ip) throws GeneralSecurityException {
    try {
      long now = System.currentTimeMillis();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
          BigInteger.valueOf(now).add(BigInteger.valueOf(System.nanoTime() & 0xFFFF)),
          new Date(now - 60_000), new Date(now + 86_400_000L), subject, key);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      if (ip != null) {
        b.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.iPAddress, ip),
                new GeneralName(GeneralName.dNSName, "localhost")}));
      }
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    } catch (org.bouncycastle.operator.OperatorCreationException | org.bouncycastle.cert.CertIOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** A certificate this CA issues (for a server at 127.0.0.1 if ip is set). */
  Issued issue(String cn, String ip) throws GeneralSecurityException {
    KeyPair k = keys();
    return new Issued(build(new X500Name("CN=" + cn), k.getPublic(),
        new X500Name(ca.cert.getSubjectX500Principal().getName()), ca.keys, false, ip), k);
  }

  /** Writes certificates, and private keys as PKCS#8 ("BEGIN PRIVATE KEY"), as PEM. */
  static void writePem(Path file, Object... objects) throws IOException {
    try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
      for (Object o : objects) {
        if (o instanceof java.security.PrivateKey k) {
          try {
            pem.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null));
          } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IOException(e);
          }
        } else {
          pem.writeObject(o);
        }
      }
    }
  }

  /** A client context presenting `me` (or no certificate) and trusting this CA for the server. */
  SSLContext client(Issued me) throws GeneralSecurityException, IOException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    if (me != null) {
      ks.setKeyEntry("me", me.keys.getPrivate(), new char[0], new X509Certificate[] {me.cert});
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.cert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return c;
  }
}
