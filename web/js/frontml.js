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
  canvas.frontmlGeneration = (canvas.frontmlGeneration || 0) + 1; // new pixels: re-upload
  return canvas;
}

const warpCanvases = new Map();

// ---------------------------------------------------------------- WebGL2 warp
// The same bilinear sampling as CPython's ArrayFrame.warp (numpy), run on the GPU: taps at
// pixel centres, BORDER_ZERO or BORDER_REPLICATE, rounded to 8 bits. Exact, fast, and the
// replicate border costs nothing (clamped texel fetches). Falls back to the 2D canvas when a
// browser has no WebGL2.
const WARP_VS = `#version 300 es
in vec2 pos;
void main() { gl_Position = vec4(pos, 0.0, 1.0); }`;
const WARP_FS = `#version 300 es
precision highp float;
precision highp int;
uniform sampler2D src;
uniform vec3 row0;
uniform vec3 row1;
uniform ivec2 size;
uniform bool replicate;
out vec4 color;
vec4 tap(ivec2 p) {
  bool inside = p.x >= 0 && p.y >= 0 && p.x < size.x && p.y < size.y;
  vec4 c = texelFetch(src, clamp(p, ivec2(0), size - 1), 0);
  return (replicate || inside) ? c : vec4(0.0);
}
void main() {
  // gl_FragCoord is the output pixel centre; GL row r is output row r (no flip on readback).
  vec3 uv = vec3(gl_FragCoord.xy, 1.0);
  vec2 s = vec2(dot(row0, uv), dot(row1, uv)) - 0.5;
  vec2 f0 = floor(s);
  ivec2 p = ivec2(f0);
  vec2 fr = s - f0;
  vec4 top = tap(p) * (1.0 - fr.x) + tap(p + ivec2(1, 0)) * fr.x;
  vec4 bottom = tap(p + ivec2(0, 1)) * (1.0 - fr.x) + tap(p + ivec2(1, 1)) * fr.x;
  color = top * (1.0 - fr.y) + bottom * fr.y;
}`;

let glWarper; // undefined: not tried yet; null: no WebGL2 here (or the canvas was chosen)

// 'webgl' (default: exact, same numbers as CPython) or 'canvas' (2D canvas bilinear).
export function setWarpBackend(name) {
  if (name === 'canvas') glWarper = null;
  else if (glWarper === null) glWarper = undefined;
}

function makeGlWarper() {
  const canvas = new OffscreenCanvas(256, 256);
  const gl = canvas.getContext('webgl2', { antialias: false, premultipliedAlpha: false, alpha: true });
  if (!gl) return null;
  const shader = (type, text) => {
    const s = gl.createShader(type);
    gl.shaderSource(s, text);
    gl.compileShader(s);
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s));
    return s;
  };
  const prog = gl.createProgram();
  gl.attachShader(prog, shader(gl.VERTEX_SHADER, WARP_VS));
  gl.attachShader(prog, shader(gl.FRAGMENT_SHADER, WARP_FS));
  gl.linkProgram(prog);
  if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(prog));
  gl.useProgram(prog);
  const buf = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, buf);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
  const loc = gl.getAttribLocation(prog, 'pos');
  gl.enableVertexAttribArray(loc);
  gl.vertexAttribPointer(loc, 2, gl.FLOAT, false, 0, 0);
  const tex = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, tex);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
  gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
  gl.pixelStorei(gl.PACK_ALIGNMENT, 1);
  const u = (name) => gl.getUniformLocation(prog, name);
  return { canvas, gl, uniforms: { row0: u('row0'), row1: u('row1'), size: u('size'), replicate: u('replicate') },
    source: null, generation: -1 };
}

function glWarp(w, source, a, b, c, d, e, f, outW, outH, replicate) {
  const { gl, canvas, uniforms } = w;
  const gen = source.frontmlGeneration ?? 0;
  if (w.source !== source || w.generation !== gen) { // upload each new frame once
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, gl.RGBA, gl.UNSIGNED_BYTE, source);
    w.source = source;
    w.generation = gen;
  }
  if (canvas.width < outW) canvas.width = outW;
  if (canvas.height < outH) canvas.height = outH;
  const [sw, sh] = sourceSize(source);
  gl.viewport(0, 0, outW, outH);
  gl.uniform3f(uniforms.row0, a, b, c);
  gl.uniform3f(uniforms.row1, d, e, f);
  gl.uniform2i(uniforms.size, sw, sh);
  gl.uniform1i(uniforms.replicate, replicate ? 1 : 0);
  gl.drawArrays(gl.TRIANGLES, 0, 3);
  const out = new Uint8Array(outW * outH * 4);
  gl.readPixels(0, 0, outW, outH, gl.RGBA, gl.UNSIGNED_BYTE, out);
  return out;
}

function tryGlWarp(source, a, b, c, d, e, f, outW, outH, replicate) {
  if (glWarper === undefined) {
    try {
      glWarper = makeGlWarper();
    } catch (err) {
      console.warn('frontml: WebGL2 warp unavailable, using the 2D canvas', err);
      glWarper = null;
    }
  }
  return glWarper ? glWarp(glWarper, source, a, b, c, d, e, f, outW, outH, replicate) : null;
}

// Affine warp: (a..f) maps OUTPUT continuous pixel coords to SOURCE ones
// (sx = a*u + b*v + c, sy = d*u + e*v + f). Outside the source is transparent black, or with
// `replicate` the edge pixels continue outward (MediaPipe's BORDER_REPLICATE): the source is
// first copied into a canvas padded by as much as the warp reaches outside it.
// Returns the RGBA bytes (Uint8ClampedArray, length outW*outH*4).
export function warp(source, a, b, c, d, e, f, outW, outH, replicate = false) {
  const viaGl = tryGlWarp(source, a, b, c, d, e, f, outW, outH, replicate);
  if (viaGl) return viaGl;
  return canvasWarp(source, a, b, c, d, e, f, outW, outH, replicate);
}

// The 2D-canvas fallback (its bilinear differs from numpy's by ~0.5 grey levels).
function canvasWarp(source, a, b, c, d, e, f, outW, outH, replicate) {
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

// ================================================================ segmentation (issue 5)
// Person masks from Python (frontml.tasks.segmentation) -> threshold, temporal smoothing,
// feathering, background effects, body-part colours and the cut-out, all on the canvas.
// Formulas match py/frontml/tasks/segmentation/effects_cpu.py (the CPython side).

const seg = { prev: null, prevW: 0, prevH: 0, background: null, matte: null, frame: null,
  alphaCanvas: null, partsCanvas: null, person: null, blurCanvas: null };

export function segResetSmoothing() {
  seg.prev = null;
}

// mask: Float32Array (w*h probabilities, or logits) -> Float32Array alpha in [0, 1]:
// sigmoid (logits) -> SegmentationSmoothingCalculator mix with the previous mask (ratio
// `smoothing`) -> soft threshold alpha = clamp((p - (t - s)) / 2s, 0, 1), s = 0: p >= t.
export function segAlpha(mask, w, h, logits, threshold, softness, smoothing) {
  const n = w * h;
  const prob = new Float32Array(n);
  for (let i = 0; i < n; i++) prob[i] = logits ? 1 / (1 + Math.exp(-mask[i])) : mask[i];
  if (smoothing > 0 && seg.prev && seg.prevW === w && seg.prevH === h) {
    const prev = seg.prev;
    for (let i = 0; i < n; i++) {
      const p = prob[i];
      const x = (p - 0.5) * (p - 0.5);
      const unc = 1 - Math.min(1, x * (5.68842 + x * (-0.748699 + x * (-57.8051 + x * (291.309 + x * -624.717)))));
      prob[i] = p + (prev[i] - p) * (unc * smoothing);
    }
  }
  seg.prev = prob.slice();
  seg.prevW = w;
  seg.prevH = h;
  const alpha = new Float32Array(n);
  if (softness <= 0) {
    for (let i = 0; i < n; i++) alpha[i] = prob[i] >= threshold ? 1 : 0;
  } else {
    const lo = threshold - softness, span = 2 * softness;
    for (let i = 0; i < n; i++) alpha[i] = Math.max(0, Math.min(1, (prob[i] - lo) / span));
  }
  return alpha;
}

function segCanvas(key, w, h) {
  let c = seg[key];
  if (!c) c = seg[key] = new OffscreenCanvas(w, h);
  if (c.width !== w) c.width = w;
  if (c.height !== h) c.height = h;
  return c;
}

// The frame blurred with its edges replicated (like PIL's GaussianBlur), drawn on ctx.
function segDrawBlurred(ctx, frame, radius) {
  const w = frame.width, h = frame.height;
  const pad = Math.ceil(radius * 3) + 2;
  const padded = padReplicate(frame, pad);
  ctx.save();
  ctx.filter = `blur(${radius}px)`;
  ctx.drawImage(padded, 0, 0, w + 2 * pad, h + 2 * pad, -pad, -pad, w + 2 * pad, h + 2 * pad);
  ctx.restore();
}

// object-fit: cover
function segDrawCover(ctx, img, w, h) {
  const iw = img.width, ih = img.height;
  const scale = Math.max(w / iw, h / ih);
  const dw = iw * scale, dh = ih * scale;
  ctx.drawImage(img, (w - dw) / 2, (h - dh) / 2, dw, dh);
}

const SEG_PART_COLOURS = [[0, 0, 0], [255, 213, 79], [66, 165, 245], [239, 83, 80], [171, 71, 188],
  [102, 187, 106], [255, 167, 38]];

// Label each mask pixel with alpha >= 0.5 by its nearest skeleton segment (image px
// distances); segments: Float32Array of (x0, y0, x1, y1, part). Returns Uint8Array labels.
export function segBodyParts(alpha, w, h, a, b, c, d, e, f, segments) {
  const labels = new Uint8Array(w * h);
  const m = segments.length / 5;
  if (!m) return labels;
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) {
      const i = v * w + u;
      if (alpha[i] < 0.5) continue;
      const x = a * (u + 0.5) + b * (v + 0.5) + c, y = d * (u + 0.5) + e * (v + 0.5) + f;
      let best = Infinity, label = 0;
      for (let k = 0; k < m; k++) {
        const x0 = segments[5 * k], y0 = segments[5 * k + 1];
        const dx = segments[5 * k + 2] - x0, dy = segments[5 * k + 3] - y0;
        const ll = dx * dx + dy * dy;
        const t = ll === 0 ? 0 : Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / ll));
        const ex = x - x0 - t * dx, ey = y - y0 - t * dy;
        const dist = ex * ex + ey * ey;
        if (dist < best) { best = dist; label = segments[5 * k + 4]; }
      }
      labels[i] = label;
    }
  }
  return labels;
}

// Render one frame: out = frame * matte + background * (1 - matte).
// p: {threshold, softness, smoothing, feather, effect: none|blur|color|image, blur, color,
//     parts: bool, showMask: bool}. Returns {alpha_mean} (a few numbers, for the HUD/tests).
export function segRender(out, frame, mask, mw, mh, a, b, c, d, e, f, logits, p, segments) {
  const w = frame.width, h = frame.height;
  const alpha = segAlpha(mask, mw, mh, logits, p.threshold, p.softness, p.smoothing);
  // matte at mask resolution -> image size through the affine, feathered
  const small = segCanvas('alphaCanvas', mw, mh);
  const sctx = small.getContext('2d');
  const img = sctx.createImageData(mw, mh);
  const px = img.data;
  for (let i = 0; i < mw * mh; i++) {
    px[4 * i] = 255; px[4 * i + 1] = 255; px[4 * i + 2] = 255;
    px[4 * i + 3] = Math.round(alpha[i] * 255);
  }
  sctx.putImageData(img, 0, 0);
  const matte = segCanvas('matte', w, h);
  const mctx = matte.getContext('2d');
  mctx.setTransform(1, 0, 0, 1, 0, 0);
  mctx.clearRect(0, 0, w, h);
  mctx.filter = p.feather > 0 ? `blur(${p.feather}px)` : 'none';
  mctx.imageSmoothingEnabled = true;
  mctx.imageSmoothingQuality = 'low';
  mctx.setTransform(a, d, b, e, c, f);
  mctx.drawImage(small, 0, 0);
  mctx.setTransform(1, 0, 0, 1, 0, 0);
  mctx.filter = 'none';
  // background
  const ctx = fitCanvas(out, w, h);
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.globalCompositeOperation = 'source-over';
  ctx.filter = 'none';
  const effect = p.effect || 'none';
  if (effect === 'blur') segDrawBlurred(ctx, frame, Math.max(0, Number(p.blur) || 0));
  else if (effect === 'image' && seg.background) segDrawCover(ctx, seg.background, w, h);
  else if (effect === 'color' || effect === 'image') {
    ctx.fillStyle = p.color || '#00b140';
    ctx.fillRect(0, 0, w, h);
  } else ctx.drawImage(frame, 0, 0);
  // the person over it
  if (effect !== 'none') {
    const person = segCanvas('person', w, h);
    const pctx = person.getContext('2d');
    pctx.globalCompositeOperation = 'source-over';
    pctx.clearRect(0, 0, w, h);
    pctx.drawImage(frame, 0, 0);
    pctx.globalCompositeOperation = 'destination-in';
    pctx.drawImage(matte, 0, 0);
    pctx.globalCompositeOperation = 'source-over';
    ctx.drawImage(person, 0, 0);
  }
  if (p.showMask) {
    ctx.globalAlpha = 0.35;
    const tint = segCanvas('blurCanvas', w, h);
    const tctx = tint.getContext('2d');
    tctx.globalCompositeOperation = 'source-over';
    tctx.clearRect(0, 0, w, h);
    tctx.fillStyle = 'rgb(0,200,255)';
    tctx.fillRect(0, 0, w, h);
    tctx.globalCompositeOperation = 'destination-in';
    tctx.drawImage(matte, 0, 0);
    tctx.globalCompositeOperation = 'source-over';
    ctx.drawImage(tint, 0, 0);
    ctx.globalAlpha = 1;
  }
  if (p.parts && segments && segments.length) {
    const labels = segBodyParts(alpha, mw, mh, a, b, c, d, e, f, segments);
    const pc = segCanvas('partsCanvas', mw, mh);
    const pctx = pc.getContext('2d');
    const pimg = pctx.createImageData(mw, mh);
    for (let i = 0; i < mw * mh; i++) {
      const col = SEG_PART_COLOURS[labels[i]];
      pimg.data[4 * i] = col[0]; pimg.data[4 * i + 1] = col[1]; pimg.data[4 * i + 2] = col[2];
      pimg.data[4 * i + 3] = labels[i] ? 128 : 0;
    }
    pctx.putImageData(pimg, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.setTransform(a, d, b, e, c, f);
    ctx.drawImage(pc, 0, 0);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.imageSmoothingEnabled = true;
  }
  ctx.restore();
  seg.frame = frame;
  let sum = 0;
  for (let i = 0; i < alpha.length; i++) sum += alpha[i];
  return { alpha_mean: alpha.length ? sum / alpha.length : 0 };
}

// A background image from a user's file; throws a clear Error (the current one stays).
export async function segLoadBackground(file) {
  if (!file) throw new Error('No file chosen for the background.');
  if (!file.type || !file.type.startsWith('image/')) {
    throw new Error(`"${file.name}" is not an image (${file.type || 'unknown type'}); the background was not changed.`);
  }
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (e) {
    throw new Error(`"${file.name}" could not be decoded as an image; the background was not changed.`);
  }
  seg.background = bitmap;
  return { width: bitmap.width, height: bitmap.height };
}

export function segHasBackground() {
  return seg.background !== null;
}

// The last rendered frame's person on a transparent background, as a PNG data: URL.
export function segCutoutDataUrl() {
  if (!seg.frame || !seg.matte) return '';
  const w = seg.frame.width, h = seg.frame.height;
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(seg.frame, 0, 0);
  ctx.globalCompositeOperation = 'destination-in';
  ctx.drawImage(seg.matte, 0, 0);
  return canvas.toDataURL('image/png');
}

// ================================================================ hands: taught signs (issue 7)
// IndexedDB persistence of the sign classifier's examples (JSON text from Python's
// SignClassifier.to_json()) and a text download for export. One object store, one key per page.
const SIGNS_DB = 'frontml-signs';
const SIGNS_STORE = 'signs';

function signsDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(SIGNS_DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(SIGNS_STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`IndexedDB unavailable: ${req.error?.message ?? 'unknown error'}`));
  });
}

export async function signsSave(key, text) {
  const db = await signsDb();
  try {
    await new Promise((resolve, reject) => {
      const tx = db.transaction(SIGNS_STORE, 'readwrite');
      tx.objectStore(SIGNS_STORE).put(text, key);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(new Error(`could not save signs: ${tx.error?.message}`));
    });
  } finally {
    db.close();
  }
}

// The saved JSON text, or '' when nothing was saved under `key`.
export async function signsLoad(key) {
  const db = await signsDb();
  try {
    return await new Promise((resolve, reject) => {
      const req = db.transaction(SIGNS_STORE, 'readonly').objectStore(SIGNS_STORE).get(key);
      req.onsuccess = () => resolve(typeof req.result === 'string' ? req.result : '');
      req.onerror = () => reject(new Error(`could not read signs: ${req.error?.message}`));
    });
  } finally {
    db.close();
  }
}

export function downloadText(filename, text, type = 'application/json') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
// ================================================================ end hands (issue 7)
