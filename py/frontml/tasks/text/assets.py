"""Load the text assets (JSON files listed in the model manifest, sha256-checked) in the page
or in CPython."""

from __future__ import annotations

import json

from frontml.models import Progress, load_bytes


async def load_json(asset_id: str, progress: Progress | None = None) -> dict:
    data = await load_bytes(asset_id, progress)
    if not isinstance(data, bytes | bytearray):  # the page: a JS Uint8Array
        data = data.to_bytes()
    return json.loads(data)
