"""A pure function over many items in worker processes, its results handed back in input order.

The caller records each result as it comes (ingest appends in the order the files were given), so
at most ``4 * jobs`` items are out at once whatever the length of the input, and no more than a
budget of their weight (ingest: file sizes): memory stays bounded.
A worker that dies (a crash, the out-of-memory killer) breaks a ``ProcessPoolExecutor`` and every
item in it; the items that were out are then run again one at a time in a fresh pool, so only the
one that kills its worker fails. Workers ignore Ctrl-C: the main process decides, stops them and
lets the interrupt go on.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from ledger.errors import LedgerError

T = TypeVar("T")
R = TypeVar("R")
AHEAD = 4        # items out per worker: enough to keep every worker busy while the head is recorded


class WorkerDied(LedgerError):
    """The process running an item ended abruptly (it was killed, or crashed the interpreter)."""


def cores() -> int:
    """The cores this process may use (Python 3.13 counts CPU affinity; before it, every core)."""
    return (getattr(os, "process_cpu_count", None) or os.cpu_count)() or 1


def _context():
    # Not 'fork': the main process holds a database connection and the progress bar's thread. The
    # fork server starts clean once and forks each worker with the extractor already imported.
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["ledger.ingest"])
        return context
    return multiprocessing.get_context("spawn")


def _ignore_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _Pool:
    def __init__(self, jobs: int):
        self.jobs = jobs
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.jobs, mp_context=_context(), initializer=_ignore_interrupt)

    def submit(self, work: Callable[[T], R], item: T) -> Future:
        try:
            return self.executor.submit(work, item)
        except BrokenProcessPool as e:    # it broke since the last item: this one goes with the others
            broken: Future = Future()
            broken.set_exception(e)
            return broken

    def restart(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)   # a broken pool returns at once
        self.executor = self._start()

    def close(self, *, abandon: bool) -> None:
        """Wait for the workers to end; when the caller stopped early (Ctrl-C), end them now."""
        self.executor.shutdown(wait=not abandon, cancel_futures=True)
        if abandon:
            # Python 3.14 has Executor.kill_workers; before it the processes are only reachable here.
            kill = getattr(self.executor, "kill_workers", None)
            if kill is not None:
                kill()
            else:
                for process in list((getattr(self.executor, "_processes", None) or {}).values()):
                    process.kill()


def _result(future: Future, item, failed: Callable[[T, Exception], R]):
    try:
        return future.result()
    except BrokenProcessPool:
        raise
    except Exception as e:  # noqa: BLE001 - e.g. a result that cannot be pickled: that item fails, not the batch
        return failed(item, e)


def _alone(pool: _Pool, work: Callable[[T], R], item: T, failed: Callable[[T, Exception], R]) -> R:
    try:
        return _result(pool.submit(work, item), item, failed)
    except BrokenProcessPool:
        pool.restart()
        return failed(item, WorkerDied("could not be ingested: the worker process reading it ended abruptly (killed, or crashed)"))


def _recover(pool: _Pool, work: Callable[[T], R], pending: deque, failed: Callable[[T, Exception], R]) -> None:
    """The pool broke: settle every item that was out, running those the break took one at a time."""
    futures = [entry[1] for entry in pending if isinstance(entry[1], Future)]
    wait(futures)       # the executor fails every item it held; let it finish doing so
    pool.restart()
    for entry in pending:
        item, slot = entry[0], entry[1]
        if not isinstance(slot, Future):
            continue
        if isinstance(slot.exception(), BrokenProcessPool):
            entry[1] = _alone(pool, work, item, failed)
        else:
            entry[1] = _result(slot, item, failed)


def in_order(work: Callable[[T], R], items: Iterable[T], *, jobs: int, failed: Callable[[T, Exception], R],
             ready: Callable[[T], object | None] = lambda item: None,
             weight: Callable[[T], int] = lambda item: 0, budget: int = 0) -> Iterator[object]:
    """``work(item)`` for each item, yielded in input order. ``ready(item)``, called in this process
    as an item is reached, may give its result without a worker (None: it needs one). An item whose
    work raises, or whose worker dies, yields ``failed(item, exception)``. At most ``AHEAD * jobs``
    items are out at once and, with a ``budget``, no more once their ``weight`` reaches it (one item
    is always let out, however heavy). ``work`` must be picklable (a module-level function or a
    partial of one). One job runs everything here, and so does a system where worker processes
    cannot be started (no POSIX semaphores, for one)."""
    pool = None
    if jobs > 1:
        try:
            pool = _Pool(jobs)
        except (OSError, NotImplementedError, ImportError):
            pool = None
    if pool is None:
        for item in items:
            done = ready(item)
            if done is None:
                try:
                    done = work(item)
                except Exception as e:  # noqa: BLE001
                    done = failed(item, e)
            yield done
        return
    items = iter(items)
    pending: deque[list] = deque()     # [item, Future or its result, its weight], in input order
    out = 0                            # the weight of the items in pending
    finished = False
    try:
        while True:
            while (len(pending) < AHEAD * jobs and (not budget or not pending or out < budget)
                   and (item := next(items, _END)) is not _END):
                done = ready(item)
                heavy = weight(item) if done is None else 0
                pending.append([item, pool.submit(work, item) if done is None else done, heavy])
                out += heavy
            if not pending:
                finished = True
                return
            item, slot, _ = pending[0]
            if isinstance(slot, Future):
                try:
                    pending[0][1] = _result(slot, item, failed)
                except BrokenProcessPool:
                    _recover(pool, work, pending, failed)
            _, result, heavy = pending.popleft()
            out -= heavy
            yield result
    finally:
        pool.close(abandon=not finished)


_END = object()
