package dev.podium.api;

/**
 * Delivery headers on messages published to {@link Addresses#roomEvents(String)}.
 */
public final class RoomEventHeaders {
  private RoomEventHeaders() {
  }

  /** When present, only the sockets of this user id receive the message. */
  public static final String TO_USER = "to-user";
  /** When present, the sockets of this user id do not receive the message (its sender). */
  public static final String EXCEPT_USER = "except-user";
  /** When {@code "true"}, gateways close every recipient's socket (normal close) after writing the message. */
  public static final String CLOSE_RECIPIENTS = "close-recipients";
  /** With {@link #ROLE}: this user's role is now that; gateways update their sessions of the user. */
  public static final String ROLE_USER = "role-user";
  /** The new role of {@link #ROLE_USER}. */
  public static final String ROLE = "role";
  /** With {@link #MUTED}: this user's microphone is now muted ({@code "true"}) or not; gateways stop or resume taking their audio. */
  public static final String MUTED_USER = "muted-user";
  /** {@code "true"} or {@code "false"}, for {@link #MUTED_USER}. */
  public static final String MUTED = "muted";
  /** On {@code stream_mode_changed}: the event's mode now, {@code "audio"} or {@code "screen"}. */
  public static final String MODE = "mode";
}
