"""A docker credential helper backed by a JSON file: `credential_helper.py STORE ACTION`.

The `credential_helper` fixture puts a `docker-credential-NAME` launcher on a PATH folder that runs
this with its store. The protocol is docker-credential-helpers': the action is the only argument,
- `store`: stdin is {"ServerURL", "Username", "Secret"}; nothing is printed;
- `get`: stdin is a server URL; prints {"ServerURL", "Username", "Secret"};
- `erase`: stdin is a server URL; nothing is printed;
- `list`: prints {server URL: username, …};
- `version`: prints a version line.
A failure prints its message on stdout and exits 1; a missing entry is "credentials not found in
native keychain", the message docker matches on. Every call is appended to calls.jsonl beside the
store (action and stdin), so tests can see what was asked. Stdlib only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

NOT_FOUND = "credentials not found in native keychain"
NO_SERVER = "no credentials server URL"
NO_USERNAME = "no credentials username"


class HelperError(Exception):
    """Printed on stdout, exit status 1, as the Go helpers do."""


def _load(store: Path) -> dict:
    return json.loads(store.read_text()) if store.exists() else {}


def _save(store: Path, entries: dict) -> None:
    temporary = store.with_suffix(".tmp")
    temporary.write_text(json.dumps(entries, indent=2, sort_keys=True))
    temporary.replace(store)


def _server(text: str) -> str:
    server = text.strip()
    if not server:
        raise HelperError(NO_SERVER)
    return server


def handle(store: Path, action: str, stdin: str) -> str:
    """Run one action against the store; the text to print."""
    entries = _load(store)
    if action == "store":
        creds = json.loads(stdin)
        if not creds.get("ServerURL"):
            raise HelperError(NO_SERVER)
        if not creds.get("Username"):
            raise HelperError(NO_USERNAME)
        entries[creds["ServerURL"]] = {"Username": creds["Username"], "Secret": creds.get("Secret", "")}
        _save(store, entries)
        return ""
    if action == "get":
        server = _server(stdin)
        if server not in entries:
            raise HelperError(NOT_FOUND)
        return json.dumps({"ServerURL": server, **entries[server]}) + "\n"
    if action == "erase":
        server = _server(stdin)
        if server not in entries:
            raise HelperError(NOT_FOUND)
        del entries[server]
        _save(store, entries)
        return ""
    if action == "list":
        return json.dumps({server: entry["Username"] for server, entry in entries.items()}) + "\n"
    if action == "version":
        return "docker-credential-ee-test (engine-explorer tests) 1.0\n"
    raise HelperError(f"Unknown credential action `{action}`")


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("Usage: credential_helper.py STORE <store|get|erase|list|version>")
        return 1
    store, action = Path(argv[1]), argv[2]
    stdin = "" if action in ("list", "version") else sys.stdin.read()
    with open(store.with_name("calls.jsonl"), "a") as calls:
        calls.write(json.dumps({"action": action, "input": stdin}) + "\n")
    try:
        sys.stdout.write(handle(store, action, stdin))
    except (HelperError, ValueError) as error:
        print(error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
