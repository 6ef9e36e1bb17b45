"""The cover page and signature block of an 8-K: who filed it, which form, and its dates.

Cover pages put values above or beside their labels, so each value is looked for near its
label (within a window of the normalised text), not in a fixed position.
"""
from __future__ import annotations

import re
from datetime import date

import attrs

from events import Quote
from ledger.formats.forms import PERIODIC, PROSPECTUS, REGISTRATION, form_on_cover
from ledger.extract.values import DATE_RE, parse_date

# The dates other forms are dated by: a periodic report's period, a prospectus's own date (not the
# base prospectus's: "(To Prospectus dated ...)"), a registration statement's filing.
_PERIOD_LABEL = re.compile(
    r"\bfor\s+the\s+(?:(?:quarterly|fiscal|transition|semi-?annual)\s+)?(?:period|(?:fiscal\s+)?year|quarter|six\s+months)"
    r"\s+ended\s*:?\s*", re.I)
_PROSPECTUS_DATE = re.compile(
    r"\bdate\s+of\s+this\s+(?:preliminary\s+)?prospectus(?:\s+supplement)?\s+is\s*:?\s*"
    r"|(?<!To\s)(?<!to\s)(?<!the\s)\bProspectus(?:\s+Supplement)?,?\s+dated\s+", re.I)
_AS_FILED = re.compile(r"\bAs\s+filed\s+with\s+the\s+Securities\s+and\s+Exchange\s+Commission\s+on\s+", re.I)
_LABELLED_SPAN = 20_000
_REPORT_LABEL = re.compile(r"Date\s+of\s+Report|Date\s+of\s+earliest\s+event\s+reported", re.I)
_NAME_LABEL = re.compile(
    r"\(?\s*(?:Exact\s+)?name\s+of\s+(?:the\s+)?(?:registrant|small\s+business\s+issuer|issuer)\s+(?:as\s+specified|in\s+its\s+charter)"
    r"|\(?\s*Translation\s+of\s+(?:the\s+)?registrant[\'’]?s\s+name\s+into\s+English"   # a 6-K's, a 20-F's
    r"|\(\s*(?:Registrant[\'’]?s?\s+Name|Name\s+of\s+(?:the\s+)?Registrant)\s*\)", re.I)     # a 6-K's "(Registrant Name)"
# Fallback when the cover has no label: the body's definition 'Acme, Inc. (the "Company")'.
# This is searched over the whole text from every capital: each capital of one long run of them
# re-read the whole run (quadratic). So the name starts where a word starts, and a word is at most
# 81 characters.
_DEFINED_COMPANY = re.compile(
    r"(?P<name>(?<![\w.&'’-])(?:[A-Z][\w.&'’-]{0,80},?\s+){0,5}?(?:[A-Z][\w.&'’-]{0,80}))\s*\((?:the\s+)?[\"“](?:Company|Registrant|Issuer)[\"”]\)")
_NAME_WORD = r"(?:[A-Z&]|[0-9]+[A-Za-z])[\w.&'’,-]*"   # capitalised; a number only with letters ("3M")
_NAME_TAIL = re.compile(rf"({_NAME_WORD}(?:\s+(?:(?:of|and|for|the|de|du|la|del|und|y)\s+)*{_NAME_WORD})*)\s*$")
_LONGEST_NAME = 200
_FILE_LABEL = re.compile(r"Commission\s*(?:\)|\()?\s*(?:\(\s*)?File\s+(?:No|Number)", re.I)
_FILE_LABEL_SPLIT = re.compile(r"\(?Commission\s+File\b|\(Commission\b", re.I)   # "(Commission ... File Number)" in columns
_IRS_LABEL = re.compile(r"I\.?R\.?S\.?\s+Employer|Employer\s+Identification", re.I)
_FILE_NUMBER = re.compile(r"(?<![\d-])(?:0{1,3}|33|333|811|001|002|005|814)-\d{4,6}(?![\d-])")
_IRS_NUMBER = re.compile(r"(?<![\d-])\d{2}-\d{7}(?![\d-])")
_SIGNATURE = re.compile(r"\bSIGNATURES?\b")
# The same matches, found by a fast scan for the word (a pattern that starts with \b is tried at
# every position): the \b before it is tested on each one found (tests/test_extraction_speedups.py).
_SIGNATURE_WORD = re.compile(r"SIGNATURES?\b")
_WORD_CHAR = re.compile(r"\w")


def _signature_heads(text: str) -> list[int]:
    """The starts of _SIGNATURE's matches."""
    return [m.start() for m in _SIGNATURE_WORD.finditer(text)
            if m.start() == 0 or _WORD_CHAR.match(text, m.start() - 1) is None]
_SIGNED_DATE = re.compile(rf"\bDated?\s*:?\s*({DATE_RE.pattern})|\bon\s+this\s+({DATE_RE.pattern})", re.I)


@attrs.frozen
class Cover:
    issuer_name: str | None
    file_number: str | None
    irs_number: str | None
    form: str | None
    report_date: date | None
    signature_date: date | None
    quotes: tuple[Quote, ...]       # where each of these was read
    name_on_cover: bool = False     # the name stood by its cover label, not read from the body's text


def _quote(text: str, start: int, end: int) -> Quote:
    return Quote(start, end, text[start:end])


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def _nearest(pattern: re.Pattern, text: str, anchor: int, window: int = 400) -> re.Match | None:
    """The match of ``pattern`` closest to ``anchor`` within ``window`` characters."""
    lo = max(0, anchor - window)
    found = [m for m in pattern.finditer(text, lo, min(len(text), anchor + window))]
    return min(found, key=lambda m: abs(m.start() - anchor), default=None)


def _report_date(text: str) -> tuple[date | None, Quote | None]:
    label = _REPORT_LABEL.search(text)
    if not label:
        return None, None
    start, end = _line_bounds(text, label.start())
    line = text[start:end]
    # The date follows the label on its line, or stands on the line above it.
    after = DATE_RE.search(line, label.end() - start)
    if after:
        return parse_date(after.group()), _quote(text, start + after.start(), start + after.end())
    before = list(DATE_RE.finditer(line, 0, label.start() - start))
    if before:
        m = before[-1]
        return parse_date(m.group()), _quote(text, start + m.start(), start + m.end())
    if start > 0:
        prev_start, _ = _line_bounds(text, start - 1)
        m = DATE_RE.search(text, prev_start, start - 1)
        if m:
            return parse_date(m.group()), _quote(text, m.start(), m.end())
    m = DATE_RE.search(text, end, end + 200)
    if m:
        return parse_date(m.group()), _quote(text, m.start(), m.end())
    return None, None


def _issuer_name(text: str) -> tuple[str | None, Quote | None]:
    label = _NAME_LABEL.search(text)
    if not label:
        m = _DEFINED_COMPANY.search(text)
        if not m:
            return None, None
        name = re.sub(r"^(?:On|In|As|The)\s+(?=[A-Z])", "", m["name"]).strip(" ,")
        at = text.find(name, m.start())
        return name, _quote(text, at, at + len(name))
    start, _ = _line_bounds(text, label.start())
    if label.start() > start:                  # name and label on one line
        name_start, name_end = start, label.start()
    elif start > 0:                             # the name is the line above
        name_start, name_end = _line_bounds(text, start - 1)
    else:
        return None, None
    name = text[name_start:name_end].strip(" ,-")
    # A cover line can carry other text before the name ("... 1934 NEOTHERAPEUTICS, INC."): keep
    # the run of capitalised words at the end, with the small words names have inside them
    # ("Home Health Corporation of America, Inc.", also when wrapped over two lines).
    tail = _NAME_TAIL.search(name[-_LONGEST_NAME:])   # bounded: a cover "line" may be a whole page
    if tail:
        name = tail.group(1).strip(" ,")
    if not name:
        return None, None
    at = text.find(name, name_start)
    return readable_case(name, text), _quote(text, at, at + len(name))


def readable_case(name: str, text: str) -> str:
    """Cover pages shout ('NEOTHERAPEUTICS, INC.'); prefer the body's spelling of the same name."""
    if not name.isupper():
        return name
    m = re.search(re.escape(name), text[text.find(name) + len(name):], re.I)
    return m.group() if m and not m.group().isupper() else name


def _labelled(pattern: re.Pattern, labels: tuple[re.Pattern, ...], text: str) -> tuple[str | None, Quote | None]:
    for label in labels:
        at = label.search(text)
        if at:
            m = _nearest(pattern, text, at.start())
            if m:
                return m.group(), _quote(text, m.start(), m.end())
    return None, None


def _signature_date(text: str) -> tuple[date | None, Quote | None]:
    heads = _signature_heads(text)
    starts = [at for at in heads if at > len(text) // 4] or heads
    for begin in starts:
        m = _SIGNED_DATE.search(text, begin, begin + 1500)
        if m:
            inner = m.group(1) or m.group(2)
            at = text.find(inner, m.start())
            return parse_date(inner), _quote(text, at, at + len(inner))
    return None, None


def family_date(text: str, fam: str) -> tuple[date, Quote] | None:
    """The date a periodic report, prospectus or registration statement is dated by, as its cover
    labels it, and where; None for an 8-K (its date of report is read with the cover) or when absent.
    Read only for the family that needs it: most filings are 8-Ks."""
    if fam == PERIODIC:
        return _date_after(_PERIOD_LABEL, text)
    if fam == PROSPECTUS:
        return _date_after(_PROSPECTUS_DATE, text, 80_000)
    if fam == REGISTRATION:
        return _date_after(_AS_FILED, text)
    return None


def _date_after(label: re.Pattern, text: str, span: int = _LABELLED_SPAN) -> tuple[date, Quote] | None:
    """The date that follows a label ("... period ended March 31, 2000"), the first label that has one."""
    for m in label.finditer(text, 0, min(len(text), span)):
        d = DATE_RE.match(text, m.end())
        if d and (parsed := parse_date(d.group())):
            return parsed, _quote(text, d.start(), d.end())
    return None


def read_cover(text: str) -> Cover:
    form = form_on_cover(text)
    report_date, q_report = _report_date(text)
    name, q_name = _issuer_name(text)
    on_cover = bool(name) and bool(_NAME_LABEL.search(text))
    file_number, q_file = _labelled(_FILE_NUMBER, (_FILE_LABEL, _FILE_LABEL_SPLIT), text)
    irs, q_irs = _labelled(_IRS_NUMBER, (_IRS_LABEL,), text)
    signed, q_signed = _signature_date(text)
    quotes = [q for q in (q_name, q_report, q_file, q_irs, q_signed) if q]
    if form:
        quotes.insert(0, _quote(text, form[1], form[2]))
    return Cover(
        issuer_name=name, file_number=file_number, irs_number=irs,
        form=form[0] if form else None,
        report_date=report_date, signature_date=signed, quotes=tuple(quotes), name_on_cover=on_cover)
