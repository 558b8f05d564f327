// Playback of the room mix for Podium: PCM frames (already converted to Float32 by the page)
// go into a small playout buffer; output starts once ~80 ms are buffered, and after an
// underrun it waits for the buffer to refill (nothing is played while nobody speaks). If the
// buffer grows past its maximum (a burst after a network stall) the oldest audio is dropped
// back to the target, so latency stays bounded. Resamples linearly when the AudioContext
// does not run at the room's rate.

class PodiumPlayback extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const opts = (options && options.processorOptions) || {};
    this.inRate = opts.inputRate || 48000;
    this.step = this.inRate / sampleRate; // input samples per output sample
    this.target = Math.round(this.inRate * (opts.targetMs || 80) / 1000);
    this.max = Math.round(this.inRate * (opts.maxMs || 300) / 1000);
    this.capacity = this.max + this.inRate; // room for one more second before dropping
    this.ring = new Float32Array(this.capacity);
    this.read = 0;      // integer index of the next sample
    this.frac = 0;      // fractional position between read and read + 1
    this.count = 0;     // samples buffered
    this.playing = false;
    this.underruns = 0;
    this.dropped = 0;
    this.needed = this.step === 1 ? 1 : 2; // samples needed to produce one output sample
    this.port.onmessage = (e) => {
      if (e.data === "reset") {
        this.count = 0;
        this.frac = 0;
        this.playing = false;
        return;
      }
      this.enqueue(e.data);
    };
  }

  enqueue(samples) {
    const n = samples.length;
    if (this.count + n > this.max) {
      // Too much buffered: drop the oldest so that after this frame we are back at the target.
      const drop = Math.min(this.count, this.count + n - this.target);
      this.read = (this.read + drop) % this.capacity;
      this.count -= drop;
      this.dropped += drop;
    }
    let write = (this.read + this.count) % this.capacity;
    for (let i = 0; i < n; i++) {
      this.ring[write] = samples[i];
      write = write + 1 === this.capacity ? 0 : write + 1;
    }
    this.count += n;
  }

  process(_inputs, outputs) {
    const out = outputs[0][0];
    if (!this.playing) {
      if (this.count >= this.target) {
        this.playing = true;
      } else {
        out.fill(0);
        return true;
      }
    }
    for (let i = 0; i < out.length; i++) {
      if (this.count < this.needed) {
        // Underrun: silence until the buffer is back at the target.
        out.fill(0, i);
        this.playing = false;
        this.underruns++;
        break;
      }
      const a = this.ring[this.read];
      const b = this.ring[(this.read + 1) % this.capacity];
      out[i] = this.step === 1 ? a : a + (b - a) * this.frac;
      this.frac += this.step;
      while (this.frac >= 1) {
        this.frac -= 1;
        this.read = this.read + 1 === this.capacity ? 0 : this.read + 1;
        this.count--;
      }
    }
    for (let c = 1; c < outputs[0].length; c++) {
      outputs[0][c].set(out);
    }
    return true;
  }
}

registerProcessor("podium-playback", PodiumPlayback);
