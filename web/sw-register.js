// Every page loads this. It says so when the page is not cross-origin isolated (onnxruntime-web
// then runs on one thread), and in a folder written by `./dev export` it registers sw.js: offline
// after the first visit, and COOP/COEP for static hosts that cannot send headers (one reload).
// The gallery also shows what each page downloads, before you open it.

import './js/boot.js'; // onnxruntime-web starts loading while Pyodide boots

const EXPORTED = false; // `./dev export` writes true here; the dev server needs no worker
const RELOADED = 'frontml-isolation-reload';

function note(id, text) {
  if (document.getElementById(id)) return;
  const p = document.createElement('p');
  p.id = id;
  p.className = 'note';
  p.textContent = text;
  p.style.cssText = 'margin:8px 0;padding:6px 10px;border:1px solid #665c1e;border-radius:6px;' +
    'background:#2a2710;color:#e8dc8a;font-size:14px';
  (document.querySelector('main') || document.body).prepend(p);
}

function singleThreadNote() {
  if (globalThis.crossOriginIsolated) return;
  note('isolation-note', 'Runs single-threaded: this page is not cross-origin isolated (the host ' +
    'sends no COOP/COEP headers and no service worker added them), so onnxruntime-web uses one ' +
    'thread and models run slower.');
}

async function withController() {
  const sw = navigator.serviceWorker;
  await sw.register('./sw.js');
  // `ready` never settles where workers are blocked (policy, automation): do not wait forever
  const ready = await Promise.race([sw.ready, new Promise((r) => setTimeout(() => r(null), 10000))]);
  if (!ready) return null;
  if (!sw.controller) {
    await new Promise((resolve) => {
      sw.addEventListener('controllerchange', resolve, { once: true });
      setTimeout(resolve, 5000); // a worker that never claims must not hang the page
    });
  }
  return sw.controller;
}

function ask(controller, message) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data);
    controller.postMessage(message, [channel.port2]);
  });
}

async function showSizes() {
  let info;
  try {
    info = await (await fetch('./export.json')).json();
  } catch {
    return;
  }
  const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
  for (const [page, size] of Object.entries(info.pages || {})) {
    const card = document.querySelector(`a.card[href="./${page}"]`);
    if (!card || card.querySelector('.size')) continue;
    const p = document.createElement('p');
    p.className = 'size';
    p.style.cssText = 'opacity:.75;font-size:13px;margin:6px 0 0';
    p.textContent = `First visit downloads up to ${mb(size.total_bytes)} ` +
      `(models ${mb(size.model_bytes)}), then works offline.`;
    card.append(p);
  }
}

async function main() {
  singleThreadNote(); // now: if the worker reloads the page isolated, the note goes with it
  const frontml = (globalThis.frontmlOffline = { exported: EXPORTED, controlled: false, status: null });
  if (EXPORTED && 'serviceWorker' in navigator && globalThis.isSecureContext) {
    try {
      const controller = await withController();
      if (controller && !globalThis.crossOriginIsolated && !sessionStorage.getItem(RELOADED)) {
        sessionStorage.setItem(RELOADED, '1'); // once: a browser that ignores it must not loop
        location.reload();
        return;
      }
      if (controller) {
        frontml.controlled = true;
        frontml.precached = ask(controller, 'precache').then((status) => (frontml.status = status));
      }
    } catch (err) {
      console.warn(`frontml: no offline support (${err.message})`);
    }
    if (document.querySelector('a.card')) showSizes();
  }
}

main();
