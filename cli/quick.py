"""The common read served before typer is imported: `ledger [--db PATH] replay --as-of D
--format json [--issuer X] [--known-at K]` (options in any order), and `ledger --version`.

A one-issuer replay takes a few milliseconds; importing typer and its copy of click took longer
(issue 10's target is 50 ms with start-up). The typer app (cli.base and the command modules) stays
the one definition of the command line: this module recognises only argument lists whose meaning
under it is plain (known options, each once, values that cannot be read as options, valid dates),
runs the very function the typer command runs (cli.replaying.replay), and hands anything else
(help, a bad or unusual option, another command or format) to typer unread, having written
nothing. tests/test_quick_cli.py runs both on generated argument lists and compares stdout,
stderr and exit code.
"""
from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Mapping, Sequence

# The options, as cli.base and cli.reads declare them: the group's before `replay`, then replay's.
_GROUP = {"--db": "db"}
_REPLAY = {"--as-of": "as_of", "--issuer": "issuer", "--format": "format", "--known-at": "known_at"}


def _options(args: Sequence[str]) -> dict[str, str] | None:
    """``{name: value}`` for ``[--db V] replay [--as-of V | --issuer V | --format V | --known-at V]...``,
    each option once, as ``--name value`` or ``--name=value``; None for anything else."""
    values: dict[str, str] = {}
    known, i = _GROUP, 0
    while i < len(args):
        token = args[i]
        if known is _GROUP and token == "replay":
            known, i = _REPLAY, i + 1
            continue
        name, eq, value = token.partition("=")
        key = known.get(name)
        if key is None or key in values:
            return None
        if not eq:
            if i + 1 == len(args):
                return None
            value = args[i + 1]
        i += 1 if eq else 2
        if value.startswith("-"):     # click would take it as the value; typer says what it means
            return None
        values[key] = value
    return values if known is _REPLAY else None


def _date(value: str | None):
    """The date cli.base.parse_date reads, or None when it would refuse it (typer says why)."""
    from events.codec import iso_date
    try:
        return iso_date(value)
    except ValueError:
        return None


def command(args: Sequence[str], environ: Mapping[str, str]) -> Callable[[], None] | None:
    """What to run for ``args`` without typer, or None when typer must decide."""
    if any(name.startswith("_") and name.endswith("_COMPLETE") for name in environ):
        return None     # a shell-completion request, which click answers
    if list(args) == ["--version"]:
        from cli.console import package_version
        return lambda: sys.stdout.write(f"ledger {package_version()}\n")
    options = _options(args)
    if options is None or options.get("format") != "json" or "as_of" not in options:
        return None
    as_of = _date(options["as_of"])
    known_at = _date(options["known_at"]) if "known_at" in options else None
    if as_of is None or ("known_at" in options and known_at is None):
        return None
    from cli.console import DB_ENV, DEFAULT_DB
    location = options["db"] if "db" in options else environ.get(DB_ENV) or DEFAULT_DB

    def replay() -> None:
        from cli import replaying
        replaying.replay(location, as_of=as_of, as_json=True, issuer=options.get("issuer"), known_at=known_at)
    return replay


def run(args: Sequence[str], environ: Mapping[str, str] = os.environ) -> int | None:
    """The exit code of ``args`` run here, as typer's main would end it; None: not run, nothing
    written, typer must decide."""
    call = command(args, environ)
    if call is None:
        return None
    from cli.console import CommandFailed
    try:
        call()
    except CommandFailed as e:       # typer: typer.Exit(code)
        return e.code
    except KeyboardInterrupt:        # typer: Exit(130)
        return 130
    except OSError as e:             # typer: a closed pipe is exit 1, with nothing more said on flush
        if e.errno != errno.EPIPE:
            raise
        try:
            from typer._click.utils import PacifyFlushWrapper
        except ImportError:  # pragma: no cover - typer before its own copy of click
            from click.utils import PacifyFlushWrapper
        sys.stdout, sys.stderr = PacifyFlushWrapper(sys.stdout), PacifyFlushWrapper(sys.stderr)
        return 1
    return 0
