"""Standalone press releases (newswire copies, Markdown with front matter, .txt, .htm) are documents
of their own kind: the issuer of the first sentence, the dateline's date, the form "press release"."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from events import FilingRecorded
from ledger.errors import BadInput
from ledger.extract import extract
from ledger.intake import read_filing

RELEASES = Path(__file__).parent / "formats" / "releases"

# file -> (issuer, report date, public date, warning or None)
EXPECTED = {
    "globe_front_matter.md": ("Quillfeather Robotics, Inc.", date(2024, 3, 7), date(2024, 3, 7), None),
    "prn_no_suffix.txt": ("Tamsin Orbital", date(2023, 9, 18), date(2023, 9, 18), None),
    "accesswire_bold.md": ("Brackenridge Lithium Corp.", date(2021, 11, 4), date(2021, 11, 4), None),
    "business_wire_old.txt": ("Corvalis Semiconductor Corporation", date(2006, 8, 2), date(2006, 8, 2), None),
    "cnw_canada.txt": ("Ptarmigan Gold Mines Ltd.", date(2019, 1, 15), date(2019, 1, 15), None),
    "oslo_notice.txt": ("Fjellvind Offshore ASA", date(2022, 6, 3), date(2022, 6, 3), None),
    "newsfile_release.htm": ("Kestrel Bay Minerals Inc.", date(2020, 4, 22), date(2020, 4, 22), None),
    "lead_no_dateline.md": ("Harrow Lane Therapeutics, Inc.", date(2024, 5, 14), None,
                            "no dateline; the report date is the first date in the text 2024-05-14"),
}


def _read(name: str):
    filing = read_filing(RELEASES / name)
    result = extract(filing.normalised, stream=filing.stream, raw_sha256=filing.raw_sha256, source_name=name,
                     header=filing.header)
    return filing, result


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_release_is_read_as_a_press_release(name):
    issuer, report, public, warning = EXPECTED[name]
    filing, result = _read(name)
    head = result.events[0]
    assert isinstance(head, FilingRecorded)
    assert filing.kind == "press release"
    assert (head.issuer.name, head.report_date, head.public_date, head.form) == (issuer, report, public, "press release")
    for q in head.provenance.quotes:          # every quote is an exact span of the normalised text
        assert filing.normalised[q.start:q.end] == q.text
    assert issuer in [q.text for q in head.provenance.quotes]
    identity_warnings = [w for w in result.warnings if "dateline" in w or "issuer read" in w]
    assert identity_warnings == ([f"{name}: {warning}"] if warning else [])


def test_the_dateline_date_is_quoted_where_it_stands():
    filing, result = _read("accesswire_bold.md")
    assert "November 4, 2021" in [q.text for q in result.events[0].provenance.quotes]


def test_the_front_matter_is_kept_apart_and_its_summary_is_not_read_as_a_second_sale():
    filing, result = _read("globe_front_matter.md")
    assert filing.normalised.startswith("---\ntitle: ")
    body = filing.normalised.split("\n---\n", 1)[1]
    assert body.startswith("**Quillfeather Robotics, Inc. Announces")
    sales = [e for e in result.events[1:] if getattr(e, "shares", None) == 2_000_000]
    assert len(sales) == 1                    # the summary repeats the lead; read once, not twice
    assert all(q.start >= len(filing.normalised) - len(body) for e in sales for q in e.provenance.quotes)


def test_a_text_that_is_neither_a_filing_nor_a_release_is_refused_in_one_line():
    with pytest.raises(BadInput) as info:
        read_filing(RELEASES / "shopping_list.txt")
    message = str(info.value)
    assert message == (f"{RELEASES / 'shopping_list.txt'}: is not an SEC filing (no 'Securities and Exchange "
                       "Commission' or 'Form 8-K' in it)")
    assert "\n" not in message


def test_ingest_a_release_through_the_cli_and_replay_lists_its_issuer(run, tmp_path):
    db = tmp_path / "l.db"
    result = run("--db", db, "ingest", RELEASES / "globe_front_matter.md")
    assert result.exit_code == 0, result.output
    replay = run("--db", db, "replay", "--as-of", "2099-12-31", "--format", "json")
    assert replay.exit_code == 0, replay.output
    doc = json.loads(replay.stdout)
    assert [i["issuer"]["name"] for i in doc["issuers"]] == ["Quillfeather Robotics, Inc."]
    holdings = [h for i in doc["issuers"] for h in i.get("holdings", [])]
    assert [(h["shares"], h["price"]) for h in holdings if h["shares"] == 2_000_000] == [(2_000_000, "3.00")]


def test_a_release_without_a_dateline_warns_through_the_cli(run, tmp_path):
    result = run("--db", tmp_path / "l.db", "ingest", RELEASES / "lead_no_dateline.md")
    assert result.exit_code == 0, result.output
    assert "no dateline; the report date is the first date in the text 2024-05-14" in result.stderr


def test_the_about_paragraph_recap_is_not_read_as_a_sale(run, tmp_path):
    db = tmp_path / "l.db"
    assert run("--db", db, "ingest", RELEASES / "globe_front_matter.md").exit_code == 0
    doc = json.loads(run("--db", db, "replay", "--as-of", "2099-12-31", "--format", "json").stdout)
    (issuer,) = doc["issuers"]
    assert issuer["issuer"]["name"] == "Quillfeather Robotics, Inc."
    assert issuer["totals"]["common_shares"] == 2_000_000      # not + the 900,000 of 2022 in "About ..."
