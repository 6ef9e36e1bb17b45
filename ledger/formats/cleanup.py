"""Character clean-up and page-break mending shared by the readers."""
from __future__ import annotations

import re


def _c1_table() -> dict[int, str | None]:
    # U+0080..U+009F are C1 controls, never text. They come from Windows-1252 bytes read as
    # Latin-1 (or "&#150;" style references): give them their Windows-1252 meaning.
    table: dict[int, str | None] = {}
    for code in range(0x80, 0xA0):
        try:
            table[code] = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            table[code] = None
    return table


_TABLE = {
    **_c1_table(),
    0x00A0: " ",        # no-break space (&#160; / &nbsp;)
    0x2007: " ",        # figure space
    0x202F: " ",        # narrow no-break space
    0x00AD: None,       # soft hyphen
    0x200B: None,       # zero-width space
    0xFEFF: None,       # byte-order mark / zero-width no-break space
}


def clean_characters(text: str) -> str:
    """No-break spaces to spaces; soft hyphens and zero-width characters out; C1 controls to
    their Windows-1252 characters."""
    return text.translate(_TABLE)


def unify_newlines(text: str) -> str:
    """CRLF and bare CR to LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- sentences broken by a page break -------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?[-\u2013\u2014(]?\s*(?:\d{1,3}|[ivxlc]{1,6})\s*[-\u2013\u2014)]?"
                          r"(?:\s+of\s+\d{1,3})?\s*$", re.I)
_ENDS_MID_SENTENCE = re.compile(r"[a-z,;]$")
# Lower case, or "(" and a lower-case word; not an enumerator such as "(viii)" or "(e)".
_CONTINUES = re.compile(r"^(?:[a-z]|\((?![a-z]{1,5}\))[a-z])")
_ENUMERATOR = re.compile(r"^(?:\(?[a-z0-9]{1,5}\)|\d{1,2}(?:\.\d{1,2})*\.?\s|[A-Z]\.\s)", re.I)
_LAST_WORD = re.compile(r"(\w+)$")
_FUNCTION_WORDS = frozenset(
    "a an the of to and or in on at by for from with as that which whose per such its their his her "
    "than into upon under between any each this these those is are was were be been has have had "
    "will shall may not".split())
# _LAST_WORD is searched in the last few characters only: over the whole text, a run of n word
# characters at its end cost n^2/2 steps (the search tries "\w+$" from each of them). A last word
# longer than the longest function word cannot be one, so the tail is enough.
_TAIL = max(map(len, _FUNCTION_WORDS)) + 1
_MIN_CARRY = 50          # a shorter line before the break is likelier a heading than a sentence


def is_page_number(line: str) -> bool:
    """A line that is only a page number: "2", "- 2 -", "Page 2", "ii", "3 of 9"."""
    return bool(_PAGE_NUMBER.match(line))


def continues_across_page(before: str, after: str) -> bool:
    """True when the text before a page break stops mid-sentence and the text after carries it on.

    Conservative: the text before must be a long line or paragraph ending in a lower-case letter,
    comma or semicolon, and either the text after starts in lower case ("(assuming a ...") or the
    text before ends on a word no sentence ends on ("... shares of" / "Junglee Capital Stock").
    """
    before, after = before.rstrip(), after.strip()
    if len(before) < _MIN_CARRY or not after or not _ENDS_MID_SENTENCE.search(before):
        return False
    if _ENUMERATOR.match(after):          # a new list item or numbered section starts the page
        return False
    if _CONTINUES.match(after):
        return True
    return _ends_on_function_word(before) and not after.isupper()


def _ends_on_function_word(text: str) -> bool:
    last = _LAST_WORD.search(text, max(0, len(text) - _TAIL))
    return bool(last and last.group(1).lower() in _FUNCTION_WORDS)
