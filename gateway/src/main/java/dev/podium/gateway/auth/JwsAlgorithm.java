package dev.podium.gateway.auth;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * The JWS algorithms Podium accepts, each bound to one kind of key: an HS256 token is only ever
 * checked with the shared secret, RS256 only with an RSA public key, ES256 only with a P-256 key
 * (so no token can choose how it is checked: no algorithm confusion).
 */
enum JwsAlgorithm {
  HS256,
  RS256,
  ES256;

  /** The algorithm for a header's {@code alg} value, or null: exact, case-sensitive names only. */
  static JwsAlgorithm named(Object alg) {
    if (!(alg instanceof String name)) {
      return null;
    }
    for (JwsAlgorithm a : values()) {
      if (a.name().equals(name)) {
        return a;
      }
    }
    return null;
  }

  /** True when the key is the kind this algorithm uses. */
  boolean fits(Key key) {
    return switch (this) {
      case HS256 -> key instanceof SecretKey;
      case RS256 -> key instanceof RSAPublicKey;
      case ES256 -> key instanceof ECPublicKey;
    };
  }

  /**
   * Checks the signature over {@code signingInput}; false for any mismatch, wrong length or wrong
   * kind of key.
   */
  boolean verify(Key key, byte[] signingInput, byte[] signature) {
    if (!fits(key)) {
      return false;
    }
    try {
      switch (this) {
        case HS256 -> {
          Mac mac = Mac.getInstance("HmacSHA256");
          mac.init(key);
          // Constant time, so the comparison leaks nothing about the expected value.
          return MessageDigest.isEqual(mac.doFinal(signingInput), signature);
        }
        case RS256 -> {
          Signature rsa = Signature.getInstance("SHA256withRSA");
          rsa.initVerify((PublicKey) key);
          rsa.update(signingInput);
          return rsa.verify(signature);
        }
        default -> {
          // A JWS ES256 signature is R||S, 32 bytes each (RFC 7518 3.4), not DER: the JDK's
          // P1363 variant of ECDSA takes exactly that form.
          if (signature.length != 64) {
            return false;
          }
          Signature ec = Signature.getInstance("SHA256withECDSAinP1363Format");
          ec.initVerify((PublicKey) key);
          ec.update(signingInput);
          return ec.verify(signature);
        }
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      // A malformed signature is a bad signature.
      return false;
    }
  }
}
