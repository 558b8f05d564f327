package dev.podium.deploy;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client made of a plain socket, for what well-behaved clients never send: frames with
 * reserved bits, oversize or half-sent frames, invalid UTF-8, dribbled headers. It never answers
 * pings. It can bind to any loopback source address (127.0.0.0/8), so an attack has an address of
 * its own and per-address limits do not touch the bystanders.
 */
final class RawWebSocket implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private int status;
  private final Map<String, String> responseHeaders = new LinkedHashMap<>();
  private final List<JsonObject> texts = new ArrayList<>();
  private int closeCode = -1;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** A TCP connection from {@code sourceIp} to the gateway, nothing sent yet. */
  static RawWebSocket tcp(String sourceIp, int port) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getByName(sourceIp), 0));
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    s.setSoTimeout(10_000);
    s.setTcpNoDelay(true);
    return new RawWebSocket(s);
  }

  /**
   * Connects and completes the opening handshake ({@code extraHeaders} as {@code "Name: value"}
   * lines).
   */
  static RawWebSocket open(String sourceIp, int port, String uri, String... extraHeaders)
      throws IOException {
    RawWebSocket ws = tcp(sourceIp, port);
    ws.handshake(uri, extraHeaders);
    return ws;
  }

  void handshake(String uri, String... extraHeaders) throws IOException {
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    StringBuilder request =
        new StringBuilder(
            "GET "
                + uri
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(nonce)
                + "\r\n");
    for (String header : extraHeaders) {
      request.append(header).append("\r\n");
    }
    sendRaw(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    String head = readHead();
    String[] lines = head.split("\r\n");
    status = Integer.parseInt(lines[0].split(" ")[1]);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        responseHeaders.put(
            lines[i].substring(0, colon).trim().toLowerCase(),
            lines[i].substring(colon + 1).trim());
      }
    }
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed during the handshake");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  int status() {
    return status;
  }

  String responseHeader(String name) {
    return responseHeaders.get(name.toLowerCase());
  }

  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  void sendFrame(boolean fin, int rsv, int opcode, byte[] payload) throws IOException {
    sendRaw(frame(fin, rsv, opcode, payload, payload.length));
  }

  void sendText(String text) throws IOException {
    sendFrame(true, 0, 1, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A masked client frame; {@code declaredLength} may exceed the payload, for half-sent frames. */
  static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, long declaredLength) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write((fin ? 0x80 : 0) | rsv << 4 | opcode);
    if (declaredLength < 126) {
      frame.write(0x80 | (int) declaredLength);
    } else if (declaredLength < 65536) {
      frame.write(0x80 | 126);
      frame.write((int) (declaredLength >> 8));
      frame.write((int) declaredLength);
    } else {
      frame.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        frame.write((int) (declaredLength >> (8 * i)));
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.write(mask, 0, 4);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i & 3]);
    }
    return frame.toByteArray();
  }

  /**
   * Reads server frames until a close frame (its code is returned) or the end of the stream (-1),
   * within {@code timeoutMs}; text messages on the way are kept. Fails the wait with an exception
   * if neither comes in time.
   */
  int awaitClose(long timeoutMs) throws IOException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      int left = (int) Math.max(1, deadline - System.currentTimeMillis());
      socket.setSoTimeout(left);
      int opcode;
      byte[] payload;
      try {
        int b0 = in.read();
        if (b0 < 0) {
          return -1;
        }
        int b1 = readByte();
        long length = b1 & 0x7F;
        if (length == 126) {
          length = readByte() << 8 | readByte();
        } else if (length == 127) {
          length = 0;
          for (int i = 0; i < 8; i++) {
            length = length << 8 | readByte();
          }
        }
        opcode = b0 & 0x0F;
        payload = in.readNBytes((int) length);
      } catch (SocketTimeoutException e) {
        throw new IOException("no close within " + timeoutMs + " ms; texts so far: " + texts, e);
      } catch (java.net.SocketException e) {
        return -1; // reset
      }
      if (opcode == 1) {
        texts.add(new JsonObject(new String(payload, StandardCharsets.UTF_8)));
      } else if (opcode == 8) {
        closeCode = payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : 1005;
        return closeCode;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IOException("no close within " + timeoutMs + " ms; texts so far: " + texts);
      }
    }
  }

  /**
   * Reads the next text message within {@code timeoutMs} (pings and binary skipped); null if the
   * socket closed.
   */
  JsonObject nextText(long timeoutMs) throws IOException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    int before = texts.size();
    while (texts.size() == before) {
      socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
      int b0 = in.read();
      if (b0 < 0) {
        return null;
      }
      int b1 = readByte();
      long length = b1 & 0x7F;
      if (length == 126) {
        length = readByte() << 8 | readByte();
      } else if (length == 127) {
        length = 0;
        for (int i = 0; i < 8; i++) {
          length = length << 8 | readByte();
        }
      }
      byte[] payload = in.readNBytes((int) length);
      if ((b0 & 0x0F) == 1) {
        texts.add(new JsonObject(new String(payload, StandardCharsets.UTF_8)));
      } else if ((b0 & 0x0F) == 8) {
        closeCode = payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : 1005;
        return null;
      }
    }
    return texts.get(texts.size() - 1);
  }

  /**
   * Reads text messages until one of this type (and, for errors, this code) arrives within {@code
   * timeoutMs}; null if the socket closed first. Others (list updates) are kept in {@link #texts}.
   */
  JsonObject await(String type, String code, long timeoutMs) throws IOException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        throw new IOException(
            "no "
                + type
                + " "
                + (code == null ? "" : code)
                + " within "
                + timeoutMs
                + " ms: "
                + texts);
      }
      JsonObject m = nextText(left);
      if (m == null) {
        return null;
      }
      if (type.equals(m.getString("type")) && (code == null || code.equals(m.getString("code")))) {
        return m;
      }
    }
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new IOException("end of stream inside a frame");
    }
    return b;
  }

  /** Text messages read so far. */
  List<JsonObject> texts() {
    return texts;
  }

  int closeCode() {
    return closeCode;
  }

  /**
   * True when the server has closed the TCP connection (read returns end of stream or reset) within
   * the wait.
   */
  boolean closedByServerWithin(long timeoutMs) throws IOException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
      try {
        if (in.read() < 0) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        return false;
      } catch (java.net.SocketException e) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // Already gone.
    }
  }
}
