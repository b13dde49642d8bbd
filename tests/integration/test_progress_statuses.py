"""Push and pull progress in the REPL, for real against the `open_registry` component: statuses
("Layer already exists", "Pulling from …", "Digest:", "Status:") are lines, not 0% bars, and come in
the order the engine sent them. The bars draw on a vt100 output into the same tape as the text."""
from __future__ import annotations

import re
import secrets

import pytest
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output

from explorer.repl.progress import ProgressBars
from tests.integration.test_streams import explorer

pytestmark = pytest.mark.engine

_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Tape:
    """A terminal's screen as a stream: what the bars (str) and the text (bytes) wrote, in order."""

    encoding = "utf-8"

    def __init__(self) -> None:
        self.parts: list = []

    def write(self, data) -> int:
        self.parts.append(data if isinstance(data, str) else data.decode("utf-8", "replace"))
        return len(data)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def text(self) -> str:
        """What was written, escape sequences taken out."""
        return _ESCAPE.sub("", "".join(self.parts))


@pytest.fixture
def tagged(docker_api, busybox_image, open_registry):
    """busybox:local tagged into a fresh repository of the open registry; the tag removed afterwards."""
    repository = f"ee-test/progress-{secrets.token_hex(4)}"
    assert docker_api.call("POST", f"/images/{busybox_image}/tag?repo={open_registry.host}/{repository}"
                                   "&tag=v1")[0] == 201
    yield f"{open_registry.host}/{repository}"
    docker_api.call("DELETE", f"/images/{open_registry.host}/{repository}:v1?force=1")


def in_the_repl(engine_host, spec_dir, line: str) -> str:
    tape = Tape()
    session, console = explorer(engine_host, spec_dir, stdout=tape, interactive=True)
    with create_pipe_input() as pipe:
        output = Vt100_Output(tape, lambda: Size(rows=30, columns=120))
        console.progress = lambda con: ProgressBars(tape, False, output=output, input=pipe)
        outcome = session.execute(line)
    session.close()
    assert outcome.ok, console.stderr.getvalue()
    return tape.text()


def test_push_of_a_layer_the_registry_has_shows_a_status(engine_host, spec_dir, tagged):
    push = f"POST /images/{tagged}:v1/push X-Registry-Auth:e30="
    in_the_repl(engine_host, spec_dir, push)
    shown = in_the_repl(engine_host, spec_dir, push)  # again: now the layer is there
    assert "Layer already exists" in shown
    assert not re.search(r"Layer already exists[^\r\n]*%", shown), "a status drawn as a 0% bar"
    assert shown.index("The push refers to") < shown.rindex("Layer already exists") < shown.index("v1: digest:")


def test_pull_statuses_come_in_order(engine_host, spec_dir, docker_api, tagged):
    in_the_repl(engine_host, spec_dir, f"POST /images/{tagged}:v1/push X-Registry-Auth:e30=")
    docker_api.call("DELETE", f"/images/{tagged}:v1")
    shown = in_the_repl(engine_host, spec_dir, f"POST /images/create fromImage=={tagged} tag==v1")
    assert not re.search(r"Pulling from[^\r\n]*%", shown), "a status drawn as a 0% bar"
    assert shown.index("v1: Pulling from") < shown.index("Digest: sha256:") < shown.index("Status: Downloaded")
