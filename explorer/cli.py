"""Command line → settings, console and session; then the REPL, -c, -f or stdin. No logic of its own."""
from __future__ import annotations

import argparse
import os
import sys

from explorer import __version__
from explorer.config import Settings, check_version
from explorer.errors import ExplorerError

USAGE_EXIT = 2


def parser() -> argparse.ArgumentParser:
    """The argument parser (also documents every option)."""
    p = argparse.ArgumentParser(
        prog="engine-explorer",
        description="Explore the Docker Engine API: send requests, see the equivalent curl line.",
        epilog="Exit codes: 0 all responses 2xx/3xx, 1 a response >= 400, 2 usage, connection or spec error.",
    )
    p.add_argument("-c", dest="commands", action="append", metavar="LINE",
                   help="run one command line (repeatable, in order)")
    p.add_argument("-f", dest="file", metavar="FILE", help="run the lines of FILE (- for stdin)")
    p.add_argument("-H", "--host", help="engine address: unix:///path, tcp://host:port, http(s)://host:port")
    p.add_argument("--unix-socket", metavar="PATH", help="engine unix socket (curl's spelling)")
    p.add_argument("--spec", metavar="PATH|URL", help="the OpenAPI/Swagger spec to use")
    p.add_argument("--api-version", metavar="1.NN", help="pin the API version (else negotiated)")
    p.add_argument("--timeout", type=float, default=0, metavar="SECONDS",
                   help="give up on a request after SECONDS (default: wait)")
    p.add_argument("--keep-going", action="store_true", help="with -c/-f: go on after a failure")
    p.add_argument("-v", "--verbose", action="store_true", help="print curl lines, status and headers to stderr")
    p.add_argument("--pretty", action="store_true", help="indent JSON bodies")
    p.add_argument("--show-secrets", action="store_true",
                   help="print X-Registry-Auth/-Config values in curl lines (redacted by default)")
    p.add_argument("--version", action="version", version=f"engine-explorer {__version__}")
    return p


def main(argv=None) -> int:
    """Entry point of `engine-explorer`."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else USAGE_EXIT
    try:
        return _run(args)
    except ExplorerError as err:
        sys.stderr.write(f"error: {err}\n")
        return err.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130


def _run(args) -> int:
    from explorer.output import Console
    from explorer.session import Session

    lines = _batch_lines(args)
    interactive = lines is None
    settings = _settings(args, interactive)
    console = Console(interactive=interactive, color=settings.color, pretty=args.pretty,
                      verbose=args.verbose, tty=sys.stdout.isatty())
    session = Session(settings, console)
    try:
        if interactive:
            from explorer.repl.app import run_repl

            return run_repl(session)
        return run_lines(session, lines, keep_going=args.keep_going)
    finally:
        session.close()


def _batch_lines(args):
    """The lines to run non-interactively, or None for the REPL."""
    if args.commands:
        return list(args.commands)
    if args.file:
        return _read_file(args.file)
    if not sys.stdin.isatty():
        return sys.stdin.read().splitlines()
    return None


def _read_file(name: str) -> list:
    if name == "-":
        return sys.stdin.read().splitlines()
    try:
        with open(name, encoding="utf-8") as fh:
            return fh.read().splitlines()
    except OSError as err:
        raise ExplorerError(f"cannot read {name}: {err.strerror}") from None
    except UnicodeDecodeError:
        raise ExplorerError(f"{name} is not UTF-8 text") from None


def _settings(args, interactive: bool) -> Settings:
    host = args.host
    if args.unix_socket:
        host = "unix://" + os.path.abspath(args.unix_socket)
    version = check_version(args.api_version, "--api-version") if args.api_version else None
    color = interactive and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    return Settings(host=host, spec=args.spec, api_version=version, verbose=args.verbose,
                    pretty=args.pretty, interactive=interactive, color=color,
                    show_secrets=args.show_secrets, timeout=args.timeout)


def run_lines(session, lines, keep_going: bool = False) -> int:
    """Run lines in order; stop at the first failure unless keep_going. The worst exit code."""
    worst = 0
    for line in lines:
        outcome = session.execute(line)
        worst = max(worst, outcome.exit_code)
        if outcome.quit or (outcome.exit_code and not keep_going):
            break
    return worst
