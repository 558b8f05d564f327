package dev.podium.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Which JWKS entries become keys: only RSA ≥ 2048 and EC P-256 signing keys with a kid. */
class JwkSetTest {
  private static JwkSet parse(JsonObject... jwks) {
    JsonArray list = new JsonArray();
    for (JsonObject j : jwks) {
      list.add(j);
    }
    return JwkSet.parse(Buffer.buffer(new JsonObject().put("keys", list).encode()));
  }

  @Test
  void rsaAndP256KeysAreUsable() {
    TestKeys rsa = TestKeys.rsa("r");
    TestKeys ec = TestKeys.ec("e");
    JwkSet set = parse(rsa.jwk(), ec.jwk());
    assertEquals(2, set.size());
    assertEquals(rsa.pair.getPublic(), set.find("r", JwsAlgorithm.RS256));
    assertEquals(ec.pair.getPublic(), set.find("e", JwsAlgorithm.ES256));
    assertNull(set.find("r", JwsAlgorithm.ES256));
    assertNull(set.find("e", JwsAlgorithm.HS256));
  }

  @Test
  void withoutUseOrAlgAKeyIsStillUsable() {
    JsonObject bare = TestKeys.rsa("r").jwk();
    bare.remove("use");
    bare.remove("alg");
    assertNotNull(parse(bare).find("r", JwsAlgorithm.RS256));
  }

  @Test
  void unusableKeysAreSkippedAndTheRestKept() {
    TestKeys good = TestKeys.ec("good");
    JsonObject offCurve = TestKeys.ec("off").jwk();
    offCurve.put("y", good.jwk().getString("x"));
    JwkSet set =
        parse(
            good.jwk(),
            TestKeys.rsa("small", 1024).jwk(),
            TestKeys.ec("p384", "secp384r1").jwk(),
            TestKeys.rsa("enc").jwk().put("use", "enc"),
            TestKeys.rsa("ops").jwk().put("key_ops", new JsonArray().add("encrypt")),
            TestKeys.rsa("ps").jwk().put("alg", "PS256"),
            TestKeys.ec("wrongalg").jwk().put("alg", "RS256"),
            TestKeys.rsa("nokid").jwk().putNull("kid"),
            new JsonObject().put("kty", "oct").put("kid", "sym").put("k", "c2VjcmV0"),
            new JsonObject()
                .put("kty", "RSA")
                .put("kid", "broken")
                .put("n", "!!!")
                .put("e", "AQAB"),
            offCurve);
    assertEquals(1, set.size(), String.valueOf(set.skipped()));
    assertEquals(10, set.skipped().size(), String.valueOf(set.skipped()));
    assertNotNull(set.find("good", JwsAlgorithm.ES256));
  }

  @Test
  void aDocumentThatIsNotAJwksIsRefused() {
    for (String doc : new String[] {"", "[]", "null", "{}", "{\"keys\":{}}", "<html/>"}) {
      assertThrows(IllegalArgumentException.class, () -> JwkSet.parse(Buffer.buffer(doc)), doc);
    }
    assertEquals(0, JwkSet.parse(Buffer.buffer("{\"keys\":[1,\"x\",null]}")).size());
  }
}
