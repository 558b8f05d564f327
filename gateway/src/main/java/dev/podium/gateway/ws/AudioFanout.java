package dev.podium.gateway.ws;

import dev.podium.api.media.MediaPacket;
import io.vertx.core.buffer.Buffer;

/**
 * The audio fan-out of one room on one gateway node, in two halves. {@link #prepare} runs once per
 * room tick on the node (the thread that owns the room's event-bus consumer): it gathers ticks for
 * listeners who take 40 or 60 ms per message and builds the message variants the room's sockets on
 * this node take (room mix plain and framed, Opus framed, the gathered groups), and only those: the
 * node counts its sockets by variant ({@link #listening}, {@link #leaving}, on the same thread), so
 * a room of plain 20 ms listeners costs no framing and no gathering. {@link Tick#deliver} runs on
 * each event loop that has sockets in the room and only picks, per listener, one of those
 * ready-made buffers (speakers get their own mix-minus). So a tick is framed once per node, however
 * many loops and sockets share it; the buffers are never written after {@code prepare}, so loops
 * may read them at once. A socket that a loop already holds but the node has not counted yet (its
 * first tick or two) gets nothing for a variant nobody else takes. No Vert.x and no clock here: a
 * tick is the unit of time.
 */
final class AudioFanout {
  /**
   * Room mix being gathered for listeners who take 40 or 60 ms per message, by ticks per message.
   */
  private final PacketGroup[] groups = {null, null, new PacketGroup(2), new PacketGroup(3)};

  /** Sockets taking the framed 20 ms room mix (or Opus, which falls back to it). */
  private int framedRoom;

  /** Sockets taking gathered ticks, plain and framed, by ticks per message. */
  private final int[] gatheredPlain = new int[4];

  private final int[] gatheredFramed = new int[4];

  /** A socket of the room on this node, counted by the variant it takes. */
  void listening(MediaListener s) {
    count(s, 1);
  }

  /** A socket counted by {@link #listening} left the room on this node. */
  void leaving(MediaListener s) {
    count(s, -1);
  }

  private void count(MediaListener s, int delta) {
    int ticks = s.packetTicks();
    if (ticks > 1) {
      (s.framed() ? gatheredFramed : gatheredPlain)[ticks] += delta;
      if (gatheredPlain[ticks] + gatheredFramed[ticks] == 0) {
        // Nobody takes these groups any more: the next taker starts a fresh one.
        groups[ticks].clear();
      }
    } else if (s.framed()) {
      // Opus listeners too: they get the framed room mix while the relay sends no Opus.
      framedRoom += delta;
    }
  }

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

    void clear() {
      pcm = Buffer.buffer();
      gathered = 0;
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
        } else {
          Buffer payload =
              s.packetTicks() > 1
                  ? (s.framed() ? groupedFramed : grouped)[s.packetTicks()]
                  : (s.framed() ? roomFramed : packet.payload());
          if (payload != null) {
            s.sendBinary(payload);
          }
        }
      }
    }
  }

  /** Called once per room tick on the node, in tick order. */
  Tick prepare(MediaPacket packet) {
    Buffer[] grouped = new Buffer[4];
    Buffer[] groupedFramed = new Buffer[4];
    for (int ticks = 2; ticks <= 3; ticks++) {
      if (gatheredPlain[ticks] + gatheredFramed[ticks] == 0) {
        continue;
      }
      PacketGroup group = groups[ticks];
      grouped[ticks] = group.add(packet);
      if (grouped[ticks] != null && gatheredFramed[ticks] > 0) {
        groupedFramed[ticks] =
            MediaFraming.frame(
                MediaPacket.KIND_AUDIO, group.sequence, group.timestamp, grouped[ticks]);
      }
    }
    Buffer roomFramed =
        framedRoom == 0
            ? null
            : MediaFraming.frame(
                MediaPacket.KIND_AUDIO, packet.sequence(), packet.timestamp(), packet.payload());
    Buffer opusFramed =
        packet.opus() == null
            ? null
            : MediaFraming.frame(
                MediaPacket.KIND_OPUS, packet.sequence(), packet.timestamp(), packet.opus());
    return new Tick(packet, roomFramed, opusFramed, grouped, groupedFramed);
  }
}
