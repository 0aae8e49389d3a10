// frontml JS glue: the browser-side half of the Python <-> onnxruntime-web bridge, one module per
// concern behind this re-export, so Python's `glue.xxx` calls (py/frontml/web, runtime/ort_web.py)
// name one module. Pixels stay in JS (canvas grab/warp); Python gets typed arrays and small outputs.
//
//   ort.js      onnxruntime-web sessions          models.js  model fetch, sha256, Cache API
//   frames.js   camera, files, grab               warp.js    WebGL2 / canvas affine warp
//   cpuframe.js VideoFrame copy + exact JS warp   boot.js    ORT start-up (sw-register.js)
//   loop.js     the per-frame loop                draw.js    landmarks, boxes, labels, masks
//   page.js     state, progress, errors, HUD      segment.js segmentation effects
//   signs.js    taught-sign storage (hands)       boxes.js   mirrored frame (detect)
//   learn.js    teachable classifier storage      text.js    text page storage (IndexedDB)
//   vectors.js  vector search bank (learn, text)
//   warp_webgpu.js  the warp on ORT's WebGPU device: GPU-resident model inputs
//   makeup.js   WebGL2 makeup layers (makeup page)

export * from './ort.js';
export * from './models.js';
export * from './frames.js';
export * from './warp.js';
export * from './warp_webgpu.js';
export * from './loop.js';
export * from './draw.js';
export * from './page.js';
export * from './segment.js';
export * from './signs.js';
export * from './boxes.js';
export * from './learn.js';
export * from './text.js';
export * from './vectors.js';
export * from './makeup.js';
