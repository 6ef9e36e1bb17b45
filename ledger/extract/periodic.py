"""Periodic reports (10-Q, 10-K, 10-QSB, 10-KSB, 20-F): the shares outstanding their cover states,
and which parts of them are read for sales.

A periodic report restates the past at length (statements, notes, MD&A), so the sale pipeline sees
only the parts that report sales: Part II Item 2 of a 10-Q ("Unregistered Sales of Equity Securities
and Use of Proceeds", older "Changes in Securities"), Item 5 of a 10-K / 10-KSB ("Market for
Registrant's Common Equity ...", its "Recent Sales of Unregistered Securities"), a "Recent Sales of
Unregistered Securities" heading wherever it stands, and the subsequent-events note (what happened
after the period, which no earlier report told). Within Item 5 the market prices, holders,
dividends, equity-plan table and repurchases are not read, nor is the use of an earlier offering's
proceeds.

The cover's statement of shares outstanding at a date becomes a balance, per class: the sentence
("As of May 8, 1998, 9,482,116 shares of the registrant's Common Stock were outstanding"; "The number
of shares outstanding of the registrant's Common Stock, as of April 30, 1998 was ..."), the table
("Class | Outstanding at May 5, 2005 / Common Stock, $0.001 par value | 23,456,789 shares"), a
20-F's count "as of the close of the period covered by the annual report" (the period's end), and
the inline-XBRL ``dei:EntityCommonStockSharesOutstanding`` facts (``ledger.formats.xbrl``). The
aggregate market value held by non-affiliates is not a balance; a count of preferred shares is not
a common balance and is left out, nor is the count of a subsidiary that files the same combined
report ("Common Stock ... (all owned by Parent Inc.)": shares another registrant holds whole). Pure functions over the normalised text.
"""
from __future__ import annotations

import re
from datetime import date

import attrs

from events import BalanceAssertion, Provenance, Quote
from ledger.extract.figures import dates, figures
from ledger.formats.forms import PERIODIC, family
from ledger.formats.xbrl import SharesFact
from ledger.text.normalise import Sentence, sentences as split_sentences

def is_periodic(form: str | None) -> bool:
    """A quarterly or annual report (an amendment too): ``ledger.formats.forms``'s periodic family."""
    return bool(form) and family(form) == PERIODIC


# --- the cover's balances -------------------------------------------------------------------------

_COVER_SPAN = 30_000     # how far into the text a cover page may run
# The cover ends where the report begins: "PART I" (also the index's first line) or "Item 1".
_COVER_END = re.compile(r"^(?:PART\s+I\b(?!I)|PART\s+ONE\b|Item\s+1\b)", re.I | re.M)
_OUTSTANDING = re.compile(r"\boutstanding\b", re.I)
_NOT_A_BALANCE = re.compile(r"market\s+value|non-?\s*affiliates|\bauthori[sz]ed\b|\bpublic\s+float\b", re.I)
# Where one clause of a sentence ends and the next begins: a 10-K cover often tells the shares
# outstanding and the non-affiliates' market value in one sentence ("As of March 2, 1998, 4,800,000
# shares ... were outstanding, and the aggregate market value ... was $40,000,000"); only the clause
# about the market value is no balance.
_CLAUSE = re.compile(r";\s|,\s+and\s+|\s+and\s+(?=(?:there|the\s+number|as\s+of|on)\b)", re.I)
_CLOSE_OF_PERIOD = re.compile(r"close\s+of\s+the\s+(?:fiscal\s+year|period)\s+covered|end\s+of\s+the\s+period\s+covered", re.I)
_CLASS_WORD = r"(?:Class|Series)\s+[A-Z0-9]{1,3}\b"
_KIND = (r"(?:common\s+(?:stock|shares)|ordinary\s+shares|capital\s+stock|subordinate\s+voting\s+shares|"
         r"American\s+Depositary\s+Shares|ADSs|shares\s+of\s+beneficial\s+interest|common\s+units|"
         r"preferred\s+(?:stock|shares)|preference\s+shares)")
_TITLE = re.compile(
    rf"(?:{_CLASS_WORD}\s+)?(?:(?:voting|non-?voting|restricted|redeemable|exchangeable|multiple|limited)\s+)*"
    rf"{_KIND}(?:\s*,?\s+{_CLASS_WORD})?", re.I)
_PREFERRED = re.compile(r"prefer", re.I)
# A combined report's row for a subsidiary registrant: its shares are all held by the parent.
_HELD_WHOLE = re.compile(r"\ball\s+(?:of\s+which\s+(?:are|were|is)\s+)?(?:owned|held)\s+(?:of\s+record\s+)?by\b|"
                         r"\bwholly[-\s]+owned\s+by\b", re.I)
# A count that is a total broken down after it ("648,107,991 shares ..., consisting of ...").
_BROKEN_DOWN = re.compile(r"^[^\d;]{0,120}?\b(?:consisting\s+of|comprised\s+of|comprising|of\s+which)\b", re.I)
# A count inside another ("(including 20,600,000 Ordinary Shares represented by ADSs)", "of which ..."): part of a balance, not one.
_PART_OF = re.compile(r"(?:\(\s*(?:including|excluding)|\bof\s+which|\bincluding|\bexcluding|\bin\s+the\s+form\s+of)[^\d()]{0,30}$", re.I)
_TREASURY_AFTER = re.compile(r"^\s*(?:shares\s+)?(?:(?:were\s+)?held\s+)?(?:in\s+)?treasury", re.I)
_AFTER_COUNT = re.compile(
    r"^\s*(?:(?:issued\s+and\s+)?outstanding\s+)?(?:shares?\s+)?(?:of\s+)?(?:(?:the\s+)?(?:registrant|company|issuer|corporation)['’]?s\s+|"
    r"our\s+|its\s+|the\s+)?(?:outstanding\s+)?(?:shares\s+of\s+)?$", re.I)
_ROW_LINES = 6           # how many lines a table's header ("Class | Outstanding at ...") reaches


@attrs.frozen
class CoverBalance:
    """Shares of one class outstanding at a date, as the cover states them."""

    on: date
    shares: int
    security: str                    # the class title as written ("Common Stock", "Class B common stock")
    quotes: tuple[Quote, ...]        # the sentence or table line (a tag: its value as shown, then its sentence)
    source: str = "text"             # "text" | "xbrl"


def _cover_end(text: str) -> int:
    end = min(len(text), _COVER_SPAN)
    # The cover names the form first; "PART I" before that is no report's start.
    m = _COVER_END.search(text, 200 if len(text) > 200 else 0, end)
    return m.start() if m else end


def _counts(s: str):
    """The share counts written in a sentence: whole numbers, not money, not years, not tiny."""
    for f in figures(s):
        if f.kind != "count" or f.currency or f.value != f.value.to_integral_value():
            continue
        shown = s[f.start:f.end]
        v = int(f.value)
        if v < 100 or ("," not in shown and not f.words and not re.search(r"[a-z]", shown, re.I) and 1800 <= v <= 2100):
            continue
        yield f.start, f.end, v


def _title_for(s: str, start: int, end: int, prev_end: int, next_start: int) -> tuple[str | None, bool]:
    """The class a count belongs to: the title right after it ("N shares of the registrant's Common
    Stock"), else the nearest before it since the previous count ("Common Stock, $.01 par value ...
    was N"). (title or None, whether any title was found)."""
    after = s[end:min(next_start, end + 160)]
    for m in _TITLE.finditer(after):
        if _AFTER_COUNT.match(after[:m.start()]):
            return m.group(0), True
        break
    before = [m for m in _TITLE.finditer(s, prev_end, start)]
    if before:
        return before[-1].group(0), True
    return None, False


def _date_for(s: str, at: int, fallback: date | None, excluded: list[tuple[int, int]] = ()) -> date | None:
    found = dates(s)
    # A date in a clause about the market value dates that value, not the balance.
    found = [d for d in found if not any(a <= d.start < b for a, b in excluded)] or found
    if not found:
        return fallback
    return min(found, key=lambda d: min(abs(d.start - at), abs(d.end - at))).value


def _clean_title(title: str) -> str:
    return " ".join(title.split()).strip(" ,")


def _not_balance_spans(sentence: str) -> list[tuple[int, int]]:
    """The clauses of a sentence that speak of a market value, the non-affiliates' holding, the
    shares authorised or the public float: no count in them is a balance."""
    spans, at = [], 0
    for cut in [*_CLAUSE.finditer(sentence), None]:
        end = cut.start() if cut else len(sentence)
        if _NOT_A_BALANCE.search(sentence, at, end):
            spans.append((at, end))
        at = cut.end() if cut else end
    return spans


def _read_sentence(text: str, s: Sentence, pending: date | None, period: date | None, extra: tuple[Quote, ...]):
    if _HELD_WHOLE.search(s.text):
        return []               # a subsidiary registrant's shares, all held by its parent
    excluded = _not_balance_spans(s.text)
    counts = [c for c in _counts(s.text) if not any(a <= c[0] < b for a, b in excluded)]
    out = []
    for i, (a, b, v) in enumerate(counts):
        prev_end = counts[i - 1][1] if i else 0
        next_start = counts[i + 1][0] if i + 1 < len(counts) else len(s.text)
        if i + 1 < len(counts) and _BROKEN_DOWN.match(s.text[b:next_start]):
            continue
        if _TREASURY_AFTER.match(s.text[b:b + 40]) or _PART_OF.search(s.text[max(0, a - 60):a]):
            continue
        title, titled = _title_for(s.text, a, b, prev_end, next_start)
        if title is not None and _PREFERRED.search(title):
            continue                # a count of preferred is no common balance
        if not titled and not re.search(r"\bshares?\b", s.text, re.I):
            continue                # a number that names no shares ("Shares outstanding as of ...: N" does)
        fallback = period if _CLOSE_OF_PERIOD.search(s.text) else pending
        when = _date_for(s.text, (a + b) // 2, fallback, excluded)
        if when is None:
            continue
        quote = Quote(s.start, s.end, text[s.start:s.end])
        out.append(CoverBalance(when, v, _clean_title(title) if title else "Common Stock", (quote, *extra)))
    return out


def text_balances(text: str, *, period: date | None = None) -> tuple[CoverBalance, ...]:
    """The balances the cover page's own words state, in the order written."""
    end = _cover_end(text)
    out: list[CoverBalance] = []
    pending: date | None = None
    pending_quote: tuple[Quote, ...] = ()
    pending_until = -1
    for s in split_sentences(text[:end]):
        if _NOT_A_BALANCE.search(s.text) and all(
                any(a <= c[0] < b for a, b in _not_balance_spans(s.text)) for c in _counts(s.text)):
            continue        # about the market value (or shares authorised) only
        outstanding = bool(_OUTSTANDING.search(s.text))
        counts = list(_counts(s.text))
        if outstanding and not counts:
            # "Indicate the number of shares outstanding ...", "Class | Outstanding at May 5, 2005":
            # the rows below it state the counts.
            found = dates(s.text)
            if found:
                pending = found[-1].value
            elif _CLOSE_OF_PERIOD.search(s.text):
                pending = period
            pending_quote = (Quote(s.start, s.end, s.text),)
            pending_until = s.paragraph + _ROW_LINES
            continue
        if not counts:
            continue
        in_table = s.paragraph <= pending_until
        if not outstanding and not in_table:
            continue
        out.extend(_read_sentence(text, s, pending if in_table else None, period,
                                  pending_quote if in_table and not outstanding else ()))
    return tuple(out)


def _find_shown(text: str, shown: str, start: int, end: int) -> int:
    if not shown:
        return -1
    pattern = re.compile(r"(?<![\d,.])" + re.escape(shown) + r"(?![\d,])")
    m = pattern.search(text, start, end) or pattern.search(text, 0, end) or pattern.search(text)
    return m.start() if m else -1


def xbrl_balances(text: str, facts: tuple[SharesFact, ...]) -> tuple[CoverBalance, ...]:
    """The tagged counts, each quoted where its value shows in the normalised text (then the
    sentence around it). A fact with no date, or of a preferred class, is left out."""
    out = []
    end = max(_cover_end(text), 1)
    at = 0
    sentences = list(split_sentences(text[:end]))
    for f in facts:
        if f.on is None or _PREFERRED.search(f.security):
            continue
        pos = _find_shown(text, f.shown, at, end)
        if pos < 0:
            quotes = (Quote(0, 0, ""),)
        else:
            at = pos + len(f.shown)
            quotes = (Quote(pos, at, text[pos:at]),)
            around = next((s for s in sentences if s.start <= pos < s.end), None)
            if around is not None:
                quotes += (Quote(around.start, around.end, around.text),)
        out.append(CoverBalance(f.on, f.value, f.security, quotes, "xbrl"))
    return tuple(out)


def cover_balances(text: str, *, period: date | None = None, facts: tuple[SharesFact, ...] = ()) -> tuple[CoverBalance, ...]:
    """Every balance the cover states, once: a tagged fact and the sentence that shows it are one
    balance (the tag's, with the sentence as its second quote), whichever date the words give."""
    tagged = xbrl_balances(text, facts)
    seen = {(b.on, b.shares) for b in tagged}
    # Where a tag shows its value: the words around it state the same balance, even when they date
    # it otherwise (a 20-F's count "as of the close of the period" tagged at a later date: the tag's).
    shown = {(b.quotes[0].start, b.shares) for b in tagged if b.quotes[0].end > b.quotes[0].start}

    def _told_by_a_tag(b: CoverBalance) -> bool:
        q = b.quotes[0]
        return any(q.start <= at < q.end and shares == b.shares for at, shares in shown)

    written = tuple(b for b in text_balances(text, period=period)
                    if (b.on, b.shares) not in seen and not _told_by_a_tag(b) and not seen.add((b.on, b.shares)))
    return tagged + written


def balance_events(balances: tuple[CoverBalance, ...], stream: str) -> tuple[BalanceAssertion, ...]:
    """The balances as `balance_assertion` events (figure "common_shares"), the class title kept
    where the event has a field for it."""
    with_security = "security" in attrs.fields_dict(BalanceAssertion)
    out = []
    for b in balances:
        extra = {"security": b.security} if with_security else {}
        out.append(BalanceAssertion(effective_date=b.on, provenance=Provenance(stream, b.quotes),
                                    figure="common_shares", value=b.shares, **extra))
    return tuple(out)


# --- what is read for sales -----------------------------------------------------------------------

_ITEM = re.compile(r"^(?:Item|ITEM)\s+(?P<n>\d{1,2}[A-Z]?)\s*[.:\-–—]?\s*(?P<title>.*)$", re.I)
_PART = re.compile(r"^PART\s+(?:I{1,3}|IV|ONE|TWO|THREE|FOUR)\b", re.I)
_SALES_ITEM = re.compile(
    r"^(?:Unregistered\s+Sales\s+of\s+(?:Equity\s+)?Securities|Changes\s+in\s+(?:the\s+)?Securities|"
    r"Market\s+for\s+(?:the\s+)?(?:Registrant|Company|Issuer|Small\s+Business\s+Issuer|Our)?['’]?s?\s*"
    r"(?:Common\s+(?:Equity|Stock)|Equity)|Recent\s+Sales\s+of\s+Unregistered\s+Securities)", re.I)
_SALES_HEAD = re.compile(r"^(?:\(?[a-z0-9]\)\s*)?(?:Recent\s+Sales\s+of\s+Unregistered\s+(?:Equity\s+)?Securities|"
                         r"Unregistered\s+Sales\s+of\s+(?:Equity\s+)?Securities)\b", re.I)
# Sub-parts of Item 2 / Item 5 that state no new sale: prices, holders, dividends, the equity-plan
# table, repurchases, the use of an earlier offering's proceeds, a performance graph.
_NOT_SALES_HEAD = re.compile(
    r"^(?:\(?[a-z0-9]\)\s*)?(?:Market\s+(?:Information|Price)|Price\s+Range|(?:Approximate\s+Number\s+of\s+)?(?:Holders|Stockholders|Shareholders)\b|"
    r"Dividends?(?:\s+Policy)?\b|Securities\s+Authori[sz]ed\s+for\s+Issuance|Equity\s+Compensation\s+Plan|"
    r"(?:Issuer\s+)?(?:Purchases|Repurchases)\s+of\s+(?:Equity\s+Securities|(?:Our\s+)?(?:Common\s+)?(?:Stock|Shares))|"
    r"Use\s+of\s+Proceeds|Stock\s+Performance|Performance\s+Graph|Transfer\s+Agent)", re.I)
_SUBSEQUENT = re.compile(
    r"^(?:Note\s+(?:\d{1,2}[A-Z]?|[A-Z](?![A-Za-z]))\s*[.:\-–—]*\s*|\(?\d{1,2}[A-Z]?[.)]\s*[.:\-–—]?\s*)?Subsequent\s+Events?\b", re.I)
# Notes are numbered ("Note 9", "9.") or, in many small companies' statements, lettered ("NOTE J -").
_NOTE_HEAD = re.compile(r"^(?:(?i:Note)\s+(?:\d{1,2}[A-Z]?\b|[A-Z](?![A-Za-z])\s*[.:\-–—])|\(?\d{1,2}[A-Z]?[.)]\s+[A-Z][A-Za-z ,'’&()/-]{2,80}$)")
_END = re.compile(r"^(?:SIGNATURES?\b|EX-\d|EXHIBIT\s+INDEX\b|INDEX\s+TO\s+EXHIBITS\b|CERTIFICATIONS?\b)", re.I)
_HEADING_MAX = 160


def _heading(line: str) -> bool:
    return len(line) <= _HEADING_MAX and not line.rstrip(" *_").endswith((",", ";"))


_RUN_ON = re.compile(r"[A-Za-z]*[a-z][A-Za-z]*\b.*?\s\S+\s\S+")


def _runs_on(line: str, end: int) -> bool:
    """Whether text follows a heading on its line ("Subsequent Events. On April 2, 2008, ...")
    beyond the rest of a title ("... and Use of Proceeds")."""
    rest = line[end:]
    cut = re.search(r"[.:]\s+(?=[A-Z0-9(])|[.:]?\s*[-–—]\s+", rest)
    return bool(cut) and bool(_RUN_ON.search(rest[cut.end():]))


def sale_paragraphs(text: str) -> frozenset[int]:
    """The paragraphs (lines of the normalised text) a periodic report's sales are read from."""
    keep: set[int] = set()
    reading = False          # inside a sales item or heading
    in_sales_item = False    # inside Item 2 / Item 5 (whose sub-headings turn reading on and off)
    in_note = False          # inside the subsequent-events note
    for i, line in enumerate(text.split("\n")):
        line = line.strip()
        item = _ITEM.match(line)
        if item or _PART.match(line) or _END.match(line):
            title = item["title"].strip() if item else ""
            in_sales_item = bool(item and _SALES_ITEM.match(title))
            reading, in_note = in_sales_item, False
            if in_sales_item and _runs_on(title, _SALES_ITEM.match(title).end()):
                keep.add(i)      # a heading run into the item's first paragraph
            continue
        # A heading may run into its first paragraph ("Note 9. Subsequent Events. On April 2, ..."): kept then.
        if m := _SUBSEQUENT.match(line):
            in_note = True
            if _runs_on(line, m.end()):
                keep.add(i)
            continue
        if m := _SALES_HEAD.match(line):
            reading = True
            if _runs_on(line, m.end()):
                keep.add(i)
            continue
        if _heading(line):
            if in_note and _NOTE_HEAD.match(line):
                in_note = False
            if _NOT_SALES_HEAD.match(line) and (in_sales_item or reading):
                reading = False
                continue
        if reading or in_note:
            keep.add(i)
    return frozenset(keep)
