"""Extraction speed per filing: the working tree beside a reference revision, in the same run.

    python bench/extract_speed.py                          # against 311610d, the last commit before the rewrite
    python bench/extract_speed.py --reference HEAD~3 --sizes 10k 100k 1m
    python bench/extract_speed.py --reference-tree ../other-checkout --no-generated

What is timed, for each input: ``ledger.intake.read_filing`` then ``ledger.extract.extract`` (what
``ledger ingest --dry-run`` costs before it prints), in-process, with no store. Each tree runs in a
worker process of its own, started from this script with PYTHONPATH pointing at the tree (the
reference is checked out with ``git worktree add --detach`` into a temporary folder and removed
afterwards). The two workers get the same files, one after the other for each file, alternating
which goes first, so load on the machine falls on both alike. Times are CPU time of the worker
(``time.process_time``), the best of up to --repeat runs; a run over --budget seconds is not
repeated.

Inputs: every filing in examples/filings, tests/filings, tests/formats and tests/language/filings
(when present), and generated 8-Ks of growing size (--sizes, default 10k 100k 1m 4m): the cover
page of examples/filings/000 and a body of ordinary text (the shapes of bench/ingest_scaling.py:
``examples``, the five example bodies repeated; ``varied``, financing paragraphs with distinct figures).

Printed: a table (input, KB, reference ms, current ms, current / reference, events each), the
totals over the filings, and for the generated filings the time per MB at each size and the slope
of a least-squares line through (MB, ms): flat ms/MB and a slope close to it mean linear.
The exit code is 2 for a usage error (an unknown option, a revision git does not know, a tree with
no ledger package) and 1 when a worker dies; a slower extractor is reported, never an exit code.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
DEFAULT_REFERENCE = "311610d"
CORPORA = ("examples/filings", "tests/filings", "tests/formats", "tests/language/filings")
SHAPES = ("examples", "varied")


# --- the worker: runs inside one tree -----------------------------------------------------------

def worker() -> None:
    """Read JSON requests on stdin, one a line; answer each on stdout. The first line out says
    which tree the modules came from, so the driver can check PYTHONPATH took effect."""
    import ledger
    import events
    from ledger.extract import extract
    from ledger.intake import read_filing

    def once(path: Path) -> tuple[int, str | None]:
        try:
            filing = read_filing(path)
            result = extract(filing.normalised, stream=filing.stream, raw_sha256=filing.raw_sha256,
                             source_name=path.name, header=filing.header)
            return len(result.events), None
        except Exception as e:  # noqa: BLE001 - a refused filing is timed and reported like any other
            reason = str(e).splitlines()[0].replace(f"{path}: ", "") if str(e) else ""
            return 0, f"{type(e).__name__}: {reason}"[:70]

    out = sys.stdout
    out.write(json.dumps({"ledger": ledger.__file__, "events": events.__file__}) + "\n")
    out.flush()
    for line in sys.stdin:
        req = json.loads(line)
        path, best, runs, spent = Path(req["path"]), None, 0, 0.0
        count, error = 0, None
        while runs < req["repeat"] and (runs == 0 or spent < req["budget"]):
            t = time.process_time()
            count, error = once(path)
            elapsed = time.process_time() - t
            best = elapsed if best is None else min(best, elapsed)
            runs, spent = runs + 1, spent + elapsed
        out.write(json.dumps({"ms": best * 1000, "runs": runs, "events": count, "error": error}) + "\n")
        out.flush()


# --- the driver ---------------------------------------------------------------------------------

class UsageError(Exception):
    pass


class WorkerDied(Exception):
    pass


class Worker:
    def __init__(self, name: str, tree: Path):
        self.name, self.tree = name, tree
        env = {**os.environ, "PYTHONPATH": str(tree)}
        env.pop("PYTHONSTARTUP", None)
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker"], cwd=tree, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        hello = self._read()
        for module in ("ledger", "events"):
            if not Path(hello[module]).resolve().is_relative_to(tree.resolve()):
                self.close()
                raise UsageError(f"{name}: {module} was imported from {hello[module]}, not from {tree}")

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise WorkerDied(f"the {self.name} worker ({self.tree}) exited with code {self.proc.wait()}")
        return json.loads(line)

    def time(self, path: Path, repeat: int, budget: float) -> dict:
        self.proc.stdin.write(json.dumps({"path": str(path), "repeat": repeat, "budget": budget}) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)


def size_arg(text: str) -> int:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM])?[bB]?", text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size (10k, 100k, 1m, 4m)")
    scale = {"k": 1024, "m": MB}.get((m[2] or "").lower(), 1)
    value = int(float(m[1]) * scale)
    if value < 1024:
        raise argparse.ArgumentTypeError(f"{text!r} is under 1 KB")
    return value


def label(size: int) -> str:
    return f"{size / MB:g}MB" if size >= MB else f"{size / 1024:g}KB"


def corpus_files() -> list[Path]:
    files = []
    for folder in CORPORA:
        d = ROOT / folder
        if d.is_dir():
            files += sorted(p for p in d.iterdir()
                            if p.is_file() and not p.name.startswith(".") and p.suffix not in (".md", ".json"))
    return files


def generated_files(out: Path, sizes: list[int], shapes: list[str], seed: int) -> list[tuple[str, int, Path]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import ingest_scaling as shapes_of     # the cover page and the ordinary shapes, as ingest_scaling builds them

    out.mkdir(parents=True, exist_ok=True)
    head, made = shapes_of.cover(), []
    for shape in shapes:
        for size in sizes:
            path = out / f"{shape}_{label(size)}.txt"
            body = shapes_of.SHAPES[shape][1](size, random.Random(seed))
            path.write_text(head + body + "\n", encoding="utf-8")
            made.append((shape, size, path))
    return made


def add_reference(rev: str) -> Path:
    """A detached checkout of ``rev`` in a temporary folder."""
    try:
        sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
                             capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise UsageError("git is not installed; give --reference-tree instead") from None
    if sha.returncode != 0:
        raise UsageError(f"--reference {rev}: not a revision of {ROOT}")
    tree = Path(tempfile.mkdtemp(prefix="extract-speed-ref-")) / "tree"
    done = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), sha.stdout.strip()],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        shutil.rmtree(tree.parent, ignore_errors=True)
        raise UsageError(f"--reference {rev}: git worktree add failed: {done.stderr.strip().splitlines()[-1]}")
    return tree


def remove_reference(tree: Path) -> None:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                   capture_output=True, check=False)
    shutil.rmtree(tree.parent, ignore_errors=True)


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares ms per MB through (MB, ms)."""
    mx = statistics.fmean(x for x, _ in points)
    my = statistics.fmean(y for _, y in points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else math.nan


def ratio(cur: dict, ref: dict) -> float:
    return cur["ms"] / ref["ms"] if ref["ms"] > 0 else math.nan


def row(name: str, size: int, ref: dict, cur: dict) -> str:
    note = ""
    if ref["error"] == cur["error"] and ref["error"]:
        note = f"  refused by both: {cur['error']}"
    elif ref["error"] or cur["error"]:
        note = f"  refused: {cur['error'] or '-'} (reference: {ref['error'] or '-'})"
    return (f"{name[:44]:<44}{size / 1024:>9.1f}{ref['ms']:>11.1f}{cur['ms']:>11.1f}{ratio(cur, ref):>8.2f}"
            f"{ref['events']:>6}{cur['events']:>6}{note}")


HEADER = f"{'input':<44}{'KB':>9}{'ref ms':>11}{'cur ms':>11}{'ratio':>8}{'ev r':>6}{'ev c':>6}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reference", default=DEFAULT_REFERENCE, metavar="REV",
                   help=f"git revision to compare with (default {DEFAULT_REFERENCE}, before the extractor rewrite)")
    p.add_argument("--reference-tree", type=Path, metavar="DIR", help="a checkout to use instead of --reference")
    p.add_argument("--sizes", type=size_arg, nargs="+", default=[size_arg(s) for s in ("10k", "100k", "1m", "4m")],
                   help="generated filing sizes (default 10k 100k 1m 4m)")
    p.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES))
    p.add_argument("--no-generated", action="store_true", help="time the filings only")
    p.add_argument("--no-corpus", action="store_true", help="time the generated filings only")
    p.add_argument("--repeat", type=int, default=5, help="timed runs per input, the best is shown (default 5)")
    p.add_argument("--budget", type=float, default=2.0, help="no more runs once an input has taken this many CPU s")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "extract_speed")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        worker()
        return 0
    if args.repeat < 1:
        p.error(f"--repeat {args.repeat}: give 1 or more")
    try:
        return compare(args)
    except UsageError as e:
        print(f"extract_speed: {e}", file=sys.stderr)
        return 2
    except WorkerDied as e:
        print(f"extract_speed: {e}", file=sys.stderr)
        return 1


def compare(args) -> int:
    if args.reference_tree is not None:
        ref_tree, made = args.reference_tree.resolve(), False
        if not (ref_tree / "ledger" / "extract").is_dir():
            raise UsageError(f"--reference-tree {args.reference_tree}: no ledger/extract in it")
        ref_name = str(ref_tree)
    else:
        ref_tree, made, ref_name = add_reference(args.reference), True, args.reference
    workers = []
    try:
        workers = [Worker("reference", ref_tree), Worker("current", ROOT)]
        files = [] if args.no_corpus else corpus_files()
        generated = [] if args.no_generated else generated_files(args.out, args.sizes, args.shapes, args.seed)
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=False).stdout.strip() or "?"
        if subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                          capture_output=True, text=True, check=False).stdout.strip():
            head += " with uncommitted changes"
        print(f"Deal Ledger extraction speed: reference {ref_name} vs current (working tree at {head}), "
              f"Python {sys.version.split()[0]}, CPU ms, best of up to {args.repeat}")

        def both(i: int, path: Path) -> tuple[dict, dict]:
            order = workers if i % 2 == 0 else workers[::-1]
            got = {w.name: w.time(path, args.repeat, args.budget) for w in order}
            return got["reference"], got["current"]

        both(0, ROOT / "examples" / "filings" / "000_ba47be5c523c5283.txt")   # warm-up: first-use regex compiles
        if files:
            print("\nFilings\n" + HEADER)
            results = []
            for i, path in enumerate(files):
                ref, cur = both(i, path)
                results.append((ref, cur))
                print(row(str(path.relative_to(ROOT)), path.stat().st_size, ref, cur), flush=True)
            ratios = [ratio(c, r) for r, c in results if r["ms"] > 0 and c["ms"] > 0]
            ref_total, cur_total = sum(r["ms"] for r, _ in results), sum(c["ms"] for _, c in results)
            print(f"{len(files)} filings: reference {ref_total:.1f} ms, current {cur_total:.1f} ms "
                  f"(x{cur_total / ref_total:.2f}); per filing, current / reference: median "
                  f"{statistics.median(ratios):.2f}, geometric mean {statistics.geometric_mean(ratios):.2f}, "
                  f"range {min(ratios):.2f}-{max(ratios):.2f}")
        if generated:
            print("\nGenerated filings\n" + HEADER + f"{'ref ms/MB':>11}{'cur ms/MB':>11}")
            points: dict[tuple[str, str], list[tuple[float, float]]] = {}
            for i, (shape, size, path) in enumerate(generated):
                ref, cur = both(i, path)
                mb = path.stat().st_size / MB
                points.setdefault((shape, "reference"), []).append((mb, ref["ms"]))
                points.setdefault((shape, "current"), []).append((mb, cur["ms"]))
                print(row(f"{shape} {label(size)}", path.stat().st_size, ref, cur)
                      + f"{ref['ms'] / mb:>11.0f}{cur['ms'] / mb:>11.0f}", flush=True)
            print("\nSlope (least squares through MB, ms), ms per MB:")
            for shape in args.shapes:
                r, c = slope(points[(shape, "reference")]), slope(points[(shape, "current")])
                print(f"  {shape:<10} reference {r:>8.0f}   current {c:>8.0f}   current / reference {c / r:.2f}")
    finally:
        for w in workers:
            w.close()
        if made:
            remove_reference(ref_tree)
    return 0


if __name__ == "__main__":
    sys.exit(main())
