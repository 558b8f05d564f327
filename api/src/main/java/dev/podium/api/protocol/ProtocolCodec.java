package dev.podium.api.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.podium.api.ErrorCode;
import dev.podium.api.protocol.ClientMessageException.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.VertxModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one JSON codec of the client protocol: {@link ServerMessage} and {@link ClientMessage}
 * records to and from JSON text, and server messages to the {@link JsonObject} bodies that cross
 * the event bus. Record components are camelCase and become snake_case; null fields are left out;
 * {@code type} names the record; unknown fields in what is read are ignored (old pages send
 * extras); {@link ErrorCode} is written as its code string. Thread-safe.
 */
public final class ProtocolCodec {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .addModule(new VertxModule())
          .addModule(
              new SimpleModule("podium-protocol")
                  .addSerializer(ErrorCode.class, new ErrorCodeSerializer())
                  .addDeserializer(ErrorCode.class, new ErrorCodeDeserializer()))
          .build();
  private static final Map<String, Class<? extends ServerMessage>> SERVER_TYPES =
      types(ServerMessage.class);
  private static final Map<String, Class<? extends ClientMessage>> CLIENT_TYPES =
      types(ClientMessage.class);

  private static final Map<Class<?>, String> CLIENT_TYPE_NAMES = names(CLIENT_TYPES);

  /**
   * Reads a client's text as any JSON value first, so a syntax error anywhere in it is found before
   * its type; the same parser settings as Vert.x's own JSON (comments allowed), which read client
   * frames before this codec did, and nothing may follow the value.
   */
  private static final ObjectReader CLIENT_TREE =
      MAPPER
          .reader()
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .with(JsonParser.Feature.ALLOW_COMMENTS);

  static {
    MAPPER.registerSubtypes(SERVER_TYPES.values().toArray(Class<?>[]::new));
    MAPPER.registerSubtypes(CLIENT_TYPES.values().toArray(Class<?>[]::new));
  }

  /** The declared fields of every client message, in record order, with the kind each must hold. */
  private static final Map<Class<?>, List<FieldKind>> CLIENT_FIELDS = clientFields();

  /** One reader per client message type, built once (each holds its deserializer). */
  private static final Map<Class<?>, ObjectReader> CLIENT_READERS = clientReaders();

  private ProtocolCodec() {}

  /**
   * Builds the codec's serializers and readers for every message type now. Jackson builds each one
   * by reflection at its first use; a process calls this at start so that its first message (for a
   * room-service, possibly the first action after it took an event over) does not pay for it.
   */
  public static void warmUp() {
    SERVER_TYPES.values().forEach(MAPPER::canSerialize);
    CLIENT_TYPES.values().forEach(MAPPER::canSerialize);
    MAPPER.canDeserialize(MAPPER.constructType(ServerMessage.class));
    MAPPER.canDeserialize(MAPPER.constructType(ClientMessage.class));
  }

  /** The JSON text of a message, as written to a socket. */
  public static String encode(ServerMessage message) {
    return write(message);
  }

  /** The JSON text of a client message (test clients, the load generator). */
  public static String encode(ClientMessage message) {
    return write(message);
  }

  /**
   * A message as an event-bus body: each gateway node encodes it once for all its sockets, so the
   * publisher converts once and nobody encodes per recipient.
   */
  @SuppressWarnings("unchecked")
  public static JsonObject toJson(ServerMessage message) {
    return new JsonObject(MAPPER.convertValue(message, LinkedHashMap.class));
  }

  /**
   * A part of a message (a stored chat entry, a list line) as JSON, written as inside a message.
   */
  @SuppressWarnings("unchecked")
  public static JsonObject partJson(Record part) {
    return new JsonObject(MAPPER.convertValue(part, LinkedHashMap.class));
  }

  /** Reads a server message (clients and tests); fails with {@link IllegalArgumentException}. */
  public static ServerMessage decodeServer(String json) {
    return read(json, ServerMessage.class);
  }

  /** Reads an event-bus body back into its record. */
  public static ServerMessage fromJson(JsonObject json) {
    try {
      return MAPPER.convertValue(json.getMap(), ServerMessage.class);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a server message: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a part of a message (a {@link ServerMessage.UserRef}, a list entry) from JSON another
   * service sent, as the same codec writes it.
   */
  public static <T> T part(JsonObject json, Class<T> type) {
    return MAPPER.convertValue(json.getMap(), type);
  }

  /**
   * Reads a list of message parts (chat history entries, co-host entries) from JSON another service
   * sent.
   */
  public static <T> List<T> parts(JsonArray json, Class<T> type) {
    return MAPPER.convertValue(
        json.getList(), MAPPER.getTypeFactory().constructCollectionType(List.class, type));
  }

  /**
   * Reads a client message, strictly: the text must be one JSON object whose {@code type} names a
   * record, and each field the record declares must be absent, null, or of its declared kind
   * ({@code String}: a string; {@code Integer}: a whole number; {@code Object}: any value), checked
   * in record order; other fields are ignored. Never coerces (a number is not a string). Which
   * fields are required, and what an id may look like, is the gateway's to check.
   *
   * @throws ClientMessageException saying what is wrong
   */
  public static ClientMessage decodeClient(String json) {
    JsonNode tree;
    try {
      tree = CLIENT_TREE.readTree(json == null ? "" : json);
    } catch (JsonProcessingException e) {
      throw ClientMessageException.notJson(e.getOriginalMessage());
    }
    if (tree == null || tree.isMissingNode()) {
      throw ClientMessageException.notJson("no value");
    }
    if (!tree.isObject()) {
      throw ClientMessageException.notAnObject(kindName(tree));
    }
    JsonNode typeNode = tree.get("type");
    if (typeNode == null || typeNode.isNull()) {
      throw ClientMessageException.missingType();
    }
    if (!typeNode.isTextual()) {
      throw ClientMessageException.wrongKind("type", Kind.STRING);
    }
    Class<? extends ClientMessage> type = CLIENT_TYPES.get(typeNode.textValue());
    if (type == null) {
      throw ClientMessageException.unknownType(typeNode.textValue());
    }
    for (FieldKind field : CLIENT_FIELDS.get(type)) {
      JsonNode value = tree.get(field.name());
      if (value != null
          && !value.isNull()
          && field.kind() != null
          && !admits(field.kind(), value)) {
        throw ClientMessageException.wrongKind(field.name(), field.kind());
      }
    }
    try {
      return CLIENT_READERS.get(type).readValue(tree);
    } catch (IOException e) {
      // Every field was checked above: a failure here is a record the checks do not cover.
      throw new IllegalStateException(
          "a checked " + typeNode.textValue() + " did not bind: " + e.getMessage(), e);
    }
  }

  /** The wire type of a client message (a lookup: on the path of every client message). */
  public static String typeOf(ClientMessage message) {
    return CLIENT_TYPE_NAMES.get(message.getClass());
  }

  /** The wire type of a message record. */
  public static String typeOf(Class<?> messageClass) {
    JsonTypeName name = messageClass.getAnnotation(JsonTypeName.class);
    if (name == null) {
      throw new IllegalArgumentException(messageClass + " is not a protocol message");
    }
    return name.value();
  }

  /** The codec's own Jackson setup, for the AsyncAPI contract (generated from it in tests). */
  static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Every server message type, by wire name (in declaration order). */
  public static Map<String, Class<? extends ServerMessage>> serverTypes() {
    return SERVER_TYPES;
  }

  /** Every client message type, by wire name (in declaration order). */
  public static Map<String, Class<? extends ClientMessage>> clientTypes() {
    return CLIENT_TYPES;
  }

  private static String write(Object message) {
    try {
      return MAPPER.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T read(String json, Class<T> kind) {
    try {
      return MAPPER.readValue(json, kind);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "not a " + kind.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }

  private static boolean admits(Kind kind, JsonNode value) {
    return switch (kind) {
      case STRING -> value.isTextual();
      case WHOLE_NUMBER ->
          value.isNumber()
              && value.doubleValue() == Math.rint(value.doubleValue())
              && Math.abs(value.doubleValue()) <= Integer.MAX_VALUE;
    };
  }

  /**
   * A non-object top-level value, named as Vert.x's JSON decoding (the gateway's before this codec)
   * named it.
   */
  private static String kindName(JsonNode value) {
    if (value.isArray()) {
      return "JsonArray";
    }
    if (value.isTextual()) {
      return "String";
    }
    if (value.isBoolean()) {
      return "Boolean";
    }
    if (value.isNumber()) {
      return value.numberValue().getClass().getSimpleName();
    }
    return "null";
  }

  /** One declared field of a client message: its wire name, and its kind (null: any JSON value). */
  private record FieldKind(String name, Kind kind) {}

  private static Map<Class<?>, List<FieldKind>> clientFields() {
    Map<Class<?>, List<FieldKind>> fields = new LinkedHashMap<>();
    CLIENT_TYPES
        .values()
        .forEach(
            type -> {
              List<FieldKind> declared = new ArrayList<>();
              for (BeanPropertyDefinition p :
                  MAPPER
                      .getDeserializationConfig()
                      .introspect(MAPPER.constructType(type))
                      .findProperties()) {
                Class<?> raw = p.getPrimaryType().getRawClass();
                Kind kind =
                    raw == String.class
                        ? Kind.STRING
                        : raw == Integer.class ? Kind.WHOLE_NUMBER : null;
                if (kind == null && raw != Object.class) {
                  throw new IllegalStateException(
                      type.getSimpleName()
                          + "."
                          + p.getName()
                          + " is a "
                          + raw.getSimpleName()
                          + ": client message fields are String, Integer or Object (decodeClient checks only those)");
                }
                declared.add(new FieldKind(p.getName(), kind));
              }
              fields.put(type, List.copyOf(declared));
            });
    return Map.copyOf(fields);
  }

  private static Map<Class<?>, ObjectReader> clientReaders() {
    Map<Class<?>, ObjectReader> readers = new LinkedHashMap<>();
    CLIENT_TYPES.values().forEach(type -> readers.put(type, MAPPER.readerFor(type)));
    return Map.copyOf(readers);
  }

  private static Map<Class<?>, String> names(Map<String, ? extends Class<?>> types) {
    Map<Class<?>, String> names = new LinkedHashMap<>();
    types.forEach((name, type) -> names.put(type, name));
    return Map.copyOf(names);
  }

  @SuppressWarnings("unchecked")
  private static <T> Map<String, Class<? extends T>> types(Class<T> sealed) {
    Map<String, Class<? extends T>> types = new LinkedHashMap<>();
    Arrays.stream(sealed.getPermittedSubclasses())
        .forEach(
            c -> {
              if (types.put(typeOf(c), (Class<? extends T>) c) != null) {
                throw new IllegalStateException("two records for type " + typeOf(c));
              }
            });
    return Collections.unmodifiableMap(types);
  }

  private static final class ErrorCodeSerializer extends JsonSerializer<ErrorCode> {
    @Override
    public void serialize(ErrorCode code, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeString(code.code());
    }
  }

  private static final class ErrorCodeDeserializer extends JsonDeserializer<ErrorCode> {
    @Override
    public ErrorCode deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      String code = parser.getValueAsString();
      for (ErrorCode known : ErrorCode.values()) {
        if (known.code().equals(code)) {
          return known;
        }
      }
      return (ErrorCode) context.handleWeirdStringValue(ErrorCode.class, code, "not an error code");
    }
  }
}
