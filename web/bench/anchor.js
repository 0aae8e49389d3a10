// Benchmark anchors only (not linked from the app): the camera, a frame loop paced like
// frontml's (one step per new video frame, frames that arrive while busy are dropped), and
// the running sums the benchmark reads from window.anchor.
export const anchor = (globalThis.anchor = {
  ready: false, count: 0, totalMs: 0, results: null, errors: [], note: '',
});

addEventListener('error', (e) => anchor.errors.push(String(e.message || e)));
addEventListener('unhandledrejection', (e) => anchor.errors.push(String(e.reason?.stack || e.reason)));

export const params = new URLSearchParams(location.search);

// The same thread count frontml gives onnxruntime-web (web/js/frontml.js autoThreads).
export function autoThreads() {
  if (!globalThis.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1));
}

export function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.crossOrigin = 'anonymous';
    s.onload = resolve;
    s.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(s);
  });
}

export async function openCamera(video) {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false,
  });
  video.srcObject = stream;
  video.muted = true;
  video.playsInline = true;
  await video.play();
  return video;
}

// step() processes the current video frame and returns the results to publish.
export function startLoop(video, step) {
  let busy = false;
  const tick = () => {
    video.requestVideoFrameCallback(tick);
    if (busy) return;
    busy = true;
    const t0 = performance.now();
    Promise.resolve()
      .then(step)
      .then((results) => {
        anchor.totalMs += performance.now() - t0;
        anchor.count += 1;
        anchor.results = results;
      })
      .catch((e) => anchor.errors.push(String(e?.stack || e)))
      .finally(() => { busy = false; });
  };
  video.requestVideoFrameCallback(tick);
}

export function status(text) {
  document.getElementById('status').textContent = text;
}
