package dchan.server.net;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * The server's TLS setup from PEM files, as operators get them from their CA tooling: a
 * certificate chain, its private key (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted), and, for
 * mutual TLS, the CA certificates a client certificate must chain to. TLS 1.3, and 1.2 for older
 * clients; with a client CA, a client without a certificate that chains to it is refused in the
 * handshake, before any 9P.
 */
public final class TlsContext {
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  private final SSLContext context;
  private final boolean clientAuth;

  public TlsContext(Path cert, Path key, Path clientCa) throws IOException, GeneralSecurityException {
    List<X509Certificate> chain = certificates(cert);
    if (chain.isEmpty()) {
      throw new GeneralSecurityException("no certificate in " + cert);
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("dchan", privateKey(key), new char[0], chain.toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    TrustManagerFactory tmf = null;
    if (clientCa != null) {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      int i = 0;
      for (X509Certificate ca : certificates(clientCa)) {
        trust.setCertificateEntry("ca" + i++, ca);
      }
      if (i == 0) {
        throw new GeneralSecurityException("no certificate in " + clientCa);
      }
      tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
    }
    context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
    clientAuth = clientCa != null;
  }

  public boolean clientAuth() {
    return clientAuth;
  }

  /** A server-side engine for one connection. */
  SSLEngine engine() {
    SSLEngine e = context.createSSLEngine();
    e.setUseClientMode(false);
    e.setEnabledProtocols(PROTOCOLS);
    e.setNeedClientAuth(clientAuth);
    return e;
  }

  private static List<X509Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
    List<X509Certificate> out = new ArrayList<>();
    JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
    try (Reader r = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
      for (Object o; (o = p.readObject()) != null; ) {
        if (o instanceof X509CertificateHolder h) {
          out.add(conv.getCertificate(h));
        }
      }
    }
    return out;
  }

  /**
   * A SEC1 EC key names its curve inside the key, not in the algorithm identifier where the JDK
   * looks for it: move it there.
   */
  private static PrivateKeyInfo withCurve(PrivateKeyInfo info) throws IOException {
    AlgorithmIdentifier alg = info.getPrivateKeyAlgorithm();
    if (!X9ObjectIdentifiers.id_ecPublicKey.equals(alg.getAlgorithm()) || alg.getParameters() != null) {
      return info;
    }
    ECPrivateKey ec = ECPrivateKey.getInstance(info.parsePrivateKey());
    return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
        ec.getParametersObject()), ec);
  }

  private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
    JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
    try (Reader r = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
      for (Object o; (o = p.readObject()) != null; ) {
        if (o instanceof PEMKeyPair kp) {
          return conv.getPrivateKey(withCurve(kp.getPrivateKeyInfo())); // PKCS#1 RSA, SEC1 EC
        }
        if (o instanceof PrivateKeyInfo info) {
          return conv.getPrivateKey(info); // PKCS#8
        }
      }
    }
    throw new GeneralSecurityException("no unencrypted private key in " + pem);
  }
}
