package dev.podium.deploy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for Auth0, Keycloak and the like: key pairs made here (RSA 2048, EC P-256), a JWKS
 * served on 127.0.0.1 that counts its requests (and can be made to hang), and tokens signed with
 * those keys.
 */
final class IdentityProvider implements AutoCloseable {
  static final String ISSUER = "https://idp.podium.test/";
  static final String AUDIENCE = "podium-e2e";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** A signing key with its {@code kid}. */
  record Key(String kid, KeyPair pair) {
    boolean rsa() {
      return pair.getPublic() instanceof RSAPublicKey;
    }

    String alg() {
      return rsa() ? "RS256" : "ES256";
    }

    JsonObject header() {
      return new JsonObject().put("alg", alg()).put("typ", "JWT").put("kid", kid);
    }

    JsonObject jwk() {
      if (pair.getPublic() instanceof RSAPublicKey k) {
        return new JsonObject()
            .put("kty", "RSA")
            .put("kid", kid)
            .put("use", "sig")
            .put("alg", "RS256")
            .put("n", b64(unsigned(k.getModulus(), 0)))
            .put("e", b64(unsigned(k.getPublicExponent(), 0)));
      }
      ECPublicKey k = (ECPublicKey) pair.getPublic();
      return new JsonObject()
          .put("kty", "EC")
          .put("kid", kid)
          .put("use", "sig")
          .put("alg", "ES256")
          .put("crv", "P-256")
          .put("x", b64(unsigned(k.getW().getAffineX(), 32)))
          .put("y", b64(unsigned(k.getW().getAffineY(), 32)));
    }

    /** Signs with this key whatever the header says. */
    String sign(JsonObject header, JsonObject claims) {
      String input = part(header) + "." + part(claims);
      try {
        Signature s =
            Signature.getInstance(rsa() ? "SHA256withRSA" : "SHA256withECDSAinP1363Format");
        s.initSign(pair.getPrivate());
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + B64.encodeToString(s.sign());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    String token(JsonObject claims) {
      return sign(header(), claims);
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final List<Key> published = new CopyOnWriteArrayList<>();
  private volatile long lastRequestNanos;
  private volatile boolean hanging;

  IdentityProvider(Key... keys) {
    published.addAll(List.of(keys));
    server =
        PodiumHarness.await(
            vertx
                .createHttpServer()
                .requestHandler(
                    req -> {
                      requests.incrementAndGet();
                      lastRequestNanos = System.nanoTime();
                      if (hanging) {
                        return; // a provider that accepts the connection and never answers
                      }
                      JsonArray list = new JsonArray();
                      published.forEach(k -> list.add(k.jwk()));
                      req.response()
                          .putHeader("Content-Type", "application/json")
                          .end(new JsonObject().put("keys", list).encode());
                    })
                .listen(0, "127.0.0.1"));
  }

  static Key rsa(String kid) {
    return new Key(kid, generate("RSA", null));
  }

  static Key ec(String kid) {
    return new Key(kid, generate("EC", "secp256r1"));
  }

  private static KeyPair generate(String type, String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(type);
      if (curve == null) {
        g.initialize(2048);
      } else {
        g.initialize(new ECGenParameterSpec(curve));
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  String jwksUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/.well-known/jwks.json";
  }

  int requests() {
    return requests.get();
  }

  void publish(Key key) {
    published.add(key);
  }

  void hang(boolean hang) {
    hanging = hang;
  }

  /**
   * Waits out the gateway's refresh interval since this provider's last request, so the next
   * unknown {@code kid} makes the gateway fetch again: a deliberate wait for a rate limit, bounded
   * by the interval.
   */
  void waitOutRefreshInterval(long intervalMillis) throws InterruptedException {
    long since = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastRequestNanos);
    if (since < intervalMillis + 50) {
      Thread.sleep(intervalMillis + 50 - since);
    }
  }

  /** Claims the gateway under test accepts for {@code userId}, valid for an hour. */
  static JsonObject claims(String userId) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject()
        .put("sub", userId)
        .put("name", userId)
        .put("iss", ISSUER)
        .put("aud", AUDIENCE)
        .put("iat", now)
        .put("exp", now + 3600);
  }

  static String part(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static String b64(byte[] bytes) {
    return B64.encodeToString(bytes);
  }

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

  @Override
  public void close() {
    PodiumHarness.await(vertx.close());
  }
}
