// frontml AR try-on: a Three.js scene with procedurally built glasses locked to head poses.
// Python (web/py/tryon.py) calls update() once per frame with each face's 4x4 pose matrix
// (column-major, frontml.calculators.head_pose): template centimetres -> "head space" (image
// pixels, origin at the image centre, y up, z toward the viewer). An orthographic camera
// spanning the frame draws that space exactly over the video, so the glasses sit where the
// mesh is, in the same frame (no lag: the matrix comes from the landmarks of the frame shown).
import * as THREE from '../vendor/three/three.module.js';

import { state } from './page.js';

// Glasses in template centimetres: origin between the eyes (mesh landmark 168), x toward the
// subject's left, y up, z toward the viewer. Eye centres sit at about (+-3.15, -0.6).
function buildGlasses() {
  const glasses = new THREE.Group();
  glasses.name = 'glasses';
  const frameMat = new THREE.MeshStandardMaterial({ color: 0x1b1b1f, metalness: 0.3, roughness: 0.35 });
  const lensMat = new THREE.MeshPhysicalMaterial({
    color: 0x3a6ea5, transparent: true, opacity: 0.35, roughness: 0.05, metalness: 0.0,
    side: THREE.DoubleSide, depthWrite: false,
  });
  const rimRadius = 2.35;
  for (const side of [-1, 1]) {
    const rim = new THREE.Mesh(new THREE.TorusGeometry(rimRadius, 0.16, 12, 48), frameMat);
    rim.scale.set(1.0, 0.78, 1.0);
    rim.position.set(side * 3.25, -0.7, 1.1);
    rim.name = side < 0 ? 'rim_right' : 'rim_left';
    glasses.add(rim);
    const lens = new THREE.Mesh(new THREE.CircleGeometry(rimRadius, 48), lensMat);
    lens.scale.set(1.0, 0.78, 1.0);
    lens.position.copy(rim.position);
    lens.renderOrder = 2;
    glasses.add(lens);
    // temple: from the rim's outer edge back to the ear (x ~ +-6.9, z ~ -7.5)
    const start = new THREE.Vector3(side * (3.25 + rimRadius), -0.3, 1.0);
    const end = new THREE.Vector3(side * 7.0, -0.6, -8.5);
    const length = start.distanceTo(end);
    const temple = new THREE.Mesh(new THREE.BoxGeometry(0.22, 0.45, length), frameMat);
    temple.position.copy(start).add(end).multiplyScalar(0.5);
    temple.lookAt(end); // the box's long (z) side runs from the hinge to the ear
    temple.name = side < 0 ? 'temple_right' : 'temple_left';
    glasses.add(temple);
    const hinge = new THREE.Mesh(new THREE.BoxGeometry(0.5, 0.6, 0.5), frameMat);
    hinge.position.copy(start);
    glasses.add(hinge);
  }
  // bridge over the nose
  const bridge = new THREE.Mesh(
    new THREE.TorusGeometry(0.75, 0.13, 8, 24, Math.PI), frameMat);
  bridge.position.set(0, -0.35, 1.25);
  glasses.add(bridge);
  // invisible head that hides the temples behind it (writes depth only)
  const occluder = new THREE.Mesh(
    new THREE.SphereGeometry(1, 32, 16),
    new THREE.MeshBasicMaterial({ colorWrite: false }));
  occluder.scale.set(7.2, 10.5, 8.5);
  occluder.position.set(0, -2.5, -7.4);
  occluder.renderOrder = -1;
  occluder.name = 'head_occluder';
  glasses.add(occluder);
  glasses.matrixAutoUpdate = false;
  return glasses;
}

export class TryOn {
  constructor(stage, width, height) {
    this.canvas = document.createElement('canvas');
    this.canvas.id = 'three';
    Object.assign(this.canvas.style, {
      position: 'absolute', left: '0', top: '0', width: '100%', height: '100%',
      pointerEvents: 'none',
    });
    stage.insertBefore(this.canvas, stage.querySelector('#hud'));
    this.renderer = new THREE.WebGLRenderer({
      canvas: this.canvas, alpha: true, antialias: true, preserveDrawingBuffer: true,
    });
    this.renderer.setClearColor(0x000000, 0);
    this.scene = new THREE.Scene();
    this.scene.add(new THREE.HemisphereLight(0xffffff, 0x444444, 2.2));
    const key = new THREE.DirectionalLight(0xffffff, 1.6);
    key.position.set(0.3, 0.6, 1.0);
    this.scene.add(key);
    this.camera = new THREE.OrthographicCamera(-1, 1, 1, -1, 1, 8000);
    this.camera.position.set(0, 0, 4000);
    this.glasses = [];
    this.visible = true;
    this.resize(width, height);
  }

  resize(width, height) {
    if (this.width === width && this.height === height) return;
    this.width = width;
    this.height = height;
    this.renderer.setSize(width, height, false);
    Object.assign(this.camera, { left: -width / 2, right: width / 2, top: height / 2, bottom: -height / 2 });
    this.camera.updateProjectionMatrix();
  }

  // matrices: Float32Array of count*16 (column-major); returns the glasses' world matrices.
  update(matrices, count, width, height) {
    this.resize(width, height);
    while (this.glasses.length < count) {
      const g = buildGlasses();
      this.glasses.push(g);
      this.scene.add(g);
    }
    this.glasses.forEach((g, i) => {
      g.visible = this.visible && i < count;
      if (i < count) {
        g.matrix.fromArray(matrices, i * 16);
        g.matrixWorldNeedsUpdate = true;
      }
    });
    this.scene.updateMatrixWorld();
    this.renderer.render(this.scene, this.camera);
    const shown = this.glasses.filter((g) => g.visible);
    state.tryon = {
      faces: count,
      visible: shown.length,
      matrices: shown.map((g) => Array.from(g.matrixWorld.elements)),
      positions: shown.map((g) => {
        const p = new THREE.Vector3().setFromMatrixPosition(g.matrixWorld);
        return [p.x, p.y, p.z];
      }),
      renders: (state.tryon?.renders || 0) + 1,
    };
    return state.tryon;
  }
}

export function createTryOn(stage, width, height) {
  return new TryOn(stage, width, height);
}
