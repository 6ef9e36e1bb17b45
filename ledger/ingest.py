"""Files to streams: read, extract, append. One filing is one transaction.

Problems are collected as values (one Outcome a file), never raised mid-batch: the caller, the
CLI, decides what to print and which exit code they mean.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import attrs

from events import Event, FilingRecorded, Issuer
from ledger.errors import BadInput, DuplicateStream, LedgerError
from ledger.amendments import find_original
from ledger.extract import NotAFiling, extract, plausible
from ledger.extract.explain import explain as explain_extraction
from ledger.intake import Filing, read_filing
from ledger.store import Store
from events.envelope import Document, StreamInfo


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
        return any(not isinstance(e, FilingRecorded) for e in self.events)


def issuer_key(issuer: Issuer) -> str:
    """CIK when known, else the normalised name with the commission file number."""
    if issuer.cik:
        return f"cik:{int(issuer.cik)}"
    name = " ".join(re.findall(r"[a-z0-9]+", issuer.name.lower()))
    return f"name:{name}|{issuer.file_number or ''}"


def stream_info(filing: Filing, head: FilingRecorded) -> StreamInfo:
    return StreamInfo(
        stream=filing.stream, issuer_key=issuer_key(head.issuer), issuer=head.issuer, form=head.form,
        public_date=head.public_date, source_name=filing.path.name, raw_sha256=filing.raw_sha256)


def ingest_file(store: Store | None, path: Path, *, dry_run: bool = False, explain: bool = False) -> Outcome:
    """One filing. With ``explain`` (a dry run only) the Outcome also carries why each event reads
    as it does."""
    try:
        filing = read_filing(path)
        same_stream = next(store.streams(stream=filing.stream), None) if store is not None else None
        known = same_stream.raw_sha256 if same_stream is not None else None
        if known is not None:
            if known != filing.raw_sha256 and filing.header and filing.header.accession:
                raise BadInput(path, f"accession {filing.header.accession} is already in the ledger with different "
                                     "content; refusing to overwrite it")
            return Outcome(str(path), "duplicate", filing.stream)
        # The same bytes under another stream: a filing without an accession number, recorded by
        # an earlier release whose normalised text (so its sha256 identity) differed. Counted once.
        earlier = next(store.streams(raw_sha256=filing.raw_sha256), None) if store is not None else None
        if earlier is not None:
            return Outcome(str(path), "duplicate", earlier.stream)
        try:
            result = extract(filing.normalised, stream=filing.stream, raw_sha256=filing.raw_sha256,
                             source_name=path.name, header=filing.header)
        except NotAFiling as e:
            raise BadInput(path, str(e)) from None
        head = result.events[0]
        assert isinstance(head, FilingRecorded)
        if store is not None and head.form.upper().endswith("/A"):
            original = find_original(store, issuer_key(head.issuer), head.form, head.report_date)
            if original:
                head = attrs.evolve(head, amends=original)
                result = attrs.evolve(result, events=(head, *result.events[1:]))
        warnings = filing.warnings + result.warnings + plausible.check(filing.normalised, result.events, path)
        if dry_run:
            return Outcome(str(path), "dry-run", filing.stream, result.events, warnings=warnings,
                           explanations=explain_extraction(result) if explain else ())
        document = Document(filing.raw_sha256, path.name, filing.raw, filing.normalised)
        stored = store.append(stream_info(filing, head), result.events, document)
        return Outcome(str(path), "appended", filing.stream, result.events, len(stored), warnings)
    except DuplicateStream as e:
        return Outcome(str(path), "duplicate", e.stream)
    except BadInput as e:
        return Outcome(str(path), "failed", error=str(e))
    except LedgerError as e:
        return Outcome(str(path), "failed", error=f"{path}: {e}")
    except Exception as e:  # noqa: BLE001 - a batch goes on past one bad file, and never shows a traceback
        return Outcome(str(path), "failed", error=f"{path}: could not be ingested ({type(e).__name__}: {e})")


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


def ingest(store: Store | None, paths: Iterable[Path], *, dry_run: bool = False,
           explain: bool = False) -> Iterator[Outcome]:
    for path in paths:
        yield ingest_file(store, path, dry_run=dry_run, explain=explain)
