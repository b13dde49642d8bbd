"""Candidates: suggestions → completions from the real v1.41 spec, live values and variables."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.completion.candidates import LIMIT, Sources, complete
from explorer.completion.live import LiveValue, Snapshot
from explorer.completion.overlay import load as load_overlay
from explorer.completion.specview import SpecView
from explorer.spec import load_index

META = ("edit", "exit", "help", "quit", "refresh", "version")


@pytest.fixture(scope="module")
def view(spec_v141):
    return SpecView(load_index(str(spec_v141)))


@pytest.fixture(scope="module")
def live():
    values = {
        "containers": (LiveValue("web", "container · running · busybox:local"),
                       LiveValue("db", "container · exited · busybox:local"),
                       LiveValue("0123456789ab", "container web")),
        "images": (LiveValue("busybox:local", "image"), LiveValue("ghcr.io/a/b:1", "image")),
        "networks": (LiveValue("none", "network · null"), LiveValue("bridge", "network · bridge")),
        "execs": (LiveValue("e" * 64, "exec"),),
    }
    return Snapshot(values, load_overlay(), reachable=True, engine_version="1.41", engine_kind="docker")


@pytest.fixture(scope="module")
def src(view, live):
    return Sources(view, live, {"NAME": "web", "IMAGE": "busybox:local"}, META)


def texts(text, src):
    return [c.text for c in complete(text, src)]


def test_methods_and_meta_commands_on_an_empty_line(src):
    assert texts("", src) == ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] + list(META)


def test_method_prefix_is_case_insensitive_and_replaces_what_was_typed(src):
    found = complete("po", src)
    assert [(c.text, c.start) for c in found][:1] == [("POST", -2)]


def test_operation_ids_complete_with_summary_meta(src):
    found = complete("ContainerL", src)
    assert [c.text for c in found] == ["ContainerList", "ContainerLogs"]
    assert found[0].meta == "List containers" and found[0].start == -len("ContainerL")


def test_operation_ids_match_inside_names_after_prefix_matches(src):
    names = texts("Inspect", src)
    assert "ContainerInspect" in names and "ImageInspect" in names


def test_operation_ids_after_a_method_keep_only_that_method(src):
    names = texts("DELETE Container", src)
    assert names == ["ContainerDelete"]


def test_path_first_segment(src):
    found = complete("GET /con", src)
    assert [c.text for c in found] == ["containers/", "configs"]
    assert found[0].start == -3 and found[0].meta.endswith("operations")


def test_path_segments_only_for_the_method(src):
    assert "create" not in texts("GET /containers/", src)
    assert "create" in texts("POST /containers/", src)
    assert "json" not in texts("POST /containers/", src)


def test_path_offers_live_values_instead_of_the_placeholder(src):
    found = complete("GET /containers/", src)
    names = [c.text for c in found]
    assert names == ["json", "web/", "db/", "0123456789ab/"]
    assert not any(c.hint for c in found) and "{id}/" not in [c.display for c in found]
    web = next(c for c in found if c.text == "web/")
    assert web.meta == "container · running · busybox:local"


def test_a_placeholder_is_a_hint_saying_what_it_stands_for_never_text(view):
    """Offline (no live values) the placeholder is shown, with its meaning, and inserts nothing."""
    found = complete("GET /containers/", Sources(view, Snapshot(), {}, META))
    assert [(c.display, c.hint) for c in found] == [("json", False), ("{id}/", True)]
    hint = found[1]
    assert (hint.text, hint.start) == ("", 0) and hint.meta == "ID or name of the container"
    assert [c.display for c in complete("GET /volumes/", Sources(view, Snapshot(), {}, META))] == ["{name}"]


def test_a_placeholder_whose_live_list_is_empty_says_so(view):
    snap = Snapshot({"volumes": ()}, load_overlay(), True)
    found = complete("DELETE /volumes/", Sources(view, snap, {}, META))
    assert [(c.display, c.hint) for c in found] == [("{name}", True)]
    assert found[0].meta.endswith("· none on the engine")


def test_a_long_live_list_is_cut_with_a_hint_holding_what_all_share(view):
    values = tuple(LiveValue(f"ee-{i:05d}", "container") for i in range(2000))
    snap = Snapshot({"containers": values}, load_overlay(), True)
    found = complete("GET /containers/ee-01", Sources(view, snap, {}, META))
    assert len(found) == LIMIT + 1 and found[0].text == "ee-01000/"  # the list's own order
    more = found[-1]
    assert more.hint and more.display == f"… {1000 - LIMIT} more" and more.text == "ee-01"
    assert [c.text for c in complete("GET /containers/ee-01999", Sources(view, snap, {}, META))] == ["ee-01999/"]


def test_live_values_filtered_by_the_typed_part(src):
    assert texts("GET /containers/w", src) == ["web/"]


def test_path_after_a_live_value_continues_with_the_operations_below(src):
    names = texts("GET /containers/web/", src)
    assert {"json", "logs", "top", "stats"} <= set(names)
    assert "start" not in names  # POST only


def test_a_path_ending_in_a_parameter_with_that_method_gets_no_slash(src):
    assert "web" in texts("DELETE /containers/", src)


def test_image_names_complete_under_images(src):
    assert "busybox:local/" in texts("GET /images/b", src)
    assert "busybox:local" in texts("DELETE /images/b", src)


def test_image_name_with_slashes_still_reaches_deeper_templates(src):
    assert "json" in texts("GET /images/ghcr.io/a/b:1/", src)


def test_exec_ids_under_exec(src):
    assert "e" * 64 + "/" in texts("GET /exec/", src)


def test_path_start_after_a_method(src):
    found = complete("GET ", src)
    assert found[0].text.startswith("/") and "/containers/" in [c.text for c in found]
    assert "ContainerList" in [c.text for c in found]


def test_query_parameters_with_type_meta(src):
    found = complete("GET /containers/json ", src)
    assert [c.text for c in found] == ["all==", "limit==", "size==", "filters=="]
    assert found[0].meta == "boolean"


def test_used_query_parameters_come_last(src):
    assert texts("GET /containers/json all==1 ", src)[-1] == "all=="


def test_boolean_values(src):
    found = complete("GET /containers/json all==", src)
    assert [c.text for c in found] == ["true", "false"]
    assert found[1].meta == "default"


def test_enum_values_of_a_query_parameter(src):
    found = complete("POST /containers/web/wait condition==", src)
    assert [c.text for c in found] == ["not-running", "next-exit", "removed"]
    assert found[0].meta == "default"
    assert texts("POST /containers/web/wait condition==n", src) == ["not-running", "next-exit"]


def test_filter_keys_with_the_json_still_to_type(src):
    found = complete("GET /containers/json filters==", src)
    assert found[0].text == "'{\"ancestor\":[\""
    assert "status" in [c.display for c in found]
    inner = complete("GET /containers/json filters=='{\"st", src)
    assert [(c.text, c.start) for c in inner] == [('status":["', -2)]


def test_required_body_fields_and_types_for_container_create(src):
    found = complete("POST /containers/create ", src)
    names = [c.text for c in found]
    assert "Image=" in names and "HostConfig[" in names and "Cmd:=" in names and "Tty:=" in names
    assert names.index("name==") < names.index("Image=")  # query parameters first
    assert next(c for c in found if c.text == "Tty:=").meta == "boolean"


def test_used_body_fields_come_last(src):
    names = texts("POST /containers/create Image=x ", src)
    assert names[-1] == "Image="


def test_nested_body_fields(src):
    found = complete("POST /containers/create HostConfig[Net", src)
    assert [(c.text, c.start) for c in found] == [("NetworkMode]=", -3)]
    assert "Name]=" in texts("POST /containers/create HostConfig[RestartPolicy][", src)
    assert "RestartPolicy][" in texts("POST /containers/create HostConfig[", src)


def test_body_enum_values(src):
    names = texts("POST /containers/create HostConfig[RestartPolicy][Name]=", src)
    assert names == ["no", "always", "unless-stopped", "on-failure"]


def test_body_fields_fed_by_live_values(src):
    assert texts("POST /containers/create Image=b", src) == ["busybox:local"]
    assert "none" in texts("POST /containers/create HostConfig[NetworkMode]=", src)


def test_headers_the_spec_declares(src):
    found = complete("POST /images/create X-", src)
    assert [c.text for c in found] == ["X-Registry-Auth:"]


def test_operation_id_path_parameters_as_items_with_live_values(src):
    assert texts("ContainerInspect ", src)[0] == "id=="
    assert texts("ContainerInspect id==d", src) == ["db"]


def test_variables(src):
    found = complete("GET /containers/{{N", src)
    assert [(c.text, c.start) for c in found] == [("NAME}}", -1)]


def test_help_targets(src):
    assert texts("help ContainerLi", src) == ["ContainerList"]
    assert texts("help /con", src) == ["containers/", "configs"]


def test_meta_commands(src):
    assert texts("ref", src) == ["refresh"]


def test_values_needing_quotes_are_quoted(view):
    snap = Snapshot({"volumes": (LiveValue("my vol", "volume"),)}, load_overlay(), True)
    found = complete("GET /volumes/", Sources(view, snap, {}, META))
    assert "'my vol'" in [c.text for c in found]


def test_offline_without_spec_still_completes_methods_and_commands():
    src = Sources(None, Snapshot(), {}, META)
    assert texts("G", src) == ["GET"]
    assert texts("GET /con", src) == []
    assert texts("GET /containers/json a", src) == []


def test_without_live_values_paths_still_complete(view):
    src = Sources(view, Snapshot(), {}, META)
    assert [c.display for c in complete("GET /containers/", src)] == ["json", "{id}/"]
    assert texts("GET /containers/j", src) == ["json"]


def test_pasted_curl_lines_get_no_completion(src):
    assert texts("curl -X POST http://localhost/containers/", src) == []


LINE_PIECES = ["GET ", "POST ", "/containers/", "/images/", "json", "create ", "HostConfig[", "]", "[",
               "=", "==", ":=", ":", "all", "filters==", "'{\"", "{{", "}}", "help ", "curl ", "!", " ", "'", '"',
               "\\", "\n", "#", "ContainerList ", "id==", "Image=", "?", "{id}", "/v1.41"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(LINE_PIECES), max_size=12).map("".join) | st.text(max_size=50))
def test_completion_never_raises(src, text):
    for cand in complete(text, src):
        assert cand.start <= 0 and -cand.start <= len(text)


def test_a_field_whose_key_holds_a_colon_is_completed_as_a_field(src):
    """The parser splits `Labels[com.example:x]=` at the `=`: completion offers field values, not headers."""
    from explorer.completion.classify import FieldValue, classify

    found = classify("POST /containers/create Labels[com.example:x]=")
    assert [type(s) for s in found] == [FieldValue]


def test_podmans_three_part_version_prefix_completes(podman_spec):
    """GET /v5.0.0/libpod/containers/json al<Tab> offers all== (the prefix is Podman's libpod version)."""
    view = SpecView(load_index(str(podman_spec)))
    src = Sources(view, Snapshot(), {}, META)
    assert "all==" in texts("GET /v5.0.0/libpod/containers/json al", src)
    assert "all==" in texts("GET /v1.41/libpod/containers/json al", src)


def test_an_array_bodys_element_offers_the_fields_of_its_items(src):
    assert texts("POST /plugins/pull remote==x [0][", src) == ["Name]=", "Description]=", "Value]:="]
    assert texts("POST /plugins/pull remote==x [0][Va", src) == ["Value]:="]
