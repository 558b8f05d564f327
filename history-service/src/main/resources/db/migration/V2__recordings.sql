-- Recordings of events (docs/recording.md): written by the recorders' notices, as the rest.

CREATE TABLE recordings (
  recording_id text PRIMARY KEY,
  event_id     text NOT NULL,
  started_at   timestamptz NOT NULL,
  stopped_at   timestamptz,
  -- The file's name under PODIUM_RECORDINGS_DIR: <event id>/<recording id>.opus
  file         text NOT NULL,
  duration_ms  bigint NOT NULL DEFAULT 0,
  bytes        bigint NOT NULL DEFAULT 0
);
CREATE INDEX recordings_by_event ON recordings (event_id, started_at);

-- Stretches of a recording that hold silence because no recorder wrote them (one died and
-- another took over), in milliseconds of the recording's time.
CREATE TABLE recording_gaps (
  recording_id text NOT NULL,
  from_ms      bigint NOT NULL,
  to_ms        bigint NOT NULL,
  PRIMARY KEY (recording_id, from_ms)
);
