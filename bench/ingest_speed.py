"""Filings/s of `ledger ingest --jobs 1` on filings under 50 KB: the working tree beside a reference revision.

    python bench/ingest_speed.py                          # 300 generated filings, against 6d76cf4: about 2 minutes
    python bench/ingest_speed.py --reference HEAD~3 --files 600 --repeat 5
    python bench/ingest_speed.py --reference-tree ../other-checkout --folder ~/filings

Issue 10's ingest target is 150 filings/s per core on filings under 50 KB. Two measurements, each
for both trees in the same run, interleaved (the order turns each round) so load on the machine
falls on both alike:

  cli     wall seconds of the whole command, `ledger --db NEW ingest --jobs 1 FOLDER`, start-up included,
          run as `python -c` with PYTHONPATH at the tree (the tree's own `ledger` and `events` are checked);
          best and median of --repeat rounds, and filings/s
  phases  CPU ms per filing of each step `ledger ingest` takes, in one process per tree, over the same
          files into a fresh SQLite ledger: hash (the duplicate check by bytes), read (bytes, format,
          normalisation), extract (the extractor and the plausibility checks), record (the append);
          the best of --repeat runs (interleaved between the trees) for each file and step, averaged
          over all files and over each kind of generated file. The mentions of a sentence are cached
          within a process (ledger.extract.mentions.read), as in `ledger ingest`, so copies sharing
          sentences cost less than distinct filings would

The two ledgers the cli runs wrote are compared event by event (recording times aside): a difference
is reported and the exit code is 1.

The generated set (--files, default 300, every file under 50 KB): copies of examples/filings whose
share counts and prices are redrawn (each copy a new filing with figures of its own); a third of them
also carry 5-40 KB of bench/ingest_scaling.py's `varied` financing prose, and a third 5-40 KB of
ordinary 8-K prose (business, management, forward-looking statements, with figures and dates but
few financing facts), which is what most of a real filing is.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
EXAMPLES = ROOT / "examples" / "filings"
DEFAULT_REFERENCE = "6d76cf4"      # the last commit before the ingest prefilter
LIMIT = 50 * 1024
SETS = ("copy", "financing", "ordinary")     # a copy alone, + financing prose, + ordinary prose


# --- the generated set -------------------------------------------------------------------------

_FIGURE = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])|(?<=\$)\d+\.\d+")
_NAMES = ("Alice Moreno", "Brian Okafor", "Carla Jensen", "David Lindqvist", "Elena Petrova", "Frank Osei")
_CITIES = ("Irvine, California", "Austin, Texas", "Boston, Massachusetts", "Denver, Colorado", "Vancouver, British Columbia")
_ORDINARY = (
    "The Company is a {adj} company focused on the development of {field} products for {market} markets.",
    "On {date}, the Board of Directors appointed {name} as {office}, effective immediately.",
    "{name}, age {age}, has served as {office} of the Company since {year}.",
    "Prior to joining the Company, {name} was a partner at a consulting firm in {city} for {n} years.",
    "There are no family relationships between {name} and any director or executive officer of the Company.",
    "The Company's principal executive offices are located in {city}.",
    "This report contains forward-looking statements within the meaning of Section 27A of the Securities Act of 1933.",
    "Actual results may differ materially from those expressed in any forward-looking statement.",
    "Factors that could cause such differences include the Company's ability to obtain regulatory approval, "
    "competition, and general economic conditions.",
    "The Company undertakes no obligation to update any forward-looking statement, except as required by law.",
    "Revenue for the quarter ended {date} was ${money} million, compared with ${money2} million a year earlier.",
    "The Company held its annual meeting of stockholders on {date}, at which {pct}% of the outstanding shares were represented.",
    "The stockholders elected {name} and {name2} as directors to serve until the next annual meeting.",
    "The Company leases approximately {n},000 square feet of office space in {city} under a lease expiring in {year2}.",
    "The information in this Item shall not be deemed filed for purposes of Section 18 of the Exchange Act.",
    "A copy of the press release is attached as Exhibit 99.1 and is incorporated herein by reference.",
)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def ordinary(size: int, rng: random.Random) -> str:
    """Paragraphs of an 8-K's other prose, with figures, dates and names but few financing facts."""
    out, total = [], 0
    while total < size:
        para = " ".join(rng.choice(_ORDINARY).format(
            adj=rng.choice(("clinical-stage", "commercial", "diversified", "technology")),
            field=rng.choice(("diagnostic", "therapeutic", "software", "mining")),
            market=rng.choice(("global", "North American", "emerging")),
            date=f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}, {rng.randint(1995, 2024)}",
            name=rng.choice(_NAMES), name2=rng.choice(_NAMES), office=rng.choice(("Chief Financial Officer", "a director", "President")),
            age=rng.randint(35, 70), year=rng.randint(1990, 2020), year2=rng.randint(2025, 2035), city=rng.choice(_CITIES),
            n=rng.randint(2, 30), money=f"{rng.randint(1, 900)}.{rng.randint(0, 9)}", money2=f"{rng.randint(1, 900)}.{rng.randint(0, 9)}",
            pct=rng.randint(51, 95)) for _ in range(rng.randint(2, 6)))
        out.append(para)
        total += len(para) + 2
    return "\n\n".join(out)


def _redraw(m: re.Match, rng: random.Random) -> str:
    digits = iter([str(rng.randint(1, 9))] + [str(rng.randint(0, 9)) for _ in range(len(m.group()))])
    return "".join(next(digits) if c.isdigit() else c for c in m.group())


def generate(folder: Path, files: int, seed: int) -> None:
    sys.path.insert(0, str(BENCH))
    from ingest_scaling import varied, wrap          # the financing prose of the scaling benchmark

    sources = sorted(EXAMPLES.glob("*.txt"))
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for n in range(files):
        source = sources[n % len(sources)]
        text = source.read_text()
        body = text.index("ITEM") if "ITEM" in text else 0
        text = text[:body] + _FIGURE.sub(lambda m: _redraw(m, rng), text[body:]) + f"\n\nBenchmark copy {n + 1}.\n"
        room = LIMIT - len(text.encode()) - 512
        kind = SETS[n % 3]
        if kind == "financing":
            text += "\n" + varied(min(rng.randint(5, 40) * 1024, room), rng) + "\n"
        elif kind == "ordinary":
            text += "\n" + wrap(ordinary(min(rng.randint(5, 40) * 1024, room), rng)) + "\n"
        path = folder / f"{n:05d}_{kind}_{source.name}"
        path.write_text(text)
        assert path.stat().st_size < LIMIT


# --- what runs inside one tree ---------------------------------------------------------------------

CLI = "import sys, ledger, events; from cli.app import main; sys.argv[0] = 'ledger'; main()"


def phases_worker(folder: str, db: str, repeat: int) -> None:
    """CPU ms per filing of each step of `ledger ingest --jobs 1`, best of `repeat` runs, as JSON."""
    import ledger
    from ledger import ingest as I
    from ledger.extract import extract
    from ledger.intake import read_filing
    from ledger.store import open_store

    paths = sorted(p for p in Path(folder).iterdir() if p.is_file())
    best: dict[str, dict[str, float]] = {}
    for r in range(repeat):
        Path(db).unlink(missing_ok=True)
        store = open_store(db, create=True)
        for path in paths:
            t0 = time.process_time()
            assert I.known_bytes(store, path) is None
            t1 = time.process_time()
            filing = read_filing(path)
            t2 = time.process_time()
            result = extract(filing.normalised, stream=filing.stream, raw_sha256=filing.raw_sha256,
                             source_name=path.name, header=filing.header)
            warnings = filing.warnings + result.warnings + I.plausible.check(filing.normalised, result.events, path)
            t3 = time.process_time()
            I.record(store, I.Extracted(str(path), filing, result.events, warnings))
            t4 = time.process_time()
            mine = best.setdefault(path.name, {})
            for k, a, b in (("hash", t0, t1), ("read", t1, t2), ("extract", t2, t3), ("record", t3, t4)):
                mine[k] = min((b - a) * 1000, mine.get(k, float("inf")))
        store.close()
    print(json.dumps({"ledger": ledger.__file__, "files": best}))


# --- the driver ------------------------------------------------------------------------------------

class UsageError(Exception):
    pass


def _env(tree: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("LEDGER_DB", "PYTHONSTARTUP")}
    env["PYTHONPATH"] = str(tree)
    return env


def run_cli(tree: Path, folder: Path, db: Path) -> float:
    check = (f"import ledger, events, pathlib; t = pathlib.Path({str(tree)!r}).resolve(); "
             "assert all(pathlib.Path(m.__file__).resolve().is_relative_to(t) for m in (ledger, events)), 'not the tree'; ")
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", check + CLI, "--db", str(db), "ingest", "--jobs", "1", str(folder)],
                          capture_output=True, text=True, env=_env(tree), cwd=tree)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 2):
        raise UsageError(f"ledger ingest in {tree} exited with {proc.returncode}: {proc.stderr.strip()[-600:]}")
    return elapsed


def run_phases(tree: Path, folder: Path, db: Path, repeat: int) -> dict:
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--phases-worker", str(folder), str(db), str(repeat)],
                          capture_output=True, text=True, env=_env(tree), cwd=tree)
    if proc.returncode != 0:
        raise UsageError(f"the phases worker in {tree} exited with {proc.returncode}: {proc.stderr.strip()[-600:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    if not Path(out["ledger"]).resolve().is_relative_to(tree.resolve()):
        raise UsageError(f"{tree}: ledger was imported from {out['ledger']}")
    return out


def events(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT seq, event_id, stream, version, type, payload, quote FROM events ORDER BY seq").fetchall()


def add_reference(rev: str) -> Path:
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
                         capture_output=True, text=True)
    if sha.returncode != 0:
        raise UsageError(f"--reference {rev}: not a revision of {ROOT}")
    tree = Path(tempfile.mkdtemp(prefix="ingest-speed-ref-")) / "tree"
    done = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), sha.stdout.strip()],
                          capture_output=True, text=True)
    if done.returncode != 0:
        shutil.rmtree(tree.parent, ignore_errors=True)
        raise UsageError(f"--reference {rev}: git worktree add failed: {done.stderr.strip()[-300:]}")
    return tree


def remove_reference(tree: Path) -> None:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True)
    shutil.rmtree(tree.parent, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--phases-worker"]:
        phases_worker(argv[1], argv[2], int(argv[3]))
        return 0
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reference", default=DEFAULT_REFERENCE, metavar="REV", help=f"git revision to compare with (default {DEFAULT_REFERENCE})")
    p.add_argument("--reference-tree", type=Path, metavar="DIR", help="a checkout to use instead of --reference")
    p.add_argument("--folder", type=Path, help="filings to ingest (default: a generated set)")
    p.add_argument("--files", type=int, default=300, help="filings in the generated set (default 300)")
    p.add_argument("--repeat", type=int, default=3, help="rounds of the cli runs and of the phases (default 3)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    made = False
    try:
        if args.reference_tree is not None:
            ref = args.reference_tree.resolve()
            if not (ref / "ledger" / "extract").is_dir():
                raise UsageError(f"--reference-tree {args.reference_tree}: no ledger/extract in it")
            ref_name = str(ref)
        else:
            ref, made, ref_name = add_reference(args.reference), True, args.reference
        return compare(args, ref, ref_name)
    except UsageError as e:
        print(f"ingest_speed: {e}", file=sys.stderr)
        return 2
    finally:
        if made:
            remove_reference(ref)


def compare(args, ref: Path, ref_name: str) -> int:
    trees = {"reference": ref, "current": ROOT}
    with tempfile.TemporaryDirectory(prefix="ingest-speed-") as tmp:
        tmp = Path(tmp)
        folder = args.folder
        if folder is None:
            folder = tmp / "filings"
            generate(folder, args.files, args.seed)
        paths = [f for f in folder.iterdir() if f.is_file()]
        kb = sum(f.stat().st_size for f in paths) / 1024
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        if subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                          text=True).stdout.strip():
            head += " with uncommitted changes"
        print(f"Deal Ledger ingest speed: reference {ref_name} vs current ({head}); {len(paths)} files, "
              f"{kb / len(paths):.1f} KB each on average (largest {max(f.stat().st_size for f in paths) / 1024:.1f} KB); "
              f"Python {sys.version.split()[0]}, {os.cpu_count()} cpus, {args.repeat} round(s)", flush=True)
        times: dict[str, list[float]] = {k: [] for k in trees}
        for r in range(args.repeat):
            for name in (list(trees) if r % 2 == 0 else list(trees)[::-1]):
                times[name].append(run_cli(trees[name], folder, tmp / f"{name}-{r}.db"))
                print(f"  round {r + 1}, {name}: {times[name][-1]:.2f} s", file=sys.stderr, flush=True)
        same = events(tmp / f"reference-{args.repeat - 1}.db") == events(tmp / f"current-{args.repeat - 1}.db")
        # The phases too, one run per tree a round, interleaved; each file's and step's best is kept.
        phases: dict[str, dict] = {name: {"files": {}} for name in trees}
        for r in range(args.repeat):
            for name in (list(trees) if r % 2 else list(trees)[::-1]):
                got = run_phases(trees[name], folder, tmp / f"{name}-phases.db", 1)["files"]
                for f, steps in got.items():
                    mine = phases[name]["files"].setdefault(f, steps)
                    for k, v in steps.items():
                        mine[k] = min(mine[k], v)
                print(f"  round {r + 1}, {name}: phases done", file=sys.stderr, flush=True)
        n = len(paths)
        print(f"\n`ledger ingest --jobs 1`, start-up included\n{'tree':<10}{'best s':>8}{'median s':>10}{'filings/s':>11}")
        for name in trees:
            print(f"{name:<10}{min(times[name]):>8.2f}{statistics.median(times[name]):>10.2f}{n / min(times[name]):>11.1f}")
        print(f"current / reference: x{min(times['reference']) / min(times['current']):.2f} filings/s; "
              f"same events: {'yes' if same else 'NO'}")
        cols = ("hash", "read", "extract", "record")
        print(f"\nCPU ms per filing, in-process, each step's best of {args.repeat} interleaved runs\n{'files':<22}{'tree':<10}"
              + "".join(f"{c:>9}" for c in cols) + f"{'total':>9}{'filings/s':>11}")
        groups = [("all", lambda f: True)] + [(k, lambda f, k=k: f"_{k}_" in f) for k in SETS]
        for group, member in groups:
            names = [f for f in phases["current"]["files"] if member(f)]
            if not names or (group != "all" and len(names) == n):
                continue
            for name in trees:
                mean = {c: statistics.fmean(phases[name]["files"][f][c] for f in names) for c in cols}
                total = sum(mean.values())
                print(f"{group + f' ({len(names)})':<22}{name:<10}" + "".join(f"{mean[c]:>9.2f}" for c in cols)
                      + f"{total:>9.2f}{1000 / total:>11.1f}")
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
