"""Rich tables for people. Scripts should use --format json or the CSV export instead."""
from __future__ import annotations

import textwrap
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from rich.console import Console
from rich.measure import Measurement
from rich.table import Column, Table

from events import ConsiderationKind, to_payload
from ledger.ids import short_id
from ledger.projections import Replay
from ledger.projections.dilution import ROUNDING, FullyDiluted, of_report
from ledger.projections.report import dec
from ledger.views import ReplayStream
from events.envelope import StoredEvent

if TYPE_CHECKING:   # only types here: reading commands never load the extractor (a third of start-up)
    from ledger.extract.explain import EventExplanation, MoneyNote
    from ledger.ingest import Outcome


def table(*headers: str, atomic: Collection[str] = (), **kwargs) -> Table:
    """Cells fold onto more lines, never end in '…'; atomic ones (figures, dates, ids) stay on one line
    while the width allows, so an auditor can read every figure whole."""
    return Table(*(Column(h, overflow="fold", no_wrap=h in atomic) for h in headers), **kwargs)


def _narrowest(console: Console, rows: Table) -> int:
    """The least width at which no cell is cut: whole words, and atomic cells whole."""
    def least(column) -> int:
        sizes = [Measurement.get(console, console.options, cell) for cell in (column.header, *column.cells)]
        return max(m.maximum if column.no_wrap else m.minimum for m in sizes)
    columns = rows.columns
    return sum(least(c) + 2 for c in columns) + len(columns) + 1     # padding and borders


def show(console: Console, rows: Table) -> None:
    """Print a table when its cells fit the width whole; else one record per row, like psql's
    expanded display, since a cropped date or id is worse than a longer page."""
    if _narrowest(console, rows) <= console.width:
        console.print(rows)
        return
    if rows.title:
        console.print(rows.title, style="italic")
    columns = [(str(c.header), list(c.cells)) for c in rows.columns]
    for i in range(rows.row_count):
        console.print(f"-[ {i + 1} ]-", style="dim")
        for header, cells in columns:
            console.print(f"{header}: {cells[i]}", soft_wrap=True)


def _cell(value) -> str:
    return "—" if value is None or value == () else str(value)


def _holders(names: tuple[str, ...], description: str | None) -> str:
    return "; ".join(names) if names else (description or "—")


def _heading(console: Console, text: str) -> None:
    # A Rich rule truncates its title to the width; paths and stream ids must print whole.
    console.print(f"── {text}", style="bold", soft_wrap=True, markup=False, highlight=False)


def _price(h) -> str:
    """Common: the price paid. Preferred: what a share converts at, and the cap on common received."""
    if h.is_common or (h.conversion_price is None and h.conversion_share_cap is None):
        return _cell(dec(h.price))
    cap = f" (cap {h.conversion_share_cap:,})" if h.conversion_share_cap is not None else ""
    return f"converts at {_cell(dec(h.conversion_price))}{cap}"


def _kind(kind: ConsiderationKind) -> str:
    """What the shares were issued for: "cash", "acquisition", ...; "—" when the filing does not say."""
    return "—" if kind is ConsiderationKind.NOT_STATED else kind.value


def _money(value) -> str:
    return "—" if value is None else f"{value:,}"


def replay(console: Console, result: Replay | ReplayStream) -> None:
    """Each issuer as it comes: ``result.issuers`` may be a replay's stream."""
    shown = False
    for report in result.issuers:
        shown = True
        issuer, t = report.issuer, report.totals
        _heading(console, f"{issuer.name}  file no. {_cell(issuer.file_number)}  as of {result.as_of} (inclusive)")
        holdings = table("class", "holders", "shares", "stated amount", "price", "for", "date", "events",
                         atomic={"shares", "stated amount", "for", "date", "events"},
                         title="Cap table", title_justify="left")
        for h in report.holdings:
            holdings.add_row(h.security_class, _holders(h.holders, h.holders_description), _money(h.shares),
                             _money(h.stated_amount), _price(h), _kind(h.consideration_kind), str(h.date),
                             _ids(h.event_ids))
        show(console, holdings)
        warrants = table("tranche", "holders", "shares", "basis", "exercise", "issued", "expires", "status", "events",
                         atomic={"shares", "exercise", "issued", "expires", "status", "events"},
                         title="Warrants", title_justify="left")
        for w in report.warrants:
            warrants.add_row(w.tranche, _holders(w.holders, w.holders_description), _money(w.shares),
                             str(w.quantity_basis), _cell(dec(w.exercise_price)), str(w.issued_on),
                             _cell(w.expires_on), str(w.status), _ids(w.event_ids))
        show(console, warrants)
        totals = table("total", "value", atomic={"value"}, title="Totals", title_justify="left")
        totals.add_row("common shares", f"{t.common_shares:,}")
        totals.add_row("warrant shares outstanding", f"{t.warrant_shares_outstanding:,}")
        totals.add_row("tranches of undetermined quantity", str(t.undetermined_warrant_tranches))
        totals.add_row("contingent tranches", str(t.contingent_warrant_tranches))
        totals.add_row("capital raised (stated)", f"${t.capital_raised:,}")
        totals.add_row("cash fees paid (stated)", f"${t.fees_paid_cash:,}" + (" approx." if t.fees_approximate else ""))
        totals.add_row("fees with undisclosed cash", str(t.undisclosed_cash_fees))
        show(console, totals)
        _outstanding(console, report)
        _fully_diluted(console, of_report(report))
    if not shown:
        console.print(f"No events on or before {result.as_of}.")


def _outstanding(console: Console, report) -> None:
    """Shares outstanding per class: the latest reported balance, what was recorded since, their
    sum, beside what the ledger's own lots add up to."""
    o = report.outstanding
    if not o.classes:
        console.print(f"Shares outstanding: {o.basis}; the cap table counts only recorded issuances "
                      f"({report.totals.common_shares:,} common shares).")
        return
    rows = table("class", "reported", "as of", "issued since", "estimated outstanding", "recorded only", "source",
                 atomic={"reported", "as of", "issued since", "estimated outstanding", "recorded only"},
                 title="Shares outstanding (latest reported balance + issuances recorded since)", title_justify="left")
    for c in o.classes:
        since = f"{c.issued_since:,}" + (f" + {c.undetermined_since} lot(s) of unknown size" if c.undetermined_since else "")
        rows.add_row(c.security, f"{c.reported.shares:,}", str(c.reported.as_of), since, f"{c.estimated:,}",
                     f"{c.recorded_only:,}", f"{_ids(c.reported.event_ids[:1])}: {c.reported.source}")
    show(console, rows)


def _percent(value) -> str:
    return "—" if value is None else f"{value}%"


def _fully_diluted(console: Console, f: FullyDiluted) -> None:
    """Fully diluted shares both ways (a variable-price security at its fixed price and at its cap),
    each holder group's share of them, and what could not be counted."""
    figures = table("fully diluted", "at fixed price", "at cap", atomic={"at fixed price", "at cap"},
                    title=f"Fully diluted (conversions rounded {ROUNDING})", title_justify="left")
    figures.add_row("common shares", f"{f.common_shares:,}", f"{f.common_shares:,}")
    figures.add_row("warrant shares outstanding (determined)", f"{f.warrant_shares:,}", f"{f.warrant_shares:,}")
    figures.add_row("convertibles as converted", f"{f.convertible_shares_at_fixed_price:,}",
                    f"{f.convertible_shares_at_cap:,}")
    figures.add_row("fully diluted shares", f"{f.total_at_fixed_price:,}", f"{f.total_at_cap:,}")
    figures.add_row("not counted (undetermined)", str(len(f.undetermined)), str(len(f.undetermined)))
    show(console, figures)
    if f.convertibles:
        conv = table("security", "holders", "amount", "converts at", "at fixed price", "cap", "at cap", "events",
                     atomic={"amount", "converts at", "at fixed price", "cap", "at cap", "events"},
                     title="Convertibles as converted", title_justify="left")
        for c in f.convertibles:
            price = _cell(dec(c.conversion_price)) + (" or variable" if c.variable_formula else "")
            conv.add_row(c.security, _holders(c.holders, c.holders_description), _money(c.amount), price,
                         _money(c.at_fixed_price), _money(c.share_cap), _money(c.at_cap), _ids(c.event_ids))
        show(console, conv)
    if f.ownership:
        heads = ("common", "% basic", "fully diluted", "% fully diluted", "fully diluted at cap", "% at cap")
        own = table("holders", *heads, atomic=set(heads), title="Ownership by holder group", title_justify="left")
        for o in f.ownership:
            own.add_row(o.holders, f"{o.common_shares:,}", _percent(o.basic_percent), f"{o.fully_diluted_shares:,}",
                        _percent(o.fully_diluted_percent), f"{o.fully_diluted_shares_at_cap:,}",
                        _percent(o.fully_diluted_percent_at_cap))
        show(console, own)
    if f.undetermined:
        rest = table("security", "kind", "holders", "unknown", "basis", "events", atomic={"kind", "unknown", "events"},
                     title="Not counted: quantities undetermined", title_justify="left")
        for u in f.undetermined:
            rest.add_row(u.security, u.kind, _holders(u.holders, u.holders_description), u.figure, u.basis,
                         _ids(u.event_ids))
        show(console, rest)


def _ids(event_ids) -> str:
    """Ids as tables show them: a hash-named stream cut to 12 digits, which lookups accept."""
    return ", ".join(short_id(i) for i in event_ids)


_EMPTY = (None, [], (), {}, False, "")


def _fields(payload: dict, prefix: str = "") -> list[str]:
    """``key: value`` for each field that is set, as the JSON holds it (decimals as written);
    a nested record's fields as ``record.key``, a list joined with '; '."""
    out = []
    for key, value in payload.items():
        if value in _EMPTY:
            continue
        if isinstance(value, dict):
            out += _fields(value, f"{prefix}{key}.")
            continue
        if isinstance(value, list):
            value = "; ".join(", ".join(_fields(v)) if isinstance(v, dict) else short_id(str(v)) for v in value)
        out.append(f"{prefix}{key}: {short_id(value) if isinstance(value, str) else value}")   # ids as tables show them
    return out


def _summary(payload: dict, sep: str = "; ") -> str:
    """What an event says, without where it came from: the provenance, the effective date (shown
    beside it) and the bases, which `show` and the JSON carry."""
    skip = {"provenance", "effective_date"}
    return sep.join(_fields({k: v for k, v in payload.items() if k not in skip and not k.endswith("_basis")}))


def history(console: Console, events: Iterable[StoredEvent]) -> None:
    rows = table("seq", "event", "type", "effective", "public", "recorded", "what", "source",
                 atomic={"seq", "event", "type", "effective", "public", "recorded"})
    for e in events:
        rows.add_row(str(e.seq), short_id(e.event_id), e.type, str(e.effective_date), _cell(e.public_date),
                      e.recorded_at[:19], _summary(to_payload(e.event), "\n"), e.quote)
    show(console, rows)


def dry_run(console: Console, outcome: Outcome) -> None:
    """The events a filing would append, with their quotes; after each, its explanation when the
    outcome carries one (--explain)."""
    explained = {ex.number: ex for ex in outcome.explanations}
    _heading(console, f"{outcome.path} → {outcome.stream} (dry run: nothing written)")
    for i, event in enumerate(outcome.events, 1):
        payload = to_payload(event)
        console.print(f"{i}. {event.TYPE} {event.effective_date}  {_summary(payload)}", style="bold", soft_wrap=True)
        for quote in event.provenance.quotes:
            console.print(f"     “{quote.text}” @{quote.start}-{quote.end}", soft_wrap=True)
        if i in explained:
            explanation(console, explained[i])


def _value(value) -> str:
    if isinstance(value, tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def _moneys(notes: Iterable[MoneyNote]) -> str:
    return ", ".join(f"{m.text} → {m.role}" for m in notes)


def _line(console: Console, indent: int, text: str) -> None:
    """A line folded at the console's width (80 in a pipe), its continuation indented deeper."""
    width = max(console.width, 40)
    for line in textwrap.wrap(text, width, initial_indent=" " * indent, subsequent_indent=" " * (indent + 4),
                              break_long_words=False, break_on_hyphens=False) or [""]:
        console.print(line, soft_wrap=True)


def explanation(console: Console, ex: EventExplanation) -> None:
    """Why an event reads as it does: each field's choice and where it was read, the candidates that
    lost, then what each cited sentence held (its money and its frames; its text is quoted above)."""
    _line(console, 5, f"why {ex.type}: {ex.summary}")
    for f in ex.fields:
        said = f" — {f.why}" if f.why else ""
        _line(console, 7, f"{f.name} = {_value(f.value)} ({f.basis}, strength {f.strength}){said}")
        if f.figure is not None:
            role = f" as {f.role}" if f.role else ""
            _line(console, 9, f"read “{f.figure}”{role}" + (", in another sentence than the event's own" if f.elsewhere else ""))
        elif f.elsewhere:
            _line(console, 9, "read in another sentence than the event's own")
        for x in f.sentences:
            _line(console, 9, f"@{x.start} “{x.text}”")
        if not f.sentences:
            _line(console, 9, "no sentence: inferred")
        for alt in f.lost:
            where = ", ".join(f"@{s}" for s in alt.starts) or "no sentence"
            said = f" — {alt.why}" if alt.why else ""
            _line(console, 9, f"lost: {_value(alt.value)} ({alt.basis}, strength {alt.strength}){said}; {where}")
    for s in ex.sentences:
        _line(console, 7, f"sentence @{s.excerpt.start}-{s.excerpt.end}")
        if s.money:
            _line(console, 9, f"money: {_moneys(s.money)}")
        for fr in s.frames:
            parts = [fr.security or ""]
            if fr.count is not None:
                parts.append(f"{fr.count:,}" + (f" (“{fr.count_text}”)" if fr.count_text else ""))
            if fr.money:
                parts.append(_moneys(fr.money))
            if fr.detail:
                parts.append(fr.detail)
            _line(console, 9, f"{fr.kind} frame: " + "; ".join(p for p in parts if p))
        if not s.money and not s.frames:
            _line(console, 9, "no money and no frame (cited for a name or a date)")
    if ex.notes:
        _line(console, 7, "assembly: " + "; ".join(ex.notes))
