// Frame sources: camera, video/image files, image URLs, and grab() which snapshots a source into
// a canvas so every crop of one frame sees the same pixels.

import { copyFrame } from './cpuframe.js';
import { showError, state } from './page.js';

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
  watchCamera(video, stream, width, height, facingMode);
  return video;
}

// A camera that disappears mid-stream (unplugged, taken by another app, permission revoked)
// ends its track: say so, and offer to reopen it; the frame loop resumes with the new frames.
function watchCamera(video, stream, width, height, facingMode) {
  for (const track of stream.getVideoTracks()) {
    track.addEventListener('ended', () => {
      if (video.srcObject !== stream) return; // we stopped it ourselves (a file replaced it)
      globalThis.frontml && (globalThis.frontml.cameraEnded = true);
      showError('The camera stopped (unplugged, or taken by another application).');
      const el = document.getElementById('error');
      if (!el || el.querySelector('button.reopen-camera')) return;
      const button = document.createElement('button');
      button.className = 'reopen-camera';
      button.textContent = 'Reopen camera';
      button.addEventListener('click', async () => {
        try {
          stopCamera(video);
          await openCamera(video, width, height, facingMode);
          el.replaceChildren();
          el.hidden = true;
          globalThis.frontml && (globalThis.frontml.cameraEnded = false);
        } catch (e) {
          showError(e.message);
        }
      });
      el.append(button);
    }, { once: true });
  }
}

export function stopCamera(video) {
  video.srcObject?.getTracks().forEach((t) => t.stop());
  video.srcObject = null;
}

export async function openVideoFile(video, file) {
  if (!file.type.startsWith('video/')) throw new CameraError(`"${file.name}" is not a video file (${file.type || 'unknown type'}).`);
  // Decode a first frame in a detached element before touching the live one: a file the browser
  // cannot play must leave the camera (or the previous video) running.
  const url = URL.createObjectURL(file);
  const probe = document.createElement('video');
  probe.muted = true;
  probe.preload = 'auto';
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out')), 15000);
      probe.addEventListener('loadeddata', () => { clearTimeout(timer); resolve(); }, { once: true });
      probe.addEventListener('error', () => {
        clearTimeout(timer);
        reject(new Error(probe.error?.message || 'unsupported format'));
      }, { once: true });
      probe.src = url;
    });
  } catch (e) {
    URL.revokeObjectURL(url);
    throw new CameraError(`"${file.name}" cannot be played by this browser (${e.message}); ` +
      'the current source keeps running.');
  } finally {
    probe.removeAttribute('src');
    probe.load();
  }
  stopCamera(video);
  video.src = url;
  video.muted = true;
  video.loop = true;
  try {
    await video.play();
  } catch (e) {
    throw new CameraError(`"${file.name}" could not be played (${e.message}).`);
  }
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

export function sourceSize(src) {
  if (src instanceof HTMLVideoElement) return [src.videoWidth, src.videoHeight];
  if (typeof VideoFrame !== 'undefined' && src instanceof VideoFrame) return [src.displayWidth, src.displayHeight];
  return [src.width, src.height];
}

export function ctx2d(canvas) {
  return canvas.getContext('2d', { willReadFrequently: true });
}

// How a <video> is snapshotted (?grab=):
// 'cpu' takes the decoded frame as a VideoFrame, copies it to the CPU in its own YUV format and
//   closes it; crops are then converted and warped in JS with numpy's arithmetic (cpuframe.js),
//   no WebGL round trip;
// 'canvas' draws the video into a CPU canvas, which the WebGL warp uploads (a readback of the
//   whole frame when the browser keeps video frames on the GPU);
// 'frame' uploads the VideoFrame straight into the WebGL warp's texture;
// 'yuv' copies the VideoFrame out like 'cpu', then uploads its YUV planes as they are and the
//   WebGL2 shader converts (the CPU path's tables: same bytes) and warps; only crops come back;
// 'auto' (default): 'cpu' in both browser configurations (I420 frames with Chromium defaults,
//   NV12 with GPU-style compositing; bench/grab_speed.py, README #13); 'yuv' was 0.4x / 1.4x
//   (SwiftShader's per-tap conversion); formats copyFrame does not convert are drawn into a
//   canvas for the WebGL warp.
const GRAB_MODES = ['auto', 'cpu', 'yuv', 'frame', 'canvas'];
let grabMode = 'auto';
export function setGrabMode(name) {
  grabMode = GRAB_MODES.includes(name) ? name : 'auto';
}

// Time spent on the frame path (grab, texture upload, warp + readback of the crops), summed
// over frames for benchmarks: window.frontml.framePath.
export const framePath = { grab: 0, upload: 0, warp: 0, grabs: 0, cpuGrabs: 0 };
state.framePath = framePath;

// Camera VideoFrames are closed as soon as their planes are copied (or the grab is abandoned):
// an open VideoFrame holds one of the capture's shared buffers, and a page that kept the newest
// two open starved a second page on the same camera (its frame loop stopped after a few frames;
// tests/e2e/test_frame_sharing.py). What a grab returns instead is a CPU canvas holding the CPU
// copy's RGBA (for drawing, thumbnails, the fallback warps) with the copy in .frontmlCpu: no
// second GPU operation on the frame (with GPU-style compositing a copyTo followed by any draw or
// createImageBitmap of the same frame took 45-65 ms instead of 5, a GPU sync). Two canvases take
// turns, so the previous grab stays valid while the next one is made (segmentation's cut-out of
// the last rendered frame). ?grab=frame keeps VideoFrames (its WebGL upload reads the frame
// itself), the newest two.
const openFrames = [];
const cpuCanvases = [null, null];
let cpuTurn = 0;
let spareCanvas = null; // the copy target when the caller passes none (or passes a snapshot back)

// Close what is still open when the page goes away (bfcache, navigation, tab close).
addEventListener('pagehide', () => {
  while (openFrames.length) openFrames.shift().close();
});

function newVideoFrame(video) {
  try {
    return new VideoFrame(video);
  } catch (e) {
    return null; // no decoded frame yet, or a browser without VideoFrame(video): the canvas path
  }
}

// ?grab=frame: the VideoFrame itself, uploaded by the WebGL warp.
function snapVideoFrame(video, w, h) {
  const frame = newVideoFrame(video);
  if (!frame) return null;
  // Callers read .width/.height like a canvas's (VideoFrame has displayWidth/displayHeight).
  frame.width = w;
  frame.height = h;
  openFrames.push(frame);
  while (openFrames.length > 2) openFrames.shift().close();
  return frame;
}

function nextCpuCanvas(w, h) {
  cpuTurn ^= 1;
  const canvas = (cpuCanvases[cpuTurn] ??= new OffscreenCanvas(w, h));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  canvas.frontmlGeneration = (canvas.frontmlGeneration || 0) + 1; // new pixels: re-upload
  return canvas;
}

// ?grab=cpu|yuv|auto: the frame's planes copied in its own format (cpuframe.js), the VideoFrame
// closed before this returns whatever happened, the RGBA put into a canvas for drawing. A
// format copyFrame does not convert is drawn into the canvas instead (the WebGL warp's input).
async function snapCpuFrame(video, w, h) {
  const frame = newVideoFrame(video);
  if (!frame) return null;
  let cpu = null, canvas = null;
  try {
    const rect = frame.visibleRect;
    if (rect.width === w && rect.height === h) {
      cpu = await copyFrame(frame).catch(() => null); // copyTo failed (odd format): WebGL path
    }
    canvas = nextCpuCanvas(w, h);
    if (!cpu) ctx2d(canvas).drawImage(frame, 0, 0, w, h);
  } finally {
    frame.close();
  }
  canvas.frontmlCpu = cpu;
  if (!cpu) return canvas;
  cpu.ensureRows(0, h);
  cpu.image = new ImageData(new Uint8ClampedArray(cpu.rgba.buffer), w, h);
  ctx2d(canvas).putImageData(cpu.image, 0, 0);
  if (grabMode === 'yuv') cpu.gpu = true;
  framePath.cpuGrabs += 1;
  return canvas;
}

function copyToCanvas(source, canvas, w, h) {
  // the caller's canvas, unless it is one of the CPU path's (they carry a frame's copy)
  const own = canvas instanceof OffscreenCanvas && !cpuCanvases.includes(canvas);
  const snap = own ? canvas : (spareCanvas ??= new OffscreenCanvas(w, h));
  if (snap.width !== w) snap.width = w;
  if (snap.height !== h) snap.height = h;
  ctx2d(snap).drawImage(source, 0, 0);
  snap.frontmlGeneration = (snap.frontmlGeneration || 0) + 1; // new pixels: re-upload
  return snap;
}

// Snapshot a source (video, image, bitmap) so all crops of one frame agree: for a playing <video>
// a canvas of the frame with its CPU copy in .frontmlCpu (a VideoFrame with ?grab=frame), else a
// copy in `canvas` (images, and canvases a caller may redraw). Resolves to null while a video has
// no frame.
export async function grab(source, canvas) {
  const t0 = performance.now();
  const [w, h] = sourceSize(source);
  if (!w || !h) return null;
  let snap = null;
  if (source instanceof HTMLVideoElement && grabMode !== 'canvas' && typeof VideoFrame !== 'undefined') {
    snap = grabMode === 'frame' ? snapVideoFrame(source, w, h) : await snapCpuFrame(source, w, h);
  }
  snap ??= copyToCanvas(source, canvas, w, h);
  framePath.grab += performance.now() - t0;
  framePath.grabs += 1;
  return snap;
}

// The frame's pixels as the models saw them, for renderers that upload the frame again (makeup's
// WebGL layers): a VideoFrame the CPU path copied becomes an ImageData of its converted RGBA
// (the browser's own YUV conversion differs by a level here and there); anything else as is.
export function frameImage(source) {
  const cpu = source?.frontmlCpu;
  if (!cpu) return source;
  cpu.ensureRows(0, cpu.height);
  return cpu.image ??= new ImageData(new Uint8ClampedArray(cpu.rgba.buffer), cpu.width, cpu.height);
}
