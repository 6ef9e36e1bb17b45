"""SQL views kept in the SQLite ledger (schema 6), so that any SQLite browser (Datasette above all:
`datasette ledger.db`, or `ledger serve`) shows the ledger by what it means: the event log, the
cap-table lots, the warrant tranches and the deals, with the payload's fields as columns.

Views only: they hold no data and write nothing; the events stay append-only. Money stays the
exact decimal text the payload holds (never CAST to REAL: sums are done on scaled integers),
dates stay ISO text, share counts integers.

``effective_events`` is the record as it stands now, as ``ledger replay`` folds it without
``--known-at``: events retracted (or of a filing retracted whole) left out; corrections applied,
every corrected field set in the payload in recording order (the effective date included, which
moves the event); the events of an original 8-K that its 8-K/A restates left out (by item, as
ledger/amendments.py matches them). The other views read it. What they do not fold (stock splits,
preferred conversions' effect on the preferred lot, warrant status) is said in ledger/browse.py,
which flags it in the "cap table as of" query.

The text below is built from constants of this program (event types, day ranks) when the schema is
made or upgraded; a later change to it needs a schema step of its own (sqlite_migrations.py).
"""
from __future__ import annotations

from events import DAY_RANK
from ledger.store.contract import INDEXED_TYPES_SQL

VIEW_NAMES = ("issuers", "effective_events", "event_log", "cap_table_rows", "warrant_tranches", "deals")

# Same-day replay order, as a column: Datasette connections have no temp.event_types table.
DAY_RANK_SQL = ("CASE e.type " + " ".join(f"WHEN '{t}' THEN {r}" for t, r in sorted(DAY_RANK.items()))
                + " ELSE 999 END")


def _names(payload: str, field: str) -> str:
    """A JSON list of names as one text, joined with '; ' as the CSV exports join lists."""
    return f"(SELECT group_concat(n.value, '; ') FROM json_each({payload}, '$.{field}') n)"


# -- exact decimals on text: a decimal string as an integer scaled by 10^s, and back ------------------
def _frac(x: str) -> str:
    return f"(CASE WHEN instr({x}, '.') > 0 THEN substr({x}, instr({x}, '.') + 1) ELSE '' END)"


def _scaled(x: str, s: str) -> str:
    """``x`` (a decimal string with at most ``s`` fraction digits) times 10^s, as an INTEGER."""
    whole = f"(CASE WHEN instr({x}, '.') > 0 THEN substr({x}, 1, instr({x}, '.') - 1) ELSE {x} END)"
    return f"CAST({whole} || substr({_frac(x)} || '000000000000000000', 1, {s}) AS INTEGER)"


def _ten_to(s: str) -> str:
    return f"CAST('1' || substr('000000000000000000', 1, {s}) AS INTEGER)"


def _unscaled(n: str, s: str) -> str:
    """The decimal text of ``n`` / 10^s with exactly s fraction digits (what Decimal addition writes)."""
    padded = f"printf('%0' || ({s} + 1) || 'd', {n})"
    return (f"(CASE WHEN {n} IS NULL THEN NULL WHEN {s} = 0 THEN CAST({n} AS TEXT) ELSE "
            f"substr({padded}, 1, length({padded}) - {s}) || '.' || substr({padded}, -{s}) END)")


def _exact_total(values: str) -> str:
    """A scalar subquery: the exact decimal sum, as text, of column ``x`` (decimal strings) of the
    query ``values``, to the most fraction digits among them (what Decimal addition writes); NULL
    when ``values`` has no row."""
    total = f"SUM({_scaled('x', '_s')})"
    return (f"(SELECT {_unscaled(total, 'MAX(_s)')} FROM ("
            f"SELECT x, MAX(length({_frac('x')})) OVER () AS _s FROM ({values})))")


EFFECTIVE_EVENTS = f"""CREATE VIEW effective_events AS
WITH RECURSIVE
retraction AS (
    SELECT json_extract(payload, '$.target') AS target, event_id AS retracted_by
    FROM events WHERE type = 'event_retracted' AND {INDEXED_TYPES_SQL}   -- repeated: the partial type index
),
retracted_stream AS (   -- retracting a filing's filing_recorded event retracts the whole filing
    SELECT DISTINCT t.stream FROM retraction r JOIN events t ON t.event_id = r.target
    WHERE t.type = 'filing_recorded'
),
change AS (            -- each field a correction sets, numbered per target in recording order
    SELECT json_extract(c.payload, '$.target') AS target, c.event_id AS corrected_by, c.seq,
           row_number() OVER (PARTITION BY json_extract(c.payload, '$.target')
                              ORDER BY c.seq, CAST(ch.key AS INTEGER)) AS k,
           json_extract(ch.value, '$.field') AS field, ch.value -> '$.value' AS value
    FROM events c, json_each(c.payload, '$.changes') ch
    WHERE c.type = 'event_corrected' AND c.{INDEXED_TYPES_SQL}   -- repeated: the partial type index
),
patched (target, k, payload) AS (
    SELECT e.event_id, 0, e.payload FROM events e WHERE e.event_id IN (SELECT target FROM change)
    UNION ALL
    SELECT p.target, c.k, json_set(p.payload, '$."' || c.field || '"', json(c.value))
    FROM patched p JOIN change c ON c.target = p.target AND c.k = p.k + 1
),
corrected AS (
    SELECT p.target, p.payload,
           (SELECT group_concat(corrected_by, '; ') FROM (
                SELECT DISTINCT corrected_by, seq FROM change c WHERE c.target = p.target ORDER BY seq)) AS corrected_by
    FROM patched p WHERE p.k = (SELECT MAX(k) FROM change c WHERE c.target = p.target)
),
amendment AS (         -- an 8-K/A and the filing it amends: its amends column, else same issuer and date of report
    SELECT a.stream, COALESCE(a.amends, (
        SELECT o.stream FROM streams o
        WHERE o.issuer_key = a.issuer_key AND upper(o.form) = upper(substr(a.form, 1, length(a.form) - 2))
          AND o.report_date = a.report_date ORDER BY o.rowid LIMIT 1)) AS original
    FROM streams a WHERE upper(a.form) LIKE '%/A'
),
restated AS (          -- the items each original's amendments restate; '*' for every item
    SELECT am.original, COALESCE(j.value, '*') AS item
    FROM amendment am
    JOIN events f ON f.stream = am.stream AND f.version > 1
    LEFT JOIN json_each(f.payload, '$.reported_under') j
    WHERE am.original IS NOT NULL
      AND (SELECT h.type FROM events h WHERE h.stream = am.stream ORDER BY h.version LIMIT 1) = 'filing_recorded'
),
-- An original's events whose items an 8-K/A restates: found from the few originals, through the
-- (stream, version) index, once; a test per event row against every restated item was quadratic.
superseded AS (
    SELECT DISTINCT e.event_id FROM restated r JOIN events e ON e.stream = r.original
    LEFT JOIN corrected c ON c.target = e.event_id
    WHERE e.type <> 'filing_recorded' AND (
        r.item = '*'
        OR COALESCE(json_array_length(COALESCE(c.payload, e.payload), '$.reported_under'), 0) = 0
        OR r.item IN (SELECT u.value FROM json_each(COALESCE(c.payload, e.payload), '$.reported_under') u))
)
SELECT e.seq, e.event_id, e.stream, e.version, e.issuer_key, e.type,
       json_extract(COALESCE(c.payload, e.payload), '$.effective_date') AS effective_date,
       e.public_date, e.recorded_at, COALESCE(c.payload, e.payload) AS payload, e.quote,
       c.corrected_by, {DAY_RANK_SQL} AS day_rank
FROM events e LEFT JOIN corrected c ON c.target = e.event_id
WHERE e.event_id NOT IN (SELECT target FROM retraction WHERE target IS NOT NULL)
  AND e.stream NOT IN (SELECT stream FROM retracted_stream)
  AND e.event_id NOT IN (SELECT event_id FROM superseded)"""

# The issuer's name and numbers as the last filing recorded for it gives them (as replay names it).
ISSUERS = """CREATE VIEW issuers AS
SELECT s.issuer_key, s.issuer_name AS name, s.cik, s.file_number
FROM streams s WHERE s.rowid = (SELECT MAX(t.rowid) FROM streams t WHERE t.issuer_key = s.issuer_key)"""

EVENT_LOG = """CREATE VIEW event_log AS
SELECT e.seq, e.event_id, e.stream, e.version, i.name AS issuer, e.type, e.effective_date, e.public_date,
       e.recorded_at, e.payload, e.quote, e.hash
FROM events e LEFT JOIN issuers i ON i.issuer_key = e.issuer_key"""

_P = "e.payload"
_COMMON_CLASS = (f"CASE WHEN instr(json_extract({_P}, '$.security'), 'Common') > 0 THEN json_extract({_P}, '$.security') "
                 f"ELSE json_extract({_P}, '$.security') || ' (Common)' END")
_PREFERRED_CLASS = (f"CASE WHEN instr(json_extract({_P}, '$.title'), 'Preferred') > 0 THEN json_extract({_P}, '$.title') "
                    f"WHEN COALESCE(json_extract({_P}, '$.series'), '') <> '' THEN json_extract({_P}, '$.series') || ' Preferred Stock' "
                    f"WHEN COALESCE(json_extract({_P}, '$.title'), '') <> '' THEN json_extract({_P}, '$.title') || ' (Preferred)' "
                    "ELSE 'Preferred Stock' END")
# A schema-1 issuance has no consideration kind: read as events/upcasters.py reads it.
_KIND = (f"COALESCE(json_extract({_P}, '$.consideration_kind'), CASE "
         f"WHEN e.type = 'common_issued' AND (json_extract({_P}, '$.price') IS NOT NULL "
         f"OR json_extract({_P}, '$.consideration') IS NOT NULL) THEN 'cash' "
         f"WHEN e.type = 'preferred_issued' AND json_extract({_P}, '$.consideration') IS NOT NULL THEN 'cash' "
         "ELSE 'not_stated' END)")

# One row per lot as ledger/projections/captable.py makes them: an issue of common or preferred, the
# common from a warrant exercise or a preferred conversion, an opening balance. Every lot ever made,
# at its (corrected) date: the "cap table as of" query (ledger/browse.py) picks those of a date.
CAP_TABLE_ROWS = f"""CREATE VIEW cap_table_rows AS
SELECT i.name AS issuer, e.issuer_key,
       CASE e.type WHEN 'common_issued' THEN {_COMMON_CLASS}
                   WHEN 'preferred_issued' THEN {_PREFERRED_CLASS}
                   WHEN 'shares_outstanding' THEN json_extract({_P}, '$.security')
                   ELSE 'Common Stock' END AS class,
       CASE e.type WHEN 'common_issued' THEN {_names(_P, 'buyers')}
                   WHEN 'preferred_issued' THEN {_names(_P, 'holders')}
                   WHEN 'warrant_exercised' THEN {_names('g.payload', 'holders')}
                   WHEN 'preferred_converted' THEN {_names('pf.payload', 'holders')} END AS holders,
       CASE e.type WHEN 'common_issued' THEN json_extract({_P}, '$.buyers_description')
                   WHEN 'preferred_issued' THEN json_extract({_P}, '$.holders_description')
                   WHEN 'warrant_exercised' THEN json_extract(g.payload, '$.holders_description')
                   WHEN 'preferred_converted' THEN json_extract(pf.payload, '$.holders_description')
                   ELSE 'shares outstanding (opening balance)' END AS holders_description,
       CASE e.type WHEN 'warrant_exercised' THEN COALESCE(NULLIF(json_extract({_P}, '$.shares_issued'), 0), json_extract({_P}, '$.shares'))
                   WHEN 'preferred_converted' THEN json_extract({_P}, '$.common_received')
                   ELSE json_extract({_P}, '$.shares') END AS shares,
       CASE WHEN e.type = 'preferred_issued' THEN json_extract({_P}, '$.stated_amount') END AS stated_amount,
       CASE e.type WHEN 'common_issued' THEN json_extract({_P}, '$.price')
                   WHEN 'warrant_exercised' THEN CASE WHEN json_extract({_P}, '$.cashless') THEN NULL
                                                      ELSE json_extract(g.payload, '$.exercise_price') END END AS price,
       CASE WHEN e.type = 'preferred_issued' THEN json_extract({_P}, '$.conversion.fixed_price') END AS conversion_price,
       CASE WHEN e.type = 'preferred_issued' THEN json_extract({_P}, '$.conversion.share_cap') END AS conversion_share_cap,
       CASE e.type WHEN 'warrant_exercised' THEN CASE WHEN json_extract({_P}, '$.cashless') THEN 'conversion' ELSE 'cash' END
                   WHEN 'preferred_converted' THEN 'conversion'
                   WHEN 'shares_outstanding' THEN 'not_stated'
                   ELSE {_KIND} END AS consideration_kind,
       e.effective_date AS date, e.event_id,
       CASE e.type WHEN 'warrant_exercised' THEN json_extract({_P}, '$.tranche') || '; ' || e.event_id
                   WHEN 'preferred_converted' THEN json_extract({_P}, '$.preferred') || '; ' || e.event_id
                   ELSE e.event_id END AS event_ids,
       e.stream AS filing, s.source_name AS source_file, e.corrected_by, e.type AS made_by, e.seq, e.day_rank
FROM effective_events e
JOIN issuers i ON i.issuer_key = e.issuer_key
LEFT JOIN streams s ON s.stream = e.stream
LEFT JOIN effective_events g ON e.type = 'warrant_exercised' AND g.type = 'warrant_granted'
     AND g.event_id = json_extract({_P}, '$.tranche')
LEFT JOIN effective_events pf ON e.type = 'preferred_converted' AND pf.type = 'preferred_issued'
     AND pf.event_id = json_extract({_P}, '$.preferred')
WHERE e.type IN ('common_issued', 'preferred_issued', 'warrant_exercised', 'preferred_converted', 'shares_outstanding')
ORDER BY i.name, e.issuer_key, e.effective_date, e.day_rank, e.seq"""

# Each grant as granted (corrections applied); exercises, cancellations, vesting, expiry and splits
# are folded by `ledger replay` only.
WARRANT_TRANCHES = f"""CREATE VIEW warrant_tranches AS
SELECT i.name AS issuer, e.issuer_key, json_extract({_P}, '$.tranche') AS tranche, json_extract({_P}, '$.kind') AS kind,
       {_names(_P, 'holders')} AS holders, json_extract({_P}, '$.holders_description') AS holders_description,
       json_extract({_P}, '$.shares') AS shares, json_extract({_P}, '$.quantity_basis') AS quantity_basis,
       json_extract({_P}, '$.exercise_price') AS exercise_price, e.effective_date AS issued_on,
       json_extract({_P}, '$.expires_on') AS expires_on, e.event_id, e.stream AS filing,
       s.source_name AS source_file, e.corrected_by, e.seq
FROM effective_events e
JOIN issuers i ON i.issuer_key = e.issuer_key
LEFT JOIN streams s ON s.stream = e.stream
WHERE e.type = 'warrant_granted'
ORDER BY i.name, e.issuer_key, e.effective_date, e.day_rank, e.seq"""

# -- deals: the rows of `ledger export deals` (ledger/projections/deals.py `_deal`, ledger/export/deals.py) --
_AMOUNT, _PRICE = "json_extract(payload, '$.stated_amount')", "json_extract(payload, '$.conversion.fixed_price')"
_SP = f"length({_frac(_PRICE)})"
_SA = f"length({_frac(_AMOUNT)})"
# floor(amount / price) on integers: amount x 10^sp // (price x 10^sa); none for a price not above 0
# or an amount below 0 (ledger.projections.dilution.as_converted)
_AS_CONVERTED = (f"CASE WHEN {_scaled(_PRICE, _SP)} > 0 AND {_scaled(_AMOUNT, _SA)} >= 0 THEN "
                 f"{_scaled(_AMOUNT, _SA)} * {_ten_to(_SP)} / ({_scaled(_PRICE, _SP)} * {_ten_to(_SA)}) END")
# Decimal text as a set member: 1.50 and 1.5 are one price, as Decimals compare.
_PRICE_VALUE = ("CASE WHEN instr(json_extract(payload, '$.price'), '.') > 0 "
                "THEN rtrim(rtrim(json_extract(payload, '$.price'), '0'), '.') ELSE json_extract(payload, '$.price') END")
_OF_DEAL = "issuer_key = d.issuer_key AND filing = d.filing"
_WARRANT_OF_DEAL = f"{_OF_DEAL} AND type = 'warrant_granted'"
_FEE_OF_DEAL = f"{_OF_DEAL} AND type = 'fee_paid'"
_KIND_OF = "json_extract(payload, '$.kind')"
_CASH = "json_extract(payload, '$.cash')"
_CASH_BASIS = "COALESCE(json_extract(payload, '$.cash_basis'), 'stated')"
_ORDER = 1_000_000   # names in a list, or events in the replay of an issuer, below this many: a composite sort key

# One row per deal, as `ledger export deals` (without --as-of) gives them: a deal is the issuances of
# one filing that raise money (common or preferred sold for cash or for a kind not stated, notes), with
# the warrants and fees that filing reports; an 8-K/A's facts count under the filing it amends.
DEALS = f"""CREATE VIEW deals AS
WITH
amendment AS (   -- an 8-K/A and the filing it amends: its amends column, else same issuer and date of report
    SELECT a.stream, COALESCE(NULLIF(a.amends, ''), (
        SELECT o.stream FROM streams o
        WHERE o.issuer_key = a.issuer_key AND upper(o.form) = upper(substr(a.form, 1, length(a.form) - 2))
          AND o.report_date = a.report_date ORDER BY o.rowid LIMIT 1)) AS original
    FROM streams a WHERE upper(a.form) LIKE '%/A'
),
part AS (        -- what deals are made of, under the filing they count for; rn: the issuer's replay order
    SELECT e.issuer_key, COALESCE(am.original, e.stream) AS filing, e.stream, e.seq, e.type, e.effective_date,
           e.payload, row_number() OVER (PARTITION BY e.issuer_key ORDER BY e.effective_date, e.day_rank, e.seq) AS rn,
           -- a sale: a note, or common or preferred for cash or a kind not stated (totals.raises_money;
           -- a schema-1 issuance is read as one of those two, events/upcasters.py)
           (e.type = 'note_issued' OR (e.type IN ('common_issued', 'preferred_issued') AND
            COALESCE(json_extract(e.payload, '$.consideration_kind'), 'not_stated') IN ('cash', 'not_stated'))) AS sold
    FROM effective_events e LEFT JOIN amendment am ON am.stream = e.stream
    WHERE e.type IN ('common_issued', 'preferred_issued', 'note_issued', 'warrant_granted', 'fee_paid')
),
sale AS (SELECT * FROM part WHERE sold),
deal AS (        -- a filing with no sale is no deal; it is dated by its first sale, ordered by its first event
    SELECT issuer_key, filing, MIN(CASE WHEN sold THEN effective_date END) AS date, MIN(seq) AS first_seq
    FROM part GROUP BY issuer_key, filing HAVING MAX(sold)
),
figures AS (
    SELECT d.*,
           (SELECT group_concat(name, '; ') FROM (   -- the sales' securities, then the warrants sold with them
               SELECT name FROM (
                   SELECT CASE type WHEN 'preferred_issued' THEN json_extract(payload, '$.title')
                                    ELSE json_extract(payload, '$.security') END AS name, rn AS k
                   FROM sale WHERE {_OF_DEAL}
                   UNION ALL
                   SELECT json_extract(payload, '$.tranche'), {_ORDER} * {_ORDER} + rn FROM part
                   WHERE {_WARRANT_OF_DEAL} AND {_KIND_OF} NOT IN ('finder', 'placement_agent'))
               WHERE COALESCE(name, '') <> '' GROUP BY name ORDER BY MIN(k))) AS securities,
           (SELECT CASE WHEN COUNT(json_extract(payload, '$.shares')) = COUNT(*) THEN SUM(json_extract(payload, '$.shares')) END
            FROM sale WHERE {_OF_DEAL} AND type = 'common_issued') AS shares,
           (SELECT CASE WHEN COUNT(json_extract(payload, '$.price')) = COUNT(*) AND COUNT(DISTINCT {_PRICE_VALUE}) = 1
                        THEN (SELECT json_extract(f.payload, '$.price') FROM sale f
                              WHERE f.issuer_key = d.issuer_key AND f.filing = d.filing AND f.type = 'common_issued'
                              ORDER BY f.rn LIMIT 1) END
            FROM sale WHERE {_OF_DEAL} AND type = 'common_issued') AS price,
           {_exact_total(f"SELECT json_extract(payload, '$.consideration') AS x FROM sale WHERE {_OF_DEAL} "
                         "AND type <> 'note_issued' AND json_extract(payload, '$.consideration') IS NOT NULL")} AS gross_proceeds,
           (SELECT CASE WHEN COUNT(*) = 0 THEN 0 WHEN COUNT(json_extract(payload, '$.shares')) > 0
                        THEN SUM(json_extract(payload, '$.shares')) END   -- granted, none determined: unknown
            FROM part WHERE {_WARRANT_OF_DEAL} AND {_KIND_OF} IN ('investor', 'closing', 'adjustable')) AS warrant_shares,
           (SELECT CASE WHEN COUNT(json_extract(payload, '$.shares')) = COUNT(*) THEN COALESCE(SUM(json_extract(payload, '$.shares')), 0) END
            FROM part WHERE {_WARRANT_OF_DEAL} AND {_KIND_OF} = 'pre_funded') AS prefunded,
           EXISTS (SELECT 1 FROM sale WHERE {_OF_DEAL} AND type = 'common_issued') AS sold_common,
           (SELECT CASE WHEN COUNT(*) > 0 AND COUNT(n) = COUNT(*) THEN SUM(n) END FROM (
               SELECT {_AS_CONVERTED} AS n FROM sale WHERE {_OF_DEAL} AND type = 'preferred_issued')) AS as_converted,
           {_exact_total(f"SELECT {_CASH} AS x FROM part WHERE {_FEE_OF_DEAL} AND {_CASH} IS NOT NULL")} AS fees_cash,
           (SELECT CASE   -- undisclosed: cash paid, its amount not given (a fee of warrants alone is no cash fee)
                WHEN SUM({_CASH} IS NULL AND ({_CASH_BASIS} <> 'not_stated'
                                              OR NOT COALESCE(json_extract(payload, '$.warrants'), 0))) > 0 THEN 'undisclosed'
                WHEN SUM({_CASH} IS NOT NULL AND (COALESCE(json_extract(payload, '$.approximate'), 0)
                                                  OR {_CASH_BASIS} = 'approximate')) > 0 THEN 'approximate'
                WHEN COUNT({_CASH}) > 0 THEN 'stated' ELSE 'none' END
            FROM part WHERE {_FEE_OF_DEAL}) AS fees_basis,
           COALESCE(
               (SELECT group_concat(name, '; ') FROM (
                   SELECT n.value AS name FROM sale s,
                          json_each(s.payload, CASE s.type WHEN 'common_issued' THEN '$.buyers' ELSE '$.holders' END) n
                   WHERE s.issuer_key = d.issuer_key AND s.filing = d.filing AND COALESCE(n.value, '') <> ''
                   GROUP BY n.value ORDER BY MIN(s.rn * {_ORDER} + n.key))),
               (SELECT group_concat(v, '; ') FROM (SELECT v FROM (   -- else the descriptions of them
                   SELECT json_extract(payload, CASE type WHEN 'common_issued' THEN '$.buyers_description'
                                                          ELSE '$.holders_description' END) AS v, rn FROM sale WHERE {_OF_DEAL})
                WHERE COALESCE(v, '') <> '' GROUP BY v ORDER BY MIN(rn)))) AS investors,
           (SELECT group_concat(form, '; ') FROM (   -- the filing, then its 8-K/As, as the deal met them
               SELECT s.form FROM (SELECT d.filing AS stream, 0 AS k
                                   UNION ALL SELECT stream, MIN(rn) FROM part WHERE {_OF_DEAL} GROUP BY stream) x
               JOIN streams s ON s.stream = x.stream AND s.issuer_key = d.issuer_key
               GROUP BY s.form ORDER BY MIN(x.k))) AS form,
           (SELECT group_concat(source_name, '; ') FROM (
               SELECT s.source_name FROM (SELECT d.filing AS stream, 0 AS k
                                          UNION ALL SELECT stream, MIN(rn) FROM part WHERE {_OF_DEAL} GROUP BY stream) x
               JOIN streams s ON s.stream = x.stream AND s.issuer_key = d.issuer_key
               GROUP BY s.source_name ORDER BY MIN(x.k))) AS source
    FROM deal d
),
basis AS (       -- coverage is against the common sold with the pre-funded warrants, else the preferred as converted
    SELECT f.*, CASE WHEN sold_common THEN shares + prefunded ELSE as_converted END AS base FROM figures f
)
SELECT i.name AS issuer, b.date, b.securities, b.shares, b.price, b.gross_proceeds, b.warrant_shares,
       CASE WHEN b.warrant_shares IS NULL OR b.base IS NULL OR b.base = 0 THEN NULL ELSE (
           -- warrant shares / base x 100, to 0.01, half to even, on integers
           SELECT CAST(h / 100 AS TEXT) || '.' || printf('%02d', h % 100) FROM (
               SELECT q + (CASE WHEN 2 * r > base OR (2 * r = base AND q % 2 = 1) THEN 1 ELSE 0 END) AS h FROM (
                   SELECT b.warrant_shares * 10000 / b.base AS q, b.warrant_shares * 10000 % b.base AS r, b.base AS base)))
       END AS warrant_coverage_pct,
       b.fees_cash, b.fees_basis, b.investors, b.filing, b.form, b.source
FROM basis b
JOIN issuers i ON i.issuer_key = b.issuer_key
ORDER BY i.name, b.issuer_key, b.date, b.first_seq"""


VIEWS = (ISSUERS, EFFECTIVE_EVENTS, EVENT_LOG, CAP_TABLE_ROWS, WARRANT_TRANCHES, DEALS)
DROP_VIEWS = tuple(f"DROP VIEW IF EXISTS {name}" for name in reversed(VIEW_NAMES))   # constant names
