"""Registry credentials, found as the docker CLI finds them, and encoded as the engine takes them.

For a registry key (explorer.lang.imageref.credentials_key) docker asks, in this order: the helper
`credHelpers` names for that registry, else the `credsStore` helper, else the `auths` entry of
config.json (its base64 `auth` of "user:password", or its `identitytoken`). A helper is the program
`docker-credential-<name>` on PATH, run as `… get` with the key on stdin; it answers
{"ServerURL", "Username", "Secret"}, a Username of `<token>` making the Secret an identity token.
"Not found" means no credentials, as for docker. A helper that fails is one warning (docker says
nothing, and goes on without credentials; so do we).
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import NamedTuple

from explorer.core.clientconfig import ClientConfig

NOT_FOUND = "credentials not found in native keychain"  # what docker-credential-helpers answer
TOKEN_USER = "<token>"  # a helper's Username for an identity token
HELPER_TIMEOUT_S = 60.0  # a helper may ask the desktop's keyring, which may ask the user
# AuthConfig's JSON fields in the engine's order (types.AuthConfig): the header is their JSON
FIELDS = ("username", "password", "auth", "email", "serveraddress", "identitytoken", "registrytoken")


class Found(NamedTuple):
    """The credentials for one registry key ({} when none), where they came from, and a warning."""

    auth: dict
    source: str = ""  # "auths in FILE", "docker-credential-NAME (credsStore in FILE)"
    warning: str = ""


def lookup(config: ClientConfig, key: str, env: Mapping) -> Found:
    """The credentials config.json gives for registry `key`, as docker looks them up."""
    helper, setting = _helper(config, key)
    if helper:
        return _from_helper(config, helper, setting, key, env)
    entry = _entry(config, key)
    if entry is None:
        return Found({})
    return Found(_from_entry(*entry), f"auths in {config.path}")


def every(config: ClientConfig, env: Mapping) -> tuple:
    """({key: AuthConfig} of every registry config.json knows, warnings): what `docker build` sends."""
    found: dict = {}
    warnings: list = []
    if config.creds_store:
        keys, warning = _listed(config, env)
        warnings += [warning] if warning else []
        for key in keys:
            got = _from_helper(config, config.creds_store, "credsStore", key, env)
            warnings += [got.warning] if got.warning else []
            if got.auth:
                found[key] = got.auth
    else:
        found.update((key, _from_entry(key, entry)) for key, entry in config.auths.items())
    for key in config.cred_helpers:  # a registry's own helper comes over the default store
        got = lookup(config, key, env)
        warnings += [got.warning] if got.warning else []
        if got.auth:
            found[key] = got.auth
    return {key: auth for key, auth in found.items() if auth}, warnings


def encode(auth: dict) -> str:
    """X-Registry-Auth's value: base64url of the AuthConfig's JSON, as docker's client encodes it."""
    import json  # only a request that carries credentials encodes any

    return _base64(json.dumps(auth, separators=(",", ":")))


def encode_every(auths: dict) -> str:
    """X-Registry-Config's value: base64url of {key: AuthConfig}, keys sorted as Go writes a map."""
    import json  # only a build with credentials encodes them

    return _base64("{" + ",".join(f"{json.dumps(key)}:{json.dumps(auths[key], separators=(',', ':'))}"
                                  for key in sorted(auths)) + "}")


def _base64(text: str) -> str:
    import base64  # only a request that carries credentials encodes any

    return base64.urlsafe_b64encode(text.encode()).decode()


def _helper(config: ClientConfig, key: str) -> tuple:
    if key in config.cred_helpers:
        return config.cred_helpers[key], "credHelpers"
    return config.creds_store, "credsStore"


def _entry(config: ClientConfig, key: str):
    """(stored key, entry) of `auths` for `key`; an old file's `https://host/v1/` key matches its host."""
    if key in config.auths:
        return key, config.auths[key]
    for stored, entry in config.auths.items():
        if _hostname(stored) == key:
            return stored, entry
    return None


def _hostname(address: str) -> str:
    for scheme in ("http://", "https://"):
        if address.startswith(scheme):
            address = address[len(scheme):]
    return address.partition("/")[0]


def _from_entry(key: str, entry: Mapping) -> dict:
    values = {name: entry.get(name) for name in FIELDS if isinstance(entry.get(name), str) and entry.get(name)}
    encoded = values.pop("auth", "")
    if encoded:
        import base64  # only an `auths` entry with a password decodes one

        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            user, password = "", ""
        values["username"], values["password"] = user, password.strip("\x00")
    values["serveraddress"] = key
    return {name: values[name] for name in FIELDS if values.get(name)}


def _from_helper(config: ClientConfig, name: str, setting: str, key: str, env: Mapping) -> Found:
    source = f"docker-credential-{name} ({setting} in {config.path})"
    answer, problem = _run(name, "get", key, env)
    if problem:
        if NOT_FOUND in problem:
            return Found({})
        return Found({}, warning=f"{source}: {problem}; sending without credentials for {key}")
    import json  # a helper answered

    try:
        creds = json.loads(answer)
        user, secret = creds.get("Username") or "", creds.get("Secret") or ""
    except (ValueError, AttributeError):
        return Found({}, warning=f"{source}: answered `get` with something other than its JSON; "
                                 f"sending without credentials for {key}")
    auth = {"identitytoken": secret} if user == TOKEN_USER else {"username": user, "password": secret}
    auth["serveraddress"] = key
    return Found({name: auth[name] for name in FIELDS if auth.get(name)}, source)


def _listed(config: ClientConfig, env: Mapping) -> tuple:
    """(the keys the credsStore helper holds, a warning)."""
    answer, problem = _run(config.creds_store, "list", "", env)
    if problem:
        return (), f"docker-credential-{config.creds_store} (credsStore in {config.path}): {problem}"
    import json  # a helper answered

    try:
        return tuple(json.loads(answer)), ""
    except (ValueError, TypeError):
        return (), f"docker-credential-{config.creds_store}: answered `list` with something other than JSON"


def _run(name: str, action: str, stdin: str, env: Mapping) -> tuple:
    """(stdout, problem) of `docker-credential-NAME ACTION` with `stdin`; problem is "" on success."""
    import shutil  # only a credential lookup runs a helper
    import subprocess

    program = f"docker-credential-{name}"
    path = shutil.which(program, path=env.get("PATH", os.defpath))
    if path is None:
        return "", f"{program} is not on PATH"
    try:
        done = subprocess.run([path, action], input=stdin.encode(), capture_output=True,
                              env=dict(env), timeout=HELPER_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return "", f"`{program} {action}` gave no answer in {HELPER_TIMEOUT_S:.0f} s"
    except OSError as err:
        return "", f"cannot run {path}: {err.strerror}"
    out = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0:
        said = (out.strip() or done.stderr.decode("utf-8", "replace").strip()).splitlines()
        return "", f"`{program} {action}` failed (exit {done.returncode}): {said[0] if said else 'no message'}"
    return out, ""
