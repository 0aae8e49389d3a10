// Object-detection drawing (detect.html): the frame mirrored like a selfie view, so boxes that
// the task reports in mirrored coordinates (DetectorOptions.mirrored) land on what is shown.
import { fitCanvas } from './draw.js';

export function drawFrameMirrored(canvas, source, width, height) {
  const ctx = fitCanvas(canvas, width, height);
  ctx.save();
  ctx.translate(width, 0);
  ctx.scale(-1, 1);
  ctx.drawImage(source, 0, 0);
  ctx.restore();
  return ctx;
}
