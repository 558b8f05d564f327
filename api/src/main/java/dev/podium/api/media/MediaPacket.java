package dev.podium.api.media;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What travels to the gateways ({@code podium.gateway.media.<nodeId>}), once per tick or screen
 * chunk: one event-bus message per gateway node holding sockets of the event, whatever the number
 * of listeners.
 *
 * <pre>
 * u8 kind | u32 sequence | u32 timestamp | u32 length, payload | u32 length, opus payload
 *         | u16 count, then per speaker: u16 id length, id (UTF-8), u32 length, mix-minus PCM
 * </pre>
 *
 * For {@link #KIND_AUDIO} the payload is the room mix (PCM s16le) and the speakers' mix-minus
 * follow; for the screen kinds the payload is the host's chunk as sent; for {@link #KIND_AUDIENCE}
 * it is one byte, 1 while some gateway wants the room mix and 0 while nobody does (the relay's word
 * to the speakers' gateways: {@link #audience(boolean)}).
 */
public record MediaPacket(
    int kind,
    long sequence,
    long timestamp,
    Buffer payload,
    Buffer opus,
    Map<String, Buffer> mixMinus) {

  public static final int KIND_AUDIO = 1;
  public static final int KIND_OPUS = 2;
  public static final int KIND_SCREEN = 3;
  public static final int KIND_SCREEN_INIT = 4;

  /** Whether anybody hears the room mix; never sent to a client. */
  public static final int KIND_AUDIENCE = 5;

  /** The relay's notice that somebody ({@code true}) or nobody hears the room mix. */
  public static MediaPacket audience(boolean heard) {
    return new MediaPacket(
        KIND_AUDIENCE, 0, 0, Buffer.buffer(new byte[] {(byte) (heard ? 1 : 0)}), null, Map.of());
  }

  /** For a {@link #KIND_AUDIENCE} packet: whether somebody hears the room mix. */
  public boolean heard() {
    return payload.length() > 0 && payload.getByte(0) != 0;
  }

  public Buffer encode() {
    Buffer out =
        Buffer.buffer(
            32
                + payload.length()
                + (opus == null ? 0 : opus.length())
                + mixMinus.size() * (payload.length() + 16));
    out.appendByte((byte) kind).appendUnsignedInt(sequence).appendUnsignedInt(timestamp);
    out.appendInt(payload.length()).appendBuffer(payload);
    out.appendInt(opus == null ? 0 : opus.length());
    if (opus != null) {
      out.appendBuffer(opus);
    }
    out.appendUnsignedShort(mixMinus.size());
    mixMinus.forEach(
        (id, pcm) -> {
          byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
          out.appendUnsignedShort(idBytes.length)
              .appendBytes(idBytes)
              .appendInt(pcm.length())
              .appendBuffer(pcm);
        });
    return out;
  }

  /** Decodes without copying: payloads are slices of {@code in}. */
  public static MediaPacket decode(Buffer in) {
    int pos = 0;
    int kind = in.getUnsignedByte(pos);
    pos += 1;
    long sequence = in.getUnsignedInt(pos);
    pos += 4;
    long timestamp = in.getUnsignedInt(pos);
    pos += 4;
    int length = in.getInt(pos);
    pos += 4;
    Buffer payload = in.slice(pos, pos + length);
    pos += length;
    int opusLength = in.getInt(pos);
    pos += 4;
    Buffer opus = opusLength == 0 ? null : in.slice(pos, pos + opusLength);
    pos += opusLength;
    int count = in.getUnsignedShort(pos);
    pos += 2;
    Map<String, Buffer> minus = new LinkedHashMap<>(count * 2);
    for (int i = 0; i < count; i++) {
      int idLength = in.getUnsignedShort(pos);
      pos += 2;
      String id = in.getString(pos, pos + idLength, "UTF-8");
      pos += idLength;
      int pcmLength = in.getInt(pos);
      pos += 4;
      minus.put(id, in.slice(pos, pos + pcmLength));
      pos += pcmLength;
    }
    return new MediaPacket(kind, sequence, timestamp, payload, opus, minus);
  }
}
