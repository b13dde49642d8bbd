"""Schemas with their `$ref`s resolved and `allOf` merged, for SpecIndex.resolve.

Results are shared: a `$ref` resolves once per index, and so does every node the spec shares.
"""
from __future__ import annotations


class Resolver:
    """One `resolve` call: the refs being expanded (cycle guard) around the index-wide memos.

    A node the spec shares (a YAML alias, or one schema reached twice) resolves to one shared
    result, memoised by identity: resolving costs what the spec holds, not what it stands for
    (a "billion laughs" body schema grew past 20 GB when each path made its own copy).
    """

    _DATA = frozenset({"example", "examples", "default", "enum"})  # values, not schemas: not walked
    MAX_DEPTH = 128  # levels, `$ref`s followed included: deeper is left as written (Python's stack)

    def __init__(self, definitions: dict, prefix: str, memo: dict, nodes: dict) -> None:
        self.definitions, self.prefix, self.memo, self.nodes = definitions, prefix, memo, nodes
        self.active: set[str] = set()
        self.cuts = 0  # cycles and depth cut so far: a result cut short must not be memoised

    def walk(self, node: object, depth: int = 0) -> object:
        if not isinstance(node, (dict, list)):
            return node
        found = self.nodes.get(id(node))
        if found is not None and found[0] is node:
            return found[1]
        if depth > self.MAX_DEPTH:
            self.cuts += 1
            return node
        before = self.cuts
        out = self._walk(node, depth + 1)
        if self.cuts == before:
            self.nodes[id(node)] = (node, out)  # the node is kept too: its id stays its own
        return out

    def _walk(self, node, depth: int) -> object:
        if isinstance(node, list):
            return [self.walk(item, depth) for item in node]
        ref = node.get("$ref")
        if isinstance(ref, str):
            return self._follow(ref, node, depth)
        out: dict = {}
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):  # names → schemas, any name allowed
                out[key] = {name: self.walk(schema, depth) for name, schema in value.items()}
            else:
                out[key] = value if key in self._DATA else self.walk(value, depth)
        return _merge_all_of(out) if isinstance(out.get("allOf"), list) else out

    def _follow(self, ref: str, node: dict, depth: int) -> object:
        target: object
        if ref in self.memo:
            target = self.memo[ref]
        elif ref in self.active or (raw := self._lookup(ref)) is None:
            self.cuts += ref in self.active
            return node  # a cycle, or a ref outside this spec: left for the reader
        else:
            self.active.add(ref)
            before = self.cuts
            target = self.walk(raw, depth)
            self.active.discard(ref)
            if self.cuts == before:
                self.memo[ref] = target
        siblings = {k: v for k, v in node.items() if k != "$ref"}  # OpenAPI 3.1 allows these
        if siblings and isinstance(target, dict):
            walked = self.walk(siblings, depth)
            return {**target, **walked} if isinstance(walked, dict) else target
        return target

    def _lookup(self, ref: str) -> object:
        if not ref.startswith(self.prefix):
            return None
        node: object = self.definitions
        for key in ref[len(self.prefix):].split("/"):
            key = key.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or key not in node:
                return None
            node = node[key]
        return node


def _merge_all_of(schema: dict) -> dict:
    """Fold resolved allOf parts into one schema (shallow: properties and required are unioned)."""
    merged: dict = {}
    kept = []  # parts still holding a $ref (a cycle) cannot be folded
    for part in schema["allOf"] + [{k: v for k, v in schema.items() if k != "allOf"}]:
        if not isinstance(part, dict) or "$ref" in part:
            kept.append(part)
            continue
        for key, value in part.items():
            if key == "properties" and isinstance(value, dict):
                merged["properties"] = {**merged.get("properties", {}), **value}
            elif key == "required" and isinstance(value, list):
                merged["required"] = list(dict.fromkeys(merged.get("required", []) + value))
            else:
                merged[key] = value
    if kept:
        merged["allOf"] = kept
    return merged
