package dev.podium.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AotCacheCheckTest {

  @Test
  void withoutACacheThereIsNothingToCheck(@TempDir Path dir) throws Exception {
    Path jar = Files.writeString(dir.resolve("podium.jar"), "build 1");
    assertEquals(AotCacheCheck.Kind.NONE, AotCacheCheck.check(List.of("-Xmx512m"), jar).kind());
  }

  @Test
  void theCacheOfThisBuildIsTaken(@TempDir Path dir) throws Exception {
    Path jar = Files.writeString(dir.resolve("podium.jar"), "build 1");
    Path cache = dir.resolve("podium.aot");
    Files.writeString(
        dir.resolve("podium.aot.sha256"), AotCacheCheck.sha256(jar) + "  " + jar + "\n");
    AotCacheCheck.Verdict v =
        AotCacheCheck.check(List.of("-Xmx512m", "-XX:AOTCache=" + cache), jar);
    assertEquals(AotCacheCheck.Kind.FITS, v.kind(), v.message());
  }

  @Test
  void theCacheOfAnotherBuildIsRefusedWithTheRemedy(@TempDir Path dir) throws Exception {
    Path jar = Files.writeString(dir.resolve("podium.jar"), "build 1");
    Path cache = dir.resolve("podium.aot");
    Files.writeString(dir.resolve("podium.aot.sha256"), AotCacheCheck.sha256(jar) + "\n");
    // Rebuilt: same name, same size, other bytes.
    Files.writeString(jar, "build 2");
    AotCacheCheck.Verdict v = AotCacheCheck.check(List.of("-XX:AOTCache=" + cache), jar);
    assertEquals(AotCacheCheck.Kind.REFUSE, v.kind(), v.message());
    assertTrue(v.message().contains("another build"), v.message());
    assertTrue(v.message().contains("deploy/aot-cache.sh"), v.message());
  }

  @Test
  void aCacheWithoutItsStampOnlyWarns(@TempDir Path dir) throws Exception {
    Path jar = Files.writeString(dir.resolve("podium.jar"), "build 1");
    AotCacheCheck.Verdict v =
        AotCacheCheck.check(List.of("-XX:AOTCache=" + dir.resolve("hand-made.aot")), jar);
    assertEquals(AotCacheCheck.Kind.WARN, v.kind());
    assertTrue(v.message().contains("hand-made.aot.sha256 is missing"), v.message());
  }

  @Test
  void aStampThatIsNotAHashIsRefusedAndTheLastFlagCounts(@TempDir Path dir) throws Exception {
    Path jar = Files.writeString(dir.resolve("podium.jar"), "build 1");
    Files.writeString(dir.resolve("junk.aot.sha256"), "\n");
    Files.writeString(dir.resolve("good.aot.sha256"), AotCacheCheck.sha256(jar));
    assertEquals(
        AotCacheCheck.Kind.REFUSE,
        AotCacheCheck.check(List.of("-XX:AOTCache=" + dir.resolve("junk.aot")), jar).kind());
    assertEquals(
        AotCacheCheck.Kind.FITS,
        AotCacheCheck.check(
                List.of(
                    "-XX:AOTCache=" + dir.resolve("junk.aot"),
                    "-XX:AOTCache=" + dir.resolve("good.aot")),
                jar)
            .kind());
  }
}
