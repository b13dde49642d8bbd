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
