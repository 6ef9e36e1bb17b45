"""Normalised text to a document of parts with roles, and its sentences. Pure, linear in the text.

Roles: "front_matter" (a Markdown copy's YAML block: never facts), "cover" (an 8-K's cover page, up
to the first Item heading), "body" (8-K items; ``items`` are the item numbers it stands under),
"press_release" (an EX-99 exhibit under its type line, or a standalone release; its label is
"headline" for what comes before the dateline), "statements" (financial statements and their
notes, "(in thousands)" tables), "signature", "boilerplate" (a release's forward-looking
statements, "About the Company", legends: they never state facts of the deal), "other".

Parts follow each other without gaps and cover the whole text, so ``part_of`` is a bisection.
"""
from __future__ import annotations

import bisect
import re

import attrs

from ledger.extract import patterns as P
from ledger.extract.values import DATE
from ledger.formats.forms import form_on_cover
from ledger.formats.frontmatter import MARK
from ledger.text.normalise import Sentence, sentences as split_sentences

PRESS_RELEASE = "press release"
EIGHT_K = "8-K"
EXHIBIT = "exhibit"

# --- what kind of document ---------------------------------------------------------------------
# The cover of an 8-K, as its labels print it. "Form 8-K" alone is not enough: releases say they
# "will file a Current Report on Form 8-K".
_COVER = re.compile(
    r"CURRENT\s+REPORT\s+PURSUANT\s+TO|Date\s+of\s+Report|name\s+of\s+(?:the\s+)?registrant\s+as\s+specified|"
    r"Commission\s+File\s+(?:No|Number)|^(?:UNITED\s+STATES\s+)?SECURITIES\s+AND\s+EXCHANGE\s+COMMISSION\b", re.I | re.M)
_SEC = re.compile(r"SECURITIES\s+AND\s+EXCHANGE\s+COMMISSION|\bFORM\s+8-K\b|CURRENT\s+REPORT\s+PURSUANT", re.I)
_COVER_SPAN = 15_000        # where a cover page may be
_LEAD_PARAGRAPHS = 25       # how far into a release its dateline or lead sentence may be

# --- datelines ---------------------------------------------------------------------------------
_MARKUP = r"[\s*_`>#]*"
_WIRE = (r"GLOBE\s*NEWSWIRE|PR\s*Newswire|BUSINESS\s*WIRE|CNW(?:\s+Group)?|Canada\s*NewsWire|"
         r"ACCESS\s*(?:WIRE|Newswire)|TheNewswire|Newsfile(?:\s+Corp\.?)?|Marketwired?|PRWEB|EINPresswire|"
         r"EQS[- ]Newswire|Nasdaq\s+Newswire|NEWMEDIAWIRE|Newswire")
# A wire's name set off as datelines set it off: "(GLOBE NEWSWIRE)", "/PRNewswire/", "--(BUSINESS
# WIRE)--", "/ ACCESS Newswire /", "– TheNewswire -", "(Newsfile Corp. - February 3, 2025)".
_WIRE_MARK = re.compile(
    rf"\(\s*(?:{_WIRE})\s*(?:-\s*(?P<in>{DATE})\s*)?\)|/[\s*_]*(?:{_WIRE})[\s*_]*/|[-–—]\s*(?:{_WIRE})\s*[-–—]",
    re.I)
# A place: capitalised words ("NEW YORK and BERLIN", "Tel Aviv, Israel"), at most four a comma.
_PLACE_WORDS = r"[A-Z][\w.'’&-]*(?:[ \t]+(?:(?:and|&|de|la|du)[ \t]+)?[A-Z][\w.'’&-]*){0,3}"
_PLACE = rf"{_PLACE_WORDS}(?:\s*,\s*{_PLACE_WORDS}){{0,3}}"
_SEP = r"[\s*_]*(?:--|[-–—:./|])[\s*_]*"
# "OSLO, Norway, 12 February 2025: ", "Asker, 12 February 2025. ", "NEW YORK, March 3, 2004 -- "
_PLACE_DATE = re.compile(rf"{_MARKUP}(?P<place>{_PLACE})\s*,\s*(?P<date>(?i:{DATE})){_SEP}")
_LEAD_DATE = re.compile(rf"[\s*_]*(?:(?:--|[-–—:./|])[\s*_]*)?(?P<date>{DATE}){_SEP}", re.I)      # "/ February 12, 2025 /"
_LEAD_PLACE = re.compile(rf"[\s*_]*(?P<place>{_PLACE})\s*[-–—]\s*")           # "- Vancouver, BC - "
_DATE_ANYWHERE = re.compile(DATE, re.I)
_WIRE_WITHIN = 250          # a dateline's wire mark is this close to its paragraph's start

# A release without a dateline opens with its lead: the issuer, defined ("Acme" or the "Company")
# or listed (Nasdaq: ACME), and what it announced.
_ALIAS = re.compile(r"\([^()]{0,80}?[\"“][*_]*[A-Z][^\"”()]{0,60}[\"”][^()]{0,80}\)")
EXCHANGE = (r"NASDAQ|NYSE|TSX|TSXV|TSX-V|ASX|OTC|OTCQB|OTCQX|OTC\s*PINK|CSE|LSE|AIM|AMEX|Frankfurt|FSE|FRA|"
            r"Euronext|Oslo\s+B[øo]rs|Nasdaq\s+(?:Stockholm|First\s+North)|NEO|Cboe")
_LISTED = re.compile(rf"\([^()]{{0,40}}\b(?:{EXCHANGE})\b[^()]{{0,60}}\)", re.I)
_ANNOUNCES = re.compile(
    r"\b(?:today\s+announced|announced\s+today|announces|is\s+pleased\s+to\s+announce|are\s+pleased\s+to\s+announce|"
    r"today\s+reported|reports|has\s+today|today,|announced\s+(?:that|the))\b", re.I)

# --- parts -------------------------------------------------------------------------------------
_SIGNATURE = re.compile(r"^SIGNATURES?\b")
_IN_THOUSANDS = re.compile(r"\((?:[^()]{0,40}\b)?in\s+thousands\b", re.I)
_BOILERPLATE_HEAD = re.compile(
    r"^[\W_]*(?:About\s+(?!the\s+(?:Offering|Placement|Private\s+Placement|Financing|Transaction|Units?|Notes|"
    r"Debentures|Warrants|Agreement|Acquisition|Merger|Arrangement)\b)[A-Z0-9]|(?i:"
    r"(?:Cautionary\s+(?:Note|Statement|Language)[^.]{0,60}?)?Forward[- ]Looking\s+(?:Statements?|Information)|"
    r"Cautionary\s+(?:Note|Statement)|Safe\s+Harbou?r|Caution\s+Regarding|Notice\s+Regarding\s+Forward|"
    r"(?:Media|Investors?|Company)?\s*(?:Contacts?|Relations)(?:\s+Contacts?)?\s*(?::|$)|For\s+(?:further|more)\s+information))")
# One paragraph of legend, wherever it stands.
_LEGEND = re.compile(
    r"^[\W_]*(?:NOT\s+FOR\s+(?:DISTRIBUTION|RELEASE|DISSEMINATION)|This\s+(?:press|news)\s+release\s+"
    r"(?:shall\s+not|does\s+not|is\s+not|contains\s+forward|may\s+contain|includes\s+forward)|"
    r"Neither\s+(?:the\s+)?TSX|Neither\s+the\s+Canadian\s+Securities\s+Exchange|"
    r"(?:Certain\s+)?(?:statements|information)\s+(?:in|contained\s+in)\s+this\s+(?:press|news)\s+release|"
    r"Forward[- ]Looking\s+Statements?\b)", re.I)
_HEADING_MAX = 120          # a heading is a short paragraph


@attrs.frozen
class Part:
    role: str
    start: int
    end: int
    label: str = ""                  # "EX-99.1", "Item 3.02", "headline", "About the Company"
    items: tuple[str, ...] = ()      # the 8-K items a body part stands under


@attrs.frozen
class Dateline:
    """Where a release says where and when it was issued; the lead begins at ``lead``."""
    start: int
    end: int
    date_start: int | None
    date_end: int | None
    lead: int


@attrs.frozen
class Document:
    text: str
    kind: str | None                 # "8-K" | "press release" | None (neither)
    parts: tuple[Part, ...]
    sentences: tuple[Sentence, ...]
    dateline: Dateline | None = None
    lead: int | None = None          # where a release's first sentence starts (its issuer's name)
    _starts: tuple[int, ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(p.start for p in self.parts))


def part_of(document: Document, sentence: Sentence | int) -> Part:
    """The part a sentence (or an offset) lies in."""
    at = sentence if isinstance(sentence, int) else sentence.start
    i = bisect.bisect_right(document._starts, at) - 1
    return document.parts[max(i, 0)]


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, at = [], 0
    for line in text.split("\n"):
        out.append((at, at + len(line)))
        at += len(line) + 1
    return out


def _front_matter_end(text: str, paragraphs: list[tuple[int, int]]) -> int:
    """Index of the first paragraph after the front matter (0 when there is none)."""
    if not paragraphs or text[slice(*paragraphs[0])] != MARK:
        return 0
    for i, (a, b) in enumerate(paragraphs[1:], 1):
        if text[a:b] == MARK:
            return i + 1
    return 0


def _skip(pattern: re.Pattern, text: str, at: int, end: int) -> tuple[int, re.Match | None]:
    m = pattern.match(text, at, end)
    return (m.end(), m) if m else (at, None)


def _wire_dateline(text: str, a: int, b: int) -> Dateline | None:
    m = _WIRE_MARK.search(text, a, min(b, a + _WIRE_WITHIN))
    if not m:
        return None
    date = (m.start("in"), m.end("in")) if m["in"] else None
    if date is None:
        before = _DATE_ANYWHERE.search(text, a, m.start())
        date = before.span() if before else None
    lead = m.end()
    lead, _ = _skip(re.compile(_SEP), text, lead, b)
    for _ in range(2):       # "/ February 12, 2025 /", "- Vancouver, BC - ", in either order
        at, d = _skip(_LEAD_DATE, text, lead, b)
        if d and date is None:
            date = d.span("date")
        if d:
            lead = at
            continue
        at, place = _skip(_LEAD_PLACE, text, lead, b)
        if place and len(place["place"]) <= 60:
            lead = at
    lead, _ = _skip(re.compile(_MARKUP), text, lead, b)
    if lead >= b:
        return None
    return Dateline(a, lead, date[0] if date else None, date[1] if date else None, lead)


def _place_dateline(text: str, a: int, b: int) -> Dateline | None:
    m = _PLACE_DATE.match(text, a, b)
    if not m or len(m["place"]) > 80 or m.end() >= b:
        return None
    lead, _ = _skip(re.compile(_MARKUP), text, m.end(), b)
    if not (lead < b and (text[lead].isupper() or text[lead].isdigit() or text[lead] == "[")):
        return None        # a dateline is followed by the issuer's name, not "eggs, flour"
    return Dateline(a, m.end(), m.start("date"), m.end("date"), m.end())


def _is_lead(text: str, a: int, b: int) -> bool:
    head = text[a:min(b, a + 600)]
    return bool((_ALIAS.search(head) or _LISTED.search(head)) and _ANNOUNCES.search(head))


def _release_start(text: str, paragraphs: list[tuple[int, int]], first: int) -> tuple[Dateline | None, int | None, int]:
    """The dateline (or else the lead sentence) of a release: (dateline, lead offset, paragraph index).
    Stops at an Item or exhibit heading: what follows one is an 8-K's, not a release's."""
    fallback = None
    for i in range(first, min(len(paragraphs), first + _LEAD_PARAGRAPHS)):
        a, b = paragraphs[i]
        line = text[a:b]
        if P.ITEM_HEADING.match(line) or (P.EXHIBIT_HEADING.match(line) and i > first):
            break
        dateline = _wire_dateline(text, a, b) or _place_dateline(text, a, b)
        if dateline and dateline.date_start is not None:
            return dateline, dateline.lead, i
        if dateline and fallback is None:
            fallback = (dateline, dateline.lead, i)       # a wire mark without a date ("(BUSINESS WIRE)--")
        if fallback is None and _is_lead(text, a, b):
            fallback = (None, a + len(line) - len(line.lstrip(" *_#>`")), i)
    return fallback or (None, None, -1)


def document_kind(text: str, paragraphs: list[tuple[int, int]] | None = None) -> str | None:
    """"8-K" when the text has an 8-K's cover (or, lacking a release's dateline and lead, names the
    SEC), "press release" when it has a dateline or a lead sentence, else None."""
    paragraphs = paragraphs if paragraphs is not None else _paragraphs(text)
    first = _front_matter_end(text, paragraphs)
    body_at = paragraphs[first][0] if first < len(paragraphs) else len(text)
    if _COVER.search(text, body_at, body_at + _COVER_SPAN):
        return EIGHT_K
    if _release_start(text, paragraphs, first)[1] is not None:
        return PRESS_RELEASE
    if _SEC.search(text, body_at) or form_on_cover(text[body_at:]) is not None:
        return EIGHT_K          # a prospectus names its rule ("Filed Pursuant to Rule 424(b)(5)"), not the SEC
    if first < len(paragraphs) and P.EXHIBIT_HEADING.match(text[slice(*paragraphs[first])]):
        return EXHIBIT         # an EDGAR exhibit on its own ("EX-99.1 2 ex_1.htm ..."): an SEC document
    return None


def _has_items(text: str, paragraphs: list[tuple[int, int]], first: int) -> bool:
    for a, b in paragraphs[first:]:
        if P.EXHIBIT_HEADING.match(text[a:b]):
            return False
        if P.ITEM_HEADING.match(text[a:b]):
            return True
    return False


def _heading(line: str) -> bool:
    return len(line) <= _HEADING_MAX and not line.rstrip(" *_").endswith((".", ";", ","))


def _prose(line: str) -> bool:
    digits = sum(c.isdigit() for c in line)
    return len(line) > _HEADING_MAX and digits < len(line) * 0.15


class _Parts:
    """Parts under construction: a new part starts where the role (or label or items) changes."""

    def __init__(self) -> None:
        self.parts: list[Part] = []

    def add(self, role: str, a: int, b: int, label: str = "", items: tuple[str, ...] = ()) -> None:
        last = self.parts[-1] if self.parts else None
        if last and (last.role, last.label, last.items) == (role, label, items):
            self.parts[-1] = attrs.evolve(last, end=b)
        elif last:
            self.parts[-1] = attrs.evolve(last, end=a)     # the newline between belongs to the earlier part
            self.parts.append(Part(role, a, b, label, items))
        else:
            self.parts.append(Part(role, 0, b, label, items))


def segment(normalised: str, kind: str | None = None) -> Document:
    """The parts and sentences of a normalised text. ``kind`` overrides the kind read from the text
    (a filing with an SEC header is an 8-K whatever its text looks like)."""
    text = normalised
    paragraphs = _paragraphs(text)
    kind = kind or document_kind(text, paragraphs)
    first = _front_matter_end(text, paragraphs)
    dateline, lead, lead_paragraph = (None, None, -1)
    if kind == PRESS_RELEASE:
        dateline, lead, lead_paragraph = _release_start(text, paragraphs, first)
    out = _Parts()
    # State of the walk: the role a paragraph gets when nothing marks it otherwise.
    if kind == PRESS_RELEASE:
        base, label, items = "press_release", "headline", ()
    elif kind == EIGHT_K and _has_items(text, paragraphs, first):
        base, label, items = "cover", "", ()
    else:        # no Item heading: no cover page to tell apart from the text
        base, label, items = ("body" if kind == EIGHT_K else "other"), "", ()
    in_statements = in_boilerplate = in_table = in_signature = False
    for i, (a, b) in enumerate(paragraphs):
        line = text[a:b]
        if i < first:
            out.add("front_matter", a, b)
            continue
        if kind == PRESS_RELEASE and i == lead_paragraph:
            label = ""
        if P.EXHIBIT_HEADING.match(line):
            exhibit = line.split()[0] if line.split() else line
            base, label, items = ("press_release" if exhibit.upper().startswith("EX-99") else "other"), exhibit, ()
            in_statements = in_boilerplate = in_table = in_signature = False
        elif P.ITEM_HEADING.match(line) and base in ("cover", "body"):
            base, items = "body", tuple(dict.fromkeys(m["n"] for m in P.ITEM_NUMBER.finditer(line)))
            label = f"Item {', '.join(items)}"
            in_statements = in_boilerplate = in_table = in_signature = False
        elif P.FINANCIAL_STATEMENTS.match(line):
            in_statements = True
        elif base in ("cover", "body") and _SIGNATURE.match(line):
            in_signature, in_statements, in_table = True, False, False      # the statements end at the signature
        elif base == "press_release" and _BOILERPLATE_HEAD.match(line):
            in_boilerplate = True
        elif base == "press_release" and in_boilerplate and _heading(line) and not _BOILERPLATE_HEAD.match(line) \
                and re.search(r"\b(?:Offering|Placement|Financing|Proceeds|Tranche|Closing)\b", line):
            in_boilerplate = False        # a deal heading after "About ...": the release goes on
        if _IN_THOUSANDS.search(line[:_HEADING_MAX * 2]):
            in_table = True
        elif in_table and _prose(line):
            in_table = False
        if in_statements or in_table:
            out.add("statements", a, b, label, items)
        elif in_signature:
            out.add("signature", a, b, label, items)
        elif in_boilerplate or (base == "press_release" and _LEGEND.match(line)):
            out.add("boilerplate", a, b, label, items)
        else:
            out.add(base, a, b, label, items)
    if not out.parts:
        out.parts.append(Part("other", 0, len(text)))
    out.parts[-1] = attrs.evolve(out.parts[-1], end=len(text))
    return Document(text, kind, tuple(out.parts), tuple(split_sentences(text)), dateline, lead)
