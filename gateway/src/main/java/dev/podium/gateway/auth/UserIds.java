package dev.podium.gateway.auth;

import java.util.Optional;

/**
 * What a user id may be, wherever it comes from (URL, token, a message's target): 1–128 code
 * points, no control, format, separator-line or unpaired-surrogate characters. Ids are not
 * normalised (they are keys, compared exactly); one that breaks these rules is refused, so no id
 * can inject lines into logs or hide characters from the people who read it.
 */
public final class UserIds {
  public static final int MAX_CODE_POINTS = 128;

  /** Guests' ids are this prefix plus the id they chose; no token's id may start with it. */
  public static final String GUEST_PREFIX = "guest:";

  private UserIds() {}

  /** Why {@code id} is not a valid user id, or empty when it is. */
  public static Optional<String> problem(String id) {
    if (id == null || id.isEmpty()) {
      return Optional.of("the user id is empty");
    }
    if (id.isBlank()) {
      return Optional.of("the user id is blank");
    }
    int count = id.codePointCount(0, id.length());
    if (count > MAX_CODE_POINTS) {
      return Optional.of(
          "the user id is "
              + count
              + " characters long; at most "
              + MAX_CODE_POINTS
              + " are allowed");
    }
    for (int i = 0; i < id.length(); ) {
      int cp = id.codePointAt(i);
      if (DisplayNames.forbidden(cp)) {
        return Optional.of(
            String.format(
                "the user id contains the forbidden character U+%04X at position %d",
                cp, id.codePointCount(0, i)));
      }
      i += Character.charCount(cp);
    }
    return Optional.empty();
  }

  public static boolean isGuest(String id) {
    return id != null && id.startsWith(GUEST_PREFIX);
  }
}
