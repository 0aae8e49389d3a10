// Segmentation effects (issue 5): person masks from Python (frontml.tasks.segmentation) ->
// threshold, temporal smoothing, feathering, background effects, body-part colours and the
// cut-out, all on the canvas. Formulas match py/frontml/tasks/segmentation/effects_cpu.py.
// Part colours come from Python (parts.PART_COLOURS) in segRender's parameters.

import { fitCanvas } from './draw.js';
import { padReplicate } from './warp.js';

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

// An RGBA image at mask resolution: write(px, i) sets pixel i's 4 bytes px[4i..4i+3]
// (no per-pixel allocation: this runs on every frame).
function segPaint(key, w, h, write) {
  const canvas = segCanvas(key, w, h);
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(w, h);
  for (let i = 0; i < w * h; i++) write(img.data, i);
  ctx.putImageData(img, 0, 0);
  return canvas;
}

// `fill(ctx)` drawn, then cut to the matte (the person only), on a reusable canvas.
function segMatted(key, w, h, fill) {
  const canvas = segCanvas(key, w, h);
  const ctx = canvas.getContext('2d');
  ctx.globalCompositeOperation = 'source-over';
  ctx.clearRect(0, 0, w, h);
  fill(ctx);
  ctx.globalCompositeOperation = 'destination-in';
  ctx.drawImage(seg.matte, 0, 0);
  ctx.globalCompositeOperation = 'source-over';
  return canvas;
}

// Render one frame: out = frame * matte + background * (1 - matte).
// p: {threshold, softness, smoothing, feather, effect: none|blur|color|image, blur, color,
//     parts: bool, showMask: bool, partColours: [[r, g, b], ...] (Python's parts.PART_COLOURS)}.
// Returns {alpha_mean} (a few numbers, for the HUD/tests).
export function segRender(out, frame, mask, mw, mh, a, b, c, d, e, f, logits, p, segments) {
  const w = frame.width, h = frame.height;
  const alpha = segAlpha(mask, mw, mh, logits, p.threshold, p.softness, p.smoothing);
  // matte at mask resolution -> image size through the affine, feathered
  const small = segPaint('alphaCanvas', mw, mh, (px, i) => {
    px[4 * i] = px[4 * i + 1] = px[4 * i + 2] = 255;
    px[4 * i + 3] = Math.round(alpha[i] * 255);
  });
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
  if (effect !== 'none') ctx.drawImage(segMatted('person', w, h, (pc) => pc.drawImage(frame, 0, 0)), 0, 0);
  if (p.showMask) {
    ctx.globalAlpha = 0.35;
    ctx.drawImage(segMatted('blurCanvas', w, h, (tc) => {
      tc.fillStyle = 'rgb(0,200,255)';
      tc.fillRect(0, 0, w, h);
    }), 0, 0);
    ctx.globalAlpha = 1;
  }
  if (p.parts && segments && segments.length) {
    const labels = segBodyParts(alpha, mw, mh, a, b, c, d, e, f, segments);
    const colours = p.partColours;
    const parts = segPaint('partsCanvas', mw, mh, (px, i) => {
      const col = colours[labels[i]];
      px[4 * i] = col[0]; px[4 * i + 1] = col[1]; px[4 * i + 2] = col[2];
      px[4 * i + 3] = labels[i] ? 128 : 0;
    });
    ctx.imageSmoothingEnabled = false;
    ctx.setTransform(a, d, b, e, c, f);
    ctx.drawImage(parts, 0, 0);
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
