// onnxruntime-web bridge: load the vendored ORT bundle per execution provider, create sessions,
// run them with typed arrays from Python (py/frontml/runtime/ort_web.py).

const VENDOR = new URL('../vendor/', import.meta.url);
const ORT_BUNDLES = {
  wasm: 'ort/ort.wasm.min.mjs',
  webgl: 'ort/ort.webgl.min.mjs',
  webgpu: 'ort/ort.webgpu.min.mjs',
};

const ortModules = {};

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

export async function createSession(bytes, provider, threads) {
  const ort = await loadOrt(provider);
  if (ort.env.wasm) ort.env.wasm.numThreads = threads || autoThreads(); // webgl bundle has none
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
