"""The hash chain over the events table: one definition of a row's content, used to append and verify."""
from __future__ import annotations

import hashlib
from collections.abc import Mapping

from events.codec import canonical_json

GENESIS = "0" * 64  # prev_hash of the first row

# Every stored column except the chain's own two. seq is included, so a row cannot move.
CHAINED_COLUMNS = (
    "seq", "event_id", "stream", "version", "issuer_key", "type", "schema_version",
    "effective_date", "public_date", "recorded_at", "payload", "quote",
)


def row_content(row: Mapping) -> str:
    """Canonical JSON of a row's chained columns, exactly as they are stored."""
    return canonical_json({name: row[name] for name in CHAINED_COLUMNS})


def row_hash(prev_hash: str, row: Mapping) -> str:
    return hashlib.sha256((prev_hash + row_content(row)).encode("utf-8")).hexdigest()
