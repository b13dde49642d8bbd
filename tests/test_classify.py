"""classify: text before the cursor → suggestions. Pure: no spec, no terminal."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.completion.candidates import DISPATCH
from explorer.completion.classify import (
    ContextName,
    FieldName,
    FieldValue,
    FilterKey,
    HeaderName,
    HeaderValue,
    MetaArg,
    MetaCommand,
    Method,
    OperationId,
    Path,
    QueryName,
    QueryValue,
    Target,
    Variable,
    classify,
)

META = ("context", "edit", "exit", "help", "quit", "refresh", "version", "view", "last", "pager")
CREATE = Target("POST", "/containers/create")
LIST = Target("GET", "/containers/json")
INSPECT = Target(None, "ContainerInspect")
PULL = Target("POST", "/plugins/pull")

CASES = [
    # first word: methods, meta commands, operationIds, paths
    ("", (Method(""), MetaCommand(""))),
    ("G", (Method("G"), OperationId("G"))),
    ("g", (Method("g"), OperationId("g"))),
    ("GE", (Method("GE"),OperationId("GE"))),
    ("P", (Method("P"), MetaCommand("P"), OperationId("P"))),  # `pager`: meta words match in any case
    ("DEL", (Method("DEL"), OperationId("DEL"))),
    ("he", (Method("he"), MetaCommand("he"), OperationId("he"))),
    ("hel", (MetaCommand("hel"), OperationId("hel"))),
    ("ex", (MetaCommand("ex"), OperationId("ex"))),
    ("re", (MetaCommand("re"), OperationId("re"))),
    ("Conta", (OperationId("Conta"),)),
    ("ContainerL", (OperationId("ContainerL"),)),
    ("conta", (OperationId("conta"),)),  # "cont" is also the start of `context`
    ("/", (Path("/"),)),
    ("/con", (Path("/con"),)),
    ("/containers/", (Path("/containers/"),)),
    ("!", (Method(""), MetaCommand(""))),
    ("!/con", (Path("/con"),)),
    ("!Conta", (OperationId("Conta"),)),
    ("9x", ()),
    ("-x", ()),
    # the target after a method
    ("GET ", (Path("", "GET"), OperationId("", "GET"))),
    ("get ", (Path("", "GET"), OperationId("", "GET"))),
    ("GET /", (Path("/", "GET"),)),
    ("GET /con", (Path("/con", "GET"),)),
    ("POST /containers/", (Path("/containers/", "POST"),)),
    ("DELETE /images/busybox", (Path("/images/busybox", "DELETE"),)),
    ("GET /v1.41/cont", (Path("/v1.41/cont", "GET"),)),
    ("GET /containers/json?a", ()),
    ("GET Cont", (OperationId("Cont", "GET"),)),
    ("POST ContainerC", (OperationId("ContainerC", "POST"),)),
    ("!POST /con", (Path("/con", "POST"),)),
    ("! POST /con", (Path("/con", "POST"),)),
    ("GET 12", ()),
    # items: names
    ("GET /containers/json ", (QueryName(LIST, ""), FieldName(LIST, (), ""), HeaderName(LIST, ""))),
    ("GET /containers/json a", (QueryName(LIST, "a"), FieldName(LIST, (), "a"), HeaderName(LIST, "a"))),
    ("GET /containers/json all==1 ",
     (QueryName(LIST, "", ("all",)), FieldName(LIST, (), ""), HeaderName(LIST, ""))),
    ("POST /containers/create ", (QueryName(CREATE, ""), FieldName(CREATE, (), ""), HeaderName(CREATE, ""))),
    ("POST /containers/create Image=x Tty:=true ",
     (QueryName(CREATE, ""), FieldName(CREATE, (), "", ("Image", "Tty")), HeaderName(CREATE, ""))),
    ("POST /containers/create HostConfig[NetworkMode]=none ",
     (QueryName(CREATE, ""), FieldName(CREATE, (), "", ("HostConfig",)), HeaderName(CREATE, ""))),
    ("POST /containers/create X-A:1 ",
     (QueryName(CREATE, ""), FieldName(CREATE, (), ""), HeaderName(CREATE, "", ("X-A",)))),
    ("POST /containers/create HostConfig[", (FieldName(CREATE, ("HostConfig",), ""),)),
    ("POST /containers/create HostConfig[Net", (FieldName(CREATE, ("HostConfig",), "Net"),)),
    ("POST /containers/create HostConfig[RestartPolicy][",
     (FieldName(CREATE, ("HostConfig", "RestartPolicy"), ""),)),
    ("POST /containers/create HostConfig[RestartPolicy][Na",
     (FieldName(CREATE, ("HostConfig", "RestartPolicy"), "Na"),)),
    ("POST /containers/create Env[", (FieldName(CREATE, ("Env",), ""),)),
    ("POST /containers/create [x", ()),
    ("POST /containers/create A[b]c[", ()),
    ("POST /containers/create A[b]]", ()),
    ("ContainerInspect ", (QueryName(INSPECT, ""), FieldName(INSPECT, (), ""), HeaderName(INSPECT, ""))),
    ("/containers/json ", (QueryName(Target(None, "/containers/json"), ""),
                           FieldName(Target(None, "/containers/json"), (), ""),
                           HeaderName(Target(None, "/containers/json"), ""))),
    # items: values
    ("GET /containers/json all==", (QueryValue(LIST, "all", ""),)),
    ("GET /containers/json all==t", (QueryValue(LIST, "all", "t"),)),
    ("ContainerInspect id==", (QueryValue(INSPECT, "id", ""),)),
    ("ContainerInspect id==we", (QueryValue(INSPECT, "id", "we"),)),
    ("POST /containers/create Image=", (FieldValue(CREATE, ("Image",), ""),)),
    ("POST /containers/create Image=bus", (FieldValue(CREATE, ("Image",), "bus"),)),
    ("POST /containers/create Tty:=", (FieldValue(CREATE, ("Tty",), "", json=True),)),
    ("POST /containers/create HostConfig[NetworkMode]=",
     (FieldValue(CREATE, ("HostConfig", "NetworkMode"), ""),)),
    ("POST /containers/create HostConfig[RestartPolicy][Name]=n",
     (FieldValue(CREATE, ("HostConfig", "RestartPolicy", "Name"), "n"),)),
    ("POST /containers/create [x]=1", ()),
    ("POST /images/create X-Registry-Auth:", (HeaderValue(Target("POST", "/images/create"), "X-Registry-Auth", ""),)),
    ("POST /images/create @", ()),
    ("POST /build @ctx.tar", ()),
    # filters: keys inside the JSON value, with what is still missing before them
    ("GET /containers/json filters==", (FilterKey(LIST, "filters", "", "'{\""),)),
    ("GET /containers/json filters=='", (FilterKey(LIST, "filters", "", "{\""),)),
    ("GET /containers/json filters=='{", (FilterKey(LIST, "filters", "", '"'),)),
    ("GET /containers/json filters=='{\"", (FilterKey(LIST, "filters", "", ""),)),
    ("GET /containers/json filters=='{\"st", (FilterKey(LIST, "filters", "st", ""),)),
    ("GET /containers/json filters=='{st", (FilterKey(LIST, "filters", "st", '"'),)),
    ("GET /containers/json filters=='{\"status\":[\"exited\"],\"la",
     (FilterKey(LIST, "filters", "la", ""),)),
    ("GET /containers/json filters=='{\"status\":[\"ex", ()),
    ("GET /containers/json filters=='{\"status\":[\"a\",\"b", ()),
    # variables, anywhere
    ("GET /containers/{{", (Variable(""),)),
    ("GET /containers/{{NA", (Variable("NA"),)),
    ("POST /containers/create Image={{IM", (Variable("IM"),)),
    ("{{", (Variable(""),)),
    ("GET /x 'X-A:{{ NA", (Variable("NA"),)),
    ("GET /x X-A:{{env.HO", (Variable("env.HO"),)),
    ("GET /containers/{{NAME}}/", (Path("/containers/{{NAME}}/", "GET"),)),
    # curl previews complete like requests; pasted curl lines do not
    ("curl ", (Method(""), MetaCommand(""))),
    ("curl GET /con", (Path("/con", "GET"),)),
    ("curl POST /containers/create Ima",
     (QueryName(CREATE, "Ima"), FieldName(CREATE, (), "Ima"), HeaderName(CREATE, "Ima"))),
    ("curl -X POST http://localhost/con", ()),
    ("curl --unix-socket /var/run/docker.sock ", ()),
    # meta command arguments
    ("help ", (OperationId(""), Path(""))),
    ("help Cont", (OperationId("Cont"),)),
    ("help /cont", (Path("/cont"),)),
    ("HELP /cont", (Path("/cont"),)),
    ("help ContainerList ", ()),
    ("context ", (ContextName(""),)),
    ("context ee-", (ContextName("ee-"),)),
    ("context ee-tls ", ()),
    ("exit ", ()),
    ("version x", ()),
    # quoting, comments, continuation lines
    ("GET /containers/json # all", ()),
    ("# GET", ()),
    ("GET \\\n/con", (Path("/con", "GET"),)),
    ("GET /containers/json \\\nal", (QueryName(LIST, "al"), FieldName(LIST, (), "al"), HeaderName(LIST, "al"))),
    ("GET '/con", (Path("/con", "GET"),)),
    ("POST /containers/create 'Ima", (QueryName(CREATE, "Ima"), FieldName(CREATE, (), "Ima"),
                                      HeaderName(CREATE, "Ima"))),
    ("POST /containers/create 'Labels[a b]=", (FieldValue(CREATE, ("Labels", "a b"), ""),)),
    ("POST /containers/create ':={\"Im", ()),  # a bare `:=JSON` is the whole body: nothing to offer
    # an array body's element: its fields come from the array's items (PluginPull's privileges)
    ("POST /plugins/pull [0][Na", (FieldName(PULL, ("0",), "Na"),)),
    ("POST /plugins/pull '[0][Value][]=", (FieldValue(PULL, ("0", "Value", ""), ""),)),
    # a meta command's word from a set
    ("view t", (MetaArg("t", ("json", "table", "expanded")),)),
    ("last ", (MetaArg("", ("json", "table", "expanded")),)),
    ("pager o", (MetaArg("o", ("on", "off")),)),
    ("view table x", ()),
]


@pytest.mark.parametrize("text, expected", CASES, ids=[repr(t) for t, _ in CASES])
def test_classify(text, expected):
    assert classify(text, META) == expected


def test_the_cases_expect_every_suggestion_the_completer_handles_and_none_at_all():
    """CASES pin each kind of suggestion candidates.DISPATCH turns into completions, and lines with nothing
    to suggest; a new suggestion type fails here until a case shows when classify makes it."""
    assert {type(s) for _, expected in CASES for s in expected} == set(DISPATCH)
    assert any(expected == () for _, expected in CASES)


def test_without_meta_words_a_meta_word_is_an_operation_id():
    assert classify("hel") == (OperationId("hel"),)


TOKENS = list("GETPOST /{}[]=:!@#'\"\\\n?.-_aZ09 ") + ["help ", "curl ", "filters==", "{{", "==", ":="]
LINES = st.lists(st.sampled_from(TOKENS), max_size=30).map("".join) | st.text(max_size=60)


@settings(max_examples=400, deadline=None)
@given(LINES)
def test_classify_never_raises(text):
    result = classify(text, META)
    assert isinstance(result, tuple)

