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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes manifests and the Compose file cannot be run here (no Kubernetes, no Docker): this
 * checks that they parse, that the cluster plane's wiring is in every Podium pod, that only the
 * history-service reaches its PostgreSQL, and that every recorder writes to the one shared volume.
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

  /** The pod template of a workload (Deployment, StatefulSet, ...): its name, labels and spec. */
  private record Pod(String workload, Map<String, Object> labels, Map<String, Object> spec) {
    /**
     * Podium's own pods carry this label: Hazelcast's discovery Service and the cluster-port policy
     * select them by it.
     */
    boolean podium() {
      return "podium".equals(labels.get("app.kubernetes.io/part-of"));
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Pod> pods(List<Map<String, Object>> docs) {
    List<Pod> pods = new ArrayList<>();
    for (Map<String, Object> d : docs) {
      if (d.get("spec") instanceof Map<?, ?> spec
          && spec.get("template") instanceof Map<?, ?> template
          && template.get("spec") instanceof Map<?, ?> podSpec) {
        Map<String, Object> metadata = (Map<String, Object>) template.get("metadata");
        Object labels = metadata == null ? null : metadata.get("labels");
        pods.add(
            new Pod(
                (String) ((Map<String, Object>) d.get("metadata")).get("name"),
                labels == null ? Map.of() : (Map<String, Object>) labels,
                (Map<String, Object>) podSpec));
      }
    }
    return pods;
  }

  /** Whether a label selector selects these labels; only matchLabels is understood here. */
  @SuppressWarnings("unchecked")
  private static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
    assertFalse(
        selector.containsKey("matchExpressions"), "matchExpressions: not understood by this test");
    Object matchLabels = selector.get("matchLabels");
    return matchLabels == null
        || ((Map<String, Object>) matchLabels)
            .entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyPodMountsTheClusterTlsSecretAndTheSettingsNameItsFiles() throws IOException {
    List<Map<String, Object>> docs = manifests();
    List<String> podiumPods = new ArrayList<>();
    List<String> otherPods = new ArrayList<>();
    for (Pod p : pods(docs)) {
      String name = p.workload();
      if (!p.podium()) {
        otherPods.add(name);
        continue;
      }
      podiumPods.add(name);
      Map<String, Object> pod = p.spec();
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
    assertEquals(
        List.of(
            "gateway",
            "room-service",
            "chat-service",
            "presence-service",
            "media-relay",
            "history-service",
            "recorder"),
        podiumPods);
    // The history-service's database is the one pod that is not Podium's: it must not join the
    // cluster's discovery or reach its ports, and it has no event bus to secure.
    assertEquals(List.of("postgres"), otherPods, "pods without app.kubernetes.io/part-of: podium");
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
   * PostgreSQL is the history-service's alone: every rule of every policy that selects the postgres
   * pod and admits its port does so only from pod selectors that select the history-service's pods
   * and no others. And both deployments point the history-service at it.
   */
  @Test
  @SuppressWarnings("unchecked")
  void onlyHistoryServicePodsReachPostgresAndBothDeploymentsNameIt() throws IOException {
    List<Map<String, Object>> docs = manifests();
    List<Pod> pods = pods(docs);
    Pod postgres =
        pods.stream().filter(p -> "postgres".equals(p.workload())).findFirst().orElseThrow();
    List<Object> postgresPort = new ArrayList<>(List.of(5432));
    for (Map<String, Object> c : (List<Map<String, Object>>) postgres.spec().get("containers")) {
      for (Map<String, Object> port : (List<Map<String, Object>>) c.get("ports")) {
        if (Integer.valueOf(5432).equals(port.get("containerPort")) && port.get("name") != null) {
          postgresPort.add(port.get("name"));
        }
      }
    }
    int admitting = 0;
    for (Map<String, Object> d : docs) {
      if (!"NetworkPolicy".equals(d.get("kind"))) {
        continue;
      }
      String policy = (String) ((Map<String, Object>) d.get("metadata")).get("name");
      Map<String, Object> spec = (Map<String, Object>) d.get("spec");
      if (!selects((Map<String, Object>) spec.get("podSelector"), postgres.labels())
          || !((List<String>) spec.getOrDefault("policyTypes", List.of("Ingress")))
              .contains("Ingress")) {
        continue;
      }
      for (Map<String, Object> rule :
          (List<Map<String, Object>>) spec.getOrDefault("ingress", List.of())) {
        List<Map<String, Object>> ports = (List<Map<String, Object>>) rule.get("ports");
        boolean toPostgres =
            ports == null
                || ports.stream()
                    .anyMatch(
                        p ->
                            p.get("port") == null
                                || postgresPort.contains(p.get("port"))
                                || p.get("endPort") instanceof Integer end
                                    && (Integer) p.get("port") <= 5432
                                    && 5432 <= end);
        if (!toPostgres) {
          continue;
        }
        List<Map<String, Object>> from = (List<Map<String, Object>>) rule.get("from");
        assertTrue(from != null && !from.isEmpty(), policy + " admits anyone to postgres");
        for (Map<String, Object> peer : from) {
          assertEquals(
              List.of("podSelector"),
              List.copyOf(peer.keySet()),
              policy + ": postgres admitted from something other than pods of this namespace");
          assertEquals(
              List.of("history-service"),
              pods.stream()
                  .filter(p -> selects((Map<String, Object>) peer.get("podSelector"), p.labels()))
                  .map(Pod::workload)
                  .toList(),
              policy + ": the pods admitted to postgres");
        }
        admitting++;
      }
    }
    assertTrue(admitting > 0, "no policy admits the history-service to postgres");

    String url = "postgresql://postgres:5432/podium";
    Map<String, Object> container =
        ((List<Map<String, Object>>)
                pods.stream()
                    .filter(p -> "history-service".equals(p.workload()))
                    .findFirst()
                    .orElseThrow()
                    .spec()
                    .get("containers"))
            .get(0);
    assertEquals(
        List.of(url),
        ((List<Map<String, Object>>) container.get("env"))
            .stream()
                .filter(e -> "PODIUM_DB_URL".equals(e.get("name")))
                .map(e -> e.get("value"))
                .toList(),
        "k8s history-service PODIUM_DB_URL");
    assertTrue(
        docs.stream()
            .anyMatch(
                d ->
                    "Service".equals(d.get("kind"))
                        && "postgres".equals(((Map<String, Object>) d.get("metadata")).get("name"))
                        && selects(
                            Map.of(
                                "matchLabels",
                                ((Map<String, Object>) d.get("spec")).get("selector")),
                            postgres.labels())),
        "a Service postgres selects the postgres pod");

    Map<String, Object> services =
        (Map<String, Object>)
            ((Map<String, Object>)
                    new Yaml().load(Files.readString(DEPLOY.resolve("docker-compose.yml"))))
                .get("services");
    Map<String, Object> compose = (Map<String, Object>) services.get("history-service");
    assertEquals(
        url,
        ((Map<String, Object>) compose.get("environment")).get("PODIUM_DB_URL"),
        "compose history-service PODIUM_DB_URL");
    assertFalse(
        ((Map<String, Object>) services.get("postgres")).containsKey("ports"),
        "compose publishes no port of postgres");
  }

  /**
   * Every recorder must see the same PODIUM_RECORDINGS_DIR (docs/recording.md): one continues
   * another's file after a failover, and any one serves any file. So in both deployments every
   * recorder sets it to a path on a writable mounted volume, and that volume is one and the same:
   * in Kubernetes one ReadWriteMany claim named in the pod template (not a claim per replica), in
   * Compose one named volume.
   */
  @Test
  @SuppressWarnings("unchecked")
  void everyRecorderWritesItsRecordingsToTheOneSharedVolume() throws IOException {
    List<Map<String, Object>> docs = manifests();
    Set<String> claims = new HashSet<>();
    int recorders = 0;
    for (Map<String, Object> d : docs) {
      if (!(d.get("spec") instanceof Map<?, ?> spec
          && spec.get("template") instanceof Map<?, ?> template
          && template.get("spec") instanceof Map<?, ?> podSpec)) {
        continue;
      }
      String name = (String) ((Map<String, Object>) d.get("metadata")).get("name");
      for (Map<String, Object> c : (List<Map<String, Object>>) podSpec.get("containers")) {
        if (!String.valueOf(c.get("image")).startsWith("podium/recorder:")) {
          continue;
        }
        recorders++;
        assertEquals("Deployment", d.get("kind"), name + ": its replicas share the pod's volumes");
        List<Object> dirs =
            ((List<Map<String, Object>>) c.getOrDefault("env", List.of()))
                .stream()
                    .filter(e -> "PODIUM_RECORDINGS_DIR".equals(e.get("name")))
                    .map(e -> e.get("value"))
                    .toList();
        assertEquals(1, dirs.size(), name + " sets PODIUM_RECORDINGS_DIR (a value) once");
        Path dir = Path.of((String) dirs.get(0));
        assertTrue(dir.isAbsolute(), name + ": PODIUM_RECORDINGS_DIR is absolute");
        Map<String, Object> mount =
            ((List<Map<String, Object>>) c.getOrDefault("volumeMounts", List.of()))
                .stream()
                    .filter(m -> dir.normalize().startsWith(Path.of((String) m.get("mountPath"))))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(name + ": no volume mounted at " + dir));
        assertFalse(Boolean.TRUE.equals(mount.get("readOnly")), name + ": the mount is writable");
        Map<String, Object> volume =
            ((List<Map<String, Object>>) podSpec.get("volumes"))
                .stream()
                    .filter(v -> mount.get("name").equals(v.get("name")))
                    .findFirst()
                    .orElseThrow(
                        () -> new AssertionError(name + ": no pod volume " + mount.get("name")));
        assertTrue(
            volume.get("persistentVolumeClaim") instanceof Map<?, ?>,
            name + ": the recordings volume is a PersistentVolumeClaim");
        claims.add(
            (String) ((Map<String, Object>) volume.get("persistentVolumeClaim")).get("claimName"));
      }
    }
    assertTrue(recorders > 0, "no recorder in deploy/k8s");
    assertEquals(1, claims.size(), "the claims of the recorders: " + claims);
    String claim = claims.iterator().next();
    Map<String, Object> pvc =
        docs.stream()
            .filter(
                d ->
                    "PersistentVolumeClaim".equals(d.get("kind"))
                        && claim.equals(((Map<String, Object>) d.get("metadata")).get("name")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no PersistentVolumeClaim " + claim));
    assertEquals(
        List.of("ReadWriteMany"),
        ((Map<String, Object>) pvc.get("spec")).get("accessModes"),
        claim + ": accessModes");

    Map<String, Object> compose =
        (Map<String, Object>)
            new Yaml().load(Files.readString(DEPLOY.resolve("docker-compose.yml")));
    Map<String, Object> namedVolumes =
        (Map<String, Object>) compose.getOrDefault("volumes", Map.of());
    Set<String> sources = new HashSet<>();
    recorders = 0;
    for (Map.Entry<String, Object> e : ((Map<String, Object>) compose.get("services")).entrySet()) {
      String name = e.getKey();
      Map<String, Object> service = (Map<String, Object>) e.getValue();
      if (!String.valueOf(service.get("image")).startsWith("podium/recorder:")) {
        continue;
      }
      recorders++;
      Object value =
          ((Map<String, Object>) service.getOrDefault("environment", Map.of()))
              .get("PODIUM_RECORDINGS_DIR");
      assertTrue(value instanceof String, name + " sets PODIUM_RECORDINGS_DIR");
      Path dir = Path.of((String) value);
      assertTrue(dir.isAbsolute(), name + ": PODIUM_RECORDINGS_DIR is absolute");
      String source = null;
      for (Object v : (List<Object>) service.getOrDefault("volumes", List.of())) {
        String from;
        String to;
        boolean readOnly;
        if (v instanceof String shortSyntax) {
          String[] parts = shortSyntax.split(":");
          from = parts.length > 1 ? parts[0] : null;
          to = parts.length > 1 ? parts[1] : parts[0];
          readOnly = parts.length > 2 && List.of(parts[2].split(",")).contains("ro");
        } else {
          Map<String, Object> longSyntax = (Map<String, Object>) v;
          from = "volume".equals(longSyntax.get("type")) ? (String) longSyntax.get("source") : null;
          to = (String) longSyntax.get("target");
          readOnly = Boolean.TRUE.equals(longSyntax.get("read_only"));
        }
        if (dir.normalize().startsWith(Path.of(to))) {
          assertFalse(readOnly, name + ": the mount at " + to + " is writable");
          source = from;
        }
      }
      assertNotNull(source, name + ": no named volume mounted at " + dir);
      assertTrue(
          namedVolumes.containsKey(source),
          name + ": " + source + " is a named volume of the file");
      sources.add(source);
    }
    assertTrue(recorders > 0, "no recorder in docker-compose.yml");
    assertEquals(1, sources.size(), "the volumes of the Compose recorders: " + sources);
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
