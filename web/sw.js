// frontml service worker, registered by sw-register.js in folders written by `./dev export`.
//
// 1. Offline: the app shell (pages, CSS, JS, Python) is cached at install, the runtimes
//    (Pyodide, onnxruntime-web, Three.js) right after, and every same-origin GET is answered
//    network-first with the cache as fallback, so edits on the host show at once and every page
//    works offline after the first visit. Models are cached by sha256 in the page itself
//    (fetchModel in js/models.js, cache "frontml-models-v1"), so they are not stored twice.
// 2. Cross-origin isolation on hosts that cannot send COOP/COEP (GitHub Pages and the like):
//    responses passing through here get COOP/COEP/CORP added, which is what onnxruntime-web
//    needs for threads (the approach of coi-serviceworker, written here for frontml).
//
// `./dev export` replaces the CONFIG object with the folder's file lists and a content hash.

const CONFIG = /*CONFIG*/ { version: 'dev', shell: [], runtime: [] } /*END*/;
const CACHE = `frontml-shell-${CONFIG.version}`;
const state = { done: 0, total: CONFIG.shell.length + CONFIG.runtime.length, failed: [], finished: false };
let runtimeFill = null;

const scoped = (path) => new URL(path, self.registration.scope).href;

async function fill(paths) {
  const cache = await caches.open(CACHE);
  for (const path of paths) {
    const url = scoped(path);
    try {
      if (!(await cache.match(url, { ignoreVary: true }))) {
        const response = await fetch(url, { cache: 'no-cache' });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        await cache.put(url, response);
      }
      state.done += 1;
    } catch (err) {
      state.failed.push(`${path}: ${err.message}`);
    }
  }
}

self.addEventListener('install', (event) => {
  self.skipWaiting();
  event.waitUntil(fill(CONFIG.shell)); // small: a second or two
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('frontml-shell-') && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

// The heavy runtimes are fetched when a page asks (after it is controlled), not during
// activation: fetch events wait while a worker activates, and the page would stall.
self.addEventListener('message', (event) => {
  const port = event.ports[0];
  if (event.data === 'precache') {
    runtimeFill ??= fill(CONFIG.runtime).then(() => { state.finished = true; });
    event.waitUntil(runtimeFill.then(() => port?.postMessage({ ...state, version: CONFIG.version })));
  } else if (event.data === 'status') {
    port?.postMessage({ ...state, version: CONFIG.version });
  }
});

function isolate(response) {
  if (!response || response.status === 0 || response.type === 'opaque') return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function answer(request) {
  const navigate = request.mode === 'navigate';
  const models = new URL(request.url).pathname.endsWith('.onnx');
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic' && !models) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(request, copy)).catch(() => {});
    }
    return isolate(response);
  } catch (err) {
    // Offline (or the host is down): the cached copy; pages ignore the query for this.
    const cached = await caches.match(request, { ignoreVary: true, ignoreSearch: navigate });
    if (cached) return isolate(cached);
    const what = new URL(request.url).pathname;
    return isolate(new Response(`frontml is offline and ${what} was never cached: open this page once while online.`, {
      status: 503, statusText: 'Offline', headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    }));
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  if (request.headers.has('range')) return; // media seeking: let the browser handle it
  event.respondWith(answer(request));
});
