"""`ledger show EVENT_ID`: one event, and each of its quotes inside the filing text kept in the
database, with the paragraph(s) around it."""
from __future__ import annotations

import attrs

from events import EventCorrected, EventRetracted, Quote
from ledger.audit.history import UnknownEvent
from ledger.store import Store
from events.envelope import Document, StoredEvent, StreamInfo

# A "paragraph" of normalised text is a line; a line longer than this around the quote (a table
# flattened into one line, say) is cut to this many characters on each side.
CONTEXT = 600


@attrs.frozen
class Excerpt:
    """A quote inside its paragraph(s). ``start``/``end`` index ``text``; ``doc_start`` is where
    ``text`` begins in the normalised filing. ``found`` is False when the stored span does not hold
    the quoted words (then ``text`` is the quote alone)."""

    quote: Quote
    text: str
    start: int
    end: int
    doc_start: int
    found: bool = True
    moved: bool = False      # the words were found elsewhere than the recorded span


@attrs.frozen
class Shown:
    stored: StoredEvent
    info: StreamInfo | None
    document: Document | None
    excerpts: tuple[Excerpt, ...]            # empty when there is no document
    corrected_by: tuple[StoredEvent, ...]     # retractions and corrections of this event


def find_event(store: Store, wanted: str) -> tuple[StoredEvent, StreamInfo] | None:
    """An event by its id, through the unique index on event ids, and its stream."""
    stored = store.event(wanted.strip())
    if stored is None:
        return None
    info = next(store.streams(stream=stored.stream), None)
    return stored, info


def excerpt(text: str, quote: Quote, context: int = CONTEXT) -> Excerpt:
    start, end, moved = quote.start, quote.end, False
    if text[start:end] != quote.text:
        at = text.find(quote.text)
        if at < 0:
            return Excerpt(quote, quote.text, 0, len(quote.text), quote.start, found=False)
        start, end, moved = at, at + len(quote.text), True
    p_start = text.rfind("\n", 0, start) + 1
    p_end = text.find("\n", end)
    p_end = len(text) if p_end < 0 else p_end
    if start - p_start > context:        # cut at a space so no word is split
        cut = text.find(" ", start - context, start)
        p_start = start - context if cut < 0 else cut + 1
    if p_end - end > context:
        cut = text.rfind(" ", end, end + context)
        p_end = end + context if cut < 0 else cut
    return Excerpt(quote, text[p_start:p_end], start - p_start, end - p_start, p_start, moved=moved)


def show(store: Store, wanted: str) -> Shown:
    found = find_event(store, wanted)
    if found is None:
        raise UnknownEvent(wanted.strip())
    stored, info = found
    document = store.document(info.raw_sha256) if info and info.raw_sha256 else None
    excerpts = ()
    if document is not None:
        excerpts = tuple(excerpt(document.normalised, q) for q in stored.event.provenance.quotes)
    # Corrections are few among many events: read them by type, not by scanning the ledger.
    corrected_by = tuple(e for e in store.log(types=[EventRetracted.TYPE, EventCorrected.TYPE])
                         if e.event.target == stored.event_id)
    return Shown(stored, info, document, excerpts, corrected_by)
