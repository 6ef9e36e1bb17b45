"""cli.quick serves the common JSON replay and `--version` before typer is imported. For any
argument list it either runs and writes exactly what the typer app writes (stdout, stderr, exit
code), or declines having written nothing, and typer decides. Issue 10: a one-issuer replay's
start-up was mostly typer, click and libraries the read never used.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli import quick
from cli.app import app
from cli.console import diagnostic, err
from events import CommonIssued, FilingRecorded, Issuer
from ledger.store import open_store
from tests.random_ledger import append, said, three_issuers

ROOT = Path(__file__).resolve().parent.parent
RUNNER = CliRunner()


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory) -> dict[str, str]:
    """Named locations: a ledger of five issuers (two named alike; two with a warning, one of
    them with a tab in its name, which rich expands), a missing file and a file that is no ledger."""
    folder = tmp_path_factory.mktemp("quick")
    db = folder / "l.db"
    with open_store(db, create=True) as store:
        three_issuers(store)
        for serial, (key, name) in enumerate((("cik:7", "Plain Warn Inc"), ("cik:8", "Tab\tWarn Co")), 50):
            stream = f"sha256:{serial:064x}"
            issuer, report = Issuer(name, key.removeprefix("cik:")), date(2001, 3, 1)
            head = FilingRecorded(effective_date=report, provenance=said(stream, "cover"), issuer=issuer, form="8-K",
                                  report_date=report, signature_date=report, public_date=report, identity=stream,
                                  raw_sha256=stream, source_name=f"{serial}.txt", items=("3.02",))
            sold = CommonIssued(effective_date=report, provenance=said(stream, "sold"), reported_under=("3.02",),
                                shares=1000, price=Decimal("2.50"), consideration=Decimal("9999"),
                                consideration_kind="cash", buyers=("B Fund",))   # 1000 x 2.50 is not 9999: a warning
            append(store, key, issuer, "8-K", report, [head, sold], serial)
    (folder / "not-a-ledger.db").write_text("hello")
    return {"LEDGER": str(db), "MISSING": str(folder / "missing.db"), "NOTLEDGER": str(folder / "not-a-ledger.db")}


def typer_run(args: list[str], env: dict) -> tuple:
    result = RUNNER.invoke(app, args, env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return ("raised", type(result.exception).__name__), result.stdout, result.stderr
    return result.exit_code, result.stdout, result.stderr


def quick_run(args: list[str], env: dict) -> tuple:
    with RUNNER.isolation(env=env) as (stdout, stderr, _):
        try:
            code = quick.run(args)
        except Exception as e:   # noqa: BLE001 - compared with what the typer app raised
            code = ("raised", type(e).__name__)
        sys.stdout.flush()
        sys.stderr.flush()
        return code, stdout.getvalue().decode(), stderr.getvalue().decode()


def same_as_typer(args: list[str], env: dict) -> bool:
    """Whether cli.quick ran ``args``; and that it wrote what typer writes, or nothing."""
    code, stdout, stderr = quick_run(args, env)
    if code is None:
        assert (stdout, stderr) == ("", ""), "cli.quick wrote something, then left the command to typer"
        return False
    assert (code, stdout, stderr) == typer_run(args, env), args
    return True


SERVED = [
    ["replay", "--as-of", "2030-01-01", "--format", "json"],
    ["replay", "--format", "json", "--as-of", "2030-01-01", "--issuer", "7"],            # a warning, plain
    ["replay", "--format=json", "--as-of=2030-01-01", "--issuer=Tab"],                    # a warning rich rewrites
    ["replay", "--issuer", "0001", "--as-of", "2000-01-31", "--format", "json", "--known-at", "2000-01-31"],
    ["replay", "--as-of", "2030-01-01", "--format", "json", "--known-at", "1990-01-01"],  # nothing public yet
    ["replay", "--as-of", "1990-01-01", "--format", "json"],
    ["replay", "--as-of", "2030-01-01", "--format", "json", "--issuer", "Acme"],           # two issuers: exit 2
    ["replay", "--as-of", "2030-01-01", "--format", "json", "--issuer", "nobody"],
    ["replay", "--as-of", "2030-01-01", "--format", "json", "--issuer", ""],
]


@pytest.mark.parametrize("args", SERVED)
@pytest.mark.parametrize("db", ["LEDGER", "MISSING", "NOTLEDGER"])
def test_the_common_read_is_served_and_writes_what_typer_writes(ledgers, args, db):
    assert same_as_typer(["--db", ledgers[db], *args], {"LEDGER_DB": None})
    assert same_as_typer(args, {"LEDGER_DB": ledgers[db]})        # the database from the environment


def test_the_version_is_served_and_is_what_typer_writes():
    assert same_as_typer(["--version"], {})


def test_the_served_reads_reach_every_outcome(ledgers):
    """Not a vacuous comparison: the cases above print issuers, warnings and errors."""
    outcomes = {quick_run(["--db", ledgers["LEDGER"], *args], {})[0] for args in SERVED}
    assert outcomes == {0, 2}
    _, stdout, stderr = quick_run(["--db", ledgers["LEDGER"], *SERVED[2]], {})
    assert json.loads(stdout)["issuers"][0]["issuer"]["name"] == "Tab\tWarn Co"
    assert stderr.startswith("warning: Tab    Warn Co: ")    # rich expanded the tab, as typer's path does


@pytest.mark.parametrize("args", [
    [], ["--help"], ["replay", "--help"], ["replay", "--as-of", "2030-01-01"],                   # table: typer's
    ["replay", "--as-of", "2030-01-01", "--format", "table"], ["replay", "--format", "json"],
    ["replay", "--as-of", "tomorrow", "--format", "json"], ["replay", "--as-of", "2030-01-01", "--format", "JSON"],
    ["replay", "--as-of", "2030-01-01", "--format", "json", "--format", "json"],
    ["replay", "--as-of", "2030-01-01", "--format", "json", "--issuer", "--known-at"],
    ["replay", "--as-of", "2030-01-01", "--format", "json", "extra"], ["--db", "x", "--version"],
    ["replay", "--as-of", "2030-01-01", "--format", "json", "--db", "x"], ["events", "--format", "json"],
])
def test_anything_else_is_left_to_typer(args):
    assert quick.command(args, {}) is None


def test_a_shell_completion_request_is_left_to_typer():
    args = ["replay", "--as-of", "2030-01-01", "--format", "json"]
    assert quick.command(args, {}) is not None
    assert quick.command(args, {"_LEDGER_COMPLETE": "bash_complete"}) is None


DATES = st.sampled_from(["2030-01-01", "2000-01-31", "1990-01-01"] * 6
                        + ["2000-6-30", "20000630", "tomorrow", "", "2000-02-30", "-1", "2000-01-31T00:00"])
ISSUERS = st.sampled_from(["1", "0003", "7", "8", "Acme", "acme corp", "Zeta", "Tab", "nobody", "", "--format", "-x"])
FORMATS = st.sampled_from(["json"] * 10 + ["table", "JSON", "xml", "", "--issuer"])


@st.composite
def argument_lists(draw, ledgers: dict[str, str]) -> tuple[list[str], dict]:
    """Mostly a well-formed read, in any order, in either option form, with any values; some with
    a token more, an option twice or one missing, another command, or help."""
    def option(name: str, values) -> list[str]:
        value = draw(values)
        return [f"{name}={value}"] if draw(st.booleans()) else [name, value]
    dbs = st.sampled_from(sorted(ledgers.values()) + ["", "replay"])
    head = draw(st.lists(st.sampled_from(["db"] * 8 + ["--version", "--help", "-x"]), max_size=2))
    args = [t for h in head for t in (option("--db", dbs) if h == "db" else [h])]
    args.append(draw(st.sampled_from(["replay"] * 8 + ["export", "events", "Replay"])))
    options = [option("--as-of", DATES), option("--format", FORMATS)]
    options += [option(name, values) for name, values in (("--issuer", ISSUERS), ("--known-at", DATES))
                if draw(st.booleans())]
    noise = {"help": ["--help"], "dashes": ["--"], "extra": ["extra"], "bare": ["--as-of"], "db": ["--db", "x"],
             "twice": option("--format", FORMATS), "missing": None}
    for kind in draw(st.just([]) | st.just([]) | st.lists(st.sampled_from(sorted(noise)), max_size=2)):
        if kind == "missing":
            options.pop(draw(st.integers(0, len(options) - 1)))
        else:
            options.append(noise[kind])
        if not options:
            break
    for chosen in draw(st.permutations(options)):
        args += chosen
    env = {"LEDGER_DB": draw(st.sampled_from([None, "", *ledgers.values()]))}
    return args, env


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_argument_list_gives_what_typer_gives_or_is_left_to_it(ledgers, data):
    args, env = data.draw(argument_lists(ledgers))
    event(f"served: {same_as_typer(args, env)}")


# -- diagnostics without rich ----------------------------------------------------------------


def rich_line(text: str) -> str:
    stream = io.StringIO()
    real, sys.stderr = sys.stderr, stream
    try:
        err.print(text, soft_wrap=True)
    finally:
        sys.stderr = real
    return stream.getvalue()


def plain_line(text: str) -> str:
    stream = io.StringIO()
    real, sys.stderr = sys.stderr, stream
    try:
        diagnostic(text)
    finally:
        sys.stderr = real
    return stream.getvalue()


@settings(max_examples=500, deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=300) | st.text("ab \t\n\r\x07\x1b[]:*_`é中😀", max_size=40))
def test_a_diagnostic_is_what_rich_writes(text):
    assert plain_line(text) == rich_line(text)


# -- a real process ----------------------------------------------------------------------------

PROBE = """
import json, sys
sys.argv = ["ledger", *sys.argv[1:]]
from cli.app import main
try:
    main()
except SystemExit as e:
    code = e.code
sys.__stderr__.write("\\n@@modules " + json.dumps([code, sorted(sys.modules)]) + "\\n")
"""


@pytest.mark.parametrize("issuer", ["7", "Tab", "nobody"])
def test_the_console_script_serves_a_one_issuer_json_replay_without_typer_rich_or_sqlite_utils(ledgers, issuer):
    args = ["--db", ledgers["LEDGER"], "replay", "--as-of", "2030-01-01", "--issuer", issuer, "--format", "json"]
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
    stderr, _, tail = done.stderr.rpartition("\n@@modules ")
    code, modules = json.loads(tail)
    assert (code, done.stdout, stderr) == typer_run(args, {"LEDGER_DB": None})
    loaded = {m.split(".")[0] for m in modules}
    assert loaded.isdisjoint({"typer", "click", "sqlite_utils", "dateutil", "pluggy", "cattrs"}), loaded
    assert ("rich" in loaded) == (issuer != "7"), "rich only to expand a tab or to print an error"
