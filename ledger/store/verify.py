"""Verification: walk a store's rows in seq order and stop at the first one that breaks the chain.

Pure over the contract (``rows``, ``document``, ``legacy_ids_through``), so every engine is checked
by the same code.
"""
from __future__ import annotations

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


def verify(store: Store) -> VerifyReport:
    """A chain alone cannot reveal rows cut from its end, nor a tail rewritten with every hash
    recomputed: keep ``head()`` elsewhere and check it with ``verify_against`` for that."""
    return _walk(store)[0]


def verify_against(store: Store, seq: int, hash: str) -> VerifyReport:
    """``verify``, then prove the ledger still extends a checkpoint: the ``(seq, hash)`` that
    ``head()`` gave earlier and that was kept outside the database.

    The row at ``seq`` must still have ``hash``. Each hash covers the one before it, so with an
    intact chain that one comparison proves rows 1..seq unchanged; rows after it may be new.
    A broken chain is reported first, as ``verify`` reports it.
    """
    if seq < 0:
        raise ValueError(f"a checkpoint's seq is 0 or more, not {seq}")
    report, found = _walk(store, watch=seq)
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


def _walk(store: Store, watch: int | None = None) -> tuple[VerifyReport, str | None]:
    """The chain check, and the hash of row ``watch`` if the walk reached it. A filing event
    names the sha256 of its stored text, so the text is checked at that event's seq."""
    checked, documents, prev_seq, prev_hash, watched = 0, 0, 0, GENESIS, None
    versions: dict[str, int] = {}  # stream -> last version seen: the only state kept
    legacy = store.legacy_ids_through
    v2_from = store.chain_v2_from
    sha256, event_id, last_version = hashlib.sha256, ids.event_id, versions.get
    # A tight loop over plain tuples: this is all verify does a million times.
    for seq, stored_id, stream, version, stored_prev, stored_hash, content, filing_payload in store.chain():
        try:
            if (seq == prev_seq + 1 and stored_prev == prev_hash and content is not None
                    and sha256((prev_hash + content).encode()).hexdigest() == stored_hash
                    and version == last_version(stream, 0) + 1 and stored_id == event_id(stream, version)):
                problem = None       # the common case, checked without reading the whole row
            else:                    # a problem, or a row to look at closely: read it as stored
                row = next(store.rows(after_seq=seq - 1))
                problem = row_problem(row, prev_seq, prev_hash, last_version(stream, 0), legacy, v2_from)
            if problem is None and filing_payload is not None:
                problem = _document_problem(store, filing_payload)
                documents += problem is None
        except (TypeError, ValueError, AttributeError) as e:   # a row no writer of ours made
            problem = f"malformed row ({type(e).__name__}: {e})"
        if problem:
            return VerifyReport(ok=False, checked=checked, bad_seq=seq,
                                problem=problem, documents=documents), watched
        checked, prev_seq, prev_hash = checked + 1, seq, stored_hash
        versions[stream] = version
        if seq == watch:
            watched = prev_hash
    return VerifyReport(ok=True, checked=checked, documents=documents), watched


def _document_problem(store: Store, filing_payload: str) -> str | None:
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
