// The frame loop: one async Python step per new video frame, frames dropped (not queued) while
// a step runs.

import { state } from './page.js';

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
