"""Replay benchmark: a synthetic ledger of N events, replayed side by side with a bare-sqlite floor.

    python bench/replay.py                                    # 70,000 events, 1,400 filings
    python bench/replay.py --events 1000000 --filings 20000 --db bench/out/bench.db

What it measures (see bench/README.md for the last results):

  append     the store.append, one filing (stream) per call, as ingest does it
  replay     replay_ledger(store, as_of=mid) -- the product path (SQL, decode, folds)
  read only  the same rows through the store.read() with no fold (SQL + decode)
  floor      a bare sqlite3 loop over the exact SQL and params of ledger.store.read_sql that
             only json.loads each payload: what decoding + folding is compared against
  fixed      what every replay pays whatever its date: store.streams(), amendments.superseded(),
             and a whole replay_ledger as of an early date (few events)
  known_at   replay_ledger(as_of=mid, known_at=early): few rows out of the same range read
  export     both CSV exports written from the mid replay's result
  memory     tracemalloc peak of replay_ledger at an early and a late as-of date
  plan       EXPLAIN QUERY PLAN of the replay query, and when its first row arrives
  mmap       the floor again with PRAGMA mmap_size, to show what SQLite's 2 MB page cache costs
  verify     verify(the store) time per event

Only the package's public functions are called; nothing in the product is patched.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import json
import os
import pstats
import random
import sqlite3
import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from events import (
    Basis, CommonIssued, ConsiderationKind, FeePaid, FeeRole, FilingRecorded, Issuer, Provenance, QuantityBasis,
    QuantityFormula, Quote, WarrantGranted, WarrantKind,
)
import ledger
from ledger.amendments import superseded
from ledger.export import write_cap_table_csv, write_warrants_csv
from events import DAY_RANK
from ledger.store import Store, open_store, verify
from ledger.store.sqlite import read_sql   # the floor runs the engine's own SQL
from ledger.store.sqlite_schema import TEMP_EVENT_TYPES
from events.envelope import Document, StreamInfo
from ledger.views import replay_ledger

FIRST_DAY, LAST_DAY = date(1995, 1, 1), date(2025, 12, 31)
EARLY, MID = date(1995, 3, 31), date(2010, 6, 30)  # late: the last effective date in the ledger
MMAP = 1 << 32

FUNDS = (
    "Strong River Investments, Inc.", "Montrose Investments Ltd.", "Cranshire Capital, L.P.",
    "Iroquois Master Fund Ltd.", "Hudson Bay Master Fund Ltd.", "Alpha Capital Anstalt",
    "Empery Asset Master, Ltd.", "Sabby Healthcare Master Fund, Ltd.", "Lincoln Park Capital Fund, LLC",
    "Capital Ventures International", "Heights Capital Management, Inc.", "Bristol Investment Fund, Ltd.",
)
AGENTS = ("H.C. Wainwright & Co., LLC", "Roth Capital Partners, LLC", "Maxim Group LLC",
          "Ladenburg Thalmann & Co. Inc.", "Rodman & Renshaw, LLC", "Dawson James Securities, Inc.")
DESCRIPTIONS = ("two institutional investors", "certain accredited investors",
                "a limited number of institutional investors", "an unrelated third party")


def long_date(d: date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def money_text(d: Decimal) -> str:
    whole, _, frac = f"{d:f}".partition(".")
    return f"${int(whole):,}" + (f".{frac}" if frac else "")


class Text:
    """A filing's normalised text, built sentence by sentence so every quote has exact spans."""

    def __init__(self):
        self.parts: list[str] = []
        self.size = 0

    def add(self, sentence: str) -> Quote:
        if self.parts:
            self.parts.append(" ")
            self.size += 1
        start = self.size
        self.parts.append(sentence)
        self.size += len(sentence)
        return Quote(start, self.size, sentence)

    def value(self) -> str:
        return "".join(self.parts)


def issuers(count: int) -> list[tuple[str, Issuer]]:
    out = []
    for n in range(1, count + 1):
        cik = str(1_000_000 + n * 37)
        name = f"Synthetic Therapeutics {n:03d}, Inc."
        out.append((f"cik:{int(cik)}", Issuer(name, cik, f"000-{20000 + n}", f"93-{n:07d}", "DE")))
    return out


def filing(rng: random.Random, serial: int, issuer_key: str, issuer: Issuer, n_events: int,
           amendment: bool = False, amends: tuple[str, date] | None = None):
    """One synthetic filing: a FilingRecorded and ``n_events - 1`` financing events, arranged in
    closings of common shares, investor and placement-agent warrants, and a fee, all reported
    under item 3.02. An amendment (8-K/A) restates item 3.02 of the filing ``amends`` names
    (stream, date of report), or of an original the ledger does not hold when it is None."""
    if amends is not None:
        report = amends[1]
    else:
        report = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    signed = report + timedelta(days=rng.randrange(0, 15) + (rng.randrange(20, 200) if amendment else 0))
    form = "8-K/A" if amendment else "8-K"
    items = ("3.02",) if amendment else ("1.01", "3.02")
    text = Text()
    header = [text.add(f"FORM {form}"), text.add(issuer.name.upper()),
              text.add(f"Date of Report (Date of earliest event reported): {long_date(report)}"),
              text.add(f"Commission File Number {issuer.file_number}"),
              text.add(f"IRS Employer Identification No. {issuer.irs_number}"),
              text.add(f"Item 3.02 Unregistered Sales of Equity Securities. (Filing {serial:07d}.)")]
    specs = []  # (cls, fields, quotes) -- provenance needs the stream id, known only at the end
    price = Decimal(rng.randrange(50, 40000)) / 1000  # 0.050 .. 39.999
    closing = report
    for i in range(n_events - 1):
        step = i % 4
        if step == 0 and i:
            closing = closing + timedelta(days=rng.choice((7, 14, 30, 45)))
            price = (price * Decimal(rng.randrange(80, 125)) / 100).quantize(Decimal("0.001"))
            price = max(price, Decimal("0.010"))
        buyers = tuple(rng.sample(FUNDS, rng.randrange(1, 4)))
        if step == 0:
            shares = rng.randrange(10_000, 5_000_000)
            product = shares * price
            consideration = product.quantize(Decimal(1))
            if rng.random() < 0.01:  # the price also paid for warrants: a cross-check warning
                consideration = (product * Decimal("1.125")).quantize(Decimal(1))
            q = text.add(
                f"On {long_date(closing)}, the Company issued and sold to {', '.join(buyers)} a total "
                f"of {shares:,} shares of the Company's common stock at a purchase price of "
                f"{money_text(price)} per share, for aggregate consideration of {money_text(consideration)}.")
            x = text.add(f"4.{i + 1} Securities Purchase Agreement dated as of {long_date(closing)}, "
                         f"by and among Registrant and {' and '.join(buyers)}.")
            specs.append((CommonIssued, dict(
                effective_date=closing, shares=shares, price=price, consideration=consideration,
                consideration_kind=ConsiderationKind.CASH, buyers=buyers, buyers_description=rng.choice(DESCRIPTIONS[:3]),
                tranche=None if i == 0 else "additional closing"), (q, x)))
        elif step == 1:
            term = rng.choice((3, 5, 5, 7))
            exercise = (price * Decimal(rng.randrange(100, 150)) / 100).quantize(Decimal("0.01"))
            expires = closing.replace(year=closing.year + term) if (closing.month, closing.day) != (2, 29) \
                else closing + timedelta(days=365 * term)
            if rng.random() < 0.05:  # adjustable: quantity set later by a formula
                vest = (closing + timedelta(days=120), closing + timedelta(days=180))
                q = text.add(
                    "In addition, the Company issued warrants (\"Adjustable Warrants\") to purchase a number "
                    "of shares of common stock, to be determined at two vesting dates four and six months "
                    "subsequent to the closing, at an exercise price of $0.001 per share.")
                specs.append((WarrantGranted, dict(
                    effective_date=closing, tranche="Adjustable Warrants", kind=WarrantKind.ADJUSTABLE,
                    shares=None, quantity_basis=QuantityBasis.FORMULA, exercise_price=Decimal("0.001"),
                    holders=buyers, formula=QuantityFormula(
                        "The number of shares is determined by the 10 lowest closing bid prices.",
                        vest, Basis.COMPUTED, exercise * 2, True, exercise * 3)), (q,)))
            else:
                shares = rng.randrange(5_000, 1_500_000)
                q = text.add(
                    f"The Company also issued {term}-year warrants (\"Closing Warrants\") to purchase a total "
                    f"of {shares:,} shares of common stock at an exercise price of {money_text(exercise)} per share.")
                specs.append((WarrantGranted, dict(
                    effective_date=closing, tranche="Closing Warrants", kind=WarrantKind.CLOSING, shares=shares,
                    exercise_price=exercise, term_years=Decimal(term), expires_on=expires,
                    expiry_basis=Basis.COMPUTED, holders=buyers), (q,)))
        elif step == 2:
            agent = rng.choice(AGENTS)
            if rng.random() < 0.1:  # finder's warrants, nothing stated
                q = text.add("In connection with this financing, the Company paid a finder's fee to an unrelated "
                             "third party consisting of cash and warrants to purchase common stock of the Company.")
                specs.append((WarrantGranted, dict(
                    effective_date=closing, tranche="finder's warrants", kind=WarrantKind.FINDER, shares=None,
                    quantity_basis=QuantityBasis.UNDISCLOSED, exercise_price=None,
                    exercise_price_basis=Basis.UNDISCLOSED, holders_description="an unrelated third party"), (q,)))
            else:
                shares = rng.randrange(1_000, 200_000)
                exercise = (price * Decimal("1.25")).quantize(Decimal("0.01"))
                q = text.add(f"The Company issued to {agent}, as placement agent, warrants to purchase {shares:,} "
                             f"shares of common stock at an exercise price of {money_text(exercise)} per share.")
                specs.append((WarrantGranted, dict(
                    effective_date=closing, tranche="placement agent warrants", kind=WarrantKind.PLACEMENT_AGENT,
                    shares=shares, exercise_price=exercise, holders=(agent,)), (q,)))
        else:
            agent = rng.choice(AGENTS)
            pct = Decimal(rng.choice(("6", "7", "7.5", "8")))
            if rng.random() < 0.1:
                q = text.add(f"The Company paid {agent} a cash fee, the amount of which was not disclosed.")
                specs.append((FeePaid, dict(effective_date=closing, role=FeeRole.PLACEMENT_AGENT, payee=agent,
                                            cash=None, cash_basis=Basis.UNDISCLOSED), (q,)))
            else:
                cash = Decimal(rng.randrange(25_000, 2_000_000))
                approximate = rng.random() < 0.2
                q = text.add(f"The Company paid {agent} a placement fee of {'approximately ' if approximate else ''}"
                             f"{money_text(cash)}, equal to {pct}% of the gross proceeds, including expenses.")
                specs.append((FeePaid, dict(
                    effective_date=closing, role=FeeRole.PLACEMENT_AGENT, payee=agent, cash=cash,
                    cash_basis=Basis.APPROXIMATE if approximate else Basis.STATED, approximate=approximate,
                    includes_expenses=True, percent_of_proceeds=pct, warrants=True), (q,)))
    signature = text.add(f"Date: {long_date(signed)}")
    normalised = text.value()
    digest = hashlib.sha256(normalised.encode("utf-8")).hexdigest()
    stream = f"sha256:{digest}"
    raw = normalised.encode("utf-8")
    raw_sha256 = hashlib.sha256(raw).hexdigest()
    source_name = f"{serial:07d}_{digest[:16]}.txt"
    head = FilingRecorded(
        effective_date=report, provenance=Provenance(stream, (*header[:5], signature)),
        issuer=issuer, form=form, report_date=report, signature_date=signed, public_date=signed,
        identity=stream, raw_sha256=raw_sha256, source_name=source_name, items=items,
        amends=amends[0] if amends else None)
    events = [head] + [cls(provenance=Provenance(stream, quotes), reported_under=("3.02",), **fields)
                       for cls, fields, quotes in specs]
    info = StreamInfo(stream, issuer_key, issuer, form, signed, source_name, raw_sha256)
    return info, events, Document(raw_sha256, source_name, raw, normalised)


def generate(path: Path, *, n_events: int, n_filings: int, n_issuers: int, seed: int,
             documents: bool, amendments: float) -> dict:
    """Append the synthetic ledger; only the the store.append calls are timed."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    rng = random.Random(seed)
    who = issuers(n_issuers)
    base, extra = divmod(n_events, n_filings)
    if base < 1:
        raise SystemExit("--events must be at least --filings (every filing has a FilingRecorded)")
    build = append = 0.0
    done_events = 0
    progress_every = max(1, n_filings // 20)
    originals: dict[str, list[tuple[str, date]]] = {}  # issuer key -> (stream, date of report)
    n_amendments = 0
    with open_store(path, create=True) as store:
        for serial in range(n_filings):
            t0 = time.perf_counter()
            key, issuer = who[rng.randrange(n_issuers)]
            amendment = rng.random() < amendments
            # Half the amendments name an original in the ledger; the others amend one it lacks.
            amends = rng.choice(originals[key]) if amendment and originals.get(key) and rng.random() < 0.5 else None
            info, events, document = filing(rng, serial, key, issuer, base + (serial < extra), amendment, amends)
            if not amendment:
                originals.setdefault(key, []).append((info.stream, events[0].report_date))
            n_amendments += amendment
            t1 = time.perf_counter()
            store.append(info, events, document if documents else None)
            t2 = time.perf_counter()
            build += t1 - t0
            append += t2 - t1
            done_events += len(events)
            if (serial + 1) % progress_every == 0:
                print(f"  appended {serial + 1:,}/{n_filings:,} filings, {done_events:,} events, "
                      f"{done_events / append:,.0f} events/s", file=sys.stderr, flush=True)
        count = store.count()
    assert count == n_events, (count, n_events)
    return {"events": n_events, "filings": n_filings, "issuers": n_issuers, "seed": seed,
            "documents": documents, "amendments": amendments, "n_amendments": n_amendments,
            "build_s": build, "append_s": append}


# -- measurements -------------------------------------------------------------------------------


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def connect(path: Path) -> sqlite3.Connection:
    """A bare sqlite3 connection with the same-day ranks the store gives each of its connections."""
    conn = sqlite3.connect(path)
    conn.execute(TEMP_EVENT_TYPES)
    conn.executemany("INSERT INTO temp.event_types VALUES (?, ?)", sorted(DAY_RANK.items()))
    return conn


def floor_loop(path: Path, as_of: date, mmap: int = 0) -> int:
    """The reference: the replay query run by bare sqlite3, json.loads of each payload, nothing else.
    With ``mmap``, SQLite reads the file through a memory map instead of its 2 MB page cache."""
    sql, params = read_sql(as_of=as_of)
    conn = connect(path)
    try:
        if mmap:
            conn.execute(f"PRAGMA mmap_size = {int(mmap)}").fetchall()
        cursor = conn.execute(sql, params)
        payload = [d[0] for d in cursor.description].index("payload")
        n = 0
        loads = json.loads
        for row in cursor:
            loads(row[payload])
            n += 1
        return n
    finally:
        conn.close()


def read_only(store: Store, as_of: date) -> int:
    n = 0
    for _ in store.read(as_of=as_of):
        n += 1
    return n


def export(result, folder: Path) -> None:
    with open(folder / "cap_table.csv", "w", newline="", encoding="utf-8") as fh:
        write_cap_table_csv(result, fh)
    with open(folder / "warrants.csv", "w", newline="", encoding="utf-8") as fh:
        write_warrants_csv(result, fh)


def output_rows(result) -> int:
    return sum(len(r.holdings) + len(r.warrants) for r in result.issuers)


def memory(store: Store, as_of: date) -> dict:
    gc.collect()
    tracemalloc.start()
    try:
        t0 = time.perf_counter()
        result = replay_ledger(store, as_of=as_of)
        seconds = time.perf_counter() - t0
        retained, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return {"as_of": as_of, "peak": peak, "retained": retained, "out_rows": output_rows(result),
            "seconds_traced": seconds}


def first_row(path: Path, as_of: date) -> tuple[float, float]:
    """Seconds to the first row and to the last, for the bare query: a sort of the whole range
    before the first row would show as first ~= last."""
    sql, params = read_sql(as_of=as_of)
    conn = connect(path)
    try:
        t0 = time.perf_counter()
        cursor = conn.execute(sql, params)
        cursor.fetchone()
        first = time.perf_counter() - t0
        for _ in cursor:
            pass
        return first, time.perf_counter() - t0
    finally:
        conn.close()


def plan(path: Path, as_of: date) -> list[str]:
    sql, params = read_sql(as_of=as_of)
    conn = connect(path)
    try:
        return [detail for *_, detail in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
    finally:
        conn.close()


def revision() -> str:
    """The commit of the code measured (where ``ledger`` was imported from), with '+dirty' when
    the working tree differs from it."""
    root = Path(ledger.__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def load() -> str:
    try:
        return "/".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


class Phases:
    """Wall time of each phase, to stderr as it goes and in the report at the end."""

    def __init__(self):
        self.start = self.last = time.perf_counter()
        self.done: list[tuple[str, float]] = []

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.done.append((name, now - self.last))
        self.last = now
        print(f"  [{now - self.start:6.1f} s] {name} done ({self.done[-1][1]:.1f} s)", file=sys.stderr, flush=True)


def count_rows(path: Path, as_of: date) -> int:
    conn = connect(path)
    try:
        return conn.execute("SELECT count(*) FROM events WHERE effective_date <= ?",
                            (as_of.isoformat(),)).fetchone()[0]
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", type=int, default=70_000, help="events in the ledger (default 70,000)")
    p.add_argument("--filings", type=int, default=None,
                   help="filings (streams); default events / 50, as 1,000,000 / 20,000")
    p.add_argument("--issuers", type=int, default=500)
    p.add_argument("--db", type=Path, default=Path("bench/out/bench.db"))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeat", type=int, default=3, help="timed runs of each replay measurement (default 3)")
    p.add_argument("--as-of", type=date.fromisoformat, default=MID, help=f"mid-range date (default {MID})")
    p.add_argument("--reuse", action="store_true",
                   help="keep an existing --db generated with the same sizes and seed (append not re-measured)")
    p.add_argument("--no-documents", dest="documents", action="store_false",
                   help="append without the filings' text (ingest always stores it)")
    p.add_argument("--amendments", type=float, default=0.05,
                   help="share of filings that are 8-K/A (default 0.05); half of them amend a filing in the ledger")
    p.add_argument("--profile", action="store_true", help="also print a cProfile of one mid replay")
    args = p.parse_args(argv)
    filings = args.filings or max(1, args.events // 50)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    sidecar = Path(f"{args.db}.json")
    wanted = {"events": args.events, "filings": filings, "issuers": args.issuers, "seed": args.seed,
              "documents": args.documents, "amendments": args.amendments}

    print(f"Deal Ledger replay benchmark: {args.events:,} events, {filings:,} filings, "
          f"{args.issuers} issuers, db {args.db}  (python {sys.version.split()[0]}, "
          f"sqlite {sqlite3.sqlite_version}, {os.cpu_count()} cpus, code {revision()})")
    phase = Phases()
    load_start = load()
    gen = None
    if args.reuse and args.db.exists() and sidecar.exists():
        gen = json.loads(sidecar.read_text())
        if {k: gen.get(k) for k in wanted} != wanted:
            gen = None
    reused = gen is not None
    if not reused:
        print("generating ...", file=sys.stderr, flush=True)
        gen = generate(args.db, n_events=args.events, n_filings=filings, n_issuers=args.issuers,
                       seed=args.seed, documents=args.documents, amendments=args.amendments)
        sidecar.write_text(json.dumps(gen, indent=1))
        phase("generate + append")
    size = os.path.getsize(args.db)

    with open_store(args.db) as store:
        n_mid = count_rows(args.db, args.as_of)
        print(f"replay as of {args.as_of} reads {n_mid:,} of {args.events:,} events; "
              f"{args.repeat} runs each ...", file=sys.stderr, flush=True)
        cold_s = timed(lambda: floor_loop(args.db, args.as_of), 1)[0]  # the page cache as found
        runs = {"floor": [], "mmap": [], "read": [], "replay": []}
        for _ in range(args.repeat):  # interleaved, so each sees the same cache state
            runs["floor"] += timed(lambda: floor_loop(args.db, args.as_of), 1)
            runs["mmap"] += timed(lambda: floor_loop(args.db, args.as_of, mmap=MMAP), 1)
            runs["read"] += timed(lambda: read_only(store, args.as_of), 1)
            runs["replay"] += timed(lambda: replay_ledger(store, as_of=args.as_of), 1)
        first, last = first_row(args.db, args.as_of)
        query_plan = plan(args.db, args.as_of)
        phase("replay / read / floor")
        streams_s = min(timed(lambda: sum(1 for _ in store.streams()), args.repeat))
        superseded_s = timed(lambda: superseded(store), args.repeat)
        n_early = count_rows(args.db, EARLY)
        early_s = timed(lambda: replay_ledger(store, as_of=EARLY), args.repeat)
        gc.collect()
        t0 = time.perf_counter()
        known = replay_ledger(store, as_of=args.as_of, known_at=EARLY)
        known_s = time.perf_counter() - t0
        known_rows = output_rows(known)
        del known
        result = replay_ledger(store, as_of=args.as_of)
        out_mid = output_rows(result)
        mid_issuers = len(result.issuers)
        export_s = timed(lambda: export(result, args.db.parent), args.repeat)
        result = None  # let it go before the memory measurements
        phase("known_at / export")

        t0 = time.perf_counter()
        report = verify(store)
        verify_s = time.perf_counter() - t0
        assert report.ok and report.checked == args.events, report
        phase("verify")

        # Last: tracemalloc slows a replay several times, and the page cache may be reclaimed meanwhile.
        mems = []
        late = date.fromisoformat(store._db.execute("SELECT max(effective_date) FROM events").fetchone()[0])
        for d in (EARLY, late):
            mems.append(memory(store, d) | {"read": count_rows(args.db, d)})
            phase(f"tracemalloc replay as of {d}")

        profile = None
        if args.profile:
            prof = cProfile.Profile()
            prof.runcall(replay_ledger, store, as_of=args.as_of)
            profile = pstats.Stats(prof)
            phase("profile")

    # -- report ---------------------------------------------------------------------------------
    floor_best = min(runs["floor"])
    print()
    print(f"ledger: {args.events:,} events in {filings:,} filings ({gen['n_amendments']:,} of them 8-K/A), "
          f"{args.issuers} issuers; "
          f"db {mb(size)}{'' if args.documents else ' (no documents)'}")
    print(f"append: {gen['events'] / gen['append_s']:,.0f} events/s, "
          f"{gen['filings'] / gen['append_s']:,.0f} filings/s "
          f"({gen['append_s']:.1f} s in the store.append; building the events took {gen['build_s']:.1f} s)"
          + ("  [reused db: measured when it was generated]" if reused else ""))
    print()
    print(f"replay as of {args.as_of}: {n_mid:,} events read, {mid_issuers} issuers, "
          f"{out_mid:,} output rows (holdings + warrants)")
    print(f"{'measurement':<46}{'best':>8}{'median':>8}{'us/event':>10}{'x floor':>9}")
    print(f"{'first pass, page cache as found (floor)':<46}{cold_s:>7.2f}s")
    for name, label in (("floor", "floor: sqlite3 + json.loads (reference)"),
                        ("mmap", "  same, PRAGMA mmap_size=4 GiB"),
                        ("read", "the store.read() only (SQL + decode)"),
                        ("replay", "replay_ledger() (product path)")):
        best, median = min(runs[name]), statistics.median(runs[name])
        print(f"{label:<46}{best:>7.2f}s{median:>7.2f}s{best / n_mid * 1e6:>10.1f}{best / floor_best:>8.1f}x")
    print(f"{'  one store.streams() pass (replay makes 2)':<46}{streams_s:>7.3f}s")
    print(f"{'  ledger.amendments.superseded() (every replay)':<46}{min(superseded_s):>7.3f}s"
          f"{statistics.median(superseded_s):>7.3f}s")
    print(f"{'replay_ledger() as of ' + EARLY.isoformat():<46}{min(early_s):>7.3f}s"
          f"{statistics.median(early_s):>7.3f}s{'':>10}{'':>9}  ({n_early:,} events read)")
    print(f"{'replay_ledger(known_at=' + EARLY.isoformat() + '), 1 run':<46}{known_s:>7.2f}s{'':>8}"
          f"{known_s / n_mid * 1e6:>10.1f}{known_s / floor_best:>8.1f}x  ({known_rows:,} output rows)")
    print(f"{'export: both CSVs from the replay result':<46}{min(export_s):>7.2f}s"
          f"{statistics.median(export_s):>7.2f}s{min(export_s) / out_mid * 1e6:>10.1f}  us per output row")
    print()
    print("memory of replay_ledger (tracemalloc: Python allocations only, SQLite's own not included)")
    print(f"{'as of':<12}{'events read':>12}{'output rows':>13}{'peak':>12}{'retained':>12}{'peak/row':>10}")
    for m in mems:
        per = f"{m['peak'] / m['out_rows']:,.0f} B" if m["out_rows"] else "-"
        print(f"{m['as_of'].isoformat():<12}{m['read']:>12,}{m['out_rows']:>13,}"
              f"{mb(m['peak']):>12}{mb(m['retained']):>12}{per:>10}")
    print()
    print(f"replay query plan (as of {args.as_of}):")
    for line in query_plan:
        print(f"  {line}")
    print(f"  first row after {first * 1e3:.1f} ms of {last:.2f} s for all {n_mid:,} rows (bare sqlite3)")
    print()
    print(f"verify: {verify_s:.2f} s for {report.checked:,} events = {verify_s / report.checked * 1e6:.1f} us/event")
    print()
    print("wall time: " + ", ".join(f"{name} {secs:.0f} s" for name, secs in phase.done)
          + f"; total {time.perf_counter() - phase.start:.0f} s")
    print(f"load average (1/5/15 min) at the start {load_start}, at the end {load()}: "
          f"other work on this machine's {os.cpu_count()} cpus slows every figure above")
    if profile is not None:
        print()
        profile.sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
