"""Access to the page's JS glue module (web/js/frontml.js), imported once and cached."""

from __future__ import annotations

_glue = None


async def glue():
    """Return the glue module, importing it relative to the page on first use."""
    global _glue
    if _glue is None:
        from pyodide.code import run_js

        _glue = await run_js("import(new URL('./js/frontml.js', document.baseURI).href)")
    return _glue


def loaded_glue():
    """The glue module for synchronous callers; `await glue()` must have run first."""
    if _glue is None:
        raise RuntimeError(
            "frontml JS glue not loaded yet: await frontml.runtime.js_glue.glue() first")
    return _glue
