// Drawing on the overlay canvas (MediaPipe's DrawingUtils role). Every task draws through these:
// landmarks + connections, boxes, labels, masks. Coordinates arrive in canvas pixels as typed
// arrays (one copy across the bridge); Python's Page.draw_* helpers convert normalised results.

export function fitCanvas(canvas, w, h) {
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  return canvas.getContext('2d');
}

// points: Float32Array of x,y pairs in pixels; edges: Int32Array of index pairs (may be empty).
export function drawLandmarks(canvas, points, edges, color = '#00e676', radius = 3) {
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

export const drawSkeleton = drawLandmarks; // the name pages used before drawLandmarks

// boxes: Float32Array of x0,y0,x1,y1 in pixels; labels: optional strings, one per box.
export function drawBoxes(canvas, boxes, labels, color = '#ffab00') {
  const ctx = canvas.getContext('2d');
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  for (let i = 0; i + 3 < boxes.length; i += 4) {
    ctx.strokeRect(boxes[i], boxes[i + 1], boxes[i + 2] - boxes[i], boxes[i + 3] - boxes[i + 1]);
  }
  if (!labels) return;
  for (let i = 0; i + 3 < boxes.length; i += 4) {
    if (labels[i / 4]) drawLabel(canvas, labels[i / 4], boxes[i] + 2, Math.max(14, boxes[i + 1]), color);
  }
}

// One text on a dark backing so it reads over any video.
export function drawLabel(canvas, text, x, y, color = '#ffffff') {
  const ctx = canvas.getContext('2d');
  ctx.font = 'bold 14px sans-serif';
  ctx.fillStyle = 'rgba(0,0,0,0.6)';
  ctx.fillRect(x - 2, y - 14, ctx.measureText(text).width + 4, 18);
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
}

// texts at points (Float32Array x,y pairs in pixels), or stacked in the top-left corner when
// points is null (a classifier's top-k list).
export function drawLabels(canvas, texts, points = null, color = '#ffffff') {
  texts.forEach((text, i) => {
    if (points) drawLabel(canvas, text, points[2 * i], points[2 * i + 1], color);
    else drawLabel(canvas, text, 8, 22 + 20 * i, color);
  });
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

// A float mask (w*h values in [0,1]) stretched over the whole canvas, tinted.
export function drawMask(canvas, mask, w, h, rgb = [0, 200, 255], alpha = 0.5) {
  drawMaskAffine(canvas, mask, w, h, canvas.width / w, 0, 0, 0, canvas.height / h, 0, false, rgb, alpha);
}
