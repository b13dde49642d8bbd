"""Fixtures the API tests share."""

from __future__ import annotations

import pytest

from tests.integration.apidriver import Explorer


@pytest.fixture(scope="module")
def ee(engine_host, spec_dir):
    """One explorer per test module, verbose, on the real transport to the sandbox engine."""
    explorer = Explorer(engine_host, spec_dir)
    yield explorer
    explorer.close()
