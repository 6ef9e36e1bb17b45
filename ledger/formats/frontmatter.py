"""A YAML front matter block ("---\\ntitle: ...\\ndate: ...\\nsummary: ...\\n---") at the top of a
Markdown copy of a press release.

Sites that archive newswire items add it; its ``summary:`` repeats the first paragraph, so it must
not be read as the body. ``normalise()`` would drop both "---" lines (they look like rules) and fold
the keys into the first paragraph, losing where the block ends; so the block is cut off here and
put back, normalised, between two "---" paragraphs that normalised text cannot otherwise hold.
"""
from __future__ import annotations

import re

from ledger.text.normalise import normalise

# The block must open the file and close within the first few kilobytes, and hold at least one
# "key: value" line at its top: a "---" rule under a plain-text heading is not front matter.
_BLOCK = re.compile(r"\A\ufeff?---[ \t]*\n(?P<yaml>[A-Za-z_][\w-]*:[^\n]*\n(?:[^\n]*\n){0,200}?)---[ \t]*(?:\n|\Z)")
_MAX_BLOCK = 20_000
_KEY_LINE = re.compile(r"\n(?=[A-Za-z_][\w-]*:)")
MARK = "---"


def split_front_matter(text: str) -> tuple[str | None, str]:
    """(the front matter without its "---" lines, the rest), or (None, text) when there is none."""
    m = _BLOCK.match(text[:_MAX_BLOCK])
    if not m:
        return None, text
    return m["yaml"], text[m.end():]


def normalised_front_matter(yaml: str) -> str:
    """The block as normalised paragraphs, one top-level key a paragraph, between "---" lines."""
    keys = normalise(_KEY_LINE.sub("\n\n", yaml))
    return f"{MARK}\n{keys}\n{MARK}" if keys else ""
