"""Feed the same photo pixels to the converted ONNX file and to the source runtime; compare."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image
from skimage import data as skdata


def photo_rgba(name: str, height: int, width: int) -> np.ndarray:
    """A scikit-image sample photo resized to H x W: uint8 [1, H, W, 4], alpha 255."""
    rgb = Image.fromarray(getattr(skdata, name)()).convert("RGB")
    rgb = np.asarray(rgb.resize((width, height), Image.Resampling.BILINEAR))
    alpha = np.full((height, width, 1), 255, np.uint8)
    return np.concatenate([rgb, alpha], axis=2)[None]


def source_input(rgba: np.ndarray, norm: str) -> np.ndarray:
    """What the source model takes for the same pixels (NumPy, outside any graph)."""
    rgb = rgba[..., :3]
    if norm == "unit":
        return rgb.astype(np.float32) / np.float32(255.0)
    if norm == "signed":
        return rgb.astype(np.float32) / np.float32(127.5) - np.float32(1.0)
    if norm == "int32":
        return rgb.astype(np.int32)
    if norm == "float255":
        return rgb.astype(np.float32)
    if norm == "centered128":
        return (rgb.astype(np.float32) - np.float32(127.0)) / np.float32(128.0)
    raise ValueError(norm)


def onnx_session(model_bytes: bytes) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    return ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])


def run_onnx(sess: ort.InferenceSession, rgba: np.ndarray) -> dict[str, np.ndarray]:
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(names, {"image": rgba}), strict=True))


def diff(ours: np.ndarray, ref: np.ndarray) -> tuple[float, float]:
    """(max abs diff, max abs diff relative to the output's scale, at least 1)."""
    if ours.shape != ref.shape:
        raise ValueError(f"shape {ours.shape} != reference {ref.shape}")
    abs_diff = float(np.max(np.abs(ours.astype(np.float64) - ref.astype(np.float64))))
    scale = max(1.0, float(np.max(np.abs(ref))))
    return abs_diff, abs_diff / scale


def compare(ours: dict, ref: dict, outputs: list[dict]) -> dict[str, dict]:
    """Per output (catalog name): abs and relative diff. `ref` is keyed by source name."""
    res = {}
    for spec in outputs:
        r = np.asarray(ref[spec["source"]]).reshape(spec["shape"])
        a, rel = diff(ours[spec["name"]], r)
        res[spec["name"]] = {"max_abs_diff": a, "max_rel_diff": rel}
    return res


def save_reference(path: Path, rgba: np.ndarray, ref: dict, outputs: list[dict]) -> None:
    """Input pixels + source-runtime outputs (under our names) for the CPython test."""
    arrays = {"image": rgba}
    for spec in outputs:
        arrays[f"out_{spec['name']}"] = np.asarray(ref[spec["source"]]).reshape(spec["shape"])
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)
