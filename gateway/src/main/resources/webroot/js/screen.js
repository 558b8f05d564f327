// Screen sharing. The host records its screen with MediaRecorder as WebM and sends the first
// chunk (where the WebM header, the "initialisation segment", starts) as podium.v1 kind 4 and
// every later chunk as kind 3. Chromium may cut the header anywhere (even after its first byte):
// the gateway reads the WebM and relays exactly the header as kind 4, the rest as kind 3.
// Listeners feed the chunks to a MediaSource, init segment first.

import { KIND_SCREEN, KIND_SCREEN_INIT } from "./framing.js";

const TIMESLICE_MS = 500;
const MAX_CHUNK_BYTES = 1024 * 1024 - 16; // the gateway's binary limit, minus the header
const RECORDER_TYPES = ["video/webm;codecs=vp8", "video/webm;codecs=vp9", "video/webm"];
const EBML_CLUSTER = [0x1f, 0x43, 0xb6, 0x75];

/** Asks the browser for a screen, window or tab. Rejects when refused or unsupported. */
export async function pickScreen() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia) {
    throw new Error("This browser cannot share a screen");
  }
  return navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 15 }, audio: false });
}

export class ScreenSender {
  /** @param send function(kind, ArrayBuffer) -> boolean */
  constructor(stream, send, onStopped) {
    this.stream = stream;
    this.send = send;
    this.onStopped = onStopped;
    this.recorder = null;
    this.chain = Promise.resolve();
    this.first = true;
    // The user may stop sharing from the browser's own UI.
    stream.getVideoTracks().forEach((t) => t.addEventListener("ended", () => this.onStopped?.()));
  }

  start() {
    if (this.recorder) {
      return;
    }
    const mimeType = RECORDER_TYPES.find((t) => MediaRecorder.isTypeSupported(t)) || "";
    this.recorder = new MediaRecorder(this.stream, {
      mimeType,
      videoBitsPerSecond: 1_000_000,
      // Regular key frames (where supported) let late joiners start decoding soon.
      videoKeyFrameIntervalDuration: 2000,
    });
    this.recorder.ondataavailable = (e) => {
      if (!e.data || e.data.size === 0) {
        return;
      }
      // Blob reads are asynchronous: chain them so chunks go out in recording order.
      this.chain = this.chain.then(async () => {
        const bytes = await e.data.arrayBuffer();
        if (bytes.byteLength > MAX_CHUNK_BYTES) {
          console.warn("podium: screen chunk too large, dropped", bytes.byteLength);
          return;
        }
        this.send(this.first ? KIND_SCREEN_INIT : KIND_SCREEN, bytes);
        this.first = false;
      });
    };
    this.recorder.start(TIMESLICE_MS);
  }

  stop() {
    if (this.recorder && this.recorder.state !== "inactive") {
      this.recorder.ondataavailable = null;
      this.recorder.stop();
    }
    this.recorder = null;
    this.stream.getTracks().forEach((t) => t.stop());
  }
}

function indexOf(bytes, pattern) {
  outer: for (let i = 0; i + pattern.length <= bytes.length; i++) {
    for (let j = 0; j < pattern.length; j++) {
      if (bytes[i + j] !== pattern[j]) {
        continue outer;
      }
    }
    return i;
  }
  return -1;
}

/** The SourceBuffer type for a WebM init segment, from its CodecID. */
function mimeOf(init) {
  const text = new TextDecoder("latin1").decode(init.subarray(0, Math.min(init.length, 4096)));
  if (text.includes("V_VP9")) {
    return 'video/webm; codecs="vp9"';
  }
  if (text.includes("V_AV1")) {
    return 'video/webm; codecs="av01.0.05M.08"';
  }
  if (text.includes("V_MPEG4/ISO/AVC")) {
    return 'video/webm; codecs="avc1.42E01E"';
  }
  return 'video/webm; codecs="vp8"';
}

export class ScreenViewer {
  constructor(video, onStatus) {
    this.video = video;
    this.onStatus = onStatus;
    this.source = null;
    this.buffer = null;
    this.queue = [];
    this.waitForCluster = false;
    this.url = null;
  }

  /**
   * An initialisation segment. `cached` is true for the copy the gateway keeps for late joiners
   * (sequence 0): the live chunks that follow it start anywhere in a WebM cluster, so only the
   * header is used and data is skipped until the next cluster starts.
   */
  init(bytes, cached) {
    this.reset();
    if (!("MediaSource" in window)) {
      this.onStatus?.("This browser cannot show the shared screen.");
      return;
    }
    const cluster = indexOf(bytes, EBML_CLUSTER);
    const header = cached && cluster > 0 ? bytes.slice(0, cluster) : bytes.slice();
    this.waitForCluster = cached;
    const type = mimeOf(bytes);
    if (!MediaSource.isTypeSupported(type)) {
      this.onStatus?.("This browser cannot play the shared screen's format.");
      return;
    }
    const source = new MediaSource();
    this.source = source;
    this.url = URL.createObjectURL(source);
    this.video.src = this.url;
    source.addEventListener("sourceopen", () => {
      if (this.source !== source) {
        return;
      }
      this.buffer = source.addSourceBuffer(type);
      this.buffer.mode = "sequence";
      this.buffer.addEventListener("updateend", () => {
        this.followLiveEdge();
        this.pump();
      });
      this.buffer.addEventListener("error", () => this.onStatus?.("The shared screen could not be decoded."));
      this.queue.unshift(header);
      this.pump();
    }, { once: true });
    this.onStatus?.("");
  }

  chunk(bytes) {
    if (!this.source) {
      return; // no init segment yet
    }
    let data = bytes;
    if (this.waitForCluster) {
      const at = indexOf(data, EBML_CLUSTER);
      if (at < 0) {
        return;
      }
      this.waitForCluster = false;
      data = data.subarray(at);
    }
    this.queue.push(data.slice());
    this.pump();
  }

  pump() {
    const sb = this.buffer;
    if (!sb || sb.updating || this.queue.length === 0 || this.source.readyState !== "open") {
      return;
    }
    try {
      // Keep about 30 s behind the playhead.
      if (sb.buffered.length > 0 && this.video.currentTime - sb.buffered.start(0) > 40) {
        sb.remove(sb.buffered.start(0), this.video.currentTime - 30);
        return;
      }
      sb.appendBuffer(this.queue.shift());
    } catch (e) {
      console.warn("podium: screen append failed", e);
      this.queue = [];
    }
  }

  followLiveEdge() {
    const b = this.video.buffered;
    if (b.length > 0) {
      const end = b.end(b.length - 1);
      if (end - this.video.currentTime > 2.5 || this.video.currentTime < b.start(0)) {
        this.video.currentTime = Math.max(b.start(b.length - 1), end - 0.3);
      }
    }
    if (this.video.paused) {
      this.video.play().catch(() => {});
    }
  }

  reset() {
    this.queue = [];
    this.buffer = null;
    if (this.source && this.source.readyState === "open") {
      try {
        this.source.endOfStream();
      } catch {
        // already ended
      }
    }
    this.source = null;
    if (this.url) {
      URL.revokeObjectURL(this.url);
      this.url = null;
    }
    this.video.removeAttribute("src");
    this.video.load();
  }
}
