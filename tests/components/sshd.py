"""sshd on 127.0.0.1 whose logins reach the engine: what `DOCKER_HOST=ssh://user@host` talks to.

Debian's openssh-server, run as the current user with its own config, a throwaway host key and one
authorized key (both from ssh-keygen). Its sessions get `DOCKER_HOST=unix://<engine socket>` through
`SetEnv`, so `ssh ALIAS docker system dial-stdio` on the far side bridges to the sandbox engine.

The client side is a HOME-like folder whose .ssh/config names the alias, port, key and known_hosts.
OpenSSH reads ~/.ssh from the passwd entry, not from $HOME, so `env` also preloads nss_wrapper
(Debian's libnss-wrapper) with a passwd file giving the current user that folder as home: a plain
`ssh ALIAS` (and so `docker -H ssh://ALIAS`) then needs no flags, and the real ~/.ssh is never read.
"""

from __future__ import annotations

import getpass
import glob
import os
import pwd
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from components import started
from components.daemons import ComponentError, Daemon, free_port, need_tool
from components.session import SessionFolder

ALIAS = "ee-sshd"
PRIVSEP_DIR = Path("/run/sshd")  # sshd's privilege-separation chroot; systemd makes it for the system sshd
NSS_WRAPPER = "/usr/lib/*/libnss_wrapper.so"
BIND_TRIES = 3
SSHD_CONFIG = """\
ListenAddress 127.0.0.1:{port}
ListenAddress 127.0.0.1:{closed_port}
HostKey {folder}/host_key
PidFile {folder}/sshd.pid
AuthorizedKeysFile {folder}/authorized_keys
AllowUsers {user}
AuthenticationMethods publickey
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
# The folders above /tmp/… are world-writable; the files are ours.
StrictModes no
# The far side's environment is this line, not the account's shell rc: with SHLVL=1 bash counts itself
# a nested shell and skips ~/.bashrc (Debian's bash reads it for ssh commands), which could print,
# or take half a second. PATH finds Debian's docker CLI; DOCKER_CONFIG keeps it off the real ~/.docker.
SetEnv DOCKER_HOST=unix://{engine_socket} DOCKER_CONFIG={folder}/docker-config PATH=/usr/bin:/bin SHLVL=1
X11Forwarding no
AllowAgentForwarding no
# -L only: ssh:// engines forward the engine socket (sshd allows unix-socket forwards only with TCP ones)
AllowTcpForwarding local
PermitTunnel no
PrintMotd no
LogLevel VERBOSE
# The second port is a hardened sshd's: no forwarding at all (docker's dial-stdio still works there).
Match LocalPort {closed_port}
    AllowTcpForwarding no
"""
CLIENT_CONFIG = """\
Host {alias}
    HostName 127.0.0.1
    Port {port}
    User {user}
    IdentityFile {ssh_dir}/id_ed25519
    IdentitiesOnly yes
    UserKnownHostsFile {ssh_dir}/known_hosts
    StrictHostKeyChecking yes
    BatchMode yes
"""
# The same sshd as users meet it when something is wrong: each alias differs from ALIAS in one line.
FAILING = {
    "unknown": "UserKnownHostsFile {ssh_dir}/known_hosts_empty",  # host key never seen
    "changed": "UserKnownHostsFile {ssh_dir}/known_hosts_changed",  # another key known for the host
    "refused": "IdentityFile {ssh_dir}/id_unauthorized",  # a key sshd does not know
    "nodocker": "IdentityFile {ssh_dir}/id_nodocker",  # a login whose PATH has no docker
    "noforward": "Port {closed_port}",  # an sshd that forwards nothing (AllowTcpForwarding no)
    "chatty": "IdentityFile {ssh_dir}/id_chatty",  # a login that prints a line before the command's output
}
# authorized_keys for id_nodocker: the command asked runs with a PATH that finds no docker
NO_DOCKER = 'command="PATH=/nonexistent; export PATH; eval \\"$SSH_ORIGINAL_COMMAND\\"" '
# authorized_keys for id_chatty: a greeting first, as a login script may print one
CHATTY = 'command="echo welcome to the far side; eval \\"$SSH_ORIGINAL_COMMAND\\"" '


class SSHEndpoint(NamedTuple):
    """sshd reaching the engine, and a client home that knows it as `alias`."""

    alias: str  # `ssh ee-sshd`
    host: str  # ssh://ee-sshd, a DOCKER_HOST
    port: int
    user: str
    home: Path  # .ssh/config, id_ed25519, known_hosts
    env: dict[str, str]  # HOME, LD_PRELOAD and NSS_WRAPPER_*: add to a subprocess's environment
    server_folder: Path  # sshd_config, host key, authorized_keys, sshd.log
    failing: dict[str, str]  # what goes wrong → an alias where it does: unknown, changed, refused, nodocker, …

    def ssh(self, *args: str, input: bytes | None = None, timeout: float = 30) -> subprocess.CompletedProcess[bytes]:
        """`ssh ALIAS ARGS…` as a user with this home runs it."""
        return subprocess.run(["ssh", self.alias, *args], env={**os.environ, **self.env}, input=input,
                              capture_output=True, timeout=timeout, check=False)


def _keygen(path: Path, comment: str) -> None:
    done = subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
                          capture_output=True, text=True, timeout=30, check=False)
    if done.returncode != 0:
        raise ComponentError(f"ssh-keygen failed: {done.stderr.strip()}")


def _nss_wrapper() -> str:
    found = sorted(glob.glob(NSS_WRAPPER))
    if not found:
        raise ComponentError("libnss_wrapper.so is not installed (Debian package libnss-wrapper)")
    return found[0]


def _client_home(session: SessionFolder, ports: tuple[int, int], user: str, host_key: Path,
                 library: str) -> tuple[Path, dict[str, str]]:
    """The HOME-like folder, and the environment that makes OpenSSH take it as the user's home."""
    port, closed_port = ports
    home = session.folder("ssh-home")
    ssh_dir = home / ".ssh"
    ssh_dir.mkdir(mode=0o700)
    _keygen(ssh_dir / "id_ed25519", "ee-test-client")
    host_public = host_key.with_suffix(".pub").read_text().split()[:2]
    (ssh_dir / "known_hosts").write_text("".join(f"[127.0.0.1]:{p} {' '.join(host_public)}\n" for p in ports))
    _failing_client(ssh_dir, port)
    config = ssh_dir / "config"
    config.write_text(CLIENT_CONFIG.format(alias=ALIAS, port=port, user=user, ssh_dir=ssh_dir) + "".join(
        _failing_block(CLIENT_CONFIG.format(alias=f"{ALIAS}-{kind}", port=port, user=user, ssh_dir=ssh_dir),
                       line.format(ssh_dir=ssh_dir, closed_port=closed_port)) for kind, line in FAILING.items()))
    config.chmod(0o600)
    me = os.getuid()
    passwd = session.path / "ssh-passwd"
    passwd.write_text("".join(
        f"{e.pw_name}:x:{e.pw_uid}:{e.pw_gid}:{e.pw_gecos}:{home if e.pw_uid == me else e.pw_dir}:{e.pw_shell}\n"
        for e in pwd.getpwall()))
    preload = " ".join(filter(None, [library, os.environ.get("LD_PRELOAD")]))
    return home, {"HOME": str(home), "LD_PRELOAD": preload, "NSS_WRAPPER_PASSWD": str(passwd),
                  "NSS_WRAPPER_GROUP": "/etc/group"}


def _failing_client(ssh_dir: Path, port: int) -> None:
    """The files the failing aliases use: two more keys, an empty known_hosts, one with another key."""
    _keygen(ssh_dir / "id_unauthorized", "ee-test-unauthorized")
    _keygen(ssh_dir / "id_nodocker", "ee-test-nodocker")
    _keygen(ssh_dir / "id_chatty", "ee-test-chatty")
    _keygen(ssh_dir / "other_host_key", "ee-test-other-host")
    other = (ssh_dir / "other_host_key.pub").read_text().split()[:2]
    (ssh_dir / "known_hosts_changed").write_text(f"[127.0.0.1]:{port} {' '.join(other)}\n")
    (ssh_dir / "known_hosts_empty").write_text("")


def _failing_block(block: str, line: str) -> str:
    """`block` with the setting `line` names (its first word) replaced by `line`."""
    key = line.split()[0]
    return "".join(f"    {line}\n" if old.split()[:1] == [key] else old + "\n" for old in block.splitlines())


def _launch(folder: Path, session: SessionFolder, engine_socket: str, user: str) -> tuple[tuple[int, int], Daemon]:
    """Start sshd on two free ports (the second forwards nothing); another process may take a port
    first, so try again then."""
    sshd = need_tool("sshd", "openssh-server")
    for attempt in range(BIND_TRIES):
        port, closed_port = free_port(), free_port()
        while closed_port == port:
            closed_port = free_port()
        config = folder / "sshd_config"
        config.write_text(SSHD_CONFIG.format(port=port, closed_port=closed_port, folder=folder, user=user,
                                             engine_socket=engine_socket))
        daemon = Daemon("sshd", [sshd, "-D", "-e", "-f", str(config)], folder / "sshd.log", session)
        try:
            daemon.wait_for_log(rf"Server listening on 127\.0\.0\.1 port {port}\.")
            daemon.wait_for_log(rf"Server listening on 127\.0\.0\.1 port {closed_port}\.")
            return (port, closed_port), daemon
        except ComponentError:
            if attempt + 1 == BIND_TRIES or "Address already in use" not in (folder / "sshd.log").read_text():
                raise
    raise AssertionError("unreachable")


def start_sshd(session: SessionFolder, engine_socket: str) -> tuple[SSHEndpoint, Daemon]:
    """sshd on 127.0.0.1 for the current user, logins reaching `engine_socket`, and a client home."""
    need_tool("ssh", "openssh-client")
    library = _nss_wrapper()
    folder = session.folder("sshd")
    (folder / "docker-config").mkdir(exist_ok=True)
    user = getpass.getuser()
    _keygen(folder / "host_key", "ee-test-host")
    try:
        PRIVSEP_DIR.mkdir(mode=0o755, exist_ok=True)
    except OSError as error:
        raise ComponentError(f"cannot make {PRIVSEP_DIR} for sshd's privilege separation: {error}") from None
    ports, daemon = _launch(folder, session, engine_socket, user)
    port = ports[0]
    home, env = _client_home(session, ports, user, folder / "host_key", library)
    # sshd reads it at each login, so it can follow the start.
    (folder / "authorized_keys").write_text((home / ".ssh" / "id_ed25519.pub").read_text()
                                            + NO_DOCKER + (home / ".ssh" / "id_nodocker.pub").read_text()
                                            + CHATTY + (home / ".ssh" / "id_chatty.pub").read_text())
    failing = {kind: f"{ALIAS}-{kind}" for kind in FAILING}
    return SSHEndpoint(ALIAS, f"ssh://{ALIAS}", port, user, home, env, folder, failing), daemon


@pytest.fixture(scope="session")
def ssh_engine(component_session: SessionFolder, engine_socket: str) -> Iterator[SSHEndpoint]:
    """sshd reaching the engine: `alias`, `host` (ssh://ALIAS), `port`, `user`, `home`, `env`, `ssh(…)`."""
    endpoint, daemon = started("sshd", lambda: start_sshd(component_session, engine_socket))
    yield endpoint
    daemon.stop()
