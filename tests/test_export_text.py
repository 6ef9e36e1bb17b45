"""The CSV exports write each cell as the export's rules say (the reference below, a cell at a
time), whatever the text: the writer hands csv.writer raw values and lets it convert them."""
from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings

from ledger.export import CAP_TABLE_COLUMNS, WARRANT_COLUMNS, write_cap_table_csv, write_warrants_csv
from ledger.projections.report import dec, iso
from tests.report_values import replays


def _cell(value) -> str:
    return "" if value is None else str(value)


def _holders(names, description) -> str:
    return "; ".join(names) if names else (description or "")


def reference_cap_table(result) -> list[list[str]]:
    return [list(CAP_TABLE_COLUMNS)] + [
        [r.issuer.name, h.security_class, _holders(h.holders, h.holders_description), _cell(h.shares),
         _cell(dec(h.stated_amount)), _cell(dec(h.price)), _cell(dec(h.conversion_price)),
         _cell(h.conversion_share_cap), h.consideration_kind.value, _cell(iso(h.date)), "; ".join(h.event_ids),
         h.sources[0] if h.sources else ""]
        for r in result.issuers for h in r.holdings
    ]


def reference_warrants(result) -> list[list[str]]:
    return [list(WARRANT_COLUMNS)] + [
        [r.issuer.name, w.tranche, w.kind.value, _holders(w.holders, w.holders_description), _cell(w.shares),
         w.quantity_basis.value, _cell(dec(w.exercise_price)), _cell(iso(w.issued_on)), _cell(iso(w.expires_on)),
         w.status.value, "; ".join(w.event_ids), w.sources[0] if w.sources else ""]
        for r in result.issuers for w in r.warrants
    ]


def written(write, result) -> str:
    fh = io.StringIO(newline="")
    write(result, fh)
    return fh.getvalue()


def reference_text(rows) -> str:
    fh = io.StringIO(newline="")
    csv.writer(fh).writerows(rows)
    return fh.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replays)
def test_csv_cells_are_the_reference_cells(result):
    assert written(write_cap_table_csv, result) == reference_text(reference_cap_table(result))
    assert written(write_warrants_csv, result) == reference_text(reference_warrants(result))
