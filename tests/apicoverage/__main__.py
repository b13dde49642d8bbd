"""`python -m tests.apicoverage [ROOT]`: print the API-coverage table of the last test run (scripts/api-coverage)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .report import CACHE_KEY, failed_gates, render


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path.cwd()
    saved = root / ".pytest_cache" / "v" / CACHE_KEY
    try:
        summary = json.loads(saved.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        print(f"no API coverage recorded yet ({saved}): run scripts/test", file=sys.stderr)
        return 2
    if summary is None:
        print("the last run had no v1.41 spec, so it measured no API coverage", file=sys.stderr)
        return 2
    print("\n".join(render(summary)))
    return 1 if failed_gates(summary) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
