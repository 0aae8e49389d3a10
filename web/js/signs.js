// Taught hand signs (issue 7): IndexedDB persistence of the sign classifier's examples (JSON text
// from Python's SignClassifier.to_json()). One object store, one key per page.

const SIGNS_DB = 'frontml-signs';
const SIGNS_STORE = 'signs';

function signsDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(SIGNS_DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(SIGNS_STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`IndexedDB unavailable: ${req.error?.message ?? 'unknown error'}`));
  });
}

export async function signsSave(key, text) {
  const db = await signsDb();
  try {
    await new Promise((resolve, reject) => {
      const tx = db.transaction(SIGNS_STORE, 'readwrite');
      tx.objectStore(SIGNS_STORE).put(text, key);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(new Error(`could not save signs: ${tx.error?.message}`));
    });
  } finally {
    db.close();
  }
}

// The saved JSON text, or '' when nothing was saved under `key`.
export async function signsLoad(key) {
  const db = await signsDb();
  try {
    return await new Promise((resolve, reject) => {
      const req = db.transaction(SIGNS_STORE, 'readonly').objectStore(SIGNS_STORE).get(key);
      req.onsuccess = () => resolve(typeof req.result === 'string' ? req.result : '');
      req.onerror = () => reject(new Error(`could not read signs: ${req.error?.message}`));
    });
  } finally {
    db.close();
  }
}
