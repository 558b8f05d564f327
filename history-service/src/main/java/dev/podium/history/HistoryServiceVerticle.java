package dev.podium.history;

import dev.podium.api.Addresses;
import dev.podium.api.history.HistoryService;
import dev.podium.api.room.LiveEvent;
import dev.podium.api.room.RoomService;
import dev.podium.runtime.ops.Observability;
import dev.podium.runtime.sweep.EndedEventSweep;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.serviceproxy.ServiceBinder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Owns the history database: opens it (starting the embedded PostgreSQL when no external one is
 * set) and migrates it, then writes the services' notices behind ({@link HistoryWriter}), serves
 * reads ({@link HistoryQueries}) and closes the record of events whose end it never heard.
 */
public final class HistoryServiceVerticle extends VerticleBase {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(HistoryServiceVerticle.class);

  /** How often events still open in the record are checked against the live ones. */
  static final long SWEEP_MS = 30_000;

  /** Why an event ended, when its end was never heard (Podium was stopped, or the notice lost). */
  static final String END_NOT_RECORDED = "end_not_recorded";

  private final HistoryConfig config;
  private HistoryDatabase database;
  private Pool pool;
  private long malformed;
  private final List<Meter> meters = new ArrayList<>();

  public HistoryServiceVerticle(HistoryConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    return vertx
        .executeBlocking(() -> HistoryDatabase.open(config))
        .compose(
            db -> {
              database = db;
              pool =
                  PgBuilder.pool()
                      .with(new PoolOptions().setMaxSize(config.poolSize()))
                      .connectingTo(db.address().options())
                      .using(vertx)
                      .build();
              return serve();
            });
  }

  private Future<?> serve() {
    HistoryWriter writer =
        new HistoryWriter(
            new PgRecords(pool),
            config.bufferLimit(),
            config.batchSize(),
            (millis, action) -> vertx.setTimer(millis, id -> action.run()),
            System::currentTimeMillis);
    MeterRegistry metrics = Observability.registry(vertx);
    // Removed again at stop: a meter holds this instance's writer, and a later deployment in the
    // same process registers its own.
    meters.add(
        Gauge.builder("podium_history_pending", writer, HistoryWriter::pending).register(metrics));
    meters.add(
        Gauge.builder("podium_history_seconds_behind", writer, HistoryWriter::secondsBehind)
            .register(metrics));
    meters.add(records(metrics, "written", writer, HistoryWriter::written));
    meters.add(records(metrics, "dropped", writer, HistoryWriter::dropped));
    meters.add(records(metrics, "rejected", writer, HistoryWriter::rejected));
    meters.add(records(metrics, "malformed", writer, w -> malformed));
    meters.add(
        FunctionCounter.builder(
                "podium_history_write_failures_total", writer, HistoryWriter::failedWrites)
            .register(metrics));

    Future<Void> notices =
        vertx
            .eventBus()
            .consumer(
                Addresses.HISTORY_NOTICES,
                msg ->
                    take(
                        writer,
                        msg.body() instanceof JsonObject notice
                            ? HistoryRecord.fromNotice(notice)
                            : Optional.empty(),
                        msg.body()))
            .completion();
    Future<Void> lifecycle =
        vertx
            .eventBus()
            .consumer(
                Addresses.ROOM_LIFECYCLE,
                msg ->
                    take(
                        writer,
                        msg.body() instanceof JsonObject notice
                            ? HistoryRecord.fromLifecycle(notice)
                            : Optional.empty(),
                        msg.body()))
            .completion();
    Future<Void> bound =
        new ServiceBinder(vertx)
            .setAddress(Addresses.HISTORY_SERVICE)
            .register(HistoryService.class, new HistoryQueries(pool))
            .completion();
    RoomService rooms = RoomService.createProxy(vertx);
    EndedEventSweep sweep =
        new EndedEventSweep(
            this::openEvents,
            () ->
                rooms
                    .liveEvents()
                    .map(
                        events ->
                            events.stream().map(LiveEvent::eventId).collect(Collectors.toSet())),
            this::closeUnheard);
    vertx.setPeriodic(SWEEP_MS, id -> sweep.run());
    return Future.all(notices, lifecycle, bound);
  }

  private void take(HistoryWriter writer, Optional<HistoryRecord> record, Object notice) {
    if (record.isPresent()) {
      writer.offer(record.get());
    } else if (malformed++ % 1000 == 0) {
      LOG.atWarn()
          .addKeyValue(
              "kind", notice instanceof JsonObject json ? json.getValue("kind") : "not JSON")
          .log("malformed history notice ignored");
    }
  }

  private static Meter records(
      MeterRegistry metrics,
      String result,
      HistoryWriter writer,
      java.util.function.ToDoubleFunction<HistoryWriter> count) {
    return FunctionCounter.builder("podium_history_records_total", writer, count)
        .tag("result", result)
        .register(metrics);
  }

  private Future<Set<String>> openEvents() {
    return pool.query("SELECT event_id FROM events WHERE ended_at IS NULL")
        .execute()
        .map(
            rows -> {
              Set<String> open = new HashSet<>();
              rows.forEach(row -> open.add(row.getString("event_id")));
              return open;
            });
  }

  /** Ends the record of an event that is no longer live at its last known activity. */
  private Future<?> closeUnheard(String eventId) {
    return pool.preparedQuery(
            "UPDATE events e SET end_reason = $2, ended_at = GREATEST(e.started_at,"
                + " (SELECT max(greatest(a.joined_at, a.left_at)) FROM attendance a"
                + "   WHERE a.event_id = e.event_id),"
                + " (SELECT max(c.sent_at) FROM chat_messages c WHERE c.event_id = e.event_id))"
                + " WHERE e.event_id = $1 AND e.ended_at IS NULL")
        .execute(Tuple.of(eventId, END_NOT_RECORDED))
        .onSuccess(
            rows -> {
              if (rows.rowCount() > 0) {
                LOG.atInfo()
                    .addKeyValue("event_id", eventId)
                    .log("event no longer live and its end never recorded: closed");
              }
            });
  }

  @Override
  public Future<?> stop() {
    MeterRegistry metrics = Observability.registry(vertx);
    meters.forEach(metrics::remove);
    Future<Void> closed = pool == null ? Future.succeededFuture() : pool.close();
    return closed.compose(
        v ->
            database == null
                ? Future.succeededFuture()
                : vertx.executeBlocking(
                    () -> {
                      database.close();
                      return null;
                    }));
  }
}
