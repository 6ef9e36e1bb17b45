"""Limits on what one sentence may hold, so that hostile text cannot stall or crash extraction.

- A sentence of more than MAX_SENTENCE characters is read in pieces of at most that many, each cut
  at a space. Many patterns look from each cue word to the end of its sentence ("[^.]*?"), so their
  cost grows with the square of a sentence's length; a file that is one period-free "sentence" of
  megabytes would never finish. The longest sentence of the filings we read is about 3,300
  characters; the pieces are quoted exactly like sentences, and a warning names the file and where.
- No filing states a figure of more than a few dozen digits, but a file may hold one: a run of 6,000
  digits is beyond what Python will even turn into an int. A sentence holding a run of more than
  MAX_FIGURE digits and commas is left out, with a warning that names the file and where the run
  is, rather than read as a wrong figure or failing the whole filing.
"""
from __future__ import annotations

import re

from ledger.text.normalise import Sentence

MAX_SENTENCE = 10_000   # characters
MAX_FIGURE = 60         # digits and thousands commas in one run; 10^30 written out takes 41
_LONG_FIGURE = re.compile(rf"\d[\d,]{{{MAX_FIGURE},}}")


def pieces(s: Sentence, limit: int = MAX_SENTENCE) -> list[Sentence]:
    """`s` cut into consecutive pieces of at most `limit` characters, each ending at a space
    where there is one in its second half, with exact spans."""
    out, text, at = [], s.text, 0
    while len(text) - at > limit:
        cut = text.rfind(" ", at + limit // 2, at + limit)
        end = cut if cut > at else at + limit
        out.append(Sentence(s.start + at, s.start + end, text[at:end], s.paragraph))
        at = end + 1 if cut > at else end
    out.append(Sentence(s.start + at, s.end, text[at:], s.paragraph))
    return out


def readable(sentences: list[Sentence], source_name: str) -> tuple[list[Sentence], list[str]]:
    """The sentences extraction may read, and a warning for each one it may not read whole."""
    kept, warnings, long_figures = [], [], []
    for s in sentences:
        if len(s.text) > MAX_SENTENCE:
            parts = pieces(s)
            warnings.append(
                f"{source_name}: the sentence at characters {s.start:,}-{s.end:,} is {len(s.text):,} characters "
                f"long; it was read in {len(parts):,} pieces of at most {MAX_SENTENCE:,}")
        else:
            parts = [s]
        for part in parts:
            m = _LONG_FIGURE.search(part.text)
            if m is None:
                kept.append(part)
            else:
                long_figures.append((part, m))
    if long_figures:
        part, m = long_figures[0]
        warnings.append(
            f"{source_name}: {len(long_figures):,} sentence(s) hold a run of more than {MAX_FIGURE} digits, which no "
            f"filing states as a figure, and were not read (the first: {len(m.group()):,} digits at character "
            f"{part.start + m.start():,}, in the sentence at characters {part.start:,}-{part.end:,})")
    return kept, warnings
