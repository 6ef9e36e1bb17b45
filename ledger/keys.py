"""Issuer keys: how the ledger names an issuer in every stream and event row.

An issuer with a CIK is keyed by it, ``cik:<number>`` (no leading zeros); one without, by its
normalised name and commission file number. Ingest gives each filing's stream its key, and a stream
recorded later (a correction, a fact from another filing) copies the key and issuer of the stream it
is about, so every stream whose issuer has a CIK carries that CIK's key: `--issuer CIK` looks the key
up in the store's index instead of reading every stream.
"""
from __future__ import annotations

import re

from events.records import Issuer


def cik_key(cik: str) -> str:
    """The key of the issuer with this CIK (digits; leading zeros optional)."""
    return f"cik:{int(cik)}"


def issuer_key(issuer: Issuer) -> str:
    """CIK when known, else the normalised name with the commission file number."""
    if issuer.cik:
        return cik_key(issuer.cik)
    name = " ".join(re.findall(r"[a-z0-9]+", issuer.name.lower()))
    return f"name:{name}|{issuer.file_number or ''}"
