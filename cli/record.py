"""Write-side commands: corrections (retract, correct), facts from other filings (record ...),
and `check`, which reconciles reported totals with the ledger."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer

from cli.base import EXIT_FAILED_CHECK, IssuerOpt, app, err, fail, opened, out, parse_date
from ledger.ids import short_id
from ledger.check import reconcile
from ledger.record import (
    BadRecord, Citation, correct, find_preferred, parse_assignment, record_cancellation, record_conversion,
    record_exercise, record_opening_balance, record_reported_total, record_split, record_vesting, retract,
)
from events.envelope import StoredEvent
from ledger.views import resolve_issuer

record_app = typer.Typer(help="Record a fact that a later filing (10-Q, 10-K, 8-K) states.", no_args_is_help=True)
app.add_typer(record_app, name="record")

On = Annotated[date, typer.Option("--date", parser=parse_date, metavar="YYYY-MM-DD", help="When it happened.")]
Source = Annotated[str, typer.Option("--source", help='The citation: "10-Q for the quarter ended June 30, 2000, note 7".')]
SourceDate = Annotated[date | None, typer.Option(
    "--source-date", parser=parse_date, metavar="YYYY-MM-DD",
    help="When the source became public (its filing date); default: today.")]
QuoteOpt = Annotated[str | None, typer.Option("--quote", help="The sentence of the source that states it.")]
Reason = Annotated[str, typer.Option("--reason", help="Why: kept with the event.")]
Shares = Annotated[int, typer.Option("--shares", min=0, help="Number of shares.")]
Tranche = Annotated[str, typer.Option("--tranche", help="The event id of the warrant grant.")]
KnownAt = Annotated[date | None, typer.Option(
    "--known-at", parser=parse_date, metavar="YYYY-MM-DD", help="Only what was public by this date.")]


def _done(stored: StoredEvent) -> None:
    out.print(stored.event_id)
    err.print(f"recorded {stored.type} {stored.event_id} (effective {stored.effective_date}, "
              f"public {stored.public_date})")


def _write(ctx: typer.Context, action) -> None:
    with opened(ctx, write=True) as store:
        try:
            _done(action(store))
        except BadRecord as e:
            raise fail(str(e)) from None


@app.command("retract")
def retract_cmd(ctx: typer.Context, event_id: str, reason: Reason, source: Source = "recorded by hand",
                source_date: SourceDate = None) -> None:
    """Retract an event (a filing's filing_recorded event: the whole filing); the original stays in the history."""
    _write(ctx, lambda store: retract(store, event_id, reason=reason, citation=Citation(source, source_date)))


@app.command("correct")
def correct_cmd(ctx: typer.Context, event_id: str,
                set_: Annotated[list[str], typer.Option("--set", help="field=value (repeatable).")],
                reason: Reason, source: Source = "recorded by hand", source_date: SourceDate = None) -> None:
    """Correct fields of an event with a new event; the original stays in the history."""
    def action(store):
        return correct(store, event_id, changes=[parse_assignment(s) for s in set_], reason=reason,
                       citation=Citation(source, source_date))
    _write(ctx, action)


@record_app.command("exercise")
def exercise(ctx: typer.Context, tranche: Tranche, shares: Shares, when: On, source: Source,
             cashless: Annotated[bool, typer.Option("--cashless", help="Net exercise: fewer shares issued.")] = False,
             shares_issued: Annotated[int | None, typer.Option("--shares-issued", min=0,
                                                               help="Common shares received.")] = None,
             source_date: SourceDate = None, quote: QuoteOpt = None) -> None:
    """A warrant exercise, full or partial, for cash or cashless."""
    _write(ctx, lambda store: record_exercise(store, tranche, shares=shares, when=when, cashless=cashless,
                                              shares_issued=shares_issued, citation=Citation(source, source_date, quote)))


@record_app.command("cancel")
def cancel(ctx: typer.Context, tranche: Tranche, when: On, source: Source,
           shares: Annotated[int | None, typer.Option("--shares", min=0, help="Default: all that remain.")] = None,
           source_date: SourceDate = None, quote: QuoteOpt = None) -> None:
    """A warrant cancellation."""
    _write(ctx, lambda store: record_cancellation(store, tranche, shares=shares, when=when,
                                                  citation=Citation(source, source_date, quote)))


@record_app.command("vest")
def vest(ctx: typer.Context, tranche: Tranche, shares: Shares, when: On, source: Source,
         source_date: SourceDate = None, quote: QuoteOpt = None) -> None:
    """Shares of an adjustable (formula) warrant fixed on a vesting date."""
    _write(ctx, lambda store: record_vesting(store, tranche, shares=shares, when=when,
                                             citation=Citation(source, source_date, quote)))


@record_app.command("conversion")
def conversion(ctx: typer.Context,
               preferred: Annotated[str, typer.Option("--preferred", help='Event id, or a series ("Series A") with --issuer.')],
               common: Annotated[int, typer.Option("--common", min=1, help="Common shares received.")],
               when: On, source: Source, issuer: IssuerOpt = None,
               shares_converted: Annotated[int | None, typer.Option("--shares-converted", min=0)] = None,
               amount_converted: Annotated[str | None, typer.Option("--amount-converted", help="Stated amount converted.")] = None,
               source_date: SourceDate = None, quote: QuoteOpt = None) -> None:
    """A conversion of preferred stock into common."""
    def action(store):
        key = resolve_issuer(store, issuer)
        try:
            amount = Decimal(amount_converted.replace(",", "").lstrip("$")) if amount_converted else None
        except InvalidOperation:
            raise BadRecord(f"--amount-converted {amount_converted!r} is not an amount") from None
        return record_conversion(store, find_preferred(store, key, preferred), common_received=common, when=when,
                                 shares_converted=shares_converted, amount_converted=amount,
                                 citation=Citation(source, source_date, quote))
    _write(ctx, action)


def _issuer_required(store, issuer: str | None) -> str:
    if not issuer:
        raise BadRecord("--issuer is required (a CIK or a name)")
    return resolve_issuer(store, issuer)


@record_app.command("opening-balance")
def opening_balance(ctx: typer.Context, shares: Shares, when: On, source: Source, issuer: IssuerOpt = None,
                    security: Annotated[str, typer.Option("--class", help="The class of stock.")] = "Common Stock",
                    source_date: SourceDate = None, quote: QuoteOpt = None) -> None:
    """Shares outstanding on a date: the class's balance from then on."""
    _write(ctx, lambda store: record_opening_balance(store, _issuer_required(store, issuer), shares=shares,
                                                     when=when, security=security,
                                                     citation=Citation(source, source_date, quote)))


@record_app.command("split")
def split(ctx: typer.Context,
          ratio: Annotated[str, typer.Option("--ratio", help='New shares for old: "2:1" (2-for-1), "1:200" (reverse).')],
          when: On, source: Source, issuer: IssuerOpt = None,
          rounding: Annotated[str, typer.Option("--rounding", help="down, up or nearest (for fractional shares).")] = "down",
          source_date: SourceDate = None, quote: QuoteOpt = None) -> None:
    """A stock split: every open instrument rebased."""
    m = re.fullmatch(r"\s*(\d+)\s*(?::|-for-|/)\s*(\d+)\s*", ratio)
    if not m:
        raise fail(f"--ratio {ratio!r} is not a ratio like 2:1 or 1-for-200")
    if rounding not in ("down", "up", "nearest"):
        raise fail(f"--rounding {rounding!r}: use down, up or nearest")
    _write(ctx, lambda store: record_split(store, _issuer_required(store, issuer), numerator=int(m[1]),
                                           denominator=int(m[2]), rounding=rounding, when=when,
                                           citation=Citation(source, source_date, quote)))


@record_app.command("reported-total")
def reported_total(ctx: typer.Context, shares: Shares, when: On, source: Source, issuer: IssuerOpt = None,
                   source_date: SourceDate = None, quote: QuoteOpt = None,
                   security: Annotated[str, typer.Option("--class", help="The class of stock.")] = "Common Stock") -> None:
    """"N shares of common stock outstanding as of D": a reported balance. Replay estimates shares
    outstanding from it; `ledger check` reconciles it."""
    _write(ctx, lambda store: record_reported_total(store, _issuer_required(store, issuer), shares=shares,
                                                    when=when, citation=Citation(source, source_date, quote),
                                                    security=security))


@app.command("check")
def check(ctx: typer.Context, issuer: IssuerOpt = None, known_at: KnownAt = None) -> None:
    """Replay everything and reconcile the reported totals; exit 1 when any differs."""
    failed = checked = 0
    with opened(ctx) as store:
        key = resolve_issuer(store, issuer)
        for r in reconcile(store, issuer_key=key, known_at=known_at):
            checked += 1
            a = r.assertion
            basis = (f"{r.previous.event.value:,} reported on {r.previous.effective_date} "
                     f"({short_id(r.previous.event_id)}) + {r.projected - r.previous.event.value:,} recorded since"
                     if r.previous is not None else "the ledger's recorded lots")
            head = (f"{r.issuer}: {r.security} on {a.effective_date}: reported {r.reported:,} "
                    f"({short_id(a.event_id)}: {a.quote}); ledger {r.projected:,} ({basis})")
            if r.ok:
                out.print(f"ok    {head}", soft_wrap=True)
                continue
            failed += 1
            gap = f"difference {r.difference:+,}" + (f"; {r.undetermined_lots} lot(s) of unknown size" if r.undetermined_lots else "")
            out.print(f"FAIL  {head}; {gap}", soft_wrap=True)
            for ids, shares, source in r.contributing:
                out.print(f"        {'?' if shares is None else format(shares, ',')} from {ids}: {source}", soft_wrap=True)
    err.print(f"{checked} reported total(s) checked, {failed} failed")
    if failed:
        raise typer.Exit(code=EXIT_FAILED_CHECK)
