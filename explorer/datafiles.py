"""Where our own data files are at run time: the source list and the overlays of specs/."""
from __future__ import annotations

import os

_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def data_file(name: str) -> str:
    """The path of specs/NAME: inside the installed package (pyproject ships specs/ as explorer/specs),
    else next to explorer/ (a checkout, or an editable install).

    A stat, where importing explorer.specs to ask it would cost a package import through the
    install's finders at every start.
    """
    inside = os.path.join(_PACKAGE, "specs", name)
    if os.path.exists(inside):
        return inside
    return os.path.join(os.path.dirname(_PACKAGE), "specs", name)
