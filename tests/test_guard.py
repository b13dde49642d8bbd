"""The guard's refusals that need no engine: a credential that is only a placeholder is never sent."""
from __future__ import annotations

import pytest

from tests.canned_transport import canned_session


@pytest.mark.parametrize("line, said", [
    ("GET /_ping 'X-Registry-Auth:<redacted>'",
     "X-Registry-Auth is <redacted>: the secret was left out where this line was kept; give it again, "
     "or write {{env.REGISTRY_AUTH}} to read it from $REGISTRY_AUTH"),
    ("POST /auth username=u 'password=<redacted>'", "password is <redacted>: the secret was left out"),
    ('curl -H "X-Registry-Auth: $REGISTRY_AUTH" http://localhost/v1.41/_ping',
     "X-Registry-Auth is $REGISTRY_AUTH, a shell variable, and this is not a shell: write "
     "{{env.REGISTRY_AUTH}} to read it from the environment"),
    ("curl -X POST -d '{\"password\":\"${PW}\"}' http://localhost/v1.41/auth", "password is ${PW}, a shell variable"),
])
def test_a_placeholder_credential_is_refused_and_nothing_sent(spec_v141, line, said):
    session, sent, _, err = canned_session(spec_v141)
    assert session.execute(line).exit_code == 2
    assert err.getvalue().decode().startswith("error: " + said)
    assert sent.sent == []


def test_a_real_one_goes(spec_v141):
    session, sent, _, _ = canned_session(spec_v141)
    assert session.execute("GET /_ping 'X-Registry-Auth:$ but not only'").ok
    assert session.execute("GET /_ping X-Registry-Auth:{{env.HOME}}").ok
    assert [r.header("X-Registry-Auth") for r in sent.sent if r.path == "/_ping"] == ["$ but not only", "/home/tester"]
