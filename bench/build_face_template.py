"""Builds py/frontml/tasks/face/template.py: the canonical 3D face the head pose is fitted to.

    .venv/bin/python bench/build_face_template.py

No canonical face model ships in the pinned packages (mediapipe 0.10.21's wheel has no
face_geometry data files), so the template is derived from the face_landmark model's own 3D
output (its z is metric-like, with the scale of x) on the package photos (scikit-image's
astronaut and npm @vladmandic/face-api demo/sample*.jpg, as bench/accuracy_face.py uses):

1. every face found (image mode, up to 6 per photo) -> head space (x right, y up, z to the
   viewer);
2. left/right landmark pairs: ICP of the mirrored mesh onto the mesh (nearest neighbours);
3. each face is made frontal: R maps the mirrored mesh onto the mesh, the face is turned by
   the inverse half-rotation (removes yaw and roll; pitch is kept), then averaged with its
   mirror image so it is exactly symmetric about x = 0;
4. faces are scaled to the same eye distance and averaged after a Procrustes fit to the first;
5. pitch is fixed by making the forehead (10) -> chin (152) line vertical; units are
   centimetres with 6.3 cm between the eye centres (mid eye corners), origin at landmark 168
   (between the eyes), where the glasses' bridge sits.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))
sys.path.insert(0, str(ROOT / "bench"))
OUT = ROOT / "py" / "frontml" / "tasks" / "face" / "template.py"
EYE_DISTANCE_CM = 6.3


def _nn(points, query):
    best, bi = math.inf, -1
    for i, p in enumerate(points):
        d = (p[0] - query[0]) ** 2 + (p[1] - query[1]) ** 2 + (p[2] - query[2]) ** 2
        if d < best:
            best, bi = d, i
    return bi


def mirror_pairs(points):
    from frontml.calculators.head_pose import fit_similarity

    c = [sum(p[k] for p in points) / len(points) for k in range(3)]
    points = [(x - c[0], y - c[1], z - c[2]) for x, y, z in points]
    mirrored = [(-x, y, z) for x, y, z in points]
    perm = [_nn(points, m) for m in mirrored]
    for _ in range(8):
        fit = fit_similarity(mirrored, [points[j] for j in perm])
        moved = [fit.apply(m) for m in mirrored]
        perm = [_nn(points, m) for m in moved]
    bad = sum(1 for i, j in enumerate(perm) if perm[j] != i)
    return perm, bad


def frontal(points, perm):
    from frontml.calculators.head_pose import fit_similarity, quaternion_to_matrix

    mirrored = [(-points[j][0], points[j][1], points[j][2]) for j in perm]
    fit = fit_similarity(mirrored, points)
    r = fit.rotation
    # rotation matrix -> quaternion, halve the angle, invert
    w = math.sqrt(max(0.0, 1.0 + r[0][0] + r[1][1] + r[2][2])) / 2.0
    x = (r[2][1] - r[1][2]) / (4 * w)
    y = (r[0][2] - r[2][0]) / (4 * w)
    z = (r[1][0] - r[0][1]) / (4 * w)
    angle = 2 * math.acos(max(-1.0, min(1.0, w)))
    s = math.sin(angle / 2) or 1.0
    ax = (x / s, y / s, z / s)
    half = angle / 2
    hw, hs = math.cos(-half / 2), math.sin(-half / 2)
    rh = quaternion_to_matrix(hw, ax[0] * hs, ax[1] * hs, ax[2] * hs)
    cx = [sum(p[k] for p in points) / len(points) for k in range(3)]
    q = [tuple(sum(rh[i][k] * (p[k] - cx[k]) for k in range(3)) for i in range(3))
         for p in points]
    return symmetrise(q, perm)


def symmetrise(q, perm):
    return [((q[i][0] - q[j][0]) / 2, (q[i][1] + q[j][1]) / 2, (q[i][2] + q[j][2]) / 2)
            for i, j in enumerate(perm)]


def eye_distance(p):
    def mid(a, b):
        return [(p[a][k] + p[b][k]) / 2 for k in range(3)]

    return math.dist(mid(33, 133), mid(362, 263))


def main() -> int:
    from accuracy_face import load_photo, photo_names

    from frontml.calculators.head_pose import fit_similarity, landmarks_to_head_space
    from frontml.runtime import run_sync
    from frontml.tasks.face import FaceOptions, create_face_mesh

    async def collect():
        mesh = await create_face_mesh(FaceOptions(running_mode="image", num_faces=6))
        faces = []
        for name in photo_names():
            frame = load_photo(name)
            res = await mesh.process(frame, 0)
            for f in res.faces:
                faces.append(landmarks_to_head_space(f.landmarks, frame.width, frame.height))
        mesh.close()
        return faces

    faces = run_sync(collect())
    print(f"{len(faces)} faces", file=sys.stderr)
    # pairs from the most symmetric-looking face (fewest non-mutual pairs)
    best = None
    for pts in faces:
        perm, bad = mirror_pairs(pts)
        if best is None or bad < best[1]:
            best = (perm, bad)
    perm = best[0]
    print(f"mirror pairs: {best[1]} not mutual (best face)", file=sys.stderr)
    fronts = []
    for pts in faces:
        q = frontal(pts, perm)
        s = EYE_DISTANCE_CM / eye_distance(q)
        fronts.append([(x * s, y * s, z * s) for x, y, z in q])
    base = fronts[0]
    acc = [[0.0, 0.0, 0.0] for _ in base]
    for q in fronts:
        fit = fit_similarity(q, base)
        for a, p in zip(acc, q, strict=True):
            m = fit.apply(p)
            for k in range(3):
                a[k] += m[k] / len(fronts)
    avg = symmetrise([tuple(a) for a in acc], perm)
    # pitch: forehead (10) -> chin (152) vertical
    dy = avg[10][1] - avg[152][1]
    dz = avg[10][2] - avg[152][2]
    t = -math.atan2(dz, dy)  # rotating about x by t brings the vector onto +y
    c, s = math.cos(t), math.sin(t)
    avg = [(x, c * y - s * z, s * y + c * z) for x, y, z in avg]
    scale = EYE_DISTANCE_CM / eye_distance(avg)
    o = avg[168]
    final = [((x - o[0]) * scale, (y - o[1]) * scale, (z - o[2]) * scale) for x, y, z in avg]
    # fit weights: the mouth and jaw move when talking: points below the subnasale (2) count less
    sub = final[2][1]
    weights = [1.0 if p[1] >= sub else 0.3 for p in final]
    lines = [
        '"""Canonical 3D face (468 face-mesh landmarks) for the head-pose fit. GENERATED by',
        "bench/build_face_template.py from the face_landmark model's own output on the package",
        "photos (skimage astronaut, npm @vladmandic/face-api demo/sample*.jpg): made frontal and",
        "symmetric, forehead-chin vertical. Units: centimetres (6.3 cm between the eye centres);",
        "x right, y up, z toward the viewer; origin at landmark 168 (between the eyes).",
        f"Averaged over {len(faces)} faces. Do not edit by hand.",
        '"""',
        "",
        "# fmt: off",
        "CANONICAL_FACE: tuple[tuple[float, float, float], ...] = (",
    ]
    for i in range(0, len(final), 3):
        lines.append("    " + " ".join(f"({x:.4f}, {y:.4f}, {z:.4f})," for x, y, z in
                                          final[i:i + 3]))
    lines.append(")")
    lines.append("# Index of each landmark's mirror image (left <-> right).")
    lines.append("MIRROR: tuple[int, ...] = (")
    for i in range(0, len(perm), 16):
        lines.append("    " + " ".join(f"{j}," for j in perm[i:i + 16]))
    lines.append(")")
    lines.append("# Fit weights: 0.3 for mouth and jaw (below the subnasale, landmark 2), else 1.")
    lines.append("FIT_WEIGHTS: tuple[float, ...] = (")
    for i in range(0, len(weights), 16):
        lines.append("    " + " ".join(f"{w}," for w in weights[i:i + 16]))
    lines.append(")")
    lines.append("# fmt: on")
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
