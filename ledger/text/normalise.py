"""Filing text to normalised text: the text every span and quote in the ledger points into.

Normalised text is one paragraph a line. Within a paragraph, page numbers, page breaks and
hyphenated line breaks are gone and white space is folded to single spaces. Quotes are exact
slices of it, so ``text[start:end] == quote`` always holds.
"""
from __future__ import annotations

import hashlib
import re

import attrs

NORMALISER_VERSION = 2   # 2: figures broken by a line wrap are joined

_PAGE_NUMBER = re.compile(r"^[ \t]*(?:-\s*)?(?:page\s+)?\d{1,3}(?:\s*-)?[ \t]*$", re.I | re.M)
# "(?:\d+[ \t]*)?", not "\d*[ \t]*": the same lines, without splitting a run of spaces between two
# "[ \t]*" in every way (quadratic in a long run after <PAGE> on a line that goes on).
_PAGE_TAG = re.compile(r"^[ \t]*<PAGE>[ \t]*(?:\d+[ \t]*)?$", re.I | re.M)
_RULE = re.compile(r"^[ \t]*[-=_*][-=_* \t]{2,}$", re.M)   # underlines and separators
# A word broken at a line end: "con-\nvertible". Compounds keep their hyphen: "five-\nyear".
# (?<!\w): tried from a word's start only; from every position in a long run of digits it was quadratic.
_HYPHEN_BREAK = re.compile(r"(?<!\w)(\w+)-[ \t]*\n[ \t]*([a-z]\w*)")
_COMPOUND_HEADS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve eighteen twenty thirty "
    "half non pre post co self well long short mid multi anti semi re year month day per".split())
# A blank line, or a line that starts a numbered exhibit entry, starts a new paragraph.
# Figures broken by a line wrap, joined so that extraction reads the whole figure, not its tail.
# Only breaks inside one line-wrapped paragraph (a single newline) are joined, and only where
# nothing but one figure can continue: a thousands group "845,\n594" (1-3 digits before the first
# comma, exactly three after the break: "in 1999,\n200 shares" and "1,\n2" stay apart), the cents of
# a dollar amount "$11.\n826" (a "$" figure whose line ends at its point: "in 1999.\n2000 shares"
# has no "$"), and a "$" left alone at a line end.
_WRAPPED_THOUSANDS = re.compile(r"(?<![\d,.])(\d{1,3}(?:,\d{3})*,)[ \t]*\n[ \t]*(\d{3})(?!\d)")
_WRAPPED_CENTS = re.compile(
    r"(\$[ \t]?\d{1,3}(?:,\d{3})*\.|\$[ \t]?\d+\.)[ \t]*\n[ \t]*(\d+)(?![\d,])(?!\s+(?:shares|units|warrants)\b)", re.I)
_WRAPPED_DOLLAR = re.compile(r"\$[ \t]*\n[ \t]*(?=\d)")


class _Lines:
    """``pattern.sub("", text)`` for a pattern that starts ``^`` under re.MULTILINE, tried only at
    the starts of lines: the same pattern behind a newline, which Python's search finds by a fast
    scan for its first character, where ``^`` is tried at every position of the text. A match
    ends before a newline or at the end (``$``), so the newline in front of the next one is never
    part of the one before; the first line is matched on its own. tests/test_normalise_fast.py
    holds each to its pattern."""

    __slots__ = ("pattern", "after_newline")

    def __init__(self, pattern: re.Pattern):
        assert pattern.pattern.startswith("^") and pattern.flags & re.M
        self.pattern = pattern
        self.after_newline = re.compile("\n" + pattern.pattern[1:], pattern.flags)

    def sub(self, text: str) -> str:
        first = self.pattern.match(text)
        if first is not None:
            text = text[first.end():]
        return self.after_newline.sub("\n", text)


_PAGE_TAG_LINES, _PAGE_NUMBER_LINES, _RULE_LINES = _Lines(_PAGE_TAG), _Lines(_PAGE_NUMBER), _Lines(_RULE)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*|\n(?=[ \t]*(?:\d{1,2}\.\d{1,2}|\(\w\)|ITEM\s+\d)\s)", re.I)
_SPACE = re.compile(r"\s+")


@attrs.frozen
class Decoded:
    text: str
    encoding: str             # "utf-8", "cp1252" or "latin-1"
    replaced: int = 0         # bytes that were not valid UTF-8, each now U+FFFD
    first_bad: int | None = None   # byte offset of the first of them


_ESCAPED = re.compile("[\udc80-\udcff]")              # surrogateescape's stand-ins for bad bytes
_MULTIBYTE = re.compile("[\u0080-\ud7ff\ue000-\U0010ffff]")


def decode_bytes(raw: bytes) -> Decoded:
    """Filing bytes to text. UTF-8 when the bytes are UTF-8; when a few bytes are not, UTF-8 still,
    with only those bytes replaced (U+FFFD) and counted, so one stray byte cannot garble every
    accented name. A file whose high bytes are mostly not UTF-8 sequences is Windows-1252
    (else Latin-1, which never fails): more bad bytes than valid multibyte characters means the
    text was never UTF-8."""
    try:
        return Decoded(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as e:
        first_bad = e.start
    escaped = raw.decode("utf-8", errors="surrogateescape")
    bad = len(_ESCAPED.findall(escaped))
    if len(_MULTIBYTE.findall(escaped)) >= bad:
        return Decoded(_ESCAPED.sub("\ufffd", escaped), "utf-8", bad, first_bad)
    try:
        return Decoded(raw.decode("cp1252"), "cp1252")
    except UnicodeDecodeError:
        return Decoded(raw.decode("latin-1"), "latin-1")


def decode(raw: bytes) -> str:
    """Filing bytes to text (see decode_bytes)."""
    return decode_bytes(raw).text


def _join_hyphen(match: re.Match) -> str:
    head, tail = match.group(1), match.group(2)
    if head.lower() in _COMPOUND_HEADS or head[0].isdigit():
        return f"{head}-{tail}"
    return head + tail


# What every match of _HYPHEN_BREAK and of _WRAPPED_THOUSANDS holds: a fast scan for it spares the
# slow one (tried at every word or digit of the text) in the many texts that have none.
_HYPHEN_AT_LINE_END = re.compile(r"-[ \t]*\n")
_COMMA_AT_LINE_END = re.compile(r",[ \t]*\n[ \t]*\d")


def _join_wrapped_figures(text: str) -> str:
    text = _WRAPPED_DOLLAR.sub("$", text)
    if _COMMA_AT_LINE_END.search(text):
        text = _WRAPPED_THOUSANDS.sub(r"\1\2", text)
    return _WRAPPED_CENTS.sub(r"\1\2", text)


def normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\f", "\n\n").replace("\u00a0", " ")
    text = _PAGE_TAG_LINES.sub(text)
    text = _PAGE_NUMBER_LINES.sub(text)
    text = _RULE_LINES.sub(text)
    if _HYPHEN_AT_LINE_END.search(text):
        text = _HYPHEN_BREAK.sub(_join_hyphen, text)
    text = _join_wrapped_figures(text)
    # str.split() splits on exactly what \s matches (both use str.isspace): _SPACE.sub(" ", p).strip(), faster.
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text))
    return "\n".join(p for p in paragraphs if p)


def identity(normalised: str) -> str:
    """The filing's stable identity until accession numbers: sha256 of its normalised text."""
    return "sha256:" + hashlib.sha256(normalised.encode("utf-8")).hexdigest()


@attrs.frozen
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int     # index of the paragraph (line) it sits in


# Words that end in a period without ending a sentence.
_ABBREVIATIONS = frozenset(
    "inc ltd corp co l.p lp l.l.c llc n.v s.a plc no nos mr mrs ms dr st u.s d.c jr sr "
    "vs v approx e.g i.e etc et al fig sec art para cf jan feb mar apr jun jul aug sep sept oct "
    "nov dec p.c p.a s.e.c u.s.a".split()
    # "etc" stays: a list ending "etc." mid-sentence is commoner in filings than at the end.
)
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9$])")


# "under Regulation S. The Series C Stock ...": a lettered name, not an initial, before the period.
_LETTERED_KEYWORD = re.compile(r"\b(?:Regulation|Rule|Schedule|Series|Class|Exhibit|Annex|Appendix)$")
_WORD_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz."


def _run_start(text: str, end: int, chars: str | None) -> int:
    """Where the run of `chars` (None: white space) that ends at `end` begins. Looks back only as
    far as the run goes, in doubling windows: a search of text[:end] for each sentence end made
    splitting a long paragraph quadratic."""
    width = 32
    while True:
        lo = max(0, end - width)
        kept = text[lo:end].rstrip(chars)
        if kept or lo == 0:
            return lo + len(kept)
        width *= 2


def _lettered_name(text: str, dot: int) -> bool:
    """"Regulation S" just before the dot: a keyword, white space, one capital letter."""
    if dot < 1 or not ("A" <= text[dot - 1] <= "Z"):
        return False
    space = _run_start(text, dot - 1, None)
    return space < dot - 1 and bool(_LETTERED_KEYWORD.search(text, max(0, space - 12), space))


def _ends_with_abbreviation(text: str, dot: int) -> bool:
    start = _run_start(text, dot, _WORD_CHARS)   # the word before the dot: [A-Za-z.]+
    if start == dot or _lettered_name(text, dot):
        return False
    token = text[start:dot].lower().strip(".")
    if token in _ABBREVIATIONS:
        return True
    return len(token) == 1 or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", token))  # initials: "H.C."


def sentences(normalised: str) -> list[Sentence]:
    """Split normalised text into sentences with exact spans. Sentences never cross paragraphs."""
    out: list[Sentence] = []
    offset = 0
    for index, paragraph in enumerate(normalised.split("\n")):
        start = 0
        for match in _BOUNDARY.finditer(paragraph):
            if _ends_with_abbreviation(paragraph, match.start()):
                continue
            end = match.end()
            piece = paragraph[start:end].rstrip()
            out.append(Sentence(offset + start, offset + start + len(piece), piece, index))
            start = end
        piece = paragraph[start:].rstrip()
        if piece:
            out.append(Sentence(offset + start, offset + start + len(piece), piece, index))
        offset += len(paragraph) + 1
    return out
