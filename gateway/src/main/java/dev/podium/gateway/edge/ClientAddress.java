package dev.podium.gateway.edge;

import java.util.List;

/**
 * The address a client is counted by. A direct peer is the client. A peer that is a trusted proxy
 * (a load balancer) speaks for others: then the client is the right-most {@code X-Forwarded-For}
 * entry that is not itself a trusted proxy, since every proxy appends the address it saw and only
 * the entries our own proxies added can be believed.
 */
public final class ClientAddress {
  private final List<Cidr> trusted;

  public ClientAddress(List<Cidr> trusted) {
    this.trusted = List.copyOf(trusted);
  }

  public boolean isTrusted(String peer) {
    for (Cidr block : trusted) {
      if (block.contains(peer)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client's address given the TCP peer and every {@code X-Forwarded-For} header value in
   * order. A malformed entry stops the walk and the last trustworthy hop is used instead.
   */
  public String resolve(String peer, List<String> forwardedFor) {
    return Cidr.canonical(walk(peer, forwardedFor));
  }

  private String walk(String peer, List<String> forwardedFor) {
    if (!isTrusted(peer) || forwardedFor == null || forwardedFor.isEmpty()) {
      return peer;
    }
    String client = peer;
    for (int h = forwardedFor.size() - 1; h >= 0; h--) {
      String[] hops = forwardedFor.get(h).split(",");
      for (int i = hops.length - 1; i >= 0; i--) {
        String hop = hops[i].trim();
        if (Cidr.literal(hop) == null) {
          return client;
        }
        client = hop;
        if (!isTrusted(hop)) {
          return hop;
        }
      }
    }
    return client;
  }
}
