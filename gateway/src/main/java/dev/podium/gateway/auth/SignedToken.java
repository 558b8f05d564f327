package dev.podium.gateway.auth;

import dev.podium.api.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A JWT in JWS compact form, split but not yet trusted: the decoded header, the signing input and
 * the signature. The payload is decoded only on request, after the signature has been checked, so
 * an unsigned payload is never parsed.
 */
final class SignedToken {
  private final JsonObject header;
  private final String payloadPart;
  private final byte[] signingInput;
  private final byte[] signature;

  private SignedToken(
      JsonObject header, String payloadPart, byte[] signingInput, byte[] signature) {
    this.header = header;
    this.payloadPart = payloadPart;
    this.signingInput = signingInput;
    this.signature = signature;
  }

  /**
   * Splits and decodes {@code token}; an {@link AuthFailure} ({@code token_invalid}) if it is not a
   * JWS.
   */
  static SignedToken parse(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw invalid("a JWT has three dot-separated parts, this one has " + parts.length);
    }
    JsonObject header = json(decode(parts[0], "header"), "header");
    byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    decode(parts[1], "payload"); // only checks the encoding: the JSON waits for the signature
    return new SignedToken(header, parts[1], signingInput, decode(parts[2], "signature"));
  }

  JsonObject header() {
    return header;
  }

  byte[] signingInput() {
    return signingInput;
  }

  byte[] signature() {
    return signature;
  }

  /** The claims: call only once the signature is verified. */
  JsonObject claims() {
    return json(decode(payloadPart, "payload"), "payload");
  }

  private static byte[] decode(String part, String what) {
    // base64url without padding (RFC 7515 2): anything else is refused rather than guessed at.
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!ok) {
        throw invalid("the " + what + " is not base64url (character " + i + ")");
      }
    }
    try {
      return Base64.getUrlDecoder().decode(part);
    } catch (IllegalArgumentException e) {
      throw invalid("the " + what + " is not base64url: " + e.getMessage());
    }
  }

  private static JsonObject json(byte[] bytes, String what) {
    try {
      return new JsonObject(new String(bytes, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw invalid("the " + what + " is not a JSON object");
    }
  }

  private static AuthFailure invalid(String details) {
    return new AuthFailure(ErrorCode.TOKEN_INVALID, "The token is not a valid JWT", details);
  }
}
