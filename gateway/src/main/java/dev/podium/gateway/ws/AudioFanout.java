package dev.podium.gateway.ws;

import dev.podium.api.media.MediaPacket;
import io.vertx.core.buffer.Buffer;

/**
 * The audio fan-out of one room on one gateway node, in two halves. {@link #prepare} runs once per
 * room tick on the node (the thread that owns the room's event-bus consumer): it gathers ticks for
 * listeners who take 40 or 60 ms per message and builds every message variant some listener may
 * need (room mix plain and framed, Opus framed, the gathered groups). {@link Tick#deliver} runs on
 * each event loop that has sockets in the room and only picks, per listener, one of those
 * ready-made buffers (speakers get their own mix-minus). So a tick is framed once per node, however
 * many loops and sockets share it; the buffers are never written after {@code prepare}, so loops
 * may read them at once. No Vert.x and no clock here: a tick is the unit of time.
 */
final class AudioFanout {
  /**
   * Room mix being gathered for listeners who take 40 or 60 ms per message, by ticks per message.
   */
  private final PacketGroup[] groups = {null, null, new PacketGroup(2), new PacketGroup(3)};

  /** Gathers consecutive ticks of the room mix into one message. */
  private static final class PacketGroup {
    final int ticks;
    Buffer pcm = Buffer.buffer();
    int gathered;
    long sequence;
    long timestamp;

    PacketGroup(int ticks) {
      this.ticks = ticks;
    }

    /** Adds a tick; returns the complete payload when this tick completes one, else null. */
    Buffer add(MediaPacket packet) {
      if (gathered == 0) {
        sequence = packet.sequence();
        timestamp = packet.timestamp();
      }
      pcm.appendBuffer(packet.payload());
      if (++gathered < ticks) {
        return null;
      }
      Buffer done = pcm;
      pcm = Buffer.buffer(done.length());
      gathered = 0;
      return done;
    }
  }

  /** One room tick, ready to be written: every buffer here is final. */
  static final class Tick {
    private final MediaPacket packet;
    private final Buffer roomFramed;
    private final Buffer opusFramed;
    private final Buffer[] grouped;
    private final Buffer[] groupedFramed;

    private Tick(
        MediaPacket packet,
        Buffer roomFramed,
        Buffer opusFramed,
        Buffer[] grouped,
        Buffer[] groupedFramed) {
      this.packet = packet;
      this.roomFramed = roomFramed;
      this.opusFramed = opusFramed;
      this.grouped = grouped;
      this.groupedFramed = groupedFramed;
    }

    /** Writes this tick to the listeners of one event loop (on that loop). */
    void deliver(Iterable<? extends MediaListener> listeners) {
      for (MediaListener s : listeners) {
        Buffer own = packet.mixMinus().get(s.userId());
        if (own != null) {
          // A speaker hears everyone but themselves; a lone speaker hears nothing.
          if (own.length() > 0) {
            s.sendBinary(
                s.framed()
                    ? MediaFraming.frame(
                        MediaPacket.KIND_AUDIO, packet.sequence(), packet.timestamp(), own)
                    : own);
          }
        } else if (s.opus() && opusFramed != null) {
          s.sendBinary(opusFramed);
        } else if (s.packetTicks() > 1) {
          Buffer payload = s.framed() ? groupedFramed[s.packetTicks()] : grouped[s.packetTicks()];
          if (payload != null) {
            s.sendBinary(payload);
          }
        } else {
          s.sendBinary(s.framed() ? roomFramed : packet.payload());
        }
      }
    }
  }

  /** Called once per room tick on the node, in tick order. */
  Tick prepare(MediaPacket packet) {
    Buffer[] grouped = new Buffer[4];
    Buffer[] groupedFramed = new Buffer[4];
    for (int ticks = 2; ticks <= 3; ticks++) {
      PacketGroup group = groups[ticks];
      grouped[ticks] = group.add(packet);
      if (grouped[ticks] != null) {
        groupedFramed[ticks] =
            MediaFraming.frame(
                MediaPacket.KIND_AUDIO, group.sequence, group.timestamp, grouped[ticks]);
      }
    }
    Buffer roomFramed =
        MediaFraming.frame(
            MediaPacket.KIND_AUDIO, packet.sequence(), packet.timestamp(), packet.payload());
    Buffer opusFramed =
        packet.opus() == null
            ? null
            : MediaFraming.frame(
                MediaPacket.KIND_OPUS, packet.sequence(), packet.timestamp(), packet.opus());
    return new Tick(packet, roomFramed, opusFramed, grouped, groupedFramed);
  }
}
