// Microphone capture for Podium: Float32 samples in, 20 ms frames of PCM s16le mono out.
// Runs on the audio rendering thread; each frame is posted to the page as a transferred
// ArrayBuffer (960 samples = 1,920 bytes at 48 kHz). When the AudioContext does not run at
// the room's rate, samples are resampled linearly.

class PodiumCapture extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const opts = (options && options.processorOptions) || {};
    this.outRate = opts.outputRate || 48000;
    this.frameSamples = Math.round(this.outRate * (opts.frameMs || 20) / 1000);
    this.step = sampleRate / this.outRate; // input samples per output sample
    this.pos = 0;                          // fractional read position in the current input block
    this.last = 0;                         // last input sample of the previous block
    this.frame = new Int16Array(this.frameSamples);
    this.fill = 0;
    this.running = true;
    this.port.onmessage = (e) => {
      if (e.data === "stop") {
        this.running = false;
      }
    };
  }

  push(sample) {
    const s = sample > 1 ? 1 : sample < -1 ? -1 : sample;
    this.frame[this.fill++] = s < 0 ? Math.round(s * 0x8000) : Math.round(s * 0x7fff);
    if (this.fill === this.frameSamples) {
      this.port.postMessage(this.frame.buffer, [this.frame.buffer]);
      this.frame = new Int16Array(this.frameSamples);
      this.fill = 0;
    }
  }

  process(inputs) {
    if (!this.running) {
      return false;
    }
    const input = inputs[0];
    if (!input || input.length === 0) {
      return true;
    }
    const samples = input[0]; // the node down-mixes to one channel (channelCount 1, explicit)
    if (this.step === 1) {
      for (let i = 0; i < samples.length; i++) {
        this.push(samples[i]);
      }
      return true;
    }
    // Linear resampling; position -1 is the previous block's last sample.
    while (this.pos < samples.length - 1) {
      const i = Math.floor(this.pos);
      const frac = this.pos - i;
      const a = i < 0 ? this.last : samples[i];
      const b = samples[i + 1];
      this.push(a + (b - a) * frac);
      this.pos += this.step;
    }
    this.pos -= samples.length;
    this.last = samples[samples.length - 1];
    return true;
  }
}

registerProcessor("podium-capture", PodiumCapture);
