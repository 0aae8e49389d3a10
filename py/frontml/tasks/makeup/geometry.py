"""Makeup layer geometry from the 468-point face mesh (stdlib only: it runs in the page).

Python computes triangles only; pixels are coloured by a WebGL shader in the page
(web/js/makeup.js) and by numpy in CPython (frontml.tasks.makeup.render), with the same
formula. Every layer is a triangle list in image pixels with a per-vertex alpha (1 on the
region, 0 on its feathered rim): the rasteriser interpolates it, which feathers the edges.

Layers, in the order they are composited: blush, brow, liner, lips (`LAYERS`).
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field

# Index lists from google-ai-edge/mediapipe (commit 22eb5d19),
# mediapipe/python/solutions/face_mesh_connections.py
# (FACEMESH_LIPS, FACEMESH_RIGHT_EYE, FACEMESH_LEFT_EYE, FACEMESH_RIGHT_EYEBROW,
# FACEMESH_LEFT_EYEBROW), edges copied verbatim; the paths below are the same edges as
# polylines (tests/unit/test_makeup.py checks that they are exactly these edges).
FACEMESH_LIPS = ((61, 146), (146, 91), (91, 181), (181, 84), (84, 17),
                 (17, 314), (314, 405), (405, 321), (321, 375),
                 (375, 291), (61, 185), (185, 40), (40, 39), (39, 37),
                 (37, 0), (0, 267),
                 (267, 269), (269, 270), (270, 409), (409, 291),
                 (78, 95), (95, 88), (88, 178), (178, 87), (87, 14),
                 (14, 317), (317, 402), (402, 318), (318, 324),
                 (324, 308), (78, 191), (191, 80), (80, 81), (81, 82),
                 (82, 13), (13, 312), (312, 311), (311, 310),
                 (310, 415), (415, 308))
FACEMESH_LEFT_EYE = ((263, 249), (249, 390), (390, 373), (373, 374),
                     (374, 380), (380, 381), (381, 382), (382, 362),
                     (263, 466), (466, 388), (388, 387), (387, 386),
                     (386, 385), (385, 384), (384, 398), (398, 362))
FACEMESH_LEFT_EYEBROW = ((276, 283), (283, 282), (282, 295),
                         (295, 285), (300, 293), (293, 334),
                         (334, 296), (296, 336))
FACEMESH_RIGHT_EYE = ((33, 7), (7, 163), (163, 144), (144, 145),
                      (145, 153), (153, 154), (154, 155), (155, 133),
                      (33, 246), (246, 161), (161, 160), (160, 159),
                      (159, 158), (158, 157), (157, 173), (173, 133))
FACEMESH_RIGHT_EYEBROW = ((46, 53), (53, 52), (52, 65), (65, 55),
                          (70, 63), (63, 105), (105, 66), (66, 107))

# Lips: each contour half runs from the image-left mouth corner (61 outer, 78 inner) to the
# image-right one (291 / 308); point i of an outer half faces point i of the inner half.
LIPS_OUTER_UPPER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291)
LIPS_OUTER_LOWER = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291)
LIPS_INNER_UPPER = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308)
LIPS_INNER_LOWER = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308)
# Upper eyelids, outer corner -> inner corner (the subject's right eye is 33/133).
RIGHT_EYE_UPPER = (33, 246, 161, 160, 159, 158, 157, 173, 133)
RIGHT_EYE_LOWER = (33, 7, 163, 144, 145, 153, 154, 155, 133)
LEFT_EYE_UPPER = (263, 466, 388, 387, 386, 385, 384, 398, 362)
LEFT_EYE_LOWER = (263, 249, 390, 373, 374, 380, 381, 382, 362)
# Brows, outer end -> inner end; lower and upper lines face each other point by point.
RIGHT_BROW_LOWER = (46, 53, 52, 65, 55)
RIGHT_BROW_UPPER = (70, 63, 105, 66, 107)
LEFT_BROW_LOWER = (276, 283, 282, 295, 285)
LEFT_BROW_UPPER = (300, 293, 334, 296, 336)
# Cheeks (no MediaPipe list): a centre and a ring of mesh points about 1.9 x 1.5 cm around it,
# picked on frontml's canonical face template (tasks/face/template.py), mirrored for the left.
RIGHT_CHEEK = (50, (36, 101, 229, 117, 116, 123, 147, 187, 205, 203))
LEFT_CHEEK = (280, (266, 330, 449, 346, 345, 352, 376, 411, 425, 423))
# Skin points whose colour is the lip gate's reference (cheeks, under the eyes, chin side).
SKIN_SAMPLES = (50, 280, 118, 347, 205, 425)

LAYERS = ("blush", "brow", "liner", "lips")

Point = tuple[float, float]


def lip_rings() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(outer, inner): the closed outer lip contour and inner mouth contour, 20 points each,
    point i of one facing point i of the other."""
    outer = LIPS_OUTER_UPPER + tuple(reversed(LIPS_OUTER_LOWER[1:-1]))
    inner = LIPS_INNER_UPPER + tuple(reversed(LIPS_INNER_LOWER[1:-1]))
    return outer, inner


@dataclass
class FaceGeometry:
    """One face's layers: `vertices[layer]` = flat x, y, alpha per vertex (3 per triangle)."""

    vertices: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in LAYERS})

    def triangle(self, layer: str, a: Point, b: Point, c: Point,
                 alphas: tuple[float, float, float]) -> None:
        out = self.vertices[layer]
        for p, al in zip((a, b, c), alphas, strict=True):
            out.extend((p[0], p[1], al))

    def strip(self, layer: str, ring_a: Sequence[Point], ring_b: Sequence[Point],
              alpha_a: Sequence[float] | float, alpha_b: Sequence[float] | float,
              closed: bool) -> None:
        """Triangles between two polylines of equal length (point i faces point i)."""
        n = len(ring_a)
        aa = [alpha_a] * n if isinstance(alpha_a, int | float) else list(alpha_a)
        ab = [alpha_b] * n if isinstance(alpha_b, int | float) else list(alpha_b)
        for i in range(n if closed else n - 1):
            j = (i + 1) % n
            self.triangle(layer, ring_a[i], ring_a[j], ring_b[i], (aa[i], aa[j], ab[i]))
            self.triangle(layer, ring_a[j], ring_b[j], ring_b[i], (aa[j], ab[j], ab[i]))


def _lerp(p: Point, q: Point, t: float) -> Point:
    return (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t)


def _away(p: Point, centre: Point, dist: float) -> Point:
    """`p` moved `dist` pixels away from `centre`."""
    dx, dy = p[0] - centre[0], p[1] - centre[1]
    n = math.hypot(dx, dy) or 1.0
    return (p[0] + dx / n * dist, p[1] + dy / n * dist)


def _mean(points: Sequence[Point]) -> Point:
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def _normals(path: Sequence[Point], away_from: Point) -> list[Point]:
    """Unit normals of a polyline, each pointing away from `away_from`."""
    out = []
    for i, p in enumerate(path):
        a, b = path[max(i - 1, 0)], path[min(i + 1, len(path) - 1)]
        tx, ty = b[0] - a[0], b[1] - a[1]
        n = math.hypot(tx, ty) or 1.0
        nx, ny = -ty / n, tx / n
        if nx * (p[0] - away_from[0]) + ny * (p[1] - away_from[1]) < 0:
            nx, ny = -nx, -ny
        out.append((nx, ny))
    return out


def lips(g: FaceGeometry, pts: Sequence[Point]) -> None:
    """The lip ring: outer contour minus the inner mouth contour (the mouth interior and the
    teeth get no triangle). Feathered outward beyond the outer contour and inward from
    the inner contour; full alpha in between."""
    outer_i, inner_i = lip_rings()
    outer = [pts[i] for i in outer_i]
    inner = [pts[i] for i in inner_i]
    width = math.dist(pts[61], pts[291])
    feather = 0.05 * width
    centre = _mean(inner)
    rim = [_away(p, centre, feather) for p in outer]
    core = [_lerp(q, p, 0.2) for p, q in zip(outer, inner, strict=True)]
    g.strip("lips", rim, outer, 0.0, 1.0, closed=True)
    g.strip("lips", outer, core, 1.0, 1.0, closed=True)
    g.strip("lips", core, inner, 1.0, 0.0, closed=True)


def blush(g: FaceGeometry, pts: Sequence[Point]) -> None:
    """A soft patch on each cheek: alpha 1 at the centre, 0.6 halfway, 0 on the ring."""
    for centre_i, ring_i in (RIGHT_CHEEK, LEFT_CHEEK):
        c = pts[centre_i]
        ring = [pts[i] for i in ring_i]
        mid = [_lerp(c, p, 0.5) for p in ring]
        g.strip("blush", mid, ring, 0.6, 0.0, closed=True)
        for i in range(len(mid)):
            g.triangle("blush", c, mid[i], mid[(i + 1) % len(mid)], (1.0, 0.6, 0.6))


def liner(g: FaceGeometry, pts: Sequence[Point]) -> None:
    """A band along each upper lid, thickest at the outer corner, with a small wing."""
    for upper_i, lower_i in ((RIGHT_EYE_UPPER, RIGHT_EYE_LOWER),
                             (LEFT_EYE_UPPER, LEFT_EYE_LOWER)):
        lid = [pts[i] for i in upper_i]
        centre = _mean(lid + [pts[i] for i in lower_i])
        outer, inner = lid[0], lid[-1]
        eye_w = math.dist(outer, inner)
        normals = _normals(lid, centre)
        n = len(lid)
        # thickness: 10 % of the eye width at the outer corner, 3 % at the inner one
        thick = [eye_w * (0.10 - 0.07 * i / (n - 1)) for i in range(n)]
        band = [(p[0] + nx * t, p[1] + ny * t) for p, (nx, ny), t in zip(lid, normals, thick,
                                                                        strict=True)]
        rim = [(p[0] + nx * (t + 0.04 * eye_w), p[1] + ny * (t + 0.04 * eye_w))
               for p, (nx, ny), t in zip(lid, normals, thick, strict=True)]
        g.strip("liner", lid, band, 1.0, 1.0, closed=False)
        g.strip("liner", band, rim, 1.0, 0.0, closed=False)
        # wing: from the outer corner outward along the eye's axis, tilted up
        ax, ay = (outer[0] - inner[0]) / eye_w, (outer[1] - inner[1]) / eye_w
        up = normals[0]
        tip = (outer[0] + ax * 0.22 * eye_w + up[0] * 0.12 * eye_w,
               outer[1] + ay * 0.22 * eye_w + up[1] * 0.12 * eye_w)
        g.triangle("liner", outer, band[0], tip, (1.0, 1.0, 0.6))
        g.triangle("liner", band[0], rim[0], tip, (1.0, 0.0, 0.6))


def brows(g: FaceGeometry, pts: Sequence[Point]) -> None:
    """The region between each brow's lower and upper line, feathered all round."""
    for lower_i, upper_i in ((RIGHT_BROW_LOWER, RIGHT_BROW_UPPER),
                             (LEFT_BROW_LOWER, LEFT_BROW_UPPER)):
        lower = [pts[i] for i in lower_i]
        upper = [pts[i] for i in upper_i]
        below = [_lerp(u, lo, 1.3) for lo, u in zip(lower, upper, strict=True)]
        above = [_lerp(lo, u, 1.3) for lo, u in zip(lower, upper, strict=True)]
        ends = [0.5] + [1.0] * (len(lower) - 2) + [0.5]  # softer at both ends
        g.strip("brow", below, lower, 0.0, ends, closed=False)
        g.strip("brow", lower, upper, ends, ends, closed=False)
        g.strip("brow", upper, above, ends, 0.0, closed=False)


def face_geometry(landmarks: Sequence, width: int, height: int) -> FaceGeometry:
    """All layers of one face from its normalised landmarks (468 or 478)."""
    if len(landmarks) < 468:
        raise ValueError(f"makeup needs the 468-point face mesh, got {len(landmarks)} points")
    pts = [(lm.x * width, lm.y * height) for lm in landmarks[:468]]
    g = FaceGeometry()
    blush(g, pts)
    brows(g, pts)
    liner(g, pts)
    lips(g, pts)
    return g


@dataclass
class Geometry:
    """Every face's layers, grouped by layer for drawing: `vertices` holds x, y (image
    pixels) and alpha per vertex; `counts[k]` vertices of layer LAYERS[k] follow those of the
    layers before it. `samples`: pixel points of the first face's skin (the lip gate's
    reference colour)."""

    width: int
    height: int
    vertices: array = field(default_factory=lambda: array("f"))
    counts: array = field(default_factory=lambda: array("i", [0] * len(LAYERS)))
    samples: array = field(default_factory=lambda: array("f"))

    @property
    def triangles(self) -> dict[str, int]:
        return {name: self.counts[k] // 3 for k, name in enumerate(LAYERS)}

    def to_json(self) -> dict:
        return {"triangles": self.triangles, "samples": list(self.samples)}


def presence_fade(score: float) -> float:
    """Layer opacity from the face mesh's presence score: full above 0.8, none at 0.5 (a face
    the model is unsure of, e.g. mostly covered, gets its makeup faded out, not smeared)."""
    return min(1.0, max(0.0, (score - 0.5) / 0.3))


def build_geometry(faces: Sequence, width: int, height: int) -> Geometry:
    """Geometry of every face (objects with `.landmarks` and `.score`), grouped by layer;
    vertex alphas are scaled by `presence_fade(face.score)`."""
    geo = Geometry(width, height)
    per_face = []
    for f in faces:
        g = face_geometry(f.landmarks, width, height)
        fade = presence_fade(getattr(f, "score", 1.0))
        if fade < 1.0:
            for verts in g.vertices.values():
                verts[2::3] = [a * fade for a in verts[2::3]]
        per_face.append(g)
    for k, name in enumerate(LAYERS):
        for g in per_face:
            geo.vertices.extend(g.vertices[name])
        geo.counts[k] = sum(len(g.vertices[name]) // 3 for g in per_face)
    if faces:
        lms = faces[0].landmarks
        for i in SKIN_SAMPLES:
            geo.samples.extend((lms[i].x * width, lms[i].y * height))
    return geo
