package dev.podium.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.protocol.ClientMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any string at all given to the parser gives a request or a coded {@link BadRequest}, never
 * another exception: random text, and JSON objects built from the real message types with random
 * fields of random kinds (where the parser's branches are).
 */
class ClientMessageParserPropertyTest {
  private static final List<String> TYPES =
      List.of(
          "broadcast_message",
          "text",
          "webrtc_offer",
          "webrtc_answer",
          "ice_candidate",
          "invite_cohost",
          "send_invite",
          "remove_cohost",
          "dismiss_request",
          "remove_participant",
          "mute",
          "unmute",
          "leave_room",
          "get_participants",
          "stream_ended",
          "accept_cohost",
          "cohost_reject",
          "reject_cohost",
          "cohost_leave",
          "request_to_speak",
          "cancel_request",
          "switching_to_audio",
          "switching_to_screen_sharing",
          "",
          "nonsense");
  private static final List<String> FIELDS =
      List.of(
          "type",
          "message",
          "text",
          "offer",
          "answer",
          "candidate",
          "to",
          "user_id",
          "participant_id",
          "offset",
          "limit",
          "username",
          "stream");

  private final ClientMessageParser parser = new ClientMessageParser(4096, 512);

  @Property(tries = 3000)
  void anyTextIsARequestOrACodedRefusal(@ForAll String text) {
    check(text);
  }

  @Property(tries = 3000)
  void anyMessageShapedObjectIsARequestOrACodedRefusal(@ForAll("messages") String text) {
    check(text);
  }

  @Property(tries = 500)
  void truncatedMessagesAreRefusedCleanly(
      @ForAll("messages") String text, @ForAll("cuts") int cut) {
    check(text.substring(0, Math.min(text.length(), cut)));
  }

  private void check(String text) {
    try {
      ClientRequest request = parser.parse(text);
      assertNotNull(request.type());
      if (request.message() instanceof ClientMessage.WebrtcOffer s) {
        assertNotNull(s.offer());
      }
    } catch (BadRequest bad) {
      assertNotNull(bad.code());
      assertTrue(bad.getMessage() != null && !bad.getMessage().isBlank());
      assertTrue(bad.details() != null && !bad.details().isBlank());
    }
  }

  @Provide
  Arbitrary<Integer> cuts() {
    return Arbitraries.integers().between(0, 200);
  }

  @Provide
  Arbitrary<String> messages() {
    Arbitrary<Object> values =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(40).map(s -> (Object) s),
            Arbitraries.of(TYPES).map(s -> (Object) s),
            Arbitraries.integers().map(i -> (Object) i),
            Arbitraries.longs().map(l -> (Object) l),
            Arbitraries.doubles().map(d -> (Object) d),
            Arbitraries.of(true, false).map(b -> (Object) b),
            Arbitraries.just(new JsonObject().put("sdp", "v=0")),
            Arbitraries.just(new JsonArray().add(1)),
            Arbitraries.strings().ofLength(600).map(s -> (Object) s));
    Arbitrary<JsonObject> objects =
        Arbitraries.maps(Arbitraries.of(FIELDS), values)
            .ofMaxSize(6)
            .map(
                m -> {
                  JsonObject o = new JsonObject();
                  m.forEach(o::put);
                  return o;
                });
    return Arbitraries.oneOf(
        objects.map(JsonObject::encode),
        Arbitraries.of(TYPES).flatMap(t -> objects.map(o -> o.put("type", t).encode())),
        // JSON null values and nulls for the fields
        Arbitraries.of(TYPES)
            .flatMap(
                t ->
                    Arbitraries.of(FIELDS)
                        .map(f -> new JsonObject().put("type", t).putNull(f).encode())));
  }
}
