// Speech page drawing and actions: scrolling mel spectrogram, per-word score meters, event
// list, word cards / chime / speech synthesis, and IndexedDB storage of personal words.

export function drawSpectrogram(canvas, mel, bands = 32) {
  // mel: Float32Array of new frames x bands (log-mel, roughly -2..4); scroll left, paint right.
  const frames = mel.length / bands;
  if (!frames) return;
  const ctx = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, col = 2;
  const shift = Math.min(w, frames * col);
  ctx.drawImage(canvas, shift, 0, w - shift, h, 0, 0, w - shift, h);
  const bh = h / bands;
  for (let f = 0; f < frames; f++) {
    const x = w - shift + f * col;
    for (let b = 0; b < bands; b++) {
      const v = Math.max(0, Math.min(1, (mel[f * bands + b] + 1.5) / 5));
      ctx.fillStyle = `hsl(${260 - 220 * v}, 90%, ${8 + 55 * v}%)`;
      ctx.fillRect(x, h - (b + 1) * bh, col, Math.ceil(bh));
    }
  }
}

// names: [word], scores: {word: value 0..1}, thresholds: {word: line 0..1}
export function updateMeters(box, names, scores, thresholds) {
  if (box.dataset.names !== names.join('|')) {
    box.replaceChildren();
    for (const n of names) {
      const row = document.createElement('div');
      row.className = 'meter';
      row.innerHTML = '<span class="name"></span><span class="bar"><i></i><b></b></span><span class="val"></span>';
      row.querySelector('.name').textContent = n;
      row.dataset.word = n;
      box.append(row);
    }
    box.dataset.names = names.join('|');
  }
  for (const row of box.children) {
    const n = row.dataset.word;
    const v = scores[n] ?? 0;
    row.querySelector('i').style.width = `${Math.max(0, Math.min(1, v)) * 100}%`;
    row.querySelector('b').style.left = `${(thresholds[n] ?? 0.5) * 100}%`;
    row.querySelector('.val').textContent = v.toFixed(2);
    row.classList.toggle('hot', v >= (thresholds[n] ?? 0.5));
  }
}

export function addEvent(list, word, score, start, end, personal) {
  const li = document.createElement('li');
  li.textContent = `${word}${personal ? ' (mine)' : ''}  ${score.toFixed(2)}  at ${start.toFixed(2)}–${end.toFixed(2)} s`;
  li.dataset.word = word;
  list.prepend(li);
  while (list.children.length > 50) list.lastChild.remove();
}

export function showCard(el, word) {
  el.textContent = word;
  el.hidden = false;
  clearTimeout(el._t);
  el._t = setTimeout(() => { el.hidden = true; }, 1500);
}

export function chime() {
  const ctx = new AudioContext();
  const o = ctx.createOscillator(), g = ctx.createGain();
  o.frequency.value = 880;
  g.gain.setValueAtTime(0.2, ctx.currentTime);
  g.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.5);
  o.connect(g).connect(ctx.destination);
  o.start();
  o.stop(ctx.currentTime + 0.5);
  o.onended = () => ctx.close();
}

// Speak with a local voice only (no network synthesis); false when none exists.
export function say(text) {
  const synth = globalThis.speechSynthesis;
  if (!synth) return false;
  const voice = synth.getVoices().find((v) => v.localService);
  if (!voice) return false;
  const u = new SpeechSynthesisUtterance(text);
  u.voice = voice;
  synth.speak(u);
  return true;
}

export function hasLocalVoice() {
  return !!globalThis.speechSynthesis?.getVoices().some((v) => v.localService);
}

const DB = 'frontml-speech', STORE = 'words';

function db() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`IndexedDB unavailable: ${req.error?.message ?? 'unknown error'}`));
  });
}

export async function saveWords(text) {
  const d = await db();
  try {
    await new Promise((resolve, reject) => {
      const tx = d.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).put(text, 'personal');
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(new Error(`could not save words: ${tx.error?.message}`));
    });
  } finally { d.close(); }
}

export async function loadWords() {
  const d = await db();
  try {
    return await new Promise((resolve, reject) => {
      const req = d.transaction(STORE, 'readonly').objectStore(STORE).get('personal');
      req.onsuccess = () => resolve(typeof req.result === 'string' ? req.result : '');
      req.onerror = () => reject(new Error(`could not read words: ${req.error?.message}`));
    });
  } finally { d.close(); }
}
