"""The prefilter (ledger/extract/prefilter.py) and the word tests before the parties' and agents'
patterns only skip work: a sentence they rule out is one the full passes read nothing from.

Checked over every sentence of the example filings, tests/filings, tests/formats and
tests/language, every sentence the other tests write (string literals of the extraction tests),
and generated sentences (hypothesis) built from the words of financing language, the words the
prefilter looks for and many it does not, figures, dates, currencies and case changes.
"""
from __future__ import annotations

import ast
import functools
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

import ledger.extract as extract_module
from ledger.extract import extract, layout, parties
from ledger.extract import patterns as P
from ledger.extract.frames import sentence_frames
from ledger.extract.mentions import read
from ledger.extract.prefilter import folded, may_state
from ledger.intake import read_filing
from ledger.text.normalise import Sentence, sentences

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("examples/filings", "tests/filings", "tests/formats", "tests/formats/releases", "tests/language/filings")
TEST_MODULES = ("test_frames.py", "test_mentions.py", "test_extraction.py", "test_extract_regressions.py",
                "test_figures.py", "test_consideration_kind.py", "test_assembly.py", "test_segment.py")
OWN = frozenset({"company", "registrant", "corporation", "issuer", "its", "our", "the", "such", "common", "class",
                 "series", "ordinary", "preferred", "beneficial", "record", "acme"})


def frames_of(text: str) -> list:
    return sentence_frames(Sentence(0, len(text), text, 0), read(text), 0, OWN)


def agents_and_parties_read(text: str) -> bool:
    """Whether any pattern of read_agents or read_parties matches `text`."""
    return bool(P.AGENT_NAMED.search(text) or P.ALIAS.search(text) or parties._PURCHASE_AGREEMENT.search(text)
                or parties._WARRANT_EXHIBIT.search(text) or parties._NAMED_INVESTORS.search(text))


def gates_pass(text: str) -> bool:
    """The word tests read_agents and read_parties make before their patterns, any of them passing."""
    low = folded(text)
    return (any(w in text for w in layout._AGENT_VERBS) or bool(layout._ALIAS_CUE.search(text))
            or ("dated" in low and "agreement" in low)
            or ("dated" in low and "warrant" in low and ("issued" in low or "granted" in low))
            or any(w in text for w in parties._INVESTOR_NOUNS))


def check(text: str) -> None:
    if not may_state(text):
        assert frames_of(text) == [], text
    if not gates_pass(text):
        assert not agents_and_parties_read(text), text


@functools.cache
def corpus_sentences() -> tuple[str, ...]:
    out = []
    for folder in FOLDERS:
        d = ROOT / folder
        for path in sorted(d.iterdir()) if d.is_dir() else ():
            if not path.is_file() or path.suffix == ".json" or path.name == "README.md":
                continue
            try:
                filing = read_filing(path)
            except Exception:  # noqa: BLE001 - refused files (tests/formats/bad_*) hold no sentences to check
                continue
            out += [s.text for s in sentences(filing.normalised)]
    return tuple(out)


@functools.cache
def written_sentences() -> tuple[str, ...]:
    """Every string of 20 characters or more in the extraction tests: sentences written to be read."""
    out = []
    for name in TEST_MODULES:
        path = ROOT / "tests" / name
        if path.exists():
            tree = ast.parse(path.read_text(encoding="utf-8"))
            out += [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                    and len(n.value) >= 20]
    return tuple(out)


def test_the_corpora_are_there_to_check():
    assert len(corpus_sentences()) > 1_000
    assert len(written_sentences()) > 300


def test_no_sentence_of_the_filings_is_dropped_that_the_passes_read():
    rejected = 0
    for text in corpus_sentences():
        check(text)
        rejected += not may_state(text)
    # and the prefilter does rule sentences out: most of a filing states no financing fact
    assert rejected > len(corpus_sentences()) // 3


def test_no_sentence_the_tests_write_is_dropped_that_the_passes_read():
    for text in written_sentences():
        check(text)


def test_what_it_rules_out_and_what_it_keeps():
    for text in ("The Company's principal executive offices are located in Irvine, California.",
                 "Our board of directors appointed Jane Doe as chief financial officer.",
                 "SIGNATURES", "Not applicable."):
        assert not may_state(text), text
    for text in ("The Company sold one million shares of common stock.",           # a count in words
                 "Each Unit consists of a share and a warrant.",                   # a makeup, no figure
                 "The Company paid a finder's fee in shares of common stock.",     # a fee, no figure
                 "The Company raised NOK 150 million.",                            # an ISO code, no other cue
                 "The offering closed on March 3, 2004.",
                 "The investors bought 2 000 ſhares."):                           # long s: re.I reads it as "s"
        assert may_state(text), text


def test_extract_does_not_read_the_mentions_of_sentences_ruled_out(monkeypatch):
    """Fails without the prefilter: every sentence outside skipped parts had its mentions read."""
    seen = []

    def counting(text):
        seen.append(text)
        return read(text)

    monkeypatch.setattr(extract_module, "read_mentions", counting)
    path = ROOT / "examples" / "filings" / "000_ba47be5c523c5283.txt"
    filing = read_filing(path)
    result = extract(filing.normalised, stream=filing.stream, raw_sha256=filing.raw_sha256, source_name=path.name,
                     header=filing.header)
    assert len(result.events) > 1
    assert seen and all(may_state(t) for t in seen)
    assert "In connection with this financing, the Company paid a finder's fee to an unrelated third party " \
           "consisting of cash and warrants to purchase common stock of the Company." in seen
    ruled_out = [s.text for s in sentences(filing.normalised) if not may_state(s.text)]
    assert ruled_out and not set(ruled_out) & set(seen)


# --- generated sentences ---------------------------------------------------------------------
# Words of financing language, the prefilter's cues among them and many that are not cues (verbs,
# nouns of notes and rights, prices and terms without a currency), figures, dates and currencies.
WORDS = (
    "the Company", "sold", "issued", "purchased", "priced", "raised", "agreed to sell", "to investors",
    "to the Investor", "Inc.", "Capital, LLC", "shares", "shares of common stock", "ordinary shares", "Common Shares",
    "Series B Shares", "ADSs", "American Depositary Shares", "Units", "units", "warrants to purchase",
    "pre-funded warrants", "Series A Preferred Stock", "preferred shares", "Notes", "convertible notes",
    "Debentures", "rights", "options", "stock options", "at", "for", "per", "per share", "per Unit", "each",
    "for each", "of", "and", "which", "was", "were", "on", "in", "with", "price", "purchase price of",
    "exercise price of", "conversion price", "gross proceeds", "net proceeds", "aggregate consideration",
    "in exchange for", "valued at", "totaling", "expire", "exercisable for a term of", "years", "months",
    "a number of shares equal to", "consisting of", "comprising", "closed", "closing", "completed", "settled",
    "entered into", "signed", "an agreement", "Securities Purchase Agreement dated", "by and among",
    "issued by the Company to", "dated as of", "acted as placement agent", "served as", "(the \"Investor\")",
    "(“Agent”)", "over-allotment option", "additional", "fee", "finder's fee", "commission",
    "placement agent", "underwriting discount", "cash", "a fee of", "paid", "percent", "%", "interest",
    "one", "two", "twenty-five", "a hundred", "a million", "one-half", "one-third", "½", "million",
    "thousand", "1,000,000", "500,000", "2.50", "$", "$1.25", "US$", "C$", "€", "£", "¥", "USD", "NOK", "usd",
    "dollars", "U.S. dollars", "euros", "cents", "pounds sterling", "March 3, 2004", "3 March 2004",
    "2004-03-03", "8th day of January, 2025", "Item 3.02", "Rule 506", "(1)", "(ii)", ";", ",", ".",
    "ſhares", "İssued", "Kelvin", "K", "ı", "investors are", "purchasers were")
CASES = (str, str.upper, str.lower, str.title)


@st.composite
def financing_like(draw) -> str:
    pieces = draw(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(CASES)), min_size=1, max_size=24))
    return " ".join(case(w) for w, case in pieces)


@settings(max_examples=600, deadline=None)
@given(financing_like())
@example("Each unit consisting of one share and one-half of one warrant")
@example("The Company paid a placement agent fee to the agent in shares")
@example("The Series A Preferred Stock was sold to the investors")
@example("The warrants expire five years from issuance")
@example("On March 3, 2004 the Company paid a cash fee to Acme")          # a fee with only a date
@example("The Company paid a cash fee to the agent in convertible notes")  # a fee with no figure and no date
@example("The Company sold 1,000,000 Units")
@example("The sale was consummated on March 3, 2004")                      # a closing date
@example("The issuance was effective on March 3, 2004")
@example("It was completed on March 3, 2004")
@example("The purchase price was 50 cents")                                # currencies after the number
@example("The purchase price was 50 pounds sterling")
@example("The Company sold a hundred shares of common stock")              # "a hundred": a figure without a number word
@example("This includes 450,000 ordinary from the over-allotment")         # the option's shares, no other cue
@example("The Company signed an agreement on March 3, 2004")               # an agreement's date
@example("The Company raised NOK 150 million")
def test_a_generated_sentence_the_prefilter_rules_out_yields_nothing(text):
    check(text)


@settings(max_examples=300, deadline=None)
@given(financing_like().filter(lambda t: not may_state(t)))
def test_generated_sentences_ruled_out_yield_nothing(text):
    # the same property, drawn only where it says something
    assert frames_of(text) == []


class _Spy:
    """A compiled pattern that records the texts it is asked to search."""

    def __init__(self, pattern):
        self.pattern, self.searched = pattern, []

    def search(self, text, *args):
        self.searched.append(text)
        return self.pattern.search(text, *args)

    def finditer(self, text, *args):
        self.searched.append(text)
        return self.pattern.finditer(text, *args)

    def match(self, text, *args):
        return self.pattern.match(text, *args)


def test_the_parties_and_agents_patterns_run_only_where_their_words_are(monkeypatch):
    """Fails without the word tests: every pattern ran on every sentence."""
    spies = {}
    for module, name in ((parties, "_PURCHASE_AGREEMENT"), (parties, "_WARRANT_EXHIBIT"), (parties, "_NAMED_INVESTORS"),
                         (P, "AGENT_NAMED"), (P, "ALIAS")):
        spies[name] = _Spy(getattr(module, name))
        monkeypatch.setattr(module, name, spies[name])
    said = [Sentence(0, 0, t, 0) for t in (
        "Securities Purchase Agreement dated as of November 19, 1999, by and among Registrant, Strong River "
        "Investments, Inc. and Montrose Investments Ltd.",
        "Roth Capital Partners, LLC (the \"Agent\") acted as placement agent for the offering.",
        "The Company's offices are in Irvine, California.")]
    found = parties.read_parties(said, "NeoTherapeutics, Inc.")
    agents, aliases = layout.read_agents(said, "NeoTherapeutics, Inc.")
    assert [a.parties for a in found.agreements] == [("Strong River Investments, Inc.", "Montrose Investments Ltd.")]
    assert [(name, role) for name, role, _ in agents] == [("Roth Capital Partners, LLC", "placement_agent")]
    assert aliases["Agent"][0] == "Roth Capital Partners, LLC"
    assert spies["_PURCHASE_AGREEMENT"].searched == [said[0].text]
    assert spies["_WARRANT_EXHIBIT"].searched == []
    assert spies["_NAMED_INVESTORS"].searched == []
    assert spies["AGENT_NAMED"].searched == [said[1].text]
    assert spies["ALIAS"].searched == [said[1].text]
