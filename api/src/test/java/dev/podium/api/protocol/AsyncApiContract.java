package dev.podium.api.protocol;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.podium.api.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The AsyncAPI 3 document of the WebSocket API, built from the message records as the codec sees
 * them (property names, types and the {@code type} discriminator from its own Jackson setup), so
 * the document cannot say anything the code does not do. A JSON Schema per message: server messages
 * allow no other property (what Podium sends is exactly this); client messages allow any (today's
 * pages send extras, which are ignored).
 */
final class AsyncApiContract {
  private static final String SCHEMAS = "#/components/schemas/";

  private final ObjectMapper mapper = ProtocolCodec.mapper();

  /** Every schema by name: the messages' and the parts they are made of. */
  private final Map<String, Object> schemas = new TreeMap<>();

  /** The whole document as nested maps and lists, ready for {@link #yaml}. */
  Map<String, Object> document() {
    Map<String, Object> serverMessages = messages(ProtocolCodec.serverTypes(), false);
    Map<String, Object> clientMessages = messages(ProtocolCodec.clientTypes(), true);

    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("asyncapi", "3.0.0");
    doc.put(
        "info",
        map(
            "title", "Podium WebSocket API",
            "version", "1",
            "description",
                "The JSON text messages of Podium's WebSocket endpoints, generated from the message records in "
                    + "api (dev.podium.api.protocol) by AsyncApiDocTest: see docs/protocol.md for when each is sent, the "
                    + "binary media frames and the limits. Server messages carry exactly the properties listed; clients may "
                    + "send more, which are ignored."));
    doc.put(
        "servers",
        map(
            "local",
            map(
                "host",
                "127.0.0.1:8000",
                "protocol",
                "ws",
                "description",
                "The all-in-one in dev mode (README); production gateways are behind wss://")));
    Map<String, Object> roomMessages = new LinkedHashMap<>();
    serverMessages.forEach(
        (name, m) -> roomMessages.put(name, ref("#/components/messages/" + name)));
    clientMessages.forEach(
        (name, m) -> roomMessages.put(name, ref("#/components/messages/" + name)));
    String roomDescription =
        "A room socket: the same messages whichever way it was opened. The token is in the "
            + "query (token=...), or in the Sec-WebSocket-Protocol header with podium.v1.";
    doc.put(
        "channels",
        map(
            "goLive",
                map(
                    "address",
                    "/ws/stream/start/live/{userId}/",
                    "description",
                    "The host goes live (or resumes its event). " + roomDescription,
                    "parameters",
                    map(
                        "userId",
                        map("description", "the host's user id; it must equal the token's")),
                    "messages",
                    roomMessages),
            "join",
                map(
                    "address",
                    "/ws/stream/live/join/event/{eventId}/{username}/{userId}/",
                    "description",
                    "A listener joins (the short form /ws/stream/live/join/event/{eventId}/{userId}/ too). "
                        + roomDescription,
                    "parameters",
                    map(
                        "eventId",
                        map("description", "the event to join"),
                        "username",
                        map("description", "the name shown when the token has none"),
                        "userId",
                        map("description", "the user id; with a token it must equal the token's")),
                    "messages",
                    roomMessages),
            "activeStreams",
                map(
                    "address",
                    "/ws/active-streams/",
                    "description",
                    "The live events, pushed on every change.",
                    "messages",
                    map(
                        "active_streams",
                        ref("#/components/messages/active_streams"),
                        "error",
                        ref("#/components/messages/error")))));
    Map<String, Object> operations = new LinkedHashMap<>();
    for (String channel : List.of("goLive", "join")) {
      operations.put(
          channel + "Receive",
          map(
              "action",
              "receive",
              "channel",
              ref("#/channels/" + channel),
              "summary",
              "What the server sends on this socket",
              "messages",
              refs(channel, serverMessages)));
      operations.put(
          channel + "Send",
          map(
              "action",
              "send",
              "channel",
              ref("#/channels/" + channel),
              "summary",
              "What a client may send on this socket",
              "messages",
              refs(channel, clientMessages)));
    }
    operations.put(
        "activeStreamsReceive",
        map(
            "action",
            "receive",
            "channel",
            ref("#/channels/activeStreams"),
            "messages",
            List.of(
                ref("#/channels/activeStreams/messages/active_streams"),
                ref("#/channels/activeStreams/messages/error"))));
    doc.put("operations", operations);
    Map<String, Object> messages = new TreeMap<>();
    messages.putAll(serverMessages);
    messages.putAll(clientMessages);
    doc.put("components", map("messages", messages, "schemas", schemas));
    return doc;
  }

  /** The schema name of a message type (its record's name, server and client names kept apart). */
  static String schemaName(Class<?> record) {
    String outer =
        record.getEnclosingClass() == null ? "" : record.getEnclosingClass().getSimpleName();
    return (outer.equals("ClientMessage") ? "Client" : "") + record.getSimpleName();
  }

  private Map<String, Object> messages(Map<String, ? extends Class<?>> types, boolean fromClient) {
    Map<String, Object> out = new LinkedHashMap<>();
    types.forEach(
        (type, record) -> {
          String schema = schemaName(record);
          schemas.put(schema, objectSchema(record, type, fromClient));
          out.put(
              type,
              map(
                  "name",
                  type,
                  "title",
                  (fromClient ? "client → server: " : "server → client: ") + type,
                  "contentType",
                  "application/json",
                  "payload",
                  ref(SCHEMAS + schema)));
        });
    return out;
  }

  private Map<String, Object> objectSchema(Class<?> record, String type, boolean open) {
    Map<String, Object> properties = new LinkedHashMap<>();
    List<Object> required = new ArrayList<>();
    if (type != null) {
      properties.put("type", map("const", type));
      required.add("type");
    }
    for (BeanPropertyDefinition p :
        mapper.getSerializationConfig().introspect(mapper.constructType(record)).findProperties()) {
      properties.put(p.getName(), schemaOf(p.getPrimaryType()));
      if (p.getPrimaryType().isPrimitive()) {
        required.add(p.getName());
      }
    }
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", properties);
    if (!required.isEmpty()) {
      schema.put("required", required);
    }
    schema.put("additionalProperties", open);
    return schema;
  }

  private Object schemaOf(JavaType t) {
    Class<?> raw = t.getRawClass();
    if (raw == String.class) {
      return map("type", "string");
    }
    if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
      return map("type", "integer");
    }
    if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
      return map("type", "number");
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return map("type", "boolean");
    }
    if (raw == ErrorCode.class) {
      List<Object> codes = new ArrayList<>();
      for (ErrorCode code : ErrorCode.values()) {
        codes.add(code.code());
      }
      return map("type", "string", "enum", codes);
    }
    if (t.isCollectionLikeType() || t.isArrayType()) {
      return map("type", "array", "items", schemaOf(t.getContentType()));
    }
    if (t.isMapLikeType()) {
      return map("type", "object", "additionalProperties", schemaOf(t.getContentType()));
    }
    if (raw.isRecord()) {
      String name = schemaName(raw);
      if (!schemas.containsKey(name)) {
        schemas.put(name, Map.of());
        schemas.put(name, objectSchema(raw, null, false));
      }
      return ref(SCHEMAS + name);
    }
    // Object (user ids sent as text or numbers, WebRTC payloads relayed as sent), Vert.x JSON
    // values.
    return map();
  }

  private static List<Object> refs(String channel, Map<String, Object> messages) {
    List<Object> out = new ArrayList<>();
    messages.keySet().forEach(name -> out.add(ref("#/channels/" + channel + "/messages/" + name)));
    return out;
  }

  private static Map<String, Object> ref(String target) {
    return map("$ref", target);
  }

  /** A map keeping the order of its pairs. */
  private static Map<String, Object> map(Object... pairs) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], pairs[i + 1]);
    }
    return m;
  }

  /**
   * Block-style YAML of maps, lists and scalars; strings double-quoted (JSON escapes are YAML's).
   */
  static String yaml(Object node) {
    StringBuilder out = new StringBuilder();
    write(out, node, 0);
    return out.toString();
  }

  private static void write(StringBuilder out, Object node, int indent) {
    if (node instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.append(" ".repeat(indent)).append(key(e.getKey().toString())).append(':');
        child(out, e.getValue(), indent);
      }
    } else if (node instanceof List<?> l) {
      for (Object item : l) {
        out.append(" ".repeat(indent)).append('-');
        child(out, item, indent);
      }
    }
  }

  private static void child(StringBuilder out, Object value, int indent) {
    if (value instanceof Map<?, ?> m && !m.isEmpty()
        || value instanceof List<?> l && !l.isEmpty()) {
      out.append('\n');
      write(out, value, indent + 2);
    } else {
      out.append(' ').append(scalar(value)).append('\n');
    }
  }

  private static String key(String key) {
    return key.matches("[A-Za-z_][A-Za-z0-9_]*") ? key : quote(key);
  }

  private static String scalar(Object value) {
    if (value instanceof Map<?, ?>) {
      return "{}";
    }
    if (value instanceof List<?>) {
      return "[]";
    }
    if (value instanceof String s) {
      return quote(s);
    }
    return String.valueOf(value);
  }

  private static String quote(String s) {
    return io.vertx.core.json.Json.encode(s);
  }
}
