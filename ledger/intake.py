"""Reading a file as a filing, and refusing what is not one with a reason a person can act on."""
from __future__ import annotations

import hashlib
import re
import stat
from pathlib import Path

import attrs

from ledger.errors import BadInput
from ledger.extract.segment import document_kind
from ledger.formats import Header, Submission, read_submission
from ledger.formats.frontmatter import normalised_front_matter, split_front_matter
from ledger.formats.xbrl import cover_facts, has_cover_facts
from ledger.text.normalise import identity, normalise

MAX_BYTES = 50 * 1024 * 1024
# Press releases repeat the 8-K's facts in other words; they are read as a second source.
_SECOND_SOURCE = re.compile(r"^EX-99", re.I)


@attrs.frozen
class Filing:
    """A file read and normalised: the input of extraction."""

    path: Path
    raw: bytes
    raw_sha256: str
    normalised: str      # the 8-K body, then each press-release exhibit under its type
    stream: str          # "accession:<number>" when the file has one, else the sha256 of `normalised`
    header: Header | None
    warnings: tuple[str, ...]
    kind: str = "8-K"    # "8-K" | "press release" | "exhibit" (ledger.extract.segment.document_kind)
    cover_facts: tuple = ()   # inline-XBRL shares outstanding on a periodic report's cover (formats.xbrl)


_CONTROLS = bytes(b for b in range(32) if b < 9 or 13 < b)


def _looks_binary(raw: bytes) -> bool:
    sample = raw[:8192]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROLS))     # counted in C, not a Python loop
    return controls > len(sample) // 20


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def _read_bytes(path: Path) -> bytes:
    if path.is_dir():
        try:
            empty = not any(path.iterdir())
        except OSError:
            empty = True
        raise BadInput(path, "is a directory with no files in it" if empty else "is a directory with no filings in it")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            # A pipe or a device would block the batch or never end.
            raise BadInput(path, f"is not a regular file (a {_kind(info.st_mode)}); only files and folders are read")
        if info.st_size > MAX_BYTES:
            raise BadInput(path, f"is {_size(info.st_size)}; filings over {_size(MAX_BYTES)} are refused")
        with path.open("rb") as f:
            raw = f.read(MAX_BYTES + 1)      # bounded, in case the file grows while it is read
        if len(raw) > MAX_BYTES:
            raise BadInput(path, f"is over {_size(MAX_BYTES)}; filings over {_size(MAX_BYTES)} are refused")
        return raw
    except FileNotFoundError:
        raise BadInput(path, "no such file") from None
    except PermissionError:
        raise BadInput(path, "cannot be read (permission denied)") from None
    except OSError as e:
        raise BadInput(path, f"cannot be read ({e.strerror or e})") from None


def _text(submission: Submission) -> str:
    # A Markdown copy's front matter is kept, marked off, ahead of the body (see formats.frontmatter).
    front, body = split_front_matter(submission.body.text) if submission.header is None else (None, submission.body.text)
    parts = [normalised_front_matter(front) if front else "", normalise(body)]
    for exhibit in submission.exhibits:
        if _SECOND_SOURCE.match(exhibit.type or "") and (text := normalise(exhibit.text)):
            parts.append(f"{exhibit.type}\n{text}")
    return "\n".join(p for p in parts if p)


def read_filing(path: Path) -> Filing:
    """Read one file. Raises BadInput naming the file and the problem; never a traceback."""
    raw = _read_bytes(path)
    if not raw.strip():
        raise BadInput(path, "is empty")
    if _looks_binary(raw):
        raise BadInput(path, "is binary data, not a text filing")
    submission = read_submission(raw, str(path))
    normalised = _text(submission)
    header = submission.header
    # A press release (a newswire dateline, or a lead "Acme (Nasdaq: ACME) today announced") is a
    # document of its own kind; anything else must look like an SEC filing.
    kind = "8-K" if header else document_kind(normalised)
    if kind is None:
        raise BadInput(path, "is not an SEC filing (no 'Securities and Exchange Commission' or 'Form 8-K' in it)")
    stream = f"accession:{header.accession}" if header and header.accession else identity(normalised)
    warnings = tuple(f"{path}: {w}" for w in submission.warnings)
    facts = cover_facts(raw) if has_cover_facts(raw) else ()
    return Filing(path, raw, hashlib.sha256(raw).hexdigest(), normalised, stream, header, warnings, kind, facts)
