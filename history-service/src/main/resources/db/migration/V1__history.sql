-- Podium's record of events (docs/storage.md). Rows arrive from notices that may come twice or
-- out of order, so no table refers to another and every write is an upsert on a natural key.

CREATE TABLE events (
  event_id       text PRIMARY KEY,
  host_user_id   text NOT NULL,
  host_username  text NOT NULL,
  title          text,
  mode           text NOT NULL DEFAULT 'audio',
  started_at     timestamptz NOT NULL,
  ended_at       timestamptz,
  end_reason     text
);
-- A host's events, newest first (GET /api/events?host=...).
CREATE INDEX events_by_host ON events (host_user_id, started_at DESC, event_id DESC);
-- Events still open, for the sweep that closes those whose end was never heard.
CREATE INDEX events_open ON events (started_at) WHERE ended_at IS NULL;

-- One visit: one socket of a user in an event, from its join to its leave. A visit whose leave
-- was never heard ends with its event. joined_at is null only while the join is still on its way.
CREATE TABLE attendance (
  event_id   text NOT NULL,
  session_id text NOT NULL,
  user_id    text NOT NULL,
  username   text NOT NULL,
  roles      text[] NOT NULL DEFAULT '{}',
  joined_at  timestamptz,
  left_at    timestamptz,
  PRIMARY KEY (event_id, session_id)
);
CREATE INDEX attendance_by_time ON attendance (event_id, joined_at, session_id);

-- Every accepted chat message, by its id in the event (the id the room saw).
CREATE TABLE chat_messages (
  event_id  text NOT NULL,
  id        bigint NOT NULL,
  user_id   text NOT NULL,
  username  text NOT NULL,
  message   text NOT NULL,
  sent_at   timestamptz NOT NULL,
  PRIMARY KEY (event_id, id)
);

-- Users the host removed from an event, who may not come back to it.
CREATE TABLE bans (
  event_id   text NOT NULL,
  user_id    text NOT NULL,
  by_user_id text NOT NULL,
  banned_at  timestamptz NOT NULL,
  PRIMARY KEY (event_id, user_id)
);
