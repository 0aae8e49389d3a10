// Start-up: onnxruntime-web's wasm (14 MB) is fetched, compiled and instantiated while Pyodide
// boots, instead of after it, when Python opens the page's first model. A 67-byte Identity
// model made here (no file is fetched: a page transfers only the models it uses) forces ORT's
// one-time initialisation with the same settings createSession uses (threads, ?proxy=1), so the
// page's real sessions find it ready. Loaded by sw-register.js on every page; pages without
// models, another provider, or ?ortwarm=0 skip it. Never throws: a failure only costs the head
// start. window.frontml.ortWarm says what happened (ms from navigation to ready).

import { createSession, setWasmProxy } from './ort.js';
import { state } from './page.js';

const NO_MODELS = new Set(['index.html', 'data.html', '']);
const IDENTITY = 'CAgSADo3ChAKAXgSAXkiCElkZW50aXR5EgF3Wg8KAXgSCgoICAESBAoCCAFiDwoBeRIKCggIARIECgIIAUIECgAQDQ==';

async function warm() {
  const query = new URLSearchParams(location.search);
  const page = location.pathname.split('/').pop();
  if (NO_MODELS.has(page) || query.get('ortwarm') === '0') return { skipped: 'off' };
  if ((query.get('provider') || 'wasm') !== 'wasm') return { skipped: 'provider' };
  setWasmProxy(query.get('proxy') === '1');
  const bytes = Uint8Array.from(atob(IDENTITY), (c) => c.charCodeAt(0));
  const handle = await createSession(bytes, 'wasm');
  await handle.release();
  return { ms: performance.now() };
}

export const ortWarm = warm().catch((e) => ({ error: String(e?.message || e) }))
  .then((info) => (state.ortWarm = info));
