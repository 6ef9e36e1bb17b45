"""The cap-table and warrants exports of a replay: rows built as its issuers come (a ``Replay`` or a
streamed ``ledger.views.ReplayStream``), written by ``ledger.export.writers``. Open ``fh`` with
``newline=""`` (csv module rule)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO

from ledger.export.writers import write_csv
from ledger.projections.dilution import of_report, percent
from ledger.projections.report import Replay, dec

if TYPE_CHECKING:
    from ledger.views import ReplayStream

CAP_TABLE_COLUMNS = (
    "issuer", "class", "holders", "shares", "stated_amount", "price", "conversion_price", "conversion_share_cap",
    "consideration_kind", "date", "event_ids", "source",
)
# One row per holder group, then the issuer's total (`row` says which); percentages of the totals.
DILUTION_COLUMNS = (
    "issuer", "row", "holders", "common_shares", "basic_percent", "warrant_shares",
    "convertible_shares_at_fixed_price", "convertible_shares_at_cap", "fully_diluted_shares",
    "fully_diluted_percent", "fully_diluted_shares_at_cap", "fully_diluted_percent_at_cap", "undetermined",
)
WARRANT_COLUMNS = (
    "issuer", "tranche", "kind", "holders", "shares", "quantity_basis", "exercise_price",
    "issued_on", "expires_on", "status", "event_ids", "source",
)

# Rows are tuples of the cells ledger.export.writers takes, handed to csv.writer.writerows in one
# call for CSV: the writer itself writes None as an empty cell and str() of anything else (ints,
# dates as ISO, StrEnum members as their values), so a cell needs no conversion of its own unless
# the text differs: decimals as dec() writes them, the lists joined, the holders' description in
# place of no names.


def _holders(names: tuple[str, ...], description: str | None) -> str | None:
    # With no names, the filing's description ("two institutional investors") beats a blank cell.
    return "; ".join(names) if names else description


def cap_table_rows(result: Replay | ReplayStream) -> Iterator[tuple]:
    for report in result.issuers:
        name = report.issuer.name
        for h in report.holdings:
            yield (
                name, h.security_class, _holders(h.holders, h.holders_description), h.shares,
                dec(h.stated_amount), dec(h.price), dec(h.conversion_price), h.conversion_share_cap,
                h.consideration_kind, h.date, "; ".join(h.event_ids), h.sources[0] if h.sources else None,
            )


def warrant_rows(result: Replay | ReplayStream) -> Iterator[tuple]:
    for report in result.issuers:
        name = report.issuer.name
        for w in report.warrants:
            yield (
                name, w.tranche, w.kind, _holders(w.holders, w.holders_description), w.shares, w.quantity_basis,
                dec(w.exercise_price), w.issued_on, w.expires_on, w.status, "; ".join(w.event_ids),
                w.sources[0] if w.sources else None,
            )


def dilution_rows(result: Replay | ReplayStream) -> Iterator[tuple]:
    """Each issuer's holder groups, then its total: fully diluted at the fixed conversion prices and
    at the caps (ledger/projections/dilution.py). ``undetermined``, on the total row, counts the
    instruments not counted (``ledger replay`` lists each with its basis)."""
    for report in result.issuers:
        name, f = report.issuer.name, of_report(report)
        for o in f.ownership:
            yield (
                name, "holder group", o.holders, o.common_shares, dec(o.basic_percent), o.warrant_shares,
                o.convertible_shares_at_fixed_price, o.convertible_shares_at_cap, o.fully_diluted_shares,
                dec(o.fully_diluted_percent), o.fully_diluted_shares_at_cap, dec(o.fully_diluted_percent_at_cap), None,
            )
        yield (
            name, "total", None, f.common_shares, dec(percent(f.common_shares, f.common_shares)), f.warrant_shares,
            f.convertible_shares_at_fixed_price, f.convertible_shares_at_cap, f.total_at_fixed_price,
            dec(percent(f.total_at_fixed_price, f.total_at_fixed_price)), f.total_at_cap,
            dec(percent(f.total_at_cap, f.total_at_cap)), len(f.undetermined),
        )


def write_cap_table_csv(result: Replay | ReplayStream, fh: TextIO) -> None:
    write_csv(CAP_TABLE_COLUMNS, cap_table_rows(result), fh)


def write_warrants_csv(result: Replay | ReplayStream, fh: TextIO) -> None:
    write_csv(WARRANT_COLUMNS, warrant_rows(result), fh)
