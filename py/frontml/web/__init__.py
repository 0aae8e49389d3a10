"""Page-only helpers (Pyodide): the JS glue, camera/frames, the frame loop, HUD, model loader."""
