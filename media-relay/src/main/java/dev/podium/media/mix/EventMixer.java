package dev.podium.media.mix;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The audio of one event: each speaker's stream re-chunked into 20 ms frames behind a jitter
 * buffer, mixed once per tick into the room mix and a mix-minus per speaker. Plain logic; the
 * relay calls {@link #ingest} for every frame that arrives and {@link #tick} on schedule.
 */
public final class EventMixer {
  /** One tick's output. {@code timestamp} counts samples since the event's audio began. */
  public record Tick(long sequence, long timestamp, Mixer.Mix mix, Map<String, short[]> frames) {
  }

  private static final class Speaker {
    final Rechunker rechunker;
    final JitterBuffer buffer;
    long lastHeardNanos;

    Speaker(int frameSamples, int targetDepth, int maxDepth) {
      rechunker = new Rechunker(frameSamples);
      buffer = new JitterBuffer(targetDepth, maxDepth);
    }
  }

  private final int frameSamples;
  private final int targetDepth;
  private final int maxDepth;
  private final long idleNanos;
  private final Map<String, Speaker> speakers = new LinkedHashMap<>();
  private long sequence;
  private long ticks;

  /**
   * @param frameSamples samples per 20 ms frame (960 at 48 kHz)
   * @param targetDepth  frames buffered before a speaker is played (jitter buffer)
   * @param idleNanos    a speaker silent this long is forgotten
   */
  public EventMixer(int frameSamples, int targetDepth, long idleNanos) {
    this.frameSamples = frameSamples;
    this.targetDepth = targetDepth;
    this.maxDepth = targetDepth * 4 + 2;
    this.idleNanos = idleNanos;
  }

  public int frameSamples() {
    return frameSamples;
  }

  /** A chunk of PCM from a speaker. */
  public void ingest(String userId, byte[] pcm, int offset, int length, long nowNanos) {
    Speaker s = speakers.computeIfAbsent(userId, id -> new Speaker(frameSamples, targetDepth, maxDepth));
    s.lastHeardNanos = nowNanos;
    for (short[] frame : s.rechunker.push(pcm, offset, length)) {
      s.buffer.offer(frame);
    }
    // Chunks longer than a frame arrive in bursts: buffer one chunk more than the chunk itself.
    int chunkFrames = (length / 2 + frameSamples - 1) / frameSamples;
    s.buffer.ensureTarget(chunkFrames + 1);
  }

  /** Already-decoded 20 ms frames from a speaker (for example Opus). */
  public void ingestFrame(String userId, short[] frame, long nowNanos) {
    Speaker s = speakers.computeIfAbsent(userId, id -> new Speaker(frameSamples, targetDepth, maxDepth));
    s.lastHeardNanos = nowNanos;
    s.buffer.offer(frame);
  }

  /** Forgets a speaker at once (removed, muted or stepped down). */
  public void dropSpeaker(String userId) {
    speakers.remove(userId);
  }

  /** The mix for this tick, or null when nobody is speaking (silence is not sent). */
  public Tick tick(long nowNanos) {
    ticks++;
    Map<String, short[]> frames = new HashMap<>();
    for (Iterator<Map.Entry<String, Speaker>> it = speakers.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Speaker> e = it.next();
      short[] frame = e.getValue().buffer.poll();
      if (frame != null) {
        frames.put(e.getKey(), frame);
      } else if (nowNanos - e.getValue().lastHeardNanos > idleNanos) {
        // Silent too long: forget them, with any frames too few to reach the playback depth, so
        // their next words do not start with stale audio.
        it.remove();
      }
    }
    if (frames.isEmpty()) {
      return null;
    }
    return new Tick(++sequence, ticks * frameSamples, Mixer.mix(frames, frameSamples), frames);
  }

  public int speakerCount() {
    return speakers.size();
  }
}
