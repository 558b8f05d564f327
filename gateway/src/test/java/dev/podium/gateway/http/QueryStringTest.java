package dev.podium.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryStringTest {
  @Test
  void readsTheParametersAClientSends() {
    assertEquals("abc.def-ghi", QueryString.first("token=abc.def-ghi", "token"));
    assertEquals("opus", QueryString.first("token=t&codec=opus&ptime=40", "codec"));
    assertEquals("40", QueryString.first("token=t;ptime=40", "ptime"));
    assertEquals("a b+é", QueryString.first("token=a+b%2B%C3%A9", "token"));
    assertEquals("first", QueryString.first("token=first&token=second", "token"));
    assertEquals("", QueryString.first("token", "token"));
    assertEquals("", QueryString.first("token=", "token"));
    assertNull(QueryString.first("tokens=x&tok=y", "token"));
    assertNull(QueryString.first("x=1#token=2", "token"));
    assertNull(QueryString.first("", "token"));
    assertNull(QueryString.first(null, "token"));
  }

  /** The gateway used Netty's decoder before: a client sees the same answer now. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "token=abc",
        "a=1&token=x%20y&token=second",
        "token=a+b",
        "token=%C3%A9t%C3%A9",
        "codec=opus;ptime=40&token=t",
        "token",
        "token=",
        "x=1#token=2",
        "",
        "tok=1&token",
        "token=a=b",
        "&&token=x&&",
        "t%6Fken=named",
        "token=%2526"
      })
  void answersAsNettysDecoderDid(String query) {
    for (String name : List.of("token", "codec", "ptime", "x", "tok")) {
      List<String> netty = new QueryStringDecoder("?" + query).parameters().get(name);
      assertEquals(
          netty == null ? null : netty.get(0),
          QueryString.first(query, name),
          query + " / " + name);
    }
  }

  @Test
  void refusesAMalformedEscapeAsNettysDecoderDid() {
    assertThrows(IllegalArgumentException.class, () -> QueryString.first("token=%zz", "token"));
    assertThrows(IllegalArgumentException.class, () -> QueryString.first("token=abc%2", "token"));
    assertThrows(
        IllegalArgumentException.class, () -> new QueryStringDecoder("?token=abc%2").parameters());
  }
}
