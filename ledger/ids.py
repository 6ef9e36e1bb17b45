"""Event ids: unique by construction, short where a person reads or types them.

An event's id is its stream's whole identifier (the accession number, or the 64 hex digits of a
sha256 stream) and its version: ``0001104659-00-012345-3``. Two filings never share a stream, so
two events never share an id. Ledgers written before schema 2 keep the ids they were given (the
first 12 characters of the stream identifier and the version), since an id is data covered by the
hash chain; lookups accept both.

Where ids are shown in a table a hex identifier is cut to ``SHORT_HEX`` digits, as git shortens a
commit hash. A person may type any such prefix with the version; a prefix that names more than
one event is refused as ambiguous, never guessed.
"""
from __future__ import annotations

import re

import attrs

SHORT_HEX = 12
MIN_PREFIX = 4          # as git: fewer characters than this name nothing
_HEX_TAIL = re.compile(r"[0-9a-f]{64}")
_REF = re.compile(r"(?P<prefix>.+)-(?P<version>[1-9][0-9]*)")


def stream_tail(stream: str) -> str:
    """The identifier after the stream's scheme: ``accession:X`` -> ``X``."""
    return stream.split(":", 1)[-1]


def event_id(stream: str, version: int) -> str:
    """The id given to a new event (schema 2 on)."""
    return f"{stream_tail(stream)}-{version}"


def legacy_event_id(stream: str, version: int) -> str:
    """The id schema 1 gave: 12 characters of the identifier, which collided across filings."""
    return f"{stream_tail(stream)[:12]}-{version}"


def short_id(full: str) -> str:
    """The id as a table shows it: a 64-hex identifier cut to its first 12 digits."""
    m = _REF.fullmatch(full)
    if m and _HEX_TAIL.fullmatch(m["prefix"]):
        return f"{m['prefix'][:SHORT_HEX]}-{m['version']}"
    return full


@attrs.frozen
class IdRef:
    """What a person typed, read as a prefix of a stream identifier and a version."""

    prefix: str
    version: int


def parse_ref(text: str) -> IdRef | None:
    """``PREFIX-VERSION`` with a prefix of at least MIN_PREFIX characters, else None."""
    m = _REF.fullmatch(text.strip())
    if m is None or len(m["prefix"]) < MIN_PREFIX:
        return None
    return IdRef(m["prefix"], int(m["version"]))
