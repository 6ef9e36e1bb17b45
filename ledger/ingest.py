"""Files to streams: read, extract, append. A filing is wholly in the ledger or not at all; a batch
ingest commits several filings per transaction (``Batching``).

Problems are collected as values (one Outcome a file), never raised mid-batch: the caller, the
CLI, decides what to print and which exit code they mean.
"""
from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path

import attrs

from events import BalanceAssertion, Event, EventRetracted, FilingRecorded
from ledger.errors import BadInput, DuplicateStream, LedgerError
from ledger.amendments import find_original
from ledger.extract import NotAFiling, extract, plausible
from ledger.extract.explain import explain as explain_extraction
from ledger.intake import MAX_BYTES, Filing, read_filing
from ledger.keys import issuer_key  # noqa: F401 - also imported from here by callers
from ledger.parallel import in_order
from ledger.recaps import Telling, marks, tellings_in_ledger, tellings_of, window
from events.envelope import Document, StreamInfo
from ledger.store import Store


@attrs.frozen
class Outcome:
    path: str
    status: str                      # appended | duplicate | failed | dry-run
    stream: str | None = None
    events: tuple[Event, ...] = ()
    appended: int = 0
    warnings: tuple[str, ...] = ()
    error: str | None = None
    # Why each event reads as it does (ledger.extract.explain), when a dry run asked for it.
    explanations: tuple = attrs.field(default=(), eq=False, repr=False)

    @property
    def financing(self) -> bool:
        # A periodic report's cover balance is no financing; nor is a mark on another filing's telling.
        return any(not isinstance(e, (FilingRecorded, BalanceAssertion, EventRetracted)) for e in self.events)


def stream_info(filing: Filing, head: FilingRecorded) -> StreamInfo:
    return StreamInfo(
        stream=filing.stream, issuer_key=issuer_key(head.issuer), issuer=head.issuer, form=head.form,
        public_date=head.public_date, source_name=filing.path.name, raw_sha256=filing.raw_sha256)


def _failure(path: Path | str, e: Exception) -> str:
    """The one line a file's failure is reported as."""
    if isinstance(e, BadInput):
        return str(e)
    if isinstance(e, LedgerError):
        return f"{path}: {e}"
    return f"{path}: could not be ingested ({type(e).__name__}: {e})"


@attrs.frozen
class Extracted:
    """One file read and extracted, with no store touched: what a worker process hands back to the
    process that records it. ``filing`` is None when the file could not be read as a filing; with a
    filing and an ``error``, extraction refused it (the duplicate checks still come first)."""

    path: str
    filing: Filing | None = None
    events: tuple[Event, ...] = ()
    warnings: tuple[str, ...] = ()
    explanations: tuple = ()
    error: str | None = None


def extract_file(path: Path, *, explain: bool = False) -> Extracted:
    """Read and extract one file: pure, so it can run in a worker process. Never raises."""
    try:
        filing = read_filing(path)
    except Exception as e:  # noqa: BLE001 - a batch goes on past one bad file, and never shows a traceback
        return Extracted(str(path), error=_failure(path, e))
    try:
        try:
            result = extract(filing.normalised, stream=filing.stream, raw_sha256=filing.raw_sha256,
                             source_name=path.name, header=filing.header, cover_facts=filing.cover_facts)
        except NotAFiling as e:
            raise BadInput(path, str(e)) from None
        warnings = filing.warnings + result.warnings + plausible.check(filing.normalised, result.events, path)
        return Extracted(str(path), filing, result.events, warnings,
                         explain_extraction(result) if explain else ())
    except Exception as e:  # noqa: BLE001
        return Extracted(str(path), filing, error=_failure(path, e))


def raw_sha256(path: Path) -> str | None:
    """The sha256 of a regular file's bytes, or None when it is not one a filing can be read from
    (intake then says why)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return None
        with path.open("rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


# -- what touches the store: the duplicate checks, amendment matching and the append ---------------

def known_bytes(store: Store, path: Path) -> Outcome | None:
    """A duplicate known from the file's bytes alone, before anything reads it as a filing, so a
    folder ingested again costs a hash a file. None when the bytes are new (or the check cannot
    tell: ``record`` checks again and reports)."""
    sha = raw_sha256(path)
    try:
        earlier = next(store.streams(raw_sha256=sha), None) if sha is not None else None
    except LedgerError:
        return None
    return Outcome(str(path), "duplicate", earlier.stream) if earlier is not None else None


@attrs.frozen
class Ready:
    """A filing that passed every check and waits for its append (alone, or in a batch)."""

    extracted: Extracted
    info: StreamInfo
    events: tuple[Event, ...]
    document: Document

    def appended(self, stored: list) -> Outcome:
        return Outcome(self.extracted.path, "appended", self.info.stream, self.events, len(stored),
                       self.extracted.warnings)

    def failed(self, e: Exception) -> Outcome:
        if isinstance(e, DuplicateStream):
            return Outcome(self.extracted.path, "duplicate", e.stream)
        return Outcome(self.extracted.path, "failed", error=_failure(Path(self.extracted.path), e))


@attrs.define
class Pending:
    """Filings checked but not yet appended: what a batch holds. Its streams and bytes count as in
    the ledger for the duplicate checks of the files after them."""

    ready: list[Ready] = attrs.Factory(list)
    streams: dict[str, str] = attrs.Factory(dict)     # stream -> raw_sha256
    raws: dict[str, str] = attrs.Factory(dict)        # raw_sha256 -> stream
    events: int = 0
    size: int = 0

    def add(self, ready: Ready) -> None:
        self.ready.append(ready)
        self.streams[ready.info.stream] = ready.info.raw_sha256
        self.raws.setdefault(ready.info.raw_sha256, ready.info.stream)
        self.events += len(ready.events)
        self.size += len(ready.document.raw) + len(ready.document.normalised)


def check(store: Store | None, extracted: Extracted, *, dry_run: bool = False,
          pending: Pending | None = None) -> Outcome | Ready:
    """The duplicate checks and amendment matching of one extracted filing, against the ledger and
    the filings ``pending`` in a batch: its Outcome when it is not to be appended, else Ready."""
    path, filing = Path(extracted.path), extracted.filing
    try:
        if filing is None:
            return Outcome(extracted.path, "failed", error=extracted.error)
        same = next(store.streams(stream=filing.stream), None) if store is not None else None
        known = same.raw_sha256 if same is not None else None
        if known is None and pending is not None:
            known = pending.streams.get(filing.stream)
        if known is not None:
            if known != filing.raw_sha256 and filing.header and filing.header.accession:
                raise BadInput(path, f"accession {filing.header.accession} is already in the ledger with different "
                                     "content; refusing to overwrite it")
            return Outcome(extracted.path, "duplicate", filing.stream)
        # The same bytes under another stream: a filing without an accession number, recorded by
        # an earlier release whose normalised text (so its sha256 identity) differed. Counted once.
        earlier = next(store.streams(raw_sha256=filing.raw_sha256), None) if store is not None else None
        if earlier is not None:
            return Outcome(extracted.path, "duplicate", earlier.stream)
        if pending is not None and filing.raw_sha256 in pending.raws:
            return Outcome(extracted.path, "duplicate", pending.raws[filing.raw_sha256])
        if extracted.error is not None:
            return Outcome(extracted.path, "failed", error=extracted.error)
        events = extracted.events
        head = events[0]
        assert isinstance(head, FilingRecorded)
        if store is not None and head.form.upper().endswith("/A"):   # the caller appended any batch first
            original = find_original(store, issuer_key(head.issuer), head.form, head.report_date)
            if original:
                head = attrs.evolve(head, amends=original)
                events = (head, *events[1:])
        if store is not None:
            events = (*events, *marks(filing.stream, events, _earlier_tellings(store, issuer_key(head.issuer), events,
                                                                             pending)))
        if dry_run:
            return Outcome(extracted.path, "dry-run", filing.stream, events, warnings=extracted.warnings,
                           explanations=extracted.explanations)
        document = Document(filing.raw_sha256, path.name, filing.raw, filing.normalised)
        return Ready(extracted, stream_info(filing, head), tuple(events), document)
    except DuplicateStream as e:
        return Outcome(extracted.path, "duplicate", e.stream)
    except Exception as e:  # noqa: BLE001 - a batch goes on past one bad file, and never shows a traceback
        return Outcome(extracted.path, "failed", error=_failure(path, e))


def _earlier_tellings(store: Store, key: str, events, pending: Pending | None) -> list[Telling]:
    """The issuer's issuances that count, in the ledger and in the batch before this filing; none
    read when the filing reports no issuance."""
    between = window(events)
    if between is None:
        return []
    out = list(tellings_in_ledger(store, key, between))
    for r in pending.ready if pending is not None else ():
        if r.info.issuer_key == key:
            gone = {e.target for e in r.events if isinstance(e, EventRetracted)}
            out = [t for t in out if t.event_id not in gone]
            out += [t for t in tellings_of(r.info.stream, r.events) if t.event_id not in gone]
    return out


def record(store: Store | None, extracted: Extracted, *, dry_run: bool = False) -> Outcome:
    """Append one extracted filing: one transaction, in the process that holds the store. Without a
    store (a dry run) only the Outcome is built."""
    checked = check(store, extracted, dry_run=dry_run)
    return checked if isinstance(checked, Outcome) else _append_one(store, checked)


def _append_one(store: Store, ready: Ready) -> Outcome:
    try:
        return ready.appended(store.append(ready.info, ready.events, ready.document))
    except Exception as e:  # noqa: BLE001 - a batch goes on past one bad file, and never shows a traceback
        return ready.failed(e)


def append_batch(store: Store, batch: list[Ready]) -> list[Outcome]:
    """The filings of a batch in one transaction (``store.append_many``), each whole or absent; one
    that fails alone is reported alone. Should the transaction itself fail (a lock held too long, a
    full disk), each filing is tried again in a transaction of its own, so it says why it failed."""
    if len(batch) == 1:
        return [_append_one(store, batch[0])]
    try:
        results = store.append_many([(r.info, r.events, r.document, None) for r in batch])
    except Exception:  # noqa: BLE001 - nothing of the batch was written: each filing is tried alone
        return [_append_one(store, r) for r in batch]
    return [r.failed(out) if isinstance(out, Exception) else r.appended(out) for r, out in zip(batch, results, strict=True)]


def ingest_file(store: Store | None, path: Path, *, dry_run: bool = False, explain: bool = False) -> Outcome:
    """One filing, in this process. With ``explain`` (a dry run only) the Outcome also carries why
    each event reads as it does."""
    if store is not None and (duplicate := known_bytes(store, path)) is not None:
        return duplicate
    return record(store, extract_file(path, explain=explain), dry_run=dry_run)


FULL_SUBMISSION = "full-submission.txt"   # sec-edgar-downloader's name for the whole filing
# What a filing file is called: EDGAR full submissions and bodies (.txt), feed files (.nc), HTML.
FILING_SUFFIXES = frozenset({".txt", ".htm", ".html", ".xhtml", ".nc", ".sgm", ".sgml", ".pem"})
_SNIFF = re.compile(rb"<SEC-DOCUMENT>|<SEC-HEADER>|<SUBMISSION>|<html|SECURITIES\s+AND\s+EXCHANGE\s+COMMISSION"
                    rb"|\bFORM\s+8-K\b", re.I)


@attrs.frozen
class Skipped:
    """A file in a walked folder that is not a filing (a README.md, a .json, .DS_Store): noted, not failed."""

    path: Path
    reason: str

    def line(self) -> str:
        return f"{self.path}: {self.reason}; skipped"


def _not_a_filing(path: Path) -> str | None:
    """Why a file met while walking a folder is not a filing, or None when it may be one. Decided by
    the name's extension; a file without one by its first bytes."""
    if path.name.startswith("."):
        return "a hidden file, not a filing"
    suffix = path.suffix.lower()
    if suffix in FILING_SUFFIXES:
        return None
    if suffix:
        return f"not a filing ({suffix} file)"
    try:
        with path.open("rb") as f:
            head = f.read(64 * 1024)
    except OSError:
        return None          # reading it will report why
    return None if _SNIFF.search(head) else "not a filing (no extension, and no SEC header, HTML or 8-K cover in it)"


def expand(paths: Iterable[Path], skipped: list[Skipped] | None = None) -> Iterator[Path]:
    """Files as given; folders walked in name order, hidden folders skipped. In a folder that
    holds sec-edgar-downloader's full-submission.txt, the other files (the primary document
    again, as HTML) are the same filing and are skipped. Other files in a walked folder that are
    not filings (README.md, a .json, .DS_Store) are left out and, when ``skipped`` is given,
    listed there; a file named explicitly is always yielded, so that a non-filing named on the
    command line is reported as a failure. An empty folder is yielded as itself, so that it is
    reported."""
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        found = False
        for folder, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            folder = Path(folder)
            names = [FULL_SUBMISSION] if FULL_SUBMISSION in files else sorted(files)
            for name in names:
                why = _not_a_filing(folder / name)
                if why is not None:
                    if skipped is not None:
                        skipped.append(Skipped(folder / name, why))
                    continue
                found = True
                yield folder / name
        if not found:
            yield path


@attrs.define
class Summary:
    """What a batch did, for the closing report."""

    read: int = 0
    appended: int = 0
    duplicates: int = 0
    no_financing: int = 0
    failed: list[str] = attrs.Factory(list)
    skipped: int = 0          # files in walked folders that are not filings

    def add(self, outcome: Outcome) -> None:
        if outcome.status == "failed":
            self.failed.append(outcome.error)
            return
        self.read += 1
        self.appended += outcome.appended
        self.duplicates += outcome.status == "duplicate"
        self.no_financing += outcome.status != "duplicate" and not outcome.financing

    def line(self) -> str:
        return (f"{self.read} filing(s) read, {self.appended} event(s) appended, {self.duplicates} duplicate(s) skipped, "
                f"{self.no_financing} with no financing facts, {len(self.failed)} failed"
                + (f", {self.skipped} non-filing(s) skipped" if self.skipped else ""))


# Files out in workers at once, by size: a filing comes back as its bytes, its text and its events
# (about four times its size), so this keeps a batch of large filings to some hundreds of MB.
AHEAD_BYTES = 128 * 1024 * 1024


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _worker_failed(path: Path, e: Exception) -> Extracted:
    return Extracted(str(path), error=_failure(path, e))


@attrs.frozen
class Batching:
    """How many filings ``ingest`` commits in one transaction: up to ``filings`` filings, ``events``
    events or ``size`` bytes of filing text, whichever comes first. ``filings=1``: one each."""

    filings: int = 64
    events: int = 10_000
    size: int = 32 * 1024 * 1024

    def full(self, pending: Pending) -> bool:
        return len(pending.ready) >= self.filings or pending.events >= self.events or pending.size >= self.size


def _is_amendment(item) -> bool:
    return (isinstance(item, Extracted) and bool(item.events) and isinstance(item.events[0], FilingRecorded)
            and item.events[0].form.upper().endswith("/A"))


def ingest(store: Store | None, paths: Iterable[Path], *, dry_run: bool = False, explain: bool = False,
           jobs: int = 1, worker: Callable[..., Extracted] = extract_file,
           batching: Batching = Batching()) -> Iterator[Outcome]:
    """Each file's Outcome, in input order. With ``jobs`` > 1 files are read and extracted in that
    many worker processes; the duplicate checks, amendment matching and appends stay here, in input
    order, so the ledger is the same as with one job. A file whose bytes are already in the ledger
    is not sent to a worker. ``worker`` (``extract_file`` unless a test swaps it) must be picklable.

    Filings are appended in batches (``batching``), several per transaction, each filing whole or
    absent after a crash; the Outcomes of a batch come once it is committed. An amendment is matched
    to its original only after the batch before it is committed, so it finds an original in it."""
    ready = (lambda path: known_bytes(store, path)) if store is not None else (lambda path: None)
    pending = Pending()
    queue: list[Outcome | Ready] = []      # the Outcomes held back until their batch is committed

    def flush() -> Iterator[Outcome]:
        nonlocal pending, queue
        done = iter(append_batch(store, pending.ready)) if pending.ready else iter(())
        out = [next(done) if isinstance(item, Ready) else item for item in queue]
        pending, queue = Pending(), []
        yield from out

    for done in in_order(partial(worker, explain=explain), paths, jobs=jobs, failed=_worker_failed, ready=ready,
                         weight=_size, budget=AHEAD_BYTES):
        if isinstance(done, Outcome):
            item = done
        elif store is None or dry_run:
            item = record(store, done, dry_run=dry_run)
        else:
            if pending.ready and _is_amendment(done):
                yield from flush()
            item = check(store, done, pending=pending)
            if isinstance(item, Ready):
                pending.add(item)
        if not pending.ready:
            yield from queue
            queue = []
            yield item
            continue
        queue.append(item)
        if batching.full(pending):
            yield from flush()
    yield from flush()
