package dev.podium.runtime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Mutual TLS for the clustered event bus: this node's certificate and key, and the CA whose
 * certificates it accepts from other nodes (and only those). The files are PEM; they are checked at
 * start-up so that a missing or unreadable one stops the process with a message naming its setting.
 *
 * @param certPath this node's certificate chain ({@code PODIUM_CLUSTER_TLS_CERT})
 * @param keyPath its private key, PKCS#8 or PKCS#1 ({@code PODIUM_CLUSTER_TLS_KEY})
 * @param caPath the CA certificate(s) peers must be signed by ({@code PODIUM_CLUSTER_TLS_CA})
 */
public record EventBusTls(String certPath, String keyPath, String caPath) {
  public static final String MODE = "PODIUM_CLUSTER_TLS";
  public static final String CERT = "PODIUM_CLUSTER_TLS_CERT";
  public static final String KEY = "PODIUM_CLUSTER_TLS_KEY";
  public static final String CA = "PODIUM_CLUSTER_TLS_CA";

  private static final String ALL = CERT + ", " + KEY + " and " + CA;

  /**
   * The event bus's TLS, or null for plain TCP. {@code PODIUM_CLUSTER_TLS} is {@code auto} (the
   * default: TLS when the files are given, and required when the cluster address is not loopback),
   * {@code on} (required) or {@code off} (never, even across machines).
   */
  static EventBusTls from(Settings settings, boolean loopbackHost) {
    String mode = settings.string(MODE, "auto").toLowerCase();
    if (!List.of("auto", "on", "off").contains(mode)) {
      throw new Settings.InvalidSettingException(
          MODE, "must be auto, on or off, got '" + settings.optional(MODE) + "'");
    }
    String cert = settings.optional(CERT);
    String key = settings.optional(KEY);
    String ca = settings.optional(CA);
    List<String> given = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String[] s : new String[][] {{CERT, cert}, {KEY, key}, {CA, ca}}) {
      (s[1] == null ? missing : given).add(s[0]);
    }
    if (given.isEmpty()) {
      if (mode.equals("on")) {
        throw new Settings.InvalidSettingException(
            MODE,
            "is on, so "
                + ALL
                + " must name the event bus's PEM files"
                + " (deploy/make-dev-ca.sh makes a development set)");
      }
      if (mode.equals("auto") && !loopbackHost) {
        throw new Settings.InvalidSettingException(
            ALL,
            "must be set: "
                + ClusterSettings.HOST
                + " '"
                + settings.optional(ClusterSettings.HOST)
                + "' is not a loopback address, so the event bus crosses the network and needs mutual TLS"
                + " (deploy/make-dev-ca.sh makes a development CA and node certificate)."
                + " To run it in the clear on a network you fully trust, set "
                + MODE
                + "=off (dangerous: whoever"
                + " reaches the event-bus port can send and receive as any Podium service)");
      }
      return null;
    }
    if (mode.equals("off")) {
      throw new Settings.InvalidSettingException(
          MODE, "is off but " + String.join(", ", given) + " is set: remove one or the other");
    }
    if (!missing.isEmpty()) {
      throw new Settings.InvalidSettingException(
          String.join(", ", missing),
          "must be set too: mutual TLS on the event bus needs "
              + ALL
              + " together ("
              + String.join(", ", given)
              + " is set)");
    }
    certificates(CERT, cert);
    privateKey(key);
    certificates(CA, ca);
    return new EventBusTls(cert, key, ca);
  }

  private static byte[] read(String setting, String path) {
    try {
      byte[] bytes = Files.readAllBytes(Path.of(path));
      if (bytes.length == 0) {
        throw new Settings.InvalidSettingException(setting, "names an empty file: " + path);
      }
      return bytes;
    } catch (IOException | RuntimeException e) {
      if (e instanceof Settings.InvalidSettingException invalid) {
        throw invalid;
      }
      throw new Settings.InvalidSettingException(
          setting, "names no readable file: " + path + " (" + e + ")");
    }
  }

  /**
   * Parses the PEM certificates, so a wrong file fails here rather than at the first TLS handshake.
   */
  private static void certificates(String setting, String path) {
    byte[] pem = read(setting, path);
    Collection<? extends java.security.cert.Certificate> certs;
    try {
      certs =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem));
    } catch (CertificateException e) {
      throw new Settings.InvalidSettingException(
          setting, "is not a PEM certificate file: " + path + " (" + e.getMessage() + ")");
    }
    if (certs.isEmpty()) {
      throw new Settings.InvalidSettingException(setting, "holds no certificate: " + path);
    }
    for (var c : certs) {
      try {
        ((X509Certificate) c).checkValidity();
      } catch (CertificateException e) {
        throw new Settings.InvalidSettingException(
            setting,
            "holds a certificate that is not valid now: " + path + " (" + e.getMessage() + ")");
      }
    }
  }

  private static void privateKey(String path) {
    String pem = new String(read(KEY, path), StandardCharsets.US_ASCII);
    if (!pem.contains("-----BEGIN") || !pem.contains("PRIVATE KEY-----")) {
      throw new Settings.InvalidSettingException(KEY, "is not a PEM private key file: " + path);
    }
  }
}
