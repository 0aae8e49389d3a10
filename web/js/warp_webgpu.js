// GPU-resident model inputs on onnxruntime-web's webgpu execution provider: the frame is
// uploaded to ORT's own GPUDevice, warped there by a WGSL compute shader with the same
// arithmetic as warp.js's WebGL2 shader (OpenCV fixed point, or the float bilinear), written
// straight into a GPUBuffer in the model's uint8 [1, H, W, 4] RGBA layout, and fed with
// ort.Tensor.fromGpuBuffer: neither the frame nor the crop goes through the CPU.
// Python decides per run (py/frontml/web/frames.py WarpTensor, runtime/ort_web.py); the CPU path
// (warp.js + a typed-array feed) stays the fallback: other providers, ?gpuinput=0.

import { deviceGpus, loadOrt } from './ort.js';
import { reachedRegion } from './cpuframe.js';
import { framePath, sourceSize } from './frames.js';
import { state } from './page.js';

const WARP_WGSL = /* wgsl */ `
struct Params {
  row0: vec4f,
  row1: vec4f,
  size: vec2i,
  outSize: vec2u,
  replicate: u32,
  fixedPoint: u32,
}
@group(0) @binding(0) var src: texture_2d<f32>;
@group(0) @binding(1) var<uniform> p: Params;
@group(0) @binding(2) var<storage, read_write> dst: array<u32>;

fn tap(q: vec2i) -> vec4f {
  let inside = q.x >= 0 && q.y >= 0 && q.x < p.size.x && q.y < p.size.y;
  let c = textureLoad(src, clamp(q, vec2i(0), p.size - 1), 0);
  return select(vec4f(0.0), c, p.replicate != 0u || inside);
}

// round half to even, as GLSL's roundEven (WGSL's round already rounds half to even)
fn tap8(q: vec2i) -> vec4f { return round(tap(q) * 255.0); }

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x >= p.outSize.x || id.y >= p.outSize.y) { return; }
  // the output pixel centre, as gl_FragCoord in the WebGL2 shader
  let uv = vec3f(f32(id.x) + 0.5, f32(id.y) + 0.5, 1.0);
  let s = vec2f(dot(p.row0.xyz, uv), dot(p.row1.xyz, uv)) - 0.5;
  var v: vec4f;
  if (p.fixedPoint != 0u) {
    // cv::warpPerspective INTER_LINEAR on 8-bit: 1/32-pixel grid, integer weights summing to
    // 1 << 15, rounded half up; every term an integer below 2^24 (exact in f32)
    let q = round(s * 32.0);
    let g0 = floor(q / 32.0);
    let g = vec2i(g0);
    let w = q - g0 * 32.0;
    let acc = tap8(g) * ((32.0 - w.x) * (32.0 - w.y))
            + tap8(g + vec2i(1, 0)) * (w.x * (32.0 - w.y))
            + tap8(g + vec2i(0, 1)) * ((32.0 - w.x) * w.y)
            + tap8(g + vec2i(1, 1)) * (w.x * w.y);
    v = floor((acc * 32.0 + 16384.0) / 32768.0);
  } else {
    let f0 = floor(s);
    let q = vec2i(f0);
    let fr = s - f0;
    let top = tap(q) * (1.0 - fr.x) + tap(q + vec2i(1, 0)) * fr.x;
    let bottom = tap(q + vec2i(0, 1)) * (1.0 - fr.x) + tap(q + vec2i(1, 1)) * fr.x;
    v = round(clamp(top * (1.0 - fr.y) + bottom * fr.y, vec4f(0.0), vec4f(1.0)) * 255.0);
  }
  let b = vec4u(clamp(v, vec4f(0.0), vec4f(255.0)));
  dst[id.y * p.outSize.x + id.x] = b.x | (b.y << 8u) | (b.z << 16u) | (b.w << 24u);
}`;

let warper = null; // {device, pipeline, params, texture, source, generation, buffers}

async function gpuWarper() {
  const ort = await loadOrt('webgpu');
  const device = await ort.env.webgpu.device; // the device ORT's webgpu sessions run on
  if (!device) throw new Error('no WebGPU device yet: create a webgpu session first');
  if (warper?.device === device) return warper;
  const module = device.createShaderModule({ code: WARP_WGSL });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const params = device.createBuffer({ size: 64, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  warper = { ort, device, pipeline, params, texture: null, source: null, generation: -1,
    buffers: new Map() };
  return warper;
}

// The frame in an rgba8unorm texture on ORT's device, uploaded once per new frame: from the CPU
// path's copy when the grab made one, only the part this crop reaches (converted to RGBA there
// first if the grab has not; taps never leave it, so the rest of the texture may hold an older
// frame), else a canvas or bitmap GPU to GPU (copyExternalImageToTexture).
function upload(w, source, a, b, c, d, e, f, outW, outH) {
  const gen = source.frontmlGeneration ?? 0;
  const fresh = w.source !== source || w.generation !== gen;
  const cpu = source.frontmlCpu;
  if (!fresh && !cpu) return;
  const [sw, sh] = sourceSize(source);
  const t0 = performance.now();
  if (fresh) {
    if (!w.texture || w.texture.width !== sw || w.texture.height !== sh) {
      w.texture?.destroy();
      w.texture = w.device.createTexture({
        size: [sw, sh], format: 'rgba8unorm',
        usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST
          | GPUTextureUsage.RENDER_ATTACHMENT,
      });
    }
    w.source = source;
    w.generation = gen;
    w.regions = []; // the parts of this frame already on the GPU
  }
  if (cpu && cpu.width === sw && cpu.height === sh) {
    // A frame the CPU path copied (grab=auto|cpu): its converted RGBA, the bytes the CPU warp
    // and CPython read (the browser's own YUV conversion differs by a level here and there).
    const [x0, x1, y0, y1] = reachedRegion(sw, sh, a, b, c, d, e, f, outW, outH);
    if (w.regions.some(([u0, u1, v0, v1]) => u0 <= x0 && x1 <= u1 && v0 <= y0 && y1 <= v1)) return;
    cpu.ensureRegion(x0, x1, y0, y1);
    w.device.queue.writeTexture({ texture: w.texture, origin: [x0, y0] }, cpu.rgba,
      { offset: (y0 * sw + x0) * 4, bytesPerRow: sw * 4, rowsPerImage: sh }, [x1 - x0, y1 - y0]);
    w.regions.push([x0, x1, y0, y1]);
    state.gpuUploadedPixels = (state.gpuUploadedPixels || 0) + (x1 - x0) * (y1 - y0); // tests
  } else if (fresh) {
    w.device.queue.copyExternalImageToTexture({ source }, { texture: w.texture, premultipliedAlpha: false },
      [sw, sh]);
  }
  framePath.upload += performance.now() - t0;
}

// The crop as an ort.Tensor on the GPU (uint8 [1, outH, outW, 4]); one buffer per crop size,
// reused: runs are awaited one at a time, and the queue orders this write before ORT's reads.
export async function warpToGpuTensor(source, a, b, c, d, e, f, outW, outH, replicate = false,
  fixedPoint = false) {
  const w = await gpuWarper();
  upload(w, source, a, b, c, d, e, f, outW, outH);
  const t1 = performance.now();
  const key = `${outW}x${outH}`;
  let entry = w.buffers.get(key);
  if (!entry) {
    const buffer = w.device.createBuffer({
      size: outW * outH * 4,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    entry = { buffer, tensor: w.ort.Tensor.fromGpuBuffer(buffer, { dataType: 'uint8', dims: [1, outH, outW, 4] }) };
    w.buffers.set(key, entry);
  }
  const [sw, sh] = sourceSize(source);
  const u = new ArrayBuffer(64);
  new Float32Array(u, 0, 8).set([a, b, c, 0, d, e, f, 0]);
  new Int32Array(u, 32, 2).set([sw, sh]);
  new Uint32Array(u, 40, 4).set([outW, outH, replicate ? 1 : 0, fixedPoint ? 1 : 0]);
  w.device.queue.writeBuffer(w.params, 0, u);
  const group = w.device.createBindGroup({
    layout: w.pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: w.texture.createView() },
      { binding: 1, resource: { buffer: w.params } },
      { binding: 2, resource: { buffer: entry.buffer } },
    ],
  });
  const encoder = w.device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(w.pipeline);
  pass.setBindGroup(0, group);
  pass.dispatchWorkgroups(Math.ceil(outW / 8), Math.ceil(outH / 8));
  pass.end();
  w.device.queue.submit([encoder.finish()]);
  framePath.warp += performance.now() - t1;
  return entry.tensor;
}

// A crop read back to the CPU (tests: the GPU warp's bytes against warp.js's).
export async function warpGpuBytes(source, a, b, c, d, e, f, outW, outH, replicate = false,
  fixedPoint = false) {
  const tensor = await warpToGpuTensor(source, a, b, c, d, e, f, outW, outH, replicate, fixedPoint);
  const w = await gpuWarper();
  const read = w.device.createBuffer({ size: outW * outH * 4,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = w.device.createCommandEncoder();
  encoder.copyBufferToBuffer(tensor.gpuBuffer, 0, read, 0, outW * outH * 4);
  w.device.queue.submit([encoder.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const out = new Uint8Array(read.getMappedRange().slice(0));
  read.unmap();
  read.destroy();
  return out;
}

// runSession (ort.js) with input `index` taken from a GPU warp of `source` instead of `datas`.
export async function runSessionWarped(handle, names, dtypes, shapes, datas, index, source,
  a, b, c, d, e, f, outW, outH, replicate, fixedPoint) {
  const ort = await loadOrt(handle.provider);
  const feeds = {};
  for (let i = 0; i < names.length; i++) {
    feeds[names[i]] = i === index
      ? await warpToGpuTensor(source, a, b, c, d, e, f, outW, outH, replicate, fixedPoint)
      : new ort.Tensor(dtypes[i], datas[i], shapes[i]);
  }
  const results = await handle.session.run(feeds);
  state.gpuInputRuns = (state.gpuInputRuns || 0) + 1; // tests: the GPU path really ran
  return Object.entries(results).map(([name, t]) => ({
    name, dtype: t.type, dims: Array.from(t.dims), data: t.data,
  }));
}

// ?gpuinput=auto|1|0 (py/frontml/web/page.py): a webgpu session is fed GPU-resident crops
// unless ?gpuinput=0 (bench/gpu_input_speed.py: never slower than the CPU path, even emulated).
let gpuInputMode = 'auto';
export function setGpuInput(mode) {
  gpuInputMode = mode;
}

export async function gpuInputFor(provider) {
  return provider === 'webgpu' && gpuInputMode !== '0';
}

// A hardware WebGPU adapter: where ?provider=auto may pick webgpu on its own.
export async function hardwareWebGpu() {
  const gpus = await deviceGpus();
  return !!gpus.webgpu && !gpus.software.webgpu;
}
