package dev.podium.gateway.auth;

/**
 * Who is on the other end of a socket.
 *
 * @param verified false for a guest whose identity only comes from the URL
 */
public record Identity(String userId, String username, boolean verified) {
  public Identity withUsername(String name) {
    return new Identity(userId, name, verified);
  }
}
