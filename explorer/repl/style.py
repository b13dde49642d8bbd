"""Colours of the prompt, the highlighted line, the completion menu and the toolbar."""
from __future__ import annotations

from prompt_toolkit.styles import Style

STYLE = Style.from_dict({
    "prompt": "bold",
    "prompt.kind": "ansicyan bold",
    "prompt.offline": "ansired",
    "prompt.readonly": "ansiyellow bold",
    "method": "ansiblue bold",
    "path": "ansigreen",
    "path.value": "ansigreen bold underline",
    "operation": "ansicyan",
    "meta": "ansimagenta bold",
    "argument": "",
    "force": "ansired bold",
    "query": "ansiyellow",
    "header": "ansicyan",
    "field": "ansimagenta",
    "separator": "ansibrightblack",
    "value": "",
    "variable": "ansibrightred bold",
    "comment": "ansibrightblack italic",
    "bottom-toolbar": "noreverse bg:#303030 #d0d0d0",
    "completion-menu.completion": "bg:#303030 #e0e0e0",
    "completion-menu.completion.current": "bg:#5f87af #ffffff bold",
    "completion-menu.meta.completion": "bg:#262626 #a8a8a8",
    "completion-menu.meta.completion.current": "bg:#5f87af #ffffff",
})
