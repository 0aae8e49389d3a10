// frontml JS glue: the small browser-side half of the Python <-> onnxruntime-web bridge.
// Python (py/frontml/web, py/frontml/runtime/ort_web.py) imports this module and calls it.
// Pixels stay here (canvas resize/crop/warp); Python gets typed arrays and small outputs.

const VENDOR = new URL('../vendor/', import.meta.url);
const ORT_BUNDLES = {
  wasm: 'ort/ort.wasm.min.mjs',
  webgl: 'ort/ort.webgl.min.mjs',
  webgpu: 'ort/ort.webgpu.min.mjs',
};
const MODEL_CACHE = 'frontml-models-v1';

// Page state tests and the HUD read: window.frontml.{stats, results, errors, ready}.
export const state = (globalThis.frontml ??= { stats: {}, results: null, errors: [], ready: false });

// ---------------------------------------------------------------- onnxruntime-web
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

// ---------------------------------------------------------------- model loading
async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function readWithProgress(response, total, onProgress) {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress?.(loaded, total);
  }
  const out = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

export class ModelLoadError extends Error {
  constructor(kind, modelId, message, extra = {}) {
    super(message);
    this.name = kind;
    this.modelId = modelId;
    Object.assign(this, extra);
  }
}

// Fetch a model by URL, checking sha256 against the manifest; cached so a second visit works
// offline. onProgress(loaded, total) drives the page's progress bar.
export async function fetchModel(modelId, url, sha256, bytes, onProgress) {
  const key = new URL(`${url}?sha256=${sha256}`, document.baseURI).href;
  const cache = globalThis.caches ? await caches.open(MODEL_CACHE).catch(() => null) : null;
  const cached = cache ? await cache.match(key) : null;
  let data;
  if (cached) {
    data = new Uint8Array(await cached.arrayBuffer());
    onProgress?.(data.length, data.length);
  } else {
    let response;
    try {
      response = await fetch(url, { cache: 'no-cache' });
    } catch (e) {
      throw new ModelLoadError('ModelError', modelId, `model "${modelId}": could not fetch ${url}: ${e.message}`);
    }
    if (!response.ok) {
      throw new ModelLoadError('ModelError', modelId,
        `model "${modelId}": ${url} answered HTTP ${response.status}; build the models (./dev build)`);
    }
    data = await readWithProgress(response, bytes || Number(response.headers.get('content-length')), onProgress);
  }
  const actual = await sha256Hex(data);
  if (actual !== sha256) {
    if (cached) await cache.delete(key);
    throw new ModelLoadError('ModelIntegrityError', modelId,
      `model "${modelId}" failed its integrity check: expected sha256 ${sha256}, got ${actual}`,
      { expected: sha256, actual });
  }
  if (cache && !cached) {
    await cache.put(key, new Response(data, { headers: { 'content-type': 'application/octet-stream' } }));
  }
  return data;
}

export async function fetchJson(url) {
  const response = await fetch(url, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return response.json();
}

// ---------------------------------------------------------------- frames
export class CameraError extends Error {}

const CAMERA_MESSAGES = {
  NotAllowedError: 'Camera permission was denied. Allow the camera in the browser, or use a video or image file instead.',
  NotFoundError: 'No camera was found. Connect one, or use a video or image file instead.',
  NotReadableError: 'The camera is in use by another application.',
  OverconstrainedError: 'The camera cannot deliver the requested resolution.',
  SecurityError: 'The camera needs a secure context (https or localhost).',
};

export async function openCamera(video, width = 640, height = 480, facingMode = 'user') {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CameraError('This browser has no camera API (getUserMedia); use a file instead.');
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: width }, height: { ideal: height }, facingMode },
      audio: false,
    });
  } catch (e) {
    throw new CameraError(CAMERA_MESSAGES[e.name] || `The camera could not be opened: ${e.message}`);
  }
  video.srcObject = stream;
  video.muted = true;
  video.playsInline = true;
  await video.play();
  return video;
}

export function stopCamera(video) {
  video.srcObject?.getTracks().forEach((t) => t.stop());
  video.srcObject = null;
}

export async function openVideoFile(video, file) {
  if (!file.type.startsWith('video/')) throw new CameraError(`"${file.name}" is not a video file (${file.type || 'unknown type'}).`);
  stopCamera(video);
  video.src = URL.createObjectURL(file);
  video.muted = true;
  video.loop = true;
  await video.play();
  return video;
}

export async function loadImageFile(file) {
  if (!file.type.startsWith('image/')) throw new CameraError(`"${file.name}" is not an image (${file.type || 'unknown type'}).`);
  try {
    return await createImageBitmap(file);
  } catch (e) {
    throw new CameraError(`"${file.name}" could not be decoded as an image.`);
  }
}

export async function loadImageUrl(url) {
  const response = await fetch(url);
  if (!response.ok) throw new CameraError(`${url} answered HTTP ${response.status}`);
  return createImageBitmap(await response.blob());
}

function sourceSize(src) {
  if (src instanceof HTMLVideoElement) return [src.videoWidth, src.videoHeight];
  return [src.width, src.height];
}

function ctx2d(canvas) {
  return canvas.getContext('2d', { willReadFrequently: true });
}

// Snapshot a source (video, image, bitmap) into a canvas so all crops of one frame agree.
export function grab(source, canvas) {
  const [w, h] = sourceSize(source);
  if (!w || !h) return null;
  canvas ??= new OffscreenCanvas(w, h);
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  ctx2d(canvas).drawImage(source, 0, 0);
  return canvas;
}

const warpCanvases = new Map();

// Affine warp: (a..f) maps OUTPUT continuous pixel coords to SOURCE ones
// (sx = a*u + b*v + c, sy = d*u + e*v + f). Outside the source is transparent black, or with
// `replicate` the edge pixels continue outward (MediaPipe's BORDER_REPLICATE): the source is
// first copied into a canvas padded by as much as the warp reaches outside it.
// Returns the RGBA bytes (Uint8ClampedArray, length outW*outH*4).
export function warp(source, a, b, c, d, e, f, outW, outH, replicate = false) {
  const key = `${outW}x${outH}`;
  let canvas = warpCanvases.get(key);
  if (!canvas) {
    canvas = new OffscreenCanvas(outW, outH);
    warpCanvases.set(key, canvas);
  }
  if (replicate) {
    const pad = replicatePad(source, a, b, c, d, e, f, outW, outH);
    if (pad > 0) {
      source = padReplicate(source, pad);
      c += pad;
      f += pad;
    }
  }
  const ctx = ctx2d(canvas);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, outW, outH);
  // The canvas wants source -> output: invert the 2x3 matrix.
  const det = a * e - b * d;
  const ia = e / det, ib = -b / det, id = -d / det, ie = a / det;
  ctx.setTransform(ia, id, ib, ie, -(ia * c + ib * f), -(id * c + ie * f));
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'low';
  ctx.drawImage(source, 0, 0);
  return ctx.getImageData(0, 0, outW, outH).data;
}

// How far (whole pixels, +2 for the bilinear footprint) the output's corners reach outside.
function replicatePad(source, a, b, c, d, e, f, outW, outH) {
  const [w, h] = sourceSize(source);
  let pad = 0;
  for (const [u, v] of [[0, 0], [outW, 0], [0, outH], [outW, outH]]) {
    const x = a * u + b * v + c, y = d * u + e * v + f;
    pad = Math.max(pad, -x, x - w, -y, y - h);
  }
  return pad > 0 ? Math.ceil(pad) + 2 : 0;
}

let padCanvas = null;

// The source with `pad` pixels on every side, edge pixels repeated (nearest-neighbour strips,
// integer-aligned, so no seams).
function padReplicate(source, pad) {
  const [w, h] = sourceSize(source);
  const W = w + 2 * pad, H = h + 2 * pad;
  padCanvas ??= new OffscreenCanvas(1, 1);
  padCanvas.width = W;
  padCanvas.height = H;
  const ctx = padCanvas.getContext('2d');
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(source, 0, 0, w, h, pad, pad, w, h);
  ctx.drawImage(padCanvas, pad, pad, 1, h, 0, pad, pad, h); // left
  ctx.drawImage(padCanvas, pad + w - 1, pad, 1, h, pad + w, pad, pad, h); // right
  ctx.drawImage(padCanvas, 0, pad, W, 1, 0, 0, W, pad); // top, corners included
  ctx.drawImage(padCanvas, 0, pad + h - 1, W, 1, 0, pad + h, W, pad); // bottom
  return padCanvas;
}

export function pixels(source) {
  const [w, h] = sourceSize(source);
  return warp(source, 1, 0, 0, 0, 1, 0, w, h);
}

// ---------------------------------------------------------------- frame loop
// Calls `step(timestampMs)` (an async Python callable) for each new video frame. While a step
// is running new frames are dropped, never queued. Returns a controller with stop().
export function startLoop(video, step) {
  let running = true;
  let busy = false;
  let dropped = 0;
  const useRvfc = 'requestVideoFrameCallback' in HTMLVideoElement.prototype && video instanceof HTMLVideoElement;
  const schedule = () => {
    if (!running) return;
    if (useRvfc) video.requestVideoFrameCallback(tick);
    else requestAnimationFrame(tick);
  };
  const tick = (now) => {
    if (!running) return;
    if (busy) {
      dropped += 1;
      state.stats.dropped = dropped;
      schedule();
      return;
    }
    busy = true;
    schedule();
    Promise.resolve()
      .then(() => step(performance.now()))
      .catch((e) => {
        running = false; // the step has shown the error; don't repeat it every frame
        console.error(e);
      })
      .finally(() => {
        busy = false;
      });
  };
  schedule();
  return {
    stop() {
      running = false;
    },
    get dropped() {
      return dropped;
    },
  };
}

// ---------------------------------------------------------------- drawing
export function fitCanvas(canvas, w, h) {
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  return canvas.getContext('2d');
}

// points: Float32Array of x,y pairs in pixels; edges: Int32Array of index pairs.
export function drawSkeleton(canvas, points, edges, color = '#00e676', radius = 3) {
  const ctx = canvas.getContext('2d');
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = 2;
  ctx.beginPath();
  for (let i = 0; i + 1 < edges.length; i += 2) {
    const p = edges[i] * 2, q = edges[i + 1] * 2;
    ctx.moveTo(points[p], points[p + 1]);
    ctx.lineTo(points[q], points[q + 1]);
  }
  ctx.stroke();
  for (let i = 0; i + 1 < points.length; i += 2) {
    ctx.beginPath();
    ctx.arc(points[i], points[i + 1], radius, 0, 2 * Math.PI);
    ctx.fill();
  }
}

export function drawBoxes(canvas, boxes, labels, color = '#ffab00') {
  const ctx = canvas.getContext('2d');
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = 2;
  ctx.font = '14px sans-serif';
  for (let i = 0; i + 3 < boxes.length; i += 4) {
    ctx.strokeRect(boxes[i], boxes[i + 1], boxes[i + 2] - boxes[i], boxes[i + 3] - boxes[i + 1]);
    const label = labels?.[i / 4];
    if (label) ctx.fillText(label, boxes[i] + 3, boxes[i + 1] + 15);
  }
}

// Paint a float mask (w*h values in [0,1]) onto `canvas` scaled to its size, tinted.
export function drawMask(canvas, mask, w, h, rgb = [0, 200, 255], alpha = 0.5) {
  const tmp = new OffscreenCanvas(w, h);
  const tctx = tmp.getContext('2d');
  const img = tctx.createImageData(w, h);
  const px = img.data;
  for (let i = 0; i < w * h; i++) {
    px[i * 4] = rgb[0];
    px[i * 4 + 1] = rgb[1];
    px[i * 4 + 2] = rgb[2];
    px[i * 4 + 3] = Math.max(0, Math.min(255, mask[i] * 255 * alpha));
  }
  tctx.putImageData(img, 0, 0);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(tmp, 0, 0, canvas.width, canvas.height);
}

// ---------------------------------------------------------------- page chrome
export function setProgress(el, label, loaded, total) {
  if (!el) return;
  el.hidden = false;
  const bar = el.querySelector('progress');
  const text = el.querySelector('.label');
  if (bar) {
    bar.max = total || 1;
    bar.value = loaded;
  }
  if (text) {
    const mb = (n) => (n / 1e6).toFixed(1);
    text.textContent = total ? `${label}: ${mb(loaded)} / ${mb(total)} MB` : label;
  }
}

export function showError(message) {
  state.errors.push(String(message));
  const el = document.getElementById('error');
  if (el) {
    const line = document.createElement('div');
    line.textContent = String(message);
    el.append(line);
    el.hidden = false;
  }
}

export function clearError() {
  const el = document.getElementById('error');
  if (el) {
    el.replaceChildren();
    el.hidden = true;
  }
}

// stats: {stage: ms, ...}; also published on window.frontml.stats for tests.
export function updateHud(stats) {
  Object.assign(state.stats, stats);
  // Running sums for benchmarks: window.frontml.totals[stage] / window.frontml.count.
  state.totals ??= {};
  state.count = (state.count || 0) + 1;
  for (const [k, v] of Object.entries(stats)) state.totals[k] = (state.totals[k] || 0) + v;
  const el = document.getElementById('hud');
  if (!el) return;
  const rows = Object.entries(state.stats).map(([k, v]) =>
    `<tr><th>${k}</th><td>${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(k === 'fps' ? 1 : 2) : v}</td></tr>`);
  el.innerHTML = `<table>${rows.join('')}</table>`;
}

export function publish(results) {
  state.results = results;
  state.frames = (state.frames || 0) + 1;
}

export async function showSource(url, el) {
  if (!el) return;
  try {
    const response = await fetch(url);
    el.textContent = await response.text();
  } catch (e) {
    el.textContent = `(could not load ${url})`;
  }
}

export function toBase64(bytes) {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
  return btoa(s);
}

// Paint a mask given in its own pixel space onto `canvas` through an affine (mask px -> canvas
// px, frontml convention). `logits`: values are logits (sigmoid applied here, not in Python).
export function drawMaskAffine(canvas, mask, w, h, a, b, c, d, e, f, logits = false,
  rgb = [0, 200, 255], alpha = 0.45) {
  const tmp = new OffscreenCanvas(w, h);
  const tctx = tmp.getContext('2d');
  const img = tctx.createImageData(w, h);
  const px = img.data;
  for (let i = 0; i < w * h; i++) {
    const p = logits ? 1 / (1 + Math.exp(-mask[i])) : mask[i];
    px[i * 4] = rgb[0];
    px[i * 4 + 1] = rgb[1];
    px[i * 4 + 2] = rgb[2];
    px[i * 4 + 3] = Math.max(0, Math.min(255, p * 255 * alpha));
  }
  tctx.putImageData(img, 0, 0);
  const ctx = canvas.getContext('2d');
  ctx.save();
  ctx.setTransform(a, d, b, e, c, f);
  ctx.drawImage(tmp, 0, 0);
  ctx.restore();
}

export function drawLabel(canvas, text, x, y, color = '#ffffff') {
  const ctx = canvas.getContext('2d');
  ctx.font = 'bold 14px sans-serif';
  ctx.fillStyle = 'rgba(0,0,0,0.6)';
  ctx.fillRect(x - 2, y - 14, ctx.measureText(text).width + 4, 18);
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
}
