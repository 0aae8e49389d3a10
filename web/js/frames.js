// Frame sources: camera, video/image files, image URLs, and grab() which snapshots a source into
// a canvas so every crop of one frame sees the same pixels.

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

export function sourceSize(src) {
  if (src instanceof HTMLVideoElement) return [src.videoWidth, src.videoHeight];
  return [src.width, src.height];
}

export function ctx2d(canvas) {
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
