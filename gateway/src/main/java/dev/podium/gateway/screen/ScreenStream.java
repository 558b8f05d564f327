package dev.podium.gateway.screen;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One host's screen stream (WebM from MediaRecorder), chunk by chunk in the order sent, cut into
 * what the room gets: the initialisation segment as one piece (relayed, and cached for late
 * joiners), everything after it as media, byte for byte as the host sent it. Browsers split the
 * header anywhere (current Chromium sends its first byte alone, then the rest together with the
 * start of the first Cluster), so the header's end is found by reading the element boundaries
 * ({@link WebmInitScanner}): while it is being read, chunks are held back (at most the limit plus
 * one chunk); then the header goes out as the init piece, and what followed it in the same chunks
 * as one media piece.
 *
 * <p>A recording starts with a chunk that begins like the EBML header ({@code 1A 45 DF A3}, or the
 * whole chunk being the first 1 to 3 of those bytes), or with a chunk the host declares an
 * initialisation segment ({@code podium.v1} kind 4); any other chunk outside a header is media (a
 * host that reconnects mid-share sends Clusters). When the header cannot be read (not WebM, longer
 * than the limit, or cut short by the next recording's EBML header) the stream gives up on it: the
 * held chunks go out as they were declared (media for today's pages), and no initialisation segment
 * is taken from that recording. {@link #restart()} (the room switches mode) drops a header being
 * read instead: its recording is over.
 *
 * <p>Per host socket; not thread-safe (used on the socket's event loop).
 */
public final class ScreenStream {
  /** Where the pieces go, in stream order. */
  public interface Sink {
    /** A piece of the stream: the initialisation segment ({@code init}) or media. */
    void relay(Buffer bytes, boolean init);

    /**
     * A recording's header was read (before its pieces are relayed): found, or given up on with a
     * reason for the log (null when found).
     */
    void headerRead(Header outcome, String reason);
  }

  /** How reading a recording's header ended. */
  public enum Header {
    /** The initialisation segment was found and is relayed as one piece. */
    FOUND,
    /** The bytes do not read as WebM. */
    NOT_WEBM,
    /** The header would be longer than the limit. */
    TOO_LARGE,
    /** The next recording began before the header was complete. */
    INTERRUPTED;

    /** As a metric label. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static final byte[] EBML_MAGIC = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3};
  private static final byte[] CLUSTER_ID = {0x1F, 0x43, (byte) 0xB6, 0x75};

  private final long maxInitBytes;

  /** Reading a recording's header: non-null while chunks are held. */
  private WebmInitScanner scanner;

  private final List<Buffer> held = new ArrayList<>();
  private final List<Boolean> heldDeclaredInit = new ArrayList<>();
  private long heldBytes;
  private int headersLost;

  /**
   * @param maxInitBytes the most bytes read to find a header's end (so held back, with the chunk in
   *     hand)
   */
  public ScreenStream(long maxInitBytes) {
    this.maxInitBytes = maxInitBytes;
  }

  /**
   * The recording is over (the host switched mode): a header being read is dropped, not relayed.
   */
  public void restart() {
    scanner = null;
    held.clear();
    heldDeclaredInit.clear();
    heldBytes = 0;
  }

  /** True while a recording's header is being read and chunks are held back. */
  public boolean readingHeader() {
    return scanner != null;
  }

  /**
   * Recordings of this stream whose header was not found (for a log that does not repeat itself).
   */
  public int headersLost() {
    return headersLost;
  }

  /** Bytes held back while the header is read. */
  public long heldBytes() {
    return heldBytes;
  }

  /**
   * True when the chunk can only be this stream's WebM: it starts with the EBML header or a Cluster
   * id, or it completes the first bytes of an EBML header held back (a header split after 1 to 3
   * bytes). Lets a caller that also receives other binary data on the socket (today's host page
   * sends PCM beside the WebM) keep such chunks in the stream whatever their size.
   */
  public boolean claims(Buffer chunk) {
    if (startsWith(chunk, EBML_MAGIC, 0) || startsWith(chunk, CLUSTER_ID, 0)) {
      return true;
    }
    if (scanner == null || heldBytes >= EBML_MAGIC.length) {
      return false;
    }
    Buffer start = Buffer.buffer((int) heldBytes);
    held.forEach(start::appendBuffer);
    return startsWith(EBML_MAGIC, start) && startsWith(chunk, EBML_MAGIC, start.length());
  }

  /** True when {@code bytes} are the first bytes of {@code pattern}. */
  private static boolean startsWith(byte[] pattern, Buffer bytes) {
    for (int i = 0; i < bytes.length(); i++) {
      if (bytes.getByte(i) != pattern[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The next chunk of the stream. {@code declaredInit}: the sender says a recording starts here
   * ({@code podium.v1} kind 4); today's pages never say so.
   */
  public void accept(Buffer chunk, boolean declaredInit, Sink sink) {
    if (scanner != null && (declaredInit || startsWith(chunk, EBML_MAGIC, 0))) {
      // A new recording began before the last one's header was complete: that one is lost, this one
      // is read.
      giveUp(
          sink,
          Header.INTERRUPTED,
          "a new header began after " + heldBytes + " bytes of the previous one");
    }
    if (scanner == null) {
      if (!declaredInit && !startsLikeHeader(chunk)) {
        sink.relay(chunk, false);
        return;
      }
      scanner = new WebmInitScanner(maxInitBytes);
    }
    // A copy: the caller's buffer is only known to be ours during this call.
    held.add(chunk.copy());
    heldDeclaredInit.add(declaredInit);
    heldBytes += chunk.length();
    switch (scanner.feed(chunk)) {
      case NEED_MORE -> {
        // keep holding: the scanner bounds the header, so at most the limit plus this chunk is held
      }
      case FOUND -> found(sink);
      case NOT_WEBM -> giveUp(sink, Header.NOT_WEBM, scanner.reason());
      case TOO_LARGE -> giveUp(sink, Header.TOO_LARGE, scanner.reason());
      default -> throw new IllegalStateException();
    }
  }

  private void found(Sink sink) {
    int initLength = (int) scanner.initLength();
    Buffer all = Buffer.buffer((int) heldBytes);
    held.forEach(all::appendBuffer);
    restart();
    sink.headerRead(Header.FOUND, null);
    sink.relay(all.getBuffer(0, initLength), true);
    if (all.length() > initLength) {
      sink.relay(all.getBuffer(initLength, all.length()), false);
    }
  }

  /**
   * Releases the held chunks as they were declared; no initialisation segment from this recording.
   */
  private void giveUp(Sink sink, Header why, String reason) {
    List<Buffer> chunks = List.copyOf(held);
    List<Boolean> declared = List.copyOf(heldDeclaredInit);
    restart();
    headersLost++;
    sink.headerRead(why, reason);
    for (int i = 0; i < chunks.size(); i++) {
      sink.relay(chunks.get(i), declared.get(i));
    }
  }

  /** The EBML magic, or a chunk of 1 to 3 bytes that is its beginning. */
  private static boolean startsLikeHeader(Buffer chunk) {
    int n = Math.min(chunk.length(), EBML_MAGIC.length);
    if (n == 0) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (chunk.getByte(i) != EBML_MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** True when the chunk starts with {@code pattern[from..]}. */
  private static boolean startsWith(Buffer chunk, byte[] pattern, int from) {
    int n = pattern.length - from;
    if (chunk.length() < n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (chunk.getByte(i) != pattern[from + i]) {
        return false;
      }
    }
    return true;
  }
}
