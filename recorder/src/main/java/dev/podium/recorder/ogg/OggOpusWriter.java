package dev.podium.recorder.ogg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a mono Ogg Opus stream (RFC 7845): a page with OpusHead, a page with OpusTags, then audio
 * pages of whole packets. Blocking: run it on a worker thread.
 *
 * <p>A page goes out when the next packet would not fit: more than {@value #PACKETS_PER_PAGE}
 * packets (0.5 s of 20 ms frames, the most a crash loses unless the caller flushes) or more than
 * 255 lacing values. Holding the last page back until then means {@link #finish()} nearly always
 * has packets to put on the EOS page, instead of an empty EOS page.
 */
public final class OggOpusWriter {
  public static final int PACKETS_PER_PAGE = 25;
  public static final String VENDOR = "Podium";

  private final WritableByteChannel channel;
  private final int serial;
  private final List<byte[]> buffered = new ArrayList<>();
  private int bufferedSegments;
  private int sequence;
  private long granule;
  private long bytesWritten;
  private boolean finished;

  private OggOpusWriter(
      WritableByteChannel channel, int serial, int sequence, long granule, long bytesWritten) {
    this.channel = channel;
    this.serial = serial;
    this.sequence = sequence;
    this.granule = granule;
    this.bytesWritten = bytesWritten;
  }

  /**
   * Starts a stream and writes its two header pages.
   *
   * @param preSkip the encoder's lookahead in 48 kHz samples, which players drop
   * @param inputRate the rate the audio was captured at (informational)
   * @param comments "KEY=value" user comments for OpusTags
   */
  public static OggOpusWriter start(
      WritableByteChannel channel, int serial, int preSkip, int inputRate, List<String> comments)
      throws IOException {
    OggOpusWriter writer = new OggOpusWriter(channel, serial, 0, 0, 0);
    writer.writePage(OggPage.BOS, List.of(OpusHead.mono(preSkip, inputRate).bytes()));
    writer.writePage(0, List.of(new OpusTags(VENDOR, comments).bytes()));
    return writer;
  }

  /**
   * Continues a stream after {@link OggPages#repairForAppend}. A finished stream is reopened: its
   * EOS page loses the EOS flag, or goes away if it holds no packet, since Ogg allows no page after
   * EOS.
   */
  public static OggOpusWriter resume(FileChannel channel, ResumePoint point) throws IOException {
    if (channel.size() != point.endOffset()) {
      throw new IOException(
          "file is " + channel.size() + " bytes, the resume point expects " + point.endOffset());
    }
    long end = point.endOffset();
    int sequence = point.nextSequence();
    if (point.endsWithEos()) {
      byte[] last = new byte[(int) (end - point.lastPageOffset())];
      OggPages.readFully(channel, point.lastPageOffset(), last, 0, last.length);
      if (last[OggPage.SEGMENT_COUNT_OFFSET] == 0) {
        end = point.lastPageOffset();
        sequence--;
        channel.truncate(end);
      } else {
        last[5] &= (byte) ~OggPage.EOS;
        OggPage.stampCrc(last);
        write(channel, ByteBuffer.wrap(last), point.lastPageOffset());
      }
    }
    channel.position(end);
    return new OggOpusWriter(channel, point.serial(), sequence, point.granule(), end);
  }

  /**
   * Adds one packet.
   *
   * @param samples48k the packet's duration in 48 kHz samples (960 for 20 ms)
   */
  public void append(byte[] opusPacket, int samples48k) throws IOException {
    if (finished) {
      throw new IllegalStateException("the stream is finished");
    }
    int segments = OggPage.segmentsOf(opusPacket.length);
    if (segments > OggPage.MAX_SEGMENTS) {
      throw new IllegalArgumentException(opusPacket.length + " bytes do not fit on one Ogg page");
    }
    if (buffered.size() == PACKETS_PER_PAGE || bufferedSegments + segments > OggPage.MAX_SEGMENTS) {
      flush();
    }
    buffered.add(opusPacket);
    bufferedSegments += segments;
    granule += samples48k;
  }

  /** Writes the buffered packets as a page, so that they survive a crash. */
  public void flush() throws IOException {
    if (!buffered.isEmpty()) {
      writeBuffered(0);
    }
  }

  /**
   * Writes the last page, flagged EOS. With nothing buffered (right after a flush) it holds no
   * packet and, as RFC 3533 wants of a page where no packet ends, granule -1. Idempotent.
   */
  public void finish() throws IOException {
    if (!finished) {
      writeBuffered(OggPage.EOS);
      finished = true;
    }
  }

  /** 48 kHz samples of all packets appended so far, pre-skip included. */
  public long granule() {
    return granule;
  }

  /** The sequence number the next page will carry. */
  public int pageSequence() {
    return sequence;
  }

  /** The stream's length in bytes, including pages written before a resume. */
  public long bytesWritten() {
    return bytesWritten;
  }

  private void writeBuffered(int flags) throws IOException {
    writePage(flags, buffered);
    buffered.clear();
    bufferedSegments = 0;
  }

  private void writePage(int flags, List<byte[]> packets) throws IOException {
    long pageGranule = packets.isEmpty() ? -1 : granule; // opusinfo warns about anything else
    byte[] page = OggPage.build(flags, pageGranule, serial, sequence, packets);
    ByteBuffer buffer = ByteBuffer.wrap(page);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    sequence++;
    bytesWritten += page.length;
  }

  private static void write(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer, position + buffer.position());
    }
  }
}
