// fp16 weight storage (models/weight_storage.py) for onnxruntime-web's webgl backend, which
// cannot read float16 tensors and computes wrong convolutions on weights that arrive through a
// Cast node: the model is rewritten back to the float32 model the build verified. Each float16
// initializer `W__fp16` becomes float32 `W` again (exactly: every float16 is a float32) and its
// `Cast(W__fp16) -> W` node is dropped. wasm and webgpu fold the Casts themselves.
// Fields used (onnx.proto): ModelProto.graph = 7; GraphProto.node = 1, initializer = 5;
// NodeProto.input = 1, output = 2, op_type = 4; TensorProto.data_type = 2 (FLOAT = 1,
// FLOAT16 = 10), name = 8, raw_data = 9.

const SUFFIX = '__fp16';
const text = new TextDecoder();
const utf8 = new TextEncoder();

function readVarint(buf, pos) {
  let value = 0;
  let scale = 1;
  for (;;) {
    if (pos >= buf.length || scale > 2 ** 56) throw new Error('truncated protobuf');
    const b = buf[pos++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, pos];
    scale *= 128;
  }
}

function varint(value) {
  const out = [];
  while (value >= 0x80) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return Uint8Array.from(out);
}

// Splits a message into [fieldNumber, wireType, start, payloadStart, end] records.
function fields(buf) {
  const out = [];
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    let key;
    [key, pos] = readVarint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    let payload = pos;
    if (wire === 0) [, pos] = readVarint(buf, pos);
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      let len;
      [len, payload] = readVarint(buf, pos);
      pos = payload + len;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    if (pos > buf.length) throw new Error('truncated protobuf');
    out.push([field, wire, start, payload, pos]);
  }
  return out;
}

const concat = (parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

const lengthDelimited = (field, payload) =>
  [varint(field * 8 + 2), varint(payload.length), payload];

let halfTable = null; // float32 value of each of the 65,536 float16 bit patterns

function halfToFloat(halfBytes) {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) {
      const sign = h & 0x8000 ? -1 : 1;
      const exp = (h >> 10) & 0x1f;
      const frac = h & 0x3ff;
      if (exp === 0) halfTable[h] = sign * frac * 2 ** -24;
      else if (exp === 31) halfTable[h] = frac ? NaN : sign * Infinity;
      else halfTable[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
    }
  }
  const halves = new Uint16Array(halfBytes.slice().buffer); // aligned copy (little-endian host)
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) out[i] = halfTable[halves[i]];
  return new Uint8Array(out.buffer);
}

const strings = (buf, fs, field) =>
  fs.filter(([f, w]) => f === field && w === 2).map(([, , , p, e]) => text.decode(buf.subarray(p, e)));

// A float16 `W__fp16` TensorProto with raw_data -> [float32 tensor `W`, 'W']; else null.
function widenTensor(buf) {
  const fs = fields(buf);
  const type = fs.find(([f, w]) => f === 2 && w === 0);
  const raw = fs.find(([f, w]) => f === 9 && w === 2);
  const [name] = strings(buf, fs, 8);
  if (!type || !raw || readVarint(buf, type[3])[0] !== 10 || !name?.endsWith(SUFFIX)) return null;
  const wideName = name.slice(0, -SUFFIX.length);
  const parts = [];
  for (const [f, , start, , end] of fs) {
    if (f === 2) parts.push(Uint8Array.of(2 * 8, 1));
    else if (f === 8) parts.push(...lengthDelimited(8, utf8.encode(wideName)));
    else if (f === 9) parts.push(...lengthDelimited(9, halfToFloat(buf.subarray(raw[3], raw[4]))));
    else parts.push(buf.subarray(start, end));
  }
  return [concat(parts), wideName];
}

// The `Cast(W__fp16) -> W` node of a widened initializer W?
function isStorageCast(buf, widened) {
  const fs = fields(buf);
  const [op] = strings(buf, fs, 4);
  const inputs = strings(buf, fs, 1);
  const outputs = strings(buf, fs, 2);
  return op === 'Cast' && inputs.length === 1 && outputs.length === 1
    && widened.has(outputs[0]) && inputs[0] === outputs[0] + SUFFIX;
}

function widenGraph(buf) {
  const fs = fields(buf);
  const wide = new Map();
  for (const [f, w, , payload, end] of fs) {
    const got = f === 5 && w === 2 ? widenTensor(buf.subarray(payload, end)) : null;
    if (got) wide.set(payload, got);
  }
  if (!wide.size) return null;
  const widened = new Set([...wide.values()].map(([, name]) => name));
  const parts = [];
  for (const [f, w, start, payload, end] of fs) {
    if (wide.has(payload)) parts.push(...lengthDelimited(5, wide.get(payload)[0]));
    else if (f === 1 && w === 2 && isStorageCast(buf.subarray(payload, end), widened)) continue;
    else parts.push(buf.subarray(start, end));
  }
  return concat(parts);
}

// Model bytes with every stored-float16 weight float32 again (the input when there is none,
// or when the bytes are no ONNX model: onnxruntime then names the problem itself).
export function widenFp16(bytes) {
  try {
    return widen(bytes);
  } catch {
    return bytes;
  }
}

function widen(bytes) {
  const buf = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let changed = false;
  const parts = [];
  for (const [f, w, start, payload, end] of fields(buf)) {
    const graph = f === 7 && w === 2 ? widenGraph(buf.subarray(payload, end)) : null;
    if (graph) {
      changed = true;
      parts.push(...lengthDelimited(7, graph));
    } else parts.push(buf.subarray(start, end));
  }
  return changed ? concat(parts) : bytes;
}
