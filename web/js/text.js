// Text page (issue 17): IndexedDB persistence of the search index and the few-shot classes
// (bytes from Python's SearchIndex.to_bytes() / Classifier.to_bytes()), file reading and download.

import { downloadText } from './page.js';

const TEXT_DB = 'frontml-text';
const TEXT_STORE = 'blobs';

function textDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(TEXT_DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(TEXT_STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`IndexedDB unavailable: ${req.error?.message ?? 'unknown error'}`));
  });
}

export async function textSave(key, bytes) {
  const db = await textDb();
  try {
    await new Promise((resolve, reject) => {
      const tx = db.transaction(TEXT_STORE, 'readwrite');
      tx.objectStore(TEXT_STORE).put(new Uint8Array(bytes), key);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(new Error(`could not save ${key}: ${tx.error?.message}`));
    });
  } finally {
    db.close();
  }
}

// The saved bytes (Uint8Array), or undefined (Python: None) when nothing was saved under `key`.
export async function textLoad(key) {
  const db = await textDb();
  try {
    return await new Promise((resolve, reject) => {
      const req = db.transaction(TEXT_STORE, 'readonly').objectStore(TEXT_STORE).get(key);
      req.onsuccess = () => resolve(req.result instanceof Uint8Array ? req.result : undefined);
      req.onerror = () => reject(new Error(`could not read ${key}: ${req.error?.message}`));
    });
  } finally {
    db.close();
  }
}

export async function textDelete(key) {
  const db = await textDb();
  try {
    await new Promise((resolve) => {
      const tx = db.transaction(TEXT_STORE, 'readwrite');
      tx.objectStore(TEXT_STORE).delete(key);
      tx.oncomplete = () => resolve();
      tx.onerror = () => resolve();
    });
  } finally {
    db.close();
  }
}

export async function readFileText(file) {
  return await file.text();
}

export async function readFileBytes(file) {
  return new Uint8Array(await file.arrayBuffer());
}

export function downloadBytes(filename, bytes, type = 'application/octet-stream') {
  downloadText(filename, bytes, type); // a Blob takes bytes as well as text
}

// Let the browser paint (progress bars) between embedding runs.
export function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}
