"""frontml: on-device machine learning in the web page, written in Python.

The same pipelines run in the page (Pyodide + onnxruntime-web) and in CPython (onnxruntime).
In-page code is stdlib-only; see `frontml.runtime` for the two backends.
"""

from frontml.runtime import IN_BROWSER

__version__ = "0.1.0"
__all__ = ["IN_BROWSER", "__version__"]
