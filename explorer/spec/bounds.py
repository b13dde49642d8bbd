"""How big a parsed spec may be before anything walks it: the one check every document passes.

A YAML alias makes two places hold one node; PyYAML builds it once and shares it, so a 1.3 kB
"billion laughs" file loads into little memory, but stands for 10^9 values, and any walk that
copies (resolving a body schema, help's field tree, marshal's fallback) would write them all
out. A document is also refused when it contains itself, or nests deeper than any spec (the
walks over schemas are recursive, and a cap here keeps them within Python's stack).
"""
from __future__ import annotations

from explorer.core.errors import SpecError

# Real specs hold 12,000-17,000 values, 16 levels deep (Docker 1.41-1.56, Podman 5).
MAX_VALUES = 1_000_000  # counted as if every YAML alias were written out
MAX_DEPTH = 100


def check_size(doc: object, name: str) -> None:
    """Refuse a document whose YAML aliases make it huge (a "billion laughs": 1.3 kB that stands for
    10^9 values, which any walk that copies would expand), that contains itself, or that nests
    deeper than any spec. One pass, each shared node counted once: a SpecError naming the file."""
    sizes: dict = {}  # id(node) → values under it, aliases written out
    stack: list = [(doc, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None or (not done and id(node) in sizes):
            continue
        if depth > MAX_DEPTH:
            raise SpecError(f"{name}: nested more than {MAX_DEPTH} levels deep, which no API spec is; "
                            "use another spec")
        if not done:
            sizes[id(node)] = -1  # being counted: met again below itself, it contains itself
            stack.append((node, depth, True))
            for child in children:
                if sizes.get(id(child)) == -1 and isinstance(child, (dict, list)):
                    raise SpecError(f"{name}: a YAML alias refers to a node that contains it (the document "
                                    "never ends); use another spec")
                stack.append((child, depth + 1, False))
            continue
        total = sizes[id(node)] = 1 + sum(sizes.get(id(c), 1) if isinstance(c, (dict, list)) else 1
                                          for c in children)
        if total > MAX_VALUES:
            raise SpecError(f"{name}: its YAML aliases stand for more than {MAX_VALUES:,} values (a \"billion "
                            "laughs\" document?); use another spec")
