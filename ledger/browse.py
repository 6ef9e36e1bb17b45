"""Browsing a SQLite ledger in Datasette: the metadata (title, the views' descriptions, the stored
"cap table as of :date" query) as a pure function, and the Datasette instance ``ledger serve`` runs.

The views themselves live in the ledger file (ledger/store/sqlite_views.py, schema 6), so a plain
``datasette ledger.db`` shows them too; this adds what only metadata can carry. Datasette reads
SQLite only; it is an optional extra (``pip install -e '.[browse]'``).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ledger.errors import LedgerError

if TYPE_CHECKING:
    from datasette.app import Datasette

MISSING_DATASETTE = "browsing needs the browse extra (Datasette): pip install -e '.[browse]'"
NOT_SQLITE = "Datasette reads SQLite only: serve a SQLite ledger (ledger copy --from URL --to ledger.db makes one)"

QUERY_NAME = "cap_table_as_of"

# What the SQL applies, and what only `ledger replay` does: said once, in every description.
APPLIED = ("Applied in SQL: retractions (an event, or a whole filing when its filing_recorded event is "
           "retracted), corrections (every field they set, in recording order, including shares, price, "
           "consideration and effective_date, which moves the event), the events of an 8-K that its 8-K/A "
           "restates (by item), warrant exercises (a common lot at the grant's exercise price), preferred "
           "conversions (the common received) and opening balances (which replace the class's earlier lots).")
NOT_APPLIED = ("Not applied, flagged in the note column instead: a stock split after a lot (shares and prices "
               "are as issued: see ledger replay), and a conversion of a preferred lot (its shares and stated "
               "amount are before the conversion). Corrections count whenever they were made (replay's "
               "--known-at is not offered here).")

CAP_TABLE_AS_OF_SQL = """SELECT r.issuer, r.class, r.holders, r.holders_description, r.shares, r.stated_amount, r.price,
       r.conversion_price, r.conversion_share_cap, r.consideration_kind, r.date, r.event_ids, r.source_file,
       r.corrected_by,
       NULLIF(trim(
           COALESCE((SELECT 'a stock split on ' || MIN(x.effective_date)
                            || ' after this lot is not applied here: see ledger replay. '
                     FROM effective_events x
                     WHERE x.type = 'stock_split' AND x.issuer_key = r.issuer_key AND x.effective_date <= :date
                       AND (x.effective_date > r.date OR (x.effective_date = r.date AND r.day_rank < x.day_rank))), '')
           || COALESCE((SELECT 'converted on ' || group_concat(x.effective_date, ', ')
                               || ': shares and stated amount before the conversion; see ledger replay.'
                        FROM effective_events x
                        WHERE x.type = 'preferred_converted' AND json_extract(x.payload, '$.preferred') = r.event_id
                          AND x.effective_date <= :date), '')), '') AS note
FROM cap_table_rows r
WHERE date(julianday(:date)) IS :date AND r.date <= :date   -- YYYY-MM-DD and a real day, or no rows
  AND NOT EXISTS (   -- an opening balance on or before :date replaces the lots of its class before it
      SELECT 1 FROM cap_table_rows b
      WHERE b.made_by = 'shares_outstanding' AND b.issuer_key = r.issuer_key AND b.class = r.class
        AND b.date <= :date AND (b.date > r.date OR (b.date = r.date AND r.day_rank = b.day_rank AND b.seq > r.seq)))
ORDER BY r.issuer, r.issuer_key, r.date, r.day_rank, r.seq"""

VIEWS = {
    "cap_table_rows": (
        "Cap-table lots, ever issued",
        "One row per lot as ledger replay makes them: an issue of common or preferred stock, the common "
        "from a warrant exercise or a preferred conversion, an opening balance; at its date, as the record "
        "stands now. Money is the filing's exact decimal text, dates ISO. Pick a date with the "
        "'cap table as of' query. " + APPLIED),
    "warrant_tranches": (
        "Warrant tranches, as granted",
        "One row per warrant grant (corrections and retractions applied): tranche, kind, holders, shares "
        "(empty when the quantity is a formula or undisclosed: see quantity_basis), exercise price, "
        "issued_on, expires_on. Exercises, cancellations, vesting, expiry and splits are folded by "
        "ledger replay only."),
    "deals": (
        "Deals: one row per financing, as ledger export deals lists them",
        "The rows of ledger export deals without --as-of, in its order, as its CSV writes them. A deal: "
        "the issuances of one filing that raise money (not for an acquisition, exchange, services or "
        "conversion), with the warrants and fees it reports; an 8-K/A's facts count under the filing it "
        "amends (form 8-K; 8-K/A). Dated by its first closing. securities: what was sold, then the "
        "warrants sold with it; shares: common sold; price: when one price applies; gross_proceeds: the "
        "stated considerations of the sales, summed exactly; warrant_shares: investor, closing and "
        "adjustable warrants whose quantity is known; warrant_coverage_pct: warrant_shares / (common "
        "and pre-funded warrants sold, else the preferred as converted at its fixed price) x 100 to "
        "0.01, half to even; fees_cash and fees_basis (stated, approximate, undisclosed, none)."),
    "event_log": (
        "Event log, in recording order",
        "Every event as recorded, corrections and retractions included as events of their own: seq, id, "
        "stream, issuer, type, effective and public dates, recorded_at, the JSON payload, the source "
        "quote and the row's chain hash. Append-only: nothing here is ever edited."),
    "effective_events": (
        "Events as the record stands",
        "The events ledger replay folds, as the record stands now: retracted events (and every event of a "
        "filing retracted whole) left out, corrections applied to the payload in recording order "
        "(corrected_by names them; a corrected effective_date moves the event), the events of an 8-K that "
        "its 8-K/A restates left out, by item."),
    "issuers": (
        "Issuers",
        "Each issuer's name and numbers as its last recorded filing gives them."),
}


def metadata(database: str = "ledger") -> dict:
    """Datasette metadata for a ledger served under the name ``database`` (Datasette names a file's
    database after its stem: ledger.db -> ledger): the title, each view's description, the stored
    "cap table as of :date" query. Plain data: no file is read."""
    return {
        "title": "Deal Ledger",
        "description": "SEC equity-financing filings as an append-only event ledger. The views read the "
                       "events; `ledger replay --as-of D` is the reference answer.",
        "databases": {
            database: {
                "tables": {name: {"title": title, "description": text} for name, (title, text) in VIEWS.items()},
                "queries": {
                    QUERY_NAME: {
                        "title": "Cap table as of :date",
                        "description": "The cap-table lots on :date (YYYY-MM-DD; any other text gives no rows), "
                                       "as ledger replay --as-of :date lists its holdings. " + APPLIED + " "
                                       + NOT_APPLIED,
                        "sql": CAP_TABLE_AS_OF_SQL,
                    },
                },
            },
        },
    }


def database_name(path: str | os.PathLike) -> str:
    """The name Datasette gives a file's database (its stem)."""
    return Path(path).stem


# The views fold the ledger in SQL on every query: at 100,000 events `deals` takes about 18 s and
# `cap_table_rows` 4 s on the 2-core machine, over Datasette's default limit of 1 s.
SQL_TIME_LIMIT_MS = 120_000


def datasette(path: str | os.PathLike, **settings) -> Datasette:
    """A Datasette over the ledger file, read-only (each connection ``mode=ro``: nothing is written,
    and filings appended meanwhile show up), with ``metadata``, and a time limit the views can
    meet on a large ledger. Raises ``LedgerError`` with the install line when the extra is missing."""
    try:
        from datasette.app import Datasette
    except ImportError:
        raise LedgerError(MISSING_DATASETTE) from None
    path = os.fspath(path)
    return Datasette([path], metadata=metadata(database_name(path)),
                     settings={"sql_time_limit_ms": SQL_TIME_LIMIT_MS, **settings})
