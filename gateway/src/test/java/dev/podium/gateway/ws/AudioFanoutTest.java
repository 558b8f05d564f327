package dev.podium.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.api.media.MediaPacket;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The gateway's audio fan-out without Vert.x: ticks come from a virtual 20 ms clock (sequence and
 * timestamp advance exactly as the relay's do), listeners are recorders, and several "loops" each
 * deliver the same prepared tick to their own listeners, as the node does.
 */
class AudioFanoutTest {
  private static final int SAMPLES = 960;

  /** The relay's clock: one tick per 20 ms, 960 samples each. */
  private static final class VirtualTicks {
    long sequence;

    MediaPacket next(Map<String, Buffer> mixMinus, Buffer opus) {
      long seq = ++sequence;
      Buffer pcm = Buffer.buffer();
      for (int i = 0; i < SAMPLES; i++) {
        pcm.appendShortLE((short) (seq * 7 + i));
      }
      return new MediaPacket(MediaPacket.KIND_AUDIO, seq, seq * SAMPLES, pcm, opus, mixMinus);
    }
  }

  private static final class Listener implements MediaListener {
    final String userId;
    final boolean framed;
    final boolean opus;
    final int ticks;
    boolean behind;
    final List<Buffer> got = new ArrayList<>();
    int dropped;

    Listener(String userId, boolean framed, boolean opus, int ticks) {
      this.userId = userId;
      this.framed = framed;
      this.opus = opus;
      this.ticks = ticks;
    }

    @Override
    public String userId() {
      return userId;
    }

    @Override
    public boolean isHost() {
      return false;
    }

    @Override
    public boolean framed() {
      return framed;
    }

    @Override
    public boolean opus() {
      return opus;
    }

    @Override
    public int packetTicks() {
      return ticks;
    }

    @Override
    public boolean sendBinary(Buffer frame) {
      if (behind) {
        dropped++;
        return false;
      }
      got.add(frame);
      return true;
    }
  }

  @Test
  void everyLoopGetsTheSameBytesBuiltOncePerTick() {
    AudioFanout fanout = new AudioFanout();
    VirtualTicks clock = new VirtualTicks();
    List<Listener> loopA =
        List.of(new Listener("a1", true, false, 1), new Listener("a2", false, false, 1));
    List<Listener> loopB =
        List.of(new Listener("b1", true, false, 1), new Listener("b2", false, false, 1));
    for (int i = 0; i < 50; i++) {
      AudioFanout.Tick tick = fanout.prepare(clock.next(Map.of(), null));
      tick.deliver(loopA);
      tick.deliver(loopB);
    }
    for (int i = 0; i < 50; i++) {
      // Framed listeners on two loops share one buffer object, as do plain ones: framed once per
      // node.
      assertSame(loopA.get(0).got.get(i), loopB.get(0).got.get(i));
      assertSame(loopA.get(1).got.get(i), loopB.get(1).got.get(i));
      Buffer framed = loopA.get(0).got.get(i);
      assertEquals(MediaPacket.KIND_AUDIO, framed.getByte(0));
      assertEquals(i + 1, framed.getUnsignedInt(2), "ticks in order, none missing");
      assertEquals(MediaFraming.payload(framed), loopA.get(1).got.get(i));
    }
  }

  @Test
  void fortyAndSixtyMillisecondListenersGetWholeGroupsStampedWithTheirFirstTick() {
    AudioFanout fanout = new AudioFanout();
    VirtualTicks clock = new VirtualTicks();
    Listener forty = new Listener("forty", true, false, 2);
    Listener sixty = new Listener("sixty", false, false, 3);
    Listener twenty = new Listener("twenty", false, false, 1);
    List<MediaPacket> sent = new ArrayList<>();
    // 1.2 s of virtual time.
    for (int i = 0; i < 60; i++) {
      MediaPacket packet = clock.next(Map.of(), null);
      sent.add(packet);
      fanout.prepare(packet).deliver(List.of(forty, sixty, twenty));
    }
    assertEquals(60, twenty.got.size());
    assertEquals(30, forty.got.size());
    assertEquals(20, sixty.got.size());
    for (int g = 0; g < 30; g++) {
      Buffer message = forty.got.get(g);
      assertEquals(sent.get(2 * g).sequence(), message.getUnsignedInt(2));
      assertEquals(sent.get(2 * g).timestamp(), message.getUnsignedInt(6));
      assertEquals(
          sent.get(2 * g).payload().copy().appendBuffer(sent.get(2 * g + 1).payload()),
          MediaFraming.payload(message));
    }
    for (int g = 0; g < 20; g++) {
      assertEquals(3 * SAMPLES * 2, sixty.got.get(g).length());
      assertEquals(sent.get(3 * g).payload(), sixty.got.get(g).slice(0, SAMPLES * 2));
    }
  }

  @Test
  void speakersHearTheirMixMinusAndALoneSpeakerNothing() {
    AudioFanout fanout = new AudioFanout();
    VirtualTicks clock = new VirtualTicks();
    Listener host = new Listener("host", true, false, 1);
    Listener lone = new Listener("lone", false, false, 1);
    Listener listener = new Listener("l", false, false, 1);
    Buffer hostHears = Buffer.buffer(new byte[] {1, 2, 3, 4});
    MediaPacket packet = clock.next(Map.of("host", hostHears, "lone", Buffer.buffer()), null);
    fanout.prepare(packet).deliver(List.of(host, lone, listener));
    assertEquals(1, host.got.size());
    assertEquals(hostHears, MediaFraming.payload(host.got.get(0)));
    assertEquals(0, lone.got.size());
    assertEquals(packet.payload(), listener.got.get(0));
  }

  @Test
  void opusListenersGetOpusWhileTheRelayEncodesItAndPcmOtherwise() {
    AudioFanout fanout = new AudioFanout();
    VirtualTicks clock = new VirtualTicks();
    Listener opus = new Listener("o", true, true, 1);
    fanout.prepare(clock.next(Map.of(), Buffer.buffer(new byte[] {9, 9}))).deliver(List.of(opus));
    fanout.prepare(clock.next(Map.of(), null)).deliver(List.of(opus));
    assertEquals(MediaPacket.KIND_OPUS, opus.got.get(0).getByte(0));
    assertEquals(Buffer.buffer(new byte[] {9, 9}), MediaFraming.payload(opus.got.get(0)));
    assertEquals(MediaPacket.KIND_AUDIO, opus.got.get(1).getByte(0));
  }

  @Test
  void aListenerWhoIsBehindLosesFramesAndNobodyElseDoes() {
    AudioFanout fanout = new AudioFanout();
    VirtualTicks clock = new VirtualTicks();
    Listener slow = new Listener("slow", false, false, 1);
    Listener fine = new Listener("fine", false, false, 1);
    for (int i = 0; i < 100; i++) {
      slow.behind = i >= 20 && i < 70;
      fanout.prepare(clock.next(Map.of(), null)).deliver(List.of(slow, fine));
    }
    assertEquals(100, fine.got.size());
    assertEquals(50, slow.got.size());
    assertEquals(50, slow.dropped);
    assertTrue(slow.got.stream().allMatch(b -> b.length() == SAMPLES * 2));
  }
}
