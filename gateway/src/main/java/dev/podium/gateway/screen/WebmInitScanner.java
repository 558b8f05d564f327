package dev.podium.gateway.screen;

import io.vertx.core.buffer.Buffer;

/**
 * Reads the start of one WebM stream, fed in order in chunks of any size, and finds where its
 * initialisation segment ends: the EBML header and the Segment's header elements (Info, Tracks,
 * ...) up to, not including, the first Cluster. It reads element ids and sizes (EBML variable-size
 * integers) and skips over payloads, so an element may be split anywhere between chunks. The
 * Segment may have a known size or the "unknown" size (all ones) that MediaRecorder writes for a
 * live stream. It keeps no bytes itself: the caller keeps the chunks and cuts at {@link
 * #initLength()}.
 *
 * <p>Bounded: it reads at most {@code maxInitBytes} of the stream. When the first Cluster's id does
 * not end within them, or an element declares a size that would take it past them, the scan ends
 * with {@link Outcome#TOO_LARGE}; a stream that does not read as WebM ends it with {@link
 * Outcome#NOT_WEBM}. Once decided, the outcome never changes.
 */
public final class WebmInitScanner {
  /** Where the scan stands after the bytes fed so far. */
  public enum Outcome {
    /** No decision yet: feed the next chunk. */
    NEED_MORE,
    /**
     * The first Cluster starts at {@link #initLength()}: everything before it is the initialisation
     * segment.
     */
    FOUND,
    /** The bytes are not the start of a WebM stream (see {@link #reason()}). */
    NOT_WEBM,
    /** The initialisation segment would be longer than the limit. */
    TOO_LARGE
  }

  static final long EBML = 0x1A45DFA3L;
  static final long SEGMENT = 0x18538067L;
  static final long CLUSTER = 0x1F43B675L;
  private static final long VOID = 0xECL;
  private static final long CRC32 = 0xBFL;

  /** Which element the next id may be. */
  private enum Level {
    /** The stream's first element: the EBML header. */
    START,
    /** After the EBML header: the Segment (Void allowed before it). */
    TOP,
    /** Inside the Segment, before its first Cluster. */
    SEGMENT
  }

  private final long maxInitBytes;
  private Level level = Level.START;
  private Outcome outcome = Outcome.NEED_MORE;
  private String reason;

  /** Bytes of the stream read so far. */
  private long position;

  /** Payload bytes of the current element still to skip. */
  private long skip;

  /** Where the current element (its id's first byte) starts in the stream. */
  private long elementStart;

  /** Where a known-size Segment ends; -1 for an unknown size. */
  private long segmentEnd = -1;

  private long id;
  private int idBytes;
  private int idRead;
  private long size;
  private int sizeBytes;
  private int sizeRead;

  public WebmInitScanner(long maxInitBytes) {
    if (maxInitBytes < 1) {
      throw new IllegalArgumentException("maxInitBytes must be positive: " + maxInitBytes);
    }
    this.maxInitBytes = maxInitBytes;
  }

  /**
   * Reads the next chunk of the stream (nothing more once decided); returns the outcome after it.
   */
  public Outcome feed(Buffer chunk) {
    int i = 0;
    int length = chunk.length();
    while (i < length && outcome == Outcome.NEED_MORE) {
      if (skip > 0) {
        int n = (int) Math.min(skip, length - i);
        skip -= n;
        i += n;
        position += n;
        if (skip == 0) {
          elementSkipped();
        }
        continue;
      }
      if (position == maxInitBytes) {
        tooLarge("no Cluster within the first " + maxInitBytes + " bytes");
        break;
      }
      int b = chunk.getUnsignedByte(i++);
      position++;
      if (idRead < idBytes || idBytes == 0) {
        idByte(b);
      } else {
        sizeByte(b);
      }
    }
    return outcome;
  }

  public Outcome outcome() {
    return outcome;
  }

  /** The length of the initialisation segment once {@link Outcome#FOUND}; -1 before. */
  public long initLength() {
    return outcome == Outcome.FOUND ? elementStart : -1;
  }

  /** Bytes of the stream read so far. */
  public long position() {
    return position;
  }

  /**
   * Why the scan gave up, for the log; null unless {@link Outcome#NOT_WEBM} or {@link
   * Outcome#TOO_LARGE}.
   */
  public String reason() {
    return reason;
  }

  private void idByte(int b) {
    if (idBytes == 0) {
      elementStart = position - 1;
      if (level == Level.SEGMENT && segmentEnd >= 0 && elementStart >= segmentEnd) {
        notWebm("the Segment ends without a Cluster");
        return;
      }
      // An id is 1 to 4 bytes; its length is the number of leading zero bits of the first byte,
      // plus one.
      int length = Integer.numberOfLeadingZeros(b) - 24 + 1;
      if (b == 0 || length > 4) {
        notWebm(
            String.format(
                "byte 0x%02X at offset %d does not start an element id", b, elementStart));
        return;
      }
      idBytes = length;
      idRead = 1;
      id = b;
    } else {
      id = (id << 8) | b;
      idRead++;
    }
    if (idRead == idBytes) {
      idComplete();
    }
  }

  private void idComplete() {
    switch (level) {
      case START -> {
        if (id != EBML) {
          notWebm(String.format("the stream starts with element 0x%X, not the EBML header", id));
        }
      }
      case TOP -> {
        if (id != SEGMENT && id != VOID) {
          notWebm(String.format("element 0x%X after the EBML header, not a Segment", id));
        }
      }
      case SEGMENT -> {
        if (id == CLUSTER) {
          outcome = Outcome.FOUND;
        } else if (!isSegmentHeaderElement(id)) {
          notWebm(
              String.format("element 0x%X at offset %d is not a Segment child", id, elementStart));
        }
      }
      default -> throw new IllegalStateException(level.name());
    }
  }

  private void sizeByte(int b) {
    if (sizeBytes == 0) {
      // A size is 1 to 8 bytes; the first byte's leading zeros say how many follow.
      if (b == 0) {
        notWebm(
            String.format(
                "element 0x%X at offset %d has a size longer than 8 bytes", id, elementStart));
        return;
      }
      sizeBytes = Integer.numberOfLeadingZeros(b) - 24 + 1;
      sizeRead = 1;
      size = b & (0xFF >>> sizeBytes);
    } else {
      size = (size << 8) | b;
      sizeRead++;
    }
    if (sizeRead == sizeBytes) {
      sizeComplete(size == (1L << (7 * sizeBytes)) - 1);
    }
  }

  private void sizeComplete(boolean unknown) {
    if (level == Level.TOP && id == SEGMENT) {
      // The Segment holds the rest of the stream: read on into its children.
      segmentEnd = unknown ? -1 : position + size;
      level = Level.SEGMENT;
      nextElement();
      return;
    }
    if (unknown) {
      notWebm(String.format("element 0x%X at offset %d has an unknown size", id, elementStart));
      return;
    }
    long end = position + size;
    if (end > maxInitBytes) {
      tooLarge(
          String.format(
              "element 0x%X at offset %d declares %d bytes, beyond the %d-byte limit",
              id, elementStart, size, maxInitBytes));
      return;
    }
    if (segmentEnd >= 0 && end > segmentEnd) {
      notWebm(String.format("element 0x%X at offset %d ends beyond its Segment", id, elementStart));
      return;
    }
    skip = size;
    if (skip == 0) {
      elementSkipped();
    }
  }

  private void elementSkipped() {
    if (level == Level.START) {
      level = Level.TOP;
    }
    nextElement();
  }

  private void nextElement() {
    idBytes = 0;
    idRead = 0;
    sizeBytes = 0;
    sizeRead = 0;
  }

  /** The level-1 elements a Segment may hold before its first Cluster (Matroska's list). */
  private static boolean isSegmentHeaderElement(long id) {
    return id == 0x114D9B74L // SeekHead
        || id == 0x1549A966L // Info
        || id == 0x1654AE6BL // Tracks
        || id == 0x1C53BB6BL // Cues
        || id == 0x1043A770L // Chapters
        || id == 0x1254C367L // Tags
        || id == 0x1941A469L // Attachments
        || id == VOID
        || id == CRC32;
  }

  private void notWebm(String why) {
    outcome = Outcome.NOT_WEBM;
    reason = why;
  }

  private void tooLarge(String why) {
    outcome = Outcome.TOO_LARGE;
    reason = why;
  }
}
