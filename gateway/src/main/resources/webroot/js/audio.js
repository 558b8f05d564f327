// Audio for one page: one AudioContext at the room's rate (48 kHz), a playback path
// (AudioWorklet playout buffer -> AnalyserNode -> speakers) and microphone capture
// (getUserMedia -> AudioWorklet -> 20 ms PCM frames handed to the caller).

import { pcmToFloat32 } from "./framing.js";

export const SAMPLE_RATE = 48000;
export const FRAME_SAMPLES = SAMPLE_RATE / 50; // 20 ms

export class AudioEngine {
  constructor() {
    this.ctx = null;
    this.playback = null;
    this.analyser = null;
    this.capture = null;
    this.levelBuffer = null;
    this.opening = null;
    this.wanted = false;
  }

  /** Creates (or resumes) the AudioContext. Call from a click so autoplay rules allow sound. */
  async start() {
    if (!this.ctx) {
      this.ctx = new AudioContext({ sampleRate: SAMPLE_RATE, latencyHint: "interactive" });
      await Promise.all([
        this.ctx.audioWorklet.addModule("/worklets/capture-processor.js"),
        this.ctx.audioWorklet.addModule("/worklets/playback-processor.js"),
      ]);
      this.playback = new AudioWorkletNode(this.ctx, "podium-playback", {
        numberOfInputs: 0,
        numberOfOutputs: 1,
        outputChannelCount: [1],
        processorOptions: { inputRate: SAMPLE_RATE, targetMs: 80, maxMs: 300 },
      });
      // The analyser sits on the playback path: it measures what the user hears.
      this.analyser = this.ctx.createAnalyser();
      this.analyser.fftSize = 32768; // ~680 ms at 48 kHz
      this.levelBuffer = new Float32Array(this.analyser.fftSize);
      this.playback.connect(this.analyser);
      this.analyser.connect(this.ctx.destination);
    }
    if (this.ctx.state === "suspended") {
      await this.ctx.resume();
    }
  }

  /** Queues one PCM s16le payload (a Uint8Array) for playback. */
  play(pcmBytes) {
    if (!this.playback) {
      return;
    }
    const samples = pcmToFloat32(pcmBytes);
    this.playback.port.postMessage(samples, [samples.buffer]);
  }

  /** Drops whatever is buffered for playback (after a reconnect, say). */
  resetPlayback() {
    if (this.playback) {
      this.playback.port.postMessage("reset");
    }
  }

  /** RMS (0..1) of what was played over the last ~680 ms. */
  level() {
    if (!this.analyser) {
      return 0;
    }
    this.analyser.getFloatTimeDomainData(this.levelBuffer);
    let sum = 0;
    for (let i = 0; i < this.levelBuffer.length; i++) {
      sum += this.levelBuffer[i] * this.levelBuffer[i];
    }
    return Math.sqrt(sum / this.levelBuffer.length);
  }

  get capturing() {
    return this.capture !== null;
  }

  /**
   * Opens the microphone and calls onFrame(ArrayBuffer) with each 20 ms frame of PCM s16le.
   * Rejects when the microphone cannot be opened (no device, permission denied).
   */
  async startCapture(onFrame) {
    this.wanted = true;
    if (this.capture) {
      return;
    }
    if (!this.opening) {
      this.opening = this.openMicrophone(onFrame).finally(() => {
        this.opening = null;
      });
    }
    return this.opening;
  }

  async openMicrophone(onFrame) {
    await this.start();
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      video: false,
    });
    if (!this.wanted) {
      // stopCapture() was called while the browser was opening the microphone.
      stream.getTracks().forEach((t) => t.stop());
      return;
    }
    const source = this.ctx.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(this.ctx, "podium-capture", {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      channelCount: 1,
      channelCountMode: "explicit",
      channelInterpretation: "speakers",
      processorOptions: { outputRate: SAMPLE_RATE, frameMs: 20 },
    });
    // A silent sink keeps the capture node pulled by the graph without being heard.
    const sink = this.ctx.createGain();
    sink.gain.value = 0;
    node.port.onmessage = (e) => onFrame(e.data);
    source.connect(node);
    node.connect(sink);
    sink.connect(this.ctx.destination);
    this.capture = { stream, source, node, sink };
  }

  /** Closes the microphone (the browser's recording indicator goes off). */
  stopCapture() {
    this.wanted = false;
    const c = this.capture;
    if (!c) {
      return;
    }
    this.capture = null;
    c.node.port.onmessage = null;
    c.node.port.postMessage("stop");
    c.source.disconnect();
    c.node.disconnect();
    c.sink.disconnect();
    c.stream.getTracks().forEach((t) => t.stop());
  }

  /** Live microphone tracks (0 once capture has stopped). */
  liveMicTracks() {
    return this.capture ? this.capture.stream.getAudioTracks().filter((t) => t.readyState === "live").length : 0;
  }
}
