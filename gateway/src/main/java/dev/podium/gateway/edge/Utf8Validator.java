package dev.podium.gateway.edge;

/**
 * Strict streaming UTF-8 check (RFC 3629): no overlong forms, no surrogates, nothing above
 * U+10FFFF. Fed one byte at a time across frame boundaries, so nothing is buffered; Java's own
 * decoding would silently replace bad bytes instead.
 */
public final class Utf8Validator {
  private int needed;
  private int low = 0x80;
  private int high = 0xBF;

  /** False as soon as the bytes so far cannot be the start of valid UTF-8. */
  public boolean accept(int b) {
    b &= 0xFF;
    if (needed == 0) {
      if (b < 0x80) {
        return true;
      }
      if (b >= 0xC2 && b <= 0xDF) {
        expect(1, 0x80, 0xBF);
      } else if (b == 0xE0) {
        expect(2, 0xA0, 0xBF);
      } else if (b >= 0xE1 && b <= 0xEC || b == 0xEE || b == 0xEF) {
        expect(2, 0x80, 0xBF);
      } else if (b == 0xED) {
        expect(2, 0x80, 0x9F); // U+D800..U+DFFF are surrogates, not characters
      } else if (b == 0xF0) {
        expect(3, 0x90, 0xBF);
      } else if (b >= 0xF1 && b <= 0xF3) {
        expect(3, 0x80, 0xBF);
      } else if (b == 0xF4) {
        expect(3, 0x80, 0x8F);
      } else {
        return false;
      }
      return true;
    }
    if (b < low || b > high) {
      return false;
    }
    needed--;
    low = 0x80;
    high = 0xBF;
    return true;
  }

  /** True when no character is cut off (the end of a message must be here). */
  public boolean complete() {
    return needed == 0;
  }

  public void reset() {
    needed = 0;
    low = 0x80;
    high = 0xBF;
  }

  private void expect(int count, int lo, int hi) {
    needed = count;
    low = lo;
    high = hi;
  }
}
