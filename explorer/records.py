"""`@record`: an immutable value type (a named tuple) declared like a typing.NamedTuple.

Every value type of the program is one. typing.NamedTuple would do, but importing `typing` costs
a start more than all the records together; collections is loaded with Python anyway. With
`from __future__ import annotations` the annotations stay strings and are never evaluated.
"""
from __future__ import annotations

from collections import namedtuple

_NOT_COPIED = frozenset({"__dict__", "__weakref__", "__annotations__"})


def record(cls):
    """The named tuple class with `cls`'s annotated fields, their defaults, methods and docstring."""
    names = list(cls.__dict__.get("__annotations__", ()))
    defaults = [cls.__dict__[name] for name in names if name in cls.__dict__]
    base = namedtuple(cls.__name__, names, defaults=defaults, module=cls.__module__)
    body = {k: v for k, v in cls.__dict__.items() if k not in _NOT_COPIED and k not in names}
    body["__slots__"] = ()
    made = type(cls.__name__, (base,), body)
    made.__qualname__ = cls.__qualname__
    return made
