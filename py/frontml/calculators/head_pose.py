"""Head pose from face landmarks: a weighted similarity Procrustes fit, pure Python.

The fit is Horn's closed-form absolute orientation with unit quaternions (J. Opt. Soc. Am. A
4(4), 1987): the rotation is the eigenvector of the largest eigenvalue of a 4x4 symmetric
matrix built from the weighted cross-covariance, found here with cyclic Jacobi rotations; the
scale is Horn's asymmetric least-squares scale; the translation follows from the centroids.

Coordinates ("head space", what the Three.js page uses): x right, y UP, z toward the viewer,
units = image pixels, origin at the image centre. `landmarks_to_head_space` maps normalised
landmarks (x right, y down, z like x, smaller = closer) there; an orthographic camera with
left/right = -W/2, W/2 and top/bottom = H/2, -H/2 then draws the model exactly over the image.

Euler angles follow Three.js order "YXZ" (R = Ry(yaw) Rx(pitch) Rz(roll)), in degrees:
yaw > 0 turns the face toward image right (the subject's left), pitch > 0 tilts the face
down... precisely: Rx(pitch) turns the template's +z (its facing direction) toward -y, i.e.
looking down; roll > 0 turns it counter-clockwise on screen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Vec3 = tuple[float, float, float]
Mat3 = tuple[Vec3, Vec3, Vec3]


def jacobi_eigen(matrix: Sequence[Sequence[float]], sweeps: int = 50, tol: float = 1e-15):
    """Eigen-decomposition of a small symmetric matrix: (eigenvalues, eigenvectors as columns).

    Cyclic Jacobi rotations; converges quadratically, a 4x4 needs a handful of sweeps.
    """
    n = len(matrix)
    a = [list(map(float, row)) for row in matrix]
    v = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
    for _ in range(sweeps):
        off = sum(a[i][j] * a[i][j] for i in range(n) for j in range(i + 1, n))
        scale = sum(a[i][i] * a[i][i] for i in range(n)) or 1.0
        if off <= tol * scale:
            break
        for p in range(n - 1):
            for q in range(p + 1, n):
                apq = a[p][q]
                if apq == 0.0:
                    continue
                theta = (a[q][q] - a[p][p]) / (2.0 * apq)
                t = (1.0 if theta >= 0 else -1.0) / (abs(theta) + math.sqrt(theta * theta + 1.0))
                c = 1.0 / math.sqrt(t * t + 1.0)
                s = t * c
                for k in range(n):  # A <- A J
                    akp, akq = a[k][p], a[k][q]
                    a[k][p] = c * akp - s * akq
                    a[k][q] = s * akp + c * akq
                for k in range(n):  # A <- J^T A
                    apk, aqk = a[p][k], a[q][k]
                    a[p][k] = c * apk - s * aqk
                    a[q][k] = s * apk + c * aqk
                for k in range(n):  # V <- V J
                    vkp, vkq = v[k][p], v[k][q]
                    v[k][p] = c * vkp - s * vkq
                    v[k][q] = s * vkp + c * vkq
    return [a[i][i] for i in range(n)], v


def quaternion_to_matrix(w: float, x: float, y: float, z: float) -> Mat3:
    n = math.sqrt(w * w + x * x + y * y + z * z) or 1.0
    w, x, y, z = w / n, x / n, y / n, z / n
    return (
        (1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)),
        (2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)),
        (2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)),
    )


def _mat_vec(r: Mat3, p: Sequence[float]) -> Vec3:
    return (
        r[0][0] * p[0] + r[0][1] * p[1] + r[0][2] * p[2],
        r[1][0] * p[0] + r[1][1] * p[1] + r[1][2] * p[2],
        r[2][0] * p[0] + r[2][1] * p[1] + r[2][2] * p[2],
    )


@dataclass
class SimilarityFit:
    """target ~= scale * rotation @ source + translation."""

    rotation: Mat3
    scale: float
    translation: Vec3
    rms: float  # weighted RMS residual, target units

    def apply(self, p: Sequence[float]) -> Vec3:
        r = _mat_vec(self.rotation, p)
        return (self.scale * r[0] + self.translation[0], self.scale * r[1] + self.translation[1],
                self.scale * r[2] + self.translation[2])


def fit_similarity(
    source: Sequence[Sequence[float]],
    target: Sequence[Sequence[float]],
    weights: Sequence[float] | None = None,
) -> SimilarityFit:
    """Weighted least-squares similarity transform (Horn's quaternion method)."""
    n = len(source)
    if n != len(target) or n < 3:
        raise ValueError("need at least 3 corresponding points")
    w = list(weights) if weights is not None else [1.0] * n
    wsum = sum(w)
    if wsum <= 0:
        raise ValueError("weights must sum to a positive number")
    ca = [sum(wi * p[k] for wi, p in zip(w, source, strict=True)) / wsum for k in range(3)]
    cb = [sum(wi * p[k] for wi, p in zip(w, target, strict=True)) / wsum for k in range(3)]
    s = [[0.0] * 3 for _ in range(3)]
    norm_a = 0.0
    for wi, p, q in zip(w, source, target, strict=True):
        ax, ay, az = p[0] - ca[0], p[1] - ca[1], p[2] - ca[2]
        bx, by, bz = q[0] - cb[0], q[1] - cb[1], q[2] - cb[2]
        s[0][0] += wi * ax * bx
        s[0][1] += wi * ax * by
        s[0][2] += wi * ax * bz
        s[1][0] += wi * ay * bx
        s[1][1] += wi * ay * by
        s[1][2] += wi * ay * bz
        s[2][0] += wi * az * bx
        s[2][1] += wi * az * by
        s[2][2] += wi * az * bz
        norm_a += wi * (ax * ax + ay * ay + az * az)
    (sxx, sxy, sxz), (syx, syy, syz), (szx, szy, szz) = s
    nmat = [
        [sxx + syy + szz, syz - szy, szx - sxz, sxy - syx],
        [syz - szy, sxx - syy - szz, sxy + syx, szx + sxz],
        [szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy],
        [sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz],
    ]
    values, vectors = jacobi_eigen(nmat)
    best = max(range(4), key=lambda i: values[i])
    q = [vectors[k][best] for k in range(4)]
    rot = quaternion_to_matrix(*q)
    # the two loops below inline _mat_vec and SimilarityFit.apply (same operations, same order)
    (r00, r01, r02), (r10, r11, r12), (r20, r21, r22) = rot
    ca0, ca1, ca2 = ca
    cb0, cb1, cb2 = cb
    num = 0.0
    for wi, p, t in zip(w, source, target, strict=True):
        px, py, pz = p[0] - ca0, p[1] - ca1, p[2] - ca2
        num += wi * ((r00 * px + r01 * py + r02 * pz) * (t[0] - cb0)
                     + (r10 * px + r11 * py + r12 * pz) * (t[1] - cb1)
                     + (r20 * px + r21 * py + r22 * pz) * (t[2] - cb2))
    scale = num / norm_a if norm_a > 0 else 1.0
    rc = _mat_vec(rot, ca)
    trans = (cb[0] - scale * rc[0], cb[1] - scale * rc[1], cb[2] - scale * rc[2])
    fit = SimilarityFit(rot, scale, trans, 0.0)
    t0, t1, t2 = trans
    err = 0.0
    for wi, p, t in zip(w, source, target, strict=True):
        p0, p1, p2 = p[0], p[1], p[2]
        err += wi * ((scale * (r00 * p0 + r01 * p1 + r02 * p2) + t0 - t[0]) ** 2
                     + (scale * (r10 * p0 + r11 * p1 + r12 * p2) + t1 - t[1]) ** 2
                     + (scale * (r20 * p0 + r21 * p1 + r22 * p2) + t2 - t[2]) ** 2)
    fit.rms = math.sqrt(err / wsum)
    return fit


def euler_yxz(r: Mat3) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees with R = Ry(yaw) Rx(pitch) Rz(roll) (Three.js "YXZ")."""
    m23 = max(-1.0, min(1.0, r[1][2]))
    pitch = math.asin(-m23)
    if abs(m23) < 0.9999999:
        yaw = math.atan2(r[0][2], r[2][2])
        roll = math.atan2(r[1][0], r[1][1])
    else:
        yaw = math.atan2(-r[2][0], r[0][0])
        roll = 0.0
    return math.degrees(yaw), math.degrees(pitch), math.degrees(roll)


def rotation_yxz(yaw: float, pitch: float, roll: float) -> Mat3:
    """Ry(yaw) Rx(pitch) Rz(roll), angles in degrees."""
    y, x, z = math.radians(yaw), math.radians(pitch), math.radians(roll)
    cy, sy, cx, sx, cz, sz = math.cos(y), math.sin(y), math.cos(x), math.sin(x), math.cos(z), \
        math.sin(z)
    ry = ((cy, 0.0, sy), (0.0, 1.0, 0.0), (-sy, 0.0, cy))
    rx = ((1.0, 0.0, 0.0), (0.0, cx, -sx), (0.0, sx, cx))
    rz = ((cz, -sz, 0.0), (sz, cz, 0.0), (0.0, 0.0, 1.0))
    return _mat_mul(_mat_mul(ry, rx), rz)


def _mat_mul(a: Mat3, b: Mat3) -> Mat3:
    return tuple(  # type: ignore[return-value]
        tuple(sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)) for i in range(3)
    )


def matrix4(fit: SimilarityFit) -> list[float]:
    """The fit as a Three.js Matrix4 `elements` array (16 floats, COLUMN-major): feed it to
    `new THREE.Matrix4().fromArray(m)`."""
    r, s, t = fit.rotation, fit.scale, fit.translation
    return [
        s * r[0][0], s * r[1][0], s * r[2][0], 0.0,
        s * r[0][1], s * r[1][1], s * r[2][1], 0.0,
        s * r[0][2], s * r[1][2], s * r[2][2], 0.0,
        t[0], t[1], t[2], 1.0,
    ]  # fmt: skip


def landmarks_to_head_space(landmarks, width: int, height: int) -> list[Vec3]:
    """Normalised landmarks -> head space (pixels, origin at the image centre, y up, z toward
    the viewer)."""
    hw, hh = width / 2.0, height / 2.0
    return [(lm.x * width - hw, hh - lm.y * height, -lm.z * width) for lm in landmarks]
