package dev.podium.gateway.screen;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * WebM for the tests: real MediaRecorder recordings (test resources {@code webm/*.webm}, with the
 * chunk sizes Chromium delivered them in; see {@code webm/README.md}) and streams built element by
 * element, byte-exact, for the cases a browser does not produce.
 */
final class WebmSamples {
  /** A recording as Chromium chunked it, and where its first Cluster starts. */
  record Recording(Buffer bytes, List<Integer> chunkSizes, int initLength) {
    List<Buffer> chunks() {
      List<Buffer> out = new ArrayList<>();
      int at = 0;
      for (int size : chunkSizes) {
        out.add(bytes.getBuffer(at, at + size));
        at += size;
      }
      return out;
    }

    Buffer init() {
      return bytes.getBuffer(0, initLength);
    }
  }

  /**
   * Chromium 156, {@code video/webm;codecs=vp8,opus}: the header's first byte alone, then the rest
   * with the first Cluster.
   */
  static Recording chromiumSplit() {
    return recording("chromium-vp8-opus", 206);
  }

  /**
   * Chromium 156, {@code video/webm;codecs=vp8}: the header and the first Cluster's start in one
   * chunk.
   */
  static Recording chromiumWhole() {
    return recording("chromium-vp8", 143);
  }

  private static Recording recording(String name, int initLength) {
    Buffer bytes = Buffer.buffer(read("webm/" + name + ".webm"));
    List<Integer> sizes =
        new String(read("webm/" + name + ".chunks"), StandardCharsets.UTF_8)
            .lines()
            .filter(l -> !l.isBlank() && !l.startsWith("#"))
            .map(Integer::parseInt)
            .toList();
    if (sizes.stream().mapToInt(Integer::intValue).sum() != bytes.length()) {
      throw new IllegalStateException(name + ": the chunk sizes do not add up to the recording");
    }
    return new Recording(bytes, sizes, initLength);
  }

  private static byte[] read(String resource) {
    try (InputStream in = WebmSamples.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static final long EBML = 0x1A45DFA3L;
  static final long SEGMENT = 0x18538067L;
  static final long CLUSTER = 0x1F43B675L;
  static final long INFO = 0x1549A966L;
  static final long TRACKS = 0x1654AE6BL;
  static final long SEEK_HEAD = 0x114D9B74L;
  static final long VOID = 0xECL;

  /** The id's bytes (an EBML id keeps its length marker, so its value is its encoding). */
  static Buffer id(long id) {
    Buffer b = Buffer.buffer();
    int bytes = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;
    for (int i = bytes - 1; i >= 0; i--) {
      b.appendByte((byte) (id >>> (8 * i)));
    }
    return b;
  }

  /** A size as an EBML variable-size integer of {@code length} bytes. */
  static Buffer size(long value, int length) {
    Buffer b = Buffer.buffer();
    long marked = value | (1L << (7 * length));
    for (int i = length - 1; i >= 0; i--) {
      b.appendByte((byte) (marked >>> (8 * i)));
    }
    return b;
  }

  /** The shortest size encoding of {@code value}. */
  static Buffer size(long value) {
    int length = 1;
    while (value >= (1L << (7 * length)) - 1) {
      length++;
    }
    return size(value, length);
  }

  /** MediaRecorder's size for a live Segment or Cluster: 8 bytes, all value bits set. */
  static Buffer unknownSize() {
    return Buffer.buffer(new byte[] {0x01, -1, -1, -1, -1, -1, -1, -1});
  }

  static Buffer element(long id, Buffer payload) {
    return id(id).appendBuffer(size(payload.length())).appendBuffer(payload);
  }

  static Buffer element(long id, byte... payload) {
    return element(id, Buffer.buffer(payload));
  }

  static Buffer concat(Buffer... parts) {
    Buffer b = Buffer.buffer();
    for (Buffer p : parts) {
      b.appendBuffer(p);
    }
    return b;
  }

  /** An EBML header as MediaRecorder writes it (DocType "webm", versions 4 and 2). */
  static Buffer ebmlHeader() {
    return element(
        EBML,
        concat(
            element(0x4286, (byte) 1),
            element(0x42F7, (byte) 1),
            element(0x42F2, (byte) 4),
            element(0x42F3, (byte) 8),
            element(0x4282, Buffer.buffer("webm")),
            element(0x4287, (byte) 4),
            element(0x4285, (byte) 2)));
  }

  /** Info (timecode scale 1 ms, muxing and writing app) and one VP8 video track. */
  static Buffer segmentHeaderElements() {
    Buffer info =
        element(
            INFO,
            concat(
                element(0x2AD7B1, (byte) 0x0F, (byte) 0x42, (byte) 0x40),
                element(0x4D80, Buffer.buffer("podium-test")),
                element(0x5741, Buffer.buffer("podium-test"))));
    Buffer track =
        element(
            0xAE,
            concat(
                element(0xD7, (byte) 1),
                element(0x73C5, (byte) 7),
                element(0x83, (byte) 1),
                element(0x86, Buffer.buffer("V_VP8")),
                element(
                    0xE0,
                    concat(element(0xB0, (byte) 0x01, (byte) 0x40), element(0xBA, (byte) 0xF0)))));
    return concat(info, element(TRACKS, track));
  }

  /** A live stream's initialisation segment: EBML header, Segment of unknown size, Info, Tracks. */
  static Buffer liveHeader() {
    return concat(ebmlHeader(), id(SEGMENT), unknownSize(), segmentHeaderElements());
  }

  /** A Cluster of unknown size with a timecode and one SimpleBlock of {@code frameBytes} bytes. */
  static Buffer liveCluster(int timecode, int frameBytes) {
    Buffer block =
        Buffer.buffer().appendByte((byte) 0x81).appendShort((short) 0).appendByte((byte) 0x80);
    for (int i = 0; i < frameBytes; i++) {
      block.appendByte((byte) (i * 31 + timecode));
    }
    return concat(
        id(CLUSTER),
        unknownSize(),
        element(0xE7, (byte) (timecode >>> 8), (byte) timecode),
        element(0xA3, block));
  }

  private WebmSamples() {}
}
