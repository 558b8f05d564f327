package dev.podium.media.mix;

import java.util.List;

/**
 * One speaker's PCM on its way into the mix: bytes in chunks of any size ({@link PcmDecoder}), at
 * the rate the speaker declared or, when it declared none, the rate its samples arrive at ({@link
 * RateEstimator}), resampled to the room's rate when that differs ({@link Resampler}), cut into 20
 * ms frames ({@link Rechunker}). When the rate in use changes the resampler starts afresh (a click,
 * once).
 */
public final class SpeakerInput {
  private final int roomRate;
  private final PcmDecoder decoder = new PcmDecoder();
  private final RateEstimator estimator;
  private final Rechunker rechunker;

  /** Null while the speaker's rate is the room's. */
  private Resampler resampler;

  /**
   * Input samples the resampler may still take: resampling costs a few dozen multiply-adds per
   * sample, so a sender faster than real time (a flood) is resampled at most at {@link
   * #RESAMPLE_SPEED} times its rate, with a burst of a second; the excess is dropped, oldest first.
   */
  private double resampleBudget;

  private long budgetAt;
  private boolean budgetStarted;

  /** How much faster than real time a resampled speaker's samples are taken at most. */
  static final int RESAMPLE_SPEED = 2;

  /**
   * @param roomRate the rate frames are mixed at
   * @param frameSamples samples per frame at that rate
   * @param assumedRate the rate to take an undeclared speaker for until its stream shows another
   */
  public SpeakerInput(int roomRate, int frameSamples, int assumedRate) {
    this.roomRate = roomRate;
    this.estimator = new RateEstimator(assumedRate);
    this.rechunker = new Rechunker(frameSamples);
  }

  /**
   * A chunk arriving at {@code nowNanos}; returns the frames it completes.
   *
   * @param declaredRate the rate the sender declared, or 0 when it declared none
   */
  public List<short[]> push(byte[] pcm, int offset, int length, long nowNanos, int declaredRate) {
    short[] samples = decoder.decode(pcm, offset, length);
    int observed = estimator.observe(nowNanos, samples.length);
    int rate = declaredRate > 0 ? declaredRate : observed;
    if (rate == roomRate) {
      resampler = null;
    } else if (resampler == null || resampler.inRate() != rate) {
      resampler = new Resampler(rate, roomRate);
    }
    if (resampler == null) {
      return rechunker.push(samples, 0, samples.length);
    }
    int taken = withinBudget(samples.length, rate, nowNanos);
    short[] atRoomRate = resampler.push(samples, samples.length - taken, taken);
    return rechunker.push(atRoomRate, 0, atRoomRate.length);
  }

  /**
   * How many of {@code count} samples at {@code rate} the resampler takes now (the newest ones).
   */
  private int withinBudget(int count, int rate, long nowNanos) {
    if (!budgetStarted) {
      budgetStarted = true;
      resampleBudget = rate;
    } else {
      resampleBudget =
          Math.min(rate, resampleBudget + (nowNanos - budgetAt) * 1e-9 * RESAMPLE_SPEED * rate);
    }
    budgetAt = nowNanos;
    int taken = (int) Math.min(count, Math.max(0, resampleBudget));
    resampleBudget -= taken;
    return taken;
  }

  /** The rate the speaker's audio is taken to have now. */
  public int rate() {
    return resampler == null ? roomRate : resampler.inRate();
  }

  /** The rate found from the stream, or 0 while it is only assumed. */
  public int foundRate() {
    return estimator.found() ? estimator.rate() : 0;
  }

  /**
   * Whether part of a frame (or of a sample) waits for the next chunk: the next frame began in the
   * last chunk and completes in a later one.
   */
  public boolean partial() {
    return rechunker.partial() || decoder.pending();
  }
}
