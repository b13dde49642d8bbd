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
        epilog="Exit codes: 0 all responses 2xx/3xx, 1 a response >= 400, 2 usage, connection or spec error; "
               "-f FILE: 1 when any line fails (an error response no `expect status` covers, a failed "
               "expectation, an error), 2 when FILE cannot be read.",
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
    p.add_argument("--keep-going", action="store_true",
                   help="with -c/-f: go on after a failure (-f ends with `N passed, M failed`)")
    p.add_argument("--var", action="append", metavar="NAME=VALUE", help="set {{NAME}} for the script (repeatable)")
    p.add_argument("--dry-run", action="store_true", help="print each request's curl line, send nothing")
    p.add_argument("--export", metavar="FILE", help="write the -f/-c script as a standalone sh script of curl commands")
    p.add_argument("-v", "--verbose", action="store_true", help="print curl lines, status and headers to stderr")
    p.add_argument("--pretty", action="store_true", help="indent JSON bodies")
    p.add_argument("--vi", action="store_true", help="Vi key bindings at the prompt (default: Emacs)")
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
    if args.export and interactive:
        raise ExplorerError("--export needs a script: -f FILE (or -c LINE)")
    settings = _settings(args, interactive)
    console = Console(interactive=interactive, color=settings.color, pretty=args.pretty,
                      verbose=args.verbose, tty=sys.stdout.isatty())
    session = Session(settings, console)
    try:
        from explorer import scripts

        scripts.set_variables(session, args.var)
        session.dry_run = args.dry_run
        if args.export:
            from explorer.export import export_script

            source = args.file or ("-c" if args.commands else "-")
            export_script(session, lines, args.export, source, dict(session.variables))
            return 0
        if interactive:
            from explorer.repl import hooks
            from explorer.repl.app import run_repl

            hooks.install(console)
            return run_repl(session, vi=args.vi)
        if args.commands:
            return run_lines(session, [line.text for line in lines], keep_going=args.keep_going)
        return scripts.replay(session, lines, keep_going=args.keep_going, summary=args.keep_going)
    finally:
        session.close()


def _batch_lines(args):
    """The script to run non-interactively (explorer.scripts.ScriptLine each), or None for the REPL."""
    from explorer import scripts

    if args.commands:
        return scripts.numbered("-c", args.commands)
    if args.file:
        return scripts.read_script(args.file)
    if not sys.stdin.isatty():
        return scripts.read_script("-")
    return None


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
