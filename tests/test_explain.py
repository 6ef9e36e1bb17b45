"""`ledger ingest --dry-run --explain`: why each event's figures were read as they were.

On tests/filings/explain_price_told_apart.txt the 8-K body states the count and the proceeds in
one sentence, the price in the next and the closing in a third, and the press release tells the
sale again ("approximately $4.0 million"). On examples/filings/003 the price sits in the sale
clause itself. Offsets are found in the normalised text, not written down, so the tests check
that every offset the explanation gives points at the words it quotes.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from ledger.extract import explain as explain_module
from ledger.extract.explain import EventExplanation, explain
from ledger.ingest import ingest_file
from ledger.intake import read_filing
from tests.test_cli_options import one_line_usage_error
from tests.test_cli_subprocess import installed, ledger  # noqa: F401  (the fixture fails early without the script)

ROOT = Path(__file__).resolve().parents[1]
TOLD_APART = ROOT / "tests" / "filings" / "explain_price_told_apart.txt"
IN_CLAUSE = ROOT / "examples" / "filings" / "003_7584369deb35cbf4.txt"
ALL = sorted([*(ROOT / "examples" / "filings").glob("*.txt"), *(ROOT / "tests" / "filings").iterdir()])


def explained(path: Path) -> tuple[str, tuple, tuple[EventExplanation, ...]]:
    outcome = ingest_file(None, path, dry_run=True, explain=True)
    assert outcome.status == "dry-run", outcome.error
    return read_filing(path).normalised, outcome.events, outcome.explanations


def at(text: str, words: str) -> int:
    """Where the sentence that begins with `words` starts in the normalised text."""
    return text.index(words)


def field(ex: EventExplanation, name: str):
    [f] = [f for f in ex.fields if f.name == name]
    return f


def one(events, explanations, type_: str) -> EventExplanation:
    [ex] = [x for x in explanations if x.type == type_]
    assert events[ex.number - 1].TYPE == type_
    return ex


# --- the records ---------------------------------------------------------------------------------

def test_a_price_in_the_sale_clause_is_read_there_as_per_share():
    text, events, explanations = explained(IN_CLAUSE)
    sale = at(text, "Pursuant to the Agreement, the Company issued and sold")
    ex = one(events, explanations, "common_issued")
    price = field(ex, "price")
    assert (price.value, price.basis, price.figure, price.role) == (Decimal("14.00"), "stated", "$14.00", "per share")
    assert "sale clause" in price.why and not price.elsewhere
    [quote] = price.sentences
    assert quote.start == sale and "$14.00 per share" in quote.text
    shares = field(ex, "shares")
    assert (shares.value, shares.figure, shares.sentences[0].start) == (500000, "500,000", sale)


def test_the_frames_of_a_cited_sentence_show_each_security_count_and_money_role():
    text, events, explanations = explained(IN_CLAUSE)
    sale = at(text, "Pursuant to the Agreement, the Company issued and sold")
    ex = one(events, explanations, "common_issued")
    [note] = [s for s in ex.sentences if s.excerpt.start == sale]
    assert [(m.text, m.role) for m in note.money] == [("$14.00", "per share"), ("$17.50", "exercise")]
    frames = {f.kind: f for f in note.frames}
    assert (frames["sale"].security, frames["sale"].count, frames["sale"].count_text) == ("Common Stock", 500000, "500,000")
    assert [(m.text, m.role) for m in frames["sale"].money] == [("$14.00", "per share")]
    assert (frames["grant"].count, frames["grant"].count_text) == (125000, "125,000")
    assert [(m.text, m.role) for m in frames["grant"].money] == [("$17.50", "exercise")]
    # the warrant's event cites the same sentence and explains its exercise price from it
    warrant = next(x for x in explanations if x.type == "warrant_granted")     # the investors' warrants, told first
    exercise = field(warrant, "exercise_price")
    assert (exercise.value, exercise.figure, exercise.role, exercise.sentences[0].start) == (Decimal("17.50"), "$17.50", "exercise", sale)


def test_a_price_told_in_another_sentence_says_so_and_quotes_that_sentence():
    text, events, explanations = explained(TOLD_APART)
    ex = one(events, explanations, "common_issued")
    price = field(ex, "price")
    told = at(text, "The Shares were sold at a purchase price of $2.50 per share.")
    assert (price.value, price.figure, price.role) == (Decimal("2.50"), "$2.50", "per share")
    assert price.elsewhere and price.sentences[0].start == told
    assert price.sentences[0].text == "The Shares were sold at a purchase price of $2.50 per share."
    # the sentence that made the event states the count and the proceeds, with the proceeds' role
    made = at(text, "On June 12, 2012, Harrow Creek")
    shares, gross = field(ex, "shares"), field(ex, "consideration")
    assert (shares.sentences[0].start, shares.figure, shares.elsewhere) == (made, "1,600,000", False)
    assert (gross.value, gross.figure, gross.role, gross.sentences[0].start) == (Decimal("4000000"), "$4.0 million", "gross", made)


def test_a_merged_telling_lists_both_sentences_and_the_candidates_that_lost():
    text, events, explanations = explained(TOLD_APART)
    ex = one(events, explanations, "common_issued")
    body, release = at(text, "On June 12, 2012, Harrow Creek"), at(text, "BOSTON, June 14, 2012")
    starts = [s.excerpt.start for s in ex.sentences]
    assert body in starts and release in starts
    assert any(str(release) in n and "merged" in n for n in ex.notes)
    for where in (body, release):
        [note] = [s for s in ex.sentences if s.excerpt.start == where]
        [sale] = [f for f in note.frames if f.kind == "sale"]
        assert (sale.count, sale.count_text) == (1600000, "1,600,000")
        assert [(m.text, m.role) for m in sale.money] == [("$4.0 million", "gross")]
    # the body's exact proceeds beat the press release's "approximately $4.0 million"
    gross = field(ex, "consideration")
    assert gross.basis == "stated"
    [lost] = gross.lost
    assert (lost.value, lost.basis, lost.starts) == (Decimal("4000000"), "approximate", (release,))
    assert lost.strength < gross.strength


def test_an_explicit_closing_beats_the_date_the_agreement_was_signed():
    text, events, explanations = explained(TOLD_APART)
    ex = one(events, explanations, "common_issued")
    when = field(ex, "date")
    closing = at(text, "The closing of the sale occurred on June 14, 2012.")
    assert (when.value, when.why, when.figure, when.sentences[0].start) == (date(2012, 6, 14), "the stated closing", "June 14, 2012", closing)
    assert events[ex.number - 1].effective_date == date(2012, 6, 14)
    signed = [alt for alt in when.lost if alt.value == date(2012, 6, 12)]
    assert signed and signed[0].starts == (at(text, "On June 12, 2012, Harrow Creek"),) and signed[0].strength < when.strength


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_every_event_is_explained_and_every_offset_points_at_what_it_quotes(path):
    text, events, explanations = explained(path)
    assert [x.number for x in explanations] == list(range(2, len(events) + 1))
    assert [x.type for x in explanations] == [e.TYPE for e in events[1:]]
    flat = lambda s: re.sub(r"\s+", " ", s)    # noqa: E731
    for ex in explanations:
        assert len(ex.sentences) <= explain_module.MAX_SENTENCES
        for f in ex.fields:
            assert len(f.lost) <= explain_module.MAX_LOST
            for quote in f.sentences:
                assert len(quote.text) <= explain_module.QUOTE_WIDTH + 2
                assert quote.text.strip("…") in flat(text[quote.start:quote.end])
            if f.figure is not None:
                assert f.figure in text[f.sentences[0].start:f.sentences[0].end]
        for note in ex.sentences:
            for m in note.money + tuple(x for fr in note.frames for x in fr.money):
                assert text[m.start:m.start + len(m.text)] == m.text
                assert note.excerpt.start <= m.start < note.excerpt.end


def test_explain_is_pure_and_repeatable(capsys):
    filing = read_filing(TOLD_APART)
    from ledger.extract import extract
    extraction = extract(filing.normalised, stream=filing.stream, raw_sha256=filing.raw_sha256,
                         source_name=TOLD_APART.name, header=filing.header)
    assert explain(extraction) == explain(extraction) != ()
    assert capsys.readouterr() == ("", "")


def test_without_explain_a_dry_run_carries_no_explanations():
    assert ingest_file(None, TOLD_APART, dry_run=True).explanations == ()


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from("ab $1.,\n"), max_size=400), st.data())
def test_a_shortened_quote_is_a_piece_of_the_sentence_holding_the_figure(text, data):
    lo = data.draw(st.integers(0, len(text)))
    hi = data.draw(st.integers(lo, min(len(text), lo + 20)))
    short = explain_module._shorten(text, (lo, hi), width=60)
    flat = re.sub(r"\s+", " ", text).strip()
    assert short.strip("…").strip() in flat
    assert len(short) <= 62
    if len(text) > 60 and text[lo:hi].strip():
        assert re.sub(r"\s+", " ", text[lo:hi]).strip() in short


# --- the command ---------------------------------------------------------------------------------

def _block(stdout: str, number: int) -> str:
    """What the dry run prints for event `number`, up to the next event."""
    return re.split(r"(?m)^\d+\. ", stdout)[number]


def test_the_dry_run_prints_each_explanation_under_its_event(run, tmp_path):
    text = read_filing(TOLD_APART).normalised
    result = run("--db", tmp_path / "ledger.db", "ingest", "--dry-run", "--explain", TOLD_APART)
    assert result.exit_code == 0, result.output
    block = _block(result.stdout, 2)
    assert block.startswith("common_issued")
    assert "price = 2.50 (stated" in block and "read “$2.50” as per share, in another sentence" in block
    assert f"@{at(text, 'The Shares were sold at a purchase price')} “The Shares were sold" in block
    assert "read “$4.0 million” as gross" in block
    assert f"sentence @{at(text, 'BOSTON, June 14, 2012')}-" in block
    assert "money: $2.50 → per share" in block
    assert "why " not in _block(result.stdout, 1)        # the FilingRecorded is the cover page, not a draft
    assert not (tmp_path / "ledger.db").exists()
    plain = run("--db", tmp_path / "ledger.db", "ingest", "--dry-run", TOLD_APART)
    assert plain.exit_code == 0 and "why " not in plain.stdout and "price = " not in plain.stdout


def test_explain_without_dry_run_is_a_one_line_usage_error_and_writes_nothing(run, tmp_path):
    db = tmp_path / "ledger.db"
    line = one_line_usage_error(run("--db", db, "ingest", "--explain", TOLD_APART), "--explain", "--dry-run")
    assert "ingest --help" in line
    assert not db.exists()


def test_explain_as_a_real_process_fits_80_columns(tmp_path):
    proc = ledger("--db", tmp_path / "ledger.db", "ingest", "--dry-run", "--explain", IN_CLAUSE)
    assert proc.returncode == 0, proc.stderr
    block = _block(proc.stdout, 2)
    assert "price = 14.00 (stated" in block and "read “$14.00” as per share" in block
    assert "sale frame: Common Stock; 500,000 (“500,000”); $14.00 → per share" in block
    assert "grant frame: " in block and "$17.50 → exercise" in block
    # the explanation's own lines (indented deeper than the quotes) fold at 80 columns in a pipe
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(" " * 7)]
    assert lines and max(map(len, lines)) <= 80
    usage = ledger("--db", tmp_path / "ledger.db", "ingest", "--explain", IN_CLAUSE)
    assert usage.returncode == 2 and usage.stdout == "" and len(usage.stderr.splitlines()) == 1
