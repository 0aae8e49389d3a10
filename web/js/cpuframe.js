// The CPU frame path: a camera/video frame is copied out of its VideoFrame in its own format
// (I420/NV12: a memcpy, or a map of the GPU buffer; no colour conversion on the GPU, no WebGL
// round trip), converted to RGBA only for the rows a crop reaches, and warped in JS with
// exactly CPython's numpy arithmetic (ArrayFrame.warp: float64 coordinates, float32 weights and
// sums, round half to even). Measured (bench/grab_speed.py, probe in its doc): copyTo 0.7 ms
// (I420, Chromium defaults) / 4.5 ms (NV12, GPU-style) where drawImage(video) + readback took
// 4.4 / 55 ms and any WebGL upload + readPixels 7-17 / 70-200 ms on the loaded test machine.

const f32 = Math.fround;

// Full-range or limited-range YUV -> RGB, 16-bit fixed point through lookup tables.
function yuvTables(matrix, fullRange) {
  const bt709 = matrix === 'bt709';
  const kr = bt709 ? 0.2126 : 0.299, kb = bt709 ? 0.0722 : 0.114, kg = 1 - kr - kb;
  const ys = fullRange ? 1 : 255 / 219, cs = fullRange ? 1 : 255 / 224;
  const y0 = fullRange ? 0 : 16;
  const Y = new Int32Array(256), RV = new Int32Array(256), GU = new Int32Array(256);
  const GV = new Int32Array(256), BU = new Int32Array(256);
  const S = 65536;
  for (let i = 0; i < 256; i++) {
    const c = (i - 128) * cs;
    Y[i] = Math.round((i - y0) * ys * S) + S / 2; // + 0.5 for rounding on the shift
    RV[i] = Math.round(2 * (1 - kr) * c * S);
    GU[i] = Math.round((-2 * kb * (1 - kb) / kg) * c * S);
    GV[i] = Math.round((-2 * kr * (1 - kr) / kg) * c * S);
    BU[i] = Math.round(2 * (1 - kb) * c * S);
  }
  return { Y, RV, GU, GV, BU };
}
const tableCache = new Map();

const clamp8 = (v) => (v < 0 ? 0 : v > 16711680 ? 255 : v >> 16);

// A frame copied to the CPU. `rgba` fills lazily: per row, the converted columns [lo[y], hi[y]).
export class CpuFrame {
  constructor(data, layout, format, width, height, colorSpace) {
    this.data = data;
    this.layout = layout;
    this.format = format;
    this.width = width;
    this.height = height;
    this.rgba = new Uint8Array(width * height * 4);
    this.rgba32 = new Uint32Array(this.rgba.buffer); // one store per pixel (little-endian RGBA)
    this.lo = new Int32Array(height);
    this.hi = new Int32Array(height);
    const key = `${colorSpace?.matrix}/${colorSpace?.fullRange}`;
    if (!tableCache.has(key)) tableCache.set(key, yuvTables(colorSpace?.matrix, !!colorSpace?.fullRange));
    this.tables = tableCache.get(key);
  }

  // Convert rows [lo, hi) (clamped) to RGBA.
  ensureRows(lo, hi) {
    this.ensureRegion(0, this.width, lo, hi);
  }

  // Convert columns [x0, x1) of rows [y0, y1) to RGBA, clamped to the frame but never empty:
  // a replicate border reads the nearest edge even when a crop lies wholly outside.
  ensureRegion(x0, x1, y0, y1) {
    const { width: w, height: h, lo, hi } = this;
    x0 = Math.min(Math.max(0, x0 | 0), w - 1);
    x1 = Math.max(Math.min(w, x1 | 0), x0 + 1);
    y0 = Math.min(Math.max(0, y0 | 0), h - 1);
    y1 = Math.max(Math.min(h, y1 | 0), y0 + 1);
    for (let y = y0; y < y1; y++) {
      const l = lo[y], r = hi[y];
      if (l < r && x0 >= l && x1 <= r) continue;
      if (l >= r) {
        this.convert(y, x0, x1);
        lo[y] = x0;
        hi[y] = x1;
        continue;
      }
      if (x0 < l) this.convert(y, x0, l);
      if (x1 > r) this.convert(y, r, x1);
      lo[y] = Math.min(l, x0);
      hi[y] = Math.max(r, x1);
    }
  }

  // Columns [x0, x1) of row y.
  convert(y, x0, x1) {
    const { data, layout, format, width: w, rgba32 } = this;
    const base = y * w;
    if (format === 'RGBA' || format === 'RGBX' || format === 'BGRA' || format === 'BGRX') {
      const src = layout[0].offset + y * layout[0].stride;
      const bgr = format[0] === 'B';
      const alpha = format[3] === 'A';
      for (let x = x0; x < x1; x++) {
        const s = src + 4 * x;
        const r = data[s + (bgr ? 2 : 0)], g = data[s + 1], b = data[s + (bgr ? 0 : 2)];
        rgba32[base + x] = r | (g << 8) | (b << 16) | ((alpha ? data[s + 3] : 255) << 24);
      }
      return;
    }
    const { Y, RV, GU, GV, BU } = this.tables;
    const yRow = layout[0].offset + y * layout[0].stride;
    const cy = y >> 1;
    const nv12 = format === 'NV12';
    const uRow = layout[1].offset + cy * layout[1].stride;
    const vRow = nv12 ? uRow + 1 : layout[2].offset + cy * layout[2].stride;
    const step = nv12 ? 2 : 1;
    const aRow = format === 'I420A' ? layout[3].offset + y * layout[3].stride : -1;
    let lastCi = -1, rv = 0, guv = 0, bu = 0;
    for (let x = x0; x < x1; x++) {
      const ci = x >> 1;
      if (ci !== lastCi) { // two pixels share a chroma sample
        lastCi = ci;
        const u = data[uRow + ci * step], v = data[vRow + ci * step];
        rv = RV[v];
        guv = GU[u] + GV[v];
        bu = BU[u];
      }
      const yy = Y[data[yRow + x]];
      const r = yy + rv, g = yy + guv, b = yy + bu;
      rgba32[base + x] = clamp8(r) | (clamp8(g) << 8) | (clamp8(b) << 16)
        | ((aRow < 0 ? 255 : data[aRow + x]) << 24);
    }
  }
}

const OPAQUE = new Set(['I420', 'NV12', 'RGBX', 'BGRX']);
const SUPPORTED = new Set(['I420', 'I420A', 'NV12', 'RGBA', 'RGBX', 'BGRA', 'BGRX']);

// Copy a VideoFrame to the CPU in its own format; null when the format is one we do not convert
// (e.g. 10-bit), so the caller uses the WebGL path.
export async function copyFrame(frame) {
  if (!SUPPORTED.has(frame.format)) return null;
  const rect = frame.visibleRect;
  const data = new Uint8Array(frame.allocationSize({ rect }));
  const layout = await frame.copyTo(data, { rect });
  return new CpuFrame(data, layout, frame.format, rect.width, rect.height, frame.colorSpace);
}

// numpy's np.rint: round half to even.
function rint(x) {
  const r = Math.round(x);
  return r - x === 0.5 && (r & 1) ? r - 1 : r;
}

// One output channel from four taps, numpy's float32 operation order, then np.rint + clip.
function blend(p00, p01, p10, p11, fx, gx, fy, gy) {
  const top = f32(f32(p00 * gx) + f32(p01 * fx));
  const bottom = f32(f32(p10 * gx) + f32(p11 * fx));
  const v = f32(f32(top * gy) + f32(bottom * fy));
  let r = Math.round(v);
  if (r - v === 0.5 && (r & 1)) r -= 1; // round half to even
  return r < 0 ? 0 : r > 255 ? 255 : r;
}

// Index of a tap's RGBA, clamped (replicate), or -1 outside (zero border).
function tap(px, x, y, w, h, row, replicate) {
  if (x >= 0 && y >= 0 && x < w && y < h) return y * row + x * 4;
  if (!replicate) return -1;
  return Math.min(Math.max(y, 0), h - 1) * row + Math.min(Math.max(x, 0), w - 1) * 4;
}

// The part of a w x h source a warp's taps reach, [x0, x1, y0, y1) clamped to the frame but never
// empty (a replicate border reads the nearest edge even when a crop lies wholly outside): the
// output's corners bound an affine map's footprint, +2 pixels for the bilinear taps and rounding.
export function reachedRegion(w, h, a, b, c, d, e, f, outW, outH) {
  let xlo = Infinity, xhi = -Infinity, ylo = Infinity, yhi = -Infinity;
  for (const [u, v] of [[0, 0], [outW, 0], [0, outH], [outW, outH]]) {
    const x = a * u + b * v + c, y = d * u + e * v + f;
    xlo = Math.min(xlo, x);
    xhi = Math.max(xhi, x);
    ylo = Math.min(ylo, y);
    yhi = Math.max(yhi, y);
  }
  const x0 = Math.min(Math.max(0, Math.floor(xlo) - 2), w - 1);
  const y0 = Math.min(Math.max(0, Math.floor(ylo) - 2), h - 1);
  return [x0, Math.max(Math.min(w, Math.ceil(xhi) + 2), x0 + 1),
    y0, Math.max(Math.min(h, Math.ceil(yhi) + 2), y0 + 1)];
}

// Convert (once per frame) the part of the source a warp's taps reach.
function convertReachedRows(src, a, b, c, d, e, f, outW, outH) {
  src.ensureRegion(...reachedRegion(src.width, src.height, a, b, c, d, e, f, outW, outH));
}

// ArrayFrame.warp (py/frontml/image.py), operation for operation: sx/sy in float64, the
// fractions and every product and sum rounded to float32 like numpy's float32 arrays. Taps
// inside the frame take a straight path; the border (zero / replicate) a general one.
export function cpuWarp(src, a, b, c, d, e, f, outW, outH, replicate) {
  const w = src.width, h = src.height;
  convertReachedRows(src, a, b, c, d, e, f, outW, outH);
  const px = src.rgba;
  const row = w * 4;
  const opaque = OPAQUE.has(src.format); // alpha 255 everywhere
  const out = new Uint8Array(outW * outH * 4);
  let o = 0;
  for (let j = 0; j < outH; j++) {
    const v = j + 0.5;
    for (let i = 0; i < outW; i++, o += 4) {
      const u = i + 0.5;
      const sx = a * u + b * v + c - 0.5;
      const sy = d * u + e * v + f - 0.5;
      const x0 = Math.floor(sx), y0 = Math.floor(sy);
      const fx = f32(sx - x0), fy = f32(sy - y0);
      const gx = f32(1 - fx), gy = f32(1 - fy);
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
        const i00 = y0 * row + x0 * 4, i10 = i00 + row;
        for (let k = 0; k < 3; k++) {
          out[o + k] = blend(px[i00 + k], px[i00 + 4 + k], px[i10 + k], px[i10 + 4 + k], fx, gx, fy, gy);
        }
        // four 255s blend to 255 +- 1e-5 in float32, which rounds to 255
        out[o + 3] = opaque ? 255 : blend(px[i00 + 3], px[i00 + 7], px[i10 + 3], px[i10 + 7], fx, gx, fy, gy);
        continue;
      }
      // border: clamp the tap (replicate) or take 0 outside (zero)
      const t00 = tap(px, x0, y0, w, h, row, replicate), t01 = tap(px, x0 + 1, y0, w, h, row, replicate);
      const t10 = tap(px, x0, y0 + 1, w, h, row, replicate), t11 = tap(px, x0 + 1, y0 + 1, w, h, row, replicate);
      if (t00 < 0 && t01 < 0 && t10 < 0 && t11 < 0) continue; // all outside: stays 0
      for (let k = 0; k < 4; k++) {
        out[o + k] = blend(t00 < 0 ? 0 : px[t00 + k], t01 < 0 ? 0 : px[t01 + k],
          t10 < 0 ? 0 : px[t10 + k], t11 < 0 ? 0 : px[t11 + k], fx, gx, fy, gy);
      }
    }
  }
  return out;
}

// ArrayFrame.warp_fixed_point (CPython, merged from branch tracking3): cv::warpPerspective's
// 8-bit INTER_LINEAR sampling (imgwarp.cpp remapBilinear): source coordinates rounded to 1/32
// pixel (half to even, cvRound), integer weights summing to 1 << 15, the sum rounded half up.
export function cpuWarpFixed(src, a, b, c, d, e, f, outW, outH, replicate) {
  const w = src.width, h = src.height;
  convertReachedRows(src, a, b, c, d, e, f, outW, outH);
  const px = src.rgba;
  const row = w * 4;
  const opaque = OPAQUE.has(src.format); // alpha 255 everywhere: inside taps blend to 255
  const out = new Uint8Array(outW * outH * 4);
  let o = 0;
  for (let j = 0; j < outH; j++) {
    const v = j + 0.5;
    const bv = b * v, ev = e * v; // same operation order as numpy: (a*u + b*v) + c
    for (let i = 0; i < outW; i++, o += 4) {
      const u = i + 0.5;
      const qx = rint((a * u + bv + c - 0.5) * 32), qy = rint((d * u + ev + f - 0.5) * 32);
      const x0 = qx >> 5, y0 = qy >> 5, fx = qx & 31, fy = qy & 31;
      const w00 = (32 - fx) * (32 - fy), w01 = fx * (32 - fy), w10 = (32 - fx) * fy, w11 = fx * fy;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
        // inside: weights sum to 1024, so (acc * 32 + 16384) >> 15 == (acc + 512) >> 10 <= 255
        const i00 = y0 * row + x0 * 4, i10 = i00 + row;
        out[o] = (px[i00] * w00 + px[i00 + 4] * w01 + px[i10] * w10 + px[i10 + 4] * w11 + 512) >> 10;
        out[o + 1] = (px[i00 + 1] * w00 + px[i00 + 5] * w01 + px[i10 + 1] * w10 + px[i10 + 5] * w11 + 512) >> 10;
        out[o + 2] = (px[i00 + 2] * w00 + px[i00 + 6] * w01 + px[i10 + 2] * w10 + px[i10 + 6] * w11 + 512) >> 10;
        out[o + 3] = opaque ? 255
          : (px[i00 + 3] * w00 + px[i00 + 7] * w01 + px[i10 + 3] * w10 + px[i10 + 7] * w11 + 512) >> 10;
        continue;
      }
      const t00 = tap(px, x0, y0, w, h, row, replicate), t01 = tap(px, x0 + 1, y0, w, h, row, replicate);
      const t10 = tap(px, x0, y0 + 1, w, h, row, replicate), t11 = tap(px, x0 + 1, y0 + 1, w, h, row, replicate);
      for (let k = 0; k < 4; k++) {
        const acc = ((t00 < 0 ? 0 : px[t00 + k]) * w00 + (t01 < 0 ? 0 : px[t01 + k]) * w01
          + (t10 < 0 ? 0 : px[t10 + k]) * w10 + (t11 < 0 ? 0 : px[t11 + k]) * w11) * 32;
        const val = (acc + 16384) >> 15;
        out[o + k] = val > 255 ? 255 : val;
      }
    }
  }
  return out;
}
