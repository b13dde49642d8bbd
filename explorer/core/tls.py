"""TLS to an engine on TCP, set up as the docker CLI sets it up: --tls, --tlsverify, --tlscacert,
--tlscert, --tlskey, DOCKER_TLS, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, or a docker context's files.

Loaded only for an engine on TCP (explorer.core.config). Every file is checked before anything is
sent, so a missing one is one line naming the file and where it came from. The rules, docker's:
TLS is on with --tls or --tlsverify (or their variables, set to anything but ""), never because of
a port; --tls alone does not verify the engine's certificate; the CA defaults to
$DOCKER_CERT_PATH/ca.pem (which must exist, even for --tls alone: docker 20.10 and 28 read it),
the client certificate and key to cert.pem and key.pem there when they exist; DOCKER_CERT_PATH
defaults to $DOCKER_CONFIG (~/.docker).
Ours: https://HOST:PORT is TLS too, verified against the system's CAs unless a CA is given.
"""
from __future__ import annotations

import os
from typing import Any, NamedTuple

from explorer.core.dockerconfig import config_dir
from explorer.core.errors import UsageError

_FILES = (("tlscacert", "tls_ca", "ca.pem", "CA certificate"),
          ("tlscert", "tls_cert", "cert.pem", "client certificate"),
          ("tlskey", "tls_key", "key.pem", "client key"))


class TLS(NamedTuple):
    """How to talk TLS to an engine: the files curl gets as --cacert, --cert and --key."""

    ca: str | None  # the CA the engine's certificate must chain to; None: the system's CAs
    cert: str | None  # the client certificate, sent with `key`; None: none is sent
    key: str | None
    verify: bool = True  # False: docker's --tls alone, or a context's SkipTLSVerify (curl --insecure)

    def describe(self) -> str:
        """`TLS verified with /p/ca.pem, client certificate /p/cert.pem`."""
        if not self.verify:
            head = "TLS, the engine's certificate is not verified"
        else:
            head = f"TLS verified with {self.ca}" if self.ca else "TLS verified with the system's CAs"
        return head + (f", client certificate {self.cert}" if self.cert else "")


def for_settings(settings: Any, sources: dict, scheme: str, env, name: str) -> tuple:
    """(TLS or None, a note on settings left unused) for the engine -H, DOCKER_HOST or `host` names.

    `settings` is an explorer.core.config.Settings; `sources` maps each TLS key a source gave to
    how -v names that source (a flag starts with "-"); `name` names the host in an error.
    """
    on = settings.tls or settings.tls_verify
    given = [key for key, field, _, _ in _FILES if getattr(settings, field)]
    if scheme == "http" or (scheme == "tcp" and not on):
        unused = [key for key in ("tls", "tlsverify") if getattr(settings, _field(key))] + given
        unused += ["cert-path"] if settings.cert_path else []
        typed = [sources[key] for key in unused if sources.get(key, "").startswith("-")]
        if typed:
            fix = "write https:// or tcp://" if scheme == "http" else "add --tlsverify, or --tls"
            raise UsageError(f"{' and '.join(typed)}: {name} is plain HTTP; {fix}")
        why = "http:// is plain HTTP" if scheme == "http" else "TLS is off (--tlsverify turns it on)"
        return None, f"{', '.join(sources.get(key, key) for key in unused)} unused: {why}" if unused else ""
    verify = settings.tls_verify or not settings.tls  # docker: --tls alone skips verification
    folder = settings.cert_path or config_dir(env)
    folder_source = sources.get("cert-path") or ("DOCKER_CONFIG" if env.get("DOCKER_CONFIG") else "~/.docker")
    paths = {}
    for key, field, default, what in _FILES:
        path = getattr(settings, field)
        source = sources.get(key, "")
        if path is None and on:  # docker reads the default CA even for --tls alone, so it must be there
            path, source = os.path.join(folder, default), f"default in {folder_source}"
            if key != "tlscacert" and not os.path.exists(path):
                path = None  # docker: a default client certificate or key that is not there is not used
        paths[key] = _readable(path, what, source) if path else None
    note = ""
    if paths["tlscacert"] and not verify:
        paths["tlscacert"] = None  # read, as docker reads it, but --tls alone verifies nothing with it
        if "tlscacert" in sources:
            note = f"{sources['tlscacert']} unused: --tls alone does not verify the engine (--tlsverify does)"
    _pair(paths["tlscert"], paths["tlskey"], "give --tlscert and --tlskey together")
    return TLS(paths["tlscacert"], paths["tlscert"], paths["tlskey"], verify), note


def for_context(name: str, scheme: str, files: tuple, skip_verify: bool) -> TLS | None:
    """The TLS of a docker context's endpoint: its ca.pem, cert.pem and key.pem (each may be
    missing) and SkipTLSVerify, as the docker CLI reads them; None for plain HTTP."""
    ca, cert, key = files
    if scheme == "http" or (scheme == "tcp" and not (ca or cert or key or skip_verify)):
        return None
    _pair(cert, key, f"docker context {name!r} has one without the other; `docker context update` can fix it")
    return TLS(ca, cert, key, not skip_verify)


def _field(key: str) -> str:
    return {"tls": "tls", "tlsverify": "tls_verify"}[key]


def _readable(path: str, what: str, source: str) -> str:
    """`path`, absolute, once it can be opened; else one UsageError naming it and where it came from."""
    path = os.path.abspath(os.path.expanduser(path))
    try:
        with open(path, "rb"):
            pass
    except OSError as err:
        raise UsageError(f"TLS: cannot read the {what} {path} ({source}): {err.strerror}") from None
    return path


def _pair(cert: str | None, key: str | None, fix: str) -> None:
    if bool(cert) != bool(key):
        have, missing = ("certificate " + str(cert), "key") if cert else ("key " + str(key), "certificate")
        raise UsageError(f"TLS: a client {have} but no client {missing}: {fix}")
