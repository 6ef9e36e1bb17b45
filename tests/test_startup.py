"""Start-up: what `ledger --version`, help and a one-issuer replay import, seen from a real process.

Issue 10 times the CLI start-up included; most of a short command's time was importing libraries
it never used (rich for a JSON replay, the extractor, cattrs and the store for --version). These
tests check sys.modules in a fresh interpreter, not a time.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from cli.base import COMMAND_MODULES, app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "filings"

# Run the command as the console script does, then print what was imported.
PROBE = """
import json, sys
sys.argv = ["ledger", *sys.argv[1:]]
from cli.app import main
try:
    main()
except SystemExit:
    pass
sys.__stderr__.write("\\n@@modules " + json.dumps(sorted(sys.modules)) + "\\n")
"""

# Packages none of the light commands needs: rendering, (un)structuring, the HTML reader, the
# extractor, the store and its driver wrapper, and pydantic (which typer 0.29 imports for every option).
HEAVY = ("rich", "cattrs", "lxml", "pydantic", "sqlite_utils", "ledger.extract", "ledger.store", "ledger.ingest",
         "ledger.audit", "ledger.projections", "events.records")


def imported(*args: str, cwd: Path = ROOT) -> tuple[subprocess.CompletedProcess, set[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=cwd, timeout=120)
    text, _, modules = done.stderr.rpartition("\n@@modules ")
    done.stderr = text
    return done, set(json.loads(modules))


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_version_imports_nothing_heavy():
    done, modules = imported("--version")
    assert done.stdout.startswith("ledger ") and done.returncode == 0
    assert heavy(modules) == []
    assert "events" not in modules and "ledger.views" not in modules


@pytest.mark.parametrize("args", [("replay", "--help"), ("export", "--help"), ("events", "--help")])
def test_help_imports_nothing_heavy(args):
    done, modules = imported(*args)
    assert done.returncode == 0 and "Usage: ledger" in done.stdout
    assert heavy(modules) == []


def test_a_json_replay_reads_the_ledger_without_rich_or_the_extractor(tmp_path):
    db = tmp_path / "l.db"
    ingest = subprocess.run([sys.executable, "-c", "from cli.app import main; main()", "--db", str(db), "ingest",
                             str(EXAMPLES)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert ingest.returncode == 0, ingest.stderr
    done, modules = imported("--db", str(db), "replay", "--as-of", "2030-01-01", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["issuers"], "the replay printed no issuer"
    assert "ledger.views" in modules
    assert [m for m in heavy(modules) if m.split(".")[0] in ("rich", "lxml", "pydantic")
            or m.startswith(("ledger.extract", "ledger.ingest", "ledger.audit", "ledger.text"))] == []


def test_every_command_is_mapped_to_the_module_that_defines_it():
    """COMMAND_MODULES names each command's module, so `ledger NAME` imports that module alone."""
    for module in dict.fromkeys(COMMAND_MODULES.values()):
        __import__(module)
    group = typer.main.get_command(app)
    assert set(group.commands) == set(COMMAND_MODULES)
    for name, command in group.commands.items():
        callback = command.callback if command.callback is not None else None
        defined_in = callback.__module__ if callback is not None and name != "record" else "cli.record"
        assert COMMAND_MODULES[name] == defined_in, name
