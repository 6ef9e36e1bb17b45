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


def decimal_sum(x: str, group: str) -> tuple[str, str]:
    """Columns for an exact sum of the decimal strings ``x`` per ``group``: the inner query's two
    window columns (``_n``: scaled to the group's most fraction digits; ``_s``: those digits) and
    the outer query's expression of the sum."""
    s = f"MAX(length({_frac(x)})) OVER (PARTITION BY {group})"
    return s, _unscaled("SUM(_n)", "MAX(_s)")


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
)
SELECT e.seq, e.event_id, e.stream, e.version, e.issuer_key, e.type,
       json_extract(COALESCE(c.payload, e.payload), '$.effective_date') AS effective_date,
       e.public_date, e.recorded_at, COALESCE(c.payload, e.payload) AS payload, e.quote,
       c.corrected_by, {DAY_RANK_SQL} AS day_rank
FROM events e LEFT JOIN corrected c ON c.target = e.event_id
WHERE e.event_id NOT IN (SELECT target FROM retraction WHERE target IS NOT NULL)
  AND e.stream NOT IN (SELECT stream FROM retracted_stream)
  AND NOT (e.type <> 'filing_recorded' AND EXISTS (
      SELECT 1 FROM restated r WHERE r.original = e.stream AND (
          r.item = '*'
          OR COALESCE(json_array_length(COALESCE(c.payload, e.payload), '$.reported_under'), 0) = 0
          OR r.item IN (SELECT u.value FROM json_each(COALESCE(c.payload, e.payload), '$.reported_under') u))))"""

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

_SUM_S, _SUM = decimal_sum("x", "stream")
_AMOUNT, _PRICE = "json_extract(payload, '$.stated_amount')", "json_extract(payload, '$.conversion.fixed_price')"
_SP = f"length({_frac(_PRICE)})"
_SA = f"length({_frac(_AMOUNT)})"
# floor(amount / price) on integers: amount x 10^sp // (price x 10^sa) (ledger.projections.dilution.as_converted)
_AS_CONVERTED = (f"{_scaled(_AMOUNT, _SA)} * {_ten_to(_SP)} / ({_scaled(_PRICE, _SP)} * {_ten_to(_SA)})")


def _exact_sum(rows: str) -> str:
    """The exact decimal sum of column ``x`` of ``rows`` (which also yields ``stream``), per stream."""
    return f"""(SELECT stream, {_SUM} AS total FROM (
        SELECT stream, {_scaled('x', '_s')} AS _n, _s FROM (SELECT stream, x, {_SUM_S} AS _s FROM ({rows}))
    ) GROUP BY stream)"""


# One row per filing stream that issued securities (the columns of `ledger export deals`).
DEALS = f"""CREATE VIEW deals AS
WITH
issue AS (
    SELECT e.* FROM effective_events e WHERE e.type IN ('common_issued', 'preferred_issued', 'note_issued')
),
common AS (SELECT * FROM issue WHERE type = 'common_issued'),
proceeds AS {_exact_sum(f"SELECT stream, json_extract(payload, '$.consideration') AS x FROM issue e "
                        f"WHERE e.type IN ('common_issued', 'preferred_issued') AND {_KIND.replace(_P, 'e.payload')} = 'cash' "
                        "AND json_extract(payload, '$.consideration') IS NOT NULL")},
fee AS (SELECT * FROM effective_events WHERE type = 'fee_paid'),
fees AS {_exact_sum("SELECT stream, json_extract(payload, '$.cash') AS x FROM fee WHERE json_extract(payload, '$.cash') IS NOT NULL")},
warrant AS (   -- warrants sold with the securities: not a finder's or a placement agent's
    SELECT * FROM effective_events
    WHERE type = 'warrant_granted' AND json_extract(payload, '$.kind') NOT IN ('finder', 'placement_agent')
),
names AS (
    SELECT e.stream, n.value AS name, MIN(e.seq * 1000 + CAST(n.key AS INTEGER)) AS k
    FROM issue e, json_each(e.payload, CASE e.type WHEN 'common_issued' THEN '$.buyers' ELSE '$.holders' END) n
    GROUP BY e.stream, n.value
),
deal AS (
    SELECT d.stream, MIN(d.effective_date) AS date, d.issuer_key,
           (SELECT group_concat(c, '; ') FROM (
               SELECT CASE x.type WHEN 'common_issued' THEN {_COMMON_CLASS.replace(_P, 'x.payload')}
                                  WHEN 'preferred_issued' THEN {_PREFERRED_CLASS.replace(_P, 'x.payload')}
                                  ELSE json_extract(x.payload, '$.security') END AS c
               FROM issue x WHERE x.stream = d.stream GROUP BY c ORDER BY MIN(x.seq))) AS securities,
           (SELECT CASE WHEN COUNT(*) = 0 OR COUNT(json_extract(payload, '$.shares')) < COUNT(*) THEN NULL
                        ELSE SUM(json_extract(payload, '$.shares')) END FROM common x WHERE x.stream = d.stream) AS shares,
           (SELECT CASE WHEN COUNT(DISTINCT json_extract(payload, '$.price')) = 1
                         AND COUNT(json_extract(payload, '$.price')) = COUNT(*) THEN MIN(json_extract(payload, '$.price')) END
            FROM common x WHERE x.stream = d.stream) AS price,
           (SELECT CASE WHEN COUNT(*) = 0 THEN 0
                        WHEN COUNT(json_extract(payload, '$.shares')) = 0 THEN NULL
                        ELSE SUM(json_extract(payload, '$.shares')) END FROM warrant w WHERE w.stream = d.stream) AS warrant_shares,
           (SELECT CASE WHEN COUNT(*) = 0 OR COUNT({_AMOUNT}) < COUNT(*) OR COUNT({_PRICE}) < COUNT(*) THEN NULL
                        ELSE SUM({_AS_CONVERTED}) END
            FROM issue x WHERE x.stream = d.stream AND x.type = 'preferred_issued') AS as_converted,
           (SELECT CASE WHEN COUNT(*) = 0 THEN 'none'
                        WHEN COUNT(json_extract(payload, '$.cash')) < COUNT(*) THEN 'undisclosed'
                        WHEN MAX(json_extract(payload, '$.approximate')) THEN 'approximate'
                        ELSE 'stated' END FROM fee f WHERE f.stream = d.stream) AS fees_basis,
           COALESCE((SELECT group_concat(name, '; ') FROM (SELECT name FROM names n WHERE n.stream = d.stream ORDER BY k)),
                    (SELECT json_extract(x.payload, CASE x.type WHEN 'common_issued' THEN '$.buyers_description'
                                                                ELSE '$.holders_description' END)
                     FROM issue x WHERE x.stream = d.stream ORDER BY x.seq LIMIT 1)) AS investors
    FROM issue d GROUP BY d.stream, d.issuer_key
),
basis AS (     -- coverage against the common sold, or for a preferred-only deal the preferred as converted
    SELECT deal.*, CASE WHEN shares IS NOT NULL THEN shares WHEN NOT EXISTS (
               SELECT 1 FROM common c WHERE c.stream = deal.stream) THEN as_converted END AS base
    FROM deal
)
SELECT i.name AS issuer, b.date, b.securities, b.shares, b.price, p.total AS gross_proceeds, b.warrant_shares,
       CASE WHEN b.warrant_shares IS NULL OR b.base IS NULL OR b.base = 0 THEN NULL ELSE (
           -- warrant shares / base x 100, to 0.01, half to even, on integers
           SELECT CAST(h / 100 AS TEXT) || '.' || printf('%02d', h % 100) FROM (
               SELECT q + (CASE WHEN 2 * r > base OR (2 * r = base AND q % 2 = 1) THEN 1 ELSE 0 END) AS h FROM (
                   SELECT b.warrant_shares * 10000 / b.base AS q, b.warrant_shares * 10000 % b.base AS r, b.base AS base)))
       END AS warrant_coverage_pct,
       f.total AS fees_cash, b.fees_basis, b.investors, b.stream AS filing, s.form, s.source_name AS source
FROM basis b
JOIN issuers i ON i.issuer_key = b.issuer_key
LEFT JOIN streams s ON s.stream = b.stream
LEFT JOIN proceeds p ON p.stream = b.stream
LEFT JOIN fees f ON f.stream = b.stream
ORDER BY i.name, b.issuer_key, b.date, b.stream"""

VIEWS = (ISSUERS, EFFECTIVE_EVENTS, EVENT_LOG, CAP_TABLE_ROWS, WARRANT_TRANCHES, DEALS)
DROP_VIEWS = tuple(f"DROP VIEW IF EXISTS {name}" for name in reversed(VIEW_NAMES))   # constant names
