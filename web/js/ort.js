// onnxruntime-web bridge: load the vendored ORT bundle per execution provider, create sessions,
// run them with typed arrays from Python (py/frontml/runtime/ort_web.py).

import { widenFp16 } from './fp16.js';

const VENDOR = new URL('../vendor/', import.meta.url);
const ORT_BUNDLES = {
  wasm: 'ort/ort.wasm.min.mjs',
  webgl: 'ort/ort.webgl.min.mjs',
  webgpu: 'ort/ort.webgpu.min.mjs',
};

const ortModules = {};

// The wasm memories created after this module loaded (onnxruntime-web's: Pyodide's predates it),
// tracked weakly so soak tests and bench/soak.py can see ORT's wasm heap (wasmMemoryBytes).
const wasmMemories = [];
const trackMemory = (memory) => {
  if (memory instanceof WebAssembly.Memory) wasmMemories.push(new WeakRef(memory));
};
if (!WebAssembly.frontmlTracked) {
  WebAssembly.frontmlTracked = true;
  const NativeMemory = WebAssembly.Memory;
  WebAssembly.Memory = new Proxy(NativeMemory, {
    construct(target, args, newTarget) {
      const memory = Reflect.construct(target, args, newTarget);
      trackMemory(memory);
      return memory;
    },
  });
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const native = WebAssembly[name];
    if (!native) continue;
    WebAssembly[name] = async function (...args) {
      const out = await native.apply(this, args);
      const instance = out instanceof WebAssembly.Instance ? out : out.instance;
      for (const value of Object.values(instance?.exports || {})) trackMemory(value);
      return out;
    };
  }
}

// Bytes of the live wasm memories onnxruntime-web made (linear memory never shrinks: a leak
// shows as growth across repeated model switches, not as a failure to come back down).
// `exclude`: Pyodide's heap buffer (boot.js may load this module before Pyodide makes it).
export function wasmMemoryBytes(exclude = null) {
  const seen = new Set();
  let bytes = 0;
  for (const ref of wasmMemories) {
    const memory = ref.deref();
    if (memory && !seen.has(memory) && memory.buffer !== exclude) {
      seen.add(memory);
      bytes += memory.buffer.byteLength;
    }
  }
  return bytes;
}

export function autoThreads() {
  // Threads need cross-origin isolation (SharedArrayBuffer); leave a core for the page.
  if (!globalThis.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1));
}

export async function loadOrt(provider) {
  const file = ORT_BUNDLES[provider];
  if (!file) throw new Error(`unknown execution provider "${provider}" (wasm, webgl, webgpu)`);
  ortModules[provider] ??= import(new URL(file, VENDOR).href);
  return ortModules[provider];
}

function metaOf(list) {
  return list.map((m) => ({
    name: m.name,
    dtype: m.isTensor ? m.type : 'unknown',
    shape: m.isTensor ? m.shape.map((d) => (typeof d === 'number' ? d : -1)) : [],
  }));
}

// ?proxy=1: onnxruntime-web runs the wasm backend in its own worker (env.wasm.proxy), so a
// model's run no longer blocks the page's main thread (set before the first session).
let wasmProxy = false;
export function setWasmProxy(on) {
  wasmProxy = !!on;
}

export async function createSession(bytes, provider, threads) {
  const ort = await loadOrt(provider);
  if (ort.env.wasm) ort.env.wasm.numThreads = threads || autoThreads(); // webgl bundle has none
  if (ort.env.wasm && wasmProxy) ort.env.wasm.proxy = true;
  if (provider === 'webgl') bytes = widenFp16(bytes); // webgl reads no float16 weights
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
  });
  let meta;
  try {
    meta = { inputs: metaOf(session.inputMetadata), outputs: metaOf(session.outputMetadata) };
  } catch (e) { // the webgl backend cannot report metadata: names only, Python fills the rest
    const names = (list) => list.map((name) => ({ name, dtype: 'unknown', shape: null }));
    meta = { inputs: names(session.inputNames), outputs: names(session.outputNames) };
  }
  return { session, provider, meta, release: () => session.release() };
}

export async function runSession(handle, names, dtypes, shapes, datas) {
  const ort = await loadOrt(handle.provider);
  const feeds = {};
  names.forEach((name, i) => {
    feeds[name] = new ort.Tensor(dtypes[i], datas[i], shapes[i]);
  });
  const results = await handle.session.run(feeds);
  return Object.entries(results).map(([name, t]) => ({
    name,
    dtype: t.type,
    dims: Array.from(t.dims),
    data: t.data,
  }));
}

// ---- provider chosen by measurement (?provider=auto, the default) ---------------------------

// Software GPUs (SwiftShader, llvmpipe, WebGPU's fallback adapter) run on the same CPU cores as
// wasm, only slower, and cost seconds of shader compiles on first load: measured only when the
// page asks for it with an explicit ?provider=auto (the conformance e2e test does).
const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render|microsoft basic/i;
const measureSoftware = () =>
  new URLSearchParams(globalThis.location?.search || '').get('provider') === 'auto';

let gpuInfo = null;
// What this device's GPUs are: {webgpu: "vendor architecture device description" | null,
// webgl: "unmasked renderer" | null, software: {webgpu, webgl}}; part of the remembered key.
export async function deviceGpus() {
  if (gpuInfo) return gpuInfo;
  const info = { webgpu: null, webgl: null, software: { webgpu: false, webgl: false } };
  try {
    const adapter = navigator.gpu && await navigator.gpu.requestAdapter();
    if (adapter) {
      const a = adapter.info || {};
      info.webgpu = [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' ')
        || 'webgpu';
      info.software.webgpu = !!(a.isFallbackAdapter || adapter.isFallbackAdapter)
        || SOFTWARE.test(info.webgpu);
    }
  } catch { /* no webgpu */ }
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (gl) {
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      info.webgl = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
      info.software.webgl = SOFTWARE.test(info.webgl);
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  } catch { /* no webgl2 */ }
  gpuInfo = info;
  return info;
}

async function available(provider) {
  if (provider === 'wasm') return true;
  const gpus = await deviceGpus();
  if (!gpus[provider]) return false;
  return !gpus.software[provider] || measureSoftware();
}

// The localStorage key: the model (id + sha256 prefix) on this browser and these GPUs, so a
// new browser version or another adapter measures again.
async function deviceKey(key) {
  const gpus = await deviceGpus();
  const text = [navigator.userAgent, gpus.webgpu, gpus.webgl].join('|');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  const hex = Array.from(new Uint8Array(digest).slice(0, 8),
                         (b) => b.toString(16).padStart(2, '0')).join('');
  return `frontml.provider.${key}.${hex}`;
}

const ZEROS = { float32: Float32Array, uint8: Uint8Array, int8: Int8Array, int32: Int32Array,
                int64: BigInt64Array };

async function timeRuns(handle, inputs, runs) {
  const ort = await loadOrt(handle.provider);
  const feeds = {};
  for (const i of inputs) {
    const size = i.shape.reduce((a, b) => a * b, 1);
    feeds[i.name] = new ort.Tensor(i.dtype, new ZEROS[i.dtype](size), i.shape);
  }
  await handle.session.run(feeds); // warm-up: shader compile, allocation
  const times = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    await handle.session.run(feeds);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

// Time a short warm run of the model on each candidate provider (those the conformance check
// found right for it, and that this device has), keep the fastest, remember it per device
// (localStorage: model sha256 + user agent + GPU adapter/renderer). A single candidate is
// simply used ("only"). inputs: [{name, dtype, shape}] from the manifest.
export async function createSessionAuto(bytes, candidates, inputs, key, threads) {
  const usable = [];
  for (const provider of candidates) {
    if (await available(provider)) usable.push(provider); // wasm: no GPU probe
  }
  if (usable.length <= 1) {
    const handle = await createSession(bytes, usable[0] || 'wasm', threads);
    return Object.assign(handle, { chosen: 'only', measured: {} });
  }
  const storeKey = await deviceKey(key);
  const remembered = globalThis.localStorage?.getItem(storeKey);
  if (remembered) {
    const { provider, ms } = JSON.parse(remembered);
    if (usable.includes(provider)) {
      const handle = await createSession(bytes, provider, threads);
      return Object.assign(handle, { chosen: 'remembered', measured: ms });
    }
  }
  const measured = {};
  let best = null;
  for (const provider of usable) {
    let handle;
    try {
      handle = await createSession(bytes, provider, threads);
      measured[provider] = await timeRuns(handle, inputs, 2);
    } catch (e) {
      measured[provider] = null; // a provider that fails here is simply not chosen
      if (handle) await handle.release();
      continue;
    }
    if (!best || measured[provider] < measured[best.provider]) {
      if (best) await best.release();
      best = handle;
    } else {
      await handle.release();
    }
  }
  if (!best) throw new Error('no execution provider could run this model');
  globalThis.localStorage?.setItem(storeKey, JSON.stringify({ provider: best.provider, ms: measured }));
  return Object.assign(best, { chosen: 'measured', measured });
}
