package dev.podium.gateway.ws;

import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * A text message encoded to UTF-8 once, for fan-out: every socket gets its own frame object
 * wrapping the same bytes, so a room message costs one JSON encoding and one UTF-8 encoding per
 * gateway node, whatever the number of sockets. (Vert.x releases a frame's buffer after writing it,
 * so the frame itself cannot be shared; the byte array can.)
 */
public final class EncodedText {
  /** Message types that only state "how things are now": the next one supersedes them. */
  private static final java.util.Set<String> SNAPSHOTS =
      java.util.Set.of("participant_list", "participant_count", "speaker_levels", "active_streams");

  private static final String CHAT_LINE = "message_broadcast";

  private final byte[] utf8;
  private final boolean snapshot;
  private final long chatId;

  private EncodedText(byte[] utf8, boolean snapshot, long chatId) {
    this.utf8 = utf8;
    this.snapshot = snapshot;
    this.chatId = chatId;
  }

  public static EncodedText of(JsonObject message) {
    String type = message.getString("type");
    return new EncodedText(
        message.encode().getBytes(StandardCharsets.UTF_8),
        SNAPSHOTS.contains(type),
        CHAT_LINE.equals(type) && message.getValue("id") instanceof Number id
            ? id.longValue()
            : -1);
  }

  /** The id of a chat line ({@code message_broadcast}), or -1 for any other message. */
  long chatId() {
    return chatId;
  }

  /** True for a state snapshot a socket that is behind can skip (a newer one follows). */
  boolean snapshot() {
    return snapshot;
  }

  WebSocketFrame frame() {
    return dev.podium.gateway.vertx.VertxReach.textFrame(utf8);
  }

  int length() {
    return utf8.length;
  }
}
