"""Who issued a document, of which form, and as of which date: one reader per kind of document.

An 8-K is read from its SEC header and cover page; when the cover is missing or unreadable the
issuer comes from the text (the company defined as the "Company", or the one that "entered into"
the agreement) and the date from the first date of the text, each with a warning. A press release
is read from its dateline and its first sentence. Only a document that names no issuer anywhere
is refused.
"""
from __future__ import annotations

import re
from datetime import date

import attrs

from events import Quote
from ledger.errors import LedgerError
from ledger.extract.cover import Cover, family_date, read_cover, readable_case
from ledger.extract.prospectus import cover_issuer
from ledger.formats.forms import CURRENT, PROSPECTUS, REGISTRATION, family
from ledger.extract.segment import EXCHANGE, EXHIBIT, PRESS_RELEASE, Document, part_of, segment
from ledger.extract.values import DATE_RE, parse_date
from ledger.formats import Header


class NoIssuer(LedgerError, ValueError):
    """The document names no issuer: not on a cover page, in a header or in its text."""


@attrs.frozen
class Identity:
    issuer_name: str
    report_date: date | None
    form: str
    public_date: date | None
    quotes: tuple[Quote, ...]
    warnings: tuple[str, ...]


# A legal form that ends a company's name ("Inc.", "Ltd.", "ASA", "AB (publ)").
_SUFFIX = re.compile(
    r"(?:Inc|Incorporated|Corp|Corporation|Co|Company|Ltd|Limited|LLC|L\.L\.C|LP|L\.P|LLP|PLC|plc|N\.V|NV|S\.A|SA|"
    r"AG|SE|ASA|AS|A/S|ApS|AB|Oyj|GmbH|S\.p\.A|SpA|B\.V|BV|Pty|Holdings?|Group|Trust|Bancorp|Partners)\.?$")
_NAME_WORD = re.compile(r"[A-Z0-9][\w.&'’+-]*[®™]?$")          # a capitalised word, read from its end
# Words glued to the name by a lost space ("release fromArgeo ASA"): the function word is dropped.
_GLUED = re.compile(r"^(?:from|by|to|of|the|and|in|at|for|with|that|made)(?=[A-Z][a-z])")
# The legal forms a name read forwards ends at ("Sera Prognostics, Inc.**, The Pregnancy Company®").
_LEGAL_END = re.compile(
    r"(?:Inc|Incorporated|Corp|Corporation|Co|Ltd|Limited|LLC|L\.L\.C|L\.P|LP|PLC|plc|N\.V|S\.A|AG|SE|ASA|AB|Oyj|GmbH|"
    r"A/S|AS|ApS|S\.p\.A|SpA|S\.A\.S|SAS|B\.V|BV|Pty|K\.K|KK)\.?"
    r"(?:\s*\(publ\))?$")
# A line that is nothing but a company's name: statements and exhibits head their pages with it (a
# combined report's cover table puts each registrant's commission file number before it: not the name).
_NAME_LINE = re.compile(r"^[*_#\s]*(?:\d{1,3}-\d{3,6}\s+)?((?:[A-Z0-9][\w.&'’-]*,?\s+){0,7}(?:Inc|Incorporated|Corp|Corporation|Co|Ltd|Limited|LLC|"
                        r"L\.P|PLC|N\.V|S\.A|AG|SE|ASA|AB|Oyj)\.?)[*_\s]*$", re.M)
_CONNECTOR = {"&", "and", "of", "de", "du", "la", "del", "y", "-"}
_ALIAS = re.compile(r"\([^()]{0,80}?[\"“][*_]*[A-Z][^\"”()]{0,60}[\"”][^()]{0,80}\)")
_COMPANY_ALIAS = re.compile(r"\([^()]{0,80}?[\"“][*_]*(?:Company|Corporation|Registrant|Issuer)[*_]*[\"”][^()]{0,80}\)")
_SKIPPED_PAREN = re.compile(rf"\((?:[^()]{{0,40}}\b(?:{EXCHANGE})\b[^()]{{0,60}}|formerly[^()]{{0,80}}|publ|[A-Z]{{2,6}})\)$", re.I)
_LEAD_VERB = re.compile(
    r"\b(?:today|announce[sd]?|announcing|is\s+pleased|are\s+pleased|has|have|had|reported|reports|priced|closed|completed|"
    r"entered|resolved|intends|will|said)\b")
_ENTERED = re.compile(r"\bentered\s+into\b")
_APPOSITIVE = re.compile(r",\s+an?\s+(?:[A-Z][\w.]*\s+){1,3}(?:corporation|company|limited|partnership|exempted)", re.I)
_MD_LINK = re.compile(r"\[([^\]\n]{1,120})\]\([^)\s]{0,500}\)")
_ISO_DATE = re.compile(r"\bdate:\s*[\"']?(\d{4})-(\d{2})-(\d{2})")
_MAX_WORDS = 10
_TEXT_SPAN = 30_000      # how far into the text an issuer defined there is looked for


def _quote(text: str, start: int, end: int) -> Quote:
    return Quote(start, end, text[start:end])


def _name_before(text: str, end: int, floor: int) -> tuple[int, int] | None:
    """The span of the company name that ends just before `end`: capitalised words read backwards,
    past tickers ("(Nasdaq: ACME)"), "(formerly ...)" and markup, down to `floor` (the lead's start,
    where a name may begin in lower case: "atai Life Sciences")."""
    at = end
    while True:      # what stands between the name and the definition
        stripped = text[:at].rstrip(" \t*_,")
        at = len(stripped) if len(stripped) >= floor else floor
        if text[at - 1:at] == ")":
            opened = text.rfind("(", max(floor, at - 120), at)
            if opened >= 0 and _SKIPPED_PAREN.search(text[opened:at]) and not text[opened:at].lower() == "(publ)":
                at = opened
                continue
        break
    stop, words, start = at, 0, None
    pos = at
    while pos > floor and words < _MAX_WORDS:
        space = max(text.rfind(" ", floor, pos), text.rfind("\n", floor, pos), floor - 1)
        word = text[space + 1:pos].strip("*_")
        lead_word = space + 1 <= floor + 2 and word[:1].isalpha()
        glued = _GLUED.match(word)
        if glued and not lead_word:
            start, words = space + 1 + glued.end(), words + 1
            break
        if _NAME_WORD.match(word) or word == "(publ)" or lead_word or (start is None and _SUFFIX.match(word)):
            start, words, pos = space + 1, words + 1, space
            if text[pos - 1:pos] == ",":       # "Holdings, Inc.": a comma only before a legal form
                if not _SUFFIX.match(word):
                    break
                pos -= 1
            continue
        if word in ("&",) and start is not None:
            pos = space
            continue
        break
    if start is None:
        return None
    while text[start] in "*_[":
        start += 1
    while stop > start and text[stop - 1] in "*_, ":
        stop -= 1
    return (start, stop) if stop > start else None


def _name_to_legal_form(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A lead that opens with a full legal name: capitalised words up to "Inc.", "Ltd.", "ASA"."""
    while start < end and text[start] in " *_[":
        start += 1
    at = start
    for word in re.finditer(r"\S+", text[start:min(end, start + 200)]):
        token = word.group().strip("*_,")
        at = start + word.start() + len(word.group().rstrip("*_,"))
        if _LEGAL_END.search(token) and word.start():
            return start, at
        if word.start() and not (_NAME_WORD.match(token) or token in ("&", "and", "-")):
            return None
        if word.start() == 0 and not token[:1].isalnum():
            return None
        if token.endswith(")") or "(" in token:
            return None
    return None


def _name_after(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The name that opens a lead ("Karman Space & Defense today announced"): words up to the verb."""
    while start < end and text[start] in " *_[":
        start += 1
    verb = _LEAD_VERB.search(text, start, min(end, start + 200))
    if not verb:
        return None
    span = _name_before(text, verb.start(), start)
    return span if span and span[0] == start else None


def _first_sentence_end(document: Document, at: int) -> int:
    for s in document.sentences:
        if s.end > at:
            return s.end
    return len(document.text)


def _release_issuer(document: Document) -> tuple[int, int] | None:
    text, lead = document.text, document.lead
    if lead is not None:
        end = _first_sentence_end(document, lead)
        link = _MD_LINK.match(text, lead)
        if link:                                   # "[Cybin Inc.](https://...)"
            return link.span(1)
        span = _name_to_legal_form(text, lead, end)
        if span:
            return span
        verb = _LEAD_VERB.search(text, lead, end)
        limit = verb.start() if verb else end
        paren = _ALIAS.search(text, lead, limit) or _LISTED_PAREN.search(text, lead, limit)
        if paren:
            span = _name_before(text, paren.start(), lead)
            if span:
                return span
        span = _name_after(text, lead, end)
        if span:
            return span
    return _defined_company(document, 0)


_LISTED_PAREN = re.compile(rf"\([^()]{{0,40}}\b(?:{EXCHANGE})\b[^()]{{0,60}}\)", re.I)


def _body_from(document: Document, at: int) -> int:
    """Skip the front matter: its summary is not the text."""
    part = part_of(document, at)
    return part.end + 1 if part.role == "front_matter" else at


def _defined_company(document: Document, at: int) -> tuple[int, int] | None:
    """The company defined as the "Company" (or as itself) first in the text."""
    text = document.text
    at = _body_from(document, at)
    for m in _COMPANY_ALIAS.finditer(text, at, min(len(text), at + _TEXT_SPAN)):
        floor = text.rfind("\n", 0, m.start()) + 1
        span = _name_before(text, m.start(), floor)
        if span and _proper(text[span[0]:span[1]]):
            return _drop_preamble(text, span)
    return None


_GENERIC = {"company", "the company", "registrant", "the registrant", "corporation", "the corporation", "issuer"}


def _proper(name: str) -> bool:
    """A proper name, not "the Company" or a lower-case phrase."""
    words = name.split()
    return bool(words) and bool(_NAME_WORD.match(words[0].strip("*_"))) and name.lower() not in _GENERIC


def _drop_preamble(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """'On March 1, Acme' or 'Further Acme': a sentence opener is not part of the name."""
    m = re.match(r"(?:On|In|As|Further|Effective|Accordingly|Today)\s+(?=[A-Z])", text[span[0]:span[1]])
    return (span[0] + m.end(), span[1]) if m else span


def _entered_into(document: Document) -> tuple[int, int] | None:
    """The company that "entered into" the agreement, read before the verb."""
    text = document.text
    at = _body_from(document, 0)
    for s in document.sentences:
        if s.start < at or s.start > at + _TEXT_SPAN:
            continue
        verb = _ENTERED.search(s.text)
        if not verb:
            continue
        head = s.text[:verb.start()]
        marks = [m.start() for m in (_ALIAS.search(head), _APPOSITIVE.search(head)) if m]
        end = s.start + (min(marks) if marks else len(head.rstrip()))
        floor = s.start
        date_prefix = re.match(rf"(?:On|As\s+of|Effective)\s+{DATE_RE.pattern}\s*,\s*", s.text, re.I)
        if date_prefix:
            floor += date_prefix.end()
        span = _name_before(text, end, floor)
        if span and span[0] >= floor and _proper(text[span[0]:span[1]]):
            return span
    return None


def _name_line(document: Document) -> tuple[int, int] | None:
    """The first paragraph that is only a company's name (a statement's or an exhibit's page head)."""
    text, at, seen = document.text, _body_from(document, 0), 0
    while at < len(text) and seen < 60:
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        m = _NAME_LINE.match(text, at, end) if end - at <= 120 else None
        if m:
            return m.span(1)
        at, seen = end + 1, seen + 1
    return None


def _first_date(document: Document) -> tuple[date | None, Quote | None]:
    at = _body_from(document, 0)
    for m in DATE_RE.finditer(document.text, at):
        d = parse_date(m.group())
        if d:
            return d, _quote(document.text, m.start(), m.end())
    return None, None


def _front_matter_date(document: Document) -> tuple[date | None, Quote | None]:
    front = document.parts[0] if document.parts and document.parts[0].role == "front_matter" else None
    if front is None:
        return None, None
    m = _ISO_DATE.search(document.text, front.start, front.end)
    if not m:
        return None, None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])), _quote(document.text, m.start(1), m.end(3))
    except ValueError:
        return None, None


def _press_release(document: Document) -> Identity:
    text, warnings, quotes = document.text, [], []
    span = _release_issuer(document)
    if span is None:
        raise NoIssuer("no registrant name found: the press release names no company in its first sentence "
                       "and defines none as the \"Company\"")
    name = text[span[0]:span[1]]
    quotes.append(_quote(text, *span))
    dateline = document.dateline
    public = None
    if dateline and dateline.date_start is not None:
        report = public = parse_date(text[dateline.date_start:dateline.date_end])
        quotes.append(_quote(text, dateline.date_start, dateline.date_end))
    else:
        report, q = _front_matter_date(document)
        source = "the front matter's date:"
        if report is None:
            report, q = _first_date(document)
            source = "the first date in the text"
        if report is not None:
            quotes.append(q)
            warnings.append(f"no dateline; the report date is {source} {report.isoformat()}")
    return Identity(name, report, PRESS_RELEASE, public, tuple(quotes), tuple(warnings))


def _filing(document: Document, header: Header | None, cover: Cover, kind: str) -> Identity:
    text, warnings, quotes = document.text, [], list(cover.quotes)
    # The order of before: the cover (its label, else its own reading of a defined company), then the
    # header; the text's other readings only when both are silent.
    name = cover.issuer_name
    if name and not cover.name_on_cover and not _proper(name):
        name = None         # "the Company (the "Company")": not a name
    if not name and header and header.company:
        name = readable_case(header.company, text)
    elif name and not cover.name_on_cover:
        warnings.append(f"issuer read from the text, not the cover page: {name}")
    if not name:
        on_cover = cover_issuer(text) if family(cover.form or (header and header.form_type)) in (PROSPECTUS, REGISTRATION) else None
        span = on_cover or _defined_company(document, 0) or _entered_into(document) or _name_line(document)
        if span is None:
            raise NoIssuer("no registrant name found on the cover page, in the SEC header or in the text")
        name = text[span[0]:span[1]]
        quotes.insert(0, _quote(text, *span))
        if on_cover:        # a prospectus prints its issuer's name on the cover, unlabelled
            name = readable_case(name, text)
        else:
            warnings.append(f"issuer read from the text, not the cover page: {name}")
    form = (header and header.form_type) or cover.form or (_exhibit_type(document) if kind == EXHIBIT else "8-K")
    fam = family(form)
    labelled = family_date(text, fam)
    report = _dated(fam, header, cover, labelled, quotes)
    if report is None:
        report, q = _first_date(document)
        if report is not None:
            quotes.append(q)
            warnings.append(f"no date of report on the cover and no signature date; the first date in the text "
                            f"({report.isoformat()}) is used")
    public = (header and header.filed) or cover.signature_date
    if public is None and fam in (PROSPECTUS, REGISTRATION) and labelled:
        public = labelled[0]        # a prospectus is public on its date, a registration on its filing; neither is signed
    return Identity(name, report, form, public, tuple(quotes), tuple(warnings))


def _dated(fam: str, header: Header | None, cover: Cover, labelled: tuple[date, Quote] | None,
           quotes: list[Quote]) -> date | None:
    """The date a filing is dated by, per family: an 8-K's date of report, a periodic report's period,
    a prospectus's own date (the supplement's, not its base prospectus's), a registration
    statement's filing (``labelled``: the cover's, ``cover.family_date``). The header's period
    outranks the cover; the signature date is the fallback."""
    if fam == PROSPECTUS and labelled:             # a 424B has no period; its header's date is the filing's
        quotes.append(labelled[1])
        return labelled[0]
    if header and header.period:
        return header.period
    if fam == CURRENT:
        return cover.report_date or cover.signature_date
    if labelled:
        quotes.append(labelled[1])
        return labelled[0]
    if fam == REGISTRATION and header and header.filed:
        return header.filed
    return cover.signature_date


def _exhibit_type(document: Document) -> str:
    first = next((p for p in document.parts if p.role != "front_matter"), None)
    return (first.label if first and first.label else "exhibit")


def identify(normalised: str, header: Header | None, document_kind: str | None, *,
             document: Document | None = None, cover: Cover | None = None) -> Identity:
    """The issuer, the date of report, the form and the public date of a document. Raises NoIssuer
    when no issuer is named anywhere. `document` and `cover`, when the caller has them, save reading
    the text again."""
    document = document or segment(normalised, document_kind)
    if document_kind == PRESS_RELEASE and header is None:
        return _press_release(document)
    return _filing(document, header, cover or read_cover(normalised), document_kind or "8-K")
