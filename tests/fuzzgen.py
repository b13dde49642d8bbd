"""Hostile lines for scripts/fuzz: generated from the command language's grammar, then mutated as bytes.

`Lines(index, seed)` yields lines a red team would type or paste: requests built from the spec's
own paths, operationIds and parameters, items of every separator, nested keys and JSON, quoting
and escapes, variables, redirects and pipes, meta commands and pasted curl lines, each word now
and then replaced by a hostile atom (NUL, lone surrogates, bytes that are not UTF-8, escape
sequences, huge numbers, deep nesting, long strings). A third of the lines are then mutated as
bytes (flips, inserts, deletions, repeats, splices) and decoded as stdin would be.

The same seed gives the same lines: a failure is reproduced by its seed and its number.
"""
from __future__ import annotations

import random

METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "get", "Post", "TRACE", "")
META = ("help", "version", "headers", "set", "unset", "vars", "expect", "save", "run", "export",
        "import", "exit", "quit", "edit", "refresh")
SEPARATORS = ("==", ":=", "=", ":", "@", "=@", ":=@")
# Files the fuzz may read: ordinary, endless, huge, without a size, and ones it writes itself.
READ_FILES = ("body.json", "script.ee", "/dev/null", "/dev/zero", "/proc/self/status", "missing",
              "out.txt", "saved.ee", "", ".", "..", "/", "curl.sh")
WRITE_FILES = ("out.txt", "saved.ee", "exported.sh", "/dev/full", "/dev/null", "sub/dir/x", ".", "",
               "a\x00b", "\udcff.txt", "\ud800", "~/x")
PIPES = ("cat", "head -c 10", "true", "wc -c", "false", "no-such-command", "cat; cat", "exit 3")
CURL_OPTIONS = ("-X", "-H", "-d", "--data-binary", "--data-raw", "--data-urlencode", "-G", "-s", "-v",
                "-i", "--compressed", "--unix-socket", "-u", "-o", "--url", "-F", "-T", "--json", "-k",
                "--max-time", "-L", "--", "-", "--header", "--request", "-XPOST", "-HX-A:b", "-d@body.json")


def atoms(rng: random.Random) -> str:
    """One hostile value."""
    pick = rng.randrange(30)
    if pick == 2 and rng.random() < 0.9:  # long strings cost time, not new paths: now and then
        pick = 5
    if pick == 0:
        return "9" * rng.choice((19, 20, 309, 4300, 4301, 5000))
    if pick == 1:
        return rng.choice("[{") * rng.choice((10, 999, 1100, 5000))
    if pick == 2:
        return "a" * rng.choice((1000, 65536, 200_000))
    if pick == 3:
        return "".join(chr(rng.randrange(0x110000)) for _ in range(rng.randrange(1, 8)))
    if pick == 4:
        return "".join(chr(0xDC80 + rng.randrange(128)) for _ in range(rng.randrange(1, 4)))  # bytes
    return rng.choice((
        "", " ", "x", "0", "-1", "1e999", "NaN", "null", "true", "[]", "{}", '{"a":', "\x00", "\ud800",
        "\udfff", "\udcff", "\x1b]0;pwned\x07", "\x1b[2J", "\x9b31m", "é", "😀", "\u202e", "\r", "\n",
        "\t", "'", '"', "\\", "$'", "{{v}}", "{{nope}}", "{{", "}}", "{{v", "$HOME", "~", "%00", "%",
        "%zz", "../..", "/", "//", "?", "&", "#", "|", ">", ">>", "=", "==", ":", ":=", "@", "[", "]",
        "[]", "[0]", "[-1]", "[999999999]", "a[b", "@/dev/zero", "http://[::1", "unix://", "-", "--",
    ))


class Lines:
    """An endless, seeded supply of hostile lines for one spec index."""

    def __init__(self, index, seed: int) -> None:
        self.rng = random.Random(seed)
        self.ops = list(index.operations) if index is not None else []
        self.recent: list = ["GET /version"]  # for splicing

    def __iter__(self):
        return self

    def __next__(self) -> str:
        rng = self.rng
        line = rng.choice((self.request, self.request, self.request, self.meta, self.curl,
                           self.curl, self.odd))()
        if rng.random() < 0.2:
            line += " " + self.redirect()
        if rng.random() < 0.35:
            line = self.mutate(line)
        self.recent = (self.recent + [line])[-20:]
        return line

    # -- grammar ------------------------------------------------------------------------------------

    def value(self) -> str:
        rng = self.rng
        if rng.random() < 0.3:
            return atoms(rng)
        return rng.choice(("web", "busybox:local", "1", "true", "a b", "x y z", "{{v}}", "ghcr.io/a/b:1",
                           "0123456789ab", "é", "1.5", "-", "a=b", "a:b", "a==b"))

    def word(self, text: str) -> str:
        """`text` quoted one of the ways the shell words allow (or left bare)."""
        rng = self.rng
        how = rng.randrange(8)
        if how == 0:
            return "'" + text.replace("'", "'\\''") + "'"
        if how == 1:
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if how == 2:
            return "$'" + "".join(self.escape(ch) for ch in text) + "'"
        if how == 3:
            return "".join("\\" + ch if ch in " '\"\\|>#" else ch for ch in text)
        return text

    def escape(self, ch: str) -> str:
        rng = self.rng
        if rng.random() < 0.7:
            return ch if ch not in "'\\" else "\\" + ch
        return rng.choice((f"\\x{ord(ch) & 0xFF:02x}", f"\\u{ord(ch) & 0xFFFF:04x}", f"\\U{ord(ch):08x}",
                           "\\0", "\\c@", "\\e", "\\ud800", "\\x", "\\u", "\\U110000", "\\", "\\'"))

    def target(self) -> str:
        rng = self.rng
        if not self.ops or rng.random() < 0.1:
            return rng.choice(("/", "/_ping", "/version", "/v1.41/info", "/v9.99/info", "/v1/x", "x",
                               "/containers/json?all=1&a", "/containers/" + atoms(rng) + "/json", atoms(rng)))
        op = rng.choice(self.ops)
        if rng.random() < 0.15:
            return op.operation_id if rng.random() < 0.8 else op.operation_id.lower() + atoms(rng)
        path = op.path
        while "{" in path and "}" in path:
            start, end = path.index("{"), path.index("}")
            path = path[:start] + self.value().replace("/", rng.choice(("/", "%2F", ""))) + path[end + 1:]
        if rng.random() < 0.1:
            path = "/v1.41" + path
        if rng.random() < 0.1:
            path += "?" + self.value() + "=" + self.value()
        return path

    def key(self) -> str:
        rng = self.rng
        names = ["Image", "Cmd", "Env", "HostConfig", "Labels", "all", "filters", "X-Registry-Auth",
                 "Content-Type", "a", "", "Binds", "NetworkMode", "Memory", "stdout", "follow", "tail"]
        for op in rng.sample(self.ops, min(2, len(self.ops))):
            names += [p.name for p in op.params]
        key = rng.choice(names)
        depth = rng.choice((0, 0, 1, 2, 3, 10, 1000)) if rng.random() < 0.4 else 0
        key += "".join(rng.choice(("[a]", "[0]", "[]", "[Labels]")) for _ in range(depth))
        if rng.random() < 0.1:
            key += "[" + atoms(rng) + "]"
        return key

    def json_value(self, depth: int = 0) -> str:
        rng = self.rng
        pick = rng.randrange(10)
        if depth > 3 or pick < 4:
            return rng.choice(('"x"', "1", "-0", "1.5e3", "true", "null", '"{{v}}"', "{{v}}", "9" * 4400,
                               '"\\ud800"', '"\\u0000"', "1e999", "NaN", "'x'", "", "[", "01"))
        if pick < 7:
            return "[" + ",".join(self.json_value(depth + 1) for _ in range(rng.randrange(4))) + "]"
        return "{" + ",".join(f'"{self.value()}":{self.json_value(depth + 1)}'
                              for _ in range(rng.randrange(3))) + "}"

    def item(self) -> str:
        rng = self.rng
        sep = rng.choice(SEPARATORS)
        if sep.endswith("@"):
            return self.word(self.key() + sep + rng.choice(READ_FILES))
        if sep == "@":
            return self.word("@" + rng.choice(READ_FILES))
        value = self.json_value() if sep == ":=" else self.value()
        if sep == ":=" and rng.random() < 0.05:
            value = "[" * 1100 + "]" * 1100
        return self.word(self.key() + sep + value)

    def request(self) -> str:
        rng = self.rng
        words = [rng.choice(METHODS)] if rng.random() < 0.7 else []
        words.append(self.word(self.target()))
        words += [self.item() for _ in range(rng.choice((0, 1, 1, 2, 3, 5, 20)))]
        if rng.random() < 0.05:
            words.append("# " + self.value())
        return " ".join(w for w in words if w is not None)

    def meta(self) -> str:
        rng = self.rng
        name = rng.choice(META)
        args: list = {
            "set": lambda: [rng.choice(("v", "w", "HOME", "", "1a", "v" * 300)), rng.choice(("=", "")), self.value()],
            "unset": lambda: [rng.choice(("v", "w", "nope"))],
            "save": lambda: [rng.choice(WRITE_FILES)],
            "export": lambda: [rng.choice(WRITE_FILES)],
            "run": lambda: [rng.choice(READ_FILES)],
            "import": lambda: [rng.choice(READ_FILES)],
            "help": lambda: [rng.choice(("", "GET", "POST")), self.target()],
            "headers": lambda: [self.item()],
            "expect": lambda: [rng.choice(("200", "2xx", "404", "x", "", "999", "-1", "body.a==1"))],
        }.get(name, lambda: [self.value()] if rng.random() < 0.2 else [])()
        return " ".join([name] + [self.word(a) for a in args if a is not None])

    def curl(self) -> str:
        rng = self.rng
        if rng.random() < 0.3:
            return "curl " + self.request()  # a preview
        words = ["curl"]
        for _ in range(rng.randrange(6)):
            opt = rng.choice(CURL_OPTIONS)
            words.append(opt)
            if opt in ("-X", "--request"):
                words.append(self.word(rng.choice(METHODS + (atoms(rng),))))
            elif opt in ("-H", "--header"):
                words.append(self.word(rng.choice(("X-A", "Content-Type", "Authorization", "")) + ": " + self.value()))
            elif opt in ("-d", "--data-binary", "--data-raw", "--data-urlencode", "--json", "-F", "-T"):
                words.append(self.word(rng.choice(("{}", "@body.json", "@/dev/zero", "@missing", "a=b")) +
                                       (self.value() if rng.random() < 0.3 else "")))
            elif opt in ("--unix-socket", "-o", "-u", "--max-time", "--url"):
                words.append(self.word(self.value()))
        base = rng.choice(("http://localhost", "http://docker", "http://[::1", "http://h:99999", "https://x",
                           "ftp://x", "localhost", "http://" + atoms(rng), "http://localhost:2375", ""))
        words.append(self.word(base + self.target()))
        return " ".join(words)

    def odd(self) -> str:
        rng = self.rng
        return rng.choice(("", " ", "#", "\\", "|", ">", "> out.txt", "'", '"', "$'", "{{v}}", "{{", "=",
                           "GET", "GET /version \"\"", "a" * 1000, "GET /version #", "\x00", "\ud800",
                           atoms(rng), " ".join(atoms(rng) for _ in range(5))))

    def redirect(self) -> str:
        rng = self.rng
        op = rng.choice((">", ">>", "|", ">|", "> >", "||"))
        target = rng.choice(PIPES) if op.startswith("|") else rng.choice(WRITE_FILES)
        return op + " " + self.word(target)

    # -- bytes ----------------------------------------------------------------------------------------

    def mutate(self, line: str) -> str:
        """`line` after a few byte mutations, decoded as stdin is (bytes not UTF-8 kept as escapes)."""
        rng = self.rng
        data = bytearray(line.encode("utf-8", "surrogatepass"))
        for _ in range(rng.randrange(1, 6)):
            pos = rng.randrange(len(data) + 1)
            how = rng.randrange(7)
            if how == 0 and data:
                data[min(pos, len(data) - 1)] ^= 1 << rng.randrange(8)
            elif how == 1:
                data[pos:pos] = bytes([rng.choice(b"\x00\xff\xed\xc3\x80\x1b\\'\"{}|>#=:@[] \t\n\r$")])
            elif how == 2:
                del data[pos:pos + rng.randrange(1, 8)]
            elif how == 3:
                data[pos:pos] = data[pos:pos + rng.randrange(1, 8)] * rng.choice((2, 10, 1000))
            elif how == 4:
                other = rng.choice(self.recent).encode("utf-8", "surrogatepass")
                data[pos:] = other[rng.randrange(len(other) + 1):]
            elif how == 5:
                data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4)))
            elif data:
                data[min(pos, len(data) - 1)] = rng.randrange(256)
        return bytes(data).decode("utf-8", "surrogateescape")
