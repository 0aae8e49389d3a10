// Model fetch: sha256 against the manifest, progress for the page's bar, Cache API so a second
// visit works offline (py/frontml/models.py drives it).

const MODEL_CACHE = 'frontml-models-v1';

async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function readWithProgress(response, total, onProgress) {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress?.(loaded, total);
  }
  const out = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

export class ModelLoadError extends Error {
  constructor(kind, modelId, message, extra = {}) {
    super(message);
    this.name = kind;
    this.modelId = modelId;
    Object.assign(this, extra);
  }
}

// Fetch a model by URL, checking sha256 against the manifest; cached so a second visit works
// offline. onProgress(loaded, total) drives the page's progress bar.
export async function fetchModel(modelId, url, sha256, bytes, onProgress) {
  const key = new URL(`${url}?sha256=${sha256}`, document.baseURI).href;
  const cache = globalThis.caches ? await caches.open(MODEL_CACHE).catch(() => null) : null;
  const cached = cache ? await cache.match(key) : null;
  let data;
  if (cached) {
    data = new Uint8Array(await cached.arrayBuffer());
    onProgress?.(data.length, data.length);
  } else {
    let response;
    try {
      response = await fetch(url, { cache: 'no-cache' });
    } catch (e) {
      throw new ModelLoadError('ModelError', modelId, `model "${modelId}": could not fetch ${url}: ${e.message}`);
    }
    if (!response.ok) {
      throw new ModelLoadError('ModelError', modelId,
        `model "${modelId}": ${url} answered HTTP ${response.status}; build the models (./dev build)`);
    }
    data = await readWithProgress(response, bytes || Number(response.headers.get('content-length')), onProgress);
  }
  const actual = await sha256Hex(data);
  if (actual !== sha256) {
    if (cached) await cache.delete(key);
    throw new ModelLoadError('ModelIntegrityError', modelId,
      `model "${modelId}" failed its integrity check: expected sha256 ${sha256}, got ${actual}`,
      { expected: sha256, actual });
  }
  if (cache && !cached) {
    await cache.put(key, new Response(data, { headers: { 'content-type': 'application/octet-stream' } }));
  }
  return data;
}

export async function fetchJson(url) {
  const response = await fetch(url, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return response.json();
}
