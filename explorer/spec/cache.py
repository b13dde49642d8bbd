"""The built SpecIndex, pickled under $XDG_CACHE_HOME/engine-explorer/index/ so a start parses no YAML.

Warm path (every start): stat the spec, read a tiny stamp file keyed on (path, size, mtime_ns)
that names the content's sha256, unpickle the operations. No hashing (hashlib alone costs ~10 ms
to import), no yaml. Schema definitions live in a second pickle that is read on first use.
"""
from __future__ import annotations

import gc
import os
import pickle
import time
import zlib
from functools import partial
from collections.abc import Mapping

from explorer.errors import SpecError
from explorer.spec.index import SpecIndex
from explorer.spec.model import Operation, Param, SpecInfo

FORMAT = 2  # bump when what is pickled changes meaning; the model's field names are added below
_LAYOUT = "%08x" % zlib.crc32(" ".join(
    name for cls in (Operation, Param, SpecInfo) for name in cls._fields).encode())
_SUFFIX = f"f{FORMAT}-{_LAYOUT}"
_RACY_NS = 2_000_000_000  # a file changed this recently may change again within the same mtime tick


def cache_dir(kind: str, env: Mapping | None = None) -> str:
    """$XDG_CACHE_HOME/engine-explorer/<kind> (XDG default ~/.cache; a relative value is ignored)."""
    env = os.environ if env is None else env
    base = env.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):
        base = os.path.join(env.get("HOME") or os.path.expanduser("~"), ".cache")
    return os.path.join(base, "engine-explorer", kind)


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
    stamp = os.path.join(root, "%08x-%s.stamp" % (zlib.crc32(os.fsencode(path)), os.path.basename(path)[:64]))
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
        with open(base + ".ops.pickle", "rb") as f:
            index = _unpickle(f.read())
    except Exception:  # a corrupt pickle can raise almost anything; the cure is always a rebuild
        return None
    if not isinstance(index, SpecIndex) or index.info.sha256 != sha:
        return None
    index.set_definitions_loader(partial(_read_definitions, base + ".defs.pickle", path))
    return index if index.info.source == path else index.with_info(_moved(index.info, path))


def _unpickle(data: bytes) -> object:
    """pickle.loads without the cyclic GC: thousands of fresh objects would trigger ~0.5 ms of collections."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if enabled:
            gc.enable()


def _read_definitions(file: str, source: str) -> dict:
    """The pickled definitions; when that pickle is gone or damaged, read them from the spec again."""
    try:
        with open(file, "rb") as f:
            found = _unpickle(f.read())
        if isinstance(found, dict):
            return found
    except Exception:  # as in _read_index: any failure means "read the spec instead"
        pass
    from explorer.spec import load

    return load.definitions(load.load_document(source))


def _moved(info: SpecInfo, path: str) -> SpecInfo:
    """`info` of content cached from another path, now read from `path`."""
    from explorer.spec import load

    return info._replace(source=path, api_version=info.api_version or load.api_version_from_name(path))


def _read_spec(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as err:
        raise SpecError(f"{path}: cannot read the spec file ({err.strerror}); check the path") from None


def _build(data: bytes, path: str, sha: str) -> SpecIndex:
    from explorer.spec import load
    from explorer.spec.index import build_index

    return build_index(load.parse_document(data, path), path, sha)


def _write_index(root: str, sha: str, index: SpecIndex) -> None:
    """Definitions first, operations last: an operations pickle implies its definitions exist."""
    base = os.path.join(root, f"{sha}-{_SUFFIX}")
    if write_atomic(base + ".defs.pickle", pickle.dumps(index.definitions, protocol=5)):
        write_atomic(base + ".ops.pickle", pickle.dumps(index, protocol=5))


def write_atomic(target: str, data: bytes) -> bool:
    """Write via a temporary file and rename, so readers never see half a file; False on failure.

    A cache that cannot be written (read-only home, full disk) only costs speed, so it is silent.
    """
    tmp = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
        return True
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False
