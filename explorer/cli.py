"""Command line → settings, console and session; then the REPL, -c, -f or stdin. No logic of its own."""
from __future__ import annotations

import os
import sys

from explorer import options, repl, workflow
from explorer.core import configfile, precedence, versions
from explorer.core.config import Settings
from explorer.core.console import Console, colour, indent
from explorer.core.errors import INTERNAL_ERROR_EXIT, ExplorerError, internal_error
from explorer.shell.dispatch import Dispatcher
from explorer.shell.session import Session

USAGE_EXIT = 2


def main(argv=None) -> int:
    """Entry point of `engine-explorer`."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = options.quick_parse(argv)
    if args is None:
        try:
            args = options.parser().parse_args(argv)
        except SystemExit as stop:
            return stop.code if isinstance(stop.code, int) else USAGE_EXIT
    if args.config_path:  # as --version: say it and leave
        sys.stdout.write(configfile.path(args.config) + "\n")
        return 0
    if args.version:
        from explorer.http import curlversions  # pycurl and a `curl --version` run: --version only

        sys.stdout.write(curlversions.report(curlversions.versions()))
        return 0
    try:
        return _run(args)
    except ExplorerError as err:
        _say(f"error: {err}")
        return err.exit_code
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    except Exception as err:  # a bug: one line, its own exit code, where to report it
        _say("error: " + internal_error(err))
        return INTERNAL_ERROR_EXIT
    finally:
        _end_stdout()


def _say(text: str) -> None:
    """One line on stderr, whatever state stderr is in."""
    try:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # stderr closed or full: nowhere left to say it
        pass


def _end_stdout() -> None:
    """Flush stdout now: output lost at exit would go unreported (and Python would print a traceback)."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError):
        # what could not be written is reported already (explorer.core.console.Output); send the
        # rest of the interpreter's own flushing somewhere harmless
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass


def _run(args) -> int:
    # A plain `-c LINE` needs no script: its lines run as they are.
    quick = bool(args.commands) and not (args.var or args.dry_run or args.export)
    lines = list(args.commands) if quick else _batch_lines(args)
    interactive = lines is None
    if args.export and interactive:
        raise ExplorerError("--export needs a script: -f FILE (or -c LINE)")
    settings = _settings(args, interactive)
    if not interactive:
        # As with curl, Ctrl-C ends a non-interactive run at once, even inside a request; the
        # transport then needs no progress callback to let it in (see transport.Transport).
        # Output is flushed response by response, so nothing already answered is lost.
        import _signal  # `signal` builds its enums at import: a millisecond of every start

        _signal.signal(_signal.SIGINT, _signal.SIG_DFL)
    console = Console(interactive=interactive, color=settings.color, pretty=indent(settings.pretty),
                      verbose=args.verbose, tty=_stdout_is_terminal(), style=settings.style)
    session = Session(settings, console, commands=dispatcher())
    try:
        if quick:
            return run_lines(session, lines, keep_going=args.keep_going)
        # json, expect, recording: scripts only, never a plain -c
        from explorer.workflow import replay

        replay.set_variables(session, args.var)
        session.dry_run = args.dry_run
        if args.export:
            # json, shlex: --export only
            from explorer.workflow.export import export_script

            source = args.file or ("-c" if args.commands else "-")
            export_script(session, lines, args.export, source, dict(session.variables))
            return 0
        if interactive:
            # prompt_toolkit: only the interactive shell loads it
            from explorer.repl import hooks
            from explorer.repl.app import run_repl

            hooks.install(console)
            return run_repl(session)
        if args.commands:
            return run_lines(session, [line.text for line in lines], keep_going=args.keep_going)
        return replay.replay(session, lines, keep_going=args.keep_going, summary=args.keep_going)
    finally:
        session.close()


def dispatcher():
    """The meta commands of a full session: the shell's own plus those the layers above add."""
    return Dispatcher(workflow.COMMANDS, repl.COMMANDS)


def _batch_lines(args):
    """The script to run non-interactively (explorer.workflow.replay.ScriptLine each), or None for the REPL."""
    from explorer.workflow import replay  # as in _run: scripts only

    if args.commands:
        return replay.numbered("-c", args.commands)
    if args.file:
        return replay.read_script(args.file)
    if sys.stdin is None:  # started with `<&-`: no script, and no terminal for a shell either
        return []
    if not sys.stdin.isatty():
        return replay.read_script("-")
    return None


def _settings(args, interactive: bool) -> Settings:
    """The command line over the environment over config.toml over docker's currentContext (core.precedence)."""
    path = configfile.path(args.config)
    file, file_warnings = configfile.read(path, required=bool(args.config))
    version = versions.parse(args.api_version, "--api-version") if args.api_version else None
    settings, warnings = precedence.settings(
        _command_line(args), os.environ, file, file_warnings, config_file=path, spec=args.spec,
        api_version=version, verbose=args.verbose, interactive=interactive,
        show_secrets=args.show_secrets, timeout=args.timeout)
    # --pretty decides, else the terminal and no-color.org's NO_COLOR (set and not empty: no colour)
    terminal = interactive or _stdout_is_terminal()
    settings = settings._replace(color=colour(settings.pretty, terminal, os.environ.get("NO_COLOR")))
    for warning in warnings:
        sys.stderr.write(f"warning: {warning}\n")
    return settings


def _command_line(args) -> dict:
    """The settings the command line gives: -H/--unix-socket, --context, the TLS flags, --pretty, --style,
    --view, --vi, --read-only, --no-confirm, --with-registry-auth and every -o KEY=VALUE."""
    given = []
    if args.host:
        given.append(("host", args.host, "-H"))
    if args.unix_socket:
        given.append(("host", "unix://" + os.path.abspath(args.unix_socket), "--unix-socket"))
    valued = ("context", "tlscacert", "tlscert", "tlskey", "pretty", "style", "view")
    given += [(name, getattr(args, name), "--" + name) for name in valued if getattr(args, name)]
    given += [(name, True, "--" + name) for name in ("tls", "tlsverify", "vi") if getattr(args, name)]
    if args.read_only:
        given.append(("read-only", True, "--read-only"))
    if args.no_confirm:
        given.append(("destructive-warning", False, "--no-confirm"))
    if args.with_registry_auth:
        given.append(("with-registry-auth", True, "--with-registry-auth"))
    return precedence.command_line(given, args.option or [])


def run_lines(session, lines, keep_going: bool = False) -> int:
    """Run lines in order; stop at the first failure unless keep_going. The worst exit code."""
    worst = 0
    for line in lines:
        outcome = session.execute(line)
        worst = max(worst, outcome.exit_code)
        if outcome.quit or outcome.refused or (outcome.exit_code and not keep_going):
            break  # a line --read-only refused stops the run even with --keep-going
    return worst


def _stdout_is_terminal() -> bool:
    """Is stdout a terminal (not when started with `>&-`)?"""
    return sys.stdout is not None and sys.stdout.isatty()
