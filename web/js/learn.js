// Teachable classifiers (issue 15): IndexedDB autosave of frontml.learn files (JSON text from
// Python's Classifier.to_bytes()), one key per feature, and reading an imported file as text.

const LEARN_DB = 'frontml-learn';
const LEARN_STORE = 'classifiers';

function learnDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(LEARN_DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(LEARN_STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`IndexedDB unavailable: ${req.error?.message ?? 'unknown error'}`));
  });
}

export async function learnSave(key, text) {
  const db = await learnDb();
  try {
    await new Promise((resolve, reject) => {
      const tx = db.transaction(LEARN_STORE, 'readwrite');
      if (text) tx.objectStore(LEARN_STORE).put(text, key);
      else tx.objectStore(LEARN_STORE).delete(key);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(new Error(`could not save the classifier: ${tx.error?.message}`));
    });
  } finally {
    db.close();
  }
}

// The saved text, or '' when nothing is saved under `key`.
export async function learnLoad(key) {
  const db = await learnDb();
  try {
    return await new Promise((resolve, reject) => {
      const req = db.transaction(LEARN_STORE, 'readonly').objectStore(LEARN_STORE).get(key);
      req.onsuccess = () => resolve(typeof req.result === 'string' ? req.result : '');
      req.onerror = () => reject(new Error(`could not read the classifier: ${req.error?.message}`));
    });
  } finally {
    db.close();
  }
}

// A small JPEG of the canvas's centre square (image examples keep one in the classifier file).
export async function learnThumbnail(canvas, size = 48, quality = 0.7) {
  const side = Math.min(canvas.width, canvas.height);
  const thumb = new OffscreenCanvas(size, size);
  thumb.getContext('2d').drawImage(canvas, (canvas.width - side) / 2, (canvas.height - side) / 2,
    side, side, 0, 0, size, size);
  const blob = await thumb.convertToBlob({ type: 'image/jpeg', quality });
  return new Uint8Array(await blob.arrayBuffer());
}
