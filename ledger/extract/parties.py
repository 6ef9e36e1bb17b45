"""Who the parties are: purchase agreements and warrants named in exhibit lists and sentences.

Exhibit lists often name the buyers the body leaves anonymous: "Securities Purchase Agreement
dated as of November 19, 1999, by and among Registrant, Strong River Investments, Inc. and
Montrose Investments Ltd." They are read once per filing, before the financing sentences.
"""
from __future__ import annotations

import re
from datetime import date

import attrs

from ledger.extract.prefilter import folded
from ledger.extract.values import DATE, parse_date
from ledger.text.normalise import Sentence

_SUFFIX = r"(?:Inc|Ltd|L\.?P|LLC|L\.L\.C|LLP|Corp|Co|N\.V|S\.A|plc|GmbH|AG|Limited|Incorporated)\b\.?"
# Split a list of names on commas and "and", but not the comma before "Inc." or "L.P.".
_NAME_SPLIT = re.compile(rf",(?!\s*(?:and\s+)?{_SUFFIX})\s*(?:and\s+)?|\s+and\s+(?!{_SUFFIX})")
_ENDS_WITH_SUFFIX = re.compile(rf"\b{_SUFFIX}$")
_SELF = re.compile(r"^(?:the\s+)?(?:Registrant|Company|Issuer|Corporation)$", re.I)

_PURCHASE_AGREEMENT = re.compile(
    rf"(?P<kind>(?:Securities|Stock|Preferred\s+Stock|Common\s+Stock|Share|Subscription|Unit|Note|Warrant)\s+"
    rf"(?:Purchase|Subscription)\s+Agreement)[^.]*?dated\s+(?:as\s+of\s+)?(?P<date>{DATE}),?\s+"
    rf"by\s+and\s+(?:among|between)\s+(?P<parties>.+)$", re.I)
_WARRANT_EXHIBIT = re.compile(
    rf"(?:Form\s+of\s+)?(?P<label>(?:[A-Z][\w-]{{0,80}}\s+){{0,3}}?Warrants?)\s+(?:issued|granted)\s+by\s+(?:the\s+)?"
    rf"(?:Registrant|Company)\s+to\s+(?P<holders>.+?),?\s+dated\s+(?:as\s+of\s+)?(?P<date>{DATE})", re.I)
_NAMED_INVESTORS = re.compile(
    r"\b(?:investors|purchasers|buyers|subscribers)\s+(?:are|were|include|included)\s+(?P<names>[A-Z].+?)\.?$")
_INVESTOR_NOUNS = ("investors", "purchasers", "buyers", "subscribers")     # one is in every _NAMED_INVESTORS match
_EXHIBIT_LINE = re.compile(r"^\d{1,2}\.\d{1,2}\s")


@attrs.frozen
class Agreement:
    date: date
    parties: tuple[str, ...]
    sentence: Sentence


@attrs.frozen
class WarrantExhibit:
    label: str                 # "Closing Warrant", "Warrant"
    holders: tuple[str, ...]
    date: date
    sentence: Sentence


@attrs.frozen
class Parties:
    agreements: tuple[Agreement, ...]
    warrants: tuple[WarrantExhibit, ...]
    named_investors: tuple[tuple[str, ...], Sentence] | None

    def buyers(self, on: date | None) -> tuple[tuple[str, ...], tuple[Sentence, ...]]:
        """The buyers of the purchase agreement dated ``on``, or of the only one there is."""
        if self.named_investors:
            return self.named_investors[0], (self.named_investors[1],)
        dated = [a for a in self.agreements if a.date == on] or \
            (list(self.agreements) if len({a.parties for a in self.agreements}) == 1 else [])
        if not dated:
            return (), ()
        return dated[0].parties, (dated[0].sentence,)

    def warrant_holders(self, label: str | None) -> list[WarrantExhibit]:
        """Warrant exhibits whose label names this tranche ("Closing Warrant" ~ "Closing Warrants")."""
        want = _singular(label or "warrant")
        exact = [w for w in self.warrants if _singular(w.label) == want]
        if exact or label:
            return exact if exact else [w for w in self.warrants if _singular(w.label) == "warrant"]
        return [w for w in self.warrants if _singular(w.label) == "warrant"]


def _singular(label: str) -> str:
    return re.sub(r"s$", "", label.strip().lower())


def split_names(text: str, issuer: str | None = None) -> tuple[str, ...]:
    names = []
    text = text.strip()
    if text.endswith(".") and not _ENDS_WITH_SUFFIX.search(text):
        text = text[:-1]
    for piece in _NAME_SPLIT.split(text):
        name = piece.strip(" ,;")
        if not name or _SELF.match(name) or (issuer and name.lower() == issuer.lower()):
            continue
        if name not in names:
            names.append(name)
    return tuple(names)


def is_exhibit_line(sentence: Sentence) -> bool:
    return bool(_EXHIBIT_LINE.match(sentence.text))


def read_parties(sentences: list[Sentence], issuer: str | None) -> Parties:
    agreements: dict[tuple, Agreement] = {}
    warrants: dict[tuple, WarrantExhibit] = {}
    named = None
    for s in sentences:
        # The patterns scan every position of every sentence; the words each one needs rule most out first.
        low = folded(s.text)
        dated = "dated" in low
        m = _PURCHASE_AGREEMENT.search(s.text) if dated and "agreement" in low else None
        if m and (d := parse_date(m["date"])):
            parties = split_names(m["parties"], issuer)
            if parties:
                agreements.setdefault((d, parties), Agreement(d, parties, s))
        m = _WARRANT_EXHIBIT.search(s.text) if dated and "warrant" in low and ("issued" in low or "granted" in low) else None
        if m and (d := parse_date(m["date"])):
            holders = split_names(m["holders"], issuer)
            if holders:
                label = m["label"].strip()
                warrants.setdefault((label.lower(), holders, d), WarrantExhibit(label, holders, d, s))
        m = _NAMED_INVESTORS.search(s.text) if any(w in s.text for w in _INVESTOR_NOUNS) else None
        if m and named is None and not is_exhibit_line(s):
            names = split_names(re.split(r",\s+(?:each|all|both)\s+of\s+which", m["names"])[0], issuer)
            if names:
                named = (names, s)
    return Parties(tuple(agreements.values()), tuple(warrants.values()), named)
