package dev.podium.api;

/**
 * Delivery headers on messages published to {@link Addresses#roomEvents(String)}.
 */
public final class RoomEventHeaders {
  private RoomEventHeaders() {
  }

  /** When present, only the sockets of this user id receive the message. */
  public static final String TO_USER = "to-user";
  /** When present with value {@code "true"}, gateways close every socket of the room after writing it. */
  public static final String CLOSES_ROOM = "closes-room";
}
