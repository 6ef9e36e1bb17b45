"""Why each event of an extraction reads as it does, for `ledger ingest --dry-run --explain`.

Pure: an Extraction in, records out, nothing printed. For each event after the FilingRecorded,
the draft that made it: each field's chosen value with its basis, the reason assembly gave, the
sentence it came from and the figure it read there (with the role its words gave it), and the
candidates that lost; then the sentences the event cites, each with its money mentions and the
frames read from it. Every list is capped, so an explanation stays a screenful however long the
filing is.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from ledger.extract.frames import Fee, Grant, Makeup, Sale, Statement
from ledger.extract.mentions import Money, Security
from ledger.extract.mentions import read as read_mentions
from ledger.text.normalise import Sentence

MAX_SENTENCES = 6      # cited sentences shown per event
MAX_LOST = 4           # losing candidates shown per field
MAX_MONEY = 8          # money mentions shown per sentence
MAX_FRAMES = 6         # frames shown per sentence
MAX_NOTES = 6
QUOTE_WIDTH = 120      # characters of a sentence shown, around the figure that matters


@attrs.frozen
class Excerpt:
    """A sentence of the normalised text: where it starts and ends, and its text, shortened."""

    start: int
    end: int
    text: str


@attrs.frozen
class MoneyNote:
    """A money mention: the figure exactly as written, its value, and the role its words give it."""

    text: str              # "$4.0 million"
    value: Decimal
    role: str              # mentions.Role's value: "per share", "gross", "exercise", ...
    start: int             # offset in the normalised text


@attrs.frozen
class FrameNote:
    """A frame read from a sentence: its kind, the security it binds and the figures it took."""

    kind: str                        # sale, grant, makeup, statement, fee
    security: str | None = None      # the security's label ("Common Stock", "Series A Warrants")
    count: int | None = None
    count_text: str | None = None    # the count exactly as written ("1,600,000")
    money: tuple[MoneyNote, ...] = ()
    detail: str = ""                 # what else the frame says ("price 2.50", "finder", ...)


@attrs.frozen
class SentenceNote:
    excerpt: Excerpt
    money: tuple[MoneyNote, ...]
    frames: tuple[FrameNote, ...]


@attrs.frozen
class Alternative:
    """A candidate that lost to the chosen value."""

    value: Any
    basis: str
    why: str
    strength: int
    starts: tuple[int, ...]    # the sentences that offered it


@attrs.frozen
class FieldExplanation:
    name: str
    value: Any
    basis: str
    why: str                        # what assembly said when it offered the value ("" when it said nothing)
    strength: int
    sentences: tuple[Excerpt, ...]  # where the value was read; () when it was inferred
    elsewhere: bool                 # read from a sentence other than the one that made the event
    figure: str | None = None       # the figure as written in the first of those sentences ("$2.50")
    role: str | None = None         # the role of that figure, when it is money ("per share")
    lost: tuple[Alternative, ...] = ()


@attrs.frozen
class EventExplanation:
    number: int                     # the event's place in the extraction's events, from 1 (the dry run's numbering)
    type: str                       # the event's type without an id: "common_issued"
    summary: str
    fields: tuple[FieldExplanation, ...]
    sentences: tuple[SentenceNote, ...]
    notes: tuple[str, ...]


def explain(extraction) -> tuple[EventExplanation, ...]:
    """One explanation per event after the FilingRecorded: from its draft, or for a periodic
    report's cover balance (read from the cover, not assembled) the statement it was read from."""
    numbered = [(i, e) for i, e in enumerate(extraction.events[1:], 2) if e.TYPE != "balance_assertion"]
    drafts = extraction.drafts
    if len(numbered) != len(drafts):      # events not made one per draft: nothing can be paired honestly
        return ()
    by_sentence: dict[int, list] = {}
    for frame in extraction.frames:
        by_sentence.setdefault(frame.sentence.start, []).append(frame)
    made = {i: _event(i, event, draft, by_sentence) for (i, event), draft in zip(numbered, drafts)}
    return tuple(made[i] if i in made else _balance(i, e) for i, e in enumerate(extraction.events[1:], 2))


def _balance(number: int, event) -> EventExplanation:
    """A cover balance: read from the cover's statement (or its inline-XBRL tag), not assembled."""
    quotes = event.provenance.quotes
    tagged = bool(quotes) and re.fullmatch(r"[\d,.\s]+|no|none|nil|-|—", quotes[0].text.strip(), re.I) is not None
    why = ("tagged dei:EntityCommonStockSharesOutstanding on the cover" if tagged
           else "the cover's statement of shares outstanding")
    excerpts = tuple(Excerpt(q.start, q.end, _shorten(q.text)) for q in quotes if q.text)
    first = quotes[0].text if quotes else ""
    figure = next((w for w in (f"{event.value:,}", str(event.value)) if w in first), None) if excerpts else None
    value = FieldExplanation("value", event.value, "stated", why, 9, excerpts[:1], False, figure)
    dated = "the tag's context" if tagged else "the statement"
    notes = (f"dated {event.effective_date.isoformat()} by {dated}; class as written: {event.security}",)
    return EventExplanation(number, event.TYPE, f"{event.value:,} {event.security} outstanding on "
                            f"{event.effective_date.isoformat()}", (value,), (), notes)


def _event(number: int, event, draft, by_sentence: dict[int, list]) -> EventExplanation:
    own = draft.sentences[0] if draft.sentences else None
    fields = []
    for name, slot in draft.slots().items():
        best = slot.best
        if best is None:
            continue
        fields.append(_field(name, best, slot.candidates, own))
    cited = _cited(draft)
    sentences = tuple(_sentence(s, by_sentence.get(s.start, ())) for s in cited[:MAX_SENTENCES])
    return EventExplanation(number, event.TYPE, _summary(event), tuple(fields), sentences, tuple(draft.notes[:MAX_NOTES]))


def _cited(draft) -> list[Sentence]:
    """The draft's sentences, then those its chosen values came from, each once (as its quotes)."""
    out: list[Sentence] = []
    chosen = [s for slot in draft.slots().values() if slot.best is not None for s in slot.best.sentences]
    for s in [*draft.sentences, *chosen]:
        if all(s.start != t.start for t in out):
            out.append(s)
    return out


def _field(name: str, best, candidates: Iterable, own: Sentence | None) -> FieldExplanation:
    sentences = best.sentences
    figure = role = None
    around = None
    if sentences:
        found = _find(sentences[0].text, best.value)
        if found is not None:
            around, figure, role = found
    excerpts = tuple(_excerpt(s, around if i == 0 else None) for i, s in enumerate(sentences[:MAX_SENTENCES]))
    elsewhere = bool(sentences) and own is not None and all(s.start != own.start for s in sentences)
    lost = tuple(Alternative(c.value, str(c.basis), c.why, c.strength, tuple(s.start for s in c.sentences))
                 for c in candidates if c is not best)[:MAX_LOST]
    return FieldExplanation(name, best.value, str(best.basis), best.why, best.strength, excerpts, elsewhere,
                            figure, role, lost)


def _find(text: str, value) -> tuple[tuple[int, int], str, str | None] | None:
    """Where a sentence writes a value: its span, the figure as written, and a money figure's role."""
    m = read_mentions(text)
    if isinstance(value, date):
        for d in m.dates:
            if d.value == value:
                return (d.start, d.end), text[d.start:d.end], None
        return None
    if isinstance(value, tuple):        # names (buyers, holders)
        for name in value:
            at = text.find(str(name))
            if at >= 0:
                return (at, at + len(str(name))), str(name), None
        return None
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        for x in m.money:
            if x.value == value:
                return (x.start, x.end), text[x.start:x.end], x.role.value
        for f in m.figures:
            if f.value == value:
                return (f.start, f.end), text[f.start:f.end], None
    return None


def _shorten(text: str, around: tuple[int, int] | None = None, width: int = QUOTE_WIDTH) -> str:
    """The text whole when it fits, else a window of about `width` characters around a span (or
    the start), cut at spaces and marked with '…' where cut."""
    if len(text) <= width:
        return re.sub(r"\s+", " ", text).strip()
    lo, hi = around or (0, 0)
    start = max(0, min(lo - (width - (hi - lo)) // 2, len(text) - width))
    end = min(len(text), start + width)
    if start > 0:
        space = text.find(" ", start, lo) if lo > start else -1
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", max(hi, start), end)
        end = space if space > start else end
    return ("…" if start > 0 else "") + re.sub(r"\s+", " ", text[start:end]).strip() + ("…" if end < len(text) else "")


def _excerpt(s: Sentence, around: tuple[int, int] | None = None) -> Excerpt:
    return Excerpt(s.start, s.end, _shorten(s.text, around))


def _money_note(s: Sentence, x: Money) -> MoneyNote:
    return MoneyNote(s.text[x.start:x.end], x.value, x.role.value, s.start + x.start)


def _sentence(s: Sentence, frames: Iterable) -> SentenceNote:
    money = tuple(_money_note(s, x) for x in read_mentions(s.text).money[:MAX_MONEY])
    return SentenceNote(_excerpt(s), money, tuple(_frame(s, f) for f in list(frames)[:MAX_FRAMES]))


def _count(s: Sentence, sec: Security | None) -> tuple[int | None, str | None]:
    fig = sec.counted if sec is not None else None
    if fig is None:
        return None, None
    return int(fig.value), s.text[fig.start:fig.end]


def _frame(s: Sentence, f) -> FrameNote:
    bound = lambda *xs: tuple(_money_note(s, x) for x in xs if x is not None)    # noqa: E731
    if isinstance(f, Sale):
        count, text = _count(s, f.security)
        detail = ", ".join(w for w in (f.consideration_kind if f.consideration_kind != "not_stated" else "",
                                       "approximate" if f.approximate else "", "up to" if f.up_to else "",
                                       "over-allotment shares" if f.option_shares else "",
                                       "an additional closing" if f.additional else "") if w)
        return FrameNote("sale", f.security.label, f.count if f.count is not None else count, text,
                         bound(f.price, f.consideration), detail)
    if isinstance(f, Grant):
        count, text = _count(s, f.security)
        detail = ", ".join(w for w in (f"{f.term_years} years" if f.term_years is not None else "",
                                       f"expires {f.expires}" if f.expires else "",
                                       f"a fee to the {f.fee_role.replace('_', ' ')}" if f.fee_role else "") if w)
        return FrameNote("grant", f.security.label, f.shares if f.shares is not None else count, text,
                         bound(f.exercise, f.purchase), detail)
    if isinstance(f, Makeup):
        detail = f"each unit: {f.shares} share(s) and {f.warrants} warrant share(s)"
        return FrameNote("makeup", f.label, None, None, bound(f.exercise), detail)
    if isinstance(f, Statement):
        value = f.value
        if f.what == "term" and isinstance(value, tuple):
            value = f"{value[0]} years"
        detail = f"{f.what} {value}" + (" (approximate)" if f.approximate else "")
        return FrameNote("statement", f.label, None, None, (), detail)
    if isinstance(f, Fee):
        detail = ", ".join(w for w in (f.role.replace("_", " "), f.payee_text,
                                       f"{f.percent}% of proceeds" if f.percent is not None else "",
                                       "warrants" if f.warrants else "") if w)
        return FrameNote("fee", None, f.warrant_shares, None, bound(f.cash), detail)
    return FrameNote(type(f).__name__.lower())


# What a summary names, per event type: the fields that say what happened, each as it reads.
_SUMMARY = {
    "common_issued": (("shares", "{}"), ("security", "{}"), ("price", "at {}"), ("consideration", "for {}")),
    "preferred_issued": (("shares", "{} shares of"), ("title", "{}"), ("stated_amount", "stated amount {}")),
    "warrant_granted": (("tranche", "{}"), ("kind", "({})"), ("shares", "for {} shares"), ("exercise_price", "at {}")),
    "note_issued": (("security", "{}"), ("principal", "principal {}"), ("conversion_price", "converting at {}")),
    "fee_paid": (("role", "{}"), ("payee", "to {}"), ("payee_description", "to {}"), ("cash", "cash {}")),
    "contingent_right": (("kind", "{}"), ("holder", "held by {}"), ("amount", "amount {}")),
}


def _summary(event) -> str:
    words = []
    named_payee = False
    for name, shown in _SUMMARY.get(event.TYPE, ()):
        value = getattr(event, name, None)
        if value is None or value == "" or (name == "payee_description" and named_payee):
            continue
        named_payee = named_payee or name == "payee"
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            value = f"{value:,}"
        words.append(shown.format(str(value).replace("_", " ")))
    return " ".join(words) or event.TYPE
