package dev.podium.gateway.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/** Key pairs made by the test, their JWK form, and RS256/ES256 tokens signed with them. */
final class TestKeys {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  final String kid;
  final KeyPair pair;

  private TestKeys(String kid, KeyPair pair) {
    this.kid = kid;
    this.pair = pair;
  }

  static TestKeys rsa(String kid) {
    return rsa(kid, 2048);
  }

  static TestKeys rsa(String kid, int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits);
      return new TestKeys(kid, g.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static TestKeys ec(String kid) {
    return ec(kid, "secp256r1");
  }

  static TestKeys ec(String kid, String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return new TestKeys(kid, g.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean isRsa() {
    return pair.getPublic() instanceof RSAPublicKey;
  }

  String alg() {
    return isRsa() ? "RS256" : "ES256";
  }

  /**
   * The public key as a JWK, with {@code use} and {@code alg} as an identity provider publishes it.
   */
  JsonObject jwk() {
    if (pair.getPublic() instanceof RSAPublicKey rsa) {
      return new JsonObject()
          .put("kty", "RSA")
          .put("kid", kid)
          .put("use", "sig")
          .put("alg", "RS256")
          .put("n", b64(unsigned(rsa.getModulus(), 0)))
          .put("e", b64(unsigned(rsa.getPublicExponent(), 0)));
    }
    ECPublicKey ec = (ECPublicKey) pair.getPublic();
    int size = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
    return new JsonObject()
        .put("kty", "EC")
        .put("kid", kid)
        .put("use", "sig")
        .put("alg", "ES256")
        .put("crv", size == 32 ? "P-256" : "P-384")
        .put("x", b64(unsigned(ec.getW().getAffineX(), size)))
        .put("y", b64(unsigned(ec.getW().getAffineY(), size)));
  }

  static JsonObject jwks(TestKeys... keys) {
    JsonArray list = new JsonArray();
    for (TestKeys k : keys) {
      list.add(k.jwk());
    }
    return new JsonObject().put("keys", list);
  }

  JsonObject header() {
    return new JsonObject().put("alg", alg()).put("typ", "JWT").put("kid", kid);
  }

  String token(JsonObject claims) {
    return sign(header(), claims);
  }

  /** Signs with this key whatever the header says (for tokens that lie about their alg or kid). */
  String sign(JsonObject header, JsonObject claims) {
    String input = part(header) + "." + part(claims);
    try {
      Signature s =
          Signature.getInstance(isRsa() ? "SHA256withRSA" : "SHA256withECDSAinP1363Format");
      s.initSign(pair.getPrivate());
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64.encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String part(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static String b64(byte[] bytes) {
    return B64.encodeToString(bytes);
  }

  /** Big-endian without a sign byte, left-padded to {@code size} when size > 0. */
  private static byte[] unsigned(BigInteger n, int size) {
    byte[] raw = n.toByteArray();
    if (raw.length > 1 && raw[0] == 0) {
      raw = Arrays.copyOfRange(raw, 1, raw.length);
    }
    if (size > raw.length) {
      byte[] padded = new byte[size];
      System.arraycopy(raw, 0, padded, size - raw.length, raw.length);
      return padded;
    }
    return raw;
  }
}
