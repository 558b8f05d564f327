package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryXmlConfig;
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

  /**
   * Every Hazelcast configuration Podium ships keeps two synchronous backups of what a room needs
   * after two members die at once: Podium's state and the Vert.x cluster manager's own tables. With
   * one backup of {@code __vertx.subs}, the ownership drill's double kill lost the subscriptions
   * whose two copies were on the killed pair, and room messages reached no gateway.
   */
  @Test
  @SuppressWarnings("unchecked")
  void everyShippedClusterConfigurationKeepsTwoBackupsOfStateAndSubscriptions() throws IOException {
    Map<String, Config> configs = new java.util.LinkedHashMap<>();
    configs.put("built-in podium-cluster.xml", new ClasspathXmlConfig("podium-cluster.xml"));
    for (String file : List.of("cluster-local.xml", "cluster-kubernetes.xml")) {
      configs.put(
          file, new InMemoryXmlConfig(Files.readString(DEPLOY.resolve("hazelcast").resolve(file))));
    }
    for (Map<String, Object> d : manifests()) {
      Map<String, Object> data = (Map<String, Object>) d.get("data");
      if ("ConfigMap".equals(d.get("kind"))
          && data != null
          && data.get("cluster-kubernetes.xml") instanceof String xml) {
        configs.put("k8s ConfigMap cluster-kubernetes.xml", new InMemoryXmlConfig(xml));
      }
    }
    assertEquals(4, configs.size(), "the configurations found: " + configs.keySet());
    configs.forEach(
        (name, config) -> {
          assertEquals(
              2,
              config.getMultiMapConfig("__vertx.subs").getBackupCount(),
              name + ": __vertx.subs");
          for (String map :
              List.of(
                  "__vertx.haInfo",
                  "__vertx.nodeInfo",
                  "podium.rooms",
                  "podium.rooms.hosts",
                  "podium.members.room-service",
                  "podium.presence.events",
                  "podium.presence.streams")) {
            assertEquals(2, config.getMapConfig(map).getBackupCount(), name + ": " + map);
          }
        });
  }
}
