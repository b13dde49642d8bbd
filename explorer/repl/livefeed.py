"""What the prompt keeps current from threads of its own: the engine's live values (a Refresher that
follows the engine's events) and the spec version history the toolbar reads."""
from __future__ import annotations

import threading
from functools import partial

from explorer.completion.events import EventFollower
from explorer.completion.live import engine_getter
from explorer.completion.refresher import Refresher
from explorer.core.errors import ExplorerError
from explorer.spec import history as spec_history


def live_values(session, live_getter, on_update) -> Refresher:
    """Live values of the session's engine, following its events; `live_getter()` (tests: the
    transport seam) gives what lists are read through, in the refresher's thread."""
    endpoint = session.endpoint()
    # config.json's HttpHeaders go on the live-value requests too; read here, so that a warning
    # about the file is printed before the first prompt, not from the refresher's thread
    headers = session.docker.headers()
    return Refresher(live_getter or partial(_warm_getter, session.engine, headers), on_update=on_update,
                     make_follower=partial(EventFollower, endpoint, headers=headers))


def warm_history(env, source: str, version: str) -> None:
    """Start loading the spec version history (a first run builds it from every spec) in a thread."""
    threading.Thread(target=_load_history, args=(env, source, version), name="spec-history", daemon=True).start()


def _load_history(env, source: str, version: str) -> None:
    try:
        spec_history.history(env, source, version)
    except Exception:  # a spec that cannot be read is reported where it is used, not here
        pass


def _warm_getter(engine, headers):
    """The refresher's getter, made in its thread: completion's modules load there too, off the prompt,
    and an ssh:// engine's forward opens there (while the prompt is already up)."""
    import explorer.completion.candidates  # noqa: F401  # loaded here, in the refresher's thread

    try:
        endpoint = engine.open_endpoint()
    except ExplorerError:
        endpoint = engine.endpoint()  # its requests fail, and the toolbar says the engine is unreachable
    get = engine_getter(endpoint, headers=headers)
    if engine.bridged:  # its first request may move it to docker's dial-stdio: wait for that
        try:
            engine.through_bridge(lambda: get("/_ping"))
        except ExplorerError:
            pass  # the refresh says the engine is unreachable
    return get
