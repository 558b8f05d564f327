// One room socket with reconnects: exponential backoff (0.5 s, 1 s, 2 s … 15 s, with jitter)
// when the connection drops unexpectedly, or after the delay a restarting gateway asks for;
// never after the event ended, the user was removed or left, or the server refused the user for
// good (token, ban, unknown event, replaced). Each reconnect goes to the next gateway in the list
// (see gatewayUrls), so a client whose gateway died reaches another one.

import { SUBPROTOCOL } from "./framing.js";

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15000;
const MAX_ATTEMPTS = 10;
// Close codes after which trying again cannot help: token problems, refusals, unknown event,
// replaced by another connection of the same user.
const FINAL_CLOSE_CODES = new Set([4001, 4003, 4004, 4009]);
const FINAL_CLOSE_REASONS = new Set(["stream_ended", "removed", "leave_room"]);
// Binary frames are dropped (not queued) while this much is waiting to be sent.
const MAX_BUFFERED_BYTES = 512 * 1024;

/**
 * The gateways' WebSocket base URLs (such as "wss://podium.example"), in the order to try them:
 * `?gateways=` in the page URL (comma separated), then `window.PODIUM_GATEWAYS` (an array set by
 * the page that loads this client). http(s) counts as ws(s). The page sends its token to these
 * gateways, so the page URL may only name gateways on the page's own host name. Without any,
 * the page's own origin.
 */
export function gatewayUrls() {
  const fromLink = (new URLSearchParams(location.search).get("gateways") || "").split(",").filter((t) => t.trim());
  const fromApp = Array.isArray(window.PODIUM_GATEWAYS) ? window.PODIUM_GATEWAYS : [];
  const urls = [...fromLink.map((t) => gatewayBase(t, false)), ...fromApp.map((t) => gatewayBase(t, true))]
    .filter((base, i, all) => base && all.indexOf(base) === i);
  return urls.length ? urls : [`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}`];
}

function gatewayBase(text, anyHost) {
  let url = null;
  try {
    url = new URL(String(text).trim());
  } catch {
    // not a URL
  }
  const scheme = { "ws:": "ws", "http:": "ws", "wss:": "wss", "https:": "wss" }[url?.protocol];
  if (!scheme || (!anyHost && url.hostname !== location.hostname) || (scheme === "ws" && location.protocol === "https:")) {
    console.warn("podium: ignoring the gateway URL", String(text));
    return null;
  }
  return `${scheme}://${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

export class RoomConnection {
  /**
   * @param gateways WebSocket base URLs; the first is tried first, each reconnect tries the next
   * @param pathFor function returning the path (and query) to (re)connect to on a gateway
   * @param handlers {onOpen, onText, onBinary, onReconnecting(delayMs, attempt), onClosed(event, final)}
   */
  constructor(gateways, pathFor, handlers) {
    this.gateways = gateways;
    this.gateway = 0; // index of the gateway in use
    this.pathFor = pathFor;
    this.handlers = handlers;
    this.ws = null;
    this.attempt = 0;
    this.final = false;
    this.timer = null;
    this.nextDelay = null;
  }

  connect() {
    this.final = false;
    this.open();
  }

  open() {
    const ws = new WebSocket(this.gateways[this.gateway] + this.pathFor(), SUBPROTOCOL);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onopen = () => {
      if (ws.protocol !== SUBPROTOCOL) {
        console.warn("podium: the server did not select", SUBPROTOCOL);
      }
      this.handlers.onOpen?.();
    };
    ws.onmessage = (e) => {
      if (typeof e.data === "string") {
        let msg;
        try {
          msg = JSON.parse(e.data);
        } catch {
          console.warn("podium: a text message that is not JSON");
          return;
        }
        this.handlers.onText?.(msg);
      } else {
        this.handlers.onBinary?.(e.data);
      }
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) {
        return;
      }
      this.ws = null;
      const final = this.final || FINAL_CLOSE_CODES.has(e.code)
        || (e.code === 1000 && FINAL_CLOSE_REASONS.has(e.reason));
      if (final || this.attempt >= MAX_ATTEMPTS) {
        this.final = true;
        this.handlers.onClosed?.(e, true);
        return;
      }
      const backoff = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.attempt) * (0.8 + Math.random() * 0.4);
      const delay = this.nextDelay ?? backoff;
      this.nextDelay = null;
      this.attempt++;
      this.gateway = (this.gateway + 1) % this.gateways.length;
      this.handlers.onReconnecting?.(Math.round(delay), this.attempt, e);
      this.timer = setTimeout(() => {
        this.timer = null;
        if (!this.final) {
          this.open();
        }
      }, delay);
    };
  }

  /** The server asked us to come back after this long (`reconnect {after_ms}`, a gateway restarting). */
  reconnectAfter(ms) {
    if (Number.isFinite(ms) && ms >= 0) {
      this.nextDelay = Math.min(ms, MAX_DELAY_MS);
    }
  }

  /** The server accepted us into the room: the next drop starts the backoff from the beginning. */
  markJoined() {
    this.attempt = 0;
  }

  /** No reconnect after the current socket closes (the event ended, we were removed, we left). */
  markFinal() {
    this.final = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  get isOpen() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a JSON message; false when not connected. */
  send(message) {
    if (!this.isOpen) {
      return false;
    }
    this.ws.send(JSON.stringify(message));
    return true;
  }

  /** Sends a binary message unless not connected or too much is already waiting (then drops it). */
  sendBinary(buffer) {
    if (!this.isOpen || this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      return false;
    }
    this.ws.send(buffer);
    return true;
  }

  /** Closes for good (no reconnect). */
  close(code = 1000, reason = "") {
    this.markFinal();
    if (this.ws) {
      this.ws.close(code, reason);
    }
  }
}
