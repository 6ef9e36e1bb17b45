"""The normaliser's shortcuts (ledger/text/normalise.py) give the text the plain passes give.

normalise() skips _HYPHEN_BREAK and _WRAPPED_THOUSANDS when the text lacks what every match of
theirs holds, and folds white space with str.split() instead of a regular expression. Every span
and quote in a ledger points into normalised text, so it must not change by one character: checked
here against the passes run in full, as they were, on the example filings and on generated text
rich in line ends, hyphens, commas, digits and every kind of white space.
"""
from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from ledger.text import normalise as N

ROOT = Path(__file__).resolve().parent.parent


def plain_normalise(text: str) -> str:
    """normalise() as it was before the shortcuts: every pass, always."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\f", "\n\n").replace("\u00a0", " ")
    text = N._PAGE_TAG.sub("", text)
    text = N._PAGE_NUMBER.sub("", text)
    text = N._RULE.sub("", text)
    text = N._HYPHEN_BREAK.sub(N._join_hyphen, text)
    text = N._WRAPPED_DOLLAR.sub("$", text)
    text = N._WRAPPED_THOUSANDS.sub(r"\1\2", text)
    text = N._WRAPPED_CENTS.sub(r"\1\2", text)
    paragraphs = (N._SPACE.sub(" ", p).strip() for p in N._PARAGRAPH_BREAK.split(text))
    return "\n".join(p for p in paragraphs if p)


def test_the_example_filings_normalise_as_before():
    files = sorted((ROOT / "examples" / "filings").glob("*.txt")) + sorted((ROOT / "tests" / "filings").glob("*.txt"))
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert N.normalise(text) == plain_normalise(text), path.name


PIECES = st.sampled_from([
    "con-", "vertible", "five-", "year", "-", "--", ",", "1,", "845,", "594", "000", "$", "$11.", "826", "12", "7",
    "shares", "Page", "<PAGE>", "ITEM 5", "(a)", "1.1", " ", "  ", "\t", "\n", "\n\n", "\r\n", "\r", "\f", "\u00a0",
    "\x0b", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\u2028", "\u2029", "\u3000", "\u2003", "\u200b", "\ufeff", "word", "A",
    "=", "===", "***", "_", "- 3 -", "PAGE 12", "page", "<page>"])


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=60).map("".join))
@example("con-\nvertible 845,\n594 and $11.\n826")
@example("a\x1cb\u2028c\u3000 d \x85")
def test_generated_text_normalises_as_before(text):
    assert N.normalise(text) == plain_normalise(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_normalises_as_before(text):
    assert N.normalise(text) == plain_normalise(text)


def test_str_split_folds_exactly_what_backslash_s_matches():
    # why " ".join(p.split()) equals _SPACE.sub(" ", p).strip(): the same white space, every code point
    assert [c for c in range(0x110000) if bool(N._SPACE.match(chr(c))) != chr(c).isspace()] == []


LINE_PIECES = st.sampled_from(["\n", "\n\n", " ", "\t", "-", "- ", "=", "*", "_", "==", "3", "12", "123", "1234", "page ", "PAGE",
                               "<PAGE>", "<page> 7", "x", "\r", "\u2028", "\x85"])


@settings(max_examples=400, deadline=None)
@given(st.lists(LINE_PIECES, max_size=40).map("".join))
@example("7\n- 8 -\n\n---\n<PAGE> 9")
@example("-\n\n5\nx")
def test_whole_line_passes_tried_at_line_starts_remove_what_the_patterns_remove(text):
    for lines in (N._PAGE_TAG_LINES, N._PAGE_NUMBER_LINES, N._RULE_LINES):
        assert lines.sub(text) == lines.pattern.sub("", text), lines.pattern.pattern
