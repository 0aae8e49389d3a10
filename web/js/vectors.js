// The page's half of frontml.learn.vecsearch: a bank of float32 vectors kept on the JS side,
// so that a vector search sends only the query across the bridge. Python keeps it in step
// with small edits (append rows, delete a row, swap-remove) and runs the `vector_search`
// ONNX graph over it (models/vector_search_build.py).

import { loadOrt } from './ort.js';

function reserve(bank, rows) {
  if (bank.data.length >= rows * bank.dim) return;
  // amortised doubling: adding one example copies one row, not the bank
  const capacity = Math.max(rows, 2 * Math.floor(bank.data.length / bank.dim), 64);
  const grown = new Float32Array(capacity * bank.dim);
  grown.set(bank.data.subarray(0, bank.n * bank.dim));
  bank.data = grown;
}

export function vbankNew(dim, rows) {
  const bank = { dim, n: 0, data: new Float32Array(0) };
  if (rows && rows.length) vbankAppend(bank, rows);
  return bank;
}

export function vbankAppend(bank, rows) {
  const m = rows.length / bank.dim;
  reserve(bank, bank.n + m);
  bank.data.set(rows, bank.n * bank.dim);
  bank.n += m;
}

export function vbankDelete(bank, i) { // later rows move up (memmove, no bridge crossing)
  bank.data.copyWithin(i * bank.dim, (i + 1) * bank.dim, bank.n * bank.dim);
  bank.n -= 1;
}

export function vbankSwapRemove(bank, i) { // the last row takes row i's place
  const last = bank.n - 1;
  if (i !== last) bank.data.copyWithin(i * bank.dim, last * bank.dim, bank.n * bank.dim);
  bank.n -= 1;
}

export function vbankBytes(bank) {
  return bank.data.byteLength;
}

// Top-`count` row indices for one query, largest dot product first (Python sends the L2 form
// of a query against an L2 bank: see frontml/learn/vecsearch.py).
export async function vbankSearch(handle, bank, query, count) {
  const ort = await loadOrt(handle.provider);
  const feeds = {
    queries: new ort.Tensor('float32', query, [1, bank.dim]),
    bank: new ort.Tensor('float32', bank.data.subarray(0, bank.n * bank.dim), [bank.n, bank.dim]),
    k: new ort.Tensor('int64', BigInt64Array.of(BigInt(count)), [1]),
  };
  const out = await handle.session.run(feeds);
  return Int32Array.from(out.indices.data, Number);
}
