package dev.podium.recorder.ogg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the pages of a single-stream Ogg file from its start. A recording torn by a crash ends in a
 * partial or corrupt page: the scan stops at the first page that is short, malformed, fails its CRC
 * or belongs to another stream, and everything from there on is the tail that a repair cuts.
 */
public final class OggPages {
  private OggPages() {}

  /**
   * One valid page.
   *
   * @param granule -1 when no packet ends on the page
   * @param packets the packets that end on this page, with any part carried over from earlier pages
   * @param endsInsidePacket the page's last packet continues on the next page
   */
  public record Page(
      long offset,
      int length,
      int flags,
      long granule,
      int serial,
      int sequence,
      int segments,
      List<byte[]> packets,
      boolean endsInsidePacket) {

    public boolean bos() {
      return (flags & OggPage.BOS) != 0;
    }

    public boolean eos() {
      return (flags & OggPage.EOS) != 0;
    }

    public long end() {
      return offset + length;
    }
  }

  /**
   * @param validEnd where the last valid page ends (0 when there is none)
   * @param size the file's size: anything between validEnd and size is a torn or corrupt tail
   */
  public record Scan(List<Page> pages, long validEnd, long size) {
    public boolean endsWithEos() {
      return !pages.isEmpty() && pages.get(pages.size() - 1).eos();
    }

    public boolean hasTail() {
      return validEnd < size;
    }

    /** Every complete packet in stream order. */
    public List<byte[]> packets() {
      List<byte[]> all = new ArrayList<>();
      for (Page page : pages) {
        all.addAll(page.packets());
      }
      return all;
    }
  }

  public static Scan scan(FileChannel channel) throws IOException {
    return read(channel, true);
  }

  /** The packets after OpusHead and OpusTags. */
  public static List<byte[]> audioPackets(Scan scan) {
    List<byte[]> packets = scan.packets();
    return packets.size() <= 2 ? List.of() : packets.subList(2, packets.size());
  }

  public static OpusHead opusHead(Scan scan) throws IOException {
    List<byte[]> packets = scan.packets();
    if (packets.isEmpty()) {
      throw new IOException("not an Ogg Opus stream: no valid Ogg page with an OpusHead");
    }
    return OpusHead.parse(packets.get(0));
  }

  /**
   * Makes a file that a crash may have torn ready for appending: cuts everything after the last
   * valid page that ends on a packet boundary, and says how to continue the stream.
   *
   * @throws IOException when the file does not start with valid OpusHead and OpusTags pages: there
   *     is nothing to continue and the caller should start a new file
   */
  public static ResumePoint repairForAppend(FileChannel channel) throws IOException {
    // Audio packets are not kept: a repair reads hours of recording only to find the last page.
    Scan scan = read(channel, false);
    List<Page> pages = scan.pages();
    OpusHead head = opusHead(scan);
    if (scan.packets().size() < 2) {
      throw new IOException("not an Ogg Opus stream: no valid OpusTags page after the OpusHead");
    }
    OpusTags.parse(scan.packets().get(1));
    int headersPage = 0;
    for (int seen = pages.get(0).packets().size(); seen < 2; ) {
      seen += pages.get(++headersPage).packets().size();
    }
    int last = pages.size() - 1;
    while (last >= headersPage && pages.get(last).endsInsidePacket()) {
      last--;
    }
    if (last < headersPage) {
      throw new IOException("no page boundary after the Opus headers to append at");
    }
    Page lastPage = pages.get(last);
    channel.truncate(lastPage.end());
    long granule = 0;
    for (int i = last; i >= 0; i--) {
      if (pages.get(i).granule() != -1) {
        granule = pages.get(i).granule();
        break;
      }
    }
    return new ResumePoint(
        lastPage.serial(),
        lastPage.sequence() + 1,
        granule,
        head.preSkip(),
        lastPage.eos(),
        lastPage.offset(),
        lastPage.end());
  }

  private static Scan read(FileChannel channel, boolean keepAudio) throws IOException {
    long size = channel.size();
    List<Page> pages = new ArrayList<>();
    int packetCount = 0;
    ByteArrayOutputStream open = null; // a packet that continues on the next page
    long offset = 0;
    byte[] bytes;
    while ((bytes = readPage(channel, offset, size)) != null) {
      ByteBuffer page = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      int flags = page.get(5) & 0xff;
      int serial = page.getInt(14);
      if (!pages.isEmpty() && serial != pages.get(0).serial()) {
        break; // we write one stream per file: another serial is not ours to continue
      }
      int segments = bytes[OggPage.SEGMENT_COUNT_OFFSET] & 0xff;
      boolean continued = (flags & OggPage.CONTINUED) != 0;
      // A continuation whose start we never saw is a fragment: skip it until a packet ends.
      boolean skipping = continued && open == null;
      ByteArrayOutputStream current = continued ? open : null;
      List<byte[]> packets = new ArrayList<>();
      int body = OggPage.HEADER_SIZE + segments;
      for (int i = 0; i < segments; i++) {
        int lace = bytes[OggPage.HEADER_SIZE + i] & 0xff;
        if (!skipping) {
          if (current == null) {
            current = new ByteArrayOutputStream();
          }
          current.write(bytes, body, lace);
        }
        body += lace;
        if (lace < 255) {
          if (!skipping && (keepAudio || packetCount < 2)) {
            packets.add(current.toByteArray());
          }
          packetCount += skipping ? 0 : 1;
          current = null;
          skipping = false;
        }
      }
      open = current;
      pages.add(
          new Page(
              offset,
              bytes.length,
              flags,
              page.getLong(6),
              serial,
              page.getInt(18),
              segments,
              List.copyOf(packets),
              current != null || skipping));
      offset += bytes.length;
    }
    return new Scan(List.copyOf(pages), offset, size);
  }

  /** The whole page at offset, or null if it is short, malformed or fails its CRC. */
  private static byte[] readPage(FileChannel channel, long offset, long size) throws IOException {
    if (size - offset < OggPage.HEADER_SIZE) {
      return null;
    }
    byte[] header = new byte[OggPage.HEADER_SIZE];
    readFully(channel, offset, header, 0, header.length);
    if (!Arrays.equals(header, 0, 4, OggPage.CAPTURE, 0, 4) || header[4] != 0) {
      return null;
    }
    int segments = header[OggPage.SEGMENT_COUNT_OFFSET] & 0xff;
    if (size - offset < OggPage.HEADER_SIZE + segments) {
      return null;
    }
    byte[] lacing = new byte[segments];
    readFully(channel, offset + OggPage.HEADER_SIZE, lacing, 0, segments);
    int length = OggPage.HEADER_SIZE + segments;
    for (byte lace : lacing) {
      length += lace & 0xff;
    }
    if (size - offset < length) {
      return null;
    }
    byte[] page = Arrays.copyOf(header, length);
    System.arraycopy(lacing, 0, page, OggPage.HEADER_SIZE, segments);
    int bodyStart = OggPage.HEADER_SIZE + segments;
    readFully(channel, offset + bodyStart, page, bodyStart, length - bodyStart);
    ByteBuffer view = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
    int stored = view.getInt(OggPage.CRC_OFFSET);
    view.putInt(OggPage.CRC_OFFSET, 0);
    if (OggCrc.of(page) != stored) {
      return null;
    }
    view.putInt(OggPage.CRC_OFFSET, stored);
    return page;
  }

  static void readFully(FileChannel channel, long position, byte[] into, int offset, int length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(into, offset, length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position() - offset) < 0) {
        throw new IOException("file shrank while being read at " + position);
      }
    }
  }
}
