"""Specs that attack their reader: YAML aliases that stand for billions of values, self-reference,
nesting, numbers and tags Python cannot build. Shared by tests and scripts/fuzz."""
from __future__ import annotations


def laughs(levels: int = 9, width: int = 10, body: bool = True) -> str:
    """A "billion laughs" spec: each level's object has `width` properties that are all the level
    below (YAML aliases), so `levels` levels stand for width**levels values in ~1.3 kB; the
    top level is ContainerCreate's body schema."""
    lines = ['swagger: "2.0"', 'info: {title: "Docker Engine API", version: "1.41"}', "x-laughs:"]
    lines.append('  l0: &l0 {type: string, description: "lol"}')
    for level in range(1, levels + 1):
        props = ", ".join(f"p{i}: *l{level - 1}" for i in range(width))
        lines.append(f"  l{level}: &l{level} {{type: object, properties: {{{props}}}}}")
    lines += ["paths:", "  /containers/create:", "    post:", "      operationId: ContainerCreate",
              "      consumes: [application/json]"]
    if body:
        lines.append(f"      parameters: [{{name: body, in: body, schema: *l{levels}}}]")
    lines.append("      responses: {201: {description: created}}")
    return "\n".join(lines) + "\n"


HOSTILE_SPECS = {
    "billion laughs": laughs(),
    "self-reference": 'swagger: "2.0"\npaths: &p {/x: {get: {responses: {200: *p}}}}\n',
    "deep flow": 'swagger: "2.0"\npaths: {}\nx: ' + "[" * 5000 + "]" * 5000 + "\n",
    "deep block": 'swagger: "2.0"\npaths: {}\nx:\n' + "".join(" " * (i + 1) + "-\n" for i in range(1500)),
    "deep json": '{"swagger": "2.0", "paths": {}, "x": ' + "[" * 5000 + "]" * 5000 + "}",
    "huge int": 'swagger: "2.0"\npaths: {}\nx: !!int ' + "9" * 5000 + "\n",
    "bad timestamp": 'swagger: "2.0"\npaths: {}\nx: !!timestamp 2020-99-99\n',
    "bad binary": 'swagger: "2.0"\npaths: {}\nx: !!binary "not base64!"\n',
    "python tag": 'swagger: "2.0"\npaths: {}\nx: !!python/object/apply:os.system ["touch /tmp/ee-pwned"]\n',
    "paths not a map": 'swagger: "2.0"\npaths: [1, 2]\n',
    "operation not a map": 'swagger: "2.0"\npaths: {/x: {get: 5}}\n',
    "params not a list": 'swagger: "2.0"\npaths: {/x: {get: {parameters: 5, responses: {}}}}\n',
    "ref loop": ('swagger: "2.0"\npaths: {/containers/create: {post: {operationId: C, parameters: '
                 '[{name: body, in: body, schema: {$ref: "#/definitions/A"}}], responses: {}}}}\n'
                 'definitions: {A: {$ref: "#/definitions/B"}, B: {$ref: "#/definitions/A"}}\n'),
    "ref chain": ('swagger: "2.0"\npaths: {/containers/create: {post: {operationId: C, parameters: '
                  '[{name: body, in: body, schema: {$ref: "#/definitions/D0"}}], responses: {}}}}\n'
                  "definitions:\n" + "".join(
                      f"  D{i}: {{type: object, properties: {{n: {{$ref: \"#/definitions/D{i + 1}\"}}}}}}\n"
                      for i in range(2000)) + "  D2000: {type: string}\n"),
    "not utf-8": b'swagger: "2.0"\npaths: {}\nx: "\xff\xfe"\n'.decode("latin-1"),
    "empty": "",
    "a list": "- 1\n- 2\n",
}
