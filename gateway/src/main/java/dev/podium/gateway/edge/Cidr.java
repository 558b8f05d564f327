package dev.podium.gateway.edge;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 address block, such as {@code 10.0.0.0/8}; a bare address is a block of one. */
public final class Cidr {
  private final byte[] network;
  private final int prefix;
  private final String text;

  private Cidr(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  /** Parses a literal block; never resolves names. */
  public static Cidr parse(String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    byte[] bytes = literal(address);
    if (bytes == null) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address or block");
    }
    int prefix = bytes.length * 8;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' has a bad prefix length");
      }
      if (prefix < 0 || prefix > bytes.length * 8) {
        throw new IllegalArgumentException(
            "'" + text + "' has a prefix length outside 0-" + bytes.length * 8);
      }
    }
    return new Cidr(bytes, prefix, text);
  }

  /** True when {@code address} (a literal; names never match) lies in this block. */
  public boolean contains(String address) {
    byte[] bytes = literal(address);
    if (bytes == null || bytes.length != network.length) {
      return false;
    }
    int whole = prefix / 8;
    for (int i = 0; i < whole; i++) {
      if (bytes[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xFF << (8 - rest) & 0xFF;
    return (bytes[whole] & mask) == (network[whole] & mask);
  }

  /** The address's bytes if it is an IPv4 or IPv6 literal (IPv4-mapped IPv6 as IPv4), else null. */
  static byte[] literal(String address) {
    if (address == null) {
      return null;
    }
    String a = address.trim();
    if (a.startsWith("[") && a.endsWith("]")) {
      a = a.substring(1, a.length() - 1);
    }
    int zone = a.indexOf('%');
    if (zone >= 0) {
      a = a.substring(0, zone);
    }
    boolean v4 = !a.isEmpty() && a.chars().allMatch(c -> Character.isDigit(c) || c == '.');
    boolean v6 =
        a.indexOf(':') >= 0
            && a.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    if (!v4 && !v6) {
      return null; // InetAddress would otherwise look the name up
    }
    try {
      return InetAddress.getByName(a).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /**
   * One spelling per address ({@code ::1} and {@code 0:0:0:0:0:0:0:1} alike), so counts are kept
   * per address.
   */
  static String canonical(String address) {
    byte[] bytes = literal(address);
    if (bytes == null) {
      return address;
    }
    try {
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      return address;
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
