package dev.podium.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.Settings.InvalidSettingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventBusTlsTest {
  @TempDir static Path dir;
  static String cert;
  static String key;
  static String ca;

  @BeforeAll
  static void makeCertificates() throws Exception {
    DevCa.make(dir, "node", "localhost", "127.0.0.1", "10.0.0.1");
    cert = dir.resolve("node.crt").toString();
    key = dir.resolve("node.key").toString();
    ca = dir.resolve("ca.crt").toString();
  }

  private static ClusterSettings read(String... pairs) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return ClusterSettings.from(Settings.of(m));
  }

  private static String refused(String... pairs) {
    return assertThrows(InvalidSettingException.class, () -> read(pairs)).getMessage();
  }

  @Test
  void loopbackNeedsNoTls() {
    assertNull(read().tls());
    assertNull(read("PODIUM_CLUSTER_HOST", "localhost").tls());
  }

  @Test
  void aNetworkAddressWithoutTlsIsRefusedNamingTheSettings() {
    String message = refused("PODIUM_CLUSTER_HOST", "10.0.0.1");
    for (String name :
        new String[] {
          "PODIUM_CLUSTER_TLS_CERT",
          "PODIUM_CLUSTER_TLS_KEY",
          "PODIUM_CLUSTER_TLS_CA",
          "PODIUM_CLUSTER_TLS=off",
          "10.0.0.1",
          "make-dev-ca.sh"
        }) {
      assertTrue(message.contains(name), message);
    }
  }

  @Test
  void theOperatorMayOptOutExplicitly() {
    assertNull(read("PODIUM_CLUSTER_HOST", "10.0.0.1", "PODIUM_CLUSTER_TLS", "off").tls());
  }

  @Test
  void threeReadableFilesTurnTlsOn() {
    EventBusTls tls =
        read(
                "PODIUM_CLUSTER_HOST",
                "10.0.0.1",
                "PODIUM_CLUSTER_TLS_CERT",
                cert,
                "PODIUM_CLUSTER_TLS_KEY",
                key,
                "PODIUM_CLUSTER_TLS_CA",
                ca)
            .tls();
    assertEquals(new EventBusTls(cert, key, ca), tls);
    // Also on loopback, when given.
    assertEquals(
        tls,
        read(
                "PODIUM_CLUSTER_TLS_CERT",
                cert,
                "PODIUM_CLUSTER_TLS_KEY",
                key,
                "PODIUM_CLUSTER_TLS_CA",
                ca)
            .tls());
  }

  @Test
  void halfConfiguredTlsIsRefusedNamingWhatIsMissing() {
    String message = refused("PODIUM_CLUSTER_TLS_CERT", cert);
    assertTrue(
        message.startsWith("PODIUM_CLUSTER_TLS_KEY, PODIUM_CLUSTER_TLS_CA must be set too"),
        message);
    message = refused("PODIUM_CLUSTER_TLS_CERT", cert, "PODIUM_CLUSTER_TLS_KEY", key);
    assertTrue(message.startsWith("PODIUM_CLUSTER_TLS_CA must be set too"), message);
  }

  @Test
  void unreadableOrWrongFilesAreRefusedNamingTheSetting() throws Exception {
    String missing = dir.resolve("nope.crt").toString();
    assertTrue(
        refused(
                "PODIUM_CLUSTER_TLS_CERT",
                missing,
                "PODIUM_CLUSTER_TLS_KEY",
                key,
                "PODIUM_CLUSTER_TLS_CA",
                ca)
            .startsWith("PODIUM_CLUSTER_TLS_CERT names no readable file"));
    assertTrue(
        refused(
                "PODIUM_CLUSTER_TLS_CERT",
                cert,
                "PODIUM_CLUSTER_TLS_KEY",
                key,
                "PODIUM_CLUSTER_TLS_CA",
                missing)
            .startsWith("PODIUM_CLUSTER_TLS_CA names no readable file"));
    assertTrue(
        refused(
                "PODIUM_CLUSTER_TLS_CERT",
                key,
                "PODIUM_CLUSTER_TLS_KEY",
                key,
                "PODIUM_CLUSTER_TLS_CA",
                ca)
            .startsWith("PODIUM_CLUSTER_TLS_CERT is not a PEM certificate file"));
    assertTrue(
        refused(
                "PODIUM_CLUSTER_TLS_CERT",
                cert,
                "PODIUM_CLUSTER_TLS_KEY",
                cert,
                "PODIUM_CLUSTER_TLS_CA",
                ca)
            .startsWith("PODIUM_CLUSTER_TLS_KEY is not a PEM private key file"));
    Path empty = Files.createFile(dir.resolve("empty.pem"));
    assertTrue(
        refused(
                "PODIUM_CLUSTER_TLS_CERT",
                cert,
                "PODIUM_CLUSTER_TLS_KEY",
                empty.toString(),
                "PODIUM_CLUSTER_TLS_CA",
                ca)
            .startsWith("PODIUM_CLUSTER_TLS_KEY names an empty file"));
    assertTrue(
        refused(
                "PODIUM_CLUSTER_TLS_CERT",
                cert,
                "PODIUM_CLUSTER_TLS_KEY",
                key,
                "PODIUM_CLUSTER_TLS_CA",
                dir.toString())
            .startsWith("PODIUM_CLUSTER_TLS_CA names no readable file"));
  }

  @Test
  void contradictoryOrUnknownModesAreRefused() {
    assertTrue(
        refused(
                "PODIUM_CLUSTER_TLS",
                "off",
                "PODIUM_CLUSTER_TLS_CERT",
                cert,
                "PODIUM_CLUSTER_TLS_KEY",
                key,
                "PODIUM_CLUSTER_TLS_CA",
                ca)
            .startsWith("PODIUM_CLUSTER_TLS is off but"));
    assertTrue(refused("PODIUM_CLUSTER_TLS", "on").startsWith("PODIUM_CLUSTER_TLS is on, so"));
    assertTrue(
        refused("PODIUM_CLUSTER_TLS", "maybe")
            .startsWith("PODIUM_CLUSTER_TLS must be auto, on or off"));
  }
}
