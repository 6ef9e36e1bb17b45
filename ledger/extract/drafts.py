"""Typed drafts: the facts deal assembly builds, one attrs class per kind of event.

Each field is a Slot: the candidate values read for it, each with its basis, the sentences that
state it and how strongly they state it. The chosen value is the strongest candidate (an explicit
statement beats an inference, the 8-K body beats the press release, the first beats a repetition),
and it keeps its sentences, so every figure of an event can be traced to the words it came from.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from events import Basis, QuantityBasis, Quote, RightKind, WarrantKind
from ledger.text.normalise import Sentence

# How strongly a candidate is stated, highest first.
STATED = 4          # in the clause that states the fact
SAME_SENTENCE = 3   # elsewhere in the sentence
DEAL = 2            # a statement about the deal in another sentence
REFERENCE = 1       # "on the same terms as": taken from another tranche


@attrs.frozen
class Candidate:
    value: Any
    basis: Basis
    sentences: tuple[Sentence, ...]
    strength: int
    why: str = ""       # the frame that offered it, for --explain


@attrs.define
class Slot:
    candidates: list[Candidate] = attrs.Factory(list)
    # The strongest candidate, kept as candidates arrive: a fact told 20,000 times has as many
    # candidates, and a search of them on each look made assembly quadratic.
    _best: Candidate | None = attrs.field(default=None, repr=False, eq=False)

    def offer(self, value, basis: Basis, *sentences: Sentence, strength: int = STATED, why: str = "") -> None:
        if value is None:
            return
        self._keep(Candidate(value, basis, tuple(sentences), strength, why))

    def _keep(self, c: Candidate) -> None:
        self.candidates.append(c)
        if self._best is None or c.strength > self._best.strength:    # the first of the strongest
            self._best = c

    @property
    def best(self) -> Candidate | None:
        return self._best

    @property
    def value(self):
        b = self._best
        return b.value if b else None

    def basis(self, missing: Basis = Basis.NOT_STATED) -> Basis:
        b = self._best
        return b.basis if b else missing

    def clear(self) -> None:
        self.candidates.clear()
        self._best = None

    def take(self, other: "Slot") -> None:
        for c in other.candidates:
            self._keep(c)


@attrs.define
class Draft:
    order: int
    sentences: list[Sentence]
    items: tuple[str, ...] = ()
    date: Slot = attrs.Factory(Slot)
    notes: list[str] = attrs.Factory(list)     # what assembly did, for --explain
    # The sentences cited, as a set: a list search per citation made a fact told 20,000 times quadratic.
    _cited: set[int] = attrs.field(factory=set, init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        self._cited.update(id(s) for s in self.sentences)

    def cite(self, *more: Sentence) -> None:
        for s in more:
            if id(s) not in self._cited:
                self._cited.add(id(s))
                self.sentences.append(s)

    def slots(self) -> dict[str, Slot]:
        return {a.name: getattr(self, a.name) for a in attrs.fields(type(self)) if isinstance(getattr(self, a.name), Slot)}

    def quotes(self) -> tuple[Quote, ...]:
        cited, seen = list(self.sentences), set(self._cited)
        for slot in self.slots().values():
            b = slot.best
            if b is not None:
                for s in b.sentences:
                    if id(s) not in seen:
                        seen.add(id(s))
                        cited.append(s)
        return tuple(Quote(s.start, s.end, s.text) for s in cited)

    def absorb(self, other: "Draft") -> None:
        """Another telling of the same fact: its candidates join this draft's."""
        mine = self.slots()
        for name, slot in other.slots().items():
            mine[name].take(slot)
        self.cite(*other.sentences)
        if len(self.notes) < 20:
            self.notes.append(f"merged with the telling in sentence at {other.sentences[0].start}")


@attrs.define
class SharesDraft(Draft):
    security: str = "Common Stock"
    shares: Slot = attrs.Factory(Slot)
    price: Slot = attrs.Factory(Slot)
    consideration: Slot = attrs.Factory(Slot)
    consideration_kind: str = "not_stated"
    buyers: Slot = attrs.Factory(Slot)
    buyers_description: str | None = None
    tranche: str | None = None
    defined: str | None = None
    option_shares: bool = False
    from_units: bool = False


@attrs.define
class WarrantDraft(Draft):
    label: str = "Warrants"
    kind: WarrantKind = WarrantKind.INVESTOR
    shares: Slot = attrs.Factory(Slot)
    quantity_basis: QuantityBasis = QuantityBasis.FIXED
    exercise_price: Slot = attrs.Factory(Slot)
    term_years: Slot = attrs.Factory(Slot)
    term_offset_months: Slot = attrs.Factory(Slot)
    expires: Slot = attrs.Factory(Slot)
    holders: Slot = attrs.Factory(Slot)
    holders_description: str | None = None
    formula_text: str | None = None
    vesting_months: tuple[int, ...] = ()
    zero_above_price: Decimal | None = None
    zero_above_approximate: bool = False
    cutoff_price: Decimal | None = None
    fee_role: str | None = None
    series: str | None = None
    same_as: "WarrantDraft | None" = None     # "on the same terms as" that tranche


@attrs.define
class PreferredDraft(Draft):
    title: str = "Preferred Stock"
    series: str | None = None
    shares: Slot = attrs.Factory(Slot)
    stated_value: Slot = attrs.Factory(Slot)
    stated_amount: Slot = attrs.Factory(Slot)
    consideration: Slot = attrs.Factory(Slot)
    consideration_kind: str = "not_stated"
    dividend_rate: Slot = attrs.Factory(Slot)
    conversion: dict = attrs.Factory(dict)
    holders: Slot = attrs.Factory(Slot)
    holders_description: str | None = None
    defined: str | None = None


@attrs.define
class NoteDraft(Draft):
    security: str = "Convertible Notes"
    principal: Slot = attrs.Factory(Slot)
    interest_rate: Slot = attrs.Factory(Slot)
    conversion_price: Slot = attrs.Factory(Slot)
    conversion_formula: str | None = None
    maturity: Slot = attrs.Factory(Slot)
    holders: Slot = attrs.Factory(Slot)
    holders_description: str | None = None


@attrs.define
class FeeDraft(Draft):
    role: str = "other"
    payee: str | None = None
    payee_description: str | None = None
    cash: Slot = attrs.Factory(Slot)
    percent_of_proceeds: Decimal | None = None
    includes_expenses: bool = False
    warrants: bool = False
    warrant_shares: int | None = None


@attrs.define
class RightDraft(Draft):
    kind: RightKind = RightKind.INVESTOR_OPTION
    holder: str = "investors"
    description: str = ""
    security: str | None = None
    amount: Decimal | None = None
    exercisable_from: date | None = None


AnyDraft = SharesDraft | WarrantDraft | PreferredDraft | NoteDraft | FeeDraft | RightDraft
