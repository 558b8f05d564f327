package dev.podium.room;

import dev.podium.api.ErrorCode;
import dev.podium.api.presence.Participant;
import dev.podium.api.protocol.ProtocolCodec;
import dev.podium.api.protocol.ServerMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may speak in one event, and every rule about changing that: invitations, speak requests,
 * muting, removal. Plain state: each operation either throws the {@code ServiceException} the actor
 * should see and changes nothing, or changes the state and returns the {@link Outcome} (the room
 * messages to publish and the roles that changed).
 */
public final class Stage {
  /**
   * A room message: to the whole room, or to one user; optionally closing the recipients after it.
   * What it changes for the gateways besides the text they relay travels typed beside the message:
   * {@code mutedUser}/{@code muted} (whose audio to stop or take again) and {@code mode} (the
   * event's mode now, {@code "audio"} or {@code "screen"}); null when it changes none of that.
   */
  public record Effect(
      ServerMessage message,
      String toUser,
      boolean closeRecipients,
      String mutedUser,
      Boolean muted,
      String mode) {
    static Effect toRoom(ServerMessage message) {
      return new Effect(message, null, false, null, null, null);
    }

    static Effect toUser(String userId, ServerMessage message) {
      return new Effect(message, userId, false, null, null, null);
    }

    /** The message as the event-bus body (converted once, at the publisher). */
    public JsonObject json() {
      return ProtocolCodec.toJson(message);
    }

    Effect muting(String userId, boolean nowMuted) {
      return new Effect(message, toUser, closeRecipients, userId, nowMuted, mode);
    }

    Effect switchingTo(String newMode) {
      return new Effect(message, toUser, closeRecipients, mutedUser, muted, newMode);
    }
  }

  /** What an operation did. */
  public record Outcome(List<Effect> effects, Map<String, String> roleChanges) {
    static Outcome of(Effect... effects) {
      return new Outcome(List.of(effects), Map.of());
    }

    static Outcome withRole(String userId, String role, Effect... effects) {
      return new Outcome(List.of(effects), Map.of(userId, role));
    }
  }

  /** A user as the stage needs to know them: name, whether signed in, whether connected now. */
  public record Person(String userId, String username, boolean verified, boolean present) {}

  private record Invite(String username, long expiresAt, boolean hostTold) {
    Invite told() {
      return new Invite(username, expiresAt, true);
    }
  }

  /** A recording in progress: its id and when it started (the recording's time zero). */
  public record Recording(String recordingId, Instant startedAt) {
    public JsonObject toJson() {
      return new JsonObject()
          .put("recording_id", recordingId)
          .put("started_at", startedAt.toString());
    }

    static Recording fromJson(JsonObject json) {
      return json == null
          ? null
          : new Recording(
              json.getString("recording_id"), Instant.parse(json.getString("started_at")));
    }
  }

  private final String hostUserId;
  private final String hostUsername;
  private final int cohostLimit;
  private final LinkedHashMap<String, String> cohosts = new LinkedHashMap<>();
  private final Map<String, Invite> invites = new HashMap<>();
  private final LinkedHashMap<String, String> speakRequests = new LinkedHashMap<>();
  private final Map<String, String> mutedBy = new HashMap<>();
  private final Set<String> banned = new HashSet<>();
  private String mode = "audio";
  private Recording recording;

  public Stage(String hostUserId, String hostUsername, int cohostLimit) {
    this.hostUserId = hostUserId;
    this.hostUsername = hostUsername;
    this.cohostLimit = cohostLimit;
  }

  public String mode() {
    return mode;
  }

  public Optional<Recording> recording() {
    return Optional.ofNullable(recording);
  }

  /** Everything the stage knows, for the cluster copy that a standby room-service takes over. */
  public JsonObject toJson() {
    JsonArray cohostList = new JsonArray();
    cohosts.forEach(
        (id, name) -> cohostList.add(new JsonObject().put("user_id", id).put("username", name)));
    JsonArray inviteList = new JsonArray();
    invites.forEach(
        (id, i) ->
            inviteList.add(
                new JsonObject()
                    .put("user_id", id)
                    .put("username", i.username())
                    .put("expires_at", i.expiresAt())
                    .put("host_told", i.hostTold())));
    JsonArray requests = new JsonArray();
    speakRequests.forEach(
        (id, name) -> requests.add(new JsonObject().put("user_id", id).put("username", name)));
    JsonObject muted = new JsonObject();
    mutedBy.forEach(muted::put);
    return new JsonObject()
        .put("mode", mode)
        .put("cohosts", cohostList)
        .put("invites", inviteList)
        .put("speak_requests", requests)
        .put("muted", muted)
        .put("banned", new JsonArray(new ArrayList<>(banned)))
        .put("recording", recording == null ? null : recording.toJson());
  }

  /** The stage as {@link #toJson} described it. */
  public static Stage fromJson(
      String hostUserId, String hostUsername, int cohostLimit, JsonObject json) {
    Stage stage = new Stage(hostUserId, hostUsername, cohostLimit);
    stage.mode = json.getString("mode", "audio");
    json.getJsonArray("cohosts", new JsonArray())
        .forEach(
            o -> {
              JsonObject c = (JsonObject) o;
              stage.cohosts.put(c.getString("user_id"), c.getString("username"));
            });
    json.getJsonArray("invites", new JsonArray())
        .forEach(
            o -> {
              JsonObject i = (JsonObject) o;
              stage.invites.put(
                  i.getString("user_id"),
                  new Invite(
                      i.getString("username"),
                      i.getLong("expires_at"),
                      i.getBoolean("host_told", false)));
            });
    json.getJsonArray("speak_requests", new JsonArray())
        .forEach(
            o -> {
              JsonObject r = (JsonObject) o;
              stage.speakRequests.put(r.getString("user_id"), r.getString("username"));
            });
    json.getJsonObject("muted", new JsonObject())
        .forEach(e -> stage.mutedBy.put(e.getKey(), String.valueOf(e.getValue())));
    json.getJsonArray("banned", new JsonArray())
        .forEach(id -> stage.banned.add(String.valueOf(id)));
    stage.recording = Recording.fromJson(json.getJsonObject("recording"));
    return stage;
  }

  /** Users with an invitation and when it expires (to re-arm expiry timers after a takeover). */
  public Map<String, Long> inviteDeadlines() {
    Map<String, Long> out = new HashMap<>();
    invites.forEach(
        (id, i) -> {
          if (!i.hostTold()) {
            out.put(id, i.expiresAt());
          }
        });
    return out;
  }

  /** The role this stage gives a user now: host, co-host or listener. */
  public String roleOf(String userId) {
    if (hostUserId.equals(userId)) {
      return Participant.ROLE_HOST;
    }
    return cohosts.containsKey(userId) ? Participant.ROLE_COHOST : Participant.ROLE_LISTENER;
  }

  /** The role a user enters the event with; fails with {@code banned}. */
  public String admit(String userId, boolean verified) {
    if (banned.contains(userId)) {
      throw ErrorCode.BANNED.exception("You were removed from this event by the host");
    }
    if (!verified) {
      if (hostUserId.equals(userId)) {
        throw ErrorCode.USER_ID_IN_USE.exception(
            "That user id belongs to the host; guests cannot use it");
      }
      return Participant.ROLE_LISTENER;
    }
    return roleOf(userId);
  }

  public boolean isCohost(String userId) {
    return cohosts.containsKey(userId);
  }

  public boolean isMuted(String userId) {
    return mutedBy.containsKey(userId);
  }

  /** The parts of {@code room_state} the stage owns, as {@code userId} should see them. */
  public JsonObject stateFor(String userId) {
    JsonArray cohostList = new JsonArray();
    cohosts.forEach(
        (id, name) ->
            cohostList.add(
                new JsonObject()
                    .put("user_id", id)
                    .put("username", name)
                    .put("muted", mutedBy.containsKey(id))));
    JsonObject state = new JsonObject().put("mode", mode).put("cohosts", cohostList);
    if (recording != null) {
      state.put("recording", recording.toJson());
    }
    if (hostUserId.equals(userId)) {
      JsonArray requests = new JsonArray();
      speakRequests.forEach(
          (id, name) ->
              requests.add(new JsonObject().put("participant_id", id).put("username", name)));
      state.put("speak_requests", requests);
    }
    Invite invite = invites.get(userId);
    if (invite != null && invite.expiresAt() > System.currentTimeMillis()) {
      state.put("pending_invite", true);
    }
    return state;
  }

  // --- co-host lifecycle -------------------------------------------------------------------

  public Outcome invite(String actorId, Person target, long nowMillis, long ttlMillis) {
    requireHost(actorId, "Only the host can invite co-hosts");
    if (!target.present()) {
      throw ErrorCode.NOT_IN_ROOM.exception(target.userId() + " is not in this event");
    }
    if (!target.verified()) {
      throw ErrorCode.GUEST_CANNOT_SPEAK.exception(
          "Guests cannot be invited to speak; they must sign in");
    }
    if (hostUserId.equals(target.userId()) || cohosts.containsKey(target.userId())) {
      throw ErrorCode.ALREADY_COHOST.exception(target.username() + " can already speak");
    }
    requireRoomOnStage();
    invites.put(target.userId(), new Invite(target.username(), nowMillis + ttlMillis, false));
    speakRequests.remove(target.userId());
    return Outcome.of(
        Effect.toUser(
            target.userId(),
            new ServerMessage.CohostInvite(
                "You have been invited to co-host.",
                new ServerMessage.UserRef(hostUserId, hostUsername),
                Math.max(1, Math.round(ttlMillis / 1000.0)))));
  }

  /**
   * An invitation's time ran out: the host is told. The expired invitation stays on record until
   * the invitee answers or is invited again, so a late accept hears {@code invite_expired} rather
   * than {@code not_invited}. Nothing happens if it was answered meanwhile.
   */
  public Outcome inviteExpired(String userId, long nowMillis) {
    Invite invite = invites.get(userId);
    if (invite == null || invite.expiresAt() > nowMillis || invite.hostTold()) {
      return Outcome.of();
    }
    invites.put(userId, invite.told());
    return Outcome.of(
        Effect.toUser(
            hostUserId,
            new ServerMessage.CohostInviteExpired(
                userId,
                invite.username(),
                invite.username() + " did not answer the co-host invitation in time.")));
  }

  /**
   * The invitee accepts, as presence knows them: a guest (an unverified user) can never take a
   * co-host seat, even holding an invitation meant for a signed-in user with the same id.
   */
  public Outcome accept(Person who, long nowMillis) {
    if (!who.present()) {
      throw ErrorCode.NOT_IN_ROOM.exception("You are not in this event");
    }
    if (!who.verified()) {
      throw ErrorCode.GUEST_CANNOT_SPEAK.exception("Guests cannot become co-hosts; sign in first");
    }
    return accept(who.userId(), nowMillis);
  }

  public Outcome accept(String userId, long nowMillis) {
    Invite invite = invites.get(userId);
    if (cohosts.containsKey(userId)) {
      throw ErrorCode.ALREADY_COHOST.exception("You are already a co-host");
    }
    if (invite == null) {
      throw ErrorCode.NOT_INVITED.exception("You have no co-host invitation");
    }
    if (invite.expiresAt() <= nowMillis) {
      invites.remove(userId);
      throw ErrorCode.INVITE_EXPIRED.exception("The co-host invitation has expired");
    }
    requireRoomOnStage();
    invites.remove(userId);
    speakRequests.remove(userId);
    cohosts.put(userId, invite.username());
    return Outcome.withRole(
        userId,
        Participant.ROLE_COHOST,
        Effect.toRoom(
            new ServerMessage.CohostJoined(
                userId, invite.username(), invite.username() + " is now a co-host.")));
  }

  public Outcome reject(String userId, long nowMillis) {
    Invite invite = invites.remove(userId);
    if (invite == null) {
      throw ErrorCode.NOT_INVITED.exception("You have no co-host invitation");
    }
    if (invite.expiresAt() <= nowMillis) {
      throw ErrorCode.INVITE_EXPIRED.exception("The co-host invitation had already expired");
    }
    return Outcome.of(
        Effect.toUser(
            hostUserId,
            new ServerMessage.CohostRejected(
                userId,
                invite.username(),
                invite.username() + " declined the co-host invitation.")));
  }

  /** A co-host steps down (or is taken off after being away longer than the grace period). */
  public Outcome leave(String userId, String why) {
    String name = cohosts.remove(userId);
    if (name == null) {
      throw ErrorCode.NOT_COHOST.exception("You are not a co-host");
    }
    mutedBy.remove(userId);
    return Outcome.withRole(
        userId,
        Participant.ROLE_LISTENER,
        Effect.toRoom(new ServerMessage.CohostLeft(userId, name, name + why)));
  }

  public Outcome removeCohost(String actorId, String targetId) {
    requireHost(actorId, "Only the host can remove co-hosts");
    String name = cohosts.remove(targetId);
    if (name == null) {
      throw ErrorCode.NOT_COHOST.exception(targetId + " is not a co-host");
    }
    mutedBy.remove(targetId);
    return Outcome.withRole(targetId, Participant.ROLE_LISTENER, cohostRemoved(targetId, name));
  }

  // --- requests to speak ---------------------------------------------------------------------

  public Outcome requestToSpeak(Person who) {
    if (hostUserId.equals(who.userId()) || cohosts.containsKey(who.userId())) {
      throw ErrorCode.ALREADY_COHOST.exception("You can already speak");
    }
    if (!who.verified()) {
      throw ErrorCode.GUEST_CANNOT_SPEAK.exception("Guests cannot ask to speak; sign in first");
    }
    speakRequests.put(who.userId(), who.username());
    return Outcome.of(
        Effect.toUser(hostUserId, new ServerMessage.SpeakRequest(who.userId(), who.username())));
  }

  /** Withdraws the user's request; nothing happens if there was none. */
  public Outcome cancelRequest(String userId) {
    String name = speakRequests.remove(userId);
    if (name == null) {
      return Outcome.of();
    }
    return Outcome.of(
        Effect.toUser(hostUserId, new ServerMessage.SpeakRequestCancelled(userId, name)));
  }

  public Outcome dismissRequest(String actorId, String targetId) {
    requireHost(actorId, "Only the host can dismiss requests to speak");
    if (speakRequests.remove(targetId) == null) {
      return Outcome.of();
    }
    return Outcome.of(
        Effect.toUser(
            targetId,
            new ServerMessage.SpeakRequestDismissed("The host dismissed your request to speak.")));
  }

  // --- muting -------------------------------------------------------------------------------

  public Outcome mute(String actorId, String targetId) {
    boolean self = actorId.equals(targetId);
    if (!self) {
      requireHost(actorId, "Only the host can mute others");
    }
    if (!cohosts.containsKey(targetId)) {
      throw ErrorCode.NOT_COHOST.exception(
          self ? "Only co-hosts have a microphone to mute" : targetId + " is not a co-host");
    }
    mutedBy.put(targetId, self ? "self" : "host");
    return Outcome.of(
        Effect.toRoom(new ServerMessage.Muted(targetId, actorId)).muting(targetId, true));
  }

  /** Only a co-host unmutes, and only themselves (a host-muted co-host may, as in X Spaces). */
  public Outcome unmute(String actorId, String targetId) {
    if (!actorId.equals(targetId)) {
      throw ErrorCode.NOT_ALLOWED.exception("Only co-hosts unmute themselves");
    }
    if (!cohosts.containsKey(targetId)) {
      throw ErrorCode.NOT_COHOST.exception("Only co-hosts have a microphone to unmute");
    }
    mutedBy.remove(targetId);
    return Outcome.of(
        Effect.toRoom(new ServerMessage.Unmuted(targetId, actorId)).muting(targetId, false));
  }

  // --- removal and mode ------------------------------------------------------------------------

  public Outcome removeParticipant(String actorId, Person target) {
    requireHost(actorId, "Only the host can remove participants");
    if (hostUserId.equals(target.userId())) {
      throw ErrorCode.BAD_REQUEST.exception(
          "The host cannot remove themselves; end the event instead");
    }
    if (!target.present()) {
      throw ErrorCode.NOT_IN_ROOM.exception(target.userId() + " is not in this event");
    }
    banned.add(target.userId());
    invites.remove(target.userId());
    speakRequests.remove(target.userId());
    mutedBy.remove(target.userId());
    List<Effect> effects = new ArrayList<>();
    String name = cohosts.remove(target.userId());
    if (name != null) {
      effects.add(cohostRemoved(target.userId(), name));
    }
    effects.add(
        new Effect(
            new ServerMessage.Removed("The host removed you from this event."),
            target.userId(),
            true,
            null,
            null,
            null));
    return new Outcome(
        effects, name != null ? Map.of(target.userId(), Participant.ROLE_LISTENER) : Map.of());
  }

  /** {@code mode} is {@code "audio"} or {@code "screen"}. */
  public Outcome switchMode(String actorId, String newMode) {
    requireHost(actorId, "Only the host can switch between audio and screen sharing");
    mode = newMode;
    boolean screen = "screen".equals(newMode);
    return Outcome.of(
        Effect.toRoom(
                new ServerMessage.StreamModeChanged(
                    screen
                        ? ServerMessage.StreamModeChanged.TO_SCREEN
                        : ServerMessage.StreamModeChanged.TO_AUDIO,
                    screen
                        ? "The host is now sharing their screen."
                        : "The host switched back to audio."))
            .switchingTo(screen ? "screen" : "audio"),
        Effect.toRoom(
            screen
                ? new ServerMessage.ScreenSharingStarted("Screen sharing started.")
                : new ServerMessage.AudioStreamingStarted("Audio streaming started.")));
  }

  // --- recording ------------------------------------------------------------------------------

  /** The host starts recording, as {@code recordingId}, from {@code now} on. */
  public Outcome startRecording(String actorId, String recordingId, Instant now) {
    requireHost(actorId, "Only the host can record the event");
    if (recording != null) {
      throw ErrorCode.ALREADY_RECORDING.exception("This event is already being recorded");
    }
    recording = new Recording(recordingId, now);
    return Outcome.of(
        Effect.toRoom(
            new ServerMessage.RecordingStarted(
                recordingId, now.toString(), "The host started recording this event.")));
  }

  public Outcome stopRecording(String actorId, Instant now) {
    requireHost(actorId, "Only the host can stop recording the event");
    if (recording == null) {
      throw ErrorCode.NOT_RECORDING.exception("This event is not being recorded");
    }
    Recording stopped = recording;
    recording = null;
    return Outcome.of(
        Effect.toRoom(
            new ServerMessage.RecordingStopped(
                stopped.recordingId(),
                stopped.startedAt().toString(),
                now.toString(),
                "The host stopped recording this event.")));
  }

  public Optional<String> cohostName(String userId) {
    return Optional.ofNullable(cohosts.get(userId));
  }

  private Effect cohostRemoved(String userId, String name) {
    return Effect.toRoom(
        new ServerMessage.CohostRemoved(userId, name, name + " is no longer a co-host."));
  }

  private void requireHost(String actorId, String message) {
    if (!hostUserId.equals(actorId)) {
      throw ErrorCode.NOT_HOST.exception(message);
    }
  }

  private void requireRoomOnStage() {
    if (cohosts.size() >= cohostLimit) {
      throw ErrorCode.COHOST_LIMIT.exception("This event already has " + cohostLimit + " co-hosts");
    }
  }
}
