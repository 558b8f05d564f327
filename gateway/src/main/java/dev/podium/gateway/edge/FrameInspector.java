package dev.podium.gateway.edge;

import java.nio.ByteBuffer;

/**
 * Reads the frame headers of what a WebSocket client sends (RFC 6455), as the bytes arrive and
 * before any frame is assembled, and names the first protocol violation with its close code:
 * reserved bits or opcodes, unmasked or malformed frames (1002), a message over its limit counted
 * across fragments (1009: so nothing ever buffers more than the limit), text that is not strict
 * UTF-8 (1007, checked byte by byte as it streams). Payloads are skipped, not copied, except the at
 * most 125 bytes of a close frame. Plain Java over {@link ByteBuffer}s, one per connection.
 */
public final class FrameInspector {
  /** Close codes of RFC 6455 used here. */
  public static final int PROTOCOL_ERROR = 1002;

  public static final int INVALID_PAYLOAD = 1007;
  public static final int MESSAGE_TOO_BIG = 1009;

  private static final int CONTINUATION = 0;
  private static final int TEXT = 1;
  private static final int BINARY = 2;
  private static final int CLOSE = 8;
  private static final int MAX_CONTROL_PAYLOAD = 125;

  /**
   * The first violation. {@code frameOffset}: how many bytes of the buffer it was found in come
   * before the offending frame (complete frames that may still be delivered); 0 when the frame
   * began in an earlier buffer.
   */
  public record Violation(int closeCode, String reason, int frameOffset) {}

  private final int maxTextBytes;
  private final int maxBinaryBytes;
  private final byte[] header = new byte[14];
  private final byte[] mask = new byte[4];
  private final byte[] control = new byte[MAX_CONTROL_PAYLOAD];
  private final Utf8Validator text = new Utf8Validator();
  private int headerHave;
  private int headerNeed = 2;
  private boolean inPayload;
  private long payloadLeft;
  private long payloadPos;
  private int controlLength;
  private int opcode;
  private boolean fin;
  private int messageOpcode = -1;
  private long messageBytes;
  private int frameOffset;
  private Violation violation;

  public FrameInspector(int maxTextBytes, int maxBinaryBytes) {
    this.maxTextBytes = maxTextBytes;
    this.maxBinaryBytes = maxBinaryBytes;
  }

  /** The largest message (and so frame) this inspector lets through. */
  public int maxMessageBytes() {
    return Math.max(maxTextBytes, maxBinaryBytes);
  }

  /**
   * Inspects the next bytes from the client (the buffer's position moves to its limit, or to where
   * a violation was found). Null while everything is well; once a violation is returned, the
   * connection is finished and every later call returns it again.
   */
  public Violation feed(ByteBuffer in) {
    if (violation != null) {
      return violation;
    }
    int start = in.position();
    frameOffset = 0;
    while (in.hasRemaining()) {
      Violation v;
      if (!inPayload) {
        if (headerHave == 0) {
          frameOffset = in.position() - start;
        }
        header[headerHave++] = in.get();
        v = headerHave == 2 ? firstTwoBytes() : null;
        if (v == null && headerHave == headerNeed) {
          v = startPayload();
        }
      } else {
        v = payload(in);
      }
      if (v != null) {
        violation = v;
        return v;
      }
    }
    return null;
  }

  private Violation firstTwoBytes() {
    int b0 = header[0] & 0xFF;
    int b1 = header[1] & 0xFF;
    fin = (b0 & 0x80) != 0;
    opcode = b0 & 0x0F;
    int len7 = b1 & 0x7F;
    if ((b0 & 0x70) != 0) {
      return fail(PROTOCOL_ERROR, "reserved bits (RSV1-3) set; no extension was negotiated");
    }
    if (opcode > BINARY && opcode < CLOSE || opcode > 10) {
      return fail(PROTOCOL_ERROR, "reserved opcode " + opcode);
    }
    if ((b1 & 0x80) == 0) {
      return fail(PROTOCOL_ERROR, "client frames must be masked");
    }
    if (opcode >= CLOSE && (!fin || len7 > MAX_CONTROL_PAYLOAD)) {
      return fail(PROTOCOL_ERROR, "control frames must be whole and at most 125 bytes");
    }
    headerNeed = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4;
    return null;
  }

  private Violation startPayload() {
    int len7 = header[1] & 0x7F;
    long length = len7;
    if (len7 == 126) {
      length = (header[2] & 0xFF) << 8 | header[3] & 0xFF;
    } else if (len7 == 127) {
      length = 0;
      for (int i = 2; i < 10; i++) {
        length = length << 8 | header[i] & 0xFF;
      }
      if (length < 0) {
        return fail(PROTOCOL_ERROR, "frame length out of range");
      }
    }
    System.arraycopy(header, headerNeed - 4, mask, 0, 4);
    if (opcode == CONTINUATION && messageOpcode < 0) {
      return fail(PROTOCOL_ERROR, "continuation frame outside a fragmented message");
    }
    if ((opcode == TEXT || opcode == BINARY) && messageOpcode >= 0) {
      return fail(PROTOCOL_ERROR, "new message before the fragmented one was finished");
    }
    if (opcode == TEXT || opcode == BINARY) {
      messageOpcode = opcode;
      messageBytes = 0;
      text.reset();
    }
    if (opcode <= BINARY) {
      messageBytes += length;
      int limit = messageOpcode == TEXT ? maxTextBytes : maxBinaryBytes;
      if (messageBytes > limit) {
        return fail(
            MESSAGE_TOO_BIG,
            (messageOpcode == TEXT ? "text" : "binary") + " message over " + limit + " bytes");
      }
    }
    headerHave = 0;
    headerNeed = 2;
    payloadLeft = length;
    payloadPos = 0;
    controlLength = 0;
    inPayload = true;
    return length == 0 ? endFrame() : null;
  }

  private Violation payload(ByteBuffer in) {
    int n = (int) Math.min(payloadLeft, in.remaining());
    if (opcode == TEXT || opcode == CONTINUATION && messageOpcode == TEXT) {
      for (int i = 0; i < n; i++) {
        if (!text.accept(in.get() ^ mask[(int) (payloadPos++ & 3)])) {
          return fail(INVALID_PAYLOAD, "text message is not valid UTF-8");
        }
      }
    } else if (opcode == CLOSE) {
      for (int i = 0; i < n; i++) {
        control[controlLength++] = (byte) (in.get() ^ mask[(int) (payloadPos++ & 3)]);
      }
    } else {
      in.position(in.position() + n);
      payloadPos += n;
    }
    payloadLeft -= n;
    return payloadLeft == 0 ? endFrame() : null;
  }

  private Violation endFrame() {
    inPayload = false;
    if (opcode <= BINARY && fin) {
      boolean cutOff = messageOpcode == TEXT && !text.complete();
      messageOpcode = -1;
      if (cutOff) {
        return fail(INVALID_PAYLOAD, "text message ends inside a UTF-8 character");
      }
    }
    if (opcode == CLOSE && controlLength > 0) {
      return closePayload();
    }
    return null;
  }

  /**
   * A close frame's body: a valid status code, then a UTF-8 reason (what Netty's decoder would
   * insist on).
   */
  private Violation closePayload() {
    if (controlLength == 1) {
      return fail(PROTOCOL_ERROR, "close frame with a one-byte body");
    }
    int code = (control[0] & 0xFF) << 8 | control[1] & 0xFF;
    if (!(code >= 1000 && code <= 1003
        || code >= 1007 && code <= 1014
        || code >= 3000 && code <= 4999)) {
      return fail(PROTOCOL_ERROR, "invalid close code " + code);
    }
    Utf8Validator reason = new Utf8Validator();
    for (int i = 2; i < controlLength; i++) {
      if (!reason.accept(control[i])) {
        return fail(INVALID_PAYLOAD, "close reason is not valid UTF-8");
      }
    }
    return reason.complete() ? null : fail(INVALID_PAYLOAD, "close reason is not valid UTF-8");
  }

  private Violation fail(int closeCode, String reason) {
    return new Violation(closeCode, reason, frameOffset);
  }
}
