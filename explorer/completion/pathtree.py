"""Path templates as a tree of segments, for completing a path one segment at a time.

Built once per spec; a lookup walks only the typed segments, so a 5,000-path spec completes as
fast as a 100-path one.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Node:
    """One segment position: literal children, parameter children, and what ends here."""

    prefix: str  # the template up to and including this segment, e.g. "/containers/{id}"
    literals: dict = field(default_factory=dict)  # segment text → Node
    params: dict = field(default_factory=dict)  # "{id}" → Node (also "{name}.json" style segments)
    ops: dict = field(default_factory=dict)  # method → Operation ending here
    methods: set = field(default_factory=set)  # methods ending here or anywhere below
    count: int = 0  # operations ending here or anywhere below

    def child(self, segment: str) -> Node:
        """The child for template segment `segment`, created when new."""
        table = self.params if "{" in segment else self.literals
        node = table.get(segment)
        if node is None:
            node = table[segment] = Node(f"{self.prefix}/{segment}")
        return node


@dataclass(frozen=True)
class Step:
    """A possible next segment: literal text, or a parameter (`param` set) to be filled in."""

    segment: str  # literal text, or "{id}"
    node: Node
    param: str = ""  # the parameter's name for "{id}"; "" for a literal


class PathTree:
    """Every template of a spec, by segment."""

    def __init__(self, operations) -> None:
        self.root = Node("")
        for op in operations:
            node = self.root
            node.methods.add(op.method)
            for segment in op.path.strip("/").split("/"):
                node = node.child(segment)
                node.methods.add(op.method)
                node.count += 1
            node.ops.setdefault(op.method, op)

    def walk(self, segments: list) -> list:
        """The nodes reached by typed `segments`; a parameter may span segments only as a fallback."""
        nodes = self._walk(segments, span=False)
        return nodes or self._walk(segments, span=True)

    def _walk(self, segments: list, span: bool) -> list:
        states = [self.root]
        for seg in segments:
            nxt: list = []
            for node in states:
                if seg in node.literals:
                    nxt.append(node.literals[seg])
                if seg:
                    nxt.extend(n for s, n in node.params.items() if _fits(s, seg))
            if span:  # an image name like ghcr.io/a/b: stay inside the parameter
                nxt.extend(n for n in states if n.prefix.endswith("}") and seg)
            states = _unique(nxt)
            if not states:
                break
        return states

    def steps(self, segments: list, method: str | None) -> list:
        """The next segments after `segments`, literals first, keeping those that lead to `method`."""
        out: list = []
        seen: set = set()
        for node in self.walk(segments):
            for table in (node.literals, node.params):
                for seg, child in table.items():
                    if (method is None or method in child.methods) and (seg, id(child)) not in seen:
                        seen.add((seg, id(child)))
                        out.append(Step(seg, child, _param_name(seg)))
        return out


def _fits(template_segment: str, seg: str) -> bool:
    """A `{id}` segment takes anything; `{name}.json` needs the literal part too."""
    if template_segment.startswith("{") and template_segment.endswith("}") and template_segment.count("{") == 1:
        return True
    head, _, rest = template_segment.partition("{")
    tail = rest.rpartition("}")[2]
    return seg.startswith(head) and seg.endswith(tail) and len(seg) > len(head) + len(tail)


def _param_name(segment: str) -> str:
    if "{" not in segment:
        return ""
    return segment.partition("{")[2].partition("}")[0]


def _unique(nodes: list) -> list:
    seen: set = set()
    out = []
    for node in nodes:
        if id(node) not in seen:
            seen.add(id(node))
            out.append(node)
    return out
