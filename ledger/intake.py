"""Reading a file as a filing, and refusing what is not one with a reason a person can act on."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import attrs

from ledger.errors import BadInput
from ledger.text.normalise import decode, identity, normalise

MAX_BYTES = 50 * 1024 * 1024
_SEC_MARKERS = re.compile(
    r"SECURITIES\s+AND\s+EXCHANGE\s+COMMISSION|\bFORM\s+8-K\b|CURRENT\s+REPORT\s+PURSUANT", re.I)
_SGML = re.compile(r"<SEC-DOCUMENT>|<SEC-HEADER>|<SUBMISSION>|-----BEGIN PRIVACY-ENHANCED MESSAGE-----|<DOCUMENT>", re.I)
_HTML = re.compile(r"<(?:!DOCTYPE\s+html|html|body|div|p|table|font)\b", re.I)


@attrs.frozen
class Filing:
    """A file read and normalised: the input of extraction."""

    path: Path
    raw: bytes
    raw_sha256: str
    normalised: str
    stream: str


def _looks_binary(raw: bytes) -> bool:
    sample = raw[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) // 20


def read_filing(path: Path) -> Filing:
    """Read one file. Raises BadInput naming the file and the problem; never a traceback."""
    if path.is_dir():
        raise BadInput(path, "is a directory with no files in it")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise BadInput(path, f"is {size // (1024 * 1024)} MB; filings over {MAX_BYTES // (1024 * 1024)} MB are refused")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BadInput(path, "no such file") from None
    except PermissionError:
        raise BadInput(path, "cannot be read (permission denied)") from None
    except OSError as e:
        raise BadInput(path, f"cannot be read ({e.strerror or e})") from None
    if not raw.strip():
        raise BadInput(path, "is empty")
    if _looks_binary(raw):
        raise BadInput(path, "is binary data, not a text filing")
    text = decode(raw)
    if _SGML.search(text[:20000]):
        raise BadInput(path, "is an EDGAR full-submission (SGML) file; only plain-text 8-K bodies are read so far")
    if _HTML.search(text[:20000]):
        raise BadInput(path, "is an HTML filing; only plain-text 8-K bodies are read so far")
    if not _SEC_MARKERS.search(text):
        raise BadInput(path, "is not an SEC filing (no 'Securities and Exchange Commission' or 'Form 8-K' in it)")
    normalised = normalise(text)
    return Filing(path, raw, hashlib.sha256(raw).hexdigest(), normalised, identity(normalised))
