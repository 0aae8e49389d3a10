"""CPython twin of the page's WebGL makeup renderer (numpy; never imported in the page).

Pass 1 rasterises each layer's triangles into a mask (alpha interpolated at pixel centres,
the maximum where triangles overlap, stored as 8 bits): what the page does into an RGBA8
texture with MAX blending. Pass 2 blends every pixel with the formula in look.py.
"""

from __future__ import annotations

import numpy as np

from frontml.tasks.makeup.geometry import LAYERS, Geometry

LUMA = np.array([0.299, 0.587, 0.114], np.float32)


def rasterize(vertices: np.ndarray, width: int, height: int) -> np.ndarray:
    """Triangles (N x 3 vertices x (x, y, alpha), image pixels) -> HxW float mask, sampled at
    pixel centres like a GPU rasteriser, overlapping triangles keeping the maximum."""
    mask = np.zeros((height, width), np.float64)
    tris = vertices.reshape(-1, 3, 3).astype(np.float64)
    for (x0, y0, a0), (x1, y1, a1), (x2, y2, a2) in tris:
        area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0)
        if abs(area) < 1e-9:
            continue
        xs = (x0, x1, x2)
        ys = (y0, y1, y2)
        c0 = max(int(np.floor(min(xs) - 0.5)), 0)
        c1 = min(int(np.ceil(max(xs) - 0.5)), width - 1)
        r0 = max(int(np.floor(min(ys) - 0.5)), 0)
        r1 = min(int(np.ceil(max(ys) - 0.5)), height - 1)
        if c1 < c0 or r1 < r0:
            continue
        px = np.arange(c0, c1 + 1, dtype=np.float64)[None, :] + 0.5
        py = np.arange(r0, r1 + 1, dtype=np.float64)[:, None] + 0.5
        w0 = ((x1 - px) * (y2 - py) - (x2 - px) * (y1 - py)) / area
        w1 = ((x2 - px) * (y0 - py) - (x0 - px) * (y2 - py)) / area
        w2 = 1.0 - w0 - w1
        inside = (w0 >= 0) & (w1 >= 0) & (w2 >= 0)
        value = np.where(inside, w0 * a0 + w1 * a1 + w2 * a2, 0.0)
        region = mask[r0:r1 + 1, c0:c1 + 1]
        np.maximum(region, value, out=region)
    return mask


def layer_masks(geometry: Geometry) -> dict[str, np.ndarray]:
    """Each layer's 8-bit-quantised mask in [0, 1] (the page keeps them in an RGBA8 texture)."""
    verts = np.frombuffer(geometry.vertices, np.float32).reshape(-1, 3)
    out = {}
    start = 0
    for k, name in enumerate(LAYERS):
        n = geometry.counts[k]
        mask = rasterize(verts[start:start + n], geometry.width, geometry.height)
        out[name] = np.round(np.clip(mask, 0.0, 1.0) * 255.0) / 255.0
        start += n
    return out


def smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def redness(c: np.ndarray) -> np.ndarray:
    return (c[..., 0] - c[..., 1]) / (c[..., 0] + c[..., 1] + c[..., 2] + 1e-3)


def skin_reference(c: np.ndarray, samples) -> float:
    """Mean redness of the skin sample pixels (the lip gate's reference)."""
    pts = np.asarray(samples, np.float64).reshape(-1, 2)
    if not len(pts):
        return 0.0
    h, w = c.shape[:2]
    xs = np.clip(np.floor(pts[:, 0]).astype(int), 0, w - 1)
    ys = np.clip(np.floor(pts[:, 1]).astype(int), 0, h - 1)
    return float(redness(c[ys, xs]).mean())


def render(rgb: np.ndarray, geometry: Geometry, params) -> np.ndarray:
    """The made-up image (HxWx3 uint8) of `rgb` (HxWx3 or HxWx4 uint8) with `geometry` and
    a look's `params` (`Look.params()`), with the page shader's formula."""
    p = np.asarray(params, np.float32)
    out = rgb[..., :3].copy()
    gloss, guard = p[16] > 0.5, p[17] > 0.5
    masks = layer_masks(geometry)
    covered = np.zeros(out.shape[:2], bool)
    for k, name in enumerate(LAYERS):
        if p[4 * k + 3] > 0.0:
            covered |= masks[name] > 0
    if not covered.any():
        return out
    # blend only the window the layers cover (every pixel outside keeps its value exactly)
    rows, cols = np.nonzero(covered.any(axis=1))[0], np.nonzero(covered.any(axis=0))[0]
    win = np.s_[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    ref = skin_reference(rgb[..., :3].astype(np.float32) / 255.0, geometry.samples)
    base = out[win].astype(np.float32) / 255.0
    lum = base @ LUMA
    c = base.copy()
    for k, name in enumerate(LAYERS):
        colour, amount = p[4 * k:4 * k + 3], float(p[4 * k + 3])
        mask = masks[name][win]
        if amount <= 0.0 or not mask.any():
            continue
        lk = lum if (name != "lips" or gloss) else lum * 0.5 + 0.25
        tinted = np.clip(colour[None, None, :] * (0.4 + 1.2 * lk)[..., None], 0.0, 1.0)
        if name == "lips" and gloss:
            tinted = tinted + (1.0 - tinted) * (0.6 * smoothstep(0.55, 0.9, lum))[..., None]
        weight = mask * amount
        if name == "lips" and guard:
            weight = weight * smoothstep(ref, ref + 0.03, redness(base))
        c = c + (tinted - c) * weight[..., None].astype(np.float32)
    out[win] = np.clip(np.round(c * 255.0), 0, 255).astype(np.uint8)
    return out
