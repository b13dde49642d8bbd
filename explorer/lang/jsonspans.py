"""Where a field's string value sits in the text of a JSON object, as written.

A secret in a request body (explorer.lang.secrets) is hidden where it stands in the body's text,
so that everything around it stays byte for byte what is sent.
"""
from __future__ import annotations


def json_spans(text: str, fields: dict) -> list:
    """[(start, end, fields[key])] of the string values of the keys of `fields` at the top of JSON
    object `text` (inside the quotes, as written: escapes included). What precedes a syntax error
    is still found."""
    if not fields or not text.lstrip().startswith("{"):
        return []
    from json import JSONDecoder  # only a body with credential fields is walked

    decoder, spans = JSONDecoder(), []
    i = _blank(text, text.index("{") + 1)
    try:
        while text[i] == '"':
            key, i = decoder.raw_decode(text, i)
            i = _blank(text, i)
            if text[i] != ":":
                break
            start = _blank(text, i + 1)
            value, i = decoder.raw_decode(text, start)
            if key in fields and isinstance(value, str) and value:
                spans.append((start + 1, i - 1, fields[key]))
            i = _blank(text, i)
            if text[i] != ",":
                break
            i = _blank(text, i + 1)
    except (ValueError, IndexError):
        pass
    return spans


def _blank(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def pieces(text: str, spans: list, head: str = "") -> list:
    """`head + text` cut at `spans`: text, VARIABLE, text, … (the variable in place of each span)."""
    out, pos = [head], 0
    for start, end, variable in spans:
        out[-1] += text[pos:start]
        out += [variable, ""]
        pos = end
    out[-1] += text[pos:]
    return out
