"""Figures as filings write them: the number lexer of the mentions pass.

``figures(text)`` finds every figure in a sentence of normalised text with an exact Decimal value
and the exact span of what is written: digits (``2,500,000``, ``.50``), scales (``$2.5 million``,
``$15M``, ``NOK 150 million``), words (``two million five hundred thousand``), words with their
digits (``One Million (1,000,000)``), fractions (``one-half``, ``6 3/4%``, ``½``), percents and
money with its currency as written. Numbers that are not figures (dates, times, item and rule
numbers, file numbers, form names, ordinals, phone numbers, zip codes) are skipped.

Linear in the length of the text: one tokenising regex whose every quantifier is possessive (it
cannot backtrack), then one pass over the tokens that looks a bounded number of tokens back or
ahead, or consumes what it looks at.
"""
from __future__ import annotations

import calendar
import re
from datetime import date
from decimal import Decimal

import attrs

from ledger.extract.values import FIRST_OF_DATE, _MONTH_TREE


@attrs.frozen
class Figure:
    start: int               # text[start:end] is the whole written figure (its currency too)
    end: int
    value: Decimal           # exact and scaled: "2.5 million" -> 2500000; "$1.10" keeps 1.10
    kind: str                # "count", "money", "percent", "fraction" or "year"
    currency: str | None = None   # money only, as written ("$", "US$", "C$", "NOK", "€", ...)
    approximate: bool = False     # "approximately", "about", "roughly", "nearly", "some", ...
    up_to: bool = False           # "up to", "a maximum of", "not more than", "no more than", ...
    words: bool = False           # the number (not only its scale) is written in words


@attrs.frozen
class DateMention:
    start: int
    end: int
    value: date


# --- dates -------------------------------------------------------------------------------------

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?"
_ORD = r"(?:st|nd|rd|th)?"
# Possessive white space: a long run of spaces after a month cannot be re-split on failure.
_DATE_SOURCE = (
    rf"\b(?P<m1>{_MONTH})\s++(?P<d1>\d{{1,2}}){_ORD}\b\s*+,?\s*+(?P<y1>\d{{4}})(?!\d)"
    rf"|\b(?P<d2>\d{{1,2}}){_ORD}\s++(?:day\s++of\s++|of\s++)?(?P<m2>{_MONTH}),?\s*+(?P<y2>\d{{4}})(?!\d)"
    r"|\b(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})(?![\d-])")
# The same matches, found faster (tests/test_gate.py): a lookahead (a digit or a month's first letter)
# turns other positions away before the branches are tried, and the months are a tree of their letters.
_DATE_RE = re.compile(FIRST_OF_DATE + "(?:" + _DATE_SOURCE.replace(_MONTH, _MONTH_TREE.removesuffix(r"\.?") + r"\b\.?") + ")", re.I)


def _date_matches(text: str):
    """Every date-shaped match, possible or not: the parts of 'February 30, 2025' are no figures."""
    for m in _DATE_RE.finditer(text):
        if m["y1"]:
            y, mo, d = m["y1"], _MONTHS[m["m1"].lower().rstrip(".")], m["d1"]
        elif m["y2"]:
            y, mo, d = m["y2"], _MONTHS[m["m2"].lower().rstrip(".")], m["d2"]
        else:
            y, mo, d = m["y3"], int(m["m3"]), m["d3"]
        try:
            value = date(int(y), int(mo), int(d))
        except ValueError:
            value = None
        yield m.start(), m.end(), value


def dates(text: str) -> list[DateMention]:
    """'January 29, 1999', 'Jan. 29, 1999', '29 January 1999', '8th day of January, 2025',
    'February 13th, 2025', '2025-02-13'. An impossible date ('February 30, 2025') is not a date."""
    return [DateMention(s, e, v) for s, e, v in _date_matches(text) if v is not None]


# --- tokens ------------------------------------------------------------------------------------

# num: ASCII digits with well-formed thousands groups and a decimal part, or ".50" (not after a word or
# a point, so "1.2.3" is not read as "1.2" and ".3"). word: letters. sym: any other character.
_TOKEN = re.compile(
    r"(?P<num>[0-9]++(?:,[0-9]{3}(?![0-9]))*+(?:\.[0-9]++)?+|(?<![\w.])\.[0-9]++)"
    r"|(?P<svulgar>[\u00bc-\u00be\u2150-\u215e])"   # "½" is alphanumeric to \w: read it first
    r"|(?P<word>[^\W\d_]++)"
    r"|(?P<sym>\S)")

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_DIGIT_WORDS = {w: v for w, v in _UNITS.items() if 1 <= v <= 9}
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALE_WORDS = {"thousand": 10 ** 3, "million": 10 ** 6, "billion": 10 ** 9, "trillion": 10 ** 12}
_SCALE_WORDS.update({w + "s": v for w, v in list(_SCALE_WORDS.items())})
_SCALE_ABBR = {"mm": 6, "mn": 6, "mln": 6, "mil": 6, "bn": 9, "bln": 9}
_SCALE_LETTER = {"m": 6, "b": 9, "k": 3}          # glued, after a currency only: "$15M", "$2B"
_DENOMINATORS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
                 "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6,
                 "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9,
                 "tenth": 10, "tenths": 10, "hundredth": 100, "hundredths": 100}
_VULGAR = {"½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅕": (1, 5), "⅖": (2, 5),
           "⅗": (3, 5), "⅘": (4, 5), "⅙": (1, 6), "⅚": (5, 6), "⅛": (1, 8), "⅜": (3, 8), "⅝": (5, 8),
           "⅞": (7, 8)}
_SYMBOLS = {"$", "€", "£", "¥"}
_DOLLAR_PREFIXES = {"us", "c", "a", "hk", "nz", "s", "ca", "au", "r", "cdn", "nt", "mx", "sg"}
_ISO = set("USD CAD EUR GBP NOK SEK DKK CHF AUD HKD JPY CNY RMB NZD SGD ILS NIS INR ZAR BRL MXN KRW "
           "TWD ISK PLN CZK HUF".split())
_DOLLAR_COUNTRY = {"u.s.": "US$", "us": "US$", "united states": "US$", "canadian": "C$",
                   "australian": "A$", "hong kong": "HK$", "new zealand": "NZ$", "singapore": "S$"}
_APPROX = {"approximately", "about", "roughly", "nearly", "some", "around", "circa", "approx"}
# Words after which a number names a provision, a document or a file, not a figure.
_REFERENCE = {"item", "items", "rule", "rules", "section", "sections", "regulation", "form", "forms",
              "exhibit", "exhibits", "schedule", "schedules", "article", "articles", "annex",
              "appendix", "clause", "clauses", "paragraph", "paragraphs", "part", "chapter", "page",
              "pages", "series", "cusip", "isin", "tel", "telephone", "phone", "fax", "facsimile",
              "suite", "ste", "floor", "box", "file", "version", "number", "numbers", "nos", "step",
              "level", "tier", "class", "route", "cfr", "usc",
              "ifrs", "ias", "ifric", "asc", "asu", "topic", "sfas", "fas"}
_PHONE = {"tel", "telephone", "phone", "fax", "facsimile", "mobile"}
_YEAR_BEFORE = {"in", "due", "by", "act", "copyright", "fiscal", "year", "since", "during", "until", "through", "calendar", "early",
                "late", "mid", "fy", "spring", "summer", "fall", "autumn", "winter", "before", "after"}
_YEAR_OF = {"act", "quarter", "half", "year", "end", "beginning", "start", "middle", "spring",
            "summer", "fall", "autumn", "winter", "months"}
_YEAR_AFTER = {"annual", "equity", "stock", "incentive", "omnibus", "plan", "employee", "special", "atm",
               "program", "senior", "convertible", "term", "ltip", "esop", "espp",
               "meeting", "notes", "debentures", "bonds", "act", "fiscal", "budget"}
_STREET = {"street", "st", "avenue", "ave", "road", "rd", "boulevard", "blvd", "drive", "dr", "lane",
           "ln", "way", "place", "pl", "plaza", "parkway", "pkwy", "court", "ct", "circle",
           "highway", "hwy", "square", "sq", "center", "centre", "park", "terrace"}
_MAX_INT_DIGITS, _MAX_FRACTION_DIGITS = 24, 10   # longer runs are not figures; larger ones are read so that plausibility can refuse them


class _Tokens:
    __slots__ = ("kind", "start", "end", "text", "low", "n")

    def __init__(self, text: str):
        kind, start, end, tok = [], [], [], []
        for m in _TOKEN.finditer(text):
            kind.append(m.lastgroup[0])          # "n", "w" or "s"
            start.append(m.start())
            end.append(m.end())
            tok.append(m.group())
        self.kind, self.start, self.end, self.text = kind, start, end, tok
        self.low = [t.lower() for t in tok]
        self.n = len(tok)

    def adj(self, i: int, j: int) -> bool:
        """Token j follows token i with no space between."""
        return 0 <= i < self.n and 0 <= j < self.n and self.end[i] == self.start[j]

    def word(self, i: int) -> str | None:
        return self.low[i] if 0 <= i < self.n and self.kind[i] == "w" else None

    def is_(self, i: int, text: str) -> bool:
        return 0 <= i < self.n and self.text[i] == text

    def next_word(self, i: int) -> int | None:
        """The word that continues a run of number words after token i: after a space, or joined by
        a hyphen ("twenty-five", "one-half")."""
        j = i + 1
        if j >= self.n:
            return None
        if self.kind[j] == "w" and self.start[j] > self.end[i]:
            return j
        if self.text[j] in ("-", "\u2010", "\u2011") and self.adj(i, j) and self.adj(j, j + 1) \
                and self.kind[j + 1] == "w":
            return j + 1
        return None


# --- number words ------------------------------------------------------------------------------

def _below_100(t: _Tokens, i: int | None):
    w = t.word(i) if i is not None else None
    if w is None:
        return None
    if w in _UNITS:
        return _UNITS[w], i
    if w in _TENS:
        k = t.next_word(i)
        if k is not None and t.low[k] in _DIGIT_WORDS:
            return _TENS[w] + _DIGIT_WORDS[t.low[k]], k
        return _TENS[w], i
    return None


def _group(t: _Tokens, i: int | None):
    """A number below 1,000 in words ("twelve hundred" too), or "a" before "hundred" or a scale."""
    if i is None:
        return None
    if t.word(i) == "a":
        k = t.next_word(i)
        if k is None or (t.low[k] != "hundred" and t.low[k] not in _SCALE_WORDS):
            return None
        value, last = 1, i
    else:
        r = _below_100(t, i)
        if r is None:
            return None
        value, last = r
    k = t.next_word(last)
    if k is not None and t.low[k] == "hundred":
        value, last = value * 100, k
        k = t.next_word(last)
        if k is not None and t.low[k] == "and":
            k = t.next_word(k)
        r = _below_100(t, k)
        if r is not None and r[0] > 0:
            value, last = value + r[0], r[1]
    return value, last


def _int_words(t: _Tokens, i: int):
    """The longest whole number in words from token i: (value, last token) or None."""
    total, last, top, cur = 0, None, None, i
    while cur is not None:
        g = _group(t, cur)
        if g is None:
            break
        value, glast = g
        k = t.next_word(glast)
        scale = _SCALE_WORDS.get(t.low[k]) if k is not None and t.low[k] in _SCALE_WORDS else None
        if scale is not None:
            if top is not None and scale >= top:
                break                              # "one thousand two million": a new number
            total, top, last = total + value * scale, scale, k
            cur = t.next_word(k)
            if cur is None and t.is_(k + 1, ",") and t.adj(k, k + 1) and k + 2 < t.n and t.kind[k + 2] == "w":
                cur = k + 2                        # "One Million, Two Hundred Thousand"
            if cur is not None and t.low[cur] == "and":
                cur = t.next_word(cur)
            continue
        if top is not None and value >= top:
            break
        total, last = total + value, glast
        break
    return (total, last) if last is not None else None


def _fraction_words(t: _Tokens, i: int, allow_a: bool = False):
    """'one-half', 'one half', 'two-thirds', 'three quarters', 'one-third of': (Decimal, last)."""
    w = t.word(i)
    if w is None or not (w in _DIGIT_WORDS or (allow_a and w == "a")):
        return None
    k = t.next_word(i)
    if k is None or t.low[k] not in _DENOMINATORS:
        return None
    den = t.low[k]
    hyphen = t.kind[i + 1] != "w"               # joined by a hyphen, not a space
    # "one third party" is no fraction: a space-joined singular needs "of" after it.
    if not hyphen and den not in ("half", "halves") and not den.endswith("s") and t.word(k + 1) != "of":
        return None
    return Decimal(1 if w == "a" else _DIGIT_WORDS[w]) / Decimal(_DENOMINATORS[den]), k


def _cents(t: _Tokens, i: int):
    """(cents, the token "cents") for 'Fifty Cents' or '25 cents' at token i, or None."""
    if i >= t.n:
        return None
    if t.kind[i] == "w":
        c = _int_words(t, i)
    elif t.text[i].isdigit():
        c = (int(t.text[i]), i)
    else:
        return None
    if c is None or c[0] >= 100 or t.word(c[1] + 1) not in ("cents", "cent"):
        return None
    return c[0], c[1] + 1


def number_words(text: str) -> int | None:
    """'two million five hundred thousand' -> 2500000, 'thirty-six' -> 36; None unless the whole
    text is one whole number in words."""
    t = _Tokens(text)
    if t.n == 0:
        return None
    r = _int_words(t, 0)
    if r is None or r[1] != t.n - 1:
        return None
    return r[0]


# --- the lexer ---------------------------------------------------------------------------------

def _scaled(value: Decimal, power: int) -> Decimal:
    v = value.scaleb(power)
    return v.quantize(Decimal(1)) if v == v.to_integral_value() else v.normalize()


def _digits_value(s: str) -> Decimal | None:
    whole, _, frac = s.replace(",", "").partition(".")
    if len(whole.lstrip("0")) > _MAX_INT_DIGITS or len(frac) > _MAX_FRACTION_DIGITS:
        return None
    return Decimal(s.replace(",", ""))


class _Lexer:
    def __init__(self, text: str):
        self.s = text
        self.t = _Tokens(text)
        self.out: list[Figure] = []
        self.last_end = 0
        # Date spans by token: every token inside a date-shaped match is skipped.
        self.date_at: dict[int, int] = {}
        spans = [(s, e) for s, e, _ in _date_matches(text)]
        if spans:
            k = 0
            t = self.t
            for i in range(t.n):
                while k < len(spans) and spans[k][1] <= t.start[i]:
                    k += 1
                if k < len(spans) and spans[k][0] <= t.start[i] < spans[k][1]:
                    self.date_at[i] = spans[k][1]

    # -- skipping what is not a figure --

    def _skip_glued(self, i: int, commas: bool = False) -> int:
        """Past token i and every token glued to it ("333-275761", "4(a)(2)", "10-K", "1st"),
        stopping at a semicolon, a point that ends a sentence, or (unless `commas`) a comma."""
        t = self.t
        while i + 1 < t.n and t.adj(i, i + 1):
            nxt = t.text[i + 1]
            if nxt == ";" or (nxt in ".," and not t.adj(i + 1, i + 2)) or (nxt == "," and not commas):
                break
            i += 1
        return i + 1

    def _skip_digit_groups(self, j: int) -> int:
        """Past the space-separated digit groups of a phone number: "472 38 440"."""
        t = self.t
        while j < t.n and t.kind[j] == "n" and t.text[j].isdigit() and len(t.text[j]) <= 4 \
                and t.start[j] == t.end[j - 1] + 1:
            j = self._skip_glued(j)
        return j

    def _is_reference(self, i: int) -> bool:
        """A number after 'Item', 'Rule', 'Section 4(a)', 'File No.', 'Exhibit', '§', 'CUSIP'."""
        t = self.t
        p = i - 1
        steps = 0
        while p >= 0 and t.text[p] in (".", ":", "#") and steps < 2:
            p, steps = p - 1, steps + 1
        if p < 0:
            return False
        if t.text[p] == "§":
            return True
        w = t.word(p)
        if w is None:
            return False
        if w in _REFERENCE:
            return True
        if w in ("no", "nos") and (t.text[p][0] == "N" or t.is_(p + 1, ".")):
            return True
        return w == "note" and t.text[p][0] == "N"

    def _reference_run(self, i: int) -> int:
        """Past a reference number and a list of more like it: 'Items 1.01, 3.02 and 9.01'."""
        t = self.t
        j = self._skip_glued(i)
        while j < t.n:
            k = j + 1 if t.text[j] in (",", "&") or t.low[j] in ("and", "or", "through") else None
            if k is not None and t.low[k - 1] == "," and t.word(k) in ("and", "or"):
                k += 1
            if k is None or k >= t.n or t.kind[k] != "n":
                break
            if "." not in t.text[k] and not (t.is_(k + 1, "(") and t.adj(k, k + 1)):
                break
            j = self._skip_glued(k)
        return j

    def _not_a_figure(self, i: int) -> int | None:
        """If number token i is part of something that is not a figure, the index to go on from."""
        t = self.t
        text = t.text
        p = i - 1
        if t.adj(p, i):
            if t.kind[p] == "w" and not (t.text[p] in _ISO):
                return self._skip_glued(i)                      # "Q1", "S1", "CUSIP12345"
            if text[p] in ("-", "\u2010", "\u2011") and t.adj(p - 1, p) and t.kind[p - 1] == "w":
                return self._skip_glued(i)                      # "S-1", "COVID-19"
            if text[p] == "+":
                return self._skip_digit_groups(self._skip_glued(i))   # "+47 472 38 440"
            if text[p] in ("#", "/", ":", "§"):
                return self._skip_glued(i)
        if self._is_reference(i):
            j = self._reference_run(i)
            q = i - 1
            while q >= 0 and t.text[q] in (".", ":", "#"):
                q -= 1
            return self._skip_digit_groups(j) if t.word(q) in _PHONE else j
        # The day of a date without its year: "May 31, May 31, 2025", "August 31 and"
        if len(text[i]) <= 2 and text[i].isdigit() and (t.word(i - 1) in _MONTHS or (
                t.is_(i - 1, ".") and t.word(i - 2) in _MONTHS and t.adj(i - 2, i - 1))):
            return self._skip_glued(i)
        # Citations: "17 CFR 230.425", "15 U.S.C. 78"
        if t.word(i + 1) in ("cfr", "usc") or (t.word(i + 1) == "u" and t.is_(i + 2, ".")
                                                and t.word(i + 3) == "s" and t.is_(i + 4, ".")
                                                and t.word(i + 5) == "c"):
            return i + 1
        n = i + 1
        if t.adj(i, n):
            x = text[n]
            if t.kind[n] == "w":
                low = t.low[n]
                scale = low in _SCALE_ABBR or low in _SCALE_WORDS or \
                    (low in _SCALE_LETTER and self._currency_before(i) is not None)
                if not scale or (t.adj(n, n + 1) and t.kind[n + 1] != "s"):
                    return self._skip_glued(i)                  # "1st", "3D", "10K1"
            elif x in ("-", "\u2010", "\u2011", "\u2013") and n + 1 < t.n and t.adj(n, n + 1):
                if t.kind[n + 1] == "w":
                    if t.text[n + 1][0].isupper() and len(t.text[n + 1]) <= 2:
                        return self._skip_glued(i)              # "10-K", "8-K", "20-F"
                elif t.kind[n + 1] == "n" and not (t.is_(n + 2, "/") and t.adj(n + 1, n + 2)):
                    return self._skip_glued(i)                  # "333-275761", "212-555-1234", "5-10"
            elif x in (":", ".") and t.adj(n, n + 1) and n + 1 < t.n and t.kind[n + 1] == "n":
                return self._skip_glued(i)                      # "9:00", "1:10", "1.2.3"
            elif x == "," and n + 1 < t.n and t.adj(n, n + 1) and t.kind[n + 1] == "n":
                return self._skip_glued(i, commas=True)         # "1,1,1": no thousands grouping
            elif x == "(" and n + 2 < t.n and t.kind[n + 1] != "s" and t.is_(n + 2, ")") \
                    and len(t.text[n + 1]) <= 4:
                return self._skip_glued(i)                      # "506(b)", "4(a)(2)"
            elif x == "/" and n + 1 < t.n and t.kind[n + 1] == "n" and t.adj(n, n + 1) \
                    and t.is_(n + 2, "/") and t.adj(n + 1, n + 2):
                return self._skip_glued(i)                      # "2/13/2025" ("$10/oz" is a price)
        tok = text[i]
        # Times: "9 a.m.", "5 p.m."
        if t.word(n) in ("a", "p") and t.is_(n + 1, ".") and t.word(n + 2) == "m":
            return n + 3
        if t.word(n) in ("am", "pm") and t.text[n].isupper():
            return n + 1
        # Phone numbers: "(212) 555-1234"
        if len(tok) == 3 and t.is_(p, "(") and t.is_(n, ")") and n + 1 < t.n and t.kind[n + 1] == "n" \
                and t.is_(n + 2, "-") and t.adj(n + 1, n + 2):
            return self._skip_glued(n + 1)
        if tok.isdigit():
            # Zip codes: "New York, NY 10022", "Boston, Massachusetts 02110"
            if len(tok) == 5 and t.word(p) is not None and t.text[p] not in _ISO and (
                    (len(t.text[p]) == 2 and t.text[p].isupper()) or
                    (t.text[p][0].isupper() and (t.is_(p - 1, ",") or
                                                 (t.word(p - 1) and t.text[p - 1][0].isupper())))):
                return n
            # Street numbers: "1345 Avenue of the Americas", "200 Park Avenue"
            for k in range(n, min(n + 4, t.n)):
                w = t.word(k)
                if w is None or not t.text[k][0].isupper():
                    break
                if w in _STREET and (k > n or w in ("avenue", "ave", "route", "highway")):
                    return n
        return None

    # -- reading a figure --

    def _currency_before(self, i: int):
        """(currency, first token) of a currency written before token i, or None."""
        t = self.t
        p = i - 1
        if p < 0 or t.start[i] - t.end[p] > 1:
            return None
        if t.text[p] in _SYMBOLS:
            sym, first = t.text[p], p
            if sym == "$":
                q = p - 1
                if q >= 0 and t.start[p] - t.end[q] <= 1:
                    # "US$", "US $", "C$", "HK$"; a one-letter prefix only glued ("A $5 fee" is not A$)
                    if t.word(q) in _DOLLAR_PREFIXES and t.text[q].isupper() \
                            and (len(t.text[q]) > 1 or t.adj(q, p)) \
                            and not (t.adj(q - 1, q) and t.kind[q - 1] != "s"):
                        return t.text[q].upper() + "$", q
                    if t.kind[q] == "w" and t.text[q] in _ISO:
                        return t.text[q], q                 # "CAD $316,000", "USD $5"
                    # "U.S.$" and "U.S. $"
                    if t.text[q] == "." and t.word(q - 1) == "s" and t.is_(q - 2, ".") \
                            and t.word(q - 3) == "u" and t.adj(q - 1, q) and t.adj(q - 2, q - 1) \
                            and t.adj(q - 3, q - 2):
                        return "US$", q - 3
            return sym, first
        if t.kind[p] == "w" and t.text[p] in _ISO:
            return t.text[p], p
        return None

    def _core(self, i: int):
        """The number written at token i: (value, last token, words, fraction) or None."""
        t = self.t
        kind = t.kind[i]
        if kind == "s" and t.text[i] in _VULGAR:
            a, b = _VULGAR[t.text[i]]
            return Decimal(a) / Decimal(b), i, False, True
        if kind == "w":
            f = _fraction_words(t, i)
            if f is not None:
                return f[0], f[1], True, True
            r = _int_words(t, i)
            if r is None:
                return None
            value, last = Decimal(r[0]), r[1]
            # "one and one-half", "six and three-quarters", "one and a half"
            k = t.next_word(last)
            if k is not None and t.low[k] == "and":
                k2 = t.next_word(k)
                f = _fraction_words(t, k2, allow_a=True) if k2 is not None else None
                if f is not None:
                    value, last = value + f[0], f[1]
            return value, last, True, False
        if kind != "n":
            return None
        value = _digits_value(t.text[i])
        if value is None:
            return None
        last = i
        n = i + 1
        whole = "." not in t.text[i] and "," not in t.text[i]
        # "6 3/4", "6-3/4", "6½", "1/2"
        if n < t.n and t.adj(i, n) and t.text[n] in _VULGAR and whole:
            a, b = _VULGAR[t.text[n]]
            return value + Decimal(a) / Decimal(b), n, False, False
        if t.is_(n, "/") and t.adj(i, n) and whole and n + 1 < t.n and t.kind[n + 1] == "n":
            frac = self._slash(i)
            if frac is None:
                return None
            last = i + 2
            if t.word(last + 1) in ("th", "ths") and t.adj(last, last + 1):
                last += 1                                   # "1/40th"
            return frac, last, False, True
        if whole and n + 1 < t.n:
            m = None
            if t.kind[n] == "n" and t.start[n] == t.end[i] + 1:
                m = n                                       # "6 3/4"
            elif t.is_(n, "-") and t.adj(i, n) and t.adj(n, n + 1) and t.kind[n + 1] == "n":
                m = n + 1                                   # "6-3/4"
            if m is not None and t.is_(m + 1, "/") and t.adj(m, m + 1):
                frac = self._slash(m)
                if frac is not None:
                    return value + frac, m + 2, False, False
        return value, last, False, False

    def _slash(self, i: int) -> Decimal | None:
        """'3/4' at token i: a proper fraction with a small denominator, else None ('24/7')."""
        t = self.t
        d = i + 2
        if d >= t.n or t.kind[d] != "n" or not t.adj(i + 1, d):
            return None
        a, b = t.text[i], t.text[d]
        if not (a.isdigit() and b.isdigit()) or (t.is_(d + 1, "/") and t.adj(d, d + 1)):
            return None
        a, b = int(a), int(b)
        if not (0 < a < b <= 100):
            return None
        return Decimal(a) / Decimal(b)

    def _year(self, i: int) -> bool:
        t = self.t
        tok = t.text[i]
        if not (len(tok) == 4 and tok.isdigit() and 1900 <= int(tok) <= 2099):
            return False
        p = t.word(i - 1)
        if p in _YEAR_BEFORE or p in _MONTHS or t.is_(i - 1, "©"):
            return True
        if t.is_(i - 1, ")") and t.word(i - 2) == "c" and t.is_(i - 3, "("):
            return True                                     # "Copyright (c) 2025"
        if p == "of" and t.word(i - 2) in _YEAR_OF:
            return True
        if t.word(i + 1) in _YEAR_AFTER and t.start[i + 1] == t.end[i] + 1:
            return True
        # "the years ended December 31, 2024 and 2023", "2024, 2023 and 2022"
        if (p in ("and", "or", "to", "through") or t.is_(i - 1, ",")) and i >= 2:
            before = t.text[i - 2]
            return len(before) == 4 and before.isdigit() and 1900 <= int(before) <= 2099
        return False

    def _qualifiers(self, first: int):
        """(approximate, up_to) from the words before token `first`."""
        t = self.t
        p = first - 1
        if t.word(p) == "of" and t.word(p - 1) in ("aggregate", "total"):
            p -= 2
            if t.word(p) in ("a", "an"):
                p -= 1
        elif t.word(p) == "aggregate" and t.word(p - 1) in ("an", "the"):
            p -= 2
        approximate = False
        if t.is_(p, ".") and t.word(p - 1) == "approx" and t.adj(p - 1, p):
            approximate, p = True, p - 2
        elif t.word(p) in _APPROX:
            approximate, p = True, p - 1
        w1, w2, w3 = t.word(p), t.word(p - 1), t.word(p - 2)
        up_to = (w1 == "to" and w2 == "up") or (w1 == "of" and w2 == "maximum") or \
                (w1 == "than" and w2 == "more" and w3 in ("not", "no")) or \
                (w1 == "exceed" and w2 == "to" and w3 == "not") or (w1 == "exceeding" and w2 == "not")
        return approximate, up_to

    def _figure(self, i: int):
        """The figure whose number starts at token i: (Figure, next token) or None."""
        t = self.t
        core = self._core(i)
        if core is None:
            return None
        value, last, words, fraction = core
        scaled = False
        n = last + 1
        cur = self._currency_before(i)
        # Scales: "2.5 million", "$15M", "$15 mm", "$2.5 mn"
        if not words and n < t.n and t.kind[n] == "w" and not fraction:
            low = t.low[n]
            glued = t.adj(last, n)
            power = None
            if low in _SCALE_WORDS:
                power = len(str(_SCALE_WORDS[low])) - 1
            elif low in _SCALE_ABBR:
                power = _SCALE_ABBR[low]
            elif glued and low in _SCALE_LETTER and cur is not None:
                power = _SCALE_LETTER[low]
            if power is not None:
                value, last, scaled = _scaled(value, power), n, True
        n = last + 1
        kind = "fraction" if fraction else "count"
        currency = None
        # Percent: "6%", "6 %", "7.5 percent", "6 per cent"
        if t.is_(n, "%") and t.start[n] - t.end[last] <= 1:
            kind, last = "percent", n
        elif t.word(n) in ("percent", "pct", "percentum"):
            kind, last = "percent", n
        elif t.word(n) == "per" and t.word(n + 1) in ("cent", "centum"):
            kind, last = "percent", n + 1
        elif cur is not None:
            kind, currency = "money", cur[0]
        else:
            after = self._currency_after(n)
            if after is not None:
                currency, last, cents = after
                kind = "money"
                if cents:
                    value = value.scaleb(-2)
                elif t.word(last + 1) == "and":
                    # "One Dollar and Fifty Cents", "10 dollars and 25 cents"
                    c = _cents(t, last + 2)
                    if c is not None:
                        value, last = value + Decimal(c[0]).scaleb(-2), c[1]
        first = cur[1] if cur is not None and kind == "money" else i
        if t.start[first] < self.last_end:
            first = i
            if kind == "money" and cur is not None:
                kind, currency = "count", None
        if kind == "count" and not words and not scaled and self._year(i):
            kind = "year"
        approximate, up_to = self._qualifiers(first)
        return Figure(t.start[first], t.end[last], value, kind, currency, approximate, up_to, words), last + 1

    def _currency_after(self, n: int):
        """(currency, last token, cents) for 'dollars', 'U.S. dollars', 'euros', 'USD' after a number."""
        t = self.t
        w = t.word(n)
        if w is None:
            return None
        if t.text[n] in _ISO:
            return t.text[n], n, False
        if w in ("dollars", "dollar"):
            return "$", n, False
        if w in ("euros", "euro"):
            return "EUR", n, False
        if w in ("cents", "cent"):
            return "$", n, True
        if w == "pounds" and t.word(n + 1) == "sterling":
            return "GBP", n + 1, False
        for country, cur in _DOLLAR_COUNTRY.items():
            parts = country.split()
            if country == "u.s.":
                if w == "u" and t.is_(n + 1, ".") and t.word(n + 2) == "s" and t.is_(n + 3, ".") \
                        and t.word(n + 4) in ("dollars", "dollar"):
                    return cur, n + 4, False
                continue
            if all(t.word(n + k) == part for k, part in enumerate(parts)) \
                    and t.word(n + len(parts)) in ("dollars", "dollar"):
                return cur, n + len(parts), False
        return None

    def run(self) -> list[Figure]:
        t = self.t
        i = 0
        while i < t.n:
            if i in self.date_at:
                end = self.date_at[i]
                while i < t.n and t.start[i] < end:
                    i += 1
                continue
            kind = t.kind[i]
            if kind == "n":
                skip = self._not_a_figure(i)
                if skip is not None:
                    i = max(skip, i + 1)
                    continue
            elif kind == "w":
                w = t.low[i]
                if w not in _UNITS and w not in _TENS and w != "a":
                    i += 1
                    continue
            elif t.text[i] not in _VULGAR:
                i += 1
                continue
            r = self._figure(i)
            if r is None:
                i += 1
                continue
            fig, i = r
            self.out.append(fig)
            self.last_end = fig.end
        return _pair(self.s, self.out)


def _compatible(a: Figure, b: Figure) -> str | None:
    """The merged kind of a figure in words and the same figure in digits, or None."""
    if a.value != b.value:
        return None
    if a.kind == b.kind:
        return a.kind
    kinds = {a.kind, b.kind}
    if "count" in kinds and len(kinds) == 2 and "year" not in kinds:
        return (kinds - {"count"}).pop()
    return None


def _pair(text: str, figs: list[Figure]) -> list[Figure]:
    """Join a figure in words with its digits in parentheses: 'One Million (1,000,000)',
    '($50,000) fifty thousand dollars', '2 (two)'. Words and digits that disagree stay apart."""
    out: list[Figure] = []
    i = 0
    while i < len(figs):
        a = figs[i]
        if i + 1 < len(figs):
            b = figs[i + 1]
            between = text[a.end:b.start]
            merged = None
            if a.words != b.words and (kind := _compatible(a, b)) is not None:
                digits = b if a.words else a
                span = None
                if between in ("(", " (") and text[b.end:b.end + 1] == ")":
                    span = (a.start, b.end + 1)                 # "two (2)", "2 (two)"
                elif between in (")", ") ") and a.start > 0 and text[a.start - 1] == "(" and not a.words:
                    span = (a.start - 1, b.end)                 # "($50,000) fifty thousand dollars"
                if span is not None:
                    merged = Figure(span[0], span[1], digits.value, kind, digits.currency or a.currency or
                                    b.currency, a.approximate or b.approximate, a.up_to or b.up_to, True)
            if merged is not None:
                out.append(merged)
                i += 2
                continue
        # A bare "(1)" or "(ii)" on its own numbers a list or a footnote; it is no figure.
        if not a.words and a.kind == "count" and a.start > 0 and text[a.start - 1] == "(" \
                and text[a.end:a.end + 1] == ")" and len(text[a.start:a.end]) <= 2:
            i += 1
            continue
        out.append(a)
        i += 1
    return out


def figures(text: str) -> list[Figure]:
    """Every figure in `text`, in order, non-overlapping (see the module docstring)."""
    return _Lexer(text).run()
