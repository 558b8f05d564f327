package dev.podium.deploy;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.Settings;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Two all-in-ones started on one machine with default cluster settings (no PODIUM_CLUSTER_NAME, no
 * PODIUM_CLUSTER_MEMBERS) each stay a cluster of one. Both are given the same first Hazelcast port,
 * so that before the standalone default the second one found the first on the next port and merged.
 */
class AllInOneStandaloneTest {
  private static final Pattern JOINED =
      Pattern.compile("(standalone|joined) cluster '([^']+)': (\\d+) member\\(s\\)");

  @Test
  void twoDefaultAllInOnesNeverMerge() throws Exception {
    Settings defaults =
        Settings.of(Map.of("PODIUM_CLUSTER_PORT", "5871", "PODIUM_JWT_SECRET", TestTokens.SECRET));
    try (PodiumProcess first =
            PodiumProcess.start(
                "all-in-one-1",
                AllInOneMain.class,
                defaults,
                Map.of(),
                "Podium is running (all-in-one)");
        PodiumProcess second =
            PodiumProcess.start(
                "all-in-one-2",
                AllInOneMain.class,
                defaults,
                Map.of(),
                "Podium is running (all-in-one)")) {
      String[] a = joined(first);
      String[] b = joined(second);
      assertTrue(
          a[1].equals("1")
              && b[1].equals("1")
              && a[2].equals("standalone")
              && b[2].equals("standalone"),
          "first: " + String.join(" ", a) + "; second: " + String.join(" ", b));
      assertNotEquals(a[0], b[0], "both took the same cluster name");
      // Each still answers on its own, with its own state.
      assertTrue(first.printed("running standalone") && second.printed("running standalone"));
    }
  }

  /** {cluster name, member count, how} from the process's start-up line. */
  private static String[] joined(PodiumProcess process) {
    String line =
        process.lines().stream()
            .filter(l -> JOINED.matcher(l).find())
            .findFirst()
            .orElseThrow(
                () -> new AssertionError(process.name() + " never said which cluster it is in"));
    Matcher m = JOINED.matcher(line);
    m.find();
    return new String[] {m.group(2), m.group(3), m.group(1)};
  }
}
