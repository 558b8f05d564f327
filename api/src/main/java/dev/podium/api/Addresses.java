package dev.podium.api;

/**
 * Every event-bus address Podium uses. Each address is owned by one concern; nothing else in the
 * code base spells an address out. Names follow one pattern: {@code podium.<area>.<what>}, then the
 * id it is for, if any, last ({@code podium.media.demand.<eventId>}); the area is the service that
 * answers or publishes there ({@code room}, {@code chat}, {@code presence}, {@code media}, {@code
 * gateway}).
 */
public final class Addresses {
  private Addresses() {}

  /** Service proxy of the room-service. */
  public static final String ROOM_SERVICE = "podium.room";

  /** Service proxy of the chat-service. */
  public static final String CHAT_SERVICE = "podium.chat";

  /** Service proxy of the presence-service. */
  public static final String PRESENCE_SERVICE = "podium.presence";

  /** Service proxy of the history-service (reads of the database's record). */
  public static final String HISTORY_SERVICE = "podium.history";

  /**
   * Sent (point to point, fire and forget) by the services to the history-service: a {@code
   * HistoryNotice} for the database's record.
   */
  public static final String HISTORY_NOTICES = "podium.history.notices";

  /**
   * Published by the room-service when an event starts, changes mode or ends (a {@link
   * LifecycleNotice}).
   */
  public static final String ROOM_LIFECYCLE = "podium.room.lifecycle";

  /**
   * Published by each presence-service instance: its part of the active-streams list, the entries
   * of the events it owns, whole every few seconds and as changes in between ({@code {instance,
   * full, streams, gone, ended}}, docs/architecture.md). Each gateway node puts the parts together.
   */
  public static final String ACTIVE_STREAMS_PARTS = "podium.presence.active-streams.parts";

  /** Published by every gateway node every heartbeat period: {@code {node_id}}. */
  public static final String GATEWAY_HEARTBEAT = "podium.gateway.heartbeat";

  /** Request/reply status of the media relay: {@code {service, status}}. */
  public static final String MEDIA_STATUS = "podium.media.status";

  private static final String GATEWAY_CONTROL_PREFIX = "podium.gateway.control.";

  /**
   * One gateway node's room messages, of every event it has sockets in: each message carries its
   * event id in a header, and goes only to the nodes that hold sockets of that event (runtime
   * {@code RoomChannel}, {@code RoomRoutes}). The body is the client-facing JSON message; the node
   * writes it to its sockets of the event.
   */
  public static String gatewayRooms(String nodeId) {
    return "podium.gateway.rooms." + nodeId;
  }

  /**
   * Speakers' audio for one media-relay instance (point to point), sent by gateways to the owner of
   * the event in the {@link #MEDIA_RELAY_RING}. Body: the chunk; headers: a {@link
   * dev.podium.api.media.AudioChunkHeaders} (event id, user id, codec).
   */
  public static String mediaIn(String relayId) {
    return "podium.media.in." + relayId;
  }

  /**
   * One room-service instance's own proxy address: calls for the events it owns, forwarded by
   * whichever instance received them on {@link #ROOM_SERVICE}.
   */
  public static String roomInstance(String instanceId) {
    return "podium.room.instance." + instanceId;
  }

  /**
   * One presence-service instance's own proxy address: calls for the events it owns, forwarded by
   * whichever instance received them on {@link #PRESENCE_SERVICE}, and the per-instance part of
   * {@code notifyUser}.
   */
  public static String presenceInstance(String instanceId) {
    return "podium.presence.instance." + instanceId;
  }

  /**
   * Published by a presence-service instance that took an event over from the cluster copy: {@code
   * {event_id, reply_to}}. Every gateway node answers at {@code reply_to} (a {@link
   * #presenceResyncReply}) with its open sessions of the event, in batches of {@code {event_id,
   * node_id, participants, done}}, one batch in flight; the last one has {@code done: true} (a node
   * without such sessions sends just that). This heals the joins and leaves a killed owner had not
   * written to the cluster copy yet.
   */
  public static final String PRESENCE_RESYNC = "podium.presence.resync";

  /**
   * Where one presence-service instance receives the gateways' answers to its {@link
   * #PRESENCE_RESYNC}.
   */
  public static String presenceResyncReply(String instanceId) {
    return "podium.presence.resync." + instanceId;
  }

  /**
   * One gateway node's media, of every event it has sockets in: mixed audio from the events' relays
   * and screen chunks from the hosts' gateways (body: a {@code MediaPacket}; header {@code event}),
   * sent only to the nodes that hold sockets of the event, as room messages are ({@link
   * #gatewayRooms(String)}).
   */
  public static String gatewayMedia(String nodeId) {
    return "podium.gateway.media." + nodeId;
  }

  /**
   * Mix demand of one event (published by gateways): {@code {node_id, mix, opus}}. A gateway node
   * publishes at once when its demand changes and again every second while it wants the mix; the
   * owning relay publishes the room mix only while some node wants it, and encodes it in Opus only
   * while some node has an Opus listener (docs/media.md, "Who hears a room").
   */
  public static String mediaDemand(String eventId) {
    return "podium.media.demand." + eventId;
  }

  /**
   * The media relays' ownership ring (runtime {@code ServiceOwnership}, registry map {@code
   * podium.members.media-relay}): each relay joins it and mixes the events it owns; gateways
   * observe it to send a speaker's audio straight to the relay that mixes the event.
   */
  public static final String MEDIA_RELAY_RING = "media-relay";

  /**
   * The recorders' ownership ring (runtime {@code ServiceOwnership}, registry map {@code
   * podium.members.recorder}): each recorder records the recording events it owns.
   */
  public static final String RECORDER_RING = "recorder";

  /**
   * Request/reply: a byte range of a recording file, read by any recorder (they share {@code
   * PODIUM_RECORDINGS_DIR}). Headers {@code file} (relative path, as the record names it), {@code
   * offset} and {@code length}; the reply body is the bytes, with header {@code size} (the file's
   * whole length). Failures: 404 (no such file), 400 (a bad path or range).
   */
  public static final String RECORDING_FILES = "podium.recorder.files";

  /** The room-services' ownership ring (registry map {@code podium.members.room-service}). */
  public static final String ROOM_SERVICE_RING = "room-service";

  /**
   * The presence-services' ownership ring (registry map {@code podium.members.presence-service}).
   */
  public static final String PRESENCE_SERVICE_RING = "presence-service";

  /**
   * The room-service calls that run on whichever instance receives them; every other call's first
   * argument is the event id its owner is found by.
   */
  public static final java.util.Set<String> ROOM_UNKEYED_CALLS =
      java.util.Set.of("goLive", "liveEvents");

  /** The presence-service calls that run on whichever instance receives them (as above). */
  public static final java.util.Set<String> PRESENCE_UNKEYED_CALLS =
      java.util.Set.of("activeStreams", "notifyUser");

  /** Point-to-point control messages for one gateway node (for example "close this session"). */
  public static String gatewayControl(String nodeId) {
    return GATEWAY_CONTROL_PREFIX + nodeId;
  }

  /**
   * Cluster map (not an address, but shared the same way): event id to the last WebM initialisation
   * segment the host sent. The host's gateway writes it; the media relays remove it when the event
   * ends.
   */
  public static final String SCREEN_INIT_MAP = "podium.media.screen-init";
}
