"""The built SpecIndex, cached under $XDG_CACHE_HOME/engine-explorer/index/ so a start parses no YAML.

Warm path (every start): stat the spec, read a tiny stamp file keyed on (path, size, mtime_ns)
that names the content's sha256, load the operations. No hashing (hashlib alone costs ~10 ms to
import), no yaml. Schema definitions live in a second file that is read on first use.

The files are marshal data (plain tuples, dicts and strings) rather than pickles: marshal is
built into the interpreter, where importing pickle costs a start more than the whole load, and
marshal never runs code on load. Its format may change between Python versions, so the file
names carry the interpreter's version.
"""
from __future__ import annotations

import gc
import marshal
import os
import sys
import time
from collections.abc import Mapping
from functools import partial

from explorer.core.errors import SpecError
from explorer.core.files import cache_dir, write_atomic
from explorer.spec.index import SpecIndex
from explorer.spec.model import Operation, Param, SpecInfo

FORMAT = 5  # bump when what is cached changes meaning; the model's field names are added below


def _fnv32(data: bytes) -> int:
    """FNV-1a: a stable 32-bit hash for cache file names (importing zlib for crc32 costs more)."""
    h = 0x811C9DC5
    for byte in data:
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


_LAYOUT = "{:08x}".format(_fnv32(" ".join(
    name for cls in (Operation, Param, SpecInfo) for name in cls._fields).encode()))
_SUFFIX = f"f{FORMAT}-{_LAYOUT}-py{sys.version_info[0]}{sys.version_info[1]}"
_PARAMS = Operation._fields.index("params")
_RACY_NS = 2_000_000_000  # a file changed this recently may change again within the same mtime tick


def load_index(path: str, *, env: Mapping | None = None) -> SpecIndex:
    """The SpecIndex of the spec file at `path`, from the cache when it is current, else built and cached."""
    path = os.path.abspath(path)
    try:
        st = os.stat(path)
    except OSError as err:
        raise SpecError(f"{path}: cannot read the spec file ({err.strerror}); check the path") from None
    root = cache_dir("index", env)
    key = f"{st.st_size} {st.st_mtime_ns} ".encode() + os.fsencode(path)
    # one stamp per spec path, overwritten when the file changes; its content says for which (size, mtime)
    stamp = os.path.join(root, f"{_fnv32(os.fsencode(path)):08x}-{os.path.basename(path)[:64]}.stamp")
    sha = _read_stamp(stamp, key)
    index = _read_index(root, sha, path) if sha else None
    if index is not None:
        return index
    data = _read_spec(path)
    import hashlib  # cold path only

    sha = hashlib.sha256(data).hexdigest()
    index = _read_index(root, sha, path)  # same content seen before under another path or mtime
    if index is None:
        index = _build(data, path, sha)
        _write_index(root, sha, index)
    if time.time_ns() - st.st_mtime_ns > _RACY_NS:
        write_atomic(stamp, key + b"\n" + sha.encode())
    return index


def _read_stamp(stamp: str, key: bytes) -> str:
    """The sha256 recorded for `key`, or "" (missing, unreadable, or another file's stamp)."""
    try:
        with open(stamp, "rb") as f:
            recorded, _, sha = f.read().rpartition(b"\n")
    except OSError:
        return ""
    return sha.decode("ascii", "replace") if recorded == key and len(sha) == 64 else ""


def _read_index(root: str, sha: str, path: str) -> SpecIndex | None:
    """The cached index for content `sha`, or None when absent or unreadable (then it is rebuilt)."""
    base = os.path.join(root, f"{sha}-{_SUFFIX}")
    try:
        with open(base + OPS, "rb") as f:
            index = _without_gc(_index_from_data, f.read())
    except Exception:  # a damaged file can raise almost anything; the cure is always a rebuild
        return None
    if index.info.sha256 != sha:
        return None
    index.set_definitions_loader(partial(_read_definitions, base + DEFS, path))
    return index if index.info.source == path else index.with_info(_moved(index.info, path))


OPS, DEFS = ".ops.marshal", ".defs.marshal"


def _index_data(index: SpecIndex) -> bytes:
    """The index as plain data: info, operations (their params as plain tuples), tag order, $ref prefix."""
    ops = tuple(op[:_PARAMS] + (tuple(tuple(p) for p in op.params),) + op[_PARAMS + 1:]
                for op in index.operations)
    return _dumps((tuple(index.info), ops, index.tag_order, index.ref_prefix, index.route_table()))


def _index_from_data(data: bytes) -> SpecIndex:
    info, ops, tag_order, ref_prefix, routes = marshal.loads(data)
    if not _well_formed(info, ops, routes):
        raise ValueError("valid marshal data, but not an index")  # caught by _read_index: rebuilt
    op_type, param_type, cut = Operation, Param, _PARAMS
    operations = tuple(op_type._make(op[:cut] + (tuple([param_type._make(p) for p in op[cut]]),) + op[cut + 1:])
                       for op in ops)
    index = SpecIndex(SpecInfo(*info), operations, None, tag_order, ref_prefix)
    index.set_route_table(routes)
    return index


def _well_formed(info, ops, routes) -> bool:
    """The shapes the index's lookups rely on (strings where they compare text, tuples where they
    walk): a cache file of valid marshal data but another shape is rebuilt, not used. Cheap."""
    if type(info) is not tuple or not all(type(v) is str for v in info[:6]) or type(ops) is not tuple:
        return False
    for op in ops:
        if type(op) is not tuple or len(op) != _OP_FIELDS or type(op[0]) is not str or type(op[1]) is not str \
                or type(op[2]) is not str or type(op[_PARAMS]) is not tuple:
            return False
        for p in op[_PARAMS]:
            if type(p) is not tuple or len(p) != _PARAM_FIELDS or type(p[0]) is not str or type(p[1]) is not str:
                return False
    return type(routes) is dict and all(type(k) is int and type(v) is list for k, v in routes.items()) \
        and all(type(e) is tuple and len(e) == 3 and type(e[0]) is str and type(e[1]) is tuple
                for entries in routes.values() for e in entries)


_OP_FIELDS, _PARAM_FIELDS = len(Operation._fields), len(Param._fields)


def _dumps(value) -> bytes:
    """marshal.dumps; values YAML can give that marshal cannot hold (dates in examples) become strings."""
    try:
        return marshal.dumps(value)
    except ValueError:
        return marshal.dumps(_marshallable(value))


def _marshallable(value):
    if isinstance(value, dict):
        return {_marshallable(k): _marshallable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_marshallable(v) for v in value)
    if value is None or isinstance(value, (str, bytes, bool, int, float)):
        return value
    return str(value)


def _without_gc(load, data: bytes):
    """load(data) without the cyclic GC: thousands of fresh objects would trigger ~0.5 ms of collections."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return load(data)
    finally:
        if enabled:
            gc.enable()


def _read_definitions(file: str, source: str) -> dict:
    """The cached definitions; when that file is gone or damaged, read them from the spec again."""
    try:
        with open(file, "rb") as f:
            found = _without_gc(marshal.loads, f.read())
        if isinstance(found, dict):
            return found
    except Exception:  # as in _read_index: any failure means "read the spec instead"
        pass
    from explorer.spec import load  # json and the parser: only a cache miss needs them

    return load.definitions(load.load_document(source))


def _moved(info: SpecInfo, path: str) -> SpecInfo:
    """`info` of content cached from another path, now read from `path`."""
    from explorer.spec import load  # json and the parser: only a cache miss needs them

    return info._replace(source=path, api_version=info.api_version or load.api_version_from_name(path))


def _read_spec(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as err:
        raise SpecError(f"{path}: cannot read the spec file ({err.strerror}); check the path") from None


def _build(data: bytes, path: str, sha: str) -> SpecIndex:
    from explorer.spec import load  # json and the parser: only a cache miss needs them
    from explorer.spec.index import build_index  # with load: a cache miss only

    return build_index(load.parse_document(data, path), path, sha)


def _write_index(root: str, sha: str, index: SpecIndex) -> None:
    """Definitions first, operations last: an operations file implies its definitions exist."""
    base = os.path.join(root, f"{sha}-{_SUFFIX}")
    if write_atomic(base + DEFS, _dumps(index.definitions)):
        write_atomic(base + OPS, _index_data(index))
