"""The deals export: one row per financing (ledger.projections.deals), issuer by issuer."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from events.envelope import StreamInfo
from ledger.projections.deals import Deal
from ledger.projections.report import dec

DEAL_COLUMNS = (
    "issuer", "date", "securities", "shares", "price", "gross_proceeds", "warrant_shares", "warrant_coverage_pct",
    "fees_cash", "fees_basis", "investors", "filing", "form", "source",
)


def deal_rows(issuers: Iterable[tuple[str, Iterable[Deal], dict[str, StreamInfo]]]) -> Iterator[tuple]:
    """A row per deal of each (issuer name, its deals, its streams by id), as they come. ``form``
    and ``source`` name the filing and any 8-K/A that restates it, joined with "; "."""
    for name, deals, streams in issuers:
        for d in deals:
            infos = [streams[s] for s in d.streams if s in streams]
            yield (
                name, d.date, "; ".join(d.securities), d.shares, dec(d.price), dec(d.gross_proceeds), d.warrant_shares,
                dec(d.warrant_coverage_pct), dec(d.fees_cash), d.fees_basis,
                "; ".join(d.investors) if d.investors else d.investors_description, d.filing,
                "; ".join(dict.fromkeys(i.form for i in infos)) or None,
                "; ".join(dict.fromkeys(i.source_name for i in infos)) or None,
            )
