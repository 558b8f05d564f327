package dev.podium.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The ownership drill's figures ({@link OwnershipDrill}) judged against issue 12's targets, and
 * printed. The drill only measures; every pass or fail is decided here, from the JSON alone, so the
 * same rules apply to a run's line and to a test's made-up one.
 */
final class DrillReport {
  /** Actions and joins of a killed instance's events work again within this long. */
  static final long RECOVERY_TARGET_MS = 5_000;

  /**
   * Every instance owns its fair share of the events within this fraction (300 over 3: 70 to 130).
   */
  static final double SHARE_TOLERANCE = 0.3;

  private DrillReport() {}

  /**
   * {@code n} of {@code of} events measured, their median, p90 and max (ms); nulls when none was.
   */
  static JsonObject stats(long[] values, int of) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    boolean none = sorted.length == 0;
    return new JsonObject()
        .put("n", sorted.length)
        .put("of", of)
        .put(
            "median",
            none ? null : Percentiles.median(Arrays.stream(sorted).asDoubleStream().toArray()))
        .put("p90", none ? null : Percentiles.ofSorted(sorted, 90))
        .put("max", none ? null : sorted[sorted.length - 1]);
  }

  /** The lowest and highest share an instance may own of {@code events} over {@code instances}. */
  static long[] shareBounds(int events, int instances) {
    double fair = (double) events / instances;
    return new long[] {
      Math.round(fair * (1 - SHARE_TOLERANCE)), Math.round(fair * (1 + SHARE_TOLERANCE))
    };
  }

  /**
   * Adds {@code targets} (name to pass/fail) and {@code pass} to the drill's result and returns it.
   */
  static JsonObject judge(JsonObject r) {
    Map<String, Boolean> t = new LinkedHashMap<>();
    int events = r.getInteger("events");
    JsonObject before = r.getJsonObject("owned_before", new JsonObject());
    t.put(
        "owned_share",
        r.getBoolean("owners_settled", false)
            && r.getLong("events_without_one_owner", 1L) == 0
            && fairShare(before.getJsonObject(OwnershipDrill.ROOM), events)
            && fairShare(before.getJsonObject(OwnershipDrill.PRESENCE), events));
    JsonObject kill = r.getJsonObject("kill", new JsonObject());
    t.put(
        "only_killed_moved",
        kill.getBoolean("taken_over", false)
            && kill.getJsonObject("room", new JsonObject()).getBoolean("only_victims_moved", false)
            && kill.getJsonObject("presence", new JsonObject())
                .getBoolean("only_victims_moved", false));
    JsonObject moved = kill.getJsonObject("all", new JsonObject());
    t.put("actions_within_5s", within(moved.getJsonObject("stage_ms")));
    t.put("joins_within_5s", within(moved.getJsonObject("join_ms")));
    t.put("joins_listed_within_5s", within(moved.getJsonObject("listed_ms")));
    t.put(
        "nothing_lost",
        empty(kill, "stage_lost")
            && empty(kill, "listeners_missing")
            && empty(kill, "cohosts_lost")
            && empty(kill, "bans_lost")
            && kill.getLong("sockets_closed", 1L) == 0
            && r.getLong("events_ended", 1L) == 0
            && complete(kill.getJsonObject("unmoved", new JsonObject()).getJsonObject("stage_ms")));
    JsonObject freeze = r.getJsonObject("freeze", new JsonObject());
    long away = freeze.getLong("away_events", 0L);
    t.put(
        "frozen_events_continued",
        away > 0
            && freeze.getBoolean("host_away_noticed", false)
            && freeze.getLong("taken_over", -1L) == away
            && complete(freeze.getJsonObject("host_back_ms"))
            && freeze.getLong("still_live", -1L) == away);
    t.put(
        "frozen_writes_invisible",
        away > 0
            && empty(freeze, "ended_by_frozen")
            && freeze.getLong("back_events_ended", 1L) == 0
            && freeze.getLong("ears_closed_after_cont", 1L) == 0);
    t.put("frozen_stepped_down", freeze.getBoolean("stepped_down", false));
    JsonObject targets = new JsonObject();
    t.forEach(targets::put);
    return r.put("targets", targets)
        .put("pass", t.values().stream().allMatch(Boolean::booleanValue));
  }

  /**
   * Every instance that was alive: podium_owned_events within the bounds and equal to what its log
   * says; all sum to E.
   */
  private static boolean fairShare(JsonObject owned, int events) {
    if (owned == null || owned.isEmpty()) {
      return false;
    }
    long[] bounds = shareBounds(events, owned.size());
    int sum = 0;
    for (String name : owned.fieldNames()) {
      JsonObject i = owned.getJsonObject(name);
      Integer metric = i.getInteger("metric");
      if (metric == null
          || metric < bounds[0]
          || metric > bounds[1]
          || !metric.equals(i.getInteger("log"))) {
        return false;
      }
      sum += metric;
    }
    return sum == events;
  }

  /** Every event measured (n = of), and the slowest within the target. */
  private static boolean within(JsonObject stats) {
    return complete(stats) && stats.getLong("of") > 0 && stats.getLong("max") <= RECOVERY_TARGET_MS;
  }

  private static boolean complete(JsonObject stats) {
    return stats != null && stats.getLong("n", -1L).equals(stats.getLong("of"));
  }

  private static boolean empty(JsonObject o, String field) {
    JsonArray a = o.getJsonArray(field);
    return a != null && a.isEmpty();
  }

  static String text(JsonObject r) {
    StringBuilder b = new StringBuilder();
    int events = r.getInteger("events");
    line(
        b,
        "drill",
        "ownership drill on %s (%s): %d events, %s listeners, set up in %s s (%s go-lives tried again); "
            + "load average %s -> %s",
        r.getString("label"),
        r.getString("cluster_dir"),
        events,
        r.getValue("listeners"),
        r.getValue("setup_s"),
        r.getValue("go_live_retries"),
        r.getValue("load_average_start"),
        r.getValue("load_average_end"));
    JsonObject before = r.getJsonObject("owned_before", new JsonObject());
    for (String service : before.fieldNames()) {
      JsonObject owned = before.getJsonObject(service);
      long[] bounds = shareBounds(events, Math.max(1, owned.size()));
      line(
          b,
          "owned",
          "%s: %s (podium_owned_events; log in brackets; target %d-%d each)",
          service,
          owned(owned),
          bounds[0],
          bounds[1]);
    }
    JsonObject kill = r.getJsonObject("kill");
    if (kill != null) {
      JsonObject room = kill.getJsonObject("room", new JsonObject());
      JsonObject presence = kill.getJsonObject("presence", new JsonObject());
      line(
          b,
          "kill -9",
          "%s (%s events) and %s (%s events); only theirs moved: %s / %s; gained %s / %s; "
              + "new owner logged it after %s / %s ms (median/max)",
          room.getString("victim"),
          room.getValue("victim_events"),
          presence.getString("victim"),
          presence.getValue("victim_events"),
          room.getValue("only_victims_moved"),
          presence.getValue("only_victims_moved"),
          room.getJsonObject("gained"),
          presence.getJsonObject("gained"),
          mm(room.getJsonObject("takeover_logged_ms")),
          mm(presence.getJsonObject("takeover_logged_ms")));
      for (String group : new String[] {"all", "room_moved", "presence_moved", "unmoved"}) {
        JsonObject g = kill.getJsonObject(group, new JsonObject());
        line(
            b,
            group,
            "%s events: stage action applied after %s ms, announced %s ms, join answered %s ms, listed %s ms (median/max; n/of %s, %s, %s)",
            g.getValue("events"),
            mm(g.getJsonObject("stage_applied_ms")),
            mm(g.getJsonObject("stage_ms")),
            mm(g.getJsonObject("join_ms")),
            mm(g.getJsonObject("listed_ms")),
            nOf(g.getJsonObject("stage_ms")),
            nOf(g.getJsonObject("join_ms")),
            nOf(g.getJsonObject("listed_ms")));
      }
      line(
          b,
          "lost",
          "invitations %s, listeners %s, co-hosts %s, bans %s; sockets dropped %s",
          kill.getJsonArray("stage_lost"),
          kill.getJsonArray("listeners_missing"),
          kill.getJsonArray("cohosts_lost"),
          kill.getJsonArray("bans_lost"),
          kill.getValue("sockets_closed"));
      JsonObject errors = kill.getJsonObject("errors_during_recovery", new JsonObject());
      line(
          b,
          "retries",
          "%s join attempts; errors while retrying: accept_cohost %s, join %s",
          kill.getValue("join_attempts"),
          errors.getJsonObject("accept_cohost"),
          errors.getJsonObject("join"));
      JsonObject calm = r.getJsonObject("cpu_before_kill");
      line(
          b,
          "machine",
          "before the kill: %s (per instance %s); at the kill: load average %s, Hazelcast master "
              + "changed %s, the killed members dropped after %s ms (median/max over the "
              + "survivors' logs, %s); during the recovery: %s",
          cpu(calm),
          calm == null ? "-" : calm.getJsonObject("instances_pct"),
          kill.getValue("load_average_at_kill"),
          kill.getJsonArray("master_changed"),
          mm(kill.getJsonObject("members_dropped_ms")),
          nOf(kill.getJsonObject("members_dropped_ms")),
          cpu(kill.getJsonObject("cpu_during_recovery")));
    }
    if (kill != null) {
      line(
          b,
          "between",
          "the cluster's CPU back to its level before the kill: %s after %s ms (%s)",
          kill.getValue("calm_again"),
          kill.getValue("calm_wait_ms"),
          cpu(kill.getJsonObject("cpu_when_calm")));
    }
    JsonObject freeze = r.getJsonObject("freeze");
    if (freeze != null) {
      line(
          b,
          "SIGSTOP",
          "%s for %s ms with %s hosts away (grace %s ms): taken over %s, hosts back %s after %s ms, "
              + "events the new owner ended (host not back in time) %s; after SIGCONT: stepped down %s (%s ms after), "
              + "events it ended %s, stream_ended after SIGCONT %s, ended although the host was back %s, still live %s, "
              + "fenced writes logged %s",
          freeze.getString("frozen"),
          freeze.getValue("stopped_ms"),
          freeze.getValue("away_events"),
          r.getValue("host_grace_ms"),
          freeze.getValue("taken_over"),
          nOf(freeze.getJsonObject("host_back_ms")),
          mm(freeze.getJsonObject("host_back_ms")),
          freeze.getValue("ended_while_frozen"),
          freeze.getValue("stepped_down"),
          freeze.getValue("stepped_down_after_cont_ms"),
          freeze.getJsonArray("ended_by_frozen"),
          freeze.getValue("ended_after_cont"),
          freeze.getValue("back_events_ended"),
          freeze.getValue("still_live"),
          freeze.getValue("fenced_lines"));
      line(
          b,
          "machine",
          "Hazelcast master changed %s; during the freeze: %s",
          freeze.getJsonArray("master_changed"),
          cpu(freeze.getJsonObject("cpu_during_freeze")));
    }
    JsonObject targets = r.getJsonObject("targets", new JsonObject());
    StringBuilder t = new StringBuilder();
    targets.forEach(
        e ->
            t.append(t.isEmpty() ? "" : ", ")
                .append(e.getKey())
                .append(' ')
                .append(Boolean.TRUE.equals(e.getValue()) ? "ok" : "FAIL"));
    line(b, "targets", "%s: %s", r.getBoolean("pass", false) ? "PASS" : "FAIL", t);
    return b.toString();
  }

  /** A CPU window: machine, cluster, drill and others, in % of one core. */
  private static String cpu(JsonObject c) {
    if (c == null) {
      return "-";
    }
    return String.format(
        Locale.ROOT,
        "CPU %s %% of %s x 100 %% over %s s: cluster %s %%, drill %s %%, others %s %%",
        c.getValue("machine_pct"),
        c.getValue("cores"),
        c.getValue("window_s"),
        c.getValue("cluster_pct"),
        c.getValue("drill_pct"),
        c.getValue("other_pct"));
  }

  private static String owned(JsonObject owned) {
    StringBuilder b = new StringBuilder();
    for (String name : owned.fieldNames()) {
      JsonObject i = owned.getJsonObject(name);
      b.append(b.isEmpty() ? "" : ", ")
          .append(name)
          .append(' ')
          .append(i.getValue("metric"))
          .append(" [")
          .append(i.getValue("log"))
          .append(']');
    }
    return b.toString();
  }

  private static String mm(JsonObject stats) {
    if (stats == null || stats.getValue("median") == null) {
      return "-";
    }
    return format(stats.getValue("median")) + "/" + format(stats.getValue("max"));
  }

  private static String nOf(JsonObject stats) {
    return stats == null ? "-" : stats.getValue("n") + "/" + stats.getValue("of");
  }

  private static String format(Object v) {
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return Long.toString(n.longValue());
    }
    return String.valueOf(v);
  }

  private static void line(StringBuilder b, String key, String format, Object... args) {
    b.append(String.format(Locale.ROOT, "%-10s ", key + ":"))
        .append(String.format(Locale.ROOT, format, args))
        .append('\n');
  }
}
