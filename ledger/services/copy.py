"""Copy a ledger between engines (SQLite <-> PostgreSQL), and prove the copy.

Rows are copied as they are stored (the encoded events, their recorded_at), one filing per
transaction, in seq order, so the target computes the very same chain: every appended row's hash
is checked against the source's as it goes, and at the end both heads must match and both
ledgers pass ``verify``. An interrupted copy is picked up where it stopped: a target that holds
the source's first N rows, unchanged, is continued from row N+1.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

import attrs

from ledger.errors import LedgerError
from ledger.store import EventRow, Store, VerifyReport, verify, verify_against


class CopyFailed(LedgerError):
    """The copy could not start, or the target stopped matching the source."""


@attrs.frozen
class CopyReport:
    events: int                 # rows copied by this run
    filings: int                # streams copied by this run
    resumed_after: int          # the seq the target already held (0 for a new copy)
    head: tuple[int, str]       # the same on both
    source_check: VerifyReport
    target_check: VerifyReport


def _streams_of(rows: Iterator[EventRow]) -> Iterator[list[EventRow]]:
    """Consecutive rows of one stream: a filing's rows are one block of seqs, appended at once."""
    group: list[EventRow] = []
    for row in rows:
        if group and row.stream != group[0].stream:
            yield group
            group = []
        group.append(row)
    if group:
        yield group


def copy_ledger(source: Store, target: Store, *, progress: Callable[[int], None] | None = None) -> CopyReport:
    if source.legacy_ids_through:
        raise CopyFailed(f"{source.location}: its first {source.legacy_ids_through} events carry schema-1 ids, "
                         "which a new ledger does not write; re-ingest the filings into the new ledger instead")
    start = target.head()
    if not start[0] and target.chain_v2_from != source.chain_v2_from:
        target.set_chain_v2_from(source.chain_v2_from)   # the same chain version at every seq: the same hashes
    if start[0]:
        resumed = verify_against(source, *start)
        if not resumed.ok:
            raise CopyFailed(f"{target.location} is not empty and is not an earlier, partial copy of "
                             f"{source.location} (its head {start[1][:12]}@{start[0]} is not the source's); "
                             "copy into an empty ledger")
    events = filings = 0
    for group in _streams_of(source.rows(after_seq=start[0])):
        first = group[0]
        info = next(source.streams(stream=first.stream), None)
        if info is None:
            raise CopyFailed(f"{source.location}: seq {first.seq} belongs to stream {first.stream}, "
                             "which has no stream row; run `verify` on it")
        document = source.document(info.raw_sha256)
        stored = target.append_encoded(info, [r.encoded for r in group], document, recorded_at=first.recorded_at)
        for row, copy in zip(group, stored):
            if (copy.seq, copy.event_id, copy.hash) != (row.seq, row.event_id, row.hash):
                raise CopyFailed(f"{target.location}: the copy of seq {row.seq} differs from the source "
                                 f"(hash {copy.hash[:12]}, not {row.hash[:12]}); the copy stops here")
        events, filings = events + len(group), filings + 1
        if progress is not None:
            progress(len(group))
    head = source.head()
    if target.head() != head:
        raise CopyFailed(f"the copy ends at {target.head()[0]} events but the source at {head[0]}; "
                         "another writer appended to one of them meanwhile")
    return CopyReport(events, filings, start[0], head, verify(source), verify(target))
