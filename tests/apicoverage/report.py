"""From what was recorded to the table: which operations a run proved, the gates, the printed table.

A run's summary is plain JSON (saved in pytest's cache, .pytest_cache/v/engine-explorer/api-coverage),
so `scripts/api-coverage` prints the table of the last run from it with nothing but the stdlib.
"""

from __future__ import annotations

import ast
import textwrap
import time
from pathlib import Path
from typing import NamedTuple

from .scope import CANNOT, GATES, SPEC_VERSION

CACHE_KEY = "engine-explorer/api-coverage"
WIDTH = 118


class Record(NamedTuple):
    """One request engine-explorer's Transport sent (see recorder.py)."""

    test: str
    endpoint: str
    method: str
    target: str
    status: int | None
    server: str | None

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Journal:
    """Everything recorded in one folder so far; `update()` reads what was added since (each line once)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.records: list[Record] = []
        self.proofs: list[tuple[str, str]] = []
        self.engines: set[str] = set()  # endpoints that said `Server: Docker/…`
        self.by_test: dict[str, list[Record]] = {}
        self._read: dict[Path, int] = {}

    def update(self) -> None:
        """Read the lines added to the folder's logs since the last call."""
        for path in sorted(self.folder.glob("*.log")):
            with path.open("rb") as log:
                log.seek(self._read.get(path, 0))
                data = log.read()
            end = data.rfind(b"\n") + 1  # a line being written is read next time
            self._read[path] = self._read.get(path, 0) + end
            for line in data[:end].decode("utf-8").splitlines():
                fields = ast.literal_eval(line)
                if path.name.startswith("proofs-"):
                    self.proofs.append(fields)
                else:
                    record = Record(*fields)
                    self.records.append(record)
                    self.by_test.setdefault(record.test, []).append(record)
                    if (record.server or "").startswith("Docker/"):
                        self.engines.add(record.endpoint)

    def from_engine(self, record: Record) -> bool:
        """Whether the request went to a real Docker engine (its endpoint said so at least once)."""
        return record.endpoint in self.engines


def summarise(journal: Journal, operation_of, operations, full: bool) -> dict:
    """The run's summary: per operation, the tests that proved it and whether it got a 2xx at all.

    An operation is proven by a test only when that test both called `proven(op)` and sent it
    through engine-explorer to a real engine with a 2xx; `proven()` checks that as it is called,
    and it is checked again here, from the records alone.
    """
    succeeded: dict[str, set[str]] = {}  # operationId → tests that got a 2xx from an engine
    for record in journal.records:
        if record.succeeded and journal.from_engine(record):
            op_id = operation_of(record.method, record.target)
            if op_id:
                succeeded.setdefault(op_id, set()).add(record.test)
    proven: dict[str, set[str]] = {}
    for test, op_id in journal.proofs:
        if test in succeeded.get(op_id, ()):
            proven.setdefault(op_id, set()).add(test)
    rows = [{"id": op.id, "tag": op.tag, "method": op.method, "path": op.path,
             "proven_by": sorted(proven.get(op.id, ())), "sent_2xx": op.id in succeeded,
             "cannot": CANNOT.get(op.id)} for op in operations]
    return {"spec": SPEC_VERSION, "full": full, "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
            "engine_answered": bool(journal.engines), "operations": rows, "gates": gate_results(rows)}


def gate_results(rows: list[dict]) -> list[dict]:
    """Each gate with how many of its operations were proven."""
    results = []
    for gate in GATES:
        mine = [row for row in rows if gate.covers(row["tag"])]
        proven = sum(1 for row in mine if row["proven_by"])
        results.append({"name": gate.name, "minimum": gate.minimum, "proven": proven, "total": len(mine),
                        "passed": proven >= gate.minimum})
    return results


def render(summary: dict) -> list[str]:
    """The table: per tag proven/total and what is not proven; the exceptions; the gates."""
    rows = summary["operations"]
    proven = [row for row in rows if row["proven_by"]]
    kind = "a full run" if summary["full"] else "a partial run, not gated"
    lines = [f"API coverage, Docker Engine API v{summary['spec']}: {len(proven)} of {len(rows)} operations "
             f"proven on a real engine ({kind}, {summary['finished']})",
             "  proven = engine-explorer sent it, got a 2xx, and the test asserted its effect",
             f"  {'tag':<13} {'proven':>7}  not proven (* cannot be exercised here)"]
    tags: dict[str, list[dict]] = {}
    for row in rows:
        tags.setdefault(row["tag"], []).append(row)
    for tag, mine in sorted(tags.items(), key=lambda item: (-len(item[1]), item[0])):
        missing = [row["id"] + ("*" if row["cannot"] else "") for row in mine if not row["proven_by"]]
        head = f"  {tag:<13} {sum(1 for row in mine if row['proven_by']):>3}/{len(mine):<3}  "
        lines += _wrapped(head, ", ".join(missing) or "-")
    unasserted = [row["id"] for row in rows if row["sent_2xx"] and not row["proven_by"]]
    if unasserted:
        lines += _wrapped("  got a 2xx, effect never asserted: ", ", ".join(unasserted))
    cannot = [row for row in rows if row["cannot"]]
    if cannot:
        lines.append("  * cannot be exercised here (tests/apicoverage/scope.py):")
        for row in cannot:
            lines += _wrapped(f"    {row['id']:<25} ", row["cannot"])
    for gate in summary["gates"]:
        verdict = "passed" if gate["passed"] else "FAILED"
        if not summary["full"]:
            verdict = "not applied (partial run)"
        elif not summary["engine_answered"]:
            verdict = "not applied (no engine answered)"
        lines.append(f"  gate, {gate['name']}: {gate['proven']} of {gate['total']} proven, "
                     f"at least {gate['minimum']} needed: {verdict}")
    return lines


def _wrapped(head: str, text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=head, subsequent_indent=" " * len(head),
                         break_on_hyphens=False) or [head.rstrip()]


def failed_gates(summary: dict) -> list[dict]:
    """The gates a full run with an engine did not pass (none for a partial run)."""
    if not summary["full"] or not summary["engine_answered"]:
        return []
    return [gate for gate in summary["gates"] if not gate["passed"]]
