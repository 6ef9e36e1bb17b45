"""Verify in pieces: a large SQLite ledger's seq range cut into pieces that worker processes check
on their own, each row against its own stored prev_hash; verify.py stitches them in seq order.

A piece is found good only if each of its rows passes the fast check of the row-by-row walk
(verify.walk_rows), so whatever a piece takes as good the walk takes as good too. What a piece
cannot know alone (that its first row follows the previous piece's last, that each stream carries
on from the version reached before it) it hands back for the stitching to check. Anything else (a
bad row, a seam that does not join, a worker that failed or died) sends the walk through that
piece row by row, from the state the pieces before it reached: the report is the one a walk from
the first row would give.

The workers are plain processes of this interpreter (ledger.verify_piece), not a multiprocessing pool: they
import only the standard library (about 40 ms to start, against 300 ms and more for a pool, whose
workers import the store and the caller's main module), and a caller's script needs no
``__main__`` guard. This process checks the first piece itself while they start.
"""
from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator

from ledger.parallel import cores
from ledger.store.contract import Store
from ledger.store.verify import document_problem
from ledger.verify_piece import Piece, check_or_doubt, check_rows

PARALLEL_FROM = 50_000   # rows: a smaller ledger is checked faster than worker processes start
PIECES_PER_JOB = 4       # more pieces than workers: a slow worker holds up less, a bad piece re-walks less


def check(store: Store, after: int, through: int | None, watch: int | None) -> Piece | None:
    """The walk's fast check over one piece, in this process, through the store."""
    return check_rows(store.chain(after_seq=after, through_seq=through),
                      lambda payload: document_problem(store, payload) is None, after, watch)


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


def worker_command() -> list[str]:
    """This interpreter, importing as this process does (the same ``ledger``, wherever it is)."""
    return [sys.executable, "-c", f"import sys; sys.path[:] = {sys.path!r}; "
            "from ledger.verify_piece import serve; serve()"]


def _start(jobs: int) -> list[subprocess.Popen]:
    """Up to ``jobs`` workers; fewer (none) where processes cannot be started."""
    workers = []
    for _ in range(jobs):
        try:
            workers.append(subprocess.Popen(worker_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.DEVNULL))
        except OSError:
            break
    return workers


def _give(worker: subprocess.Popen, tasks: list, results: queue.Queue) -> None:
    """In a thread per worker: hand it its tasks, then collect its results as they come (so that
    no worker waits on a full pipe); None for each one it did not finish (it died)."""
    got = 0
    try:
        worker.stdin.write(pickle.dumps(tasks, protocol=pickle.HIGHEST_PROTOCOL))
        worker.stdin.close()
        while got < len(tasks):
            results.put(pickle.load(worker.stdout))
            got += 1
    except Exception:  # noqa: BLE001 - EOF, a broken pipe, a torn result: the rows are walked here
        pass
    for _ in range(len(tasks) - got):
        results.put(None)


def _in_workers(store: Store, location: str, ranges: list[tuple[int, int | None]], jobs: int,
                watch: int | None) -> Iterator[tuple[int, int | None, Piece | None]]:
    from ledger.store.sqlite import CHAIN_SQL, LAST_SEQ   # the store is a SQLite one: imported already
    workers = _start(min(jobs, len(ranges) - 1))
    rest = list(enumerate(ranges[1:]))
    mine = [[i for i, _ in rest[w::len(workers)]] for w in range(len(workers))]   # pieces dealt in turn
    results = [queue.Queue() for _ in workers]
    threads = []

    def task(after: int, through: int | None) -> tuple:
        return location, CHAIN_SQL, after, LAST_SEQ if through is None else through, store.chain_v2_from, watch

    for w, worker in enumerate(workers):
        tasks = [task(*ranges[1 + i]) for i in mine[w]]
        threads.append(threading.Thread(target=_give, args=(worker, tasks, results[w]), daemon=True))
        threads[-1].start()
    finished = False
    try:
        after, through = ranges[0]
        yield after, through, check_or_doubt(task(after, through))   # as a worker does, on a connection of its own
        for i, (after, through) in rest:
            yield after, through, results[i % len(workers)].get() if workers else None
        finished = True
    finally:
        for worker in workers:
            if not finished:   # stopped early (a bad row, Ctrl-C): end the workers now
                worker.kill()
            worker.wait()
        for thread in threads:
            thread.join()
