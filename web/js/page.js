// Page chrome: the shared state tests and the HUD read, the progress bar, the error banner, the
// HUD of per-stage timings, publishing results, showing the page's Python, downloads.

// Page state tests and the HUD read: window.frontml.{stats, results, errors, ready}. Every module
// (tryon.js too) imports this one object.
export const state = (globalThis.frontml ??= { stats: {}, results: null, errors: [], ready: false });

export function setProgress(el, label, loaded, total) {
  if (!el) return;
  el.hidden = false;
  const bar = el.querySelector('progress');
  const text = el.querySelector('.label');
  if (bar) {
    bar.max = total || 1;
    bar.value = loaded;
  }
  if (text) {
    const mb = (n) => (n / 1e6).toFixed(1);
    text.textContent = total ? `${label}: ${mb(loaded)} / ${mb(total)} MB` : label;
  }
}

export function showError(message) {
  state.errors.push(String(message));
  const el = document.getElementById('error');
  if (el) {
    const line = document.createElement('div');
    line.textContent = String(message);
    el.append(line);
    el.hidden = false;
  }
}

export function clearError() {
  const el = document.getElementById('error');
  if (el) {
    el.replaceChildren();
    el.hidden = true;
  }
}

// stats: {stage: ms, ...}; also published on window.frontml.stats for tests.
export function updateHud(stats) {
  Object.assign(state.stats, stats);
  // Running sums for benchmarks: window.frontml.totals[stage] / window.frontml.count.
  state.totals ??= {};
  state.count = (state.count || 0) + 1;
  for (const [k, v] of Object.entries(stats)) state.totals[k] = (state.totals[k] || 0) + v;
  renderHud();
}

function renderHud() {
  const el = document.getElementById('hud');
  if (!el) return;
  const rows = Object.entries(state.stats).map(([k, v]) =>
    `<tr><th>${k}</th><td>${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(k === 'fps' ? 1 : 2) : v}</td></tr>`);
  el.innerHTML = `<table>${rows.join('')}</table>`;
}

// Which execution provider each model runs on, and how it was chosen (Page.show_backend):
// a HUD row, not a timing (kept out of the running sums).
export function setProviders(summary, providers) {
  state.providers = providers;
  state.stats.backend = summary;
  renderHud();
}

export function publish(results) {
  state.results = results;
  state.frames = (state.frames || 0) + 1;
}

export async function showSource(url, el) {
  if (!el) return;
  try {
    const response = await fetch(url);
    el.textContent = await response.text();
  } catch (e) {
    el.textContent = `(could not load ${url})`;
  }
}

export function toBase64(bytes) {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
  return btoa(s);
}

export function downloadText(filename, text, type = 'application/json') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// Mirror the page's controls into the address bar (history.replaceState), so the URL reproduces
// what the user set. params: {name: value}; '' removes a parameter.
export function setQuery(params) {
  const url = new URL(location.href);
  for (const [k, v] of Object.entries(params)) {
    if (v === '' || v === null || v === undefined) url.searchParams.delete(k);
    else url.searchParams.set(k, String(v));
  }
  history.replaceState(history.state, '', url);
}
