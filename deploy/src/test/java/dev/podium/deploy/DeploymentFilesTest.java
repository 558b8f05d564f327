package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes manifests and the Compose file cannot be run here (no Kubernetes, no Docker): this
 * checks that they parse and that the cluster plane's wiring is in every pod.
 */
class DeploymentFilesTest {
  private static final Path DEPLOY =
      Files.isDirectory(Path.of("k8s")) ? Path.of(".") : Path.of("deploy");

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> manifests() throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    try (Stream<Path> files = Files.list(DEPLOY.resolve("k8s"))) {
      for (Path f :
          files
              .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yaml.example"))
              .sorted()
              .toList()) {
        for (Object doc : new Yaml().loadAll(Files.readString(f))) {
          assertTrue(doc instanceof Map, f + " holds a document that is not a mapping");
          Map<String, Object> m = (Map<String, Object>) doc;
          assertNotNull(m.get("apiVersion"), f + ": apiVersion");
          assertNotNull(m.get("kind"), f + ": kind");
          docs.add(m);
        }
      }
    }
    return docs;
  }

  @Test
  void everyManifestAndTheComposeFileParse() throws IOException {
    assertFalse(manifests().isEmpty());
    Object compose = new Yaml().load(Files.readString(DEPLOY.resolve("docker-compose.yml")));
    assertTrue(compose instanceof Map<?, ?> m && m.containsKey("services"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyPodMountsTheClusterTlsSecretAndTheSettingsNameItsFiles() throws IOException {
    List<Map<String, Object>> docs = manifests();
    int deployments = 0;
    for (Map<String, Object> d : docs) {
      if (!"Deployment".equals(d.get("kind"))) {
        continue;
      }
      deployments++;
      Map<String, Object> pod =
          (Map<String, Object>)
              ((Map<String, Object>) ((Map<String, Object>) d.get("spec")).get("template"))
                  .get("spec");
      String name = (String) ((Map<String, Object>) d.get("metadata")).get("name");
      assertTrue(
          ((List<Map<String, Object>>) pod.get("volumes"))
              .stream()
                  .anyMatch(
                      v ->
                          v.get("secret") instanceof Map<?, ?> s
                              && "podium-cluster-tls".equals(s.get("secretName"))),
          name + " mounts podium-cluster-tls");
      Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
      assertTrue(
          ((List<Map<String, Object>>) container.get("volumeMounts"))
              .stream().anyMatch(m -> "/etc/podium/cluster-tls".equals(m.get("mountPath"))),
          name + " mounts it at /etc/podium/cluster-tls");
    }
    assertEquals(5, deployments);
    Map<String, Object> settings =
        docs.stream()
            .filter(
                d ->
                    "ConfigMap".equals(d.get("kind"))
                        && "podium-settings"
                            .equals(((Map<String, Object>) d.get("metadata")).get("name")))
            .findFirst()
            .orElseThrow();
    Map<String, Object> data = (Map<String, Object>) settings.get("data");
    assertEquals("/etc/podium/cluster-tls/tls.crt", data.get("PODIUM_CLUSTER_TLS_CERT"));
    assertEquals("/etc/podium/cluster-tls/tls.key", data.get("PODIUM_CLUSTER_TLS_KEY"));
    assertEquals("/etc/podium/cluster-tls/ca.crt", data.get("PODIUM_CLUSTER_TLS_CA"));
    assertEquals("5710", data.get("PODIUM_CLUSTER_BUS_PORT"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void theClusterPortsAreAdmittedOnlyFromPodiumPods() throws IOException {
    Map<String, Object> policy =
        manifests().stream()
            .filter(
                d ->
                    "NetworkPolicy".equals(d.get("kind"))
                        && "cluster-ports-from-podium-only"
                            .equals(((Map<String, Object>) d.get("metadata")).get("name")))
            .findFirst()
            .orElseThrow();
    List<Map<String, Object>> ingress =
        (List<Map<String, Object>>) ((Map<String, Object>) policy.get("spec")).get("ingress");
    assertEquals(1, ingress.size());
    assertEquals(
        List.of(
            Map.of(
                "podSelector",
                Map.of("matchLabels", Map.of("app.kubernetes.io/part-of", "podium")))),
        ingress.get(0).get("from"));
    assertEquals(
        List.of(5701, 5710),
        ((List<Map<String, Object>>) ingress.get(0).get("ports"))
            .stream().map(p -> p.get("port")).toList());
    assertTrue(
        manifests().stream()
            .anyMatch(
                d ->
                    "NetworkPolicy".equals(d.get("kind"))
                        && "default-deny-ingress"
                            .equals(((Map<String, Object>) d.get("metadata")).get("name"))));
  }
}
