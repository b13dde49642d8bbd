"""JSON text ⇄ values, where everything Python cannot hold is a ValueError like any bad JSON.

json.loads and json.dumps fail in two ways a caller catching ValueError does not expect: nesting
deeper than Python's recursion limit raises RecursionError (a response 5,000 arrays deep), and an
integer of more than 4,300 digits raises a ValueError that is no JSONDecodeError. Requests, bodies,
responses, captures and specs all come from users or engines, so every parse and every dump of such
a value goes through here. Imported where JSON is used (the json import is then paid anyway).
"""
from __future__ import annotations

import json


class Unreadable(ValueError):
    """JSON that is valid but more than Python can hold or write: too deep, a number too long."""


TOO_DEEP = "nested too deeply (Python's recursion limit)"


def loads(data):
    """json.loads; nesting too deep or a number too long is an Unreadable (a ValueError)."""
    try:
        return json.loads(data)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise Unreadable(TOO_DEEP) from None
    except ValueError as err:  # int() past sys.get_int_max_str_digits()
        raise Unreadable(_first_sentence(err)) from None


def dumps(value, **options) -> str:
    """json.dumps; a value too deep or a number too long to write is an Unreadable (a ValueError)."""
    try:
        return json.dumps(value, **options)
    except RecursionError:
        raise Unreadable(TOO_DEEP) from None
    except ValueError as err:
        raise Unreadable(_first_sentence(err)) from None


def raw_decode(text: str, pos: int) -> tuple:
    """json.JSONDecoder().raw_decode from `pos`, with loads' failures."""
    try:
        return _DECODER.raw_decode(text, pos)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise Unreadable(TOO_DEEP) from None
    except ValueError as err:
        raise Unreadable(_first_sentence(err)) from None


_DECODER = json.JSONDecoder()


def _first_sentence(err: Exception) -> str:
    """CPython's digit-limit message goes on about sys.set_int_max_str_digits(): keep the fact."""
    return str(err).split(";")[0]
