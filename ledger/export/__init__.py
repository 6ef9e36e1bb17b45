"""Exports: one row builder per table (tuples of cells), written by the generic CSV, JSON and JSON
Lines writers of ``writers``, row by row as the builders give them.

- ``tables``: the cap table, the warrants and the fully diluted holder groups of a replay, issuer by issuer;
- ``events``: every event in recording order;
- ``deals``: one row per financing, issuer by issuer (``ledger.projections.deals``);
- ``ocf``: one issuer's Open Cap Table Format package (a zip, not rows).
"""
from ledger.export.deals import DEAL_COLUMNS, deal_rows
from ledger.export.events import EVENT_COLUMNS, event_rows
from ledger.export.tables import (
    CAP_TABLE_COLUMNS, DILUTION_COLUMNS, WARRANT_COLUMNS, cap_table_rows, dilution_rows, warrant_rows,
    write_cap_table_csv, write_warrants_csv,
)
from ledger.export.writers import WRITERS, RawJson, write_csv, write_json, write_jsonl

__all__ = [
    "CAP_TABLE_COLUMNS", "DEAL_COLUMNS", "DILUTION_COLUMNS", "dilution_rows", "EVENT_COLUMNS", "RawJson", "WARRANT_COLUMNS", "WRITERS", "cap_table_rows",
    "deal_rows", "event_rows", "warrant_rows", "write_cap_table_csv", "write_csv", "write_json", "write_jsonl",
    "write_warrants_csv",
]
