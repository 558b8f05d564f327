package dev.podium.gateway.auth;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The signing keys of a JWKS document (RFC 7517) that Podium can use, by {@code kid} and algorithm:
 * RSA keys (at least 2048 bits) for RS256 and EC P-256 keys for ES256, each with a {@code kid},
 * {@code use} absent or {@code sig}, {@code key_ops} absent or containing {@code verify}, and
 * {@code alg} absent or naming that algorithm. Other keys (encryption keys, other curves, symmetric
 * keys) are skipped, with the reason kept for the log.
 */
final class JwkSet {
  private static final int MIN_RSA_BITS = 2048;
  private static final ECParameterSpec P256 = p256();

  private record KeyId(String kid, JwsAlgorithm alg) {}

  private final Map<KeyId, PublicKey> keys;
  private final List<String> skipped;

  private JwkSet(Map<KeyId, PublicKey> keys, List<String> skipped) {
    this.keys = Map.copyOf(keys);
    this.skipped = List.copyOf(skipped);
  }

  static JwkSet empty() {
    return new JwkSet(Map.of(), List.of());
  }

  /** Parses a JWKS document; an {@link IllegalArgumentException} if it is not one at all. */
  static JwkSet parse(Buffer body) {
    JsonObject doc;
    try {
      doc = new JsonObject(body.toString(java.nio.charset.StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the JWKS is not a JSON object");
    }
    if (!(doc.getValue("keys") instanceof JsonArray list)) {
      throw new IllegalArgumentException("the JWKS has no \"keys\" array");
    }
    Map<KeyId, PublicKey> keys = new HashMap<>();
    List<String> skipped = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Object entry = list.getValue(i);
      if (!(entry instanceof JsonObject jwk)) {
        skipped.add("key " + i + ": not an object");
        continue;
      }
      try {
        String kid = usableKid(jwk);
        JwsAlgorithm alg;
        PublicKey key;
        switch (String.valueOf(jwk.getValue("kty"))) {
          case "RSA" -> {
            alg = JwsAlgorithm.RS256;
            key = rsa(jwk);
          }
          case "EC" -> {
            alg = JwsAlgorithm.ES256;
            key = ec(jwk);
          }
          default ->
              throw new IllegalArgumentException(
                  "kty " + jwk.getValue("kty") + " is not RSA or EC");
        }
        Object declared = jwk.getValue("alg");
        if (declared != null && !alg.name().equals(declared)) {
          throw new IllegalArgumentException("alg " + declared + " is not " + alg);
        }
        keys.put(new KeyId(kid, alg), key);
      } catch (IllegalArgumentException | GeneralSecurityException e) {
        skipped.add("key " + i + " (kid " + jwk.getValue("kid") + "): " + e.getMessage());
      }
    }
    return new JwkSet(keys, skipped);
  }

  /** The key for this {@code kid} and algorithm, or null. */
  PublicKey find(String kid, JwsAlgorithm alg) {
    return keys.get(new KeyId(kid, alg));
  }

  int size() {
    return keys.size();
  }

  List<String> skipped() {
    return skipped;
  }

  private static String usableKid(JsonObject jwk) {
    if (!(jwk.getValue("kid") instanceof String kid) || kid.isEmpty()) {
      throw new IllegalArgumentException("no kid");
    }
    Object use = jwk.getValue("use");
    if (use != null && !"sig".equals(use)) {
      throw new IllegalArgumentException("use is " + use + ", not sig");
    }
    Object ops = jwk.getValue("key_ops");
    if (ops != null && !(ops instanceof JsonArray a && a.contains("verify"))) {
      throw new IllegalArgumentException("key_ops does not contain verify");
    }
    return kid;
  }

  private static PublicKey rsa(JsonObject jwk) throws GeneralSecurityException {
    BigInteger n = unsigned(jwk, "n");
    BigInteger e = unsigned(jwk, "e");
    if (n.bitLength() < MIN_RSA_BITS) {
      throw new IllegalArgumentException(
          "RSA key of " + n.bitLength() + " bits, under " + MIN_RSA_BITS);
    }
    return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
  }

  private static PublicKey ec(JsonObject jwk) throws GeneralSecurityException {
    if (!"P-256".equals(jwk.getValue("crv"))) {
      throw new IllegalArgumentException("curve " + jwk.getValue("crv") + " is not P-256");
    }
    byte[] xb = bytes(jwk, "x");
    byte[] yb = bytes(jwk, "y");
    if (xb.length != 32 || yb.length != 32) {
      throw new IllegalArgumentException("P-256 coordinates are 32 bytes each");
    }
    BigInteger x = new BigInteger(1, xb);
    BigInteger y = new BigInteger(1, yb);
    // The JDK does not check that the point is on the curve; a key that is not is refused here.
    EllipticCurve curve = P256.getCurve();
    BigInteger p = ((ECFieldFp) curve.getField()).getP();
    BigInteger rhs = x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
    if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0 || !y.pow(2).mod(p).equals(rhs)) {
      throw new IllegalArgumentException("the point is not on P-256");
    }
    return KeyFactory.getInstance("EC")
        .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), P256));
  }

  private static BigInteger unsigned(JsonObject jwk, String name) {
    return new BigInteger(1, bytes(jwk, name));
  }

  private static byte[] bytes(JsonObject jwk, String name) {
    if (!(jwk.getValue(name) instanceof String s) || s.isEmpty()) {
      throw new IllegalArgumentException("no " + name);
    }
    return Base64.getUrlDecoder().decode(s);
  }

  private static ECParameterSpec p256() {
    try {
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
      params.init(new ECGenParameterSpec("secp256r1"));
      return params.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no P-256 support", e);
    }
  }
}
