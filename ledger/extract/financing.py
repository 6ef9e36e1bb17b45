"""Financing sentences to draft facts, and drafts to events.

Each sentence is split into segments, one per security it names ("845,594 shares of common
stock at $11.826 ..., and five-year warrants to purchase 126,839 shares at $14.24"): a price or
term belongs to the segment it sits in. A deal's date and its stated consideration may sit in an
earlier sentence of the same paragraph ("On November 19, 1999, ... entered into ... for aggregate
consideration of $10,000,000"), so they are carried forward until a security takes them.
"""
from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from datetime import date
from decimal import Decimal

import attrs

from events import Basis, QuantityBasis, Quote, RightKind, WarrantKind
from ledger.extract import patterns as P
from ledger.extract.parties import Parties, is_exhibit_line, split_names
from ledger.extract.values import (
    MONEY_RE, add_days, add_months, parse_count, parse_date, parse_money, to_decimal, word_number,
)
from ledger.text.normalise import Sentence


@attrs.define
class Draft:
    """A fact being assembled. ``kind``: common, preferred, warrant, fee or right."""

    kind: str
    date: date
    sentences: list[Sentence]
    fields: dict
    order: int                  # position of the first mention, for a stable event order
    items: tuple[str, ...] = ()   # the 8-K item headings it was read under
    # The sentences cited, as a set: a list search per citation made a fact told 20,000 times quadratic.
    _cited: set[Sentence] = attrs.field(factory=set, init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        self._cited.update(self.sentences)

    def cite(self, *more: Sentence) -> None:
        for s in more:
            if s not in self._cited:
                self._cited.add(s)
                self.sentences.append(s)

    def quotes(self) -> tuple[Quote, ...]:
        return tuple(Quote(s.start, s.end, s.text) for s in self.sentences)


@attrs.define
class Deal:
    """What the sentences read so far say about the deal under way."""

    date: date
    consideration: tuple[Decimal, Basis, Sentence] | None = None
    buyers_description: str | None = None
    closing: date | None = None
    last_issue: Draft | None = None
    last_sale: Draft | None = None     # the last shares or preferred sold: what a later consideration pays for


@attrs.frozen
class UnitMakeup:
    """"Each Unit consists of one share ... and a warrant to purchase one-half of one share", as
    first stated, for later closings of the same units."""

    per_share: Decimal      # shares in a unit
    warrants: Decimal       # warrant shares in a unit
    price: Decimal | None   # the unit price stated with the first units
    sentence: Sentence


def _segments(text: str, starts: list[int]) -> list[tuple[int, int]]:
    edges = sorted(set(starts)) + [len(text)]
    return [(edges[i], edges[i + 1]) for i in range(len(edges) - 1)]


def _price(segment: str) -> Decimal | None:
    m = P.PRICE.search(segment)
    if not m:
        return None
    return to_decimal(m["a"] or m["b"] or m["c"])


def _term(head: str, segment: str) -> tuple[Decimal | None, date | None]:
    """A warrant's term in years ("five-year", "for a period of 5 years"), or a stated expiry."""
    m = P.TERM_BEFORE.search(head)
    if m:
        n = word_number(m["n"])
        if n is not None:
            return Decimal(n) + (Decimal("0.5") if m["half"] else 0), None
    m = P.EXPIRES_ON.search(segment)
    if m:
        return None, parse_date(m["date"] or m["date2"])
    m = _term_match(segment)
    if m:
        raw, half, unit = (m["n"], m["half"], m["unit"]) if m["n"] else (m["n2"], m["half2"], m["unit2"])
        n = word_number(raw) if not re.fullmatch(r"\d+\.\d+", raw) else None
        value = Decimal(raw) if n is None and re.fullmatch(r"\d+(?:\.\d+)?", raw) else (Decimal(n) if n is not None else None)
        if value is not None:
            if half:
                value += Decimal("0.5")
            if unit.lower().startswith("month"):
                value = (value / 12).quantize(Decimal("0.0001")).normalize()
            return value, None
    return None, None


def _term_match(text: str) -> re.Match | None:
    """The first statement of how long a warrant lasts, not of when it starts: in "exercisable
    beginning six months after issuance and expire five years from ...", five years."""
    starts = P.TERM_STARTS.search(text)
    for m in P.TERM_AFTER.finditer(text):
        if not (starts and m.start() < starts.end() and starts.start() < m.end()):
            return m
    return None


def _term_offset(text: str) -> int | None:
    """Months from issue until the term starts ("commencing six months after issuance"); None when
    the term itself runs from issue ("expire five years from the date of issuance")."""
    m = P.TERM_STARTS.search(text)
    if not m or (n := word_number(m["n"])) is None:
        return None
    term = _term_match(text)
    if term and (term["n2"] or P.FROM_ISSUE.match(text, term.end())):
        return None
    return n * 12 if m["unit"].lower().startswith("year") else n


def _consideration(text: str) -> tuple[Decimal, Basis] | None:
    for m in P.CONSIDERATION.finditer(text):
        before = text[max(0, m.start() - 20):m.start()]
        if P.NET_PROCEEDS.search(before + m.group()):
            continue
        value = to_decimal(m["num"], m["scale"])
        value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
        return value, Basis.APPROXIMATE if m["approx"] or m["approx0"] else Basis.STATED
    return None


def _sentence_date(text: str) -> date | None:
    m = P.LEAD_DATE.search(text)
    return parse_date(m["date"]) if m else None


def _label(head: str, label: str | None) -> str:
    if label:
        return label.strip()
    words = [w for w in head.split() if not re.search(r"\d|year|the|and|issued|also|received|purchase", w, re.I)]
    adjective = " ".join(words[-2:]) if words and words[-1][0].isupper() else ""
    return f"{adjective} Warrants".strip() if adjective else "Warrants"


def _warrant_kind(label: str, head: str, formula: bool) -> WarrantKind:
    text = f"{head} {label}".lower()
    if formula or "adjustable" in text:
        return WarrantKind.ADJUSTABLE
    if "pre-funded" in text or "prefunded" in text:
        return WarrantKind.PRE_FUNDED
    if "closing" in text:
        return WarrantKind.CLOSING
    return WarrantKind.INVESTOR


class Extractor:
    """Reads one filing's sentences in order and collects drafts."""

    def __init__(self, sentences: list[Sentence], parties: Parties, report_date: date, issuer: str | None = None):
        self.sentences = sentences
        self.issuer = issuer
        self.parties = parties
        self.deal = Deal(date=report_date)
        self.drafts: list[Draft] = []
        self.agent: tuple[str, Sentence] | None = None
        self.agent_role = "other"
        self.aliases: dict[str, tuple[str, Sentence]] = {}
        self._order = 0
        self.under: tuple[str, ...] = ()   # the item headings the current text stands under
        self.lead_in: str = ""             # the sentence that introduces an enumerated list
        self.units: tuple[int, Decimal | None, Sentence, date] | None = None   # units sold, makeup pending
        self.unit_makeup: UnitMakeup | None = None
        self.company_part: dict[int, int] = {}   # offering total -> the part the company itself sold
        self.groups: dict[str, set[str]] = {}    # "Common Warrants" -> {"Series A Warrants", ...}
        self.term_prices: dict[str, tuple[Decimal, Sentence]] = {}   # "common share" -> its stated price
        self.items: list[str] = []        # every item heading, in order
        # Indexes of self.drafts, kept by _index, so that no sentence walks every earlier draft: a
        # walk per sentence made ingest quadratic in the number of facts (a 45 MB file never finished).
        self.last: dict[str, Draft] = {}                   # the latest draft of each kind
        self.by_sentence: dict[int, list[Draft]] = {}      # id(first sentence) -> the drafts read from it
        self.ordered: dict[str, tuple[list[int], list[Draft]]] = {}   # kind -> its non-fee drafts, with orders
        self.sales: tuple[list[int], list[Draft]] = ([], [])          # common and preferred drafts, with orders
        self.first_sale: dict[int, Draft] = {}             # id(sentence) -> the first sale read from it
        self.awaiting_price: dict[str, list[Draft]] = {}   # defined term -> common drafts that had no price
        self.common_by_shares: dict[int | None, list[Draft]] = {}
        self.formula_by_label: dict[str, Draft] = {}       # label -> the latest warrant a formula sizes
        self.last_vesting: Draft | None = None
        self.fee_by_payee: dict[str, Draft] = {}           # payee -> the first fee paid to them
        self.investor: list[Draft] = []                    # investor warrants (not a fee's), in order
        self.investor_by_sentence: dict[int, list[Draft]] = {}
        self.investor_labels: dict[str, list[Draft]] = {}  # tranche, lower case -> investor warrants
        self._labelled = 0                                 # investor warrants already in investor_labels
        self._given: dict[tuple, int] = {}                 # (targets, term) -> how many already have it
        self._buyers: dict[date | None, tuple] = {}        # Parties.buyers, once a date

    # -- the walk ---------------------------------------------------------------------------
    def run(self) -> list[Draft]:
        self._read_context()
        paragraph = -1
        in_statements = False
        for s in self.sentences:
            if is_exhibit_line(s):
                continue
            if P.FINANCIAL_STATEMENTS.match(s.text):
                in_statements = True
            elif P.ITEM_HEADING.match(s.text) or P.EXHIBIT_HEADING.match(s.text):
                in_statements = False
            if in_statements:
                continue
            if s.paragraph != paragraph:
                paragraph = s.paragraph
                self.deal.consideration = None
            if P.ITEM_HEADING.match(s.text):
                # Headings side by side ("Item 1.01 ... Item 3.02 ...") put the text under both.
                self.under = tuple(dict.fromkeys(m["n"] for m in P.ITEM_NUMBER.finditer(s.text)))
                self.items.extend(i for i in self.under if i not in self.items)
            if not (self.under and set(self.under) <= P.NO_FINANCING_ITEMS):
                self._sentence(s)
            if not P.ENUMERATED.match(s.text):
                self.lead_in = s.text if s.text.rstrip().endswith((":", "—", "-")) else ""
        self._resolve_holders()
        return self._merge(self.drafts)

    def _read_context(self) -> None:
        """Closing dates and placement agents can be stated anywhere in the filing."""
        for s in self.sentences:
            m = P.CLOSED_ON.search(s.text)
            if m and self.deal.closing is None:
                self.deal.closing = parse_date(m["date"] or m["date2"] or m["date3"])
            m = P.AGENT_NAMED.search(s.text)
            if m and self.agent is None:
                self.agent = (m["name"].strip(" ,"), s)
                self.agent_role = next((r for pattern, r in P.FEE_ROLE if pattern.search(m["role"])), "other")
                if m["alias"] and not P.SELF_ALIAS.match(m["alias"]):
                    self.aliases.setdefault(m["alias"], (self.agent[0], s))
            for m in P.ALIAS.finditer(s.text):
                if not P.SELF_ALIAS.match(m["alias"]) and not self._is_issuer(m["name"], m["alias"]):
                    self.aliases.setdefault(m["alias"], (m["name"].strip(" ,"), s))

    def _is_issuer(self, name: str, alias: str) -> bool:
        """The registrant's own short name ('NeoTherapeutics') is never a counterparty."""
        if not self.issuer:
            return False
        def key(x: str) -> str:
            return " ".join(re.findall(r"[a-z0-9]+", x.lower()))
        own = key(self.issuer)
        return key(name) == own or own.startswith(key(alias))

    def _new(self, draft_kind: str, when: date, s: Sentence, **fields) -> Draft:
        self._order += 1
        draft = Draft(draft_kind, when, [s], fields, self._order, self.under)
        self.drafts.append(draft)
        self._index(draft)
        return draft

    def _index(self, d: Draft) -> None:
        f = d.fields
        self.last[d.kind] = d
        self.by_sentence.setdefault(id(d.sentences[0]), []).append(d)
        fee_kind = f.get("kind") in (WarrantKind.FINDER, WarrantKind.PLACEMENT_AGENT)
        if not fee_kind:
            orders, drafts = self.ordered.setdefault(d.kind, ([], []))
            orders.append(d.order)
            drafts.append(d)
        if d.kind in ("common", "preferred"):
            self.first_sale.setdefault(id(d.sentences[0]), d)
            self.sales[0].append(d.order)
            self.sales[1].append(d)
        if d.kind == "common":
            self.common_by_shares.setdefault(f.get("shares"), []).append(d)
        if d.kind == "warrant" and not fee_kind:
            self.investor.append(d)
            self.investor_by_sentence.setdefault(id(d.sentences[0]), []).append(d)
        self._formula(d)
        if f.get("vesting_months"):
            self.last_vesting = d
        if d.kind == "fee" and f.get("payee"):
            self.fee_by_payee.setdefault(f["payee"], d)

    def _formula(self, d: Draft) -> None:
        if d.kind == "warrant" and d.fields.get("quantity_basis") == QuantityBasis.FORMULA:
            self.formula_by_label[(d.fields.get("label") or d.fields["tranche"]).lower()] = d

    def _buyers_on(self, when: date | None) -> tuple:
        if when not in self._buyers:
            self._buyers[when] = self.parties.buyers(when)
        return self._buyers[when]

    def _sentence(self, s: Sentence) -> None:
        text = s.text
        when = _sentence_date(text)
        agreement = P.AGREEMENT.search(text)
        if agreement:
            if when:
                self.deal.date = when
            if agreement["with"]:
                self.deal.buyers_description = agreement["with"].strip()
        if P.FEE.search(text) and P.FEE_VERB.search(text) and self._fee(s):
            return
        if P.SECONDARY.search(text):
            self._secondary(text)
            return
        if self._right(s):
            return
        found = self._units(s, when) or self._securities(s, when)
        if not found:
            self._unit_makeup(s)
            self._deal_consideration(s)
            self._price_of_the_shares(s)
            self._price_for_each(s)
            self._formula_terms(s)
            self._conversion_terms(s)
            self._warrant_terms(s)
            self._later_note_terms(s)
            self._closing_buyers(s)

    def _closing_buyers(self, s: Sentence) -> None:
        """"The purchasers in the second closing were A, B and C": the buyers of the sale just told
        (its shares and the warrants sold with them), not of the whole deal."""
        m = P.NAMED_IN_CLOSING.search(s.text)
        sale = self.deal.last_sale
        if not m or sale is None or sale.fields.get("buyers"):
            return
        names = split_names(m["names"], self.issuer)
        if not names:
            return
        for d in self.by_sentence.get(id(sale.sentences[0]), ()):
            if d.sentences[0] is sale.sentences[0] and d.kind in ("common", "warrant", "preferred") \
                    and d.fields.get("kind") not in (WarrantKind.FINDER, WarrantKind.PLACEMENT_AGENT):
                d.fields["holders" if d.kind == "warrant" else "buyers"] = names
                d.cite(s)

    def _deal_consideration(self, s: Sentence) -> None:
        """A stated consideration before the sale it pays for waits for it; one after a sale in the
        same paragraph ("We received gross proceeds of $800,000") belongs to that sale."""
        c = _consideration(s.text)
        if not c:
            return
        last = self.deal.last_sale
        if last is not None and last.sentences[0].paragraph == s.paragraph and last.fields.get("consideration") is None \
                and not P.AGREEMENT.search(s.text):
            last.fields["consideration"] = c
            last.cite(s)
        elif P.AGREEMENT.search(s.text) or re.search(r"\bsale\s+of\b|\bfinancing\b", s.text, re.I):
            self.deal.consideration = (c[0], c[1], s)

    def _price_of_the_shares(self, s: Sentence) -> None:
        """"... issued and sold the shares to the Underwriters at a price to the public of $25.00 per
        share": a price for shares counted in an earlier sentence."""
        if not re.search(r"\bthe\s+(?:shares|Shares|[A-Z]\w+\s+Shares)\b", s.text) or not P.ISSUE_VERB.search(s.text):
            return
        price = _price(s.text)
        last = self.last.get("common")
        if price is not None and last is not None and last.fields.get("price") is None:
            last.fields["price"] = price
            last.cite(s)

    def _price_for_each(self, s: Sentence) -> None:
        """"The public offering price was $0.20 for each Common Share": by defined term."""
        priced = []
        for m in P.PRICE_FOR_EACH.finditer(s.text):
            priced.append(_singular(m["term"]))
            self.term_prices[priced[-1]] = (to_decimal(m["p"]), s)
        # Only drafts of a term without a price can take one: any other already took it when made.
        for term in dict.fromkeys(priced):
            for d in self.awaiting_price.pop(term, ()):
                self._term_price(d)

    def _term_price(self, d: Draft) -> None:
        own = d.fields.get("defined_term")
        if d.kind == "common" and own and d.fields.get("price") is None and _singular(own) in self.term_prices:
            price, where = self.term_prices[_singular(own)]
            d.fields["price"] = price
            d.cite(where)

    def _units(self, s: Sentence, when: date | None) -> bool:
        m = P.UNITS.search(s.text)
        if not m or not P.ISSUE_VERB.search(s.text) or P.NOT_A_SALE.search(s.text):
            return False
        price = _price(s.text[m.end():])
        if price is None and P.SAME_TERMS.search(s.text) and self.unit_makeup:
            price = self.unit_makeup.price       # "an additional 500,000 Units on the same terms"
        self.units = (parse_count(m["n"]), price, s, self._issue_date(when))
        self._unit_makeup(s)
        if self.units is not None and self.unit_makeup and not P.UNIT_MAKEUP.search(s.text):
            # A later closing of units already described: the makeup stated before applies.
            self._split_units(self.unit_makeup)
        return True

    def _unit_makeup(self, s: Sentence) -> None:
        """Units become the shares and warrants they are made of."""
        m = P.UNIT_MAKEUP.search(s.text)
        if not m or self.units is None:
            return
        warrants = _fraction(m["wf"]) * (_fraction(m["sf"]) if m["sf"] else 1)
        self.unit_makeup = UnitMakeup(_fraction(m["sh"]), warrants, self.units[1], s)
        self._split_units(self.unit_makeup)

    def _split_units(self, makeup: UnitMakeup) -> None:
        units, price, where, when = self.units
        self.units = None
        per_share, source = makeup.per_share, makeup.sentence
        shares = units * per_share
        common = self._new("common", when, where, shares=int(shares) if shares == int(shares) else None,
                           price=price / per_share if price is not None and per_share else None,
                           security="Common Stock", segment=where.text)
        if source is not where:
            common.cite(source)
        c = _consideration(where.text)
        if c:
            common.fields["consideration"] = c
        covered = units * makeup.warrants
        w = self._new("warrant", when, where, tranche="Warrants", kind=WarrantKind.INVESTOR,
                      segment=source.text, label=None)
        if source is not where:
            w.cite(source)
        if covered == int(covered):
            w.fields["shares"] = int(covered)
        else:
            w.fields["quantity_basis"] = QuantityBasis.FORMULA
        if _additional_closing(where.text, "units"):
            common.fields["tranche"] = w.fields["tranche"] = "additional closing"
        self._formula(w)
        if P.SAME_TERMS.search(where.text):
            self._same_terms(w)
            if common.fields["price"] is not None and _price(where.text) is None:
                common.fields["price_basis"] = Basis.BY_REFERENCE      # the earlier units' price
        self._describe_buyers(common, where)
        self._describe_buyers(w, where)
        self.deal.last_issue = self.deal.last_sale = common

    def _issue_date(self, when: date | None) -> date:
        return when or self.deal.closing or self.deal.date

    # -- securities ------------------------------------------------------------------------
    def _securities(self, s: Sentence, when: date | None) -> bool:
        text = s.text
        verbs = f"{self.lead_in} {text}" if P.ENUMERATED.match(text) else text
        if not P.ISSUE_VERB.search(verbs) or P.NOT_A_SALE.search(text):
            return False
        marks: list[tuple[int, str, re.Match]] = []
        warrant_spans = []
        for m in P.WARRANT.finditer(text):
            start = m.start("word") - len(m["head"]) if m["head"] else m.start("word")
            marks.append((m.start("word") if not P.TERM_BEFORE.search(m["head"] or "") else start, "warrant", m))
            warrant_spans.append((m.start(), m.end()))
        for m in P.PREFERRED.finditer(text):
            if not (m["series"] or m["rate"] or m["rate2"] or re.search(r"convertible", m["title"], re.I)):
                continue
            marks.append((m.start(), "preferred", m))
        for m in P.COMMON.finditer(text):
            if not m["cls"] and not m["ordinary"]:
                continue
            if _inside(warrant_spans, m.start()):
                continue
            if P.NOT_A_SALE_BEFORE.search(text[max(0, m.start() - 60):m.start()]):
                continue
            marks.append((m.start(), "common", m))
        taken = {start for start, _, _ in marks}
        for m in P.COUNTED_COMMON.finditer(text):
            if m.start() not in taken and not P.NOT_A_SALE_BEFORE.search(text[max(0, m.start() - 60):m.start()]):
                marks.append((m.start(), "common", m))
        for m in P.NOTE.finditer(text):
            marks.append((m.start(), "note", m))
        for m in P.COUNTED_WARRANTS.finditer(text):
            if not _inside(warrant_spans, m.start()):
                marks.append((m.start(), "counted_warrant", m))
        if not marks:
            return False
        marks.sort(key=lambda x: x[0])
        segments = dict(zip([x[0] for x in marks], _segments(text, [x[0] for x in marks])))
        issue_date = self._issue_date(when)
        if when and self.deal.closing and self.deal.closing > when and P.AGREED_TO_SELL.search(text) \
                and not P.ISSUED_OR_SOLD.search(text):
            issue_date = self.deal.closing     # agreed on one day, issued at the stated closing
        elif when:
            self.deal.date = when              # later sentences of this deal without a date of their own
        sentence_consideration = _consideration(text)
        same_terms = bool(P.SAME_TERMS.search(text))
        lead: Draft | None = None
        made: list[Draft] = []
        for start, kind, m in marks:
            a, b = segments[start]
            segment = text[a:b]
            if kind == "common":
                groups = m.groupdict()
                ordinary = groups.get("ordinary") or (groups.get("cls") or "").lower().startswith("ordinary")
                shares = parse_count(m["n"])
                defined = re.search(rf"\(\s*(?:the\s+)?{P.Q}(?P<term>[^\"”']+){P.Q}\s*\)", segment)
                approximate = bool(P.APPROXIMATELY_BEFORE.search(text[max(0, m.start() - 20):m.start()]))
                d = self._new("common", issue_date, s, shares=self.company_part.get(shares, shares), price=_price(segment),
                              shares_basis=Basis.APPROXIMATE if approximate else Basis.STATED,
                              security="Ordinary Shares" if ordinary else "Common Stock", segment=segment,
                              defined_term=defined["term"] if defined
                              else ("Common Shares" if "Common Shares" in m.group() else None))
            elif kind == "note":
                d = self._note(s, m, segment, issue_date)
            elif kind == "counted_warrant":
                d = self._new("warrant", issue_date, s, tranche=m["label"], kind=WarrantKind.INVESTOR, label=m["label"],
                              shares=parse_count(m["n"]), exercise_price=None, segment=segment)
            elif kind == "preferred":
                d = self._preferred(s, m, segment, issue_date)
            else:
                d = self._warrant(s, m, segment, issue_date)
            if d.kind in ("common", "preferred") and lead is None:
                lead = d
            self._term_price(d)
            if d.kind == "common" and d.fields.get("defined_term") and d.fields.get("price") is None:
                self.awaiting_price.setdefault(_singular(d.fields["defined_term"]), []).append(d)
            made.append(d)
        # The consideration goes to the sentence's lead security, or to the deal's if none here.
        target = lead
        if target is not None:
            seg_c = _consideration(target.fields.get("segment", ""))
            c = seg_c or sentence_consideration
            if c:
                target.fields["consideration"] = c
            elif self.deal.consideration:
                value, basis, where = self.deal.consideration
                target.fields["consideration"] = (value, basis)
                target.cite(where)
            self.deal.consideration = None
        for d in made:
            if d.kind == "common" and _additional_closing(s.text):
                d.fields["tranche"] = "additional closing"
            if same_terms:
                self._same_terms(d)
            self._describe_buyers(d, s)
        if lead is not None:
            self.deal.last_issue = self.deal.last_sale = lead
        elif made:
            self.deal.last_issue = made[0]
        return True

    def _secondary(self, text: str) -> None:
        """"Of the shares offered, 2,500,000 were sold by the Company and 3,749,234 by selling
        shareholders": shares others sell are not issued; an earlier total becomes the company's part."""
        counts = [(m, parse_count(m["n"])) for m in P.BARE_SHARES.finditer(text)]
        secondary = [n for m, n in counts if P.SECONDARY.search(text[m.end():m.end() + 120].split(";")[0])
                     and not re.search(r"\bby\s+the\s+Company\b", text[m.end():m.end() + 60])]
        own = [n for _, n in counts if n not in secondary]
        if len(own) == 1 and len(secondary) == 1:
            self._company_part(own[0], secondary[0])

    def _company_part(self, own: int, secondary: int) -> None:
        total = own + secondary
        self.company_part[total] = own
        for d in self.common_by_shares.pop(total, []):
            d.fields["shares"] = own
            self.common_by_shares.setdefault(own, []).append(d)

    def _describe_buyers(self, d: Draft, s: Sentence) -> None:
        if d.fields.get("buyers"):
            return
        if d.kind == "common":      # "sold 400,000 shares ... to Harbor Point Partners, L.P. at $3.75"
            named = P.NAMED_TO.search(d.fields.get("segment") or "")
            if named and not self._is_issuer(named["name"], named["name"]):
                d.fields["buyers"] = (named["name"].strip(" ,"),)
                return
        d.fields.setdefault("buyers_description", self.deal.buyers_description or _to_whom(s.text))

    def _same_terms(self, d: Draft) -> None:
        """"On the same terms as the earlier offering": take the price of the tranche referred to."""
        orders, drafts = self.ordered.get(d.kind, ((), ()))
        earlier = bisect_left(orders, d.order)     # the non-fee drafts of its kind made before it
        if not earlier:
            return
        ref = drafts[earlier - 1]
        key = "price" if d.kind == "common" else "exercise_price"
        if d.fields.get(key) is None and ref.fields.get(key) is not None:
            d.fields[key] = ref.fields[key]
            d.fields[f"{key}_basis"] = Basis.BY_REFERENCE
            d.cite(ref.sentences[0])
        if d.kind == "warrant" and d.fields.get("term_years") is None and ref.fields.get("term_years") is not None:
            d.fields["term_years"] = ref.fields["term_years"]
        if d.kind == "warrant" and d.fields.get("term_years") is None and d.fields.get("stated_expiry") is None \
                and ref.fields.get("stated_expiry") is not None:
            d.fields["stated_expiry"] = ref.fields["stated_expiry"]     # a fixed date: the same date

    def _note(self, s: Sentence, m: re.Match, segment: str, when: date) -> Draft:
        title = re.sub(r"\s+", " ", m["title"]).strip()
        fields = dict(security=title, segment=segment, interest_rate=Decimal(m["rate"]) if m["rate"] else None)
        # "$5,000,000 principal amount of Convertible Notes": terms may precede the title.
        fields.update(_note_terms(s.text))
        named = P.NAMED_TO.search(segment)
        if named:
            fields.update(buyers=(named["name"].strip(" ,"),), buyers_description=None)
        if m["due"] and re.fullmatch(r"\d{4}", m["due"]) is None and "maturity" not in fields:
            fields["maturity"] = parse_date(m["due"])
        return self._new("note", when, s, **fields)

    def _preferred(self, s: Sentence, m: re.Match, segment: str, when: date) -> Draft:
        title = re.sub(r"\s+", " ", m["title"]).strip()
        rate = Decimal(m["rate"] or m["rate2"]) if (m["rate"] or m["rate2"]) else None
        fields = dict(series=f"Series {m['series']}" if m["series"] else None, title=title, dividend_rate=rate,
                      shares=parse_count(m["n"]) if m["n"] else None, segment=segment)
        sv = P.STATED_VALUE.search(segment)
        if sv:
            fields["stated_value"] = to_decimal(sv["v"])
        amount = re.search(rf"\$\s?(?P<num>{P.NUMBER})(?:\s+(?P<scale>million|billion))?\s+(?:of|in)\s+(?:the\s+Company's\s+|its\s+|our\s+)?"
                           rf"(?:shares\s+of\s+)?(?:\d+(?:\.\d+)?%\s+)?(?:Series\s+\w+\s+)?(?:[\w-]+\s+){{0,3}}Preferred", segment, re.I)
        if amount:
            fields["stated_amount"] = (parse_money(amount), Basis.STATED)
        defined = re.search(rf"\(\s*{P.Q}(?P<term>[^\"”']+){P.Q}\s*\)", segment)
        fields["defined_term"] = defined["term"] if defined else None
        return self._new("preferred", when, s, **fields)

    def _warrant(self, s: Sentence, m: re.Match, segment: str, when: date) -> Draft:
        head = m["head"] or ""
        label = _label(head, m["label"])
        formula = bool(m["formula"])
        kind = _warrant_kind(label, head, formula)
        term, expires = _term(head, segment)
        price = _price(segment)
        fields = dict(tranche=label, kind=kind, exercise_price=price, term_years=term, stated_expiry=expires,
                      segment=segment, label=m["label"], term_offset_months=_term_offset(segment))
        if m["n"]:
            fields["shares"] = parse_count(m["n"])
        elif formula:
            fields["quantity_basis"] = QuantityBasis.FORMULA
            v = P.VESTING.search(segment)
            if v:
                fields["vesting_months"] = tuple(word_number(x) for x in (v["a"], v["b"]) if x)
        else:
            fields["quantity_basis"] = QuantityBasis.UNDISCLOSED
        return self._new("warrant", when, s, **fields)

    # -- facts that qualify a security already read ------------------------------------------
    def _formula_terms(self, s: Sentence) -> None:
        """Sentences about an adjustable warrant's formula: its price ceiling and cut-off."""
        lower = s.text.lower()
        # The latest warrant a formula sizes whose label the sentence names.
        named = [d for label, d in self.formula_by_label.items() if label in lower]
        for d in sorted(named, key=lambda d: d.order, reverse=True)[:1]:
            if re.search(r"\bformula\b", s.text, re.I) and "formula_text" not in d.fields:
                d.fields["formula_text"] = s.text
                d.cite(s)
            if P.NO_SHARES.search(s.text):
                prices = [m for m in MONEY_RE.finditer(s.text)]
                if prices:
                    key = "cutoff_price" if re.search(r"subsequent\s+vesting", s.text, re.I) else "zero_above_price"
                    d.fields[key] = parse_money(prices[0])
                    if key == "zero_above_price":
                        d.fields["zero_above_approximate"] = bool(
                            re.search(r"approximately\s+\$", s.text[:prices[0].end()], re.I))
                    d.cite(s)
            return

    def _later_note_terms(self, s: Sentence) -> None:
        """"The Notes mature on June 30, 2027 and are convertible at $1.25 per share"."""
        if not re.search(r"\b(?:notes?|debentures?)\b", s.text, re.I):
            return
        note = self.last.get("note")
        if note is None:
            return
        changed = False
        for key, value in _note_terms(s.text).items():
            if note.fields.get(key) is None:
                note.fields[key], changed = value, True
        if changed:
            note.cite(s)

    def _warrant_terms(self, s: Sentence) -> None:
        """'The warrants are exercisable for a period of five years': terms told after the grant."""
        if not re.search(r"\bwarrants?\b", s.text, re.I):
            return
        for m in P.GROUP_LABEL.finditer(s.text):
            self.groups.setdefault(m["group"].lower(), set()).update({m["a"].lower(), (m["b"] or "").lower()} - {""})
        term, expires = _term("", s.text)
        offset = _term_offset(s.text)
        conditional = re.search(r"\bif\b|\bnot\s+fixed\b|\bdepend", s.text, re.I)
        price = _price(s.text) if re.search(r"exercise\s+price", s.text, re.I) and not conditional else None
        if term is None and expires is None and price is None and offset is None:
            return
        if not self.investor:
            return
        for d in self.investor[self._labelled:]:     # tranches are final once their sentence is read
            self.investor_labels.setdefault(d.fields["tranche"].lower(), []).append(d)
        self._labelled = len(self.investor)
        lower = s.text.lower()
        named_labels = {label for label in self.investor_labels if label != "warrants" and _singular(label) in lower}
        for group, members in self.groups.items():
            if _singular(group) in lower:
                named_labels |= members
        lists = [(("label", label), self.investor_labels[label]) for label in named_labels if label in self.investor_labels]
        if not lists:
            first = id(self.investor[-1].sentences[0])
            lists = [(("sentence", first), self.investor_by_sentence[first])]
        # A term given once is given to every target that lacked it, so each list remembers how many
        # of its drafts already have each term and only the rest are visited: a filing that repeats
        # "The warrants are exercisable for five years" stays linear.
        given = [g for g, v in (("term", term if term is not None else expires), ("price", price), ("offset", offset))
                 if v is not None]
        targets = []
        for key, drafts in lists:
            targets.extend(drafts[min(self._given.get((key, g), 0) for g in given):])
            self._given.update({(key, g): len(drafts) for g in given})
        for d in sorted(targets, key=lambda d: d.order):
            changed = False
            if term is not None and d.fields.get("term_years") is None and d.fields.get("stated_expiry") is None:
                d.fields["term_years"], changed = term, True
            if expires is not None and d.fields.get("stated_expiry") is None and d.fields.get("term_years") is None:
                d.fields["stated_expiry"], changed = expires, True
            if price is not None and d.fields.get("exercise_price") is None:
                d.fields["exercise_price"], changed = price, True
            if offset is not None and d.fields.get("term_offset_months") is None:
                d.fields["term_offset_months"], changed = offset, True
            if changed:
                d.cite(s)

    def _conversion_terms(self, s: Sentence) -> None:
        if not P.CONVERT.search(s.text):
            return
        for d in filter(None, [self.last.get("preferred")]):
            names = [x for x in (d.fields.get("defined_term"), d.fields.get("series")) if x]
            if names and not any(n.lower() in s.text.lower() for n in names):
                return
            other = re.findall(r"Series\s+([A-Z0-9]+)", s.text)
            if other and d.fields.get("series") and all(f"Series {o}" != d.fields["series"] for o in other):
                return
            conv = d.fields.setdefault("conversion", {})
            before = dict(conv)
            m = P.FIXED_CONVERSION.search(s.text)
            if m and "fixed_price" not in conv:
                conv["fixed_price"] = to_decimal(m["a"] or m["b"])
                m2 = P.FIRST_DAYS.search(s.text)
                if m2:
                    conv["fixed_only_days"] = word_number(m2["n"])
            m = P.INCREMENTS.search(s.text)
            if m:
                conv["increment_percent"] = Decimal(m["pct"])
                conv["increment_period"] = m["period"].lower()
            m = P.VARIABLE.search(s.text) or P.search_discount(s.text)
            if m and "variable_formula" not in conv:
                conv["variable_formula"] = m["formula"].strip()
                conv["variable_percent"] = Decimal(m["pct"])
                conv["variable_reference"] = re.sub(r"^average\s+", "", m["ref"].strip(), flags=re.I)
            m = P.SHARE_CAP.search(s.text)
            if m:
                conv["share_cap"] = parse_count(m["n"])
            if conv != before:
                d.cite(s)
            return

    # -- fees and rights -------------------------------------------------------------------
    def _fee(self, s: Sentence) -> bool:
        text = s.text
        if P.NOT_A_SALE.search(text) and not re.search(r"finder|placement|fee", text, re.I):
            return False
        if P.NO_FEE.search(text) and not P.FEE_CASH.search(text):
            return False
        role = next((r for pattern, r in P.FEE_ROLE if pattern.search(text)), "other")
        fields: dict = dict(role=role)
        m = P.FEE_CASH.search(text)
        if m and not P.CASH_UNDISCLOSED.search(text):
            num, scale = (m["num"], m["scale"]) if m["num"] else (m["num2"], m["scale2"])
            value = to_decimal(num, scale)
            fields["cash"] = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
            fields["approximate"] = bool(m["approx"] or m["approx2"])
            fields["cash_basis"] = Basis.APPROXIMATE if fields["approximate"] else Basis.STATED
        else:
            pct = P.FEE_PERCENT.search(text)
            if pct:
                fields["percent_of_proceeds"] = Decimal(pct["pct"] or pct["pct3"])
                fields["cash_basis"] = Basis.FORMULA
            elif re.search(r"\bcash\b", text, re.I):
                fields["cash_basis"] = Basis.UNDISCLOSED
            else:
                fields["cash_basis"] = Basis.NOT_STATED
            if fields["cash_basis"] is Basis.NOT_STATED and not re.search(r"finder|placement|fee", text, re.I):
                return False
        fields["includes_expenses"] = bool(re.search(r"fees\s+and\s+expenses|and\s+expenses\s+of", text, re.I))
        name = P.PAYEE_NAME.search(text)
        desc = P.PAYEE_DESCRIPTION.search(text)
        alias = next((a for a in self.aliases if re.search(rf"\b{re.escape(a)}\b", text)), None)
        if name:
            fields["payee"] = name["name"].strip(" ,")
        elif alias:
            fields["payee"] = self.aliases[alias][0]
        elif self.agent and role == "placement_agent":
            fields["payee"] = self.agent[0]
        fields["payee_description"] = desc["d"] if desc else None
        earlier = self.fee_by_payee.get(fields["payee"]) if fields.get("payee") else None
        if earlier is not None:
            # The same payee's fee told again ("its warrants ... in addition to the cash fee
            # described above"): one fee, cited twice.
            for key, value in fields.items():
                if value is not None and earlier.fields.get(key) in (None, Basis.NOT_STATED, Basis.UNDISCLOSED):
                    earlier.fields[key] = value
            earlier.cite(s)
            return True
        when = self.deal.last_issue.date if self.deal.last_issue else self._issue_date(_sentence_date(text))
        fee = self._new("fee", _sentence_date(text) or when, s, **fields)
        if alias:
            fee.cite(self.aliases[alias][1])
        elif self.agent and fields.get("payee") == self.agent[0]:
            fee.cite(self.agent[1])
        if self.agent and fields.get("payee") == self.agent[0] and role == "other":
            fee.fields["role"] = role = self.agent_role
            fee.cite(self.agent[1])
        warrant = P.WARRANT.search(text)
        if warrant or re.search(r"\bwarrants?\b", text, re.I):
            fee.fields["warrants"] = True
            shares = parse_count(warrant["n"]) if warrant and warrant["n"] else None
            fee.fields["warrant_shares"] = shares
            segment = text[warrant.start():] if warrant else text
            w = self._new("warrant", fee.date, s, tranche=f"{role.replace('_', ' ')}'s warrants" if role != "other" else "fee warrants",
                          kind=WarrantKind.FINDER if role == "finder" else WarrantKind.PLACEMENT_AGENT,
                          exercise_price=_price(segment) if warrant else None, segment=segment,
                          holders=(fields["payee"],) if fields.get("payee") else (),
                          holders_description=fields["payee_description"])
            if shares is not None:
                w.fields["shares"] = shares
            else:
                w.fields["quantity_basis"] = QuantityBasis.UNDISCLOSED
            term, expires = _term("", segment)
            w.fields.update(term_years=term, stated_expiry=expires)
            if P.SAME_TERMS.search(segment):    # "on the same terms as the investors' warrants"
                self._same_terms(w)
            if w.fields["exercise_price"] is None:
                w.fields["exercise_price_basis"] = Basis.UNDISCLOSED
        return True

    def _right(self, s: Sentence) -> bool:
        text = s.text
        m = P.ISSUER_OPTION.search(text)
        if m:
            verb = m["verb"].lower()
            kind = RightKind.OPTION_TO_SELL if verb in ("sell", "issue") else RightKind.ISSUER_REDEMPTION
            fields = dict(kind=kind, holder="issuer", description=text)
            pref = P.PREFERRED.search(text)
            if pref and kind is RightKind.OPTION_TO_SELL:
                fields["security"] = re.sub(r"\s+", " ", pref["title"])
            money = [x for x in MONEY_RE.finditer(text) if not re.match(r"\s*per\s+share", text[x.end():])]
            if money and kind is RightKind.OPTION_TO_SELL:
                fields["amount"] = parse_money(money[0])
            c = P.COMMENCING.search(text)
            if c:
                base = parse_date(c["date"]) or self.deal.closing or self.deal.date
                n = word_number(c["n"])
                if base and n is not None:
                    fields["exercisable_from"] = add_days(base, n)
            if P.FIRST_VESTING.search(text):
                if self.last_vesting is not None:
                    v = self.last_vesting
                    fields["exercisable_from"] = add_months(v.date, v.fields["vesting_months"][0])
                    fields["after"] = v
            d = self._new("right", self.deal.date, s, **fields)
            if "after" in fields:
                d.cite(fields["after"].sentences[0])
            return True
        if P.REDEMPTION_FEATURE.search(text):
            pref = self.last.get("preferred")
            self._new("right", pref.date if pref else self.deal.date, s, kind=RightKind.ISSUER_REDEMPTION, holder="issuer",
                      description=text, security=pref.fields["title"] if pref else None)
            return False   # the sentence may state other features too
        m = P.OVER_ALLOTMENT.search(text)
        if m:
            self._new("right", self._issue_date(_sentence_date(text)), s, kind=RightKind.INVESTOR_OPTION,
                      holder="underwriters" if re.search(r"underwriter", text, re.I) else "investors", description=text)
            return False
        return False

    # -- holders and merging ---------------------------------------------------------------
    def _resolve_holders(self) -> None:
        for d in self.drafts:
            if d.kind in ("common", "preferred", "note") and not d.fields.get("buyers"):
                buyers, where = self._buyers_on(d.date)
                if buyers:
                    d.fields["buyers"] = buyers
                    d.cite(*where)
        exhibit_holders: dict[tuple, tuple] = {}     # (label, date) -> what the exhibits say
        for d in self.drafts:
            if d.kind != "warrant" or d.fields.get("kind") in (WarrantKind.FINDER, WarrantKind.PLACEMENT_AGENT):
                continue
            label = d.fields.get("label") or (d.fields["tranche"] if d.fields["tranche"] != "Warrants" else None)
            if (label, d.date) not in exhibit_holders:
                exhibit_holders[label, d.date] = self._exhibit_holders(label, d.date)
            holders, cited, dated = exhibit_holders[label, d.date]
            if cited:
                d.cite(*cited)
                d.fields["holders"] = holders
                if dated is not None:
                    d.date = dated
            else:
                peer = self.first_sale.get(id(d.sentences[0]))   # the first sale told in its sentence
                orders, sales = self.sales
                earlier = bisect_left(orders, d.order)     # else the last sale told before it
                source = peer or (sales[earlier - 1] if earlier else None)
                if source and source.fields.get("buyers"):
                    d.fields["holders"] = source.fields["buyers"]
                    d.cite(*source.sentences[1:])

    def _exhibit_holders(self, label: str | None, when: date) -> tuple[tuple[str, ...], list[Sentence], date | None]:
        """The holders that warrant exhibits name for a tranche dated `when`, the exhibits' sentences,
        and their date when they agree on one."""
        exhibits = [e for e in self.parties.warrant_holders(label) if e.date >= when]
        # A warrant exhibit to someone outside the purchase agreement (often the finder) does not
        # make them an investor in this tranche.
        buyers = set(self._buyers_on(when)[0])
        keep = buyers if any(buyers & set(e.holders) for e in exhibits) else None
        if keep:
            exhibits = [e for e in exhibits if keep & set(e.holders)]
        holders: list[str] = []
        for e in exhibits:
            holders.extend(h for h in e.holders if h not in holders and (keep is None or h in keep))
        dated = {e.date for e in exhibits}
        return tuple(holders), [e.sentence for e in exhibits], dated.pop() if len(dated) == 1 else None

    @staticmethod
    def _merge(drafts: list[Draft]) -> list[Draft]:
        """One tranche told twice (a summary sentence, then the details) becomes one fact."""
        out: list[Draft] = []
        # Facts can only be the same when they agree on this key, so each draft is compared only
        # with those of its key (a comparison with every earlier fact was quadratic).
        candidates: dict[tuple, list[Draft]] = {}
        for d in drafts:
            key = _merge_key(d)
            twin = next((x for x in candidates.get(key, ()) if _same_fact(x, d)), None) if key else None
            if twin is None:
                out.append(d)
                if key:
                    candidates.setdefault(key, []).append(d)
                continue
            for key, value in d.fields.items():
                if value is not None and twin.fields.get(key) is None:
                    twin.fields[key] = value
            if d.kind == "warrant" and d.fields["kind"] in (WarrantKind.FINDER, WarrantKind.PLACEMENT_AGENT):
                twin.fields.update(kind=d.fields["kind"], tranche=d.fields["tranche"], holders=d.fields.get("holders", ()))
            twin.cite(*d.sentences)
        return out


# What a sentence says as a whole is read once, however many securities it names: each of the
# thousands in one hostile "sentence" reading it again was quadratic.
def _note_terms(text: str) -> dict:
    return dict(_sentence_note_terms(text))


@functools.lru_cache(maxsize=16)
def _sentence_note_terms(text: str) -> tuple:
    out: dict = {}
    m = P.PRINCIPAL.search(text)
    if m:
        out["principal"] = to_decimal(m["num"] or m["num2"], m["scale"] or m["scale2"])
    m = P.NOTE_CONVERSION_PRICE.search(text)
    if m and m["p"]:
        out["conversion_price"] = to_decimal(m["p"])
    elif m:
        out["conversion_formula"] = m["formula"].strip()
    m = P.MATURITY.search(text)
    if m:
        out["maturity"] = parse_date(m["date"] or m["date2"])
    m = P.INTEREST.search(text)
    if m:
        out["interest_rate"] = Decimal(m["rate"])
    return tuple(out.items())


@functools.lru_cache(maxsize=16)
def _to_whom(text: str) -> str | None:
    m = P.TO_WHOM.search(text)
    return m["who"] if m else None


def _inside(spans: list[tuple[int, int]], at: int) -> bool:
    """Whether `at` falls in one of `spans`: disjoint and in order, as finditer gives them."""
    i = bisect_right(spans, (at, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= at < spans[i][1]


def _singular(label: str) -> str:
    return re.sub(r"s$", "", label.strip().lower())


_FRACTIONS = {"one-half": Decimal("0.5"), "one-quarter": Decimal("0.25"), "a": Decimal(1), "one": Decimal(1),
              "two": Decimal(2), "three": Decimal(3)}


def _fraction(word: str) -> Decimal:
    word = word.lower()
    return _FRACTIONS[word] if word in _FRACTIONS else Decimal(word)


@functools.lru_cache(maxsize=16)
def _additional_closing(text: str, noun: str = "shares") -> bool:
    """"an additional 525,000 shares" (or units): a later closing of the same deal."""
    return bool(re.search(rf"\ban\s+additional\s+[\d,]+\s+{noun}\b", text, re.I)) and \
        not P.OVER_ALLOTMENT.search(text)


def _merge_key(d: Draft) -> tuple | None:
    """What two drafts must share for _same_fact to hold; None: never the same as another."""
    if d.kind == "warrant":
        shares = d.fields.get("shares")
        return None if shares is None else ("warrant", shares)
    if d.kind == "common":
        return "common", d.fields.get("shares")
    if d.kind == "preferred":
        return "preferred", (d.fields.get("series") or "").lower()
    return None


def _compatible(a, b) -> bool:
    return a is None or b is None or a == b


def _same_fact(a: Draft, b: Draft) -> bool:
    if a.kind != b.kind:
        return False
    if a.kind == "warrant":
        if a.fields.get("shares") is None or b.fields.get("shares") is None:
            return False
        fee_kinds = (WarrantKind.FINDER, WarrantKind.PLACEMENT_AGENT)
        # A fee's warrants told again on their own ("The warrants for N shares were issued to the
        # agent") are the same tranche; two investor tranches must agree on kind.
        same_kind = a.fields["kind"] == b.fields["kind"] or (a.fields["kind"] in fee_kinds) != (b.fields["kind"] in fee_kinds)
        labels = {_singular(x.fields["tranche"]) for x in (a, b)} - {"warrant", "finder's warrant", "fee warrant"}
        return a.fields["shares"] == b.fields["shares"] and same_kind and len(labels) <= 1 and \
            _compatible(a.fields.get("exercise_price"), b.fields.get("exercise_price"))
    if a.kind == "common":
        return a.fields.get("shares") == b.fields.get("shares") and \
            _compatible(a.fields.get("price"), b.fields.get("price"))
    if a.kind == "preferred":
        return (a.fields.get("series") or "").lower() == (b.fields.get("series") or "").lower() and \
            (a.fields.get("series") or a.fields.get("title").lower() == b.fields.get("title").lower()) and \
            _compatible(a.fields.get("shares"), b.fields.get("shares"))
    return False
