"""Figures as filings write them: dates, dollar amounts, share counts, numbers in words."""
from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from decimal import Decimal

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
DATE = rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\s*,\s*\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?{_MONTH},?\s+\d{{4}})"
# DATE, for scanning whole texts: every date starts with a digit or the first letter of a month, and
# the lookahead turns other positions away at once; the months as a tree of their letters, longer
# before shorter under each prefix as in _MONTH, so the same match is found (tests/test_gate.py).
FIRST_OF_DATE = r"(?=[\dadfjmnos])"
_MONTH_TREE = (r"(?:j(?:an(?:uary)?|u(?:ne?|ly?))|feb(?:ruary)?|ma(?:r(?:ch)?|y)|a(?:pr(?:il)?|ug(?:ust)?)|"
               r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
DATE_RE = re.compile(FIRST_OF_DATE + DATE.replace(_MONTH, _MONTH_TREE), re.I)
assert DATE_RE.pattern.count(_MONTH_TREE) == 2

NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
SCALE = r"(?:\s+(?P<scale>million|billion|thousand))?"
MONEY_RE = re.compile(rf"\$\s?(?P<num>{NUMBER}){SCALE}\b", re.I)
_SCALES = {"thousand": Decimal(1000), "million": Decimal(10) ** 6, "billion": Decimal(10) ** 9}


_MONTH_DAY_YEAR = re.compile(rf"(?P<mon>{_MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s*,\s*(?P<year>\d{{4}})", re.I)
_DAY_MONTH_YEAR = re.compile(rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?(?P<mon>{_MONTH}),?\s+(?P<year>\d{{4}})", re.I)


def parse_date(text: str) -> date | None:
    """'January 29, 1999', 'JANUARY 29,1999', '8th day of January, 2025', '29 Jan 1999'."""
    m = _MONTH_DAY_YEAR.search(text) or _DAY_MONTH_YEAR.search(text)
    if not m:
        return None
    try:
        return date(int(m["year"]), MONTHS[m["mon"].lower().rstrip(".")], int(m["day"]))
    except ValueError:   # "February 30": not a date
        return None


def to_decimal(number: str, scale: str | None = None) -> Decimal:
    """Digits as written ("14.00" stays 14.00); a scaled amount ("$4.0 million") becomes whole units."""
    value = Decimal(number.replace(",", ""))
    if not scale:
        return value
    value *= _SCALES[scale.lower()]
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def parse_money(match: re.Match) -> Decimal:
    return to_decimal(match["num"], match["scale"])


def parse_count(text: str) -> int:
    return int(text.replace(",", ""))


_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
WORD_NUMBER_PLAIN = r"(?:(?:" + "|".join(sorted(list(_UNITS) + list(_TENS), key=len, reverse=True)) + r")(?:[- ](?:" + \
    "|".join(_UNITS) + r"))?)"


def _tree(words) -> str:
    """An alternation of words as a tree of their letters, a longer word before its prefix (as in a
    longest-first alternation): it matches what the plain alternation matches, trying the same
    words in the same order, but a case-insensitive search tries a handful of first letters at each
    position instead of every word."""
    heads: dict[str, list[str]] = {}
    for w in words:
        heads.setdefault(w[0], []).append(w[1:])
    parts = []
    for c, rests in heads.items():
        longer = [r for r in rests if r]
        parts.append(c if not longer else f"{c}(?:{_tree(longer)})" + ("?" if "" in rests else ""))
    return "|".join(parts)


# WORD_NUMBER_PLAIN with its first word as a tree (tests/test_gate.py: the same matches, spans and groups).
WORD_NUMBER = r"(?:(?:" + _tree(sorted(list(_UNITS) + list(_TENS), key=len, reverse=True)) + r")(?:[- ](?:" + \
    "|".join(_UNITS) + r"))?)"


def word_number(text: str) -> int | None:
    """'five' -> 5, 'thirty-six' -> 36, '5' -> 5. Up to ninety-nine: terms and counts of parties."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    parts = re.split(r"[- ]", text)
    if len(parts) == 1:
        return _UNITS.get(parts[0], _TENS.get(parts[0]))
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS:
        return _TENS[parts[0]] + _UNITS[parts[1]]
    return None


def add_months(start: date, months: int) -> date:
    """Calendar months, clipped to the month's last day (a term from 31 August ends 28 February)."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_term(start: date, years: Decimal) -> date | None:
    """Issue date plus a term in years; None when the term is not a whole number of months."""
    months = years * 12
    if months != months.to_integral_value():
        return None
    return add_months(start, int(months))


def add_days(start: date, days: int) -> date:
    return start + timedelta(days=days)
