"""Deal Ledger's performance figures beside their references, measured in one run (issue 10).

    python bench/run.py --events 1000000                # the issue's size: about half an hour
    python bench/run.py --events 100000 --repeat 3 --db bench/out/100k.db --json bench/out/100k.json

It builds a seeded ledger of --events events (bench/generate.py: many issuers, closings, warrants,
fees, 8-K/A amendments, corrections and retractions, filings arriving out of effective-date order),
appending each filing through ``ledger.store`` and the same stored rows to the references in
between, then measures every figure of the issue's table through the library's public API and the
installed ``ledger`` command (start-up included), the references in the same run, interleaved:

  append         events/s, one filing per commit: ledger | eventsourcing recorder | sqlite3 executemany
  replay         all issuers as of --as-of: replay_issuers(rendered=True) + json_chunks (what
                 `ledger replay --format json` runs) and that command |
                 eventsourcing read + fold | SQL + json.loads + fold (the floor)
  one issuer     p95 of replay_ledger(issuer_key=...) and `ledger replay --issuer CIK` | floor for one issuer
  verify         events/s: ledger.store.verify() and `ledger verify` | SQLite-built content + sha256
  ingest         filings/s of `ledger ingest --jobs 1` (one core) on generated 8-Ks under 50 KB |
                 read + extract alone (ledger.ingest.extract_file, in-process, no store)
  peak RSS       of `ledger replay --format json` and `ledger export cap-table` as of the last date |
                 `ledger --version` (the interpreter and the imports)

Each figure is the median of --repeat runs (append: of --repeat consecutive slices of the build,
each slice timing the three appenders on the same filings). The targets are the issue's, in
TARGETS below. Results: bench/RESULTS.md (--results), and with --json FILE a list of
{"name", "value", "unit", "reference", "reference_value", "ratio", "target", "met"}; ratio is
always value / reference_value. A figure's timing is never asserted anywhere: a target missed is
reported (met: false), not failed; the exit code is non-zero only if a command or a check fails.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402
import references  # noqa: E402
from replay import load, revision  # noqa: E402 - the replay benchmark's machine readings

from ledger.ingest import extract_file  # noqa: E402
from ledger.store import open_store, verify  # noqa: E402
from ledger import snapshots  # noqa: E402
from ledger.projections.report import json_chunks  # noqa: E402
from ledger.views import replay_issuers, replay_ledger  # noqa: E402

MID = date(2010, 6, 30)   # about half the events of a ledger spread over 1995-2025
LEDGER = shutil.which("ledger", path=str(Path(sys.executable).parent)) or shutil.which("ledger")


# -- the targets (issue 10's table), encoded once ------------------------------------------------

@dataclass(frozen=True)
class Target:
    text: str
    check: Callable[[float, float | None, float | None], bool] | None   # (value, reference, ratio) -> met


def at_least(x):
    return lambda v, r, q: v >= x


def below(x):
    return lambda v, r, q: v < x


def ratio_at_least(x):
    return lambda v, r, q: None if q is None else q >= x


def replay_target(v, r, q):   # < 2 s and at least 4x faster than eventsourcing
    return None if q is None else v < 2.0 and q <= 0.25


NONE = Target("none (context)", None)
TARGETS = {
    "append": Target(">= eventsourcing (ratio >= 1)", ratio_at_least(1.0)),
    "append_vs_plain": Target(">= 0.6x plain executemany (ratio >= 0.6)", ratio_at_least(0.6)),
    "replay_library": Target("< 2 s and >= 4x faster than eventsourcing (ratio <= 0.25)", replay_target),
    "replay_cli": Target("< 2 s and >= 4x faster than eventsourcing (ratio <= 0.25)", replay_target),
    "replay_library_vs_floor": NONE,
    "issuer_p95_library": Target("< 50 ms", below(50.0)),
    "issuer_p95_cli": Target("< 50 ms", below(50.0)),
    "verify_library": Target(">= 250,000 events/s", at_least(250_000)),
    "verify_cli": Target(">= 250,000 events/s", at_least(250_000)),
    "ingest": Target(">= 150 filings/s per core, filings under 50 KB", at_least(150.0)),
    "rss_replay_json": Target("< 500 MB", below(500.0)),
    "rss_export_cap_table": Target("< 500 MB", below(500.0)),
    "startup": NONE,
    "snapshots": NONE,
}
LABELS = {
    "append": "append, one filing per commit (store.append)",
    "append_vs_plain": "append, one filing per commit (store.append)",
    "replay_library": "whole-ledger replay as of the date, replay_issuers() + json_chunks (the library under `replay --format json`)",
    "replay_cli": "whole-ledger replay, `ledger replay --format json` (start-up included)",
    "replay_library_vs_floor": "whole-ledger replay, replay_issuers() + json_chunks",
    "issuer_p95_library": "one issuer as of the date, p95, replay_ledger(issuer_key=)",
    "issuer_p95_cli": "one issuer as of the date, p95, `ledger replay --issuer` (start-up included)",
    "verify_library": "verify, ledger.store.verify()",
    "verify_cli": "verify, `ledger verify` (start-up included)",
    "ingest": "ingest, `ledger ingest --jobs 1` (one core, start-up included)",
    "rss_replay_json": "peak RSS, `ledger replay --format json` as of the last date",
    "rss_export_cap_table": "peak RSS, `ledger export cap-table` as of the last date",
    "startup": "start-up, `ledger --version`",
    "snapshots": "snapshots of every issuer, built once after the load (ledger.snapshots.refresh; ingest keeps them)",
}


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    reference: str | None
    reference_value: float | None
    runs: list[float]
    reference_runs: list[float]

    def ratio(self) -> float | None:
        if self.reference_value in (None, 0):
            return None
        return self.value / self.reference_value

    def met(self) -> bool | None:
        check = TARGETS[self.name].check
        return None if check is None else check(self.value, self.reference_value, self.ratio())

    def as_json(self) -> dict:
        ratio = self.ratio()
        return {"name": self.name, "value": round(self.value, 6), "unit": self.unit, "reference": self.reference,
                "reference_value": None if self.reference_value is None else round(self.reference_value, 6),
                "ratio": None if ratio is None else round(ratio, 6), "target": TARGETS[self.name].text,
                "met": self.met()}


# -- measuring ----------------------------------------------------------------------------------

def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


# Linux keeps a process's peak RSS across fork and exec: a child forked from this process (over
# 100 MB once the ledger is built) would report at least that much. So every `ledger` command is
# started by a bare launcher (python -S, a few MB), which times it and reads its own child's rusage.
LAUNCHER = """
import os, sys, time
t = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ)
_, status, usage = os.wait4(pid, 0)
sys.stderr.write("\\n@@bench %d %d %.6f\\n" % (os.waitstatus_to_exitcode(status), usage.ru_maxrss, time.perf_counter() - t))
"""


def cli(args: list[str]) -> tuple[float, float, str]:
    """Run the installed `ledger` with stdout to /dev/null: (wall seconds, start-up included; peak
    RSS in MB of that process alone; the end of its stderr). Exits if the command fails."""
    env = {k: v for k, v in os.environ.items() if k != "LEDGER_DB"}
    with tempfile.TemporaryFile() as err:
        subprocess.run([sys.executable, "-S", "-c", LAUNCHER, LEDGER, *args], stdout=subprocess.DEVNULL,
                       stderr=err, env=env, check=False)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    tail, _, marker = text.rpartition("\n@@bench ")
    try:
        rc, kb, seconds = marker.split()
    except ValueError:
        raise SystemExit(f"`ledger {' '.join(args)}` could not be launched: {text[-2000:].strip()}") from None
    if int(rc) != 0:
        raise SystemExit(f"`ledger {' '.join(args)}` exited with {rc}: {tail[-2000:].strip()}")
    return float(seconds), int(kb) / 1024, tail[-2000:]   # ru_maxrss is in KB on Linux


def p95(xs: list[float]) -> float:
    s = sorted(xs)
    return s[max(0, math.ceil(0.95 * len(s)) - 1)]


def med(xs: list[float]) -> float:
    return statistics.median(xs)


def issuers_in(plain: Path) -> list[str]:
    with sqlite3.connect(plain) as conn:
        return [k for (k,) in conn.execute("SELECT DISTINCT issuer_key FROM events ORDER BY issuer_key")]


def last_date(plain: Path) -> date:
    with sqlite3.connect(plain) as conn:
        return date.fromisoformat(conn.execute("SELECT max(effective_date) FROM events").fetchone()[0])


def events_up_to(plain: Path, as_of: date) -> int:
    with sqlite3.connect(plain) as conn:
        return conn.execute("SELECT count(*) FROM events WHERE effective_date <= :d", {"d": as_of.isoformat()}).fetchone()[0]


def compile_program() -> str:
    """Byte-compile the project's packages where Python keeps their cache (what pip does on a
    regular install); says what was done, for RESULTS.md."""
    import compileall
    packages = [HERE.parent / name for name in ("cli", "events", "ledger")]
    ok = all(compileall.compile_dir(str(p), quiet=1) for p in packages)
    return ("the project's modules byte-compiled before the CLI runs, as an install leaves them"
            if ok else "byte-compiling the project's modules failed: CLI figures include compiling them")


def measure(args, db: Path, work: Path) -> tuple[list[Figure], dict]:
    figures: list[Figure] = []
    es_on = references.EVENTSOURCING_MISSING is None
    if not es_on:
        log(f"eventsourcing reference skipped: {references.EVENTSOURCING_MISSING}")
    es_name = "eventsourcing SQLiteApplicationRecorder" if es_on else None
    phases: dict[str, float] = {}
    t_phase = time.perf_counter()

    def phase(name):
        nonlocal t_phase
        now = time.perf_counter()
        phases[name] = now - t_phase
        t_phase = now
        log(f"[{sum(phases.values()):7.1f} s] {name} ({phases[name]:.1f} s)")

    # The CLI is timed as an installed program runs: from compiled modules. A regular install
    # compiles them; an editable one writes __pycache__ on its first run, unless
    # PYTHONDONTWRITEBYTECODE is set (as on some CI machines), when every run would compile the
    # whole program again.
    info_compiled = compile_program()
    log(f"building {args.events:,} events: ledger {db}, references in {work} ...")
    built = generate.build(db, work, n_events=args.events, n_issuers=args.issuers, seed=args.seed,
                           slices=args.repeat, eventsourcing=es_on, log=log)
    phase("build (ledger and references appended interleaved)")
    # What `ledger ingest` does after its batch (and `ledger snapshots` on demand): untimed in append.
    with open_store(db) as store:
        s, (kept, written) = timed(lambda: snapshots.refresh(store))
    figures_snap = Figure("snapshots", s, "s", None, None, [s], [])
    log(f"  snapshots: {written:,} for {kept:,} issuers in {s:.1f} s")
    phase("snapshots")
    timer = built["timer"]
    rates = {n: [s["events"] / s[n] for s in timer.slices if s[n] > 0] for n in timer.names}
    es_rates = rates.get("eventsourcing", [])
    figures.append(Figure("append", med(rates["ledger"]), "events/s", es_name,
                          med(es_rates) if es_rates else None, rates["ledger"], es_rates))
    figures.append(Figure("append_vs_plain", med(rates["ledger"]), "events/s", "sqlite3 executemany, same table shape",
                          med(rates["plain"]), rates["ledger"], rates["plain"]))

    plain_db, es_db = work / "plain.db", work / "eventsourcing.db"
    as_of = args.as_of.isoformat()
    late = last_date(plain_db)
    info = dict(built, timer=None, as_of=args.as_of, late=late, read_mid=events_up_to(plain_db, args.as_of),
                db_bytes=os.path.getsize(db))
    es = references.EventSourcing(es_db, create=False) if es_on else None

    with open_store(db, read_only=True) as store:
        # -- whole-ledger replay, interleaved -------------------------------------------------
        runs = {"floor": [], "es": [], "lib": [], "cli": []}
        for r in range(args.repeat):
            s, floor_result = timed(lambda: references.floor(plain_db, as_of))
            runs["floor"].append(s)
            if es_on:
                s, es_result = timed(lambda: es.read_fold(as_of))
                runs["es"].append(s)
                if es_result != floor_result:
                    raise SystemExit("the eventsourcing fold and the floor's differ: the references are not the same events")
            runs["lib"].append(timed(lambda: sum(map(len, json_chunks(
                replay_issuers(store, as_of=args.as_of, rendered=True)))))[0])
            runs["cli"].append(cli(["--db", str(db), "replay", "--as-of", as_of, "--format", "json"])[0])
            log(f"  replay round {r + 1}: floor {runs['floor'][-1]:.2f} s, eventsourcing "
                f"{runs['es'][-1] if es_on else float('nan'):.2f} s, library {runs['lib'][-1]:.2f} s, cli {runs['cli'][-1]:.2f} s")
        es_ref = med(runs["es"]) if es_on else None
        figures.append(Figure("replay_library", med(runs["lib"]), "s", es_name and es_name + " read + json.loads + fold",
                              es_ref, runs["lib"], runs["es"]))
        figures.append(Figure("replay_cli", med(runs["cli"]), "s", es_name and es_name + " read + json.loads + fold",
                              es_ref, runs["cli"], runs["es"]))
        figures.append(Figure("replay_library_vs_floor", med(runs["lib"]), "s", "SQL + json.loads + fold (floor)",
                              med(runs["floor"]), runs["lib"], runs["floor"]))
        phase("whole-ledger replay")

        # -- one issuer, p95 -------------------------------------------------------------------
        keys = issuers_in(plain_db)
        step = max(1, len(keys) // args.issuer_samples)
        sample = keys[::step][:args.issuer_samples]
        cli_sample = keys[::max(1, len(keys) // args.cli_issuers)][:args.cli_issuers]
        lib, flo, cmd = [], [], []
        for _ in range(args.repeat):
            for key in sample:
                flo.append(timed(lambda: references.floor(plain_db, as_of, key))[0] * 1e3)
                lib.append(timed(lambda: replay_ledger(store, as_of=args.as_of, issuer_key=key))[0] * 1e3)
            for key in cli_sample:
                wanted = key.split(":", 1)[1] if key.startswith("cik:") else key
                cmd.append(cli(["--db", str(db), "replay", "--as-of", as_of, "--issuer", wanted, "--format", "json"])[0] * 1e3)
        figures.append(Figure("issuer_p95_library", p95(lib), "ms", "one-issuer SQL + json.loads + fold, p95",
                              p95(flo), lib, flo))
        figures.append(Figure("issuer_p95_cli", p95(cmd), "ms", "one-issuer SQL + json.loads + fold, p95",
                              p95(flo), cmd, flo))
        phase("one issuer")

        # -- verify -------------------------------------------------------------------------
        vl, vc, vr = [], [], []
        for _ in range(args.repeat):
            n, bad = 0, 0
            s, (n, bad) = timed(lambda: references.verify_reference(plain_db))
            vr.append(n / s)
            s, report = timed(lambda: verify(store))
            if not report.ok:
                raise SystemExit(f"verify found a bad ledger: {report}")
            vl.append(report.checked / s)
            vc.append(built["events"] / cli(["--db", str(db), "verify"])[0])
        info["verify_reference_mismatches"] = bad
        figures.append(Figure("verify_library", med(vl), "events/s", "SQLite-built content + sha256", med(vr), vl, vr))
        figures.append(Figure("verify_cli", med(vc), "events/s", "SQLite-built content + sha256", med(vr), vc, vr))
        phase("verify")

    # -- ingest -----------------------------------------------------------------------------------
    folder = work / "filings"
    made = generate.ingest_filings(folder, args.ingest_filings, args.seed)
    info["ingest"] = made
    files = sorted(folder.iterdir())
    ing, ext = [], []
    for r in range(args.repeat):
        s, results = timed(lambda: [extract_file(p) for p in files])
        failed = [x.error for x in results if x.error]
        if failed:
            raise SystemExit(f"generated filings failed to extract: {failed[:3]}")
        info["ingest"]["events"] = sum(len(x.events) for x in results)
        ext.append(len(files) / s)
        target = work / f"ingest-{r}.db"
        s, _, tail = cli(["--db", str(target), "ingest", "--jobs", "1", str(folder)])
        if f"{len(files)} filing(s) read" not in tail:
            raise SystemExit(f"ledger ingest did not read every generated filing: {tail.strip()[-400:]}")
        ing.append(len(files) / s)
        references.remove(target)
    figures.append(Figure("ingest", med(ing), "filings/s", "read + extract alone (ledger.ingest.extract_file)",
                          med(ext), ing, ext))
    phase("ingest")

    # -- peak RSS ---------------------------------------------------------------------------------
    rj, rx, base, start = [], [], [], []
    for _ in range(args.repeat):
        s, rss, _ = cli(["--version"])
        start.append(s)
        base.append(rss)
        rj.append(cli(["--db", str(db), "replay", "--as-of", late.isoformat(), "--format", "json"])[1])
        rx.append(cli(["--db", str(db), "export", "cap-table", "--as-of", late.isoformat()])[1])
    figures.append(Figure("rss_replay_json", med(rj), "MB", "`ledger --version` peak RSS", med(base), rj, base))
    figures.append(Figure("rss_export_cap_table", med(rx), "MB", "`ledger --version` peak RSS", med(base), rx, base))
    figures.append(Figure("startup", med(start), "s", None, None, start, []))
    figures.append(figures_snap)
    phase("peak RSS")
    if es_on:
        es.close()
    info["phases"] = phases
    info["compiled"] = info_compiled
    return figures, info


# -- reporting ----------------------------------------------------------------------------------

def fmt(x: float | None, unit: str = "") -> str:
    if x is None:
        return "-"
    if unit in ("events/s",) or abs(x) >= 1000:
        s = f"{x:,.0f}"
    elif abs(x) >= 100:
        s = f"{x:,.0f}"
    elif abs(x) >= 10:
        s = f"{x:.1f}"
    else:
        s = f"{x:.2f}"
    return f"{s} {unit}".strip()


def markdown(figures: list[Figure], info: dict, args, started: datetime, seconds: float) -> str:
    machine = (f"{os.cpu_count()} cpus, {platform.machine()}, Python {platform.python_version()}, "
               f"SQLite {sqlite3.sqlite_version}, load average {info['load_start']} at the start and "
               f"{info['load_end']} at the end (1/5/15 min)")
    es_version = "not installed"
    if references.EVENTSOURCING_MISSING is None:
        from importlib.metadata import version
        es_version = version("eventsourcing")
    ingest = info["ingest"]
    lines = [
        "# Benchmark results",
        "",
        f"`python bench/run.py --events {args.events} --repeat {args.repeat} --seed {args.seed}`, "
        f"written by bench/run.py on {started:%Y-%m-%d %H:%M} UTC in {seconds / 60:.1f} min; "
        f"code {info['revision']}; eventsourcing {es_version}.",
        "",
        f"Machine: {machine}; {info.get('compiled', 'modules as found')}.",
        "",
        f"Ledger: {info['events']:,} events in {info['filings']:,} filings ({info['amendments']:,} of them 8-K/A), "
        f"{info['corrections']:,} corrections and {info['retractions']:,} retractions, {info['issuers']} issuers; "
        f"{info['db_bytes'] / 1e6:,.1f} MB. Replay as of {info['as_of']} reads {info['read_mid']:,} events; "
        f"peak RSS as of the last date, {info['late']}. Ingest: {ingest['files']} generated 8-Ks, "
        f"{ingest['bytes'] / ingest['files'] / 1024:.1f} KB on average (largest {ingest['largest'] / 1024:.1f} KB), "
        f"{ingest.get('events', 0):,} events extracted.",
        "",
        "Each value is the median of the runs (p95 over every sample for one issuer); ratio = value / reference.",
        "",
        "| figure | value | reference | reference value | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        met = f.met()
        ratio = f.ratio()
        lines.append(f"| {LABELS[f.name]} | {fmt(f.value, f.unit)} | {f.reference or '-'} | "
                     f"{fmt(f.reference_value, f.unit)} | {'-' if ratio is None else f'{ratio:.2f}'} | "
                     f"{TARGETS[f.name].text} | {'-' if met is None else 'yes' if met else 'no'} |")
    lines += ["", "Runs (value; reference):", ""]
    for f in figures:
        runs = ", ".join(fmt(x) for x in f.runs[:12]) + (" ..." if len(f.runs) > 12 else "")
        ref = ", ".join(fmt(x) for x in f.reference_runs[:12]) + (" ..." if len(f.reference_runs) > 12 else "")
        lines.append(f"- `{f.name}` ({f.unit}): {runs}" + (f"; {ref}" if ref else ""))
    lines += ["", "Phases: " + ", ".join(f"{k} {v:.0f} s" for k, v in info["phases"].items()) + ".",
              "", f"The verify reference re-hashed all {info['events']:,} rows from SQLite-built content; "
              f"{info['verify_reference_mismatches']:,} of its hashes differed from the ledger's stored ones "
              "(0: the same content, so a whole verify).", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", type=int, default=1_000_000, help="events in the ledger (default 1,000,000)")
    p.add_argument("--repeat", type=int, default=3, help="runs of each figure; the median is reported (default 3)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--issuers", type=int, default=500, help="issuers in the generated ledger (default 500)")
    p.add_argument("--as-of", type=date.fromisoformat, default=MID, help=f"the replay date (default {MID})")
    p.add_argument("--db", type=Path, help="keep the ledger built here (it is replaced), to time the CLI on it afterwards")
    p.add_argument("--json", type=Path, help="also write the figures here as JSON")
    p.add_argument("--results", type=Path, default=HERE / "RESULTS.md", help="the Markdown report (default bench/RESULTS.md)")
    p.add_argument("--issuer-samples", type=int, default=40, help="issuers per round for the library's one-issuer p95")
    p.add_argument("--cli-issuers", type=int, default=10, help="issuers per round for the CLI's one-issuer p95")
    p.add_argument("--ingest-filings", type=int, help="generated filings to ingest (default events / 1000, 20 to 1000)")
    args = p.parse_args(argv)
    if LEDGER is None:
        p.error("no `ledger` console script: run `pip install -e .` first")
    if args.events < 100 or args.repeat < 1:
        p.error("--events must be at least 100 and --repeat at least 1")
    if args.ingest_filings is None:
        args.ingest_filings = min(1000, max(20, args.events // 1000))
    started = datetime.now(timezone.utc)
    load_start, code = load(), revision()   # the code measured is the code at the start
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="deal-ledger-bench-") as tmp:
        work = Path(tmp)
        db = args.db or work / "ledger.db"
        if args.db:
            args.db.parent.mkdir(parents=True, exist_ok=True)
        figures, info = measure(args, db, work)
    info.update(load_start=load_start, load_end=load(), revision=code)
    seconds = time.perf_counter() - t0
    report = markdown(figures, info, args, started, seconds)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(report, encoding="utf-8")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([f.as_json() for f in figures], indent=1) + "\n", encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
