package dev.podium.deploy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What clients did and saw during a network-fault test, and the checks run on it afterwards, in the
 * manner of a Jepsen history: every operation with its outcome ({@code ok}, an error code, or
 * {@code indeterminate} when no answer came in time), and every message each client received.
 * Thread-safe: the clients' workers record concurrently.
 */
final class OperationHistory {
  /**
   * One client operation: what, by whom, through which host's gateway ({@code via}), in which
   * event, and how it ended.
   */
  record Op(
      String client,
      String via,
      String event,
      String kind,
      String value,
      long startedMs,
      long endedMs,
      String outcome,
      long id) {
    boolean acknowledged() {
      return "ok".equals(outcome);
    }
  }

  /** An anomaly the checker found. */
  record Anomaly(String kind, String detail) {}

  private final long origin = System.currentTimeMillis();
  private final List<Op> ops = new ArrayList<>();
  private final Map<String, TestSocket> clients = new LinkedHashMap<>();
  private final Map<String, String> clientEvents = new HashMap<>();
  private final List<Pause> pauses = new ArrayList<>();

  /** An operation that got no answer in time, with its socket and what it had received then. */
  private record Sent(TestSocket socket, int seenBefore, long sentNanos) {}

  private final Map<Op, Sent> unanswered = new HashMap<>();

  /** A host whose processes were stopped (SIGSTOP) from {@code fromMs} until {@code toMs}. */
  private record Pause(String host, long fromMs, long toMs) {}

  synchronized void client(String name, String eventId, TestSocket socket) {
    clients.put(name, socket);
    clientEvents.put(name, eventId);
  }

  /**
   * Records that {@code host}'s processes stood still from {@code fromMs} to {@code toMs}: a stage
   * action sent through its gateway then could not be answered in time by anyone, so going
   * unanswered is not an anomaly (either stage state is still accepted after it).
   */
  synchronized void paused(String host, long fromMs, long toMs) {
    pauses.add(new Pause(host, fromMs, toMs));
  }

  /** Whether {@code op} waited for its answer, at most {@code waitMs}, through a paused gateway. */
  private boolean sentIntoAPause(Op op, long waitMs) {
    for (Pause p : pauses) {
      if (p.host().equals(op.via())
          && op.startedMs() <= p.toMs()
          && op.startedMs() + waitMs >= p.fromMs()) {
        return true;
      }
    }
    return false;
  }

  long now() {
    return System.currentTimeMillis() - origin;
  }

  synchronized void record(Op op) {
    ops.add(op);
  }

  /**
   * Records {@code op} with what its socket received from the send on ({@code seenBefore} is the
   * socket's count of text messages at the send), looked at again when the checker reports it.
   */
  synchronized void recordUnanswered(Op op, TestSocket socket, int seenBefore, long sentNanos) {
    ops.add(op);
    unanswered.put(op, new Sent(socket, seenBefore, sentNanos));
  }

  /**
   * For a failure message: whether an unanswered op's socket is open, and what it received after
   * the send, to the end of the test (chat lines counted, the rest listed with ms after the send).
   */
  private String describeAfterSend(Op op) {
    Sent sent = unanswered.get(op);
    if (sent == null) {
      return "";
    }
    List<String> arrivals = sent.socket().arrivalsFrom(sent.seenBefore(), sent.sentNanos());
    long chat = arrivals.stream().filter(a -> a.startsWith("message_broadcast@")).count();
    List<String> others =
        arrivals.stream().filter(a -> !a.startsWith("message_broadcast@")).limit(20).toList();
    return " via "
        + op.via()
        + "; its socket "
        + (sent.socket().isOpen() ? "open" : "closed")
        + "; received after the send: "
        + chat
        + " chat lines and "
        + others;
  }

  synchronized List<Op> ops() {
    return List.copyOf(ops);
  }

  /**
   * Chat as joiners see it after the heal: {@code histories} is, per event, the {@code
   * chat_history} a fresh joiner received. Every acknowledged line must be in it once, no line may
   * be there twice or come from nowhere, and each sender's acknowledged lines keep their order.
   */
  synchronized List<Anomaly> checkChat(Map<String, JsonArray> histories) {
    List<Anomaly> found = new ArrayList<>();
    Map<String, Op> sent = new HashMap<>();
    for (Op op : ops) {
      if (op.kind().equals("chat")) {
        sent.put(op.value(), op);
      }
    }
    for (Map.Entry<String, JsonArray> event : histories.entrySet()) {
      Map<String, Integer> copies = new HashMap<>();
      Map<Long, String> ids = new TreeMap<>();
      for (Object o : event.getValue()) {
        JsonObject m = (JsonObject) o;
        String text = m.getString("message");
        copies.merge(text, 1, Integer::sum);
        String before = ids.put(m.getLong("id"), text);
        if (before != null) {
          found.add(new Anomaly("duplicate-id", event.getKey() + " id " + m.getLong("id")));
        }
        Op op = sent.get(text);
        if (op == null || !op.event().equals(event.getKey())) {
          found.add(new Anomaly("phantom", event.getKey() + ": " + text));
        }
      }
      copies.forEach(
          (text, n) -> {
            if (n > 1) {
              found.add(new Anomaly("duplicated", event.getKey() + ": " + text + " x" + n));
            }
          });
      // Each sender's acknowledged lines, in the order they were sent, must have rising ids.
      Map<String, Long> lastIdBySender = new HashMap<>();
      Map<String, Long> idOfText = new HashMap<>();
      ids.forEach((id, text) -> idOfText.put(text, id));
      for (Op op : ops) {
        if (!op.kind().equals("chat") || !op.event().equals(event.getKey())) {
          continue;
        }
        Long id = idOfText.get(op.value());
        if (op.acknowledged() && id == null) {
          found.add(
              new Anomaly(
                  "lost",
                  event.getKey()
                      + ": "
                      + op.value()
                      + " (sent at "
                      + op.startedMs()
                      + " ms, acknowledged as id "
                      + op.id()
                      + " at "
                      + op.endedMs()
                      + " ms; the history's line of that id: "
                      + ids.get(op.id())
                      + ", its ids "
                      + (ids.isEmpty()
                          ? "none"
                          : ((TreeMap<Long, String>) ids).firstKey()
                              + ".."
                              + ((TreeMap<Long, String>) ids).lastKey())
                      + ", "
                      + ids.size()
                      + " lines)"));
        }
        if (op.acknowledged() && id != null) {
          Long previous = lastIdBySender.put(op.client(), id);
          if (previous != null && previous > id) {
            found.add(new Anomaly("reordered", op.client() + ": " + op.value()));
          }
        }
      }
    }
    return found;
  }

  /**
   * The stage as every client saw it, at every moment: no list with two hosts, none with more
   * co-hosts than the limit.
   */
  synchronized List<Anomaly> checkStage(int cohostLimit) {
    List<Anomaly> found = new ArrayList<>();
    for (Map.Entry<String, TestSocket> client : clients.entrySet()) {
      for (JsonObject m : client.getValue().seen("participant_list")) {
        int hosts = 0;
        int cohosts = 0;
        for (Object p : m.getJsonArray("participants", new JsonArray())) {
          String role = ((JsonObject) p).getString("role");
          hosts += "host".equals(role) ? 1 : 0;
          cohosts += "cohost".equals(role) ? 1 : 0;
        }
        if (hosts > 1) {
          found.add(new Anomaly("two-hosts", client.getKey() + " saw " + m.encode()));
        }
        if (cohosts > cohostLimit) {
          found.add(new Anomaly("cohost-limit", client.getKey() + " saw " + m.encode()));
        }
      }
    }
    return found;
  }

  /**
   * Stage actions: none went unanswered while its socket stayed open (an action the cluster could
   * not apply must be answered with an error), unless its gateway was paused while it waited
   * ({@link #paused}), and each event's stage after the heal ({@code cohosts}: event id → user ids
   * on stage, as a new joiner's {@code room_state} lists them) shows the last acknowledged {@code
   * accept_cohost} or {@code remove_cohost}, unless an action with no answer, or answered {@code
   * outcome_unknown} (sent, not answered in time), came after it: then either state is right. Any
   * other error says the action was not applied.
   */
  synchronized List<Anomaly> checkStageOutcome(
      Map<String, java.util.Set<String>> cohosts, long waitMs) {
    List<Anomaly> found = new ArrayList<>();
    Map<String, String> speakers = new HashMap<>();
    Map<String, Boolean> expected = new HashMap<>();
    for (Op op : ops) {
      if (!op.kind().equals("stage")) {
        continue;
      }
      boolean changes = op.value().equals("accept_cohost") || op.value().equals("remove_cohost");
      // An applied invitation is not confirmed to the host (only the invited one hears of it).
      if (changes && op.outcome().equals("indeterminate") && !sentIntoAPause(op, waitMs)) {
        found.add(
            new Anomaly(
                "unanswered",
                op.client() + " " + op.value() + " at " + op.startedMs() + describeAfterSend(op)));
      }
      if (op.value().equals("accept_cohost")) {
        speakers.put(op.event(), op.client());
      }
      if (!changes) {
        continue;
      }
      if (op.acknowledged()) {
        expected.put(op.event(), op.value().equals("accept_cohost"));
      } else if (op.outcome().equals("indeterminate")
          || op.outcome().equals("closed")
          || op.outcome().equals("outcome_unknown")) {
        expected.put(op.event(), null);
      }
    }
    for (Map.Entry<String, Boolean> e : expected.entrySet()) {
      String speaker = speakers.get(e.getKey());
      java.util.Set<String> onStage = cohosts.get(e.getKey());
      if (e.getValue() == null || speaker == null || onStage == null) {
        continue;
      }
      if (onStage.contains(speaker) != e.getValue()) {
        found.add(
            new Anomaly(
                "stage-lost",
                e.getKey()
                    + ": "
                    + speaker
                    + (e.getValue() ? " accepted, not on stage" : " removed, still on stage")));
      }
    }
    return found;
  }

  /** Jepsen-like summary lines: operations by kind and outcome, and the anomalies. */
  synchronized String summary(String scenario, List<Anomaly> anomalies, Map<String, Object> times) {
    StringBuilder out = new StringBuilder();
    out.append("\n=== network fault: ").append(scenario).append(" ===\n");
    Map<String, Map<String, Integer>> byKind = new TreeMap<>();
    for (Op op : ops) {
      byKind.computeIfAbsent(op.kind(), k -> new TreeMap<>()).merge(op.outcome(), 1, Integer::sum);
    }
    byKind.forEach(
        (kind, outcomes) -> {
          int total = outcomes.values().stream().mapToInt(Integer::intValue).sum();
          out.append(String.format("  %-8s %5d ops: %s%n", kind, total, outcomes));
        });
    Map<String, Integer> kinds = new TreeMap<>();
    anomalies.forEach(a -> kinds.merge(a.kind(), 1, Integer::sum));
    out.append("  anomalies: ").append(anomalies.isEmpty() ? "none" : kinds).append('\n');
    anomalies.stream()
        .limit(10)
        .forEach(
            a -> out.append("    ").append(a.kind()).append(": ").append(a.detail()).append('\n'));
    times.forEach((k, v) -> out.append("  ").append(k).append(": ").append(v).append('\n'));
    return out.toString();
  }
}
