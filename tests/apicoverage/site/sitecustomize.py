"""Python runs this at start-up when this folder is on PYTHONPATH, as the API-coverage plugin puts it
for the subprocesses tests start: engine-explorer run as `python -m explorer` records its requests
too (tests/apicoverage/recorder.py). Loaded by file path, so no test module lands on sys.path."""

import os

if os.environ.get("ENGINE_EXPLORER_API_RECORD"):
    import importlib.util

    _path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "recorder.py")
    _spec = importlib.util.spec_from_file_location("_engine_explorer_api_recorder", _path)
    if _spec is not None and _spec.loader is not None:
        _recorder = importlib.util.module_from_spec(_spec)
        _spec.loader.exec_module(_recorder)
        _recorder.install()
