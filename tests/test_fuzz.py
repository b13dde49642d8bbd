"""A fixed-seed slice of scripts/fuzz: hostile lines, in-process, sent and --dry-run; any traceback,
hang or exit code but 0/1/2 fails the suite (the whole run, with the hostile-server matrix, is
`scripts/fuzz N`)."""
from __future__ import annotations

import pytest

from tests.fuzzrun import fuzz_lines, summary

SLICE = 400  # lines: a few seconds


@pytest.mark.timeout(120, method="thread")  # fuzz_lines uses SIGALRM to stop a hung line itself
def test_a_fixed_seed_slice_of_hostile_lines_breaks_nothing(spec_v141):
    report = fuzz_lines(SLICE, seed=14, spec=str(spec_v141))
    assert report.lines == SLICE
    assert report.ok(), summary(report, 0)
    assert set(report.codes) <= {0, 1, 2}


@pytest.mark.timeout(60, method="thread")
def test_the_fuzzer_reports_what_escapes_and_what_hangs(spec_v141, monkeypatch):
    from explorer.shell.session import Session
    from tests import fuzzrun

    real = Session.build

    def build(self, line, *args, **kwargs):
        if len(line.target) % 3 == 0:
            raise RuntimeError("planted")
        if len(line.target) % 3 == 1:
            import threading  # a line that never ends: SIGALRM must end it
            threading.Event().wait()
        return real(self, line, *args, **kwargs)

    monkeypatch.setattr(Session, "build", build)
    monkeypatch.setattr(fuzzrun, "HANG_S", 0.2)
    report = fuzz_lines(40, seed=14, spec=str(spec_v141))
    assert not report.ok()
    found = {what for what, cause in report.causes()}
    assert {"traceback", "hang"} <= found, summary(report, 0)
    assert any("RuntimeError" in cause and "planted" in cause for _, cause in report.causes())
