"""The seeded ledger and filing sets that bench/run.py measures.

``build`` appends a synthetic decade of financings through the store, filing by filing, with the
filings of bench/replay.py's generator (many issuers, closings of shares, warrants of every kind,
fees, 5% 8-K/A amendments of which half amend a filing in the ledger, report dates drawn at random
so filings arrive out of effective-date order) and, arriving later still, corrections and
retractions of events already recorded (a share count, an effective date moved, an event or a
whole filing withdrawn), each a one-event stream as ``ledger correct``/``retract`` append them.

Each filing is appended to the ledger and then, untimed in between, its stored rows are handed to
the references (bench/references.py), so the three appends run interleaved, under the same load,
on the same events. Only each append call is timed.

``ingest_filings`` writes plain-text 8-Ks built from examples/filings: each a copy of one example
with every comma-grouped figure scaled by a factor of its own (shares, proceeds and fees scale
together, so a price still times its shares to the proceeds), a line naming the copy, and a few
paragraphs of bench/ingest_scaling.py's financing prose with distinct figures; all under 50 KB.
"""
from __future__ import annotations

import hashlib
import json
import random
import re
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from events import CommonIssued, EventCorrected, EventRetracted, FieldChange, FilingRecorded, Provenance, Quote, WarrantGranted
from events.envelope import StreamInfo
from ledger.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_scaling import varied  # noqa: E402 - the shapes are shared with the other benchmarks
from references import EventSourcing, Plain, row_dict  # noqa: E402
from replay import filing, issuers  # noqa: E402 - the seeded filing generator of the replay benchmark

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "filings"
EVENTS_PER_FILING = 50
CORRECTION_EVERY = 2_500           # one correction or retraction per this many events


class Timer:
    """Seconds per appender, and the same split into --repeat consecutive slices of the build."""

    def __init__(self, names, slices: int, total_events: int):
        self.names = names
        self.bounds = [total_events * (i + 1) / slices for i in range(slices)]
        self.slices = [{n: 0.0 for n in names} | {"events": 0} for _ in range(slices)]
        self.total = {n: 0.0 for n in names}
        self.done = 0

    def add(self, name: str, seconds: float) -> None:
        self.total[name] += seconds
        self.current()[name] += seconds

    def current(self) -> dict:
        i = next((i for i, b in enumerate(self.bounds) if self.done < b), len(self.bounds) - 1)
        return self.slices[i]

    def count(self, n: int) -> None:
        self.current()["events"] += n
        self.done += n


def correction(rng: random.Random, target, issuer, when: date, n: int):
    """A correction or retraction of ``target`` (a StoredEvent), public ``when``: a stream of its own."""
    e = target.event
    citation = f"Form 10-Q, note {n} (benchmark correction {n})"
    recorded = datetime.now(timezone.utc).isoformat()
    stream = "manual:" + hashlib.sha256(f"{citation}|{target.event_id}|{recorded}".encode()).hexdigest()
    prov = Provenance(stream, (Quote(0, len(citation), citation),))
    roll = rng.random()
    if isinstance(e, FilingRecorded) or roll < 0.3:
        ev = EventRetracted(effective_date=target.effective_date, provenance=prov, target=target.event_id,
                            reason="withdrawn: benchmark")
    elif roll < 0.45 and isinstance(e, CommonIssued):
        moved = target.effective_date + timedelta(days=rng.choice((-20, 10, 30)))
        ev = EventCorrected(effective_date=target.effective_date, provenance=prov, target=target.event_id,
                            changes=(FieldChange("effective_date", moved.isoformat()),), reason="closing date")
    else:
        ev = EventCorrected(effective_date=target.effective_date, provenance=prov, target=target.event_id,
                            changes=(FieldChange("shares", e.shares + rng.randrange(1, 5_000)),),
                            reason="share count restated")
    info = StreamInfo(stream=stream, issuer_key=target.issuer_key, issuer=issuer, form="record",
                      public_date=when, source_name=citation, raw_sha256=stream.split(":", 1)[1])
    return info, [ev], recorded


def build(db: Path, out: Path, *, n_events: int, n_issuers: int, seed: int, slices: int,
          amendments: float = 0.05, eventsourcing: bool = True, log=print) -> dict:
    """Append ``n_events`` events to a new ledger at ``db`` and the same rows to the references
    (files under ``out``). Returns the timings and what was built."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    rng = random.Random(seed)
    who = issuers(n_issuers)
    n_corrections = max(1, n_events // CORRECTION_EVERY) if n_events >= 2 * EVENTS_PER_FILING else 0
    n_filings = max(1, (n_events - n_corrections) // EVENTS_PER_FILING)
    base, extra = divmod(n_events - n_corrections, n_filings)
    # corrections come after the filing with these serials (spread over the second half: they arrive late)
    due = sorted(rng.randrange(n_filings // 2, n_filings) for _ in range(n_corrections))
    names = ["ledger", "plain"] + (["eventsourcing"] if eventsourcing else [])
    timer = Timer(names, slices, n_events)
    plain = Plain(out / "plain.db")
    es = EventSourcing(out / "eventsourcing.db") if eventsourcing else None
    originals: dict[str, list[tuple[str, date]]] = {}
    candidates: list = []      # recent stored events a correction may target
    n_amend = n_retracted = n_corrected = 0
    last_seq = 0
    step = max(1, n_filings // 10)
    pc = time.perf_counter
    started = pc()
    with open_store(db, create=True) as store:
        def append_everywhere(info, events, document, recorded_at=None):
            nonlocal last_seq
            t0 = pc()
            stored = store.append(info, events, document, recorded_at=recorded_at)
            timer.add("ledger", pc() - t0)
            rows = [row_dict(r) for r in store.rows(after_seq=last_seq)]
            last_seq = rows[-1]["seq"]
            doc = None if document is None else {"raw_sha256": document.raw_sha256, "source_name": document.source_name,
                                                 "raw": document.raw, "normalised": document.normalised}
            t0 = pc()
            plain.append(rows, doc)
            timer.add("plain", pc() - t0)
            if es is not None:
                payload = es.stored(rows)
                t0 = pc()
                es.append(payload)
                timer.add("eventsourcing", pc() - t0)
            timer.count(len(rows))
            return stored

        for serial in range(n_filings):
            key, issuer = who[rng.randrange(n_issuers)]
            amendment = rng.random() < amendments
            amends = rng.choice(originals[key]) if amendment and originals.get(key) and rng.random() < 0.5 else None
            info, events, document = filing(rng, serial, key, issuer, base + (serial < extra), amendment, amends)
            if not amendment:
                originals.setdefault(key, []).append((info.stream, events[0].report_date))
            n_amend += amendment
            stored = append_everywhere(info, events, document)
            if not amendment:
                candidates.extend(s for s in stored
                                  if isinstance(s.event, (CommonIssued, FilingRecorded))
                                  or (isinstance(s.event, WarrantGranted) and s.event.shares is not None))
                candidates = candidates[-2_000:]
            while due and due[0] == serial:
                due.pop(0)
                target = rng.choice(candidates)
                when = (target.public_date or target.effective_date) + timedelta(days=rng.randrange(30, 400))
                c_info, c_events, recorded = correction(rng, target, issuer_of(store, target, who), when,
                                                        n_retracted + n_corrected + 1)
                append_everywhere(c_info, c_events, None, recorded)
                if isinstance(c_events[0], EventRetracted):
                    n_retracted += 1
                    if isinstance(target.event, FilingRecorded):   # a withdrawn filing: no second correction
                        candidates = [c for c in candidates if c.stream != target.stream]
                else:
                    n_corrected += 1
                candidates = [c for c in candidates if c.event_id != target.event_id]
            if (serial + 1) % step == 0:
                log(f"  appended {serial + 1:,}/{n_filings:,} filings, {timer.done:,} events "
                    f"({timer.done / timer.total['ledger']:,.0f} events/s to the ledger) after {pc() - started:.0f} s")
        count = store.count()
    plain.close()
    if es is not None:
        es.close()
    return {"events": count, "filings": n_filings, "amendments": n_amend, "retractions": n_retracted,
            "corrections": n_corrected, "issuers": n_issuers, "timer": timer, "last_seq": last_seq}


def issuer_of(store, target, who):
    key = target.issuer_key
    return next(issuer for k, issuer in who if k == key)


# -- filings for ingest -------------------------------------------------------------------------

GROUPED = re.compile(r"(?<![\d,.])\d{1,3}(?:,\d{3})+(?![\d,])")


def ingest_filings(folder: Path, count: int, seed: int) -> dict:
    """``count`` plain-text 8-Ks under 50 KB from the examples, each with figures of its own."""
    rng = random.Random(seed)
    sources = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    folder.mkdir(parents=True, exist_ok=True)
    sizes = []
    for n in range(count):
        k = 2 + n // len(sources)     # a distinct factor per copy of the same example
        text = GROUPED.sub(lambda m: f"{int(m.group().replace(',', '')) * k:,}", sources[n % len(sources)])
        text += f"\n\nBenchmark filing {n + 1} of {count}.\n"
        if rng.random() < 0.5:
            text += "\n" + varied(rng.randrange(500, 4_000), rng) + "\n"
        assert len(text.encode("utf-8")) < 50_000
        path = folder / f"{n:05d}.txt"
        path.write_text(text, encoding="utf-8")
        sizes.append(path.stat().st_size)
    return {"files": count, "bytes": sum(sizes), "largest": max(sizes)}


if __name__ == "__main__":   # a quick look: python bench/generate.py N
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        info = build(Path(tmp) / "l.db", Path(tmp), n_events=int(sys.argv[1]), n_issuers=50, seed=1, slices=1)
        print(json.dumps({k: v for k, v in info.items() if k != "timer"}, default=str),
              {n: info["events"] / s for n, s in info["timer"].total.items()})
