"""PostgreSQL only: what needs a real server (triggers, roles, concurrent writers and readers,
the server's errors). The contract itself is tests/store/test_contract.py, run on every engine.

Skipped without LEDGER_PG_URL; `.ci/run` starts a throwaway server and sets it.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from events import CommonIssued, FilingRecorded, Issuer, Provenance, Quote
from events.envelope import Document, StreamInfo
from ledger.errors import AppendOnlyViolation, DuplicateStream, LedgerNotFound, StoreError
from ledger.store import open_store, verify
from ledger.store import postgres as pg
from tests.pg_support import connect, with_options

psycopg = pytest.importorskip("psycopg")
from psycopg import sql  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# -- filings -----------------------------------------------------------------------------------

ACME = Issuer("Acme Corp", "0001234567", "000-12345")
RAW = b"ACME CORP 8-K\r\nItem 3.02 Unregistered Sales of Equity Securities\r\n"
DOC = Document(hashlib.sha256(RAW).hexdigest(), "acme-8k.txt", RAW,
               "ACME CORP 8-K\nItem 3.02 Unregistered Sales of Equity Securities\n")
EVENTS_PER_FILING = 3


def stream_id(name: str) -> str:
    return "sha256:" + hashlib.sha256(name.encode()).hexdigest()


def filing(n: int, name: str | None = None) -> tuple[StreamInfo, list]:
    """Filing ``n``: its stream and three events (the filing and two sales)."""
    stream = stream_id(name or f"filing {n}")
    day = date(2021, 1, 1) + timedelta(days=n % 200)
    prov = Provenance(stream, (Quote(0, 10, "sold stock"),))
    events = [FilingRecorded(effective_date=day, provenance=prov, issuer=ACME, form="8-K", report_date=day,
                             signature_date=day, public_date=day, identity=stream.split(":")[1],
                             raw_sha256=DOC.raw_sha256, source_name=DOC.source_name)]
    events += [CommonIssued(effective_date=day, provenance=prov, shares=1000 + n + k, price=Decimal("1.25"),
                            consideration=Decimal("1.25") * (1000 + n + k), consideration_kind="cash", buyers=(), buyers_description=None)
               for k in range(EVENTS_PER_FILING - 1)]
    return StreamInfo(stream, ACME.cik, ACME, "8-K", day, DOC.source_name, DOC.raw_sha256), events


def append(store, n: int, name: str | None = None, **kw):
    info, events = filing(n, name)
    return store.append(info, events, DOC, **kw)


def whole_filings(stored) -> dict[str, list[int]]:
    """stream -> the versions seen; every filing must be all of its versions or none."""
    seen: dict[str, list[int]] = {}
    for e in stored:
        seen.setdefault(e.stream, []).append(e.version)
    return seen


def assert_gap_free_and_chained(store, filings: int) -> None:
    rows = list(store.rows())
    assert [r.seq for r in rows] == list(range(1, filings * EVENTS_PER_FILING + 1))
    report = verify(store)
    assert report.ok and report.checked == filings * EVENTS_PER_FILING, report
    # One filing, one transaction: a filing's events hold consecutive seqs, in version order.
    by_stream = {}
    for r in rows:
        by_stream.setdefault(r.stream, []).append((r.seq, r.version))
    for stream, pairs in by_stream.items():
        seqs = [s for s, _ in pairs]
        assert seqs == list(range(seqs[0], seqs[0] + EVENTS_PER_FILING)), stream
        assert [v for _, v in pairs] == list(range(1, EVENTS_PER_FILING + 1))


# -- isolation levels --------------------------------------------------------------------------

ISOLATIONS = ["read committed", "serializable", "serializable, kept by the store"]


@pytest.fixture(params=ISOLATIONS)
def isolated_url(request, pg_url, monkeypatch) -> str:
    """The ledger URL under each server default. In the last, the store keeps the server's
    SERIALIZABLE for its appends too, so only its retries keep the chain whole."""
    if request.param == "read committed":
        return pg_url
    if request.param == "serializable, kept by the store":
        monkeypatch.setattr(pg.PostgresStore, "write_isolation", None)
        monkeypatch.setattr(pg.PostgresStore, "write_attempts", 60)
        monkeypatch.setattr(pg.PostgresStore, "backoff", 0.005)
    return with_options(pg_url, "default_transaction_isolation=serializable")


# -- append-only -------------------------------------------------------------------------------

REFUSED = [
    "UPDATE events SET quote = 'changed'",
    "DELETE FROM events",
    "TRUNCATE events",
    "UPDATE streams SET form = '8-K/A'",
    "DELETE FROM streams",
    "TRUNCATE streams CASCADE",
    "UPDATE documents SET raw = 'x'::bytea",
    "DELETE FROM documents",
    "TRUNCATE documents",
    "DELETE FROM ledger_lock",
    "UPDATE ledger_lock SET id = 1",
    "UPDATE events SET quote = 'x' WHERE seq = -1",   # even when no row matches
]


@pytest.mark.parametrize("statement", REFUSED)
def test_the_tables_refuse_update_delete_and_truncate_even_through_a_raw_connection(pg_url, statement):
    with open_store(pg_url, create=True) as store:
        append(store, 1)
        head = store.head()
        with connect(pg_url) as conn:   # the table owner, outside the store
            with pytest.raises(psycopg.Error) as raised:
                conn.execute(statement)
        assert raised.value.sqlstate == pg.APPEND_ONLY_SQLSTATE
        translated = pg.translate(store.location, raised.value)
        assert isinstance(translated, AppendOnlyViolation)
        op = statement.split()[0]
        assert f"append-only: {op} on " in str(translated) and "\n" not in str(translated)
        assert store.head() == head and store.count() == EVENTS_PER_FILING
        assert verify(store).ok


# -- privileges --------------------------------------------------------------------------------

def grants(schema: str, writer: str, reader: str) -> list[sql.Composed]:
    """The grants the README documents: a writer may SELECT and INSERT (and lock the head row,
    which PostgreSQL counts as UPDATE privilege on ledger_lock; its trigger refuses any real
    UPDATE); a reader may only SELECT."""
    s, w, r = sql.Identifier(schema), sql.Identifier(writer), sql.Identifier(reader)
    return [
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}, {}").format(s, w, r),
        sql.SQL("GRANT SELECT, INSERT ON {}.events, {}.streams, {}.documents TO {}").format(s, s, s, w),
        sql.SQL("GRANT SELECT ON {}.meta TO {}").format(s, w),
        sql.SQL("GRANT SELECT, UPDATE ON {}.ledger_lock TO {}").format(s, w),
        sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(s, r),
    ]


def as_user(url: str, user: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{user}@{rest.split('@', 1)[1]}"


@pytest.fixture
def roles(pg_schema):
    base, schema = pg_schema
    tag = uuid.uuid4().hex[:8]
    writer, reader = f"ledger_writer_{tag}", f"ledger_reader_{tag}"
    with connect(base) as conn:
        for role in (writer, reader):
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    yield writer, reader
    with connect(base) as conn:
        for role in (writer, reader):
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_a_role_that_may_only_select_and_insert_appends_and_a_select_only_role_reads(pg_schema, pg_url, roles):
    base, schema = pg_schema
    writer, reader = roles
    with open_store(pg_url, create=True):   # the owner makes the tables
        pass
    with connect(base) as conn:
        for grant in grants(schema, writer, reader):
            conn.execute(grant)

    with open_store(as_user(pg_url, writer), create=True) as store:   # create on a ledger: only checks it
        for n in range(3):
            append(store, n)
        assert verify(store).ok
        # Snapshots, a cache, need CREATE and DELETE: without them, one ledger error, no driver error.
        from ledger.store.snapshots import Snapshot
        with pytest.raises(StoreError) as refused:
            store.put_snapshots("someone", store.head()[0], [Snapshot("someone", date(2021, 3, 1), 1, 1, None, False, b"x")])
        assert not isinstance(refused.value, psycopg.Error) and "\n" not in str(refused.value)
        assert store.snapshots("someone") == []
    with connect(as_user(pg_url, writer)) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE events SET quote = 'x'")
        with pytest.raises(psycopg.Error) as raised:   # granted, for the lock; refused by the trigger
            conn.execute("UPDATE ledger_lock SET id = 1")
        assert raised.value.sqlstate == pg.APPEND_ONLY_SQLSTATE

    with open_store(as_user(pg_url, reader), read_only=True) as store:
        assert [e.seq for e in store.read()] == list(range(1, 3 * EVENTS_PER_FILING + 1))
        assert len(list(store.streams(form="8-k"))) == 3
        assert store.document(DOC.raw_sha256) == DOC
        assert verify(store).ok
    with open_store(as_user(pg_url, reader)) as store:   # opened to write, but the role may not
        with pytest.raises(StoreError) as refused:
            append(store, 9)
        assert "lacks a privilege" in str(refused.value) and "\n" not in str(refused.value)
        assert store.count() == 3 * EVENTS_PER_FILING


# -- concurrent writers ------------------------------------------------------------------------

def run_threads(count: int, work) -> list[BaseException]:
    start, failures = threading.Barrier(count), []

    def body(i: int):
        try:
            start.wait()
            work(i)
        except BaseException as e:   # noqa: BLE001 - reported by the test
            failures.append(e)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return failures


def test_concurrent_writers_give_a_gap_free_seq_and_an_unbroken_chain(isolated_url, request):
    writers, each = 8, 4
    open_store(isolated_url, create=True).close()
    retries = []

    def write(i: int):
        with open_store(isolated_url) as store:
            for k in range(each):
                append(store, i * each + k)
            retries.append(store.retries)

    assert run_threads(writers, write) == []
    with open_store(isolated_url, read_only=True) as store:
        assert_gap_free_and_chained(store, writers * each)
        assert len(list(store.streams())) == writers * each
    if request.node.callspec.params["isolated_url"] != "serializable, kept by the store":
        # Writers queue on the head lock, and read the head only once they hold it: none of
        # them had to be tried again (without the lock, or at the server's SERIALIZABLE, they do).
        assert sum(retries) == 0, retries


def test_two_writers_racing_one_filing_record_it_once(isolated_url):
    open_store(isolated_url, create=True).close()
    for round_ in range(5):
        outcomes = []

        def write(i: int, round_=round_):
            with open_store(isolated_url) as store:
                try:
                    append(store, round_, name=f"raced {round_}")
                    outcomes.append("appended")
                except DuplicateStream:
                    outcomes.append("duplicate")

        assert run_threads(2, write) == []
        assert sorted(outcomes) == ["appended", "duplicate"], round_
    with open_store(isolated_url, read_only=True) as store:
        assert_gap_free_and_chained(store, 5)


def test_processes_creating_one_ledger_at_once_make_it_once(pg_url):
    stores = []

    def make(i: int):
        stores.append(open_store(pg_url, create=True))

    assert run_threads(4, make) == []
    for store in stores:
        store.close()
    with open_store(pg_url) as store:
        assert store.count() == 0 and store.head()[0] == 0


# -- readers -----------------------------------------------------------------------------------

def test_a_reader_streams_from_one_snapshot_and_never_waits_for_writers(pg_url, monkeypatch):
    monkeypatch.setattr(pg.PostgresStore, "itersize", 2)   # many round trips for a few rows
    with open_store(pg_url, create=True) as writer, open_store(pg_url, read_only=True) as reader:
        for n in range(3):
            append(writer, n)
        replay = reader.read()
        first = next(replay)
        # The reader holds a server-side cursor, fetching two rows at a time...
        with connect(pg_url) as conn:
            fetching = conn.execute("SELECT query FROM pg_stat_activity WHERE state = 'idle in transaction' "
                                    "AND query LIKE 'FETCH FORWARD 2 FROM%%'").fetchall()
        assert len(fetching) == 1
        for n in range(3, 6):   # ...and writers go on meanwhile
            append(writer, n)
        rest = list(replay)
        seen = whole_filings([first, *rest])
        assert len(seen) == 3 and all(v == [1, 2, 3] for v in seen.values())
        assert len(list(reader.read())) == 6 * EVENTS_PER_FILING


def test_readers_racing_writers_see_only_whole_filings(pg_url, monkeypatch):
    monkeypatch.setattr(pg.PostgresStore, "itersize", 1)
    open_store(pg_url, create=True).close()
    done, failures, snapshots = threading.Event(), [], []

    def write():
        try:
            with open_store(pg_url) as store:
                for n in range(20):
                    append(store, n)
        except BaseException as e:   # noqa: BLE001
            failures.append(e)
        finally:
            done.set()

    thread = threading.Thread(target=write)
    thread.start()
    with open_store(pg_url, read_only=True) as reader:
        while not done.is_set() or not snapshots:
            snapshots.append(whole_filings(reader.read()))
            snapshots.append(whole_filings(reader.log()))
    thread.join()
    assert failures == []
    assert len(snapshots) > 2
    for seen in snapshots:
        assert all(v == list(range(1, EVENTS_PER_FILING + 1)) for v in seen.values()), seen


# -- the same bytes as SQLite --------------------------------------------------------------------

def test_rows_and_hashes_are_the_bytes_sqlite_stores(pg_url, tmp_path):
    at = "2024-01-02T03:04:05.000006Z"
    with open_store(pg_url, create=True) as server, open_store(tmp_path / "l.db", create=True) as file:
        for store in (server, file):
            for n in range(4):
                append(store, n, recorded_at=at)
        assert list(server.rows()) == list(file.rows())
        assert server.head() == file.head()
        assert list(server.read(as_of=date(2021, 1, 3))) == list(file.read(as_of=date(2021, 1, 3)))
        assert list(server.streams()) == list(file.streams())


# -- opening and errors --------------------------------------------------------------------------

def test_an_empty_schema_is_not_a_ledger_until_created(pg_url):
    with pytest.raises(LedgerNotFound) as missing:
        open_store(pg_url)
    assert "no ledger database here" in str(missing.value)


def test_a_schema_of_other_tables_is_not_a_ledger(pg_url):
    with connect(pg_url) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(StoreError, match="not a ledger database"):
        open_store(pg_url, create=True)


def test_a_ledger_of_a_newer_release_is_refused(pg_url):
    open_store(pg_url, create=True).close()
    with connect(pg_url) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match=r"newer release \(schema 99\)"):
        open_store(pg_url, read_only=True)


def test_a_missing_database_is_named(pg_url):
    base, _, query = pg_url.partition("?")
    url = base.rsplit("/", 1)[0] + "/no_such_ledger?" + query
    with pytest.raises(StoreError) as missing:
        open_store(url)
    assert "the database no_such_ledger does not exist" in str(missing.value)


def test_an_unknown_role_is_refused_in_one_line(pg_url):
    with pytest.raises(StoreError) as refused:
        open_store(as_user(pg_url, "nobody_" + uuid.uuid4().hex[:6]))
    assert "refused the login" in str(refused.value) and "\n" not in str(refused.value)


def test_a_server_that_is_not_there_is_one_line_naming_the_location(pg_url):
    info = psycopg.conninfo.conninfo_to_dict(pg_url)
    url = pg_url.replace(f"port={info['port']}", "port=1")
    with pytest.raises(StoreError) as down:
        open_store(url)
    message = str(down.value)
    assert message.startswith(pg.redacted(url)) and "cannot connect" in message and "\n" not in message
    # Through the CLI, as a real process: one line on stderr, exit 2, no traceback.
    done = subprocess.run([sys.executable, "-c", "from cli.app import main; main()", "--db", url, "verify"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "cannot connect" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_without_psycopg_the_message_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(pg, "psycopg", None)
    with pytest.raises(StoreError) as missing:
        open_store("postgresql://nobody@nowhere/ledger")
    assert str(missing.value) == "PostgreSQL needs the postgres extra: pip install -e '.[postgres]'"


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql://ana:s3cret@db.example:5432/ledger", "postgresql://ana@db.example:5432/ledger"),
    ("postgresql://ana@db.example/ledger?password=s3cret&sslmode=require",
     "postgresql://ana@db.example/ledger?sslmode=require"),
    ("postgresql://ana@/ledger?host=/tmp/s&port=5999", "postgresql://ana@/ledger?host=/tmp/s&port=5999"),
])
def test_the_location_never_shows_the_password(url, shown):
    assert pg.redacted(url) == shown


# -- schema 5: the type index holds only the types looked up among every row ----------------------

def type_index(url: str) -> str:
    with connect(url) as conn:
        return conn.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'events_type' "
                            "AND schemaname = current_schema()").fetchone()[0]


def test_a_schema_4_ledger_gets_the_partial_type_index_and_lookups_use_it(pg_url):
    with open_store(pg_url, create=True) as store:
        append(store, 1)
    with connect(pg_url) as conn:   # as schema 4 left it: every row indexed by type
        conn.execute("DROP INDEX events_type")
        conn.execute("CREATE INDEX events_type ON events (type)")
        conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    assert "WHERE" not in type_index(pg_url)
    with open_store(pg_url) as store:
        assert store.migrated_from == 4 and verify(store).ok
        append(store, 2)
        assert [s.type for s in store.log(types=["event_retracted"])] == []
        assert len(list(store.log(types=[CommonIssued.TYPE]))) == 2 * (EVENTS_PER_FILING - 1)
    assert "WHERE (type = ANY (ARRAY['balance_assertion'::text, 'event_corrected'::text, 'event_retracted'::text]))" \
        in type_index(pg_url)
    with connect(pg_url) as conn:
        conn.execute("SET enable_seqscan = off")   # a table this small is otherwise scanned
        for sql_, params in (pg.read_sql(types=["event_retracted"]), pg.read_sql(types=["event_corrected", "event_retracted"])):
            plan = " ".join(r[0] for r in conn.execute("EXPLAIN " + sql_, params))
            assert "events_type" in plan, plan
