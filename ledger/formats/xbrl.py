"""Inline XBRL cover facts: the shares outstanding a 10-Q / 10-K cover tags as
``dei:EntityCommonStockSharesOutstanding``, one fact per class.

Each fact is read with its context (the ``xbrli:instant`` date, and the class from the
``us-gaap:StatementClassOfStockAxis`` member), its ``scale`` and ``format`` (``ixt:num-dot-decimal``,
``ixt:num-comma-decimal``, ``ixt:fixed-zero``, ...) and the text it shows on the page, so a reader
can find it again in the normalised text. The class title is the ``dei:Security12bTitle`` tagged for
the same class member when there is one, else the member's name in words ("CommonClassAMember" ->
"Class A Common Stock"). A combined report of several registrants (a parent and subsidiaries that
file one 10-Q) tags each other registrant's count in a context with a ``dei:LegalEntityAxis``
member: those counts are not the filer's and are left out (when every fact has such a member,
the first registrant's, the cover's first row, is kept). Pure: text in, facts out; lxml's HTML parser, as ``formats.html`` uses.
"""
from __future__ import annotations

import re
from datetime import date

import attrs
from lxml import etree

SHARES_OUTSTANDING = "dei:entitycommonstocksharesoutstanding"
_SECURITY_TITLE = "dei:security12btitle"
_CLASS_AXIS = "statementclassofstockaxis"
_ENTITY_AXIS = "legalentityaxis"
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True, no_network=True)
_ZERO_FORMATS = ("fixed-zero", "fixedzero", "zerodash", "zero-dash")
_COMMA_DECIMAL = ("num-comma-decimal", "numcommadecimal", "numdotcomma")
_SPACE = re.compile(r"\s+")


@attrs.frozen
class SharesFact:
    value: int
    on: date | None          # the context's instant (or its period's end)
    security: str            # the class title as the filing writes it, else the member's name in words
    shown: str               # the fact's text on the page ("23,456,789")
    context: str


def has_cover_facts(raw: str | bytes) -> bool:
    needle = "EntityCommonStockSharesOutstanding"
    return needle.encode() in raw if isinstance(raw, bytes) else needle in raw


def _name(el) -> str:
    return (el.get("name") or "").strip().lower()


def _text(el) -> str:
    return _SPACE.sub(" ", "".join(el.itertext())).strip()


def _date(s: str | None) -> date | None:
    m = re.fullmatch(r"\s*(\d{4})-(\d{2})-(\d{2})\s*", s or "")
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _member_words(member: str) -> str:
    """'us-gaap:CommonClassAMember' -> 'Class A Common Stock'; 'abc:SeriesBOrdinarySharesMember' -> 'Series B Ordinary Shares'."""
    local = member.split(":")[-1]
    local = re.sub(r"Member$", "", local)
    m = re.fullmatch(r"CommonClass([A-Z0-9]+)", local)
    if m:
        return f"Class {m[1]} Common Stock"
    if local == "CommonStock":
        return "Common Stock"
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z][a-z]*|[a-z]+|\d+", local)
    return " ".join(words) or "Common Stock"


def _contexts(root) -> dict[str, tuple[date | None, str | None, str | None]]:
    out = {}
    for ctx in root.iter("xbrli:context", "context"):
        cid = ctx.get("id")
        if not cid:
            continue
        when = None
        for tag in ("xbrli:instant", "instant", "xbrli:enddate", "enddate"):
            found = next(iter(ctx.iter(tag)), None)
            if found is not None and (when := _date(found.text)):
                break
        member = entity = None
        for m in ctx.iter("xbrldi:explicitmember", "explicitmember"):
            dimension = (m.get("dimension") or "").lower()
            if dimension.endswith(_CLASS_AXIS) and (m.text or "").strip():
                member = m.text.strip()
            elif dimension.endswith(_ENTITY_AXIS) and (m.text or "").strip():
                entity = m.text.strip()
        out[cid] = (when, member, entity)
    return out


def _value(el) -> int | None:
    shown = _text(el)
    fmt = (el.get("format") or "").lower()
    if any(f in fmt for f in _ZERO_FORMATS):
        number = 0
    else:
        if any(f in fmt for f in _COMMA_DECIMAL):
            whole = shown.split(",")[0]
        else:
            whole = shown.split(".")[0]
        digits = re.sub(r"\D", "", whole)
        if not digits:
            return None
        number = int(digits)
    try:
        scale = int(el.get("scale") or 0)
    except ValueError:
        return None
    return number * 10 ** scale if scale >= 0 else None


_DOCUMENT = re.compile(rb"<DOCUMENT>", re.I)
_INLINE_FACT = re.compile(rb"<ix:nonFraction\b[^>]{0,2000}?EntityCommonStockSharesOutstanding", re.I)


def _tagged_document(data: bytes) -> bytes:
    """Of a full submission, only the document whose cover tags the fact (the primary inline-XBRL
    document): its exhibits and XBRL attachments are not parsed."""
    starts = [m.start() for m in _DOCUMENT.finditer(data)]
    if len(starts) < 2:
        return data
    for a, b in zip(starts, starts[1:] + [len(data)]):
        if _INLINE_FACT.search(data, a, b):
            return data[a:b]
    return data


def cover_facts(html: str | bytes) -> tuple[SharesFact, ...]:
    """Every ``dei:EntityCommonStockSharesOutstanding`` fact in an inline-XBRL document (or a full
    submission holding one), in document order. A fact whose value cannot be read is left out."""
    if not has_cover_facts(html):
        return ()
    data = html.encode("utf-8", "replace") if isinstance(html, str) else html
    data = _tagged_document(data)
    try:
        root = etree.fromstring(data, _PARSER)
    except (etree.ParserError, ValueError):
        return ()
    if root is None:
        return ()
    contexts = _contexts(root)
    titles: dict[str | None, str] = {}
    facts = []
    for el in root.iter("ix:nonnumeric", "ix:nonfraction"):
        name = _name(el)
        if name == _SECURITY_TITLE:
            _, member, _ = contexts.get(el.get("contextref") or "", (None, None, None))
            titles.setdefault(member, _text(el))
        elif name == SHARES_OUTSTANDING and el.tag == "ix:nonfraction":
            value = _value(el)
            if value is None:
                continue
            cid = el.get("contextref") or ""
            facts.append((value, cid, _text(el)))
    # Another registrant's count (a subsidiary on a combined cover) is not the filer's.
    entities = [contexts.get(cid, (None, None, None))[2] for _, cid, _ in facts]
    own = None if None in entities or not entities else entities[0]
    facts = [f for f, entity in zip(facts, entities) if entity == own]
    out = []
    for value, cid, shown in facts:
        when, member, _ = contexts.get(cid, (None, None, None))
        title = titles.get(member) if member else None
        if title is None:
            title = _member_words(member) if member else (titles.get(None) if len(facts) == 1 else None) or "Common Stock"
        out.append(SharesFact(value, when, title, shown, cid))
    return tuple(out)
