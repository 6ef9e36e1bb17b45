"""The word tests in front of the extractor's patterns (ledger/extract/gate.py) only skip work.

A gated pattern's word test may rule a text out only when the pattern cannot match it; an AnyOf
answers exactly whether the pattern matches; the lookahead in front of the date patterns changes no
match. Checked three ways: over all of Unicode (folding), over strings hypothesis builds from each
pattern itself (every one must pass the word test), and over every sentence of the example and
test filings and the strings the extraction tests write (what the word test rules out, the pattern
does not match). bench/check_gates.py runs the same checks over any other folder of filings.
"""
from __future__ import annotations

import importlib
import re
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.extract.gate import AnyOf, Gated, _alternatives, every_gate, gated, needles
from ledger.extract.prefilter import folded
from ledger.extract import values
from tests.test_prefilter import corpus_sentences, written_sentences

figures = importlib.import_module("ledger.extract.figures")


GATES = every_gate()
GATED = [(n, g) for n, g in GATES if isinstance(g, Gated)]
ANY_OF = [(n, g) for n, g in GATES if isinstance(g, AnyOf)]


def test_the_hot_patterns_are_gated():
    names = {n.rsplit(".", 1)[1] for n, _ in GATES}
    assert {"RECAP", "TERM_AFTER", "CLOSED_ON", "OVER_ALLOTMENT", "_UNIT_MAKEUP", "FEE_WORDS", "_NAMED"} <= names
    # and each has words to test: a gate with none would test nothing
    assert all(g.needles for _, g in GATED)
    assert all(p.needles for _, g in ANY_OF for p in g.parts)


def test_every_character_an_ascii_letter_matches_folds_to_it():
    """Exhaustive over Unicode: what re.IGNORECASE lets an ASCII letter match, folded() makes that letter."""
    letters = re.compile("[a-z]", re.I)
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        if letters.fullmatch(c):
            f = folded(c)
            assert len(f) == 1 and f.isascii() and re.fullmatch(f, c, re.I), (hex(cp), f)


def test_needles_read_from_the_parse_tree():
    assert needles(re.compile(r"\b(?:sold|issued)\s+shares", re.I)) == (frozenset({"shares"}), frozenset({"sold", "issued"}))
    assert needles(re.compile(r"[Ww]arrants?")) == (frozenset({"warrant"}),)
    # an optional part, a class or a branch that may be empty holds no word
    assert needles(re.compile(r"(?:foo)?\d+|bar")) == ()
    assert needles(re.compile(r"(?:bc|)\d")) == ()
    assert set(needles(re.compile(r"a(?:bc|)d"))) == {frozenset({"a"}), frozenset({"d"})}
    # a match of an alternation joins one clause of each branch
    assert frozenset({"year", "month"}) in needles(re.compile(r"for\s+(?:\d+)\s+(?:years?|months?)|(?:\d+)\s+(?:years?|months?)\s+after"))


def test_alternatives_split_where_the_pattern_does():
    assert _alternatives(r"\b(?:a|b)c|\b(?:x|[|)]y)|(d|e)") == [r"\b(?:a)c", r"\b(?:b)c", r"\b(?:x)", r"\b(?:[|)]y)", r"(d|e)"]
    assert _alternatives(r"(?:a|b(?:c|d))[^.]{0,3}$|(?:x|y)+z") == [r"(?:a)[^.]{0,3}$", r"(?:b(?:c|d))[^.]{0,3}$", r"(?:x|y)+z"]
    assert _alternatives(r"a\|b|c") == [r"a\|b", "c"]


def test_a_gate_skips_the_pattern_only_when_the_words_are_missing():
    g = gated(re.compile(r"\bover-?allotment\b", re.I))
    assert g.search("the underwriters' OVER-ALLOTMENT option")
    assert g.search("no such option here") is None
    assert list(g.finditer("nothing")) == []
    assert g.match("Overallotment")


def test_extraction_runs_the_term_pattern_only_on_sentences_that_name_a_year_or_a_month(monkeypatch):
    """Fails without the gate: TERM_AFTER ran on every sentence a warrant's term was looked for in."""
    from pathlib import Path
    from ledger.ingest import extract_file
    patterns = importlib.import_module("ledger.extract.patterns")
    frames = importlib.import_module("ledger.extract.frames")
    seen: list[str] = []

    class Spy:
        def __init__(self, inner):
            self.inner = inner

        def finditer(self, text, *args):
            seen.append(text)
            return self.inner.finditer(text, *args)

    gate = gated(patterns.TERM_AFTER.pattern)
    gate.pattern = Spy(gate.pattern)
    monkeypatch.setattr(patterns, "TERM_AFTER", gate)
    frames._term_match.cache_clear()
    asked = []
    real = frames._term_match.__wrapped__

    def counting(text):
        asked.append(text)
        return real(text)

    monkeypatch.setattr(frames, "_term_match", counting)
    done = extract_file(Path(__file__).resolve().parent.parent / "examples" / "filings" / "000_ba47be5c523c5283.txt")
    assert done.error is None and len(done.events) > 1
    assert seen and all("year" in folded(t) or "month" in folded(t) for t in seen)
    assert len(seen) < len(asked)


def _ok(g: Gated | AnyOf, text: str) -> None:
    if isinstance(g, AnyOf):
        assert g.found_in(text) == bool(g.pattern.search(text)), text
    elif not g.admits(text):
        assert g.pattern.search(text) is None, text


@pytest.mark.parametrize("name,gate", GATES, ids=[n for n, _ in GATES])
def test_no_sentence_of_the_filings_is_ruled_out_that_the_pattern_matches(name, gate):
    for text in corpus_sentences() + written_sentences():
        _ok(gate, text)


@pytest.mark.parametrize("name,gate", GATED + [(f"{n}[{i}]", p) for n, g in ANY_OF for i, p in enumerate(g.parts)],
                         ids=[n for n, _ in GATED] + [f"{n}[{i}]" for n, g in ANY_OF for i, _ in enumerate(g.parts)])
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_match_hypothesis_builds_passes_the_word_test(name, gate, data):
    text = data.draw(st.from_regex(gate.pattern))
    assert gate.admits(text), (text, gate.needles)
    if gate.pattern.search(text):
        assert gate.search(text)


@pytest.mark.parametrize("name,gate", ANY_OF, ids=[n for n, _ in ANY_OF])
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_any_of_answers_as_the_whole_pattern(name, gate, data):
    text = data.draw(st.from_regex(gate.pattern) | st.text(alphabet=st.sampled_from(list("abcdefimnoprstuy ,.$0123456789()"))))
    assert gate.found_in(text) == bool(gate.pattern.search(text))
    # and surrounded by other words
    around = data.draw(st.text(max_size=20)) + text + data.draw(st.text(max_size=20))
    assert gate.found_in(around) == bool(gate.pattern.search(around))


# --- the date patterns (a lookahead in front, the months as a tree) and the named securities (a lookahead) -------------------------------------------------

BARE_DATE = re.compile(values.DATE, re.I)
BARE_FIGURE_DATE = re.compile(figures._DATE_SOURCE, re.I)


def test_the_date_patterns_are_the_fast_forms():
    for fast in (values.DATE_RE, figures._DATE_RE):
        assert fast.pattern.startswith(values.FIRST_OF_DATE) and values._MONTH_TREE.removesuffix(r"\.?") in fast.pattern


mentions = importlib.import_module("ledger.extract.mentions")
BARE_NAMED = re.compile(mentions._NAMED_SOURCE)


def _same_dates(text: str) -> None:
    assert [m.groupdict() | {"": m.span()} for m in mentions._NAMED.finditer(text)] == \
        [m.groupdict() | {"": m.span()} for m in BARE_NAMED.finditer(text)]
    assert [m.span() for m in values.DATE_RE.finditer(text)] == [m.span() for m in BARE_DATE.finditer(text)]
    assert [m.groupdict() for m in figures._DATE_RE.finditer(text)] == [m.groupdict() for m in BARE_FIGURE_DATE.finditer(text)]


def test_the_lookaheads_change_no_date_or_security_of_the_filings():
    for text in corpus_sentences() + written_sentences():
        _same_dates(text)


_DATE_PIECES = st.sampled_from(["Pre-Funded Warrants", "Series A", "Units", "units", "preferred stock", "10% Senior",
                                "Convertible Notes", ".5% convertible debentures", "Acme's warrants", "Each", "The", "W", "P",
                                "January", "Jan", "FEB.", "Sept", "ſeptember", "Sep", "May", "dec", "mar.", "March", "Marc",
                                "June", "JUN", "Jul.", "july", "au", "Augu", "Octob", "1", "29", "03", "2024",
                                "0000", "1st", "2nd", "day of", ",", " ", "  ", "-", "of", "x", "2024-02-30", "\u0661\u0662"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_DATE_PIECES, max_size=12).map("".join))
def test_the_lookaheads_change_no_date_or_security_of_generated_text(text):
    _same_dates(text)


# --- Caseless: a case-insensitive pattern run on the lower-cased text without re.I ----------------------

from ledger.extract.gate import Caseless, every_caseless  # noqa: E402

CASELESS = every_caseless()


def test_the_hot_case_insensitive_patterns_run_without_the_flag():
    names = {n.rsplit(".", 1)[1] for n, _ in CASELESS}
    assert {"SALE_VERB", "NOT_SOLD_BEFORE", "_DATES_LOWERED"} <= names
    for _, c in CASELESS:
        assert not c.lowered.flags & re.IGNORECASE


def test_caseless_refuses_what_it_cannot_lower_safely():
    for bad in (re.compile("abc"), re.compile(r"(?-i:A)b", re.I), re.compile(r"\x41", re.I), re.compile(r"(a)\1", re.I)):
        with pytest.raises(ValueError):
            Caseless(bad)
    # escapes and group names keep their case: \S is not \s, a group named N is still N
    c = Caseless(re.compile(r"(?P<N>\S+)\s+SHARES\b", re.I))
    assert c.lowered.pattern == r"(?P<N>\S+)\s+shares\b"
    assert c.search("Sold 1,000 Shares").span() == (5, 17) and c.search("Sold 1,000 Shares")["N"] == "1,000"


def _same_caseless(c: Caseless, text: str) -> None:
    want = [m.span() for m in c.pattern.finditer(text)]
    m = c.search(text)
    assert (m.span() if m else None) == (want[0] if want else None), text
    if text.isascii():
        assert [m.span() for m in c.lowered.finditer(text.lower())] == want, text


@pytest.mark.parametrize("name,c", CASELESS, ids=[n for n, _ in CASELESS])
def test_caseless_finds_what_the_pattern_finds_in_the_filings(name, c):
    for text in corpus_sentences() + written_sentences():
        _same_caseless(c, text)
        _same_caseless(c, text.upper())


@pytest.mark.parametrize("name,c", CASELESS, ids=[n for n, _ in CASELESS])
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_caseless_finds_what_the_pattern_finds_in_generated_text(name, c, data):
    text = data.draw(st.from_regex(c.pattern))
    cased = "".join(ch.upper() if data.draw(st.booleans()) else ch for ch in text)
    around = data.draw(st.text(max_size=20)) + cased + data.draw(st.text(alphabet=st.characters(max_codepoint=127), max_size=20))
    for t in (text, cased, around):
        _same_caseless(c, t)


def test_the_plausibility_check_quotes_an_impossible_date_as_written():
    from ledger.extract.plausible import _written_dates
    text = "The Company sold shares on FEBRUARY 30, 2024 and Feb. 31st, 2025, and on 30 february 2023."
    assert _written_dates(text) == [(m.start(), m.group()) for m in values.DATE_RE.finditer(text)]
    assert [w for _, w in _written_dates(text)] == ["FEBRUARY 30, 2024", "Feb. 31st, 2025", "30 february 2023"]


# --- the number words as a tree (values.WORD_NUMBER): the same matches as the plain alternation ---------------

patterns = importlib.import_module("ledger.extract.patterns")
_COMPILED = [(k, v.pattern if isinstance(v, Gated) else v) for k, v in vars(patterns).items()]
WORD_PATTERNS = [(k, p) for k, p in _COMPILED if isinstance(p, re.Pattern) and values.WORD_NUMBER in p.pattern]
PLAIN_WORD_PATTERNS = [re.compile(p.pattern.replace(values.WORD_NUMBER, values.WORD_NUMBER_PLAIN), p.flags) for _, p in WORD_PATTERNS]


def test_the_number_words_tree_holds_the_same_words():
    longest_first = sorted(list(values._UNITS) + list(values._TENS), key=len, reverse=True)
    words = sorted(longest_first)
    tree = re.compile(values._tree(longest_first))
    assert [w for w in words if tree.fullmatch(w)] == words
    assert not any(tree.fullmatch(w) for w in ("seve", "fourt", "eigh", "tw", "", "sixs"))
    assert values.WORD_NUMBER == values.WORD_NUMBER_PLAIN.replace("|".join(longest_first), tree.pattern, 1)
    assert {"TERM_AFTER", "TERM_STARTS", "TERM_BEFORE"} <= {k for k, _ in WORD_PATTERNS}


def _same_words(text: str) -> None:
    for (name, fast), plain in zip(WORD_PATTERNS, PLAIN_WORD_PATTERNS):
        assert [m.groupdict() | {"": m.span()} for m in fast.finditer(text)] == \
            [m.groupdict() | {"": m.span()} for m in plain.finditer(text)], (name, text)


def test_the_number_words_tree_changes_no_match_of_the_filings():
    for text in corpus_sentences() + written_sentences():
        _same_words(text)


_WORD_PIECES = st.sampled_from(["seven", "seventeen", "seventy", "Seventy-Five", "six", "sixteen", "sixty", "four", "fourteen",
                                "forty", "fourty", "eight", "eighteen", "eighty", "ten", "twenty", "two", "one", "nine",
                                "nineteen", "-", " ", " years", " months", "year", "month", "for a period of ", "term of ",
                                "expire ", "within ", "commencing ", " after the date of issuance", " and one-half", "5",
                                "(5)", "vesting dates ", " and ", " days", "first ", "ſeven", "TWELVE"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORD_PIECES, max_size=10).map("".join))
def test_the_number_words_tree_changes_no_match_of_generated_text(text):
    _same_words(text)
