"""Where a fact comes from: the filing, and the exact sentences that state it."""
from __future__ import annotations

import attrs

from events.rules import as_tuple


@attrs.frozen
class Quote:
    """A span of a filing's normalised text, and the text of that span."""

    start: int
    end: int = attrs.field()
    text: str = attrs.field()

    @end.validator
    def _end_after_start(self, attribute, value):
        if value < self.start:
            raise ValueError(f"quote ends ({value}) before it starts ({self.start})")


@attrs.frozen
class Provenance:
    """The filing a fact came from and the sentences that state it.

    ``filing`` is the stream id of the filing; ``quotes[0]`` is the sentence that states the
    fact, later quotes support it (an exhibit line naming the holders, say).
    """

    filing: str
    quotes: tuple[Quote, ...] = attrs.field(converter=as_tuple)

    @quotes.validator
    def _not_empty(self, attribute, value):
        if not value:
            raise ValueError("a provenance needs at least one quote")

    @property
    def sentence(self) -> str:
        return self.quotes[0].text

    @property
    def span(self) -> tuple[int, int]:
        return self.quotes[0].start, self.quotes[0].end
