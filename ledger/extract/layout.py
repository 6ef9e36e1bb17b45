"""Pass 1, layout: which part of the document each sentence stands in, and who the agents are.

An 8-K's items (and the ones that never report a financing: results, officers, auditors, votes),
its press-release exhibits (a second telling of the same facts), financial statements (recaps of
the past, often of another company), exhibit lists and signatures: a sentence's role decides
whether it is read and how much its figures weigh.
"""
from __future__ import annotations

import re

import attrs

from ledger.extract import patterns as P
from ledger.extract.parties import is_exhibit_line
from ledger.text.normalise import Sentence

_PRESS_RELEASE_HEAD = re.compile(r"^EX-99", re.I)
# Press-release paragraphs that never state the deal's facts.
_BOILERPLATE = re.compile(
    r"^(?:About\s+[A-Z]|Forward[- ]Looking\s+Statements|Cautionary\s+(?:Note|Statement)|Safe\s+Harbor|Investor\s+(?:Relations|Contact)|"
    r"Media\s+Contact|Contacts?:|For\s+(?:further|more)\s+information|This\s+press\s+release\s+(?:shall|does)\s+not|"
    r"This\s+news\s+release|Neither\s+(?:the\s+)?TSX|The\s+securities\s+(?:offered|being\s+offered|referred\s+to)\s+(?:have\s+not|will\s+not))",
    re.I)
_FRONT_MATTER = re.compile(r"^---$")


@attrs.frozen
class Layout:
    roles: dict[int, str]                  # sentence start -> body | press_release | statements | boilerplate | exhibit_list | ...
    items: dict[int, tuple[str, ...]]      # sentence start -> the 8-K items it stands under
    headings: tuple[str, ...]              # every item heading, in order
    skipped: frozenset[int] = frozenset()  # sentence starts not to read

    def skip(self, s: Sentence) -> bool:
        return s.start in self.skipped


def lay_out(sentences: list[Sentence]) -> Layout:
    roles: dict[int, str] = {}
    items: dict[int, tuple[str, ...]] = {}
    skipped: set[int] = set()
    headings: list[str] = []
    under: tuple[str, ...] = ()
    part = "body"
    in_statements = False
    boiler_paragraph = -1
    front = False
    for i, s in enumerate(sentences):
        text = s.text
        if i == 0 and _FRONT_MATTER.match(text.strip()):
            front = True
        if front:
            roles[s.start] = "front_matter"
            skipped.add(s.start)
            if i > 0 and _FRONT_MATTER.match(text.strip()):
                front = False
            continue
        if _PRESS_RELEASE_HEAD.match(text):
            part, under, in_statements = "press_release", (), False
        if P.FINANCIAL_STATEMENTS.match(text):
            in_statements = True
        elif P.ITEM_HEADING.match(text) or P.EXHIBIT_HEADING.match(text):
            in_statements = False
        if P.ITEM_HEADING.match(text) and part == "body":
            under = tuple(dict.fromkeys(m["n"] for m in P.ITEM_NUMBER.finditer(text)))
            headings.extend(n for n in under if n not in headings)
        if _BOILERPLATE.match(text):
            boiler_paragraph = s.paragraph
        role = part
        if in_statements:
            role = "statements"
        elif is_exhibit_line(s):
            role = "exhibit_list"
        elif s.paragraph == boiler_paragraph:
            role = "boilerplate"
        roles[s.start] = role
        items[s.start] = under
        if role in ("statements", "exhibit_list", "boilerplate") or (under and set(under) <= P.NO_FINANCING_ITEMS):
            skipped.add(s.start)
    return Layout(roles, items, tuple(headings), frozenset(skipped))


_AGENT_VERBS = ("acted", "served", "acting", "engaged")    # one is in every AGENT_NAMED match
_ALIAS_CUE = re.compile(r"\((?:the\s+)?[\"“]")              # how every ALIAS match's alias opens


def read_agents(sentences: list[Sentence], issuer: str | None):
    """"X acted as placement agent" and 'Name ("Alias")', wherever the document says them."""
    agents: list[tuple[str, str, Sentence]] = []
    aliases: dict[str, tuple[str, Sentence]] = {}
    for s in sentences:
        # Both patterns try every position; the words each one needs rule most sentences out first.
        m = P.AGENT_NAMED.search(s.text) if any(w in s.text for w in _AGENT_VERBS) else None
        if m:
            role = next((r for pattern, r in P.FEE_ROLE if pattern.search(m["role"])), "other")
            agents.append((m["name"].strip(" ,"), role, s))
            if m["alias"] and not P.SELF_ALIAS.match(m["alias"]):
                aliases.setdefault(m["alias"], (m["name"].strip(" ,"), s))
        for m in P.ALIAS.finditer(s.text) if _ALIAS_CUE.search(s.text) else ():
            if not P.SELF_ALIAS.match(m["alias"]) and not is_issuer(issuer, m["name"], m["alias"]):
                aliases.setdefault(m["alias"], (m["name"].strip(" ,"), s))
    return tuple(agents), aliases


def is_issuer(issuer: str | None, name: str, alias: str) -> bool:
    """The registrant's own name or short name ('NeoTherapeutics') is never a counterparty."""
    if not issuer:
        return False

    def key(x: str) -> str:
        return " ".join(re.findall(r"[a-z0-9]+", x.lower()))
    own = key(issuer)
    return key(name) == own or own.startswith(key(alias))
