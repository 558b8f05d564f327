// The podium.v1 binary framing: every binary WebSocket message starts with a 10-byte header.
//   byte 0     kind: 1 PCM s16le mono, 2 Opus, 3 screen chunk (WebM), 4 screen init segment
//   byte 1     flags (0)
//   bytes 2-5  sequence, unsigned 32-bit big-endian
//   bytes 6-9  media timestamp, unsigned 32-bit big-endian
//   bytes 10…  payload

export const SUBPROTOCOL = "podium.v1";
export const HEADER_BYTES = 10;
export const KIND_PCM = 1;
export const KIND_OPUS = 2;
export const KIND_SCREEN = 3;
export const KIND_SCREEN_INIT = 4;

/** Builds one framed message (an ArrayBuffer) around a payload (ArrayBuffer or typed array). */
export function frame(kind, sequence, timestamp, payload) {
  const bytes = payload instanceof ArrayBuffer
    ? new Uint8Array(payload)
    : new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
  const out = new Uint8Array(HEADER_BYTES + bytes.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, kind);
  view.setUint8(1, 0);
  view.setUint32(2, sequence >>> 0, false);
  view.setUint32(6, timestamp >>> 0, false);
  out.set(bytes, HEADER_BYTES);
  return out.buffer;
}

/** Reads a framed message; null when it is too short to carry a header. */
export function parse(buffer) {
  if (buffer.byteLength < HEADER_BYTES) {
    return null;
  }
  const view = new DataView(buffer);
  return {
    kind: view.getUint8(0),
    sequence: view.getUint32(2, false),
    timestamp: view.getUint32(6, false),
    payload: new Uint8Array(buffer, HEADER_BYTES),
  };
}

/** PCM s16le bytes to Float32 samples in -1..1 (little-endian whatever the platform). */
export function pcmToFloat32(bytes) {
  const samples = Math.floor(bytes.byteLength / 2);
  const view = new DataView(bytes.buffer, bytes.byteOffset, samples * 2);
  const out = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    out[i] = view.getInt16(i * 2, true) / 32768;
  }
  return out;
}
