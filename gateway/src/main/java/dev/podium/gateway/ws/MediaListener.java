package dev.podium.gateway.ws;

import io.vertx.core.buffer.Buffer;

/** What the media fan-out needs to know of a socket, and the one thing it does to it. */
interface MediaListener {
  String userId();

  /** The host publishes the screen stream and never gets it back. */
  boolean isHost();

  /** Opened with the {@code podium.v1} subprotocol: media messages carry a header. */
  boolean framed();

  /** A {@code podium.v1} listener that takes Opus. */
  boolean opus();

  /** 20 ms ticks of PCM room mix per message (1, 2 or 3). */
  int packetTicks();

  /** Writes the frame unless the socket is behind (then it is dropped and counted). */
  boolean sendBinary(Buffer frame);
}
