"""CSV exports of a replay, written row by row as its issuers come (a ``Replay`` or a streamed
``ledger.views.ReplayStream``). Open ``fh`` with ``newline=""`` (csv module rule)."""
from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO

from ledger.projections.report import Replay, dec, iso

if TYPE_CHECKING:
    from ledger.views import ReplayStream

CAP_TABLE_COLUMNS = (
    "issuer", "class", "holders", "shares", "stated_amount", "price", "conversion_price", "conversion_share_cap",
    "consideration_kind", "date", "event_ids", "source",
)
WARRANT_COLUMNS = (
    "issuer", "tranche", "kind", "holders", "shares", "quantity_basis", "exercise_price",
    "issued_on", "expires_on", "status", "event_ids", "source",
)


def _joined(values) -> str:
    return "; ".join(values)


def _holders(names: tuple[str, ...], description: str | None) -> str:
    # With no names, the filing's description ("two institutional investors") beats a blank cell.
    return _joined(names) if names else (description or "")


def _cell(value) -> str:
    return "" if value is None else str(value)


def _first(sources: tuple[str, ...]) -> str:
    return sources[0] if sources else ""


def cap_table_rows(result: Replay | ReplayStream) -> Iterator[tuple[str, ...]]:
    for report in result.issuers:
        for h in report.holdings:
            yield (
                report.issuer.name, h.security_class, _holders(h.holders, h.holders_description),
                _cell(h.shares), _cell(dec(h.stated_amount)), _cell(dec(h.price)), _cell(dec(h.conversion_price)),
                _cell(h.conversion_share_cap), h.consideration_kind.value, iso(h.date),
                _joined(h.event_ids), _first(h.sources),
            )


def warrant_rows(result: Replay | ReplayStream) -> Iterator[tuple[str, ...]]:
    for report in result.issuers:
        for w in report.warrants:
            yield (
                report.issuer.name, w.tranche, w.kind.value, _holders(w.holders, w.holders_description),
                _cell(w.shares), w.quantity_basis.value, _cell(dec(w.exercise_price)), iso(w.issued_on),
                _cell(iso(w.expires_on)), w.status.value, _joined(w.event_ids), _first(w.sources),
            )


def write_cap_table_csv(result: Replay | ReplayStream, fh: TextIO) -> None:
    writer = csv.writer(fh)
    writer.writerow(CAP_TABLE_COLUMNS)
    for row in cap_table_rows(result):
        writer.writerow(row)


def write_warrants_csv(result: Replay | ReplayStream, fh: TextIO) -> None:
    writer = csv.writer(fh)
    writer.writerow(WARRANT_COLUMNS)
    for row in warrant_rows(result):
        writer.writerow(row)
