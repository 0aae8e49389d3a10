// fp16 weight storage (models/weight_storage.py) for onnxruntime-web's webgl backend, which
// cannot read float16 tensors: the model's float16 initializers are widened back to float32
// (exactly: every float16 is a float32) by rewriting the protobuf, and the Cast nodes in front
// of them become float32 -> float32 no-ops. wasm and webgpu fold the Casts themselves.
// Fields used (onnx.proto): ModelProto.graph = 7; GraphProto.initializer = 5;
// TensorProto.data_type = 2 (FLOAT = 1, FLOAT16 = 10), raw_data = 9.

function readVarint(buf, pos) {
  let value = 0;
  let scale = 1;
  for (;;) {
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

function halfToFloat(halfBytes) {
  const n = halfBytes.length / 2;
  const view = new DataView(halfBytes.buffer, halfBytes.byteOffset, halfBytes.length);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const h = view.getUint16(2 * i, true);
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) out[i] = sign * frac * 2 ** -24;
    else if (exp === 31) out[i] = frac ? NaN : sign * Infinity;
    else out[i] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return new Uint8Array(out.buffer);
}

// A float16 TensorProto with raw_data -> the same tensor as float32; anything else: null.
function widenTensor(buf) {
  const fs = fields(buf);
  const type = fs.find(([f, w]) => f === 2 && w === 0);
  const raw = fs.find(([f, w]) => f === 9 && w === 2);
  if (!type || !raw || readVarint(buf, type[3])[0] !== 10) return null;
  const parts = [];
  for (const [f, , start, , end] of fs) {
    if (f === 2) parts.push(Uint8Array.of(2 * 8, 1));
    else if (f === 9) parts.push(...lengthDelimited(9, halfToFloat(buf.subarray(raw[3], raw[4]))));
    else parts.push(buf.subarray(start, end));
  }
  return concat(parts);
}

function widenGraph(buf) {
  let changed = false;
  const parts = [];
  for (const [f, w, start, payload, end] of fields(buf)) {
    const wide = f === 5 && w === 2 ? widenTensor(buf.subarray(payload, end)) : null;
    if (wide) {
      changed = true;
      parts.push(...lengthDelimited(5, wide));
    } else parts.push(buf.subarray(start, end));
  }
  return changed ? concat(parts) : null;
}

// Model bytes with every float16 initializer widened to float32 (the input when there is none).
export function widenFp16(bytes) {
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
