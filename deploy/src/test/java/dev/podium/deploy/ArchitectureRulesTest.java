package dev.podium.deploy;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The module and framework rules of docs/architecture.md ("Architecture rules"), checked on the
 * compiled classes. They live in {@code deploy} because it is the one module whose classpath holds
 * every production class of every module; they start no process and open no port. Production
 * classes only ({@link ImportOption.DoNotIncludeTests}): tests may reach into internals to inspect
 * a cluster, and deploy's own tests run every service.
 */
@AnalyzeClasses(packages = "dev.podium", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureRulesTest {
  private static final String PODIUM = "dev.podium..";
  private static final String API = "dev.podium.api..";
  private static final String RUNTIME = "dev.podium.runtime..";
  private static final String ROOM = "dev.podium.room..";
  private static final String CHAT = "dev.podium.chat..";
  private static final String PRESENCE = "dev.podium.presence..";
  private static final String MEDIA = "dev.podium.media..";
  private static final String HISTORY = "dev.podium.history..";
  private static final String RECORDER = "dev.podium.recorder..";
  private static final String GATEWAY = "dev.podium.gateway..";
  private static final String DEPLOY = "dev.podium.deploy..";

  /**
   * Framework internals: Vert.x's {@code impl} and {@code internal} packages (among them {@code
   * io.vertx.core.impl}, {@code io.vertx.core.internal}, {@code io.vertx.core.net.impl}, {@code
   * io.vertx.core.http.impl}) and all of Netty, which Vert.x hides beneath its API.
   */
  static final String[] INTERNALS = {"io.vertx..impl..", "io.vertx..internal..", "io.netty.."};

  /**
   * The only classes that may use {@link #INTERNALS}, each with why. Nested classes go with their
   * class.
   */
  static final Map<String, String> ALLOWED_INTERNALS =
      Map.of(
          "dev.podium.runtime.ClusterReach",
          "Vert.x 5 has no public way from a Vertx to its cluster manager and Hazelcast member (VertxInternal)",
          "dev.podium.gateway.vertx.VertxReach",
          "the Netty pipeline under an HTTP connection, and a text frame from bytes already UTF-8 encoded",
          "dev.podium.gateway.edge.FrameGuard",
          "a Netty handler: close codes and per-type limits before Netty's decoder assembles a message",
          "dev.podium.gateway.FlushBatching",
          "a Netty handler: a socket's writes in one turn of a busy event loop share one flush");

  @ArchTest static final ArchRule apiDependsOnNoOtherModule = podiumDependencies("api", API);

  @ArchTest
  static final ArchRule runtimeDependsOnlyOnApi = podiumDependencies("runtime", RUNTIME, API);

  @ArchTest
  static final ArchRule roomServiceDependsOnlyOnApiAndRuntime =
      podiumDependencies("room-service", ROOM, API, RUNTIME);

  @ArchTest
  static final ArchRule chatServiceDependsOnlyOnApiAndRuntime =
      podiumDependencies("chat-service", CHAT, API, RUNTIME);

  @ArchTest
  static final ArchRule presenceServiceDependsOnlyOnApiAndRuntime =
      podiumDependencies("presence-service", PRESENCE, API, RUNTIME);

  @ArchTest
  static final ArchRule mediaRelayDependsOnlyOnApiAndRuntime =
      podiumDependencies("media-relay", MEDIA, API, RUNTIME);

  @ArchTest
  static final ArchRule historyServiceDependsOnlyOnApiAndRuntime =
      podiumDependencies("history-service", HISTORY, API, RUNTIME);

  @ArchTest
  static final ArchRule recorderDependsOnlyOnApiAndRuntime =
      podiumDependencies("recorder", RECORDER, API, RUNTIME);

  @ArchTest
  static final ArchRule gatewayDependsOnlyOnApiAndRuntime =
      podiumDependencies("gateway", GATEWAY, API, RUNTIME);

  /** Otherwise a class in a new package root would escape every rule above. */
  @ArchTest
  static final ArchRule everyClassBelongsToAModule =
      classes()
          .that()
          .resideInAPackage(PODIUM)
          .should()
          .resideInAnyPackage(
              API, RUNTIME, ROOM, CHAT, PRESENCE, MEDIA, HISTORY, RECORDER, GATEWAY, DEPLOY)
          .as("every Podium class belongs to a known module's package")
          .because(
              "the module rules are written per package root; add a new module's root to ArchitectureRulesTest");

  @ArchTest
  static final ArchRule noInternalsOutsideTheAllowList =
      noClasses()
          .that(DescribedPredicate.not(allowListed()))
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(INTERNALS)
          .as("no class outside the allow-list uses Vert.x internals or Netty")
          .because(
              "framework internals change without notice: reach them only through an allow-listed class whose "
                  + "test fails when the framework changes (ArchitectureRulesTest.ALLOWED_INTERNALS, docs/architecture.md)");

  /**
   * An entry that names no class, or a class that no longer needs internals, must leave the list.
   */
  @ArchTest
  static void allowListNamesOnlyClassesThatUseInternals(JavaClasses classes) {
    List<String> stale = new ArrayList<>();
    for (String name : ALLOWED_INTERNALS.keySet()) {
      boolean used =
          classes.contain(name)
              && Stream.concat(
                      Stream.of(classes.get(name)),
                      classes.stream().filter(c -> c.getName().startsWith(name + "$")))
                  .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
                  .map(Dependency::getTargetClass)
                  .anyMatch(resideInAnyPackage(INTERNALS)::test);
      if (!used) {
        stale.add(name);
      }
    }
    if (!stale.isEmpty()) {
      throw new AssertionError(
          "ArchitectureRulesTest.ALLOWED_INTERNALS names classes that do not exist or "
              + "no longer use Vert.x internals or Netty; remove them (and from docs/architecture.md): "
              + stale);
    }
  }

  /**
   * Classes of {@code module} (package {@code own}) use no Podium class outside {@code own} and
   * {@code allowed}.
   */
  private static ArchRule podiumDependencies(String module, String own, String... allowed) {
    String[] mayUse = Stream.concat(Stream.of(own), Stream.of(allowed)).toArray(String[]::new);
    String others = allowed.length == 0 ? "" : " and " + String.join(", ", allowed);
    return classes()
        .that()
        .resideInAPackage(own)
        .should()
        .onlyDependOnClassesThat(resideOutsideOfPackage(PODIUM).or(resideInAnyPackage(mayUse)))
        .as(module + " (" + own + ") depends on no Podium package but its own" + others)
        .because(
            "modules depend downwards only: a service on api and runtime (another service only through "
                + "api's contracts), runtime on api, api on no Podium module (docs/architecture.md, \"Dependency rule\")");
  }

  private static DescribedPredicate<JavaClass> allowListed() {
    return DescribedPredicate.describe(
        "are allow-listed in ALLOWED_INTERNALS",
        c ->
            ALLOWED_INTERNALS.keySet().stream()
                .anyMatch(name -> c.getName().equals(name) || c.getName().startsWith(name + "$")));
  }
}
