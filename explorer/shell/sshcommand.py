"""The ssh commands of an ssh:// engine, run or printed, and what their failures mean (one line each).

`forward_words` is the forward itself (explorer.shell.sshbridge runs it; the printed line and an
exported script run it with -f); `ask_remote` asks the far side's docker CLI where its engine is, as
`docker system dial-stdio` there would find it; `explain` reads ssh's stderr.
"""
from __future__ import annotations

import shlex
import subprocess
from collections.abc import Mapping

from explorer.core.errors import EngineError
from explorer.core.sshhost import SSHHost

CONNECT_TIMEOUT = 30  # seconds, as docker's connhelper gives ssh
READY_TIMEOUT = 60.0  # ssh's own ConnectTimeout ends a dead host first; this bounds a hung login
# The far side's docker, asked where it talks to: its DOCKER_HOST, else its current context.
REMOTE_QUERY = "docker context inspect --format '{{.Endpoints.docker.Host}}'"


def ssh_base(target: SSHHost) -> list:
    """`ssh [-l USER] [-p PORT]`: the words before the options that differ per use."""
    return ["ssh"] + (["-l", target.user] if target.user else []) + (["-p", target.port] if target.port else [])


def forward_words(target: SSHHost, local: str, remote: str, background: bool = True) -> list:
    """The ssh command that makes `local` a forward of the far side's `remote` socket (`background`:
    -f, as a shell line does it; ssh returns once the socket is there)."""
    return ssh_base(target) + ["-fNT" if background else "-nNT", "-o", "ExitOnForwardFailure=yes",
                               "-o", "ControlPath=none", "-L", f"{local}:{remote}", "--", target.host]


def dial_words(target: SSHHost, batch: bool = True) -> list:
    """docker's own command for one connection: `ssh HOST docker [--host=unix://PATH] system dial-stdio`
    (`batch`: as we run it, never asking)."""
    options = ["-o", "BatchMode=yes", "-o", f"ConnectTimeout={CONNECT_TIMEOUT}"] if batch else []
    remote = ["docker"] + ([f"--host=unix://{target.path}"] if target.path else []) + ["system", "dial-stdio"]
    return ssh_base(target) + options + ["-T", "--", target.host, shlex.join(remote)]


def dial_line(target: SSHHost, folder: str, socket: str) -> str:
    """A shell line that makes `socket` the way a dial-stdio bridge does: socat, running the ssh per connection."""
    return (f"mkdir -p -m 700 {shlex.quote(folder)} && "
            f"socat {shlex.quote(f'UNIX-LISTEN:{socket},fork')} {_socat_dial(target)} &")


def _socat_dial(target: SSHHost) -> str:
    """socat's SYSTEM: address running docker's dial-stdio login, quoted for sh (socat splits its
    addresses at commas and takes backslashes as escapes, so both are escaped)."""
    command = shlex.join(dial_words(target, batch=False)).replace("\\", "\\\\").replace(",", "\\,")
    return shlex.quote("SYSTEM:" + command)


def script_lines(target: SSHHost) -> list:
    """An exported script's lines that open the forward (after its $_ee_tmp and EXIT trap) and close
    it when the script ends; where the far side's sshd forwards nothing, docker's dial-stdio through
    socat instead. DOCKER_HOST=unix://PATH still picks another engine, as for any script."""
    ssh = shlex.join(ssh_base(target))
    host = shlex.quote(target.host)
    close = (f'[ -z "${{_ee_forward:-}}" ] || {ssh} -S "$_ee_tmp/ssh.ctl" -O exit -- {host} 2>/dev/null; '
             '[ -z "${_ee_dial:-}" ] || kill "$_ee_dial" 2>/dev/null')
    lines = [
        f"# The engine: DOCKER_HOST=unix:///path, else {target.url} through an ssh forward of its socket,",
        "# opened here and closed when the script ends (ssh may ask for a passphrase or a host key).",
        "trap " + shlex.quote(f'{close}; rm -rf "$_ee_tmp"') + " EXIT",
        "case ${DOCKER_HOST:-} in",
        "unix://*) _ee_sock=${DOCKER_HOST#unix://} ;;",
        "*) _ee_sock=$_ee_tmp/docker.sock",
    ]
    if target.path:
        lines.append(f"    _ee_remote={shlex.quote(target.path)}")
    else:  # what the far side's docker talks to, asked where the script runs
        fail = shlex.quote(f"{target.url}: the far side's docker talks to no unix socket")
        lines += [f"    _ee_remote=$({ssh} -T -- {host} {shlex.quote(REMOTE_QUERY)}) || exit 2",
                  "    _ee_remote=${_ee_remote##*[[:space:]]}  # its last word: a login script may print first",
                  f"    case $_ee_remote in unix://?*) _ee_remote=${{_ee_remote#unix://}} ;; "
                  f"*) echo {fail} >&2; exit 2 ;; esac"]
    words = forward_words(target, "LOCAL", "REMOTE")
    words[words.index("ControlPath=none") - 1:words.index("ControlPath=none") + 1] = ["-M", "-S", "SSHCTL"]
    command = shlex.join(words).replace("LOCAL:REMOTE", '"$_ee_sock:$_ee_remote"').replace(
        "SSHCTL", '"$_ee_tmp/ssh.ctl"')
    return lines + [f"    {command} || exit 2", "    _ee_forward=1", *_script_dial(target), "    ;;", "esac"]


def _script_dial(target: SSHHost) -> list:
    """Where the forward runs but no engine answers through it (a far side whose sshd forwards no
    sockets): the forward ends, and socat runs docker's `ssh HOST docker system dial-stdio` per
    connection on the same socket, as engine-explorer itself does."""
    ssh, host = shlex.join(ssh_base(target)), shlex.quote(target.host)
    no_socat = shlex.quote(f"{target.url}: its sshd forwards no sockets; with socat installed this script "
                           "would reach it through `docker system dial-stdio`, as docker does")
    return [
        '    if ! curl -sf -o /dev/null --unix-socket "$_ee_sock" http://localhost/_ping; then',
        "        # its sshd forwards no sockets: a `docker system dial-stdio` login per connection, as docker does",
        f'        {ssh} -S "$_ee_tmp/ssh.ctl" -O exit -- {host} 2>/dev/null; _ee_forward=; rm -f "$_ee_sock"',
        f"        command -v socat >/dev/null 2>&1 || {{ echo {no_socat} >&2; exit 2; }}",
        f'        socat "UNIX-LISTEN:$_ee_sock,fork" {_socat_dial(target)} & _ee_dial=$!',
        '        while ! [ -S "$_ee_sock" ]; do kill -0 "$_ee_dial" 2>/dev/null || exit 2; sleep 0.01; done',
        "    fi",
    ]


def ask_remote(target: SSHHost, env: Mapping) -> str:
    """The far side's engine socket, from its docker CLI (one ssh login)."""
    words = ssh_base(target) + ["-o", "BatchMode=yes", "-o", f"ConnectTimeout={CONNECT_TIMEOUT}", "-T", "--",
                                target.host, REMOTE_QUERY]
    try:
        done = subprocess.run(words, stdin=subprocess.DEVNULL, capture_output=True, timeout=READY_TIMEOUT,
                              start_new_session=True, env=env, check=False)
    except OSError as err:
        raise EngineError(f"{target.url}: cannot run ssh ({err.strerror}): install OpenSSH's client") from None
    except subprocess.TimeoutExpired:
        raise EngineError(f"{target.url}: ssh did not answer in {READY_TIMEOUT:.0f} s") from None
    said = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        raise EngineError(explain(target, said, done.returncode, ""))
    answered = done.stdout.decode("utf-8", "replace").split()
    host = answered[-1] if answered else ""  # the last word: a login script may print before it
    if not host.startswith("unix://") or "://" in host[len("unix://"):]:
        raise EngineError(f"{target.url}: the far side's docker talks to {host or 'nothing'}, not a unix socket; "
                          f"give the socket to forward: {target._replace(path='/var/run/docker.sock').url}")
    return host[len("unix://"):] or "/var/run/docker.sock"


def explain(target: SSHHost, said: str, code: int, remote: str) -> str:
    """ssh's failure (its stderr `said`, its exit `code`) as one line."""
    url = target.url
    lines = [line.strip() for line in said.splitlines() if line.strip()]
    last = lines[-1] if lines else f"ssh exited with {code}"
    if "REMOTE HOST IDENTIFICATION HAS CHANGED" in said:
        return (f"{url}: the far side's host key has changed (ssh: {last}); if that is expected, remove the old "
                f"key (ssh-keygen -R HOST) and check the new one with a plain ssh {target.host}")
    if "Host key verification failed" in said or "host key is known" in said:
        return (f"{url}: the far side's host key is not known (ssh: Host key verification failed); "
                f"check and accept it once with a plain ssh {target.host}")
    if "Permission denied" in said:
        return (f"{url}: ssh login refused ({last}); engine-explorer never asks for a password "
                "(BatchMode): load the key into ssh-agent or name it in ~/.ssh/config")
    if code == 127 or "command not found" in said or "docker: not found" in said:
        return (f"{url}: there is no docker command on the far side ({last}); docker needs it there too, "
                f"or name the engine's socket: {target._replace(path='/var/run/docker.sock').url}")
    channel = explain_channel(target, said, remote)
    return channel or f"{url}: ssh failed: {last}"


def explain_channel(target: SSHHost, said: str, remote: str) -> str:
    """A forward the far side refused (no socket there, or forwarding not allowed), else ""."""
    for line in said.splitlines():
        if "open failed" in line and "administratively prohibited" in line:
            return (f"{target.url}: the far side's sshd does not forward sockets (AllowStreamLocalForwarding): "
                    f"{line.strip()}")
        if "open failed" in line:  # sshd says the same of a missing socket and of a -L it does not allow
            return (f"{target.url}: the far side did not connect the forward to {remote}: no engine listens there, "
                    f"or its sshd allows no forwarding (AllowTcpForwarding) (ssh: {line.strip()})")
    return ""
