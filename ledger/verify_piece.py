"""One piece of a verify in pieces (ledger/store/verify_chunks.py): the row-by-row walk's fast check
over a range of seqs, each row against its own stored prev_hash.

Outside ``ledger.store`` and importing only the standard library, so that a worker process starts
in milliseconds instead of importing the store (a few hundred): the worker reads the ledger with
plain sqlite3 and the SQL the store gives it. Whatever it is unsure of it leaves to the walk, which
judges with the store's own code: a piece here can only ever be found good too rarely, never too often.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple


class Piece(NamedTuple):
    """The rows after < seq <= through, found good on their own (a check returns None instead when
    any is in doubt)."""

    count: int
    documents: int
    first_seq: int | None
    first_prev: str | None
    last_seq: int | None
    last_hash: str | None
    first_versions: dict[str, int]   # stream -> its first version in the piece
    last_versions: dict[str, int]    # stream -> its last version in the piece
    watched: str | None              # the hash of the watched row, if the piece holds it


def check_rows(links: Iterable[tuple], document_ok: Callable[[str], bool], after: int,
               watch: int | None) -> Piece | None:
    """``links``: the store's chain() rows (ChainLink's order) of one piece. None at the first row
    in doubt; the stitching checks what a piece cannot know alone: that its first row follows the
    piece before, and that each stream's first version here follows the one reached before."""
    first_versions: dict[str, int] = {}
    versions: dict[str, int] = {}
    sha256, last_version = hashlib.sha256, versions.get
    count = documents = 0
    first_seq = first_prev = prev_hash = watched = None
    prev_seq = after
    try:
        for seq, stream, version, id_ok, stored_prev, stored_hash, hashed, filing_payload in links:
            if first_seq is None:
                first_seq, first_prev, prev_seq, prev_hash = seq, stored_prev, seq - 1, stored_prev
            known = last_version(stream)
            if known is None:
                first_versions[stream] = version
            if not (seq == prev_seq + 1 and stored_prev == prev_hash and id_ok and hashed is not None
                    and sha256(hashed).hexdigest() == stored_hash and (known is None or version == known + 1)):
                return None
            if filing_payload is not None:
                if not document_ok(filing_payload):
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


# The stored filing text a filing event names, as verify.document_problem reads it through the
# store: its bytes must hash to the name, its normalised text to the event's identity.
DOCUMENT_SQL = ("SELECT raw, typeof(normalised) = 'text', CAST(normalised AS BLOB) FROM documents "
                "WHERE raw_sha256 = :named")


def _document_ok(conn: sqlite3.Connection) -> Callable[[str], bool]:
    def ok(filing_payload: str) -> bool:
        payload = json.loads(filing_payload)
        named = payload.get("raw_sha256")
        if not named:
            return True
        row = conn.execute(DOCUMENT_SQL, {"named": named}).fetchone()
        if row is None:
            return False
        raw, text, normalised = row
        if type(raw) is not bytes or not text or hashlib.sha256(raw).hexdigest() != named:
            return False
        identity = payload.get("identity") or ""
        # ledger.text.normalise.identity, over the stored UTF-8 bytes (should it ever differ, the
        # walk decides, with the real one)
        return not identity.startswith("sha256:") or identity == "sha256:" + hashlib.sha256(normalised).hexdigest()
    return ok


def check_at(task: tuple[str, str, int, int, int, int | None]) -> Piece | None:
    """``check_rows`` in a worker process, over its own read-only connection to the ledger file."""
    location, chain_sql, after, through, v2_from, watch = task
    uri = "file:" + urllib.parse.quote(str(Path(location).resolve())) + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        links = conn.execute(chain_sql, {"after_seq": after, "through_seq": through, "v2_from": v2_from})
        return check_rows(links, _document_ok(conn), after, watch)
    finally:
        conn.close()


def check_or_doubt(task: tuple) -> Piece | None:
    """``check_at``, or None if it failed in any way: the walk then reads those rows through the
    store, and says what is wrong in the store's own words."""
    try:
        return check_at(task)
    except Exception:  # noqa: BLE001 - see above
        return None


def serve() -> None:
    """A worker: a pickled list of tasks on stdin, each one's Piece (or None) pickled to stdout as
    it is done. The main process decides on Ctrl-C, and ends the workers."""
    import pickle
    import signal
    import sys
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tasks = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    for task in tasks:
        pickle.dump(check_or_doubt(task), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()
