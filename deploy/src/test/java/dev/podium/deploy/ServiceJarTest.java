package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.chat.ChatServiceMain;
import dev.podium.runtime.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The JVM flags Hazelcast wants on JDK 17 are listed once, in the parent pom: a service's jar
 * carries them in its manifest, so plain {@code java -jar} (the Dockerfile, local-cluster.sh, the
 * README) needs none, and the tests' JVMs get them as flags, which PodiumProcess passes on.
 * Hazelcast says at start-up when it lacks them; each launch here is one chat-service alone.
 */
class ServiceJarTest {
  /** Hazelcast's start-up warning when it cannot open or read what it wants. */
  private static final String HAZELCAST_LACKS_ACCESS =
      "without proper access to required Java packages";

  private static final Path ROOT = Files.isDirectory(Path.of("k8s")) ? Path.of("..") : Path.of(".");
  private static final Path JAR = ROOT.resolve("chat-service/target/podium-chat-service.jar");

  @Test
  void aServiceJarNeedsNoJvmFlagsAndTheTestsPassTheFlagsOn() throws Exception {
    assertTrue(
        Files.isRegularFile(JAR),
        JAR + " is missing: the chat-service module's package phase builds it");
    try (PodiumProcess plain = launch("chat-jar", List.of("-jar", JAR.toString()))) {
      assertFalse(plain.printed(HAZELCAST_LACKS_ACCESS), "java -jar: Hazelcast lacks access");
    }
    try (PodiumProcess classPath =
        PodiumProcess.start(
            "chat-flags",
            ChatServiceMain.class,
            cluster(),
            Map.of(),
            "chat-service started",
            120)) {
      assertFalse(
          classPath.printed(HAZELCAST_LACKS_ACCESS), "a PodiumProcess: Hazelcast lacks access");
    }
    // The control: the same jar on the class path without flags, where no manifest is read.
    try (PodiumProcess bare =
        launch("chat-bare", List.of("-cp", JAR.toString(), ChatServiceMain.class.getName()))) {
      assertTrue(
          bare.printed(HAZELCAST_LACKS_ACCESS),
          "without flags or manifest Hazelcast says what it lacks");
    }
  }

  private static PodiumProcess launch(String name, List<String> java) throws Exception {
    return PodiumProcess.startJava(name, java, cluster(), Map.of(), "chat-service started", 120);
  }

  /** A cluster of its own for each launch. */
  private static Settings cluster() throws Exception {
    return Settings.of(
        Map.of(
            "PODIUM_CLUSTER_NAME",
            "service-jar-" + UUID.randomUUID(),
            "PODIUM_CLUSTER_PORT",
            String.valueOf(ClusterFormation.freePortRange(1))));
  }
}
