"""Filings/s of `ledger ingest --jobs N` at 1, 2 and all cores, side by side in one run.

    python bench/ingest_jobs.py                       # 200 generated filings (copies of the examples)
    python bench/ingest_jobs.py --pad-kb 100          # the same, each padded with 100 KB of financing prose
    python bench/ingest_jobs.py ~/sec-edgar-filings   # a folder of your own

Each run is the installed console script, `ledger --db NEW ingest --jobs N FOLDER`, into a fresh
ledger in a temporary folder: what a user waits for, interpreter start-up included (it is timed
apart, as `ledger --version`, and shown). The runs are interleaved, the order of the job counts
turning each round, so load on the machine falls on every count alike; the best and the median
of --repeat rounds are shown, and jobs=1, the in-process path, is the reference. The ledgers each
count records are compared event by event (recording times aside): a difference is reported and
the exit code is 1.

The machine's own ceiling, measured beside each run: a fixed amount of pure-Python arithmetic split
over N processes, as a speed-up over one process (`cpu x`). On a machine shared with other work
the cores are not all free, and this says how many were: ingest cannot beat it.

The generated set: --files copies of examples/filings, each with a line of its own so that each is
a new filing (a new stream) with the events of its original; with --pad-kb, each also carries
that much of bench/ingest_scaling.py's `varied` prose (financing paragraphs with distinct figures),
so extraction, not the per-filing append, sets the pace.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from ingest_scaling import varied  # noqa: E402 - the shape is shared with the scaling benchmark

EXAMPLES = ROOT / "examples" / "filings"
LEDGER = shutil.which("ledger", path=str(Path(sys.executable).parent)) or shutil.which("ledger")


def generate(folder: Path, files: int, pad_kb: int, seed: int) -> None:
    sources = sorted(EXAMPLES.glob("*.txt"))
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for n in range(files):
        text = sources[n % len(sources)].read_text()
        extra = f"\n\nBenchmark copy {n + 1} of {files}.\n"
        if pad_kb:
            extra += "\n" + varied(pad_kb * 1024, rng) + "\n"
        (folder / f"{n:05d}_{sources[n % len(sources)].name}").write_text(text + extra)


def ingest(folder: Path, db: Path, jobs: int) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if k != "LEDGER_DB"}
    started = time.perf_counter()
    proc = subprocess.run([LEDGER, "--db", str(db), "ingest", "--jobs", str(jobs), str(folder)],
                          capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    lines = proc.stderr.strip().splitlines()
    summary = next((line for line in reversed(lines) if " filing(s) read, " in line), "")
    if proc.returncode not in (0, 2) or not summary:
        sys.exit(f"ledger ingest --jobs {jobs} exited with {proc.returncode}:\n{proc.stderr[-2000:]}")
    return elapsed, summary


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


BURN = 4_000_000     # about 0.3 s of one core


def cpu(jobs: int) -> float:
    """Wall seconds for BURN loop turns split over ``jobs`` processes (the pool is started first)."""
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(_burn, [1] * jobs))
        started = time.perf_counter()
        list(pool.map(_burn, [BURN // jobs] * jobs))
        return time.perf_counter() - started


def events(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT seq, event_id, stream, version, type, payload, quote FROM events "
                            "ORDER BY seq").fetchall()


def main(argv: list[str] | None = None) -> int:
    cores = (getattr(os, "process_cpu_count", None) or os.cpu_count)() or 1
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", type=Path, nargs="?", help="filings to ingest (default: a generated set)")
    p.add_argument("--jobs", type=int, nargs="+", default=sorted({1, 2, cores}),
                   help=f"job counts to compare (default 1 2 {cores}: this machine's cores)")
    p.add_argument("--files", type=int, default=200, help="filings in the generated set (default 200)")
    p.add_argument("--pad-kb", type=int, default=0, help="KB of financing prose added to each generated filing")
    p.add_argument("--repeat", type=int, default=3, help="rounds; best and median shown (default 3)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    if LEDGER is None:
        p.error("no `ledger` console script: run `pip install -e .` first")
    jobs = sorted(set(args.jobs) | {1})
    with tempfile.TemporaryDirectory(prefix="ingest-jobs-") as tmp:
        tmp = Path(tmp)
        folder = args.folder
        if folder is None:
            folder = tmp / "filings"
            generate(folder, args.files, args.pad_kb, args.seed)
        files = sum(1 for f in folder.rglob("*") if f.is_file())
        mb = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / (1024 * 1024)
        start = min(_timed([LEDGER, "--version"]) for _ in range(3))
        print(f"Deal Ledger ingest --jobs: {files} files, {mb:.1f} MB in {folder if args.folder else 'a generated set'}; "
              f"{cores} cores, Python {sys.version.split()[0]}, {args.repeat} round(s); "
              f"`ledger --version` takes {start:.2f} s", flush=True)
        times: dict[int, list[float]] = {j: [] for j in jobs}
        burns: dict[int, list[float]] = {j: [] for j in jobs}
        summaries: dict[int, str] = {}
        for r in range(args.repeat):
            turn = r % len(jobs)
            for j in jobs[turn:] + jobs[:turn]:
                db = tmp / f"r{r}-j{j}.db"
                burns[j].append(cpu(j))
                elapsed, summaries[j] = ingest(folder, db, j)
                times[j].append(elapsed)
                print(f"  round {r + 1}, jobs {j}: {elapsed:.2f} s (cpu {burns[j][-1]:.2f} s)", file=sys.stderr, flush=True)
        reference = events(tmp / f"r{args.repeat - 1}-j1.db")
        same = {j: events(tmp / f"r{args.repeat - 1}-j{j}.db") == reference for j in jobs}
        read = int(summaries[1].split()[0])
        ref_best, ref_cpu = min(times[1]), statistics.median(burns[1])
        print(f"\n{'jobs':>4}  {'best s':>7}  {'median s':>8}  {'filings/s':>9}  {'x jobs=1':>8}  "
              f"{'filings/s less start-up':>23}  {'cpu x':>5}  same ledger")
        for j in jobs:
            best = min(times[j])
            print(f"{j:>4}  {best:>7.2f}  {statistics.median(times[j]):>8.2f}  {read / best:>9.1f}  "
                  f"{ref_best / best:>7.2f}x  {read / max(best - start, 1e-9):>23.1f}  "
                  f"{ref_cpu / statistics.median(burns[j]):>4.2f}x  {'yes' if same[j] else 'NO'}")
        print(f"\n{summaries[1]}  (jobs=1)")
        for j in jobs:
            if summaries[j] != summaries[1]:
                print(f"{summaries[j]}  (jobs={j}: a different summary)")
        return 0 if all(same.values()) and len(set(summaries.values())) == 1 else 1


def _timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, capture_output=True)
    return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
