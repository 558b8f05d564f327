package dev.podium.api.protocol;

/**
 * Why a text is not a {@link ClientMessage}, in parts the gateway words its {@code error} from
 * ({@link ProtocolCodec#decodeClient}). Thrown for every frame a client gets wrong, so it carries
 * no stack trace.
 */
public final class ClientMessageException extends IllegalArgumentException {
  /** What is wrong, in the order the codec looks. */
  public enum Problem {
    /** Not one JSON value (nothing, a syntax error, trailing text). */
    NOT_JSON,
    /** A JSON value that is not an object; {@link #value()} names what it is. */
    NOT_AN_OBJECT,
    /** {@code type} is absent or null ({@link #field()} is {@code "type"}). */
    MISSING_TYPE,
    /**
     * {@link #field()} holds another kind of value than its record declares ({@link #expected()}).
     */
    WRONG_KIND,
    /** No record has this {@code type}; {@link #value()} is the type as sent. */
    UNKNOWN_TYPE
  }

  /** The kinds of value a client message's fields are declared with (besides any JSON value). */
  public enum Kind {
    /** A JSON string ({@code String} in the record). */
    STRING,
    /**
     * A JSON number that is whole and within ±(2^31−1) ({@code Integer} in the record; 10.0
     * counts).
     */
    WHOLE_NUMBER
  }

  private final Problem problem;
  private final String field;
  private final Kind expected;
  private final String value;

  private ClientMessageException(
      Problem problem, String field, Kind expected, String value, String text) {
    super(text);
    this.problem = problem;
    this.field = field;
    this.expected = expected;
    this.value = value;
  }

  static ClientMessageException notJson(String why) {
    return new ClientMessageException(Problem.NOT_JSON, null, null, null, "not JSON: " + why);
  }

  static ClientMessageException notAnObject(String found) {
    return new ClientMessageException(
        Problem.NOT_AN_OBJECT, null, null, found, "not a JSON object: " + found);
  }

  static ClientMessageException missingType() {
    return new ClientMessageException(Problem.MISSING_TYPE, "type", null, null, "no type");
  }

  static ClientMessageException wrongKind(String field, Kind expected) {
    return new ClientMessageException(
        Problem.WRONG_KIND, field, expected, null, "field " + field + " is not a " + expected);
  }

  static ClientMessageException unknownType(String type) {
    return new ClientMessageException(
        Problem.UNKNOWN_TYPE, "type", null, type, "unknown type " + type);
  }

  public Problem problem() {
    return problem;
  }

  /**
   * The wire name of the field at fault; null for {@link Problem#NOT_JSON} and {@link
   * Problem#NOT_AN_OBJECT}.
   */
  public String field() {
    return field;
  }

  /** For {@link Problem#WRONG_KIND}: what the field must hold. */
  public Kind expected() {
    return expected;
  }

  /**
   * For {@link Problem#UNKNOWN_TYPE}: the type as sent. For {@link Problem#NOT_AN_OBJECT}: what was
   * sent instead, named as the gateway has always named it in {@code details} ({@code JsonArray},
   * {@code String}, {@code Boolean}, {@code Integer}, {@code Long}, {@code BigInteger}, {@code
   * Double} or {@code null}).
   */
  public String value() {
    return value;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
