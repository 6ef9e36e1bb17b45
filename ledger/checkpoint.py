"""Checkpoints: the head of the hash chain (seq and hash), written ``HASH@SEQ``, kept outside the database.

The chain lets ``verify`` prove that every row follows from the one before it; it cannot prove that
the chain is the one that was there yesterday, since someone who can edit the file can also recompute
every hash after an edit, or cut rows from the end. A checkpoint taken earlier and kept elsewhere
closes that gap: the ledger still extends it when the row at its seq has its hash (and the chain up to
that row is intact), since that hash covers every row before it.
"""
from __future__ import annotations

import re

import attrs

from ledger.store.chain import GENESIS
from ledger.errors import LedgerError

_HASH = re.compile(r"[0-9a-f]{64}")
_SEQ = re.compile(r"[0-9]+")
EXAMPLE = f"{'3f2a' * 16}@30"


class BadCheckpoint(LedgerError, ValueError):
    """Text that is not a checkpoint as ``ledger checkpoint`` prints it."""


@attrs.frozen
class Checkpoint:
    seq: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """``HASH@SEQ``: 64 hex digits (either case), ``@``, a whole number. Surrounding blanks are ignored."""
        value = text.strip()
        if value.count("@") != 1:
            raise BadCheckpoint(f"{text!r} is not a checkpoint: expected HASH@SEQ as `ledger checkpoint` "
                                f"prints it, e.g. {EXAMPLE}")
        digest, seq = value.split("@")
        digest = digest.lower()
        if not _HASH.fullmatch(digest):
            raise BadCheckpoint(f"{text!r} is not a checkpoint: the hash before '@' must be 64 hex digits, "
                                f"not {digest!r} ({len(digest)} characters)")
        if not _SEQ.fullmatch(seq):
            raise BadCheckpoint(f"{text!r} is not a checkpoint: the seq after '@' must be a whole number "
                                f"(0 or more), not {seq!r}")
        if int(seq) == 0 and digest != GENESIS:
            raise BadCheckpoint(f"{text!r} is not a checkpoint: seq 0 is the empty ledger, whose hash is "
                                f"{GENESIS}")
        return cls(int(seq), digest)

    @classmethod
    def genesis(cls) -> Checkpoint:
        """The empty ledger's checkpoint: every ledger extends it."""
        return cls(0, GENESIS)

    def __str__(self) -> str:
        return f"{self.hash}@{self.seq}"

    def as_dict(self) -> dict:
        return {"seq": self.seq, "hash": self.hash}
