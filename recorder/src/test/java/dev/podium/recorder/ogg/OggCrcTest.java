package dev.podium.recorder.ogg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OggCrcTest {

  /** The CRC bit by bit, straight from RFC 3533: an independent check of the table. */
  static int bitwise(byte[] data) {
    int crc = 0;
    for (byte b : data) {
      crc ^= (b & 0xff) << 24;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
      }
    }
    return crc;
  }

  @Test
  void matchesThePublishedCheckValue() {
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0x89A1897F, OggCrc.of(check));
    assertEquals(0x89A1897F, bitwise(check));
  }

  @Test
  void tableMatchesBitwiseAndCanBeFedInPieces() {
    byte[] data = new byte[4096];
    new Random(7).nextBytes(data);
    assertEquals(bitwise(data), OggCrc.of(data));
    assertEquals(OggCrc.of(data), OggCrc.update(OggCrc.update(0, data, 0, 1000), data, 1000, 3096));
  }

  @Test
  void pageIsBuiltByteForByte() {
    byte[] expected = {
      'O', 'g', 'g', 'S', 0, 0x02, // capture, version, BOS
      0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, // granule 0x0102030405060708
      0x78, 0x56, 0x34, 0x12, // serial
      0x07, 0, 0, 0, // sequence 7
      0, 0, 0, 0, // CRC, zero while computing it
      1, 3, 'a', 'b', 'c'
    };
    int crc = bitwise(expected);
    for (int i = 0; i < 4; i++) {
      expected[22 + i] = (byte) (crc >>> (8 * i));
    }

    byte[] page =
        OggPage.build(
            OggPage.BOS,
            0x0102030405060708L,
            0x12345678,
            7,
            List.of("abc".getBytes(StandardCharsets.US_ASCII)));

    assertArrayEquals(expected, page);
  }
}
