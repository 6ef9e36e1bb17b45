"""Verification: walk a store's rows in seq order and stop at the first one that breaks the chain.

Pure over the contract (``chain``, ``rows``, ``document``, ``legacy_ids_through``), so every engine
is checked by the same code. A large SQLite ledger is checked in pieces by worker processes
(verify_chunks.py); this module stitches their findings and walks row by row any piece in doubt,
so the report is always the one a walk from the first row would give.
"""
from __future__ import annotations

import contextlib
import hashlib
import json

import attrs

from ledger import ids
from ledger.store.chain import GENESIS, row_hash
from ledger.store.contract import Store
from ledger.store.mapping import DamagedDocument, EventRow


@attrs.frozen
class VerifyReport:
    """What ``verify`` found: ``checked`` counts the rows found good before any bad one."""

    ok: bool
    checked: int
    bad_seq: int | None = None
    problem: str | None = None
    # True when the chain is intact but does not extend the checkpoint given to verify_against:
    # ``problem`` is then a whole sentence and ``bad_seq`` the checkpoint's seq.
    against_checkpoint: bool = False
    documents: int = 0               # stored filing texts checked against their filing events


def verify(store: Store, *, jobs: int | None = None) -> VerifyReport:
    """A chain alone cannot reveal rows cut from its end, nor a tail rewritten with every hash
    recomputed: keep ``head()`` elsewhere and check it with ``verify_against`` for that.

    ``jobs``: processes to check a large SQLite ledger with (None: the cores; 1: this one only)."""
    return _verified(store, jobs)[0]


def verify_against(store: Store, seq: int, hash: str, *, jobs: int | None = None) -> VerifyReport:
    """``verify``, then prove the ledger still extends a checkpoint: the ``(seq, hash)`` that
    ``head()`` gave earlier and that was kept outside the database.

    The row at ``seq`` must still have ``hash``. Each hash covers the one before it, so with an
    intact chain that one comparison proves rows 1..seq unchanged; rows after it may be new.
    A broken chain is reported first, as ``verify`` reports it.
    """
    if seq < 0:
        raise ValueError(f"a checkpoint's seq is 0 or more, not {seq}")
    report, found = _verified(store, jobs, watch=seq)
    if not report.ok:
        return report

    def failed(problem: str) -> VerifyReport:
        return VerifyReport(ok=False, checked=report.checked, bad_seq=seq, problem=problem,
                            against_checkpoint=True)

    if seq == 0:  # the empty ledger, which every ledger extends
        if hash != GENESIS:
            return failed(f"the checkpoint gives seq 0 the hash {hash}, but seq 0 is the empty "
                          f"ledger, whose hash is {GENESIS}")
        return report
    if found is None:  # the chain is gapless from 1, so the ledger ends before seq
        return failed(f"the ledger has {report.checked} events; the checkpoint is at seq {seq}: "
                      "rows were removed")
    if found != hash:
        return failed(f"seq {seq}: hash is {found} but the checkpoint says {hash}: "
                      f"the ledger was rewritten at or before seq {seq}")
    return report


class Walk:
    """Where a walk stands after the rows found good so far: all it needs to judge the next one."""

    __slots__ = ("checked", "documents", "prev_seq", "prev_hash", "versions", "watched")

    def __init__(self) -> None:
        self.checked, self.documents, self.prev_seq, self.prev_hash = 0, 0, 0, GENESIS
        self.versions: dict[str, int] = {}   # stream -> last version seen
        self.watched: str | None = None      # the hash of the watched row, once reached

    def extend(self, piece) -> bool:
        """Take a piece found good on its own (verify_chunks.Piece) if it carries on from here:
        its first row follows the last one taken, and each of its streams the version reached."""
        if piece.count:
            last = self.versions.get
            if (piece.first_seq != self.prev_seq + 1 or piece.first_prev != self.prev_hash
                    or any(first != last(stream, 0) + 1 for stream, first in piece.first_versions.items())):
                return False
            self.prev_seq, self.prev_hash = piece.last_seq, piece.last_hash
            self.versions.update(piece.last_versions)
        self.checked += piece.count
        self.documents += piece.documents
        if piece.watched is not None:
            self.watched = piece.watched
        return True

    def report(self, bad_seq: int | None = None, problem: str | None = None) -> VerifyReport:
        return VerifyReport(ok=problem is None, checked=self.checked, bad_seq=bad_seq, problem=problem,
                            documents=self.documents)


def _verified(store: Store, jobs: int | None, watch: int | None = None) -> tuple[VerifyReport, str | None]:
    from ledger.store import verify_chunks
    walk = Walk()
    with contextlib.closing(verify_chunks.pieces(store, jobs, watch)) as pieces:   # closing: ends the workers
        for after, through, piece in pieces:
            if piece is None or not walk.extend(piece):
                report = walk_rows(store, walk, after, through, watch)
                if report is not None:
                    return report, None
    return walk.report(), walk.watched


def walk_rows(store: Store, walk: Walk, after: int, through: int | None, watch: int | None) -> VerifyReport | None:
    """The chain check of rows ``after`` < seq <= ``through``, row by row from ``walk``, which it
    carries forward; the report of the first bad row, or None. A filing event names the sha256 of
    its stored text, so the text is checked at that event's seq."""
    checked, documents, prev_seq, prev_hash, versions = walk.checked, walk.documents, walk.prev_seq, walk.prev_hash, walk.versions
    legacy = store.legacy_ids_through
    v2_from = store.chain_v2_from
    sha256, last_version = hashlib.sha256, versions.get
    problem = None
    # A tight loop over plain tuples: this is all verify does a million times.
    for seq, stream, version, id_ok, stored_prev, stored_hash, hashed, filing_payload in store.chain(
            after_seq=after, through_seq=through):
        try:
            if (seq == prev_seq + 1 and stored_prev == prev_hash and id_ok and hashed is not None
                    and sha256(hashed).hexdigest() == stored_hash and version == last_version(stream, 0) + 1):
                problem = None       # the common case, checked without reading the whole row
            else:                    # a problem, or a row to look at closely: read it as stored
                row = next(store.rows(after_seq=seq - 1))
                problem = row_problem(row, prev_seq, prev_hash, last_version(stream, 0), legacy, v2_from)
            if problem is None and filing_payload is not None:
                problem = document_problem(store, filing_payload)
                documents += problem is None
        except (TypeError, ValueError, AttributeError) as e:   # a row no writer of ours made
            problem = f"malformed row ({type(e).__name__}: {e})"
        if problem:
            break
        checked, prev_seq, prev_hash = checked + 1, seq, stored_hash
        versions[stream] = version
        if seq == watch:
            walk.watched = prev_hash
    walk.checked, walk.documents, walk.prev_seq, walk.prev_hash = checked, documents, prev_seq, prev_hash
    return walk.report(seq, problem) if problem else None


def document_problem(store: Store, filing_payload: str) -> str | None:
    """The stored text must be the bytes whose sha256 the (chained) filing event names."""
    payload = json.loads(filing_payload)
    named = payload.get("raw_sha256")
    if not named:
        return None
    try:
        doc = store.document(named)
    except DamagedDocument as e:
        return e.problem
    if doc is None:
        return f"the filing text {named[:12]} that this filing event names is missing from documents"
    if hashlib.sha256(doc.raw).hexdigest() != named:
        return (f"the stored text of {doc.source_name} changed: its bytes no longer hash to {named[:12]}, "
                "as its filing event says")
    # Imported here: every store open imports this module, and the normaliser's patterns are not cheap.
    from ledger.text.normalise import identity as text_identity
    identity = payload.get("identity") or ""
    if identity.startswith("sha256:") and identity != text_identity(doc.normalised):
        return f"the stored normalised text of {doc.source_name} changed: it no longer hashes to its filing's identity"
    return None


def row_problem(row: EventRow, prev_seq: int, prev_hash: str, last_version: int,
                legacy_ids_through: int, v2_from: int) -> str | None:
    seq, stream, version = row.seq, row.stream, row.version
    if seq != prev_seq + 1:
        return f"row missing before seq {seq}"
    if row.prev_hash != prev_hash:
        return f"prev_hash does not match the hash of seq {prev_seq}"
    if row_hash(prev_hash, row, v2_from) != row.hash:
        return "row content changed: hash mismatch"
    if version != last_version + 1:
        return f"stream {stream} version {version} follows {last_version}"
    legacy = seq <= legacy_ids_through and row.event_id == ids.legacy_event_id(stream, version)
    if row.event_id != ids.event_id(stream, version) and not legacy:
        return f"event_id {row.event_id} does not match stream {stream} version {version}"
    return None
