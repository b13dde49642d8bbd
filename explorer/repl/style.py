"""Colours of the prompt, the highlighted line, the completion menu and the toolbar.

`style = "default"` in config.toml gives STYLE; a pygments style's name colours the highlighted
line with that style's colours for the tokens each part resembles (the JSON bodies follow it too,
explorer.core.console.colour_json), over the same prompt, menu and toolbar.
"""
from __future__ import annotations

import os

from prompt_toolkit.styles import BaseStyle, Style, merge_styles

STYLE = Style.from_dict({
    "prompt": "bold",
    "prompt.kind": "ansicyan bold",
    "prompt.offline": "ansired",
    "prompt.readonly": "ansiyellow bold",
    "prompt.context": "ansimagenta bold",
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
# no-color.org: NO_COLOR turns colour off (prompt_toolkit then drops every colour), so a suggestion
# from history would look typed; these attributes are no colour, and keep it apart.
NO_COLOR_SUGGESTION = "dim italic underline"

# Each part of a highlighted line → the pygments token whose colours it takes in a named style.
# Body fields take Name.Tag, as the keys of a JSON body do in pygments' JSON lexer.
TOKENS = {
    "method": "Keyword",
    "path": "Name.Namespace",
    "operation": "Name.Function",
    "meta": "Keyword.Reserved",
    "force": "Name.Exception",
    "query": "Name.Attribute",
    "header": "Name.Builtin",
    "field": "Name.Tag",
    "separator": "Operator",
    "value": "String",
    "variable": "Name.Variable",
    "comment": "Comment",
}


def style(name: str = "default", env=os.environ) -> BaseStyle:
    """STYLE, or STYLE with the highlighted line in pygments style `name`'s colours; under
    NO_COLOR, history suggestions dim, italic and underlined."""
    if env.get("NO_COLOR"):
        return merge_styles([_named(name), Style.from_dict({"auto-suggestion": NO_COLOR_SUGGESTION})])
    return _named(name)


def _named(name: str) -> Style:
    if name == "default":
        return STYLE
    # pygments' styles: only a config that names one loads them
    from pygments.styles import get_style_by_name
    from pygments.token import string_to_tokentype

    source = get_style_by_name(name)
    rules = [(part, _rule(source.style_for_token(string_to_tokentype(token)))) for part, token in TOKENS.items()]
    rules.append(("path.value", _rule(source.style_for_token(string_to_tokentype(TOKENS["path"]))) +
                  " bold underline"))
    kept = [(part, rule) for part, rule in STYLE.style_rules if part not in TOKENS and part != "path.value"]
    return Style(kept + rules)


def _rule(token_style: dict) -> str:
    """A pygments token style → a prompt_toolkit style string (foreground and attributes only:
    the terminal keeps its background)."""
    parts = ["#" + token_style["color"]] if token_style.get("color") else []
    parts += [attr for attr in ("bold", "italic", "underline") if token_style.get(attr)]
    return " ".join(parts)
