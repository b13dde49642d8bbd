"""What the docker CLI adds to a request from its config.json: HttpHeaders, and registry credentials.

- Every request gets config.json's `HttpHeaders`, before its own (a header the line sets wins; a
  `User-Agent` there is not used, as docker puts its own over it).
- A request that reaches a registry gets `X-Registry-Auth` for the registry of the image or plugin it
  names, as `docker pull`, `push`, `plugin install|upgrade|push` and the distribution inspect that
  `service create` makes send it: pull (ImageCreate's `fromImage`), push (ImagePush), PluginPull and
  PluginUpgrade (`remote`), PluginPush, DistributionInspect; ServiceCreate and ServiceUpdate (the
  body's TaskTemplate.ContainerSpec.Image) only when asked (--with-registry-auth), since the swarm
  stores it in the service. ImageBuild gets `X-Registry-Config`: every registry's credentials.
- A line that sets the header itself keeps its own; nothing is added when there are no credentials,
  but for a push, which the engine refuses without the header: it gets an empty `{}`, as docker sends.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import unquote

from explorer.core import credentials
from explorer.core.clientconfig import ClientConfig
from explorer.http.request import Request
from explorer.lang import imageref

AUTH, CONFIG = "X-Registry-Auth", "X-Registry-Config"
# (method, path prefix, path suffix, where the reference is: "path" (between the two), a query
# parameter's name, or "body" (a service spec), and whether it is sent only when asked)
_TAKES_AUTH = (
    ("POST", "/images/create", "", "fromImage", False),
    ("POST", "/images/", "/push", "path", False),
    ("POST", "/plugins/pull", "", "remote", False),
    ("GET", "/plugins/privileges", "", "remote", False),  # docker asks them before a pull, with credentials
    ("POST", "/plugins/", "/upgrade", "remote", False),
    ("POST", "/plugins/", "/push", "path", False),
    ("GET", "/distribution/", "/json", "path", False),
    ("POST", "/services/create", "", "body", True),
    ("POST", "/services/", "/update", "body", True),
)
# What every path above starts with: explorer.shell.dockerclient looks no further for other paths.
PREFIXES = ("/images/", "/plugins/", "/distribution/", "/services/", "/build")
_BUILD = "/build"


class Added(NamedTuple):
    """A request with what config.json adds, the credential headers it filled, and warnings."""

    request: Request
    # of (header, what it holds): ("X-Registry-Auth", "the credentials for 127.0.0.1:5000 from auths in FILE")
    filled: tuple = ()
    warnings: tuple = ()


def complete(req: Request, config: ClientConfig, env: Mapping, service_auth: bool = False) -> Added:
    """`req` with config.json's HttpHeaders and, where docker would send them, registry credentials."""
    own = req.header(CONFIG if req.path == _BUILD else AUTH) is not None  # the line's own header wins
    headers = _with_http_headers(req.headers, config.http_headers)
    req = req._replace(headers=headers) if headers is not req.headers else req
    if req.path == _BUILD and req.method == "POST":
        return Added(req) if own else _build_config(req, config, env)
    reference = _reference(req, service_auth)
    if reference is None or own:
        return Added(req)
    key = imageref.credentials_key(reference)
    found = credentials.lookup(config, key, env)
    warnings = (found.warning,) if found.warning else ()
    if not found.auth and not _is_push(req):
        return Added(req, (), warnings)
    what = (f"the credentials for {key} from {found.source}" if found.auth else
            f"no credentials (config.json has none for {key}): `e30=`, an empty {{}}, which a push needs")
    return Added(_with(req, AUTH, credentials.encode(found.auth)), ((AUTH, what),), warnings)


def reaches_registry(req: Request, service_auth: bool = False) -> bool:
    """Would docker send `req` registry credentials (so that config.json's are worth a fresh look)?"""
    return (req.method == "POST" and req.path == _BUILD) or _reference(req, service_auth) is not None


def http_headers(config: ClientConfig) -> tuple:
    """config.json's HttpHeaders as a request's headers (for what the session asks on its own)."""
    return _with_http_headers((), config.http_headers)


def _with_http_headers(own: tuple, extra: tuple) -> tuple:
    if not extra:
        return own
    mine = {name.lower() for name, _ in own}
    added = tuple((name, value) for name, value in extra
                  if name.lower() not in mine and name.lower() != "user-agent")
    return added + own if added else own


def _reference(req: Request, service_auth: bool) -> str | None:
    """The image or plugin reference `req` names where docker sends it credentials, else None."""
    path = req.path
    for method, prefix, suffix, where, asked in _TAKES_AUTH:
        if req.method != method or not path.startswith(prefix) or (asked and not service_auth):
            continue
        inner = path[len(prefix):len(path) - len(suffix)] if suffix else ""
        if (path != prefix if not suffix else not (path.endswith(suffix) and inner)):
            continue
        if where == "path":
            return unquote(inner)
        if where == "body":
            return _service_image(req.body) if "/" not in inner else None
        return next((value for name, value in req.query if name == where and value), None)
    return None


def _is_push(req: Request) -> bool:
    return req.method == "POST" and req.path.startswith("/images/") and req.path.endswith("/push")


def _service_image(body: bytes | None) -> str | None:
    if not body:
        return None
    import json  # a service spec, only with --with-registry-auth

    try:
        image = json.loads(body)["TaskTemplate"]["ContainerSpec"]["Image"]
    except (ValueError, KeyError, TypeError):
        return None
    return image if isinstance(image, str) and image else None


def _build_config(req: Request, config: ClientConfig, env: Mapping) -> Added:
    if not (config.auths or config.creds_store or config.cred_helpers):
        return Added(req)
    every, warnings = credentials.every(config, env)
    if not every:
        return Added(req, (), tuple(warnings))
    what = f"the credentials of {', '.join(sorted(every))} from {config.path}"
    return Added(_with(req, CONFIG, credentials.encode_every(every)), ((CONFIG, what),), tuple(warnings))


def _with(req: Request, name: str, value: str) -> Request:
    return req._replace(headers=req.headers + ((name, value),))
