"""Output rendering of a whole-ledger replay, apart from the fold, side by side with references.

    python bench/render.py --db bench/out/100k.db                # a ledger kept by bench/run.py --db
    python bench/render.py --db /tmp/x.db --as-of 2010-06-30 --repeat 5 --table-issuers 20

The replay is folded once (replay_ledger, timed but not the point), then each renderer writes the
same result to /dev/null through a text file, as the CLI writes to stdout; CPU seconds, best of
--repeat rounds, the renderers interleaved within each round so that load falls on all alike:

  json            ledger.projections.report.json_chunks (what `replay --format json` writes)
  json, before    json.dumps(issuer_json(r), indent=2) per issuer, the writer before it was direct
                  text: CPython's pure-Python encoder, since json.dumps runs it whenever indent is set
  json, C floor   json.dumps(issuer_json(r)) per issuer, no indent: the C encoder, on the same
                  dicts, as the floor of what the json module itself can do
  csv             ledger.export's two CSVs; "csv, before" is the export as it was before (a
                  conversion call per cell, a writerow call per row), kept here as the reference
  table           cli.render.replay (Rich tables) on the first --table-issuers issuers

Each rendering is checked against its reference (the JSON byte for byte); exit code 1 if one differs.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import time
from datetime import date

from ledger.export import CAP_TABLE_COLUMNS, WARRANT_COLUMNS, write_cap_table_csv, write_warrants_csv
from ledger.projections.report import Replay, dec, issuer_json, iso, json_chunks, to_json_contract
from ledger.store import open_store
from ledger.views import replay_ledger


def json_before(result):
    # The writer before direct text: the issuers' dicts through json.dumps(indent=2), nested 4 deep.
    yield f'{{\n  "as_of": {json.dumps(iso(result.as_of))},\n  "known_at": {json.dumps(iso(result.known_at))},\n'
    yield '  "issuers": ['
    first = True
    for r in result.issuers:
        yield ("\n    " if first else ",\n    ") + json.dumps(issuer_json(r), indent=2).replace("\n", "\n    ")
        first = False
    yield "]" if first else "\n  ]"
    yield f',\n  "warnings": {json.dumps(list(result.warnings), indent=2).replace(chr(10), chr(10) + "  ")}\n}}\n'


def json_c_floor(result):
    for r in result.issuers:
        yield json.dumps(issuer_json(r))


def _cell(value) -> str:
    return "" if value is None else str(value)


def _holders(names, description) -> str:
    return "; ".join(names) if names else (description or "")


def _fmt(value):
    return None if value is None else format(value, "f")     # dec() as it was


def csv_before(result, fh) -> None:
    # ledger/export.py before: a conversion call per cell and a writerow call per row.
    writer = csv.writer(fh)
    writer.writerow(CAP_TABLE_COLUMNS)
    for r in result.issuers:
        for h in r.holdings:
            writer.writerow((
                r.issuer.name, h.security_class, _holders(h.holders, h.holders_description), _cell(h.shares),
                _cell(_fmt(h.stated_amount)), _cell(_fmt(h.price)), _cell(_fmt(h.conversion_price)),
                _cell(h.conversion_share_cap), h.consideration_kind.value, iso(h.date), "; ".join(h.event_ids),
                h.sources[0] if h.sources else ""))
    writer.writerow(WARRANT_COLUMNS)
    for r in result.issuers:
        for w in r.warrants:
            writer.writerow((
                r.issuer.name, w.tranche, w.kind.value, _holders(w.holders, w.holders_description), _cell(w.shares),
                w.quantity_basis.value, _cell(_fmt(w.exercise_price)), iso(w.issued_on), _cell(iso(w.expires_on)),
                w.status.value, "; ".join(w.event_ids), w.sources[0] if w.sources else ""))


def csv_now(result, fh) -> None:
    write_cap_table_csv(result, fh)
    write_warrants_csv(result, fh)


def to_devnull(write) -> float:
    t0 = time.process_time()
    with open("/dev/null", "w", newline="", encoding="utf-8") as fh:
        write(fh)
    return time.process_time() - t0


def text_of(write) -> str:
    fh = io.StringIO(newline="")
    write(fh)
    return fh.getvalue()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--db", required=True, help="a ledger, e.g. one kept by bench/run.py --db")
    p.add_argument("--as-of", type=date.fromisoformat, default=date(9999, 12, 31), help="default: after every event")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--table-issuers", type=int, default=10, help="issuers the Rich table renders (0: skip)")
    args = p.parse_args(argv)

    t0 = time.perf_counter()
    with open_store(args.db) as store:
        result = replay_ledger(store, as_of=args.as_of)
    folded = time.perf_counter() - t0
    holdings = sum(len(r.holdings) for r in result.issuers)
    warrants = sum(len(r.warrants) for r in result.issuers)
    rows = holdings + warrants + sum(len(r.notes) for r in result.issuers)
    print(f"replay_ledger as of {args.as_of}: {folded:.2f} s wall; {len(result.issuers)} issuers, "
          f"{holdings:,} holdings, {warrants:,} warrants, {rows:,} JSON rows")

    renderers = {
        "json": (lambda fh: fh.writelines(json_chunks(result)), rows),
        "json, before": (lambda fh: fh.writelines(json_before(result)), rows),
        "json, C floor": (lambda fh: fh.writelines(json_c_floor(result)), rows),
        "csv": (lambda fh: csv_now(result, fh), holdings + warrants),
        "csv, before": (lambda fh: csv_before(result, fh), holdings + warrants),
    }
    failed = []
    expected = json.dumps(to_json_contract(result), indent=2) + "\n"
    if text_of(renderers["json"][0]) != expected or text_of(renderers["json, before"][0]) != expected:
        failed.append("json")
    if text_of(renderers["csv"][0]) != text_of(renderers["csv, before"][0]):
        failed.append("csv")
    del expected
    print(f"json {len(text_of(renderers['json'][0])) / max(rows, 1):,.0f} characters a row")

    best = {name: float("inf") for name in renderers}
    for i in range(args.repeat):
        order = list(renderers)[i % len(renderers):] + list(renderers)[:i % len(renderers)]
        for name in order:
            best[name] = min(best[name], to_devnull(renderers[name][0]))

    if args.table_issuers:
        from rich.console import Console
        from cli import render
        some = Replay(result.as_of, result.known_at, result.issuers[:args.table_issuers], ())
        n = sum(len(r.holdings) + len(r.warrants) for r in some.issuers)
        t0 = time.process_time()
        with open("/dev/null", "w", encoding="utf-8") as fh:
            render.replay(Console(file=fh, width=120), some)
        best["table"], renderers["table"] = time.process_time() - t0, (None, n)

    print(f"\n{'renderer':<16}{'CPU s':>9}{'us/row':>9}{'x before':>10}")
    for name, (_, n) in renderers.items():
        before = {"json": "json, before", "csv": "csv, before"}.get(name)
        ratio = f"{best[before] / best[name]:.1f}" if before else ""
        print(f"{name:<16}{best[name]:>9.3f}{best[name] / max(n, 1) * 1e6:>9.2f}{ratio:>10}")
    if failed:
        print(f"\nDIFFERENT OUTPUT: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
