"""MediaPipe Tasks Vision model bundles for the benchmark anchor (web/bench/tasks.html), assembled
from the pinned registry packages' .tflite files, so the peer runs the very weights frontml runs.

A `.task` is a zip of the detector and the landmark model (pose: `pose_detector.tflite` +
`pose_landmarks_detector.tflite`; hands: `hand_detector.tflite` + `hand_landmarks_detector.tflite`);
the segmenter takes one `.tflite`. MediaPipe Tasks reads each model's input normalisation from
TFLite metadata, which the wheel's models lack: it is written here with PyPI tflite-support 0.4.4
(needs numpy<2, so it runs in its own venv, `.venv-tflite`, created on first use).

    python -m bench.tasks_bundles          # writes web/vendor/bench/tasks/*.task|*.tflite
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "web" / "vendor" / "bench" / "tasks"
VENV = ROOT / ".venv-tflite"
TFLITE_SUPPORT = ("tflite-support==0.4.4", "numpy<2")

SIGNED = (127.5, 127.5)  # pixels -> [-1, 1]: the pose detector
UNIT = (0.0, 255.0)  # pixels -> [0, 1]: every other model here

# bundle file -> [(member name inside the bundle, catalog model id, normalisation)]
BUNDLES: dict[str, list[tuple[str, str, tuple[float, float]]]] = {
    f"pose_landmarker_{v}.task": [("pose_detector.tflite", "pose_detection", SIGNED),
                                   ("pose_landmarks_detector.tflite", f"pose_landmark_{v}", UNIT)]
    for v in ("lite", "full", "heavy")
} | {
    f"hand_landmarker_{v}.task": [("hand_detector.tflite", f"palm_detection_{v}", UNIT),
                                   ("hand_landmarks_detector.tflite", f"hand_landmark_{v}", UNIT)]
    for v in ("lite", "full")
} | {
    "selfie_segmenter.tflite": [("", "selfie_segmentation", UNIT)],
    "selfie_segmenter_landscape.tflite": [("", "selfie_segmentation_landscape", UNIT)],
}

# Runs inside .venv-tflite: argv = SRC DST MEAN STD.
_WRITER = """
import sys
import tensorflow_lite_support.metadata.python.metadata_writers.metadata_info as metadata_info
import tensorflow_lite_support.metadata.python.metadata_writers.metadata_writer as metadata_writer
import tensorflow_lite_support.metadata.python.metadata_writers.writer_utils as writer_utils
src, dst, mean, std = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
model = writer_utils.load_file(src)
inp = metadata_info.InputImageTensorMd(
    name="image", norm_mean=[mean], norm_std=[std],
    color_space_type=metadata_info._metadata_fb.ColorSpaceType.RGB,
    tensor_type=writer_utils.get_input_tensor_types(model)[0])
writer = metadata_writer.MetadataWriter.create_from_metadata_info(
    model, general_md=metadata_info.GeneralMd(name="frontml benchmark anchor"), input_md=[inp])
writer_utils.save_file(writer.populate(), dst)
"""


def ensure_venv() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run(["python3", "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *TFLITE_SUPPORT], check=True)
    return python


def _source(model_id: str) -> Path:
    sys.path.insert(0, str(ROOT / "models"))
    import catalog
    import fetch

    return fetch.model_sources(catalog.MODELS[model_id]["source"], ROOT / "models" / ".cache")[0]


def with_metadata(python: Path, model_id: str, norm: tuple[float, float], tmp: Path) -> bytes:
    dst = tmp / f"{model_id}.tflite"
    subprocess.run([str(python), "-c", _WRITER, str(_source(model_id)), str(dst),
                    str(norm[0]), str(norm[1])], check=True, capture_output=True)
    return dst.read_bytes()


def ensure_bundles(log=print) -> Path:
    """Write the bundles that are missing; returns their folder."""
    missing = [name for name in BUNDLES if not (OUT / name).exists()]
    if not missing:
        return OUT
    python = ensure_venv()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name in missing:
            parts = [(member, with_metadata(python, model_id, norm, Path(tmp)))
                     for member, model_id, norm in BUNDLES[name]]
            part = OUT / (name + ".part")
            if parts[0][0] == "":
                part.write_bytes(parts[0][1])
            else:
                with zipfile.ZipFile(part, "w", zipfile.ZIP_STORED) as zf:
                    for member, data in parts:
                        info = zipfile.ZipInfo(member, (2020, 1, 1, 0, 0, 0))
                        zf.writestr(info, data)
            part.replace(OUT / name)
            log(f"wrote {OUT / name} ({(OUT / name).stat().st_size:,} B)")
    return OUT


if __name__ == "__main__":
    ensure_bundles()
