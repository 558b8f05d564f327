package dev.podium.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * On a 2-core machine, Hazelcast's asynchronous calls must not start a thread per callback. Each
 * case runs in a JVM of its own that believes it has 2 cores ({@code -XX:ActiveProcessorCount=2}),
 * since the JDK sizes its common pool once per JVM: 300 map reads with a callback each, counting
 * the threads started meanwhile.
 */
class CommonPoolSizeTest {
  private static final int CALLS = 300;

  /** The child JVM: {@code ensure} (or not), one Hazelcast member, the calls; prints the count. */
  public static void main(String[] args) throws Exception {
    if (args[0].equals("ensure")) {
      CommonPoolSize.ensure().ifPresent(w -> System.out.println("warning: " + w));
    }
    Config config = new Config().setClusterName("pool-probe-" + UUID.randomUUID());
    config.getNetworkConfig().setPort(Integer.parseInt(args[1])).setPortAutoIncrement(true);
    config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(config);
    try {
      IMap<Integer, Integer> map = hazelcast.getMap("probe");
      for (int i = 0; i < CALLS; i++) {
        map.put(i, i);
      }
      long before = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
      List<CompletableFuture<?>> calls = new ArrayList<>();
      for (int i = 0; i < CALLS; i++) {
        calls.add(map.getAsync(i).toCompletableFuture().thenApply(v -> v + 1));
      }
      CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
      long started = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - before;
      System.out.println("threads started: " + started);
    } finally {
      hazelcast.shutdown();
    }
  }

  private static long threadsStarted(String mode, int port) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-XX:ActiveProcessorCount=2",
                "-cp",
                System.getProperty("java.class.path"),
                CommonPoolSizeTest.class.getName(),
                mode,
                Integer.toString(port))
            .redirectErrorStream(true)
            .start();
    String out;
    try (var in = child.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not end");
    assertEquals(0, child.exitValue(), out);
    assertTrue(!out.contains("warning: "), out);
    String line =
        out.lines().filter(l -> l.startsWith("threads started: ")).findFirst().orElseThrow();
    return Long.parseLong(line.substring("threads started: ".length()).trim());
  }

  @Test
  void hazelcastCallbacksStartNoThreadEachOnATwoCoreMachine() throws Exception {
    long without = threadsStarted("as-the-jdk-sizes-it", 5761);
    long with = threadsStarted("ensure", 5771);
    assertTrue(
        without >= CALLS / 2, "the JDK's own sizing: a thread per callback (" + without + ")");
    assertTrue(
        with < 20, "with the pool raised to 2: " + with + " threads for " + CALLS + " calls");
  }
}
