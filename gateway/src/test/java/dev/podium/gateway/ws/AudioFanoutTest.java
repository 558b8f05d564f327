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

  /** A fan-out that counts these listeners, as the node does when their sockets attach. */
  private static AudioFanout fanoutFor(List<Listener> listeners) {
    AudioFanout fanout = new AudioFanout();
    listeners.forEach(fanout::listening);
    return fanout;
  }

  @Test
  void everyLoopGetsTheSameBytesBuiltOncePerTick() {
    VirtualTicks clock = new VirtualTicks();
    List<Listener> loopA =
        List.of(new Listener("a1", true, false, 1), new Listener("a2", false, false, 1));
    List<Listener> loopB =
        List.of(new Listener("b1", true, false, 1), new Listener("b2", false, false, 1));
    AudioFanout fanout = fanoutFor(List.of(loopA.get(0), loopA.get(1), loopB.get(0), loopB.get(1)));
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
    VirtualTicks clock = new VirtualTicks();
    Listener forty = new Listener("forty", true, false, 2);
    Listener sixty = new Listener("sixty", false, false, 3);
    Listener twenty = new Listener("twenty", false, false, 1);
    AudioFanout fanout = fanoutFor(List.of(forty, sixty, twenty));
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
    VirtualTicks clock = new VirtualTicks();
    Listener host = new Listener("host", true, false, 1);
    Listener lone = new Listener("lone", false, false, 1);
    Listener listener = new Listener("l", false, false, 1);
    AudioFanout fanout = fanoutFor(List.of(host, lone, listener));
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
    VirtualTicks clock = new VirtualTicks();
    Listener opus = new Listener("o", true, true, 1);
    AudioFanout fanout = fanoutFor(List.of(opus));
    fanout.prepare(clock.next(Map.of(), Buffer.buffer(new byte[] {9, 9}))).deliver(List.of(opus));
    fanout.prepare(clock.next(Map.of(), null)).deliver(List.of(opus));
    assertEquals(MediaPacket.KIND_OPUS, opus.got.get(0).getByte(0));
    assertEquals(Buffer.buffer(new byte[] {9, 9}), MediaFraming.payload(opus.got.get(0)));
    assertEquals(MediaPacket.KIND_AUDIO, opus.got.get(1).getByte(0));
  }

  @Test
  void aListenerWhoIsBehindLosesFramesAndNobodyElseDoes() {
    VirtualTicks clock = new VirtualTicks();
    Listener slow = new Listener("slow", false, false, 1);
    Listener fine = new Listener("fine", false, false, 1);
    AudioFanout fanout = fanoutFor(List.of(slow, fine));
    for (int i = 0; i < 100; i++) {
      slow.behind = i >= 20 && i < 70;
      fanout.prepare(clock.next(Map.of(), null)).deliver(List.of(slow, fine));
    }
    assertEquals(100, fine.got.size());
    assertEquals(50, slow.got.size());
    assertEquals(50, slow.dropped);
    assertTrue(slow.got.stream().allMatch(b -> b.length() == SAMPLES * 2));
  }

  @Test
  void aVariantIsBuiltOnlyWhileSomeSocketOfTheRoomTakesIt() {
    VirtualTicks clock = new VirtualTicks();
    Listener plain = new Listener("plain", false, false, 1);
    Listener framed = new Listener("framed", true, false, 1);
    AudioFanout fanout = fanoutFor(List.of(plain));
    // A framed socket its loop already holds, before the node counted it: nobody takes the
    // framed mix yet, so it is not built and this socket's first tick is skipped.
    fanout.prepare(clock.next(Map.of(), null)).deliver(List.of(plain, framed));
    assertEquals(1, plain.got.size());
    assertEquals(0, framed.got.size());
    fanout.listening(framed);
    for (int i = 0; i < 10; i++) {
      fanout.prepare(clock.next(Map.of(), null)).deliver(List.of(plain, framed));
    }
    assertEquals(11, plain.got.size());
    assertEquals(10, framed.got.size());
    assertEquals(2, framed.got.get(0).getUnsignedInt(2), "framed from the tick after it counted");
    fanout.leaving(framed);
    fanout.prepare(clock.next(Map.of(), null)).deliver(List.of(plain, framed));
    assertEquals(12, plain.got.size(), "the plain listener loses nothing meanwhile");
    assertEquals(10, framed.got.size());
  }

  @Test
  void aFortyMillisecondListenerAfterTheLastOneLeftStartsAFreshGroup() {
    VirtualTicks clock = new VirtualTicks();
    Listener first = new Listener("first", false, false, 2);
    Listener later = new Listener("later", true, false, 2);
    AudioFanout fanout = fanoutFor(List.of(first));
    // Three ticks: one whole group, and a tick gathered for a group nobody will take.
    List<MediaPacket> sent = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sent.add(clock.next(Map.of(), null));
      fanout.prepare(sent.get(i)).deliver(List.of(first));
    }
    assertEquals(1, first.got.size());
    fanout.leaving(first);
    // Ticks nobody gathers.
    for (int i = 0; i < 5; i++) {
      sent.add(clock.next(Map.of(), null));
      fanout.prepare(sent.get(sent.size() - 1)).deliver(List.of());
    }
    fanout.listening(later);
    for (int i = 0; i < 4; i++) {
      sent.add(clock.next(Map.of(), null));
      fanout.prepare(sent.get(sent.size() - 1)).deliver(List.of(later));
    }
    assertEquals(2, later.got.size());
    Buffer firstGroup = later.got.get(0);
    assertEquals(sent.get(8).sequence(), firstGroup.getUnsignedInt(2), "no stale tick in it");
    assertEquals(
        sent.get(8).payload().copy().appendBuffer(sent.get(9).payload()),
        MediaFraming.payload(firstGroup));
  }
}
