package dev.podium.api;

import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * How the gateways deliver one message sent to a room (runtime {@code RoomChannel}), and what it
 * changes for them besides its text: the message's delivery headers as one value. The publisher
 * writes them with {@link #toDeliveryOptions()}, each gateway node reads them once with {@link
 * #from(MultiMap)}; nothing else spells a header out. {@link #ROOM} (no header): everyone in the
 * room gets the message and nothing else changes.
 *
 * @param toUser only the sockets of this user id receive the message ({@code to-user})
 * @param exceptUser the sockets of this user id (its sender) do not ({@code except-user})
 * @param closeRecipients gateways close every recipient's socket normally after writing it ({@code
 *     close-recipients: "true"})
 * @param roleUser with {@code role}: this user's role is now that; gateways update their sessions
 *     of the user ({@code role-user}, {@code role})
 * @param role the new role of {@code roleUser}
 * @param mutedUser with {@code muted}: this user's microphone is now muted or not; gateways stop or
 *     resume taking their audio ({@code muted-user}, {@code muted: "true" | "false"})
 * @param muted for {@code mutedUser}
 * @param mode on {@code stream_mode_changed}: the event's mode now, {@code "audio"} or {@code
 *     "screen"} ({@code mode})
 */
public record RoomMessageRouting(
    String toUser,
    String exceptUser,
    boolean closeRecipients,
    String roleUser,
    String role,
    String mutedUser,
    boolean muted,
    String mode) {

  private static final String TO_USER = "to-user";
  private static final String EXCEPT_USER = "except-user";
  private static final String CLOSE_RECIPIENTS = "close-recipients";
  private static final String ROLE_USER = "role-user";
  private static final String ROLE = "role";
  private static final String MUTED_USER = "muted-user";
  private static final String MUTED = "muted";
  private static final String MODE = "mode";

  /** To everyone in the room, changing nothing else. */
  public static final RoomMessageRouting ROOM =
      new RoomMessageRouting(null, null, false, null, null, null, false, null);

  /** Only to {@code userId}'s sockets; null: to the whole room. */
  public RoomMessageRouting toUser(String userId) {
    return new RoomMessageRouting(
        userId, exceptUser, closeRecipients, roleUser, role, mutedUser, muted, mode);
  }

  /** To the room except {@code userId}'s sockets (the sender's). */
  public RoomMessageRouting exceptUser(String userId) {
    return new RoomMessageRouting(
        toUser, userId, closeRecipients, roleUser, role, mutedUser, muted, mode);
  }

  /** Whether the gateways close each recipient's socket after writing the message. */
  public RoomMessageRouting closingRecipients(boolean close) {
    return new RoomMessageRouting(
        toUser, exceptUser, close, roleUser, role, mutedUser, muted, mode);
  }

  /** {@code userId}'s role is now {@code newRole}. */
  public RoomMessageRouting withRole(String userId, String newRole) {
    return new RoomMessageRouting(
        toUser, exceptUser, closeRecipients, userId, newRole, mutedUser, muted, mode);
  }

  /** {@code userId}'s microphone is now muted or not; a null user changes nothing. */
  public RoomMessageRouting withMute(String userId, boolean nowMuted) {
    return new RoomMessageRouting(
        toUser,
        exceptUser,
        closeRecipients,
        roleUser,
        role,
        userId,
        userId != null && nowMuted,
        mode);
  }

  /** The event's mode is now {@code newMode}; null changes nothing. */
  public RoomMessageRouting withMode(String newMode) {
    return new RoomMessageRouting(
        toUser, exceptUser, closeRecipients, roleUser, role, mutedUser, muted, newMode);
  }

  /** The headers, each present only when it says something. */
  public DeliveryOptions toDeliveryOptions() {
    DeliveryOptions options = new DeliveryOptions();
    if (toUser != null) {
      options.addHeader(TO_USER, toUser);
    }
    if (exceptUser != null) {
      options.addHeader(EXCEPT_USER, exceptUser);
    }
    if (closeRecipients) {
      options.addHeader(CLOSE_RECIPIENTS, "true");
    }
    if (roleUser != null && role != null) {
      options.addHeader(ROLE_USER, roleUser).addHeader(ROLE, role);
    }
    if (mutedUser != null) {
      options.addHeader(MUTED_USER, mutedUser).addHeader(MUTED, String.valueOf(muted));
    }
    if (mode != null) {
      options.addHeader(MODE, mode);
    }
    return options;
  }

  /** Reads a room message's headers (none: {@link #ROOM}); flags are set only by {@code "true"}. */
  public static RoomMessageRouting from(MultiMap headers) {
    if (headers == null || headers.isEmpty()) {
      return ROOM;
    }
    String roleUser = headers.get(ROLE_USER);
    String mutedUser = headers.get(MUTED_USER);
    return new RoomMessageRouting(
        headers.get(TO_USER),
        headers.get(EXCEPT_USER),
        "true".equals(headers.get(CLOSE_RECIPIENTS)),
        roleUser,
        roleUser == null ? null : headers.get(ROLE),
        mutedUser,
        mutedUser != null && "true".equals(headers.get(MUTED)),
        headers.get(MODE));
  }
}
