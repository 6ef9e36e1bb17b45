"""Pass 4, deal assembly: frames from the whole document attached to the deal they speak of.

A sale told in the 8-K body and again in the press release, a count stated in one sentence and its
price or term in another, units and what a unit holds, an offering's total next to its firm shares
and over-allotment, a total that includes selling stockholders' shares: each becomes one draft whose
fields keep every candidate value with its sentences, and constraints choose among them
(shares x price ~ proceeds; firm + option = total; a rounded figure agrees with an exact one).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from datetime import date
from decimal import Decimal

import attrs

from events import Basis, QuantityBasis, RightKind, WarrantKind
from ledger.extract import patterns as P
from ledger.extract.gate import gated
from ledger.extract.drafts import (
    DEAL, REFERENCE, SAME_SENTENCE, STATED, AnyDraft, FeeDraft, NoteDraft, PreferredDraft, RightDraft, SharesDraft,
    WarrantDraft,
)
from ledger.extract.frames import Fee, Frame, Grant, Makeup, Sale, Statement
from ledger.extract.layout import is_issuer
from ledger.extract.mentions import Kind, Role
from ledger.extract.mentions import read as read_mentions
from ledger.extract.parties import Parties
from ledger.extract.values import add_days, add_months, parse_count, parse_date, to_decimal, word_number
from ledger.text.normalise import Sentence


@attrs.frozen
class Context:
    """What assembly needs to know about the document, besides its frames."""

    report_date: date
    issuer: str | None
    parties: Parties
    role: dict[int, str]                 # sentence start -> the role of its part ("body", "press_release", ...)
    items: dict[int, tuple[str, ...]]    # sentence start -> the 8-K items it stands under
    agents: tuple[tuple[str, str, Sentence], ...] = ()     # (name, role, where) of "X acted as placement agent"
    aliases: dict[str, tuple[str, Sentence]] = attrs.Factory(dict)   # 'the "Agent"' -> its name


def _weight(ctx: Context, s: Sentence, base: int) -> int:
    """The 8-K body outranks a press release telling the same thing."""
    return base * 2 + (0 if ctx.role.get(s.start) == "press_release" else 1)


def _rounded_agrees(approx: int, exact: int) -> bool:
    """"approximately 1.2 million" agrees with 1,204,819: equal to the written precision."""
    if approx == exact:
        return True
    digits = str(approx).rstrip("0")
    unit = 10 ** (len(str(approx)) - len(digits)) if approx else 1
    return abs(approx - exact) * 2 <= unit


def _money_close(a: Decimal, b: Decimal, approximate: bool) -> bool:
    if a == b:
        return True
    tolerance = Decimal("0.06") if approximate else Decimal("0.005")
    return abs(a - b) <= tolerance * max(abs(a), abs(b)) or abs(a - b) < 1


def _singular(label: str) -> str:
    return re.sub(r"s$", "", label.strip().lower())


def _label(raw: str) -> str:
    words = re.sub(r"\s+", " ", raw).strip()
    words = re.sub(r"^(?:the|its|our|such|additional|new|newly[- ]issued|accompanying|associated)\s+", "", words, flags=re.I)
    if not words:
        return "Warrants"
    if words.lower() in ("warrant", "warrants"):
        return "Warrants"
    out = " ".join(w[0].upper() + w[1:] for w in words.split())
    return out if out.endswith("s") else out + "s"


class Assembly:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.drafts: list[AnyDraft] = []
        self.unit_sales: list[Sale] = []
        self.makeups: list[Makeup] = []
        self.statements: list[Statement] = []
        self.grants_by_sentence: dict[int, list[WarrantDraft]] = {}
        # Indexes, so that no frame walks every earlier draft: a filing that states 20,000 facts
        # stays linear (a walk per frame made extraction quadratic).
        self.of_type: dict[type, list] = {}
        self.shares_by_count: dict[int, list[SharesDraft]] = {}
        self.approximate_shares: list[SharesDraft] = []
        self.warrants_by_count: dict[int, list[WarrantDraft]] = {}
        self.investor_warrants: list[WarrantDraft] = []
        self.fees_by_payee: dict[str | None, FeeDraft] = {}
        self.priced_sales: list[SharesDraft] = []
        self.investor_option = False
        self.formula_warrants: list[WarrantDraft] = []     # adjustable warrants a formula sizes

    # -- the walk -----------------------------------------------------------------------------
    def run(self, frames: list[Frame], sentences: list[Sentence], skip) -> list[AnyDraft]:
        for f in frames:
            if isinstance(f, Statement):
                self.statements.append(f)
            elif isinstance(f, Makeup):
                self.makeups.append(f)
        self.closing = self._closing()
        self.buyers_description = next((m["with"].strip() for st in sentences if not skip(st)
                                        for m in [P.AGREEMENT.search(st.text)] if m and m["with"]), None)
        self.agreement = next((st.value for st in self.statements if st.what == "agreement"), None)
        for f in frames:
            if isinstance(f, Sale):
                self._sale(f)
            elif isinstance(f, Grant):
                self._grant(f)
        for f in frames:
            if isinstance(f, Fee):
                self._fee(f)
        self._units()
        self._read_qualifiers(sentences, skip)
        self._apply_statements()
        self._constraints()
        self._dates()
        self._holders()
        self.drafts.sort(key=lambda d: d.order)
        return self.drafts

    def _add(self, d: AnyDraft) -> None:
        self.drafts.append(d)
        self.of_type.setdefault(type(d), []).append(d)
        self._index(d)

    def _index(self, d: AnyDraft) -> None:
        if isinstance(d, SharesDraft):
            n = d.shares.value
            if n is not None:
                if d.shares.basis() is Basis.APPROXIMATE:
                    self.approximate_shares.append(d)
                else:
                    self.shares_by_count.setdefault(n, []).append(d)
            if d.price.value is not None:
                self.priced_sales.append(d)
        elif isinstance(d, WarrantDraft):
            if d.shares.value is not None:
                self.warrants_by_count.setdefault(d.shares.value, []).append(d)
            if d.kind not in (WarrantKind.FINDER, WarrantKind.PLACEMENT_AGENT, WarrantKind.PRE_FUNDED):
                self.investor_warrants.append(d)
            if d.kind is WarrantKind.ADJUSTABLE and d.quantity_basis is QuantityBasis.FORMULA:
                self.formula_warrants.append(d)
        elif isinstance(d, FeeDraft):
            self.fees_by_payee.setdefault(d.payee, d)
        elif isinstance(d, RightDraft) and d.kind is RightKind.INVESTOR_OPTION:
            self.investor_option = True

    def of(self, kind: type) -> list:
        return self.of_type.get(kind, [])

    def _closing(self) -> tuple[date, Sentence] | None:
        body = [st for st in self.statements if st.what == "closing" and self.ctx.role.get(st.sentence.start) != "press_release"]
        found = body or [st for st in self.statements if st.what == "closing"]
        return (found[0].value, found[0].sentence) if found else None

    def _items(self, s: Sentence) -> tuple[str, ...]:
        return self.ctx.items.get(s.start, ())

    # -- sales -----------------------------------------------------------------------------------
    def _sale(self, f: Sale) -> None:
        s, w = f.sentence, (lambda base: _weight(self.ctx, f.sentence, base))
        k = f.security.kind
        if k is Kind.UNIT:
            self.unit_sales.append(f)
            return
        if k is Kind.PREFERRED:
            self._preferred(f)
            return
        d = SharesDraft(order=f.order, sentences=[s], items=self._items(s), security=f.security.label,
                        consideration_kind=f.consideration_kind, defined=f.security.defined, option_shares=f.option_shares)
        d.shares.offer(f.count, Basis.APPROXIMATE if f.approximate else Basis.STATED, s, strength=w(STATED), why="sale clause")
        if f.price is not None:
            d.price.offer(f.price.value, Basis.STATED, s, strength=w(STATED), why=f"{f.price.role.value} price in the sale clause")
        if f.consideration is not None and f.consideration_kind == "cash":
            d.consideration.offer(_whole(f.consideration.value), Basis.APPROXIMATE if f.consideration.figure.approximate else Basis.STATED,
                                  s, strength=w(SAME_SENTENCE), why="gross amount in the sale's sentence")
        if f.date is not None:
            d.date.offer(f.date, Basis.STATED, s, strength=w(STATED), why="the sale sentence's own date")
        if f.additional:
            d.tranche = "additional closing"
        if f.named_buyer and not self._is_issuer(f.named_buyer):
            d.buyers.offer((f.named_buyer,), Basis.STATED, s)
        d.buyers_description = self.buyers_description or _to_whom(s.text)
        if P.SAME_TERMS.search(s.text) and f.price is None:
            earlier = self.priced_sales
            if earlier:
                b = earlier[-1].price.best
                d.price.offer(b.value, Basis.BY_REFERENCE, *b.sentences, strength=w(SAME_SENTENCE), why="on the same terms as the earlier sale")
        d.notes.append(f"sale frame: {f.count} {f.security.label} ({f.consideration_kind})")
        twin = self._same_shares(d)
        if twin is not None:
            twin.absorb(d)
            if twin.tranche is None and d.tranche:
                twin.tranche = d.tranche
            if twin.consideration_kind in ("not_stated", "cash") and d.consideration_kind not in ("not_stated", "cash"):
                twin.consideration_kind = d.consideration_kind
            return
        self._add(d)

    def _same_shares(self, d: SharesDraft) -> SharesDraft | None:
        n, approx = d.shares.value, d.shares.basis() is Basis.APPROXIMATE
        if n is None:
            return None
        # exact figures meet only their equals; a rounded one may meet any (they are few)
        pool = self.approximate_shares + (list(self.of(SharesDraft)) if approx else self.shares_by_count.get(n, []))
        for x in pool:
            if x.shares.value is None:
                continue
            xa = x.shares.basis() is Basis.APPROXIMATE
            same = x.shares.value == n or (approx and _rounded_agrees(n, x.shares.value)) or (xa and _rounded_agrees(x.shares.value, n))
            if not same:
                continue
            p, q = d.price.value, x.price.value
            if p is not None and q is not None and p != q:
                continue
            if (x.tranche == "additional closing") != (d.tranche == "additional closing") and x.shares.value == n \
                    and x.sentences[0].paragraph != d.sentences[0].paragraph and d.tranche:
                continue
            if xa and not approx:       # the exact figure leads
                x.shares.clear()
                if x in self.approximate_shares:
                    self.approximate_shares.remove(x)
                self.shares_by_count.setdefault(n, []).append(x)
            return x
        return None

    def _preferred(self, f: Sale) -> None:
        s = f.sentence
        sec = f.security
        title = re.sub(r"\s+", " ", sec.label).strip()
        whole = next((m for m in P.PREFERRED.finditer(s.text) if m.start("title") <= sec.end and m.end("title") >= sec.start), None)
        if whole is not None:
            title = re.sub(r"\s+", " ", whole["title"]).strip()
        d = PreferredDraft(order=f.order, sentences=[s], items=self._items(s), title=title,
                           series=f"Series {sec.series}" if sec.series else None, consideration_kind=f.consideration_kind,
                           defined=sec.defined)
        d.shares.offer(f.count, Basis.STATED, s)
        m = read_mentions(s.text)
        for x in m.money:
            if x.role is Role.STATED_VALUE:
                d.stated_value.offer(x.value, Basis.STATED, s)
        amount = re.search(
            r"\$\s?(?P<num>\d[\d,]*(?:\.\d+)?)(?:\s+(?P<scale>million|billion))?\s+(?:of|in)\s+(?:the\s+Company's\s+|its\s+|our\s+)?"
            r"(?:shares\s+of\s+)?(?:aggregate\s+)?(?:stated\s+value\s+of\s+)?(?:\d+(?:\.\d+)?%\s+)?(?:Series\s+\w+\s+)?(?:[\w-]+\s+){0,3}Preferred", s.text, re.I)
        if amount:
            d.stated_amount.offer(to_decimal(amount["num"], amount["scale"]), Basis.STATED, s)
        if f.consideration is not None:
            d.consideration.offer(_whole(f.consideration.value), Basis.APPROXIMATE if f.consideration.figure.approximate else Basis.STATED, s)
        rate = re.search(r"(?P<rate>\d+(?:\.\d+)?)%\s+(?:Series\s+\w+\s+)?(?:[\w-]+\s+){0,3}Preferred", s.text, re.I)
        if rate:
            d.dividend_rate.offer(Decimal(rate["rate"]), Basis.STATED, s)
        if f.date is not None:
            d.date.offer(f.date, Basis.STATED, s, strength=_weight(self.ctx, s, STATED))
        if f.named_buyer and not self._is_issuer(f.named_buyer):
            d.holders.offer((f.named_buyer,), Basis.STATED, s)
        d.holders_description = self.buyers_description or _to_whom(s.text)
        for x in self.of(PreferredDraft):
            same_count = x.shares.value is not None and x.shares.value == d.shares.value if isinstance(x, PreferredDraft) else False
            if isinstance(x, PreferredDraft) and ((
                    (x.series or "").lower() == (d.series or "").lower() and (x.series or x.title.lower() == d.title.lower()) and
                    (x.shares.value is None or d.shares.value is None or x.shares.value == d.shares.value))
                    or (same_count and not (x.series and d.series and x.series != d.series))):
                if d.series and not x.series:
                    x.series, x.title = d.series, d.title
                x.absorb(d)
                return
        self._add(d)

    # -- warrants ------------------------------------------------------------------------------
    def _grant(self, f: Grant) -> None:
        s = f.sentence
        w = lambda base: _weight(self.ctx, s, base)  # noqa: E731
        sec = f.security
        label = "Pre-Funded Warrants" if sec.kind is Kind.PREFUNDED else _label(sec.defined or sec.label)
        kind = _warrant_kind(label, sec.kind is Kind.PREFUNDED, sec.formula, f.fee_role)
        d = WarrantDraft(order=f.order, sentences=[s], items=self._items(s), label=label, kind=kind, fee_role=f.fee_role,
                         series=sec.series)
        if f.shares is not None:
            d.shares.offer(f.shares, Basis.APPROXIMATE if f.approximate else Basis.STATED, s, strength=w(STATED), why="grant clause")
        elif sec.formula:
            d.quantity_basis = QuantityBasis.FORMULA
            v = P.VESTING.search(s.text)
            if v:
                d.vesting_months = tuple(word_number(x) for x in (v["a"], v["b"]) if x)
            if sec.percent is not None:
                d.formula_text = s.text
        else:
            d.quantity_basis = QuantityBasis.UNDISCLOSED
        if f.exercise is not None:
            d.exercise_price.offer(f.exercise.value, Basis.STATED, s, strength=w(STATED), why="exercise price in the grant clause")
        if f.term_years is not None:
            d.term_years.offer(f.term_years, Basis.STATED, s, strength=w(STATED))
        if f.term_offset_months is not None:
            d.term_offset_months.offer(f.term_offset_months, Basis.STATED, s, strength=w(STATED))
        if f.expires is not None:
            d.expires.offer(f.expires, Basis.STATED, s, strength=w(STATED))
        if f.date is not None:
            d.date.offer(f.date, Basis.STATED, s, strength=w(STATED))
        d.holders_description = self.buyers_description or _to_whom(s.text)
        d.notes.append(f"grant frame: {f.shares} shares under {label}")
        if P.SAME_TERMS.search(s.text):
            self._same_terms(d)
        twin = self._same_warrant(d)
        if twin is not None:
            twin.absorb(d)
            if d.kind in (WarrantKind.FINDER, WarrantKind.PLACEMENT_AGENT):
                twin.kind, twin.label, twin.fee_role = d.kind, d.label, d.fee_role
            return
        self._add(d)
        self.grants_by_sentence.setdefault(s.start, []).append(d)

    def _same_warrant(self, d: WarrantDraft) -> WarrantDraft | None:
        n = d.shares.value
        if n is None:
            return None
        fee_kinds = (WarrantKind.FINDER, WarrantKind.PLACEMENT_AGENT)
        for x in self.warrants_by_count.get(n, ()):
            if x.shares.value != n:
                continue
            same_kind = x.kind == d.kind or (x.kind in fee_kinds) != (d.kind in fee_kinds)
            labels = {_singular(x.label), _singular(d.label)} - {"warrant", "fee warrant", "common warrant", "investor warrant"}
            p, q = x.exercise_price.value, d.exercise_price.value
            if same_kind and len(labels) <= 1 and (p is None or q is None or p == q):
                return x
        return None

    def _same_terms(self, d: WarrantDraft, ref: WarrantDraft | None = None) -> None:
        if ref is None:
            earlier = [x for x in self.investor_warrants[-2:] if x is not d and x.kind not in (WarrantKind.FINDER, WarrantKind.PLACEMENT_AGENT)]
            if not earlier:
                return
            ref = earlier[-1]
        d.same_as = ref
        for name in ("exercise_price", "term_years", "expires"):
            mine, theirs = getattr(d, name), getattr(ref, name)
            if mine.value is None and theirs.value is not None:
                b = theirs.best
                mine.offer(b.value, Basis.BY_REFERENCE if name == "exercise_price" else b.basis, *b.sentences,
                           strength=REFERENCE, why="on the same terms as an earlier tranche")

    # -- units -------------------------------------------------------------------------------------
    def _units(self) -> None:
        for f in self.unit_sales:
            s = f.sentence
            makeup = next((m for m in self.makeups if m.sentence is s), None)
            if makeup is None and self.makeups:
                after = [m for m in self.makeups if m.order >= f.order]
                makeup = after[0] if after else self.makeups[-1]
            units = f.count
            price = f.price.value if f.price is not None else None
            price_basis = Basis.STATED
            if price is None:
                price = next((st.value for st in self.statements if st.what == "unit_price"), None)
                if price is not None and P.SAME_TERMS.search(s.text):
                    price_basis = Basis.BY_REFERENCE
            if makeup is None:
                d = SharesDraft(order=f.order, sentences=[s], items=self._items(s), security="Units",
                                consideration_kind=f.consideration_kind)
                d.shares.offer(units, Basis.STATED, s)
                d.price.offer(price, Basis.STATED, s)
                if f.consideration is not None:
                    d.consideration.offer(_whole(f.consideration.value), Basis.APPROXIMATE if f.consideration.figure.approximate
                                          else Basis.STATED, s)
                if f.date:
                    d.date.offer(f.date, Basis.STATED, s, strength=_weight(self.ctx, s, STATED))
                self._add_or_merge(d)
                continue
            shares = units * makeup.shares if units is not None else None
            common = SharesDraft(order=f.order, sentences=[s], items=self._items(s), consideration_kind=f.consideration_kind,
                                 from_units=True)
            if makeup.sentence is not s:
                common.cite(makeup.sentence)
            if shares is not None and shares == shares.to_integral_value():
                common.shares.offer(int(shares), Basis.APPROXIMATE if f.approximate else Basis.STATED, s,
                                    strength=_weight(self.ctx, s, STATED), why="units times the shares in a unit")
            if price is not None and makeup.shares:
                common.price.offer(price / makeup.shares if makeup.shares != 1 else price, price_basis, s,
                                   strength=_weight(self.ctx, s, STATED), why="the unit price")
            if f.consideration is not None:
                common.consideration.offer(_whole(f.consideration.value),
                                           Basis.APPROXIMATE if f.consideration.figure.approximate else Basis.STATED, s,
                                           strength=_weight(self.ctx, s, SAME_SENTENCE))
            if f.date:
                common.date.offer(f.date, Basis.STATED, s, strength=_weight(self.ctx, s, STATED))
            if f.additional:
                common.tranche = "additional closing"
            common.buyers_description = self.buyers_description or _to_whom(s.text)
            common.notes.append(f"{units} units of {makeup.shares} share(s) and {makeup.warrants} warrant share(s)")
            self._add_or_merge(common)
            warrant = WarrantDraft(order=f.order + 1, sentences=[s], items=self._items(s), label=makeup.label)
            if makeup.sentence is not s:
                warrant.cite(makeup.sentence)
            covered = units * makeup.warrants if units is not None else None
            if covered is not None and makeup.whole and covered == covered.to_integral_value():
                warrant.shares.offer(int(covered), Basis.STATED, s, strength=_weight(self.ctx, s, STATED),
                                     why="units times the whole warrants in a unit")
            else:
                warrant.quantity_basis = QuantityBasis.FORMULA
                warrant.formula_text = makeup.sentence.text
            if makeup.exercise is not None:
                by_reference = makeup.sentence is not s and P.SAME_TERMS.search(s.text)
                warrant.exercise_price.offer(makeup.exercise.value, Basis.BY_REFERENCE if by_reference else Basis.STATED,
                                             makeup.sentence)
            if makeup.term_years is not None:
                warrant.term_years.offer(makeup.term_years, Basis.STATED, makeup.sentence)
            elif makeup.expires is not None:
                warrant.expires.offer(makeup.expires, Basis.STATED, makeup.sentence)
            if f.date:
                warrant.date.offer(f.date, Basis.STATED, s, strength=_weight(self.ctx, s, STATED))
            if f.additional:
                warrant.label = "additional closing"
            if P.SAME_TERMS.search(s.text):
                self._same_terms(warrant)
            warrant.holders_description = common.buyers_description
            twin = self._same_warrant(warrant)
            if twin is not None:
                twin.absorb(warrant)
            elif covered is not None and not any(x.kind is WarrantKind.INVESTOR
                                                 and x.shares.value == (int(covered) if covered == covered.to_integral_value() else None)
                                                 for x in self.grants_by_sentence.get(s.start, ())):
                self._add(warrant)
            elif covered is None:
                self._add(warrant)

    def _add_or_merge(self, d: SharesDraft) -> None:
        twin = self._same_shares(d)
        if twin is not None:
            twin.absorb(d)
        else:
            self._add(d)

    # -- fees ------------------------------------------------------------------------------------
    def _fee(self, f: Fee) -> None:
        s = f.sentence
        text = s.text
        payee = f.payee_text if f.payee_text and not f.payee_text.lower().startswith(("a ", "an ", "the ")) else None
        desc = f.payee_text if f.payee_text and payee is None else None
        payee = payee or self._agent_for(f.role, text)
        existing = self.fees_by_payee.get(payee) if payee else None
        role = f.role
        if role == "other" and payee:
            role = next((r for name, r, _ in self.ctx.agents if name == payee), role)
        d = existing or FeeDraft(order=f.order, sentences=[s], items=self._items(s), role=role, payee=payee, payee_description=desc)
        d.cite(s)
        if f.cash is not None:
            d.cash.offer(_whole(f.cash.value), Basis.APPROXIMATE if f.cash.figure.approximate else Basis.STATED, s)
        if f.percent is not None and d.percent_of_proceeds is None:
            d.percent_of_proceeds = f.percent
        d.includes_expenses = d.includes_expenses or bool(re.search(r"fees\s+and\s+expenses|and\s+expenses\s+of", text, re.I))
        if f.warrants:
            d.warrants = True
            grants = [g for g in self.grants_by_sentence.get(s.start, ())]
            kind = WarrantKind.FINDER if d.role == "finder" else WarrantKind.PLACEMENT_AGENT
            fee_grants = [g for g in grants if g.fee_role or len(grants) == 1 and _fee_words_near(text)]
            for g in fee_grants:
                g.kind, g.fee_role = kind, d.role
                if g.label == "Warrants" or g.fee_role:
                    g.label = f"{d.role.replace('_', ' ')}'s warrants" if d.role != "other" else "fee warrants"
                if payee:
                    g.holders.offer((payee,), Basis.STATED, s, strength=STATED * 2 + 2)
                g.holders_description = desc
                d.warrant_shares = d.warrant_shares or g.shares.value
            if not fee_grants:
                fee_grants = self._agents_warrants(payee, f.warrant_shares)
                for g in fee_grants:
                    g.kind, g.fee_role = kind, d.role
                    g.holders.offer((payee,), Basis.STATED, s, strength=STATED * 2 + 2)
                    g.cite(s)
                    d.warrant_shares = d.warrant_shares or g.shares.value
            if not fee_grants and not any(x.kind is kind for x in self.of(WarrantDraft)[-8:]):
                g = WarrantDraft(order=f.order + 50, sentences=[s], items=self._items(s),
                                 label=f"{d.role.replace('_', ' ')}'s warrants" if d.role != "other" else "fee warrants",
                                 kind=kind, fee_role=d.role)
                if f.warrant_shares is not None:
                    g.shares.offer(f.warrant_shares, Basis.STATED, s)
                    d.warrant_shares = f.warrant_shares
                else:
                    g.quantity_basis = QuantityBasis.FORMULA if f.warrant_percent is not None else QuantityBasis.UNDISCLOSED
                    if f.warrant_percent is not None:
                        g.formula_text = text
                m = read_mentions(text)
                ex = next((x for x in m.money if x.role is Role.EXERCISE), None)
                if ex is not None:
                    g.exercise_price.offer(ex.value, Basis.STATED, s)
                if P.SAME_TERMS.search(text):
                    self._same_terms(g)
                if payee:
                    g.holders.offer((payee,), Basis.STATED, s)
                g.holders_description = desc
                self._add(g)
        if existing is None:
            self._add(d)

    def _agents_warrants(self, payee: str | None, shares: int | None) -> list[WarrantDraft]:
        """Warrants told in another sentence as issued to the agent ("issued to Wainwright's designees
        warrants (the "Wainwright Warrants")"): the fee's warrants, not a second grant."""
        if not payee:
            return []
        word = next((w for w in re.findall(r"[A-Za-z][\w&'-]*\.?", payee) if "." not in w and len(w) > 2), payee.split()[0])
        names = {word.strip(",.").lower()} | {a.lower() for a, (n, _) in self.ctx.aliases.items() if n == payee}
        out = []
        for x in self.investor_warrants:
            if x.kind is not WarrantKind.INVESTOR:
                continue
            if shares is not None and x.shares.value not in (None, shares):
                continue
            head = x.sentences[0].text.lower()
            if any(n and (n in x.label.lower() or re.search(rf"\bto\s+(?:the\s+)?{re.escape(n)}\b", head)) for n in names) or \
                    re.search(r"\bto\s+(?:the\s+)?(?:placement\s+agent|underwriters?|representative)s?\b", head):
                out.append(x)
        return out

    def _agent_for(self, role: str, text: str = "") -> str | None:
        for alias, (name, _) in self.ctx.aliases.items():
            if re.search(rf"\b{re.escape(alias)}\b", text):
                return name
        for name, r, _ in self.ctx.agents:
            if r == role or role == "other":
                return name
        return None

    # -- qualifiers read across the document: conversion terms, note terms, formulas, rights ------
    def _read_qualifiers(self, sentences: list[Sentence], skip) -> None:
        notes: dict[str, NoteDraft] = {}
        for i, s in enumerate(sentences):
            if skip(s):
                continue
            text = s.text
            lower = text.lower()
            # cheap word gates first: most sentences speak of none of these
            if "note" in lower or "debenture" in lower:
                self._note(s, text, notes, i)
            if "closing" in lower:
                self._closing_buyers(s)
            if "conver" in lower:
                self._conversion_terms(s)
            if "warrant" in lower:
                self._formula_terms(s)
            if "right" in lower or "option" in lower or "redemption" in lower:
                self._right(s, i)

    def _note(self, s: Sentence, text: str, notes: dict[str, NoteDraft], i: int) -> None:
        for m in P.NOTE.finditer(text):
            if not P.ISSUE_VERB.search(text) or P.NOT_A_SALE.search(text) or re.search(r"\bpreviously\b|\bprior\b", text, re.I):
                continue
            title = re.sub(r"\s+", " ", m["title"]).strip()
            key = re.sub(r"^\d+(?:\.\d+)?%\s+", "", title.lower()).rstrip("s")
            terms = _note_terms(text)
            if key in notes:
                d = notes[key]
                for name, value in terms.items():
                    slot = getattr(d, name, None)
                    if slot is not None and hasattr(slot, "offer") and slot.value is None:
                        slot.offer(value, Basis.STATED, s)
                d.cite(s)
                return
            d = NoteDraft(order=i * 100 + 99, sentences=[s], items=self._items(s), security=title)
            if m["rate"]:
                d.interest_rate.offer(Decimal(m["rate"]), Basis.STATED, s)
            for name, value in terms.items():
                if name == "conversion_formula":
                    d.conversion_formula = value
                else:
                    getattr(d, name).offer(value, Basis.STATED, s)
            if m["due"] and re.fullmatch(r"\d{4}", m["due"]) is None and d.maturity.value is None:
                d.maturity.offer(parse_date(m["due"]), Basis.STATED, s)
            named = P.NAMED_TO.search(text[m.start():])
            if named and not self._is_issuer(named["name"]):
                d.holders.offer((named["name"].strip(" ,"),), Basis.STATED, s)
            else:
                d.holders_description = self.buyers_description or _to_whom(text)
            when, _ = _lead_date(text)
            if when:
                d.date.offer(when, Basis.STATED, s, strength=_weight(self.ctx, s, STATED))
            notes[key] = d
            self._add(d)
            return
        if re.search(r"\b(?:notes?|debentures?)\b", text, re.I) and notes:
            d = list(notes.values())[-1]
            changed = False
            for name, value in _note_terms(text).items():
                if name == "conversion_formula":
                    if d.conversion_formula is None and d.conversion_price.value is None:
                        d.conversion_formula, changed = value, True
                    continue
                slot = getattr(d, name)
                if slot.value is None:
                    slot.offer(value, Basis.STATED, s)
                    changed = True
            if changed:
                d.cite(s)

    def _closing_buyers(self, s: Sentence) -> None:
        """"The purchasers in the second closing were A, B and C": the buyers of the sale just told."""
        m = P.NAMED_IN_CLOSING.search(s.text)
        if not m:
            return
        from ledger.extract.parties import split_names
        names = split_names(m["names"], self.ctx.issuer)
        before = [d for d in self.of(SharesDraft) + self.of(PreferredDraft) if d.sentences[0].start < s.start]
        if not names or not before:
            return
        sale = max(before, key=lambda d: d.sentences[0].start)
        slot = sale.buyers if isinstance(sale, SharesDraft) else sale.holders
        if slot.value:
            return
        for d in self.drafts:
            if d.sentences[0] is sale.sentences[0] and isinstance(d, (SharesDraft, PreferredDraft, WarrantDraft)) \
                    and not (isinstance(d, WarrantDraft) and d.fee_role):
                (d.buyers if isinstance(d, SharesDraft) else d.holders).offer(names, Basis.STATED, s, strength=STATED * 2 + 2)
                d.cite(s)

    def _conversion_terms(self, s: Sentence) -> None:
        if not P.CONVERT.search(s.text):
            return
        prefs = self.of(PreferredDraft)
        if not prefs:
            return
        d = prefs[-1]
        names = [x for x in (d.defined, d.series) if x]
        if names and not any(n.lower() in s.text.lower() for n in names) and s not in d.sentences:
            return
        other = re.findall(r"Series\s+([A-Z0-9]+)", s.text)
        if other and d.series and all(f"Series {o}" != d.series for o in other):
            return
        conv = d.conversion
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

    def _formula_terms(self, s: Sentence) -> None:
        lower = s.text.lower()
        formula = [d for d in self.formula_warrants[-8:] if d.quantity_basis is QuantityBasis.FORMULA
                   and d.kind is WarrantKind.ADJUSTABLE and _singular(d.label) in lower] if "warrant" in lower else []
        if not formula or s in formula[-1].sentences:
            return
        d = formula[-1]
        if re.search(r"\bformula\b", s.text, re.I) and d.formula_text is None:
            d.formula_text = s.text
            d.cite(s)
        if P.NO_SHARES.search(s.text):
            m = read_mentions(s.text)
            prices = [x for x in m.money]
            if prices:
                if re.search(r"subsequent\s+vesting", s.text, re.I):
                    d.cutoff_price = prices[0].value
                else:
                    d.zero_above_price = prices[0].value
                    d.zero_above_approximate = prices[0].figure.approximate
                d.cite(s)

    def _right(self, s: Sentence, i: int) -> None:
        text = s.text
        m = P.ISSUER_OPTION.search(text)
        if m:
            verb = m["verb"].lower()
            kind = RightKind.OPTION_TO_SELL if verb in ("sell", "issue") else RightKind.ISSUER_REDEMPTION
            d = RightDraft(order=i * 100 + 98, sentences=[s], items=self._items(s), kind=kind, holder="issuer", description=text)
            pref = P.PREFERRED.search(text)
            if pref and kind is RightKind.OPTION_TO_SELL:
                d.security = re.sub(r"\s+", " ", pref["title"])
            money = [x for x in read_mentions(text).money if x.role not in (Role.PER_SHARE, Role.EXERCISE, Role.CONVERSION)]
            if money and kind is RightKind.OPTION_TO_SELL:
                d.amount = money[0].value
            c = P.COMMENCING.search(text)
            if c:
                base = parse_date(c["date"]) or (self.closing[0] if self.closing else None) or self.agreement or self.ctx.report_date
                n = word_number(c["n"])
                if base and n is not None:
                    d.exercisable_from = add_days(base, n)
            if P.FIRST_VESTING.search(text):
                vesting = [x for x in self.formula_warrants if x.vesting_months]
                if vesting:
                    v = vesting[-1]
                    d.notes.append("after the first vesting date")
                    d.exercisable_from = ("vesting", v)   # resolved once dates are known
                    d.cite(v.sentences[0])
            self._add(d)
            return
        if P.REDEMPTION_FEATURE.search(text):
            prefs = self.of(PreferredDraft)
            d = RightDraft(order=i * 100 + 98, sentences=[s], items=self._items(s), kind=RightKind.ISSUER_REDEMPTION,
                           holder="issuer", description=text, security=prefs[-1].title if prefs else None)
            if prefs:
                d.date = prefs[-1].date
            self._add(d)
            return
        m = P.OVER_ALLOTMENT.search(text)
        if m and self.ctx.role.get(s.start) != "press_release" and not self.investor_option:
            d = RightDraft(order=i * 100 + 98, sentences=[s], items=self._items(s), kind=RightKind.INVESTOR_OPTION,
                           holder="underwriters" if re.search(r"underwriter", text, re.I) else "investors", description=text)
            when, _ = _lead_date(text)
            if when:
                d.date.offer(when, Basis.STATED, s)
            self._add(d)

    # -- statements: figures told apart from the count they qualify -----------------------------
    def _apply_statements(self) -> None:
        shares = [d for d in self.of(SharesDraft) if d.price.value is None and not d.from_units]
        # A price told in the sentence of a sale for cash is that sale's, never the price of shares
        # given for services, a target or debt.
        priced = {d.sentences[0].start: d.consideration_kind for d in self.of(SharesDraft)
                  if d.price.value is not None and d.sentences}
        prices = [st for st in self.statements if st.what == "price" and st.kind in (None, Kind.COMMON, Kind.UNIT)]
        if prices:
            orders = [st.order for st in prices]
            for d in shares:
                # the price told nearest the sale (a filing may tell of several deals)
                i = bisect_left(orders, d.order)
                near = [prices[j] for j in (i - 1, i) if 0 <= j < len(prices)]
                for st in sorted(near, key=lambda st: abs(st.order - d.order)):
                    if d.defined and st.label and _singular(st.label) not in (_singular(d.defined), "share", "common stock"):
                        continue
                    if priced.get(st.sentence.start) == "cash" and d.consideration_kind not in ("cash", "not_stated"):
                        continue
                    d.price.offer(st.value, Basis.STATED, st.sentence, strength=_weight(self.ctx, st.sentence, DEAL),
                                  why="a price stated for the offering in another sentence")
                    break
        index = _WarrantIndex([d for d in self.of(WarrantDraft)])
        granted = set(self.grants_by_sentence)
        for st in self.statements:
            if st.what not in ("exercise", "term", "expiry") or st.sentence.start in granted:
                continue          # a grant's own sentence gave its figures to the grant
            s = st.sentence
            w = _weight(self.ctx, s, DEAL)
            for d in index.targets(st):
                if st.what == "term":
                    if d.term_years.value is None and d.expires.value is None:
                        d.term_years.offer(st.value[0], Basis.STATED, s, strength=w, why="a term stated for the warrants")
                        if st.value[1] is not None:
                            d.term_offset_months.offer(st.value[1], Basis.STATED, s, strength=w)
                    continue
                if st.what == "expiry":
                    if d.term_years.value is None and d.expires.value is None:
                        d.expires.offer(st.value, Basis.STATED, s, strength=w, why="an expiry stated for the warrants")
                    continue
                if d.exercise_price.value is None:
                    d.exercise_price.offer(st.value, Basis.STATED, s, strength=w,
                                           why=f"an exercise price stated for {st.label or 'the warrants'}")
        for d in self.of(WarrantDraft):
            if d.same_as is not None:      # terms the earlier tranche took from later sentences
                self._same_terms(d, d.same_as)
        self._gross()

    def _gross(self) -> None:
        gross = [st for st in self.statements if st.what == "gross"]
        if not gross:
            return
        sales = sorted((d for d in self.of(SharesDraft) + self.of(PreferredDraft) if d.consideration_kind in ("cash", "not_stated")
                        and not getattr(d, "option_shares", False)), key=lambda d: d.order)
        prefunded = any(d.kind is WarrantKind.PRE_FUNDED for d in self.of(WarrantDraft))
        orders = [d.order for d in sales]
        for st in gross[:50]:
            i = bisect_left(orders, st.order)
            for d in sales[max(0, i - 3):i + 3]:
                if d.consideration.value is not None:
                    continue
                n, p = d.shares.value, (d.price.value if isinstance(d, SharesDraft) else None)
                if prefunded and n is not None and p is not None and not _money_close(n * p, st.value, st.approximate):
                    continue
                if n is not None and p is not None:
                    if not _money_close(n * p, st.value, st.approximate):
                        continue
                elif len(sales) > 1 or prefunded:
                    continue
                d.consideration.offer(_whole(st.value), Basis.APPROXIMATE if st.approximate else Basis.STATED, st.sentence,
                                      strength=_weight(self.ctx, st.sentence, DEAL), why="gross proceeds that agree with shares x price")
                break
        for d in sales:
            # gross proceeds that cover shares and pre-funded warrants are no one sale's consideration
            c, n, p = d.consideration.value, d.shares.value, (d.price.value if isinstance(d, SharesDraft) else None)
            if prefunded and c is not None and n is not None and p is not None and not _money_close(n * p, c, True):
                d.consideration.clear()

    # -- constraints between drafts ------------------------------------------------------------
    def _constraints(self) -> None:
        shares = [d for d in self.of(SharesDraft) if d.shares.value is not None]
        options = list(dict.fromkeys(st.value for st in self.statements if st.what == "option"))[:20]
        secondary = list(dict.fromkeys(st.value for st in self.statements if st.what == "secondary"))[:20]
        drop: set[int] = set()
        counts = {d.shares.value: d for d in shares}
        for d in shares:
            n = d.shares.value
            # firm + option = total: the total is the sale; its parts are not sales of their own
            for o in options:
                if n + o in counts and counts[n + o] is not d:
                    drop.add(id(d))
                    total = counts[n + o]
                    _fill(total, d)
                    if o in counts:
                        drop.add(id(counts[o]))
            # the company's part of a total that includes selling stockholders' shares
            for sec in secondary:
                if n - sec in counts and counts[n - sec] is not d:
                    own = counts[n - sec]
                    drop.add(id(d))
                    _fill(own, d)
                elif n > sec and len(secondary) == 1 and d.shares.value == n and not any(
                        x.shares.value == n - sec for x in shares) and len(shares) == 1:
                    b = d.shares.best
                    d.shares.clear()
                    d.shares.offer(n - sec, Basis.COMPUTED, *(b.sentences if b else ()), strength=STATED * 2 + 1,
                                   why="the offering's total less the selling stockholders' shares")
                    d.consideration.clear()
        # the over-allotment's own shares are a sale only when the firm shares are not in this text
        # "Together, the two tranches raised $1,550,000 from the sale of 6,200,000 shares": a sum of sales told
        kept = [x for x in shares if id(x) not in drop]
        if 3 <= len(kept) <= 12:
            for d in kept:
                rest = [x.shares.value for x in kept if x is not d and x.shares.value < d.shares.value]
                if len(rest) >= 2 and (sum(rest) == d.shares.value or any(
                        a + b == d.shares.value for i, a in enumerate(rest) for b in rest[i + 1:])):
                    drop.add(id(d))
        firm = [x for x in shares if id(x) not in drop and not x.option_shares]
        for d in shares:
            if d.option_shares and firm and any(x.shares.value + d.shares.value in counts for x in firm):
                drop.add(id(d))
        self.drafts = [d for d in self.drafts if id(d) not in drop]

    # -- dates -----------------------------------------------------------------------------------
    def _dates(self) -> None:
        last_sale: date | None = None
        for d in sorted(self.drafts, key=lambda x: x.order):
            if isinstance(d, FeeDraft):
                continue
            s = d.sentences[0]
            when, _ = _lead_date(s.text)
            agreed = bool(P.AGREED_TO_SELL.search(s.text)) and (not P.ISSUED_OR_SOLD.search(s.text) or bool(P.AGREEMENT.search(s.text)))
            if self.closing and when and self.closing[0] > when and agreed and d.date.value in (None, when):
                # agreed on one day, issued at the stated closing
                d.date.offer(self.closing[0], Basis.STATED, self.closing[1], strength=STATED * 2 + 2, why="the stated closing")
            if d.date.value is None:
                if last_sale is not None and not isinstance(d, (SharesDraft, PreferredDraft)):
                    d.date.offer(last_sale, Basis.STATED, strength=REFERENCE, why="the sale told before it")
                elif self.closing:
                    d.date.offer(self.closing[0], Basis.STATED, self.closing[1], strength=DEAL, why="the stated closing")
                elif when:
                    d.date.offer(when, Basis.STATED, s, strength=DEAL)
                elif self.agreement:
                    d.date.offer(self.agreement, Basis.STATED, strength=REFERENCE)
            if isinstance(d, (SharesDraft, PreferredDraft)) and d.date.value is not None:
                last_sale = d.date.value
        last_issue: date | None = None
        first_issue = next((d.date.value for d in sorted(self.drafts, key=lambda x: x.order)
                            if not isinstance(d, FeeDraft) and d.date.value is not None), None)
        for d in sorted(self.drafts, key=lambda x: x.order):
            if not isinstance(d, FeeDraft):
                last_issue = d.date.value or last_issue
            elif d.date.value is None:
                when, _ = _lead_date(d.sentences[0].text)
                pick = when or last_issue or first_issue
                if pick is not None:
                    d.date.offer(pick, Basis.STATED, strength=REFERENCE)
        for d in self.drafts:
            if isinstance(d, RightDraft) and isinstance(d.exercisable_from, tuple):
                v = d.exercisable_from[1]
                d.exercisable_from = add_months(v.date.value or self.ctx.report_date, v.vesting_months[0])

    # -- holders ----------------------------------------------------------------------------------
    def _holders(self) -> None:
        parties = self.ctx.parties
        for d in self.drafts:
            if isinstance(d, (SharesDraft, PreferredDraft, NoteDraft)):
                slot = d.buyers if isinstance(d, SharesDraft) else d.holders
                if slot.value is None:
                    buyers, where = parties.buyers(d.date.value or self.ctx.report_date)
                    if buyers:
                        slot.offer(buyers, Basis.STATED, *where, strength=DEAL)
                        d.cite(*where)
        sales = sorted(self.of(SharesDraft) + self.of(PreferredDraft), key=lambda x: x.order)
        sale_orders = [x.order for x in sales]
        first_of: dict[int, AnyDraft] = {}
        for x in sales:
            first_of.setdefault(id(x.sentences[0]), x)
        for d in self.drafts:
            if not isinstance(d, WarrantDraft) or d.kind in (WarrantKind.FINDER, WarrantKind.PLACEMENT_AGENT):
                continue
            when = d.date.value or self.ctx.report_date
            label = None if d.label == "Warrants" else d.label
            exhibits = [e for e in parties.warrant_holders(label) if e.date >= when]
            buyers = set(parties.buyers(when)[0])
            keep = buyers if any(buyers & set(e.holders) for e in exhibits) else None
            if keep:
                exhibits = [e for e in exhibits if keep & set(e.holders)]
            holders: list[str] = []
            for e in exhibits:
                holders.extend(h for h in e.holders if h not in holders and (keep is None or h in keep))
            if exhibits:
                d.cite(*[e.sentence for e in exhibits])
                d.holders.offer(tuple(holders), Basis.STATED, strength=STATED * 2 + 1)
                dated = {e.date for e in exhibits}
                if len(dated) == 1:
                    d.date.offer(dated.pop(), Basis.STATED, exhibits[0].sentence, strength=STATED * 2 + 2)
                continue
            peer = first_of.get(id(d.sentences[0]))
            i = bisect_right(sale_orders, d.order)
            source = peer or (sales[i - 1] if i else None)
            if source is not None:
                slot = source.buyers if isinstance(source, SharesDraft) else source.holders
                if slot.value and d.holders.value is None:
                    d.holders.offer(slot.value, Basis.STATED, strength=DEAL)
                    d.cite(*source.sentences[1:])

    def _is_issuer(self, name: str) -> bool:
        return is_issuer(self.ctx.issuer, name, name)


class _WarrantIndex:
    """Which warrants a statement made apart from them speaks of: by series, by label, the agent's,
    or else those of the nearest sentence that granted warrants lacking the figure."""

    FEE = (WarrantKind.FINDER, WarrantKind.PLACEMENT_AGENT)

    def __init__(self, warrants: list[WarrantDraft]):
        self.series: dict[tuple[bool, str], list[WarrantDraft]] = {}
        self.labels: dict[tuple[bool, str], list[WarrantDraft]] = {}
        self.fee: list[WarrantDraft] = []
        groups: dict[tuple[bool, int], list[WarrantDraft]] = {}
        for d in warrants:
            pf = d.kind is WarrantKind.PRE_FUNDED
            if d.kind in self.FEE:
                self.fee.append(d)
                continue
            groups.setdefault((pf, d.sentences[0].start), []).append(d)
            if d.series:
                self.series.setdefault((pf, d.series.upper()), []).append(d)
            self.labels.setdefault((pf, _singular(d.label)), []).append(d)
        self.groups = {pf: sorted((g for (p, _), g in groups.items() if p == pf), key=lambda g: g[0].order) for pf in (True, False)}
        self.orders = {pf: [g[0].order for g in self.groups[pf]] for pf in (True, False)}

    def targets(self, st: Statement) -> list[WarrantDraft]:
        label = st.label or ""
        pf = st.kind is Kind.PREFUNDED or bool(re.search(r"pre-?funded", label, re.I))
        series = re.search(r"\b(?:Series|Class|Tranche)\s+([A-Z0-9]{1,3})\b", label, re.I)
        if series:
            return self.series.get((pf, series.group(1).upper()), [])
        if label and _label(label) != "Warrants":
            specific = self.labels.get((pf, _singular(_label(label))), [])
            if specific:
                return specific
        if re.search(r"agent|underwriter|finder|representative|broker", label, re.I):
            return self.fee
        groups, orders = self.groups[pf], self.orders[pf]
        i = bisect_right(orders, st.order + 99)
        slot = {"exercise": "exercise_price", "term": "term_years", "expiry": "expires"}[st.what]
        for j in list(range(i - 1, max(-1, i - 6), -1)) + list(range(i, min(len(groups), i + 2))):
            if any(getattr(d, slot).value is None for d in groups[j]):
                return groups[j]
        return []


def _fill(keep: SharesDraft, part: SharesDraft) -> None:
    """Figures the part states and the total does not (its price), kept with their sentences."""
    if keep.price.value is None and part.price.value is not None:
        keep.price.take(part.price)
    keep.date.take(part.date)
    if keep.consideration_kind == "not_stated":
        keep.consideration_kind = part.consideration_kind
    keep.cite(*part.sentences)
    keep.notes.append(f"absorbed the part of {part.shares.value} shares")


def _fee_words_near(text: str) -> bool:
    return bool(re.search(r"placement\s+agent|underwriter|finder|representative|broker|advis[oe]r", text, re.I))


def _warrant_kind(label: str, prefunded: bool, formula: bool, fee_role: str | None) -> WarrantKind:
    text = label.lower()
    if fee_role == "finder":
        return WarrantKind.FINDER
    if fee_role:
        return WarrantKind.PLACEMENT_AGENT
    if prefunded:
        return WarrantKind.PRE_FUNDED
    if formula or "adjustable" in text:
        return WarrantKind.ADJUSTABLE
    if "closing" in text:
        return WarrantKind.CLOSING
    return WarrantKind.INVESTOR


def _whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


_LEAD = gated(re.compile(rf"(?:^|\b(?:On|on|Effective|effective|As\s+of|as\s+of)\s+)(?P<date>{P.DATE})", re.I))


def _lead_date(text: str) -> tuple[date | None, bool]:
    m = _LEAD.search(text)
    return (parse_date(m["date"]) if m else None), False


def _to_whom(text: str) -> str | None:
    m = P.TO_WHOM.search(text)
    return m["who"] if m else None


def _note_terms(text: str) -> dict:
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
    return out
