package dev.podium.gateway.ws;

import io.vertx.core.buffer.Buffer;

/**
 * The {@code podium.v1} binary framing: a 10-byte header before every media payload, so audio and
 * screen data can share one socket and gaps can be seen.
 *
 * <pre>
 * byte 0     kind: 1 PCM audio (s16le, mono), 2 Opus audio, 3 screen chunk (WebM), 4 screen init segment
 * byte 1     flags (0)
 * bytes 2-5  sequence number, unsigned big-endian, per kind
 * bytes 6-9  media timestamp, unsigned big-endian (audio: samples since the event's audio began;
 *            screen: milliseconds)
 * </pre>
 *
 * Clients without the subprotocol get the bare payload, as today's pages expect.
 */
public final class MediaFraming {
  public static final String SUBPROTOCOL = "podium.v1";
  public static final int HEADER_BYTES = 10;

  private MediaFraming() {}

  public static Buffer frame(int kind, long sequence, long timestamp, Buffer payload) {
    return Buffer.buffer(HEADER_BYTES + payload.length())
        .appendByte((byte) kind)
        .appendByte((byte) 0)
        .appendUnsignedInt(sequence)
        .appendUnsignedInt(timestamp)
        .appendBuffer(payload);
  }

  /** The kind byte of a framed message, or -1 when it is too short to carry a header. */
  public static int kind(Buffer framed) {
    return framed.length() < HEADER_BYTES ? -1 : framed.getUnsignedByte(0);
  }

  public static Buffer payload(Buffer framed) {
    return framed.slice(HEADER_BYTES, framed.length());
  }
}
