// The frame loop: one async Python step per new video frame, frames dropped (not queued) while
// a step runs, paused while the tab is hidden.

import { state } from './page.js';

// Calls `step(timestampMs)` (an async Python callable) for each new video frame. While a step
// is running new frames are dropped, never queued. While the document is hidden the loop pauses
// (window.frontml.paused) and resumes when it is shown again (browsers throttle hidden tabs
// anyway; pausing makes it explicit and costs nothing). Returns a controller with stop().
export function startLoop(video, step) {
  let running = true;
  let busy = false;
  let dropped = 0;
  let paused = document.visibilityState === 'hidden';
  let generation = 0; // callbacks scheduled before a pause/resume are ignored: one chain only
  let stopped = false; // stop() was called: nothing revives the loop
  let stepEpoch = 0; // the running step's number; a step abandoned by restart() is ignored
  let busySince = 0;
  const useRvfc = 'requestVideoFrameCallback' in HTMLVideoElement.prototype && video instanceof HTMLVideoElement;
  const schedule = () => {
    if (!running || paused) return;
    const g = generation;
    const callback = (now) => tick(now, g);
    if (useRvfc) video.requestVideoFrameCallback(callback);
    else requestAnimationFrame(callback);
  };
  const tick = (now, g) => {
    if (!running || paused || g !== generation) return;
    if (busy) {
      dropped += 1;
      state.stats.dropped = dropped;
      schedule();
      return;
    }
    busy = true;
    const epoch = ++stepEpoch;
    busySince = performance.now();
    schedule();
    Promise.resolve()
      .then(() => step(performance.now()))
      .catch((e) => {
        if (epoch === stepEpoch) running = false; // the step has shown the error; don't repeat it every frame
        console.error(e);
      })
      .finally(() => {
        if (epoch === stepEpoch) busy = false;
      });
  };
  const visibility = () => {
    const hidden = document.visibilityState === 'hidden';
    if (hidden === paused) return;
    paused = hidden;
    state.paused = hidden;
    generation += 1;
    schedule();
  };
  // A new source on the same element (camera reopened, a video file) gets a fresh chain: a
  // frame callback requested from the old media player may never fire. It also revives a loop
  // that a step stopped while the old source went away (a grab of a frame from a stopped track
  // can throw, and the reopen hides the error it showed), and one whose step has hung on the old
  // source for over a second: a late result of that step no longer touches the loop's state.
  const restart = () => {
    if (stopped) return;
    running = true;
    if (busy && performance.now() - busySince > 1000) {
      stepEpoch += 1;
      busy = false;
    }
    generation += 1;
    schedule();
  };
  document.addEventListener('visibilitychange', visibility);
  if (video instanceof HTMLVideoElement) video.addEventListener('playing', restart);
  state.paused = paused;
  schedule();
  return {
    stop() {
      running = false;
      stopped = true;
      document.removeEventListener('visibilitychange', visibility);
      if (video instanceof HTMLVideoElement) video.removeEventListener('playing', restart);
    },
    get dropped() {
      return dropped;
    },
  };
}
