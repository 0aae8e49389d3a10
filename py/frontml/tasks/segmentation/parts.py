"""Body parts from the pose skeleton: the segments every person pixel is matched against.

Stdlib only (it runs in the page). Each segment is (x0, y0, x1, y1, part) in image pixels; a
person pixel gets the part of its nearest segment (done on the canvas side in the page,
`segRender` in web/js/segment.js, and in numpy in CPython, `effects_cpu.body_part_labels`).
"""

from __future__ import annotations

from array import array

PARTS = ("background", "head", "torso", "left_arm", "right_arm", "left_leg", "right_leg")
PART_COLOURS = (
    (0, 0, 0), (255, 213, 79), (66, 165, 245), (239, 83, 80), (171, 71, 188),
    (102, 187, 106), (255, 167, 38),
)  # fmt: skip

HEAD, TORSO, LEFT_ARM, RIGHT_ARM, LEFT_LEG, RIGHT_LEG = 1, 2, 3, 4, 5, 6
# (landmark a, landmark b, part); -1 = mid-shoulder, -2 = mid-hip, -3 = mid-ear.
SKELETON = (
    (7, 0, HEAD), (0, 8, HEAD), (9, 10, HEAD), (-3, 0, HEAD),
    (11, 12, TORSO), (11, 23, TORSO), (12, 24, TORSO), (23, 24, TORSO), (-1, -2, TORSO),
    (11, 24, TORSO), (12, 23, TORSO),
    (11, 13, LEFT_ARM), (13, 15, LEFT_ARM), (15, 19, LEFT_ARM),
    (12, 14, RIGHT_ARM), (14, 16, RIGHT_ARM), (16, 20, RIGHT_ARM),
    (23, 25, LEFT_LEG), (25, 27, LEFT_LEG), (27, 31, LEFT_LEG),
    (24, 26, RIGHT_LEG), (26, 28, RIGHT_LEG), (28, 32, RIGHT_LEG),
)  # fmt: skip
ALWAYS = (HEAD, TORSO)  # limbs need visible end points; head and torso are always used


def body_part_segments(pose, width: int, height: int, min_visibility: float = 0.5) -> array:
    """Flat float32 array of (x0, y0, x1, y1, part) in image px for `pose` (a frontml Pose)."""
    lms = pose.landmarks

    def point(i: int) -> tuple[float, float, float]:
        if i >= 0:
            lm = lms[i]
            return lm.x * width, lm.y * height, lm.visibility
        a, b = {-1: (11, 12), -2: (23, 24), -3: (7, 8)}[i]
        pa, pb = point(a), point(b)
        return (pa[0] + pb[0]) / 2, (pa[1] + pb[1]) / 2, min(pa[2], pb[2])

    out = array("f")
    for a, b, part in SKELETON:
        xa, ya, va = point(a)
        xb, yb, vb = point(b)
        if part not in ALWAYS and min(va, vb) < min_visibility:
            continue
        out.extend((xa, ya, xb, yb, float(part)))
    return out
