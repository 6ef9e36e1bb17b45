"""Audit commands: history, show, explain, diff. Data to stdout, diagnostics to stderr."""
from __future__ import annotations

import json
import sys
from datetime import date
from decimal import Decimal
from typing import Annotated

import typer
from rich.text import Text

from cli import render
from cli.base import Format, IssuerOpt, app, err, fail, opened, out, parse_date, table_console
from cli.reads import KnownAt
from events import to_payload
from ledger.audit import (
    FIGURES, Diff, Explanation, HistoryRow, Selector, Shown, UnknownFigure, diff, event_summary,
    explain, history, show,
)
from ledger.ids import short_id
from ledger.projections.report import dec, iso
from ledger.views import resolve_issuer

OptionalAsOf = Annotated[date | None, typer.Option(
    "--as-of", parser=parse_date, metavar="YYYY-MM-DD", help="Only events in effect by the end of this day.")]
Fmt = Annotated[Format, typer.Option("--format", help="table or json")]
HIGHLIGHT = "bold black on yellow"
MARK_OPEN, MARK_CLOSE = "»", "«"      # the quoted span, when stdout is not a terminal


def _line(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _json_line(value) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")


def _amount(value):
    return dec(value) if isinstance(value, Decimal) else value


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (str, Decimal)):
        try:
            return f"{Decimal(value):,f}"
        except ArithmeticError:
            return str(value)
    return str(value)


def _issuer_json(issuer) -> dict:
    return {"name": issuer.name, "cik": issuer.cik, "file_number": issuer.file_number}


def _warn(warnings) -> None:
    for warning in warnings:
        err.print(f"warning: {warning}", soft_wrap=True)


def _issuer_key(store, issuer: str | None) -> str | None:
    return resolve_issuer(store, issuer)


# -- history -----------------------------------------------------------------------------------


def _history_json(row: HistoryRow) -> dict:
    s = row.stored
    return {
        "seq": s.seq, "event_id": s.event_id, "stream": s.stream, "type": s.type,
        "effective_date": iso(s.effective_date), "public_date": iso(s.public_date), "recorded_at": s.recorded_at,
        "summary": event_summary(s.event), "source": s.quote,
        "retracted_by": list(row.retracted_by), "replaced_by": list(row.replaced_by), "replaces": row.replaces,
        "superseded": row.superseded, "notes": list(row.notes), "payload": to_payload(s.event),
    }


@app.command("history")
def history_command(
    ctx: typer.Context,
    filing: Annotated[str | None, typer.Option(
        "--filing", help="A filing: stream id, accession number or file name.")] = None,
    tranche: Annotated[str | None, typer.Option(
        "--tranche", help="A warrant tranche or security: the event id of its grant or issue.")] = None,
    holder: Annotated[str | None, typer.Option(
        "--holder", help="A holder, buyer or payee: part of the name, any case.")] = None,
    as_of: OptionalAsOf = None,
    known_at: KnownAt = None,
    issuer: IssuerOpt = None,
    fmt: Fmt = Format.table,
) -> None:
    """Every event that touched a filing, a tranche or a holder, in replay order, with its corrections."""
    given = [(kind, value) for kind, value in (("filing", filing), ("tranche", tranche), ("holder", holder))
             if value is not None]
    if len(given) != 1:
        raise fail("give exactly one of --filing, --tranche, --holder")
    with opened(ctx) as store:
        selector = Selector(*given[0])      # BadSelector, like every LedgerError, exits 2
        rows = history(store, selector, as_of=as_of, known_at=known_at, issuer_key=_issuer_key(store, issuer))
        if fmt is Format.json:
            for row in rows:
                _json_line(_history_json(row))
            return
        table = render.table("seq", "event", "type", "effective", "public", "recorded", "what", "source",
                             atomic={"seq", "event", "type", "effective", "public", "recorded"},
                             title=f"History of {selector.kind} {selector.value}", title_justify="left")
        count = 0
        for row in rows:
            s, count = row.stored, count + 1
            what = event_summary(s.event)
            if row.notes:
                what = f"[{'; '.join(row.notes)}] {what}"
            table.add_row(str(s.seq), short_id(s.event_id), s.type, iso(s.effective_date), iso(s.public_date) or "—",
                          s.recorded_at[:19], what, s.quote)
    if count:
        render.show(table_console(), table)
    else:
        err.print(f"no events for {selector.kind} {selector.value!r} with these filters")


# -- show --------------------------------------------------------------------------------------


def _show_json(shown: Shown) -> dict:
    s, info = shown.stored, shown.info
    return {
        "event_id": s.event_id, "seq": s.seq, "stream": s.stream, "version": s.version, "type": s.type,
        "issuer_key": s.issuer_key, "effective_date": iso(s.effective_date), "public_date": iso(s.public_date),
        "recorded_at": s.recorded_at, "payload": to_payload(s.event),
        "filing": None if info is None else {"source_name": info.source_name, "form": info.form,
                                             "public_date": iso(info.public_date), "raw_sha256": info.raw_sha256},
        "document": shown.document is not None,
        "citation": s.event.provenance.filing,
        "quotes": [{"start": x.quote.start, "end": x.quote.end, "text": x.quote.text, "found": x.found,
                    "context": x.text, "context_start": x.doc_start, "span": [x.start, x.end]}
                   for x in shown.excerpts] or [{"start": q.start, "end": q.end, "text": q.text}
                                                for q in s.event.provenance.quotes],
        "corrected_by": [c.event_id for c in shown.corrected_by],
    }


@app.command("show")
def show_command(
    ctx: typer.Context,
    event_id: Annotated[str, typer.Argument(help="An event id, as `ledger events` lists it.")],
    fmt: Fmt = Format.table,
) -> None:
    """One event: its fields, dates and stream, and each source sentence highlighted in the filing text."""
    with opened(ctx) as store:
        shown = show(store, event_id)
    if fmt is Format.json:
        sys.stdout.write(json.dumps(_show_json(shown), indent=2, ensure_ascii=False) + "\n")
        return
    s, info, terminal = shown.stored, shown.info, out.is_terminal
    _line(f"event {short_id(s.event_id)}  {s.type}  (seq {s.seq}, version {s.version} of its stream)")
    _line(f"id         {s.event_id}")
    _line(f"stream     {s.stream}")
    if info is not None:
        _line(f"filing     {info.form} read from {info.source_name}; issuer {info.issuer.name}")
    _line(f"effective  {iso(s.effective_date)}")
    _line(f"public     {iso(s.public_date) or '—'}")
    _line(f"recorded   {s.recorded_at}")
    for c in shown.corrected_by:
        verb = "retracted" if c.type == "event_retracted" else "replaced"
        _line(f"{verb} by {short_id(c.event_id)} (recorded {c.recorded_at[:10]}, public {iso(c.public_date) or '—'})")
    _line("fields:")
    for key, value in to_payload(s.event).items():
        if key in ("provenance", "effective_date"):
            continue
        if isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False)
        _line(f"  {key}: {'—' if value is None else value}")
    quotes = s.event.provenance.quotes
    if shown.document is None:
        _line(f"source: {s.event.provenance.filing} (no filing text is kept for this stream; recorded by hand)")
        for i, q in enumerate(quotes, 1):
            _line(f"  quote {i} of {len(quotes)}: “{q.text}”")
        return
    for i, x in enumerate(shown.excerpts, 1):
        where = f"characters {x.quote.start}-{x.quote.end}"
        if not x.found:
            _line(f"quote {i} of {len(quotes)} ({where}): not found in the stored text of {shown.document.source_name}")
            _line(f"  “{x.quote.text}”")
            continue
        moved = f"; found at {x.doc_start + x.start}-{x.doc_start + x.end}" if x.moved else ""
        _line(f"quote {i} of {len(quotes)} in {shown.document.source_name} ({where}{moved}):")
        if terminal:
            text = Text(x.text)          # filing text: never markup
            text.stylize(HIGHLIGHT, x.start, x.end)
            out.print(text)
        else:
            _line(x.text[:x.start] + MARK_OPEN + x.text[x.start:x.end] + MARK_CLOSE + x.text[x.end:])


# -- explain -----------------------------------------------------------------------------------


def _explain_json(e: Explanation) -> dict:
    return {
        "figure": e.figure, "as_of": iso(e.as_of), "known_at": iso(e.known_at),
        "issuers": [{
            "issuer": _issuer_json(i.issuer), "total": _amount(i.total), "itemised": _amount(i.itemised),
            "residual": _amount(i.residual),
            "items": [{"event_ids": list(it.event_ids), "date": iso(it.date), "amount": _amount(it.amount),
                       "counted": it.counted, "what": it.what, "source": it.source, "note": it.note,
                       "corrected_by": list(it.corrected_by)}
                      for it in i.items],
        } for i in e.issuers],
        "warnings": list(e.warnings),
    }


@app.command("explain")
def explain_command(
    ctx: typer.Context,
    figure: Annotated[str, typer.Argument(help=f"One of: {', '.join(FIGURES)}.")],
    as_of: Annotated[date, typer.Option("--as-of", parser=parse_date, metavar="YYYY-MM-DD",
                                        help="Effective date; events on this day are included.")],
    known_at: KnownAt = None,
    issuer: IssuerOpt = None,
    fmt: Fmt = Format.table,
) -> None:
    """The rows and events a replay total adds up from, with their source sentences."""
    if figure not in FIGURES:
        raise fail(str(UnknownFigure(figure)))
    with opened(ctx) as store:
        result = explain(store, figure, as_of=as_of, known_at=known_at, issuer_key=_issuer_key(store, issuer))
    if fmt is Format.json:
        sys.stdout.write(json.dumps(_explain_json(result), indent=2, ensure_ascii=False) + "\n")
    else:
        console = table_console()
        known = f", known at {iso(result.known_at)}" if result.known_at else ""
        if not result.issuers:
            _line(f"No events on or before {iso(result.as_of)}{known}.")
        for i in result.issuers:
            table = render.table("events", "date", "amount", "counted", "what", "source",
                                 atomic={"events", "date", "amount", "counted"},
                                 title=f"{i.issuer.name}: {figure} as of {iso(result.as_of)}{known}",
                                 title_justify="left")
            for it in i.items:
                what = it.what + (f" (corrected by {', '.join(it.corrected_by)})" if it.corrected_by else "")
                table.add_row(", ".join(short_id(i) for i in it.event_ids), iso(it.date), _fmt(it.amount),
                              "yes" if it.counted else f"no: {it.note}", what, it.source or "—")
            render.show(console, table)
            counted = sum(1 for it in i.items if it.counted)
            _line(f"{figure} = {_fmt(i.total)} ({counted} item(s) counted, sum {_fmt(i.itemised)})")
            if i.residual:
                _line(f"not itemised: {_fmt(i.residual)}")
    _warn(result.warnings)


# -- diff --------------------------------------------------------------------------------------


def _diff_json(d: Diff) -> dict:
    return {
        "from": iso(d.from_date), "to": iso(d.to_date), "known_at": iso(d.known_at),
        "issuers": [{
            "issuer": _issuer_json(i.issuer),
            "rows": [{"table": r.table, "change": r.change, "what": r.what, "fields": list(r.fields),
                      "causes": list(r.causes), "reason": r.reason, "before": r.before, "after": r.after}
                     for r in i.rows],
            "totals": [{"figure": t.figure, "before": t.before, "after": t.after, "delta": t.delta,
                        "causes": list(t.causes)} for t in i.totals],
        } for i in d.issuers],
        "warnings": list(d.warnings),
    }


def _signed(delta) -> str:
    if delta is None:
        return ""
    text = _fmt(delta)
    return f" ({text if text.startswith('-') else '+' + text})"


@app.command("diff")
def diff_command(
    ctx: typer.Context,
    from_date: Annotated[date, typer.Option("--from", parser=parse_date, metavar="YYYY-MM-DD",
                                            help="The earlier effective date.")],
    to_date: Annotated[date, typer.Option("--to", parser=parse_date, metavar="YYYY-MM-DD",
                                          help="The later effective date.")],
    known_at: KnownAt = None,
    issuer: IssuerOpt = None,
    fmt: Fmt = Format.table,
) -> None:
    """What changed in the cap table, the warrants and the totals between two dates, and why."""
    with opened(ctx) as store:
        result = diff(store, from_date=from_date, to_date=to_date, known_at=known_at,
                      issuer_key=_issuer_key(store, issuer))
    if fmt is Format.json:
        sys.stdout.write(json.dumps(_diff_json(result), indent=2, ensure_ascii=False) + "\n")
    else:
        known = f", known at {iso(result.known_at)}" if result.known_at else ""
        if not result.issuers:
            _line(f"No changes between {iso(result.from_date)} and {iso(result.to_date)}{known}.")
        marks = {"added": "+", "removed": "-", "changed": "~"}
        for i in result.issuers:
            _line(f"{i.issuer.name}: {iso(result.from_date)} → {iso(result.to_date)}{known}")
            for r in i.rows:
                _line(f"  {marks[r.change]} {r.table} {r.change}: {r.what}")
                _line(f"      {r.reason}  [{', '.join(r.causes)}]")
            if i.totals:
                _line("  totals:")
            for t in i.totals:
                causes = f"  [{', '.join(t.causes)}]" if t.causes else ""
                _line(f"    {t.figure}: {_fmt(t.before)} → {_fmt(t.after)}{_signed(t.delta)}{causes}")
    _warn(result.warnings)
