"""The hash chain over the events table: one definition of a row's content, used to append and verify.

Two versions of a row's content exist; a ledger records from which seq on its rows use version 2
(meta ``chain_v2_from``: 1 for a ledger made at schema 4, the next seq for one upgraded from schema 3,
whose rows keep version 1 and verify byte for byte as before). Each row's hash covers the hash
before it whatever the version, so the chain runs unbroken across the switch.

- v1: canonical JSON of the chained columns (the payload, itself JSON, escaped once more inside it).
- v2: the chained columns in CHAINED_COLUMNS order, each as ``<length>:<text>`` (length in
  characters; integers in decimal) and NULL as ``-``: self-delimiting, so no two rows share a
  content, and built by concatenation from text already stored, with nothing re-escaped. SQLite
  and PostgreSQL build the same text in SQL for verify (length() counts characters in both).
"""
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
INT_COLUMNS = frozenset({"seq", "version", "schema_version"})
NULLABLE = frozenset({"public_date"})


def row_content_v1(row: Mapping) -> str:
    """Canonical JSON of a row's chained columns, exactly as they are stored."""
    return canonical_json({name: row[name] for name in CHAINED_COLUMNS})


def _part(name: str, value) -> str:
    if value is None and name in NULLABLE:
        return "-"
    if name in INT_COLUMNS:
        if type(value) is not int:   # a tampered type is a changed row, not another spelling of it
            raise TypeError(f"{name} is {type(value).__name__}, not an integer")
        text = str(value)
    elif type(value) is str:
        text = value
    else:
        raise TypeError(f"{name} is {type(value).__name__}, not text")
    return f"{len(text)}:{text}"


def row_content_v2(row: Mapping) -> str:
    return "".join([_part(name, row[name]) for name in CHAINED_COLUMNS])


def content_v2(seq: int, event_id: str, stream: str, version: int, issuer_key: str, type_: str,
               schema_version: int, effective_date: str, public_date: str | None, recorded_at: str,
               payload: str, quote: str) -> str:
    """row_content_v2 for the values an append builds (known types): one f-string, for speed."""
    s, v, sv = str(seq), str(version), str(schema_version)
    pd = "-" if public_date is None else f"{len(public_date)}:{public_date}"
    return (f"{len(s)}:{s}{len(event_id)}:{event_id}{len(stream)}:{stream}{len(v)}:{v}"
            f"{len(issuer_key)}:{issuer_key}{len(type_)}:{type_}{len(sv)}:{sv}"
            f"{len(effective_date)}:{effective_date}{pd}{len(recorded_at)}:{recorded_at}"
            f"{len(payload)}:{payload}{len(quote)}:{quote}")


def row_content(row: Mapping, v2_from: int = 1) -> str:
    """The content a row's hash covers, by the version its seq falls under (``v2_from`` 1: a
    ledger made at schema 4 or later, every row v2)."""
    return row_content_v2(row) if row["seq"] >= v2_from else row_content_v1(row)


def link_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def row_hash(prev_hash: str, row: Mapping, v2_from: int = 1) -> str:
    return link_hash(prev_hash, row_content(row, v2_from))
