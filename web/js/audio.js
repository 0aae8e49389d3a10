// Audio sources for frontml pages: the microphone (AudioWorklet, 16 kHz, no echo cancellation /
// noise suppression / auto gain), an <audio> element, or a whole file decoded at 16 kHz.
// Python pulls samples with take(); the rate is whatever the AudioContext really runs at
// (Python resamples anything that is not 16 kHz).

export const RATE = 16000;

export class MicError extends Error {}

export class AudioTap {
  constructor() {
    this.ctx = null;
    this.node = null;
    this.source = null;
    this.stream = null;
    this.chunks = [];
    this.pending = 0;
    this.recent = [];       // last ~10 s, for recording takes
    this.recentLen = 0;
    this.waiters = [];
    this.kind = 'none';
  }

  get sampleRate() { return this.ctx ? this.ctx.sampleRate : RATE; }

  async _context() {
    if (this.ctx) return this.ctx;
    try {
      this.ctx = new AudioContext({ sampleRate: RATE });
    } catch (e) { // some browsers refuse a 16 kHz context: Python resamples
      this.ctx = new AudioContext();
    }
    await this.ctx.audioWorklet.addModule(new URL('./audio-worklet.js', import.meta.url).href);
    this.node = new AudioWorkletNode(this.ctx, 'frontml-tap');
    this.node.port.onmessage = (e) => this._push(e.data);
    const mute = this.ctx.createGain();  // keep the graph pulled without playing the mic
    mute.gain.value = 0;
    this.node.connect(mute).connect(this.ctx.destination);
    return this.ctx;
  }

  _push(block) {
    this.chunks.push(block);
    this.pending += block.length;
    this.recent.push(block);
    this.recentLen += block.length;
    const keep = this.sampleRate * 10;
    while (this.recentLen - this.recent[0].length > keep) this.recentLen -= this.recent.shift().length;
    for (const w of this.waiters) w.got.push(block);
    this.waiters = this.waiters.filter((w) => {
      w.n += block.length;
      if (w.n >= w.need) { w.resolve(concat(w.got)); return false; }
      return true;
    });
    if (this.chunks.length > 4000) { this.chunks = this.chunks.slice(-2000); } // page stalled
  }

  disconnectSource() {
    if (this.source) { try { this.source.disconnect(); } catch (e) { /* already */ } }
    if (this.stream) for (const t of this.stream.getTracks()) t.stop();
    this.source = null;
    this.stream = null;
    this.kind = 'none';
  }

  async openMic() {
    if (!navigator.mediaDevices?.getUserMedia) {
      throw new MicError('This browser gives no microphone access here (needs https or localhost). You can still use an audio file.');
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false,
          channelCount: 1 },
      });
    } catch (e) {
      const why = e.name === 'NotAllowedError' ? 'permission was denied'
        : e.name === 'NotFoundError' ? 'no microphone was found' : `${e.name}: ${e.message}`;
      throw new MicError(`Microphone unavailable (${why}). You can still use an audio file.`);
    }
    const ctx = await this._context();
    this.disconnectSource();
    this.stream = stream;
    this.source = ctx.createMediaStreamSource(stream);
    this.source.connect(this.node);
    this.kind = 'mic';
    await ctx.resume();
    return ctx.sampleRate;
  }

  // Play an <audio> element through the detector (and the speakers).
  async openElement(el) {
    const ctx = await this._context();
    this.disconnectSource();
    el._frontmlSource ??= ctx.createMediaElementSource(el);
    this.source = el._frontmlSource;
    this.source.connect(this.node);
    this.source.connect(ctx.destination);
    this.kind = 'element';
    await ctx.resume();
    return ctx.sampleRate;
  }

  // All samples since the last call (Float32Array, may be empty).
  take() {
    const out = concat(this.chunks);
    this.chunks = [];
    this.pending = 0;
    return out;
  }

  // The next `seconds` of audio (a take), at this.sampleRate.
  record(seconds) {
    return new Promise((resolve) => {
      this.waiters.push({ need: Math.round(seconds * this.sampleRate), n: 0, got: [], resolve });
    });
  }
}

export function concat(blocks) {
  let n = 0;
  for (const b of blocks) n += b.length;
  const out = new Float32Array(n);
  let o = 0;
  for (const b of blocks) { out.set(b, o); o += b.length; }
  return out;
}

// A whole file (any format the browser decodes) -> mono Float32Array at 16 kHz.
export async function decodeFile(fileOrUrl) {
  const buf = typeof fileOrUrl === 'string'
    ? await (await fetch(fileOrUrl)).arrayBuffer() : await fileOrUrl.arrayBuffer();
  const ctx = new OfflineAudioContext(1, 1, RATE);
  let audio;
  try {
    audio = await ctx.decodeAudioData(buf);
  } catch (e) {
    throw new Error(`could not decode the audio file (${e.message || e.name})`);
  }
  const n = audio.length;
  const mono = new Float32Array(n);
  for (let c = 0; c < audio.numberOfChannels; c++) {
    const d = audio.getChannelData(c);
    for (let i = 0; i < n; i++) mono[i] += d[i] / audio.numberOfChannels;
  }
  return { samples: mono, sampleRate: audio.sampleRate, seconds: n / audio.sampleRate };
}

// Play samples (a take) at `rate`.
export async function play(samples, rate = RATE) {
  const ctx = new AudioContext();
  const b = ctx.createBuffer(1, samples.length, rate);
  b.copyToChannel(samples, 0);
  const src = ctx.createBufferSource();
  src.buffer = b;
  src.connect(ctx.destination);
  src.onended = () => ctx.close();
  src.start();
}
