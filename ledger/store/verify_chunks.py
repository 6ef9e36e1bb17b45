"""Verify in pieces: a large SQLite ledger's seq range cut into pieces that worker processes check
on their own, each row against its own stored prev_hash; verify.py stitches them in seq order.

A piece is found good only if each of its rows passes the fast check of the row-by-row walk
(verify.walk_rows), so whatever a piece takes as good the walk takes as good too. What a piece
cannot know alone (that its first row follows the previous piece's last, that each stream carries
on from the version reached before it) it hands back for the stitching to check. Anything else (a
bad row, a seam that does not join, a worker that failed or died) sends the walk through that
piece row by row, from the state the pieces before it reached: the report is the one a walk from
the first row would give.

This process checks the first piece itself while the workers start (a fork server, as ingest's
workers, importing in the background), then takes the others' results in order.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import NamedTuple

from ledger.parallel import cores
from ledger.store.contract import Store
from ledger.store.verify import document_problem

PARALLEL_FROM = 50_000   # rows: a smaller ledger is checked faster than worker processes start
PIECES_PER_JOB = 4       # more pieces than workers: a slow worker holds up less, a bad piece re-walks less


class Piece(NamedTuple):
    """The rows after_seq < seq <= through_seq, found good on their own (None is returned instead
    when any is in doubt)."""

    count: int
    documents: int
    first_seq: int | None
    first_prev: str | None
    last_seq: int | None
    last_hash: str | None
    first_versions: dict[str, int]   # stream -> its first version in the piece
    last_versions: dict[str, int]    # stream -> its last version in the piece
    watched: str | None              # the hash of the watched row, if the piece holds it


def check(store: Store, after: int, through: int | None, watch: int | None) -> Piece | None:
    """The walk's fast check over one piece, each row against its own stored prev_hash, each
    stream from its first version here; None at the first row in doubt."""
    first_versions: dict[str, int] = {}
    versions: dict[str, int] = {}
    sha256, last_version = hashlib.sha256, versions.get
    count = documents = 0
    first_seq = first_prev = prev_hash = watched = None
    prev_seq = after
    try:
        for seq, stream, version, id_ok, stored_prev, stored_hash, hashed, filing_payload in store.chain(
                after_seq=after, through_seq=through):
            if first_seq is None:   # the stitching checks that this row follows the piece before
                first_seq, first_prev, prev_seq, prev_hash = seq, stored_prev, seq - 1, stored_prev
            known = last_version(stream)
            if known is None:       # the stitching checks that this version follows the one before
                first_versions[stream] = version
            if not (seq == prev_seq + 1 and stored_prev == prev_hash and id_ok and hashed is not None
                    and sha256(hashed).hexdigest() == stored_hash and (known is None or version == known + 1)):
                return None
            if filing_payload is not None:
                if document_problem(store, filing_payload) is not None:
                    return None
                documents += 1
            count, prev_seq, prev_hash = count + 1, seq, stored_hash
            versions[stream] = version
            if seq == watch:
                watched = stored_hash
    except (TypeError, ValueError, AttributeError):   # a row no writer of ours made: the walk says which
        return None
    return Piece(count, documents, first_seq, first_prev, prev_seq if count else None, prev_hash,
                 first_versions, versions, watched)


def check_at(task: tuple[str, int, int | None, int | None]) -> Piece | None:
    """``check`` in a worker process, on its own read-only connection to the ledger file."""
    from ledger.store.sqlite import SQLiteStore
    location, after, through, watch = task
    store = SQLiteStore.open(location, read_only=True)
    try:
        return check(store, after, through, watch)
    finally:
        store.close()


def bounds(last_seq: int, pieces: int) -> list[tuple[int, int | None]]:
    """``pieces`` consecutive (after, through] ranges over 1..last_seq; the last one open-ended, so
    rows appended meanwhile are checked too."""
    size = max(1, -(-last_seq // pieces))
    cuts = list(range(0, last_seq, size))
    return [(after, after + size) for after in cuts[:-1]] + [(cuts[-1] if cuts else 0, None)]


def pieces(store: Store, jobs: int | None, watch: int | None, *, piece_rows: int | None = None,
           in_process: bool = False) -> Iterator[tuple[int, int | None, Piece | None]]:
    """(after, through, piece) in seq order, over the whole ledger; piece None: walk those rows
    one by one. One job, a small ledger, or an engine other than a SQLite file: a single None
    for everything. ``piece_rows`` and ``in_process`` (every piece checked here) are for tests."""
    jobs = cores() if jobs is None else jobs
    location = _sqlite_file(store)
    last_seq = store.head()[0] if location is not None or in_process else 0
    if not in_process and (jobs <= 1 or location is None or last_seq < PARALLEL_FROM):
        yield 0, None, None
        return
    ranges = bounds(last_seq, -(-last_seq // piece_rows) if piece_rows else PIECES_PER_JOB * jobs + 1)
    if in_process:
        for after, through in ranges:
            yield after, through, check(store, after, through, watch)
        return
    yield from _in_workers(store, location, ranges, jobs, watch)


def _sqlite_file(store: Store) -> str | None:
    engine = sys.modules.get("ledger.store.sqlite")   # imported already if the store is one
    if engine is not None and type(store) is engine.SQLiteStore and store.location != ":memory:":
        return os.path.abspath(store.location)
    return None


def _ignore_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the main process decides, and stops the workers


def _context():
    # As ingest (ledger/parallel.py): not 'fork', whose child would inherit this process's open
    # SQLite connection. The fork server starts now and imports while the first piece is checked.
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["__main__", __name__, "ledger.store.sqlite"])
        from multiprocessing import forkserver
        forkserver.ensure_running()
        return context
    return multiprocessing.get_context("spawn")


def _in_workers(store: Store, location: str, ranges: list[tuple[int, int | None]], jobs: int,
                watch: int | None) -> Iterator[tuple[int, int | None, Piece | None]]:
    executor = None
    futures: list[Future | None] = [None] * len(ranges)
    try:
        executor = ProcessPoolExecutor(min(jobs, len(ranges) - 1), mp_context=_context(),
                                       initializer=_ignore_interrupt)
    except (OSError, NotImplementedError, ImportError, ValueError):   # no worker can start here: walk
        executor = None
    finished = False
    try:
        after, through = ranges[0]
        yield after, through, check(store, after, through, watch)
        if executor is not None:
            for i, (after, through) in enumerate(ranges[1:], 1):
                try:
                    futures[i] = executor.submit(check_at, (location, after, through, watch))
                except Exception:  # noqa: BLE001 - a pool that broke or cannot start: those rows are walked here
                    break
        for i, (after, through) in enumerate(ranges[1:], 1):
            piece = None
            if futures[i] is not None:
                try:
                    piece = futures[i].result()
                except Exception:  # noqa: BLE001 - a worker that failed or died: its rows are walked here
                    piece = None
            yield after, through, piece
        finished = True
    finally:
        if executor is not None:
            executor.shutdown(wait=finished, cancel_futures=True)
            if not finished:   # stopped early (a bad row, Ctrl-C): end the workers now
                for process in list((getattr(executor, "_processes", None) or {}).values()):
                    process.kill()
