"""What Tab inserts: the only candidate, or the longest start all share; never a hint."""
from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.completion.candidates import Candidate, Sources, complete
from explorer.completion.insertion import Insertion, aligned, insertion
from explorer.completion.live import LiveValue, Snapshot
from explorer.completion.overlay import load as load_overlay
from explorer.completion.specview import SpecView
from explorer.spec import load_index


@pytest.fixture(scope="module")
def view(spec_v141):
    return SpecView(load_index(str(spec_v141)))


def cands(*texts, start=0):
    return [Candidate(t, start) for t in texts]


def test_nothing_offered_inserts_nothing():
    assert insertion("GET /nope/", []) is None


def test_the_only_candidate_goes_in_whole():
    assert insertion("GET /containers/w", cands("web/", start=-1)) == Insertion("web/", -1, True)


def test_the_only_candidate_that_adds_nothing_is_no_insertion():
    assert insertion("GET /containers/json", cands("json", start=-4)) is None


def test_several_insert_what_they_all_start_with(view):
    text = "POST /containers/create Attac"
    found = complete(text, Sources(view))
    assert [c.text for c in found] == ["AttachStdin:=", "AttachStdout:=", "AttachStderr:="]
    assert insertion(text, found) == Insertion("AttachStd", -len("Attac"), False)


def test_several_sharing_nothing_more_insert_nothing():
    assert insertion("ContainerL", cands("ContainerList", "ContainerLogs", start=-10)) is None


def test_a_placeholder_hint_keeps_anything_from_going_in(view):
    found = complete("GET /containers/", Sources(view))  # json, and {id}: any name could go here
    assert [c.hint for c in found] == [False, True]
    assert insertion("GET /containers/", found) is None


def test_a_lone_hint_is_never_inserted():
    assert insertion("GET /volumes/", [Candidate("", 0, "{name}", "Volume name or ID", hint=True)]) is None


def test_a_cut_list_inserts_only_what_the_values_left_out_share_too(view):
    """Of 2,000 names the first 300 shown all start `ee-00`; the rest do not: only `ee-0` goes in."""
    values = tuple(LiveValue(f"ee-{i:05d}") for i in range(2000))
    snap = Snapshot({"containers": values}, load_overlay(), True)
    found = complete("DELETE /containers/e", Sources(view, snap))
    assert os.path.commonprefix([c.text for c in found if not c.hint]) == "ee-00"
    assert insertion("DELETE /containers/e", found) == Insertion("ee-0", -1, False)


def test_letter_case_follows_the_candidates_once_something_is_added():
    assert insertion("po", cands("POST", start=-2)) == Insertion("POST", -2, True)
    assert insertion("attachs", cands("AttachStdin", "AttachStdout", start=-7)) == Insertion("AttachStd", -7, False)
    assert insertion("x", cands("AttachStdin", "AttachStdout", start=-1)) is None  # not a start of theirs


def test_candidates_replacing_different_lengths_are_aligned():
    found = [Candidate("ab", -1), Candidate("xabc", -2)]
    assert aligned("zxa", found) == (-2, ["xab", "xabc"])
    assert insertion("zxa", found) == Insertion("xab", -2, False)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abc", max_size=4), st.lists(st.text(alphabet="abc", max_size=5), min_size=1, max_size=5))
def test_an_insertion_is_a_start_of_every_candidate_and_longer_than_what_is_typed(typed, tails):
    found = [Candidate(typed + tail, -len(typed)) for tail in tails]
    got = insertion(typed, found)
    if got is not None:
        assert all(c.text.startswith(got.text) for c in found)
        assert len(got.text) > len(typed) or (len(found) == 1 and got.whole)
