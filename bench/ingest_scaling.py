"""Ingest scaling benchmark: seconds per MB of filing text, ordinary and adversarial, at 1, 4 and 16 MB.

    python bench/ingest_scaling.py                       # every shape at 1, 4 and 16 MB
    python bench/ingest_scaling.py --sizes 0.25 1 --shapes repeated varied
    python bench/ingest_scaling.py --profile repeated --sizes 1

Each shape is a plain-text 8-K: the cover page of examples/filings/000 (so it is read as a filing),
an item heading, then a body of the given size. What is timed, for each file:

  read      ledger.intake.read_filing: bytes, decoding, the format reader, normalisation
  extract   ledger.extract.extract: sentences, parties, the financing extractor, events
  scan      the reference: one plain `re` pass over the same normalised text (every run of word
            characters, counted), the least any reader of the text must do
  ingest    read + extract: what `ledger ingest --dry-run` costs before it prints

s/MB and `x scan` (extract over scan) should stay flat as the size grows: that is what linear
means. A shape whose time at one size passes --budget seconds is not run at the larger sizes
(shown as "skipped"), so a regression shows without the run taking hours.

The files are written to bench/out/ (gitignored) and kept, to rerun by hand with `ledger ingest`.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import re
import sys
import time
from pathlib import Path

from ledger.extract import extract
from ledger.intake import read_filing

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "filings"
MB = 1024 * 1024
SENTENCE = ("On March 1, 2000 the Company sold 100,000 shares of Common Stock at $5.00 per share "
            "to investors for $500,000. ")


def cover() -> str:
    text = (EXAMPLES / "000_ba47be5c523c5283.txt").read_text()
    return text[:text.index("ITEM 5.")] + "ITEM 5.    OTHER EVENTS\n\n"


def wrap(body: str, width: int = 72) -> str:
    """Lines of about `width` characters, as a filing's text is laid out. Tokens longer than a
    line are left whole: a shape made of one huge token stays one huge token."""
    lines, line, length = [], [], 0
    for word in body.split(" "):
        if line and length + len(word) > width:
            lines.append(" ".join(line))
            line, length = [], 0
        line.append(word)
        length += len(word) + 1
    lines.append(" ".join(line))
    return "\n".join(lines)


def repeat_to(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


# --- the shapes -------------------------------------------------------------------------------
def examples(size: int, rng: random.Random) -> str:
    """Ordinary: the five example filings' bodies (items, exhibit lists, signatures), repeated."""
    bodies = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        text = path.read_text()
        bodies.append(text[text.index("ITEM"):] if "ITEM" in text else text)
    return repeat_to("\n\n".join(bodies) + "\n\n", size)


FUNDS = ("Strong River Investments, Inc.", "Montrose Investments Ltd.", "Cranshire Capital, L.P.",
         "Iroquois Master Fund Ltd.", "Alpha Capital Anstalt", "Bristol Investment Fund, Ltd.")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def varied(size: int, rng: random.Random) -> str:
    """Ordinary: paragraphs of financing prose with different figures, dates and parties, so that
    no two facts are the same and nothing merges."""
    out, total = [], 0
    while total < size:
        when = f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {rng.randint(1995, 2024)}"
        shares, price = rng.randint(10, 9_999) * 1_000, rng.randint(100, 4_000)
        warrants, strike = shares // rng.randint(2, 8), price + rng.randint(10, 500)
        fund = rng.choice(FUNDS)
        para = (
            f"On {when}, the Company entered into a Securities Purchase Agreement with {fund} for aggregate "
            f"consideration of ${shares * price // 100:,}. Pursuant to the agreement, the Company issued and sold "
            f"{shares:,} shares of its common stock at a purchase price of ${price // 100}.{price % 100:02d} per share, "
            f"and issued five-year warrants to purchase {warrants:,} shares of common stock at an exercise price of "
            f"${strike // 100}.{strike % 100:02d} per share. The warrants are exercisable for a period of "
            f"{rng.choice(('three', 'four', 'five'))} years from the date of issuance. In connection with the financing, "
            f"the Company paid a placement fee of ${rng.randint(10, 900) * 1000:,} to {rng.choice(FUNDS)}.")
        out.append(wrap(para))
        total += len(para) + 2
    return "\n\n".join(out)


def repeated(size: int, rng: random.Random) -> str:
    """Adversarial: one financing sentence repeated, in one long paragraph (the reported stall)."""
    return wrap(repeat_to(SENTENCE, size))


def repeated_paragraphs(size: int, rng: random.Random) -> str:
    """Adversarial: the same sentence, each a paragraph of its own."""
    return repeat_to(SENTENCE.strip() + "\n\n", size)


def no_periods(size: int, rng: random.Random) -> str:
    """Adversarial: one sentence the size of the file: financing clauses joined by 'and'."""
    clause = ("the Company sold 100,000 shares of Common Stock at $5.00 per share to investors for $500,000 "
              "and issued warrants to purchase 25,000 shares at $6.00 per share and ")
    return wrap("On March 1, 2000 " + repeat_to(clause, size))


def digits(size: int, rng: random.Random) -> str:
    """Adversarial: runs of digits with commas ('1,000,000,...') and bare digits, some thousands of
    characters long, between words that financing patterns look for."""
    unit = ("sold " + "1," + ",".join(["000"] * 2000) + " shares of common stock at $"
            + "9" * 5000 + ".00 per share and " + "1234567890" * 300 + " ")
    return wrap(repeat_to(unit, size))


def warrants(size: int, rng: random.Random) -> str:
    """Adversarial: 'warrants to purchase' over and over, never followed by a number."""
    return wrap("The Company issued " + repeat_to("warrants to purchase ", size) + "shares.")


def capitals(size: int, rng: random.Random) -> str:
    """Adversarial: a run of capitalised words, as party names, with no company suffix to end them."""
    words = ["Strong", "River", "Montrose", "Alpha", "Capital", "Iroquois", "Master", "Bristol", "Hudson", "Bay"]
    body = " ".join(rng.choice(words) for _ in range(size // 7))
    return wrap(f"The Company paid a placement fee of $10,000 to {body} and sold 1,000 shares of common stock to {body[:200]}.")


def parentheses(size: int, rng: random.Random) -> str:
    """Adversarial: parentheses nested tens of thousands deep, around a financing clause."""
    depth = size // 4
    core = ' 100,000 shares (the "Shares") of common stock at $5.00 per share '
    return wrap("The Company sold " + "(" * depth + core + ")" * depth + ".")


def one_token(size: int, rng: random.Random) -> str:
    """Adversarial: one 'word' of letters and periods with no space in it (no sentence ends)."""
    return "The Company sold " + repeat_to("Abc.", size) + " shares."


def page_spaces(size: int, rng: random.Random) -> str:
    """Adversarial: '<PAGE>' lines followed by thousands of spaces and more text (two white-space runs
    in the page-marker pattern split each run in every way)."""
    return repeat_to("<PAGE>" + " " * 4000 + "x\n" + SENTENCE + "\n", size)


def convertible(size: int, rng: random.Random) -> str:
    """Adversarial: a convertible preferred sale, then sentences of 9,000 characters that speak of
    conversion and state no discount (the discount pattern read each to its end from every position)."""
    sale = "On March 1, 2000 the Company sold 1,000 shares of Series A Convertible Preferred Stock at $5.00 per share.\n\n"
    clause = "the Series A Convertible Preferred Stock is convertible into common stock and "
    return sale + repeat_to(wrap("Holders agree that " + clause * (9000 // len(clause)) + "so on.") + "\n\n", size)


SHAPES = {
    "examples": ("ordinary", examples),
    "varied": ("ordinary", varied),
    "repeated": ("adversarial", repeated),
    "repeated_paragraphs": ("adversarial", repeated_paragraphs),
    "no_periods": ("adversarial", no_periods),
    "digits": ("adversarial", digits),
    "warrants": ("adversarial", warrants),
    "capitals": ("adversarial", capitals),
    "parentheses": ("adversarial", parentheses),
    "one_token": ("adversarial", one_token),
    "page_spaces": ("adversarial", page_spaces),
    "convertible": ("adversarial", convertible),
}


# --- measuring --------------------------------------------------------------------------------
_WORDS = re.compile(r"\w+")


def scan(text: str) -> int:
    return sum(1 for _ in _WORDS.finditer(text))


def best_of(repeat: int, fn):
    best, value = None, None
    for _ in range(repeat):
        t = time.perf_counter()
        value = fn()
        elapsed = time.perf_counter() - t
        best = elapsed if best is None else min(best, elapsed)
    return best, value


def measure(path: Path, repeat: int) -> dict:
    read_s, filing = best_of(repeat, lambda: read_filing(path))
    scan_s, _ = best_of(repeat, lambda: scan(filing.normalised))
    extract_s, result = best_of(repeat, lambda: extract(
        filing.normalised, stream=filing.stream, raw_sha256=filing.raw_sha256, source_name=path.name,
        header=filing.header))
    facts = result.events[1:]
    return dict(read=read_s, extract=extract_s, scan=scan_s, ingest=read_s + extract_s,
                mb=path.stat().st_size / MB, facts=len(facts), quotes=sum(len(e.provenance.quotes) for e in facts),
                warnings=result.warnings + filing.warnings)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=float, nargs="+", default=[1, 4, 16], help="body sizes in MB (default 1 4 16)")
    p.add_argument("--shapes", nargs="+", choices=sorted(SHAPES), default=list(SHAPES))
    p.add_argument("--repeat", type=int, default=1, help="timed runs of each phase; the best is shown (default 1)")
    p.add_argument("--budget", type=float, default=120.0,
                   help="seconds of ingest past which a shape's larger sizes are skipped (default 120)")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "ingest")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--profile", choices=sorted(SHAPES), help="print a cProfile of extracting this shape at the first size")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    head = cover()

    def build(shape: str, mb: float) -> Path:
        path = args.out / f"{shape}_{mb:g}mb.txt"
        body = SHAPES[shape][1](int(mb * MB), random.Random(args.seed))
        path.write_text(head + body + "\n", encoding="utf-8")
        return path

    if args.profile:
        path = build(args.profile, args.sizes[0])
        filing = read_filing(path)
        prof = cProfile.Profile()
        prof.runcall(extract, filing.normalised, stream=filing.stream, raw_sha256=filing.raw_sha256,
                     source_name=path.name, header=filing.header)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
        return

    print(f"Deal Ledger ingest scaling: sizes {', '.join(f'{s:g}' for s in args.sizes)} MB, "
          f"Python {sys.version.split()[0]}, best of {args.repeat}")
    print(f"{'shape':<21}{'kind':<12}{'MB':>6}{'read s/MB':>10}{'scan s/MB':>10}{'extract s/MB':>13}"
          f"{'x scan':>8}{'ingest s':>10}{'facts':>7}{'quotes':>8}  warnings")
    for shape in args.shapes:
        kind = SHAPES[shape][0]
        over = False
        for mb in args.sizes:
            if over:
                print(f"{shape:<21}{kind:<12}{mb:>6g}  skipped: the smaller size took over {args.budget:g} s")
                continue
            path = build(shape, mb)
            r = measure(path, args.repeat)
            size = r["mb"]
            note = "; ".join(w.split(": ", 1)[-1][:60] for w in r["warnings"]) or "-"
            print(f"{shape:<21}{kind:<12}{size:>6.2f}{r['read'] / size:>10.3f}{r['scan'] / size:>10.3f}"
                  f"{r['extract'] / size:>13.3f}{r['extract'] / r['scan']:>7.0f}x{r['ingest']:>10.2f}"
                  f"{r['facts']:>7}{r['quotes']:>8}  {note}", flush=True)
            over = r["ingest"] > args.budget


if __name__ == "__main__":
    main()
