"""`@record`: an immutable value type (a named tuple) declared like a typing.NamedTuple.

Every value type of the program is one. typing.NamedTuple would do, but importing `typing` and
building each class through collections.namedtuple and a subclass cost a start milliseconds; here
each class is made once, as a tuple subclass with the class body's methods. With
`from __future__ import annotations` the annotations stay strings and are never evaluated.
"""
from __future__ import annotations

from operator import itemgetter

try:
    from _collections import _tuplegetter  # CPython's field descriptor, as collections.namedtuple uses
except ImportError:  # other Pythons: a property does the same, slower
    def _tuplegetter(i: int, doc: str):
        return property(itemgetter(i), doc=doc)

_NOT_COPIED = frozenset({"__dict__", "__weakref__", "__annotations__"})
_tuple_new = tuple.__new__


def record(cls):
    """The tuple class with `cls`'s annotated fields (in order), their defaults, methods and docstring."""
    body = cls.__dict__
    names = tuple(body.get("__annotations__", ()))
    defaults = tuple(body[name] for name in names if name in body)
    args = ", ".join(names)
    # As collections.namedtuple does: a __new__ taking exactly the fields is the fastest to call.
    new = eval(f"lambda _cls, {args}: _tuple_new(_cls, ({args},))",  # noqa: S307 - names are identifiers
               {"_tuple_new": _tuple_new, "__builtins__": {}})
    new.__defaults__ = defaults or None
    new.__name__, new.__qualname__ = "__new__", f"{cls.__qualname__}.__new__"
    made = {k: v for k, v in body.items() if k not in _NOT_COPIED and k not in names}
    made.update(__new__=new, __slots__=(), _fields=names, __match_args__=names,
                _make=classmethod(_make), _replace=_replace, __repr__=_repr, __getnewargs__=_getnewargs)
    for i, name in enumerate(names):
        made[name] = _tuplegetter(i, f"field {i}, {name}")
    kind = type(cls.__name__, (tuple,), made)
    kind.__qualname__ = cls.__qualname__
    return kind


def _make(cls, values):
    """A record from an iterable of all its field values."""
    made = _tuple_new(cls, values)
    if len(made) != len(cls._fields):
        raise TypeError(f"{cls.__name__} takes {len(cls._fields)} values, not {len(made)}")
    return made


def _replace(self, /, **changes):
    """A copy with the named fields changed."""
    values = list(self)
    for name, value in changes.items():
        try:
            values[self._fields.index(name)] = value
        except ValueError:
            raise TypeError(f"{type(self).__name__} has no field {name!r}") from None
    return _tuple_new(type(self), values)


def _repr(self) -> str:
    return type(self).__name__ + "(" + ", ".join(f"{n}={v!r}" for n, v in zip(self._fields, self)) + ")"


def _getnewargs(self) -> tuple:
    return tuple(self)
