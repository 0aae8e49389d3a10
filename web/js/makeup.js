// frontml virtual makeup: WebGL2 layers over the face mesh's triangles (web/py/makeup.py).
// Python sends geometry only: per layer (blush, brow, liner, lips) a triangle list in image
// pixels with a per-vertex alpha (feathered rims), plus the look's parameters. Two passes:
//   1. each layer's triangles -> one channel of an RGBA8 mask texture (MAX blending);
//   2. a full-screen pass blends the camera frame with each layer's colour.
// The formula is frontml.tasks.makeup.look's; frontml/tasks/makeup/render.py is its numpy twin
// (tests compare the two on the same frame).
import { frameImage } from './frames.js';
import { state, showError } from './page.js';

const MASK_VS = `#version 300 es
in vec3 a;            // x, y in image pixels (y down), alpha
uniform vec2 size;
out float alpha;
void main() {
  alpha = a.z;
  // image row y -> mask texel row y (framebuffer rows count up from clip -1)
  gl_Position = vec4(a.x / size.x * 2.0 - 1.0, a.y / size.y * 2.0 - 1.0, 0.0, 1.0);
}`;

const MASK_FS = `#version 300 es
precision highp float;
in float alpha;
out vec4 o;
void main() { o = vec4(alpha); }`;

const FULL_VS = `#version 300 es
void main() {
  vec2 p = vec2(gl_VertexID == 1 ? 3.0 : -1.0, gl_VertexID == 2 ? 3.0 : -1.0);
  gl_Position = vec4(p, 0.0, 1.0);
}`;

const BLEND_FS = `#version 300 es
precision highp float;
uniform sampler2D frame;     // the camera frame, texel row 0 = image top
uniform sampler2D masks;     // r g b a = blush brow liner lips
uniform vec4 layer[4];       // colour, amount (0 = off)
uniform vec2 flags;          // gloss, guard
uniform vec2 samples[6];     // skin sample pixels (lip gate reference)
uniform int nSamples;
uniform float split;         // 0..1: pixels left of split * width show the original
uniform vec2 size;
out vec4 o;
float redness(vec3 c) { return (c.r - c.g) / (c.r + c.g + c.b + 1e-3); }
void main() {
  ivec2 px = ivec2(int(gl_FragCoord.x), int(size.y) - 1 - int(gl_FragCoord.y));
  vec3 base = texelFetch(frame, px, 0).rgb;
  float splitX = split * size.x;
  if (split > 0.0 && split < 1.0 && abs(float(px.x) + 0.5 - splitX) < 1.0) {
    o = vec4(1.0); return;  // the before/after divider
  }
  if (float(px.x) + 0.5 < splitX) { o = vec4(base, 1.0); return; }
  vec4 m = texelFetch(masks, px, 0);
  float L = dot(base, vec3(0.299, 0.587, 0.114));
  float ref = 0.0;
  for (int i = 0; i < 6; i++) {
    if (i < nSamples) ref += redness(texelFetch(frame, ivec2(floor(samples[i])), 0).rgb);
  }
  ref /= max(float(nSamples), 1.0);
  vec3 c = base;
  for (int k = 0; k < 4; k++) {
    float amount = layer[k].a;
    if (amount <= 0.0) continue;
    bool lips = k == 3;
    float Lk = (lips && flags.x < 0.5) ? L * 0.5 + 0.25 : L;   // matte: half the texture
    vec3 tinted = clamp(layer[k].rgb * (0.4 + 1.2 * Lk), 0.0, 1.0);
    if (lips && flags.x > 0.5) tinted += (1.0 - tinted) * 0.6 * smoothstep(0.55, 0.9, L);
    float w = m[k] * amount;
    if (lips && flags.y > 0.5) w *= smoothstep(ref, ref + 0.03, redness(base));
    c += (tinted - c) * w;
  }
  o = vec4(c, 1.0);
}`;

function compile(gl, vs, fs) {
  const program = gl.createProgram();
  for (const [type, src] of [[gl.VERTEX_SHADER, vs], [gl.FRAGMENT_SHADER, fs]]) {
    const shader = gl.createShader(type);
    gl.shaderSource(shader, src);
    gl.compileShader(shader);
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) {
      throw new Error(`makeup shader: ${gl.getShaderInfoLog(shader)}`);
    }
    gl.attachShader(program, shader);
  }
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) {
    throw new Error(`makeup shader link: ${gl.getProgramInfoLog(program)}`);
  }
  return program;
}

function texture(gl) {
  const t = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, t);
  for (const p of [gl.TEXTURE_MIN_FILTER, gl.TEXTURE_MAG_FILTER]) gl.texParameteri(gl.TEXTURE_2D, p, gl.NEAREST);
  for (const p of [gl.TEXTURE_WRAP_S, gl.TEXTURE_WRAP_T]) gl.texParameteri(gl.TEXTURE_2D, p, gl.CLAMP_TO_EDGE);
  return t;
}

// A Python array (array('f'), memoryview) arrives as a PyProxy: read it in place through
// getBuffer, a typed view of Pyodide's heap (no copy; gl.bufferData copies to the GPU anyway),
// released once the call is done. Typed arrays pass through.
function inPlace(x, type) {
  return typeof x?.getBuffer === 'function' ? x.getBuffer(type) : { data: x, release() {} };
}

export class MakeupRenderer {
  constructor(stage, width, height) {
    this.canvas = document.createElement('canvas');
    this.canvas.id = 'makeup';
    Object.assign(this.canvas.style, {
      position: 'absolute', left: '0', top: '0', width: '100%', height: '100%',
      borderRadius: '6px', pointerEvents: 'none',
    });
    stage.insertBefore(this.canvas, stage.querySelector('#hud'));
    const gl = this.canvas.getContext('webgl2', { preserveDrawingBuffer: true, antialias: false, alpha: false });
    if (!gl) throw new Error('makeup needs WebGL2, which this browser does not offer');
    this.gl = gl;
    this.maskProgram = compile(gl, MASK_VS, MASK_FS);
    this.blendProgram = compile(gl, FULL_VS, BLEND_FS);
    this.frameTex = texture(gl);
    this.maskTex = texture(gl);
    this.fbo = gl.createFramebuffer();
    this.buffer = gl.createBuffer();
    this.vao = gl.createVertexArray();
    gl.bindVertexArray(this.vao);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    const loc = gl.getAttribLocation(this.maskProgram, 'a');
    gl.enableVertexAttribArray(loc);
    gl.vertexAttribPointer(loc, 3, gl.FLOAT, false, 12, 0);
    gl.bindVertexArray(null);
    this.emptyVao = gl.createVertexArray();
    this.renders = 0;
    this.resize(width, height);
  }

  resize(width, height) {
    if (this.width === width && this.height === height) return;
    const gl = this.gl;
    this.width = width;
    this.height = height;
    this.canvas.width = width;
    this.canvas.height = height;
    gl.bindTexture(gl.TEXTURE_2D, this.maskTex);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, width, height, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.fbo);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, this.maskTex, 0);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  }

  // source: the frame's canvas; vertices: float32 (x, y, alpha per vertex); counts: int32
  // vertices per layer; params: float32 (Look.params()); samples: float32 skin sample pixels
  // (Python arrays or typed arrays, see inPlace); split in [0, 1]. Returns the GPU time in ms
  // (finished).
  render(source, vertices, counts, params, samples, split) {
    const bufs = [inPlace(vertices, 'f32'), inPlace(counts, 'i32'), inPlace(params, 'f32'),
      inPlace(samples, 'f32')];
    try {
      return this.draw(source, ...bufs.map((b) => b.data), split);
    } finally {
      for (const b of bufs) b.release();
    }
  }

  draw(source, vertices, counts, params, samples, split) {
    const t0 = performance.now();
    const gl = this.gl;
    this.resize(source.width, source.height);
    // copies (a few numbers): the views are released when render() returns; snapshot() reuses these
    this.last = { counts: Array.from(counts), params: Array.from(params), samples: Array.from(samples) };
    // the frame as a texture, exactly its pixels (no flip, no colour conversion)
    gl.bindTexture(gl.TEXTURE_2D, this.frameTex);
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, frameImage(source));
    // pass 1: the layers' masks
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.fbo);
    gl.viewport(0, 0, this.width, this.height);
    gl.colorMask(true, true, true, true);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.useProgram(this.maskProgram);
    gl.uniform2f(gl.getUniformLocation(this.maskProgram, 'size'), this.width, this.height);
    gl.bindVertexArray(this.vao);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    gl.bufferData(gl.ARRAY_BUFFER, vertices, gl.DYNAMIC_DRAW);
    gl.enable(gl.BLEND);
    gl.blendEquation(gl.MAX);
    let first = 0;
    for (let k = 0; k < 4; k++) {
      if (counts[k] > 0 && params[4 * k + 3] > 0) {
        gl.colorMask(k === 0, k === 1, k === 2, k === 3);
        gl.drawArrays(gl.TRIANGLES, first, counts[k]);
      }
      first += counts[k];
    }
    gl.disable(gl.BLEND);
    gl.colorMask(true, true, true, true);
    gl.bindVertexArray(null);
    this.compose(params, samples, split);
    gl.finish();  // honest render ms: wait for the GPU
    this.renders += 1;
    state.makeup = { renders: this.renders, counts: this.last.counts, width: this.width, height: this.height };
    return performance.now() - t0;
  }

  // pass 2 (also re-run alone for a snapshot without the split)
  compose(params, samples, split) {
    const gl = this.gl;
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.viewport(0, 0, this.width, this.height);
    const p = this.blendProgram;
    gl.useProgram(p);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.frameTex);
    gl.activeTexture(gl.TEXTURE1);
    gl.bindTexture(gl.TEXTURE_2D, this.maskTex);
    gl.activeTexture(gl.TEXTURE0);
    gl.uniform1i(gl.getUniformLocation(p, 'frame'), 0);
    gl.uniform1i(gl.getUniformLocation(p, 'masks'), 1);
    gl.uniform4fv(gl.getUniformLocation(p, 'layer'), Float32Array.from(params).subarray(0, 16));
    gl.uniform2f(gl.getUniformLocation(p, 'flags'), params[16], params[17]);
    const n = Math.min(6, Math.floor(samples.length / 2));
    const s = new Float32Array(12);
    s.set(Array.from(samples).slice(0, 2 * n));
    gl.uniform2fv(gl.getUniformLocation(p, 'samples'), s);
    gl.uniform1i(gl.getUniformLocation(p, 'nSamples'), n);
    gl.uniform1f(gl.getUniformLocation(p, 'split'), split);
    gl.uniform2f(gl.getUniformLocation(p, 'size'), this.width, this.height);
    gl.bindVertexArray(this.emptyVao);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    gl.bindVertexArray(null);
  }

  // The shown image, RGBA rows top-down (tests compare it with CPython's render).
  pixels() {
    const gl = this.gl;
    const w = this.width;
    const h = this.height;
    const raw = new Uint8Array(w * h * 4);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, raw);
    const out = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) out.set(raw.subarray((h - 1 - y) * w * 4, (h - y) * w * 4), y * w * 4);
    return out;
  }

  // Download the made-up frame as PNG (without the before/after split), then restore the view.
  snapshot(filename, split) {
    if (!this.last) {
      showError('No frame yet: wait for the camera or open a photo, then take the snapshot.');
      return;
    }
    this.compose(this.last.params, this.last.samples, 0);
    const url = this.canvas.toDataURL('image/png');
    this.compose(this.last.params, this.last.samples, split);
    state.snapshots = (state.snapshots || 0) + 1;
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
}

export function createMakeup(stage, width, height) {
  return new MakeupRenderer(stage, width, height);
}
