package dev.podium.gateway.web;

import dev.podium.runtime.Settings;

/**
 * What the gateway lets web pages do with it: which origins may open its sockets and post tokens to
 * its web client, and which may frame the web client.
 */
public record WebPolicy(OriginPolicy origins, FrameAncestors frameAncestors) {
  public static WebPolicy from(Settings settings) {
    return new WebPolicy(OriginPolicy.from(settings), FrameAncestors.from(settings));
  }
}
