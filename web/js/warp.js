// Affine warps of a grabbed frame: WebGL2 (exact, same numbers as CPython's numpy warp) with a
// 2D-canvas fallback; also the replicate-border padding segmentation effects reuse.

import { cpuWarp, cpuWarpFixed } from './cpuframe.js';
import { ctx2d, framePath, sourceSize } from './frames.js';

const warpCanvases = new Map();

// The same bilinear sampling as CPython's ArrayFrame.warp (numpy), run on the GPU: taps at
// pixel centres, BORDER_ZERO or BORDER_REPLICATE, rounded to 8 bits. Exact, fast, and the
// replicate border costs nothing (clamped texel fetches). Falls back to the 2D canvas when a
// browser has no WebGL2.
const WARP_VS = `#version 300 es
in vec2 pos;
void main() { gl_Position = vec4(pos, 0.0, 1.0); }`;
// The sampling shared by both fragment shaders; each defines fetch(p) (an in-frame texel, 0..1).
const WARP_MAIN = `
uniform vec3 row0;
uniform vec3 row1;
uniform ivec2 size;
uniform bool replicate;
uniform bool fixedPoint;
out vec4 color;
vec4 tap(ivec2 p) {
  bool inside = p.x >= 0 && p.y >= 0 && p.x < size.x && p.y < size.y;
  vec4 c = fetch(clamp(p, ivec2(0), size - 1));
  return (replicate || inside) ? c : vec4(0.0);
}
void main() {
  // gl_FragCoord is the output pixel centre; GL row r is output row r (no flip on readback).
  vec3 uv = vec3(gl_FragCoord.xy, 1.0);
  vec2 s = vec2(dot(row0, uv), dot(row1, uv)) - 0.5;
  if (fixedPoint) {
    // cv::warpPerspective INTER_LINEAR on 8-bit (CPython's ArrayFrame.warp_fixed_point): the
    // coordinate on a 1/32-pixel grid, integer weights summing to 1 << 15, rounded half up.
    // Every term is an integer below 2^24, so float32 holds it exactly.
    vec2 q = roundEven(s * 32.0);
    vec2 g0 = floor(q / 32.0);
    ivec2 g = ivec2(g0);
    vec2 w = q - g0 * 32.0;
    vec4 acc = round(tap(g) * 255.0) * ((32.0 - w.x) * (32.0 - w.y))
             + round(tap(g + ivec2(1, 0)) * 255.0) * (w.x * (32.0 - w.y))
             + round(tap(g + ivec2(0, 1)) * 255.0) * ((32.0 - w.x) * w.y)
             + round(tap(g + ivec2(1, 1)) * 255.0) * (w.x * w.y);
    color = floor((acc * 32.0 + 16384.0) / 32768.0) / 255.0;
    return;
  }
  vec2 f0 = floor(s);
  ivec2 p = ivec2(f0);
  vec2 fr = s - f0;
  vec4 top = tap(p) * (1.0 - fr.x) + tap(p + ivec2(1, 0)) * fr.x;
  vec4 bottom = tap(p + ivec2(0, 1)) * (1.0 - fr.x) + tap(p + ivec2(1, 1)) * fr.x;
  color = top * (1.0 - fr.y) + bottom * fr.y;
}`;
const WARP_FS = `#version 300 es
precision highp float;
precision highp int;
uniform sampler2D src;
vec4 fetch(ivec2 p) { return texelFetch(src, p, 0); }
${WARP_MAIN}`;
// The YUV planes of a VideoFrame.copyTo (I420: Y, U, V; NV12: Y, interleaved UV) as integer
// textures, converted per tap with the CPU path's 16-bit fixed-point tables (cpuframe.js
// yuvTables, as a 256x2 RGBA32I lookup), so the RGB is byte-identical to ?grab=cpu's.
const YUV_FS = `#version 300 es
precision highp float;
precision highp int;
uniform highp usampler2D yPlane;
uniform highp usampler2D uPlane;
uniform highp usampler2D vPlane;
uniform highp isampler2D lut;
uniform bool nv12;
float clamp8(int v) { return v < 0 ? 0.0 : v > 16711680 ? 255.0 : float(v >> 16); }
vec4 fetch(ivec2 p) {
  int y = int(texelFetch(yPlane, p, 0).r);
  ivec2 c = p >> 1;
  uvec4 cu = texelFetch(uPlane, c, 0);
  int u = int(cu.r);
  int v = nv12 ? int(cu.g) : int(texelFetch(vPlane, c, 0).r);
  int yy = texelFetch(lut, ivec2(y, 0), 0).r;
  ivec4 lv = texelFetch(lut, ivec2(v, 0), 0); // .g RV, .b GV
  ivec4 lu = texelFetch(lut, ivec2(u, 1), 0); // .r GU, .g BU
  return vec4(clamp8(yy + lv.g), clamp8(yy + lu.r + lv.b), clamp8(yy + lu.g), 255.0) / 255.0;
}
${WARP_MAIN}`;

let glWarper; // undefined: not tried yet; null: no WebGL2 here (or the canvas was chosen)

// 'webgl' (default: exact, same numbers as CPython) or 'canvas' (2D canvas bilinear).
let useCanvas = false;
export function setWarpBackend(name) {
  useCanvas = name === 'canvas';
  if (useCanvas) glWarper = null;
  else if (glWarper === null) glWarper = undefined;
}

function makeGlWarper() {
  const canvas = new OffscreenCanvas(256, 256);
  const gl = canvas.getContext('webgl2', { antialias: false, premultipliedAlpha: false, alpha: true });
  if (!gl) return null;
  const buf = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, buf);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  const prog = makeProgram(gl, WARP_FS, { src: 0 });
  gl.activeTexture(gl.TEXTURE0);
  const tex = newTexture(gl);
  gl.bindTexture(gl.TEXTURE_2D, tex);
  gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
  gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
  gl.pixelStorei(gl.PACK_ALIGNMENT, 1);
  return { canvas, gl, prog, source: null, generation: -1, yuv: undefined };
}

// A linked program (attribute `pos` at 0) with its samplers on fixed texture units, and the
// locations of the sampling uniforms both shaders share.
function makeProgram(gl, fragment, samplers) {
  const shader = (type, text) => {
    const s = gl.createShader(type);
    gl.shaderSource(s, text);
    gl.compileShader(s);
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s));
    return s;
  };
  const prog = gl.createProgram();
  gl.attachShader(prog, shader(gl.VERTEX_SHADER, WARP_VS));
  gl.attachShader(prog, shader(gl.FRAGMENT_SHADER, fragment));
  gl.bindAttribLocation(prog, 0, 'pos');
  gl.linkProgram(prog);
  if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(prog));
  gl.useProgram(prog);
  for (const [name, unit] of Object.entries(samplers)) gl.uniform1i(gl.getUniformLocation(prog, name), unit);
  const u = (name) => gl.getUniformLocation(prog, name);
  return { prog, uniforms: { row0: u('row0'), row1: u('row1'), size: u('size'), replicate: u('replicate'),
    fixedPoint: u('fixedPoint'), nv12: u('nv12') } };
}

function newTexture(gl) {
  const tex = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, tex);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  return tex;
}

// Draw the warp with `program` (its textures bound) and read back only the crop.
function drawCrop(w, program, a, b, c, d, e, f, sw, sh, outW, outH, replicate, fixedPoint) {
  const { gl, canvas } = w;
  const { uniforms } = program;
  if (canvas.width < outW) canvas.width = outW;
  if (canvas.height < outH) canvas.height = outH;
  gl.useProgram(program.prog);
  gl.viewport(0, 0, outW, outH);
  gl.uniform3f(uniforms.row0, a, b, c);
  gl.uniform3f(uniforms.row1, d, e, f);
  gl.uniform2i(uniforms.size, sw, sh);
  gl.uniform1i(uniforms.replicate, replicate ? 1 : 0);
  gl.uniform1i(uniforms.fixedPoint, fixedPoint ? 1 : 0);
  gl.drawArrays(gl.TRIANGLES, 0, 3);
  const out = new Uint8Array(outW * outH * 4);
  gl.readPixels(0, 0, outW, outH, gl.RGBA, gl.UNSIGNED_BYTE, out);
  return out;
}

function glWarp(w, source, a, b, c, d, e, f, outW, outH, replicate, fixedPoint) {
  const { gl } = w;
  const gen = source.frontmlGeneration ?? 0;
  if (w.source !== source || w.generation !== gen) { // upload each new frame once
    const t0 = performance.now();
    gl.activeTexture(gl.TEXTURE0);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, gl.RGBA, gl.UNSIGNED_BYTE, source);
    framePath.upload += performance.now() - t0;
    w.source = source;
    w.generation = gen;
  }
  const t1 = performance.now();
  const [sw, sh] = sourceSize(source);
  const out = drawCrop(w, w.prog, a, b, c, d, e, f, sw, sh, outW, outH, replicate, fixedPoint);
  framePath.warp += performance.now() - t1;
  return out;
}

// The YUV program and its textures (units 1-4), made on first use; null if it cannot compile.
function yuvWarper(w) {
  if (w.yuv !== undefined) return w.yuv;
  const { gl } = w;
  try {
    const program = makeProgram(gl, YUV_FS, { yPlane: 1, uPlane: 2, vPlane: 3, lut: 4 });
    const textures = [1, 2, 3, 4].map((unit) => {
      gl.activeTexture(gl.TEXTURE0 + unit);
      return newTexture(gl);
    });
    gl.activeTexture(gl.TEXTURE0);
    w.yuv = { program, textures, frame: null, tables: null, shape: '' };
  } catch (err) {
    console.warn('frontml: WebGL2 YUV warp unavailable, warping on the CPU', err);
    w.yuv = null;
  }
  return w.yuv;
}

// The 256x2 RGBA32I lookup: row 0 (Y, RV, GV), row 1 (GU, BU), indexed by the 8-bit sample.
function lutData({ Y, RV, GU, GV, BU }) {
  const lut = new Int32Array(256 * 2 * 4);
  for (let i = 0; i < 256; i++) {
    lut.set([Y[i], RV[i], GV[i], 0], 4 * i);
    lut.set([GU[i], BU[i], 0, 0], 4 * (256 + i));
  }
  return lut;
}

// Upload the planes of a CpuFrame (once per frame): Y as R8UI, U and V as R8UI (I420) or UV as
// RG8UI (NV12), straight from the copyTo buffer at each plane's offset and stride.
function uploadPlanes(w, y, cpu) {
  const { gl } = w;
  const { data, layout, width: W, height: H, format } = cpu;
  const nv12 = format === 'NV12';
  const cw = (W + 1) >> 1, ch = (H + 1) >> 1;
  const shape = `${format}/${W}x${H}`;
  const fresh = y.shape !== shape; // (re)allocate on the first frame or a new size/format
  y.shape = shape;
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
  const plane = (unit, i, pw, ph, internal, fmt, bytesPerPixel) => {
    gl.activeTexture(gl.TEXTURE0 + unit);
    gl.bindTexture(gl.TEXTURE_2D, y.textures[unit - 1]);
    gl.pixelStorei(gl.UNPACK_ROW_LENGTH, layout[i].stride / bytesPerPixel);
    if (fresh) {
      gl.texImage2D(gl.TEXTURE_2D, 0, internal, pw, ph, 0, fmt, gl.UNSIGNED_BYTE, data, layout[i].offset);
    } else {
      gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, pw, ph, fmt, gl.UNSIGNED_BYTE, data, layout[i].offset);
    }
  };
  plane(1, 0, W, H, gl.R8UI, gl.RED_INTEGER, 1);
  if (nv12) {
    plane(2, 1, cw, ch, gl.RG8UI, gl.RG_INTEGER, 2);
  } else {
    plane(2, 1, cw, ch, gl.R8UI, gl.RED_INTEGER, 1);
    plane(3, 2, cw, ch, gl.R8UI, gl.RED_INTEGER, 1);
  }
  gl.pixelStorei(gl.UNPACK_ROW_LENGTH, 0);
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
  if (y.tables !== cpu.tables) {
    gl.activeTexture(gl.TEXTURE4);
    gl.bindTexture(gl.TEXTURE_2D, y.textures[3]);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA32I, 256, 2, 0, gl.RGBA_INTEGER, gl.INT, lutData(cpu.tables));
    y.tables = cpu.tables;
  }
  gl.activeTexture(gl.TEXTURE0);
}

// ?grab=yuv: the frame's YUV planes go up as they came out of VideoFrame.copyTo (460 KB at
// 640x480 instead of 1.2 MB RGBA), the shader converts + warps, and only the crop comes back.
// null when this frame or browser cannot take it (the JS warp runs instead).
function glWarpYuv(cpu, a, b, c, d, e, f, outW, outH, replicate, fixedPoint) {
  if (cpu.format !== 'I420' && cpu.format !== 'NV12') return null;
  const w = glWarperOrNull();
  const y = w && yuvWarper(w);
  if (!y) return null;
  if (y.frame !== cpu) {
    const t0 = performance.now();
    uploadPlanes(w, y, cpu);
    framePath.upload += performance.now() - t0;
    y.frame = cpu;
  }
  const t1 = performance.now();
  w.gl.useProgram(y.program.prog);
  w.gl.uniform1i(y.program.uniforms.nv12, cpu.format === 'NV12' ? 1 : 0);
  const out = drawCrop(w, y.program, a, b, c, d, e, f, cpu.width, cpu.height, outW, outH, replicate,
    fixedPoint);
  framePath.warp += performance.now() - t1;
  cpu.gpuWarps = (cpu.gpuWarps ?? 0) + 1; // tests check the shader, not the JS fallback, ran
  return out;
}

function glWarperOrNull() {
  if (glWarper === undefined) {
    try {
      glWarper = makeGlWarper();
    } catch (err) {
      console.warn('frontml: WebGL2 warp unavailable, using the 2D canvas', err);
      glWarper = null;
    }
  }
  return glWarper;
}

function tryGlWarp(source, a, b, c, d, e, f, outW, outH, replicate, fixedPoint) {
  const w = glWarperOrNull();
  return w ? glWarp(w, source, a, b, c, d, e, f, outW, outH, replicate, fixedPoint) : null;
}

// Affine warp: (a..f) maps OUTPUT continuous pixel coords to SOURCE ones
// (sx = a*u + b*v + c, sy = d*u + e*v + f). Outside the source is transparent black, or with
// `replicate` the edge pixels continue outward (MediaPipe's BORDER_REPLICATE): the source is
// first copied into a canvas padded by as much as the warp reaches outside it.
// Returns the RGBA bytes (Uint8ClampedArray, length outW*outH*4).
// `fixedPoint`: OpenCV's 1/32-pixel integer sampling (CPython's ArrayFrame.warp_fixed_point),
// in the CPU path (cpuWarpFixed) and the WebGL2 shader; the 2D-canvas fallback samples its own way.
export function warp(source, a, b, c, d, e, f, outW, outH, replicate = false, fixedPoint = false) {
  if (source.frontmlCpu && !useCanvas) { // a grabbed video frame already on the CPU
    if (source.frontmlCpu.gpu) { // ?grab=yuv: its planes converted + warped in the shader
      const viaYuv = glWarpYuv(source.frontmlCpu, a, b, c, d, e, f, outW, outH, replicate, fixedPoint);
      if (viaYuv) return viaYuv;
    }
    const t0 = performance.now();
    const out = (fixedPoint ? cpuWarpFixed : cpuWarp)(source.frontmlCpu, a, b, c, d, e, f, outW, outH, replicate);
    framePath.warp += performance.now() - t0;
    return out;
  }
  const viaGl = tryGlWarp(source, a, b, c, d, e, f, outW, outH, replicate, fixedPoint);
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
export function padReplicate(source, pad) {
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
