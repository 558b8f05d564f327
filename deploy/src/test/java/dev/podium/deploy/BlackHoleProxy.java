package dev.podium.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback between a test client and the gateway that can be cut off the way a dead
 * network path is: {@link #blackHole()} stops forwarding in both directions while every socket
 * stays open, so neither side sees a FIN or a reset. Its connections to the gateway come from
 * {@code sourceIp}.
 */
final class BlackHoleProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int target;
  private final String sourceIp;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean blackHoled;

  BlackHoleProxy(int targetPort, String sourceIp) throws IOException {
    this.target = targetPort;
    this.sourceIp = sourceIp;
    this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    Thread acceptor = new Thread(this::accept, "black-hole-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** From now on nothing passes, either way; nothing is closed. */
  void blackHole() {
    blackHoled = true;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket();
        upstream.bind(new InetSocketAddress(InetAddress.getByName(sourceIp), 0));
        upstream.connect(new InetSocketAddress("127.0.0.1", target), 5_000);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  if (!blackHoled) {
                    out.write(buffer, 0, n);
                    out.flush();
                  }
                }
                if (!blackHoled) {
                  to.shutdownOutput();
                }
              } catch (IOException e) {
                // The other side went away.
              }
            },
            "black-hole-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // Closed already.
    }
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // Closed already.
      }
    }
  }
}
