"""Find, verify and load the built models listed in manifest.json (written by models/build.py).

In CPython the models live in `<repo>/web/models` (or $FRONTML_MODELS); in the page they are
fetched from `./models/` next to the page, with a progress callback and a sha256 check, and
cached so a second visit works offline.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from frontml.errors import ModelError, ModelIntegrityError
from frontml.runtime import IN_BROWSER, Session, TensorInfo, create_session

Progress = Callable[[str, int, int], None]  # (model id, bytes loaded, bytes total)

_manifest: dict[str, dict] | None = None
BUILD_HINT = "build them with `./dev build` (runs models/build.py)"
REBUILD = "rebuild it with `./dev build` (runs models/build.py)"
ENTRY_KEYS = {"id": str, "file": str, "sha256": str}


def parse_manifest(data: object, where: str) -> dict[str, dict]:
    """Model id -> entry, checked: a ModelError names the file, what is wrong and the fix."""
    def bad(what: str) -> ModelError:
        return ModelError(f"{where}: {what}; {REBUILD}")

    entries = data.get("models") if isinstance(data, dict) else data
    if isinstance(data, dict) and "models" not in data:
        raise bad("no \"models\" list")
    if not isinstance(entries, list):
        raise bad(f"\"models\" must be a list, got {type(entries).__name__}")
    out: dict[str, dict] = {}
    for i, item in enumerate(entries):
        if not isinstance(item, dict):
            raise bad(f"models[{i}] must be an object, got {type(item).__name__}")
        for key, kind in ENTRY_KEYS.items():
            if not isinstance(item.get(key), kind) or not item[key]:
                label = repr(item["id"]) if isinstance(item.get("id"), str) else f"[{i}]"
                raise bad(f"model {label} lacks {key!r}" if key not in item
                          else f"model {label} has a bad {key!r} ({item[key]!r})")
        file = item["file"].replace("\\", "/")
        if file.startswith("/") or ".." in file.split("/"):
            raise bad(f"model {item['id']!r} file {item['file']!r} leaves the models folder")
        out[item["id"]] = item
    return out


def read_manifest_file(path: Path) -> dict[str, dict]:
    """The manifest at `path`, with an error for each way the file can be broken."""
    if not path.exists():
        raise ModelError(f"no model manifest at {path}; {BUILD_HINT}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path}: cannot be read ({exc}); {REBUILD}") from exc
    if not text.strip():
        raise ModelError(f"{path}: the file is empty; {REBUILD}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: "
                         f"{exc.msg}); {REBUILD}") from exc
    return parse_manifest(data, str(path))


def models_dir() -> Path:
    env = os.environ.get("FRONTML_MODELS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "web" / "models"


async def manifest() -> dict[str, dict]:
    """Model id -> manifest entry."""
    global _manifest
    if _manifest is None:
        if IN_BROWSER:
            from frontml.runtime.js_glue import glue

            g = await glue()
            try:
                data = (await g.fetchJson("./models/manifest.json")).to_py()
            except Exception as exc:
                raise ModelError(f"models/manifest.json could not be loaded ({exc}); "
                                 f"{BUILD_HINT}") from exc
            _manifest = parse_manifest(data, "models/manifest.json")
        else:
            _manifest = read_manifest_file(models_dir() / "manifest.json")
    return _manifest


async def entry(model_id: str) -> dict:
    models = await manifest()
    if model_id not in models:
        raise ModelError(f"model {model_id!r} is not in the manifest (have: "
                         f"{', '.join(sorted(models))}); {BUILD_HINT}")
    return models[model_id]


async def load_bytes(model_id: str, progress: Progress | None = None):
    """The model file's bytes, sha256-checked. In the page: a JS Uint8Array (kept in JS)."""
    info = await entry(model_id)
    if IN_BROWSER:
        from pyodide.ffi import JsException, create_proxy

        from frontml.runtime.js_glue import glue

        g = await glue()
        callback = create_proxy(lambda loaded, total: progress(model_id, loaded, total)
                                if progress else None)
        try:
            return await g.fetchModel(model_id, f"./models/{info['file']}", info["sha256"],
                                      info.get("bytes", 0), callback)
        except JsException as exc:
            if getattr(exc.js_error, "name", "") == "ModelIntegrityError":
                raise ModelIntegrityError(model_id, info["sha256"], str(exc.js_error.actual),
                                          f"models/{info['file']}") from exc
            raise ModelError(str(exc.js_error.message)) from exc
        finally:
            callback.destroy()
    path = models_dir() / info["file"]
    if not path.exists():
        raise ModelError(f"model {model_id!r}: file {path} is missing; {BUILD_HINT}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"model {model_id!r}: cannot read {path} ({exc.strerror}); "
                         f"{REBUILD}") from exc
    actual = hashlib.sha256(data).hexdigest()
    if actual != info["sha256"]:
        raise ModelIntegrityError(model_id, info["sha256"], actual, str(path))
    if progress:
        progress(model_id, len(data), len(data))
    return data


def provider_for(info: dict, wanted: str) -> str:
    """`wanted`, or wasm where the conformance check found this model wrong on `wanted`
    (manifest "providers", from bench/conformance.py): a slower right answer beats a fast
    wrong one. CPython ignores the provider."""
    wanted = "wasm" if wanted == "cpu" else wanted
    supported = info.get("providers") or ["wasm", "webgl", "webgpu"]
    return wanted if wanted in supported else "wasm"


async def load_session(
    model_id: str, *, provider: str = "wasm", threads: int = 0, progress: Progress | None = None
) -> Session:
    """Fetch, verify and open a model by id on this runtime's backend."""
    data = await load_bytes(model_id, progress)
    info = await entry(model_id)
    candidates = tuple(info.get("providers") or ["wasm"])
    provider = "auto" if provider == "auto" else provider_for(info, provider)
    signature = ([TensorInfo.from_json(i) for i in info.get("inputs", [])],
                 [TensorInfo.from_json(o) for o in info.get("outputs", [])])
    session = await create_session(data, name=model_id, provider=provider, threads=threads,
                                   signature=signature, candidates=candidates,
                                   key=f"{model_id}.{info['sha256'][:16]}")
    choice = getattr(session, "provider_choice", {"how": "forced", "ms": {}})
    PROVIDERS_USED[model_id] = {"provider": getattr(session, "provider", "cpu"), **choice}
    _track_open(model_id, session)
    return session


def _track_open(model_id: str, session: Session) -> None:
    """Drop a model's PROVIDERS_USED entry when its last open session closes, so the HUD
    lists only what runs now (a switched-away model kept its entry before, issue #18)."""
    _OPEN_SESSIONS[model_id] = _OPEN_SESSIONS.get(model_id, 0) + 1
    release = session._close

    def close() -> None:
        release()
        _OPEN_SESSIONS[model_id] -= 1
        if not _OPEN_SESSIONS[model_id]:
            del _OPEN_SESSIONS[model_id]
            PROVIDERS_USED.pop(model_id, None)

    session._close = close


# model id -> {"provider", "how": "forced"|"measured"|"remembered", "ms": {provider: ms}} of
# the sessions opened so far (the page's HUD shows it).
PROVIDERS_USED: dict[str, dict] = {}
_OPEN_SESSIONS: dict[str, int] = {}  # model id -> sessions not yet closed
