"""segment(): parts with roles over the whole normalised text, and part_of by bisection."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from ledger.extract.segment import part_of, segment
from ledger.formats.frontmatter import normalised_front_matter, split_front_matter
from ledger.text.normalise import normalise

EIGHT_K = normalise("""UNITED STATES
SECURITIES AND EXCHANGE COMMISSION
Washington, D.C. 20549

FORM 8-K

CURRENT REPORT PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES EXCHANGE ACT OF 1934

Date of Report (Date of earliest event reported): April 9, 2019

Pelican Ridge Software, Inc.
(Exact name of registrant as specified in its charter)

Item 1.01 Entry into a Material Definitive Agreement.

On April 8, 2019, Pelican Ridge Software, Inc. (the "Company") entered into a Securities Purchase Agreement.

Item 3.02 Unregistered Sales of Equity Securities.

The Company sold 400,000 shares of common stock at $5.00 per share.

Item 9.01 Financial Statements and Exhibits.

CONSOLIDATED BALANCE SHEETS

Cash 1,000 2,000

SIGNATURES

Pursuant to the requirements of the Securities Exchange Act of 1934, the registrant has duly caused this report to be signed.
Dated: April 9, 2019
""") + "\nEX-99.1\n" + normalise("""SEATTLE, April 9, 2019 (GLOBE NEWSWIRE) -- Pelican Ridge Software, Inc. (Nasdaq: PRS) today announced a private placement of 400,000 shares at $5.00 per share.

About the Offering

The shares were sold to two funds.

About Pelican Ridge Software

Pelican Ridge makes tools. It sold 50,000 shares in 2017.

Forward-Looking Statements

Statements about the future are uncertain.
""")


def _role_of(doc, snippet: str) -> tuple[str, str, tuple[str, ...]]:
    at = doc.text.index(snippet)
    part = part_of(doc, at)
    return part.role, part.label, part.items


def test_an_8k_with_a_press_release_exhibit():
    doc = segment(EIGHT_K)
    assert doc.kind == "8-K"
    assert _role_of(doc, "Date of Report") == ("cover", "", ())
    assert _role_of(doc, "entered into a Securities") == ("body", "Item 1.01", ("1.01",))
    assert _role_of(doc, "The Company sold 400,000") == ("body", "Item 3.02", ("3.02",))
    assert _role_of(doc, "Cash 1,000") == ("statements", "Item 9.01", ("9.01",))
    assert _role_of(doc, "Dated: April 9") == ("signature", "Item 9.01", ("9.01",))
    assert _role_of(doc, "today announced a private") == ("press_release", "EX-99.1", ())
    assert _role_of(doc, "The shares were sold to two") == ("press_release", "EX-99.1", ())   # "About the Offering"
    assert _role_of(doc, "It sold 50,000 shares") == ("boilerplate", "EX-99.1", ())
    assert _role_of(doc, "Statements about the future") == ("boilerplate", "EX-99.1", ())


def test_parts_cover_the_text_in_order_and_every_sentence_has_one():
    doc = segment(EIGHT_K)
    assert doc.parts[0].start == 0 and doc.parts[-1].end == len(doc.text)
    assert all(a.end <= b.start for a, b in zip(doc.parts, doc.parts[1:]))
    for s in doc.sentences:
        part = part_of(doc, s)
        assert part.start <= s.start < max(part.end, part.start + 1) or part is doc.parts[-1]


MARKDOWN = """---
title: "Osprey Tidal Power Ltd. Closes Placement"
date: "2023-10-03 08:00:00"
summary: "HALIFAX, Nova Scotia, Oct. 02, 2023 (GLOBE NEWSWIRE) — Osprey Tidal Power Ltd. (TSXV: OTP) (the “Company”) today announced the closing of a placement of 3,000,000 shares..."
tags:
  - "Reuters"
---

**Osprey Tidal Power Ltd. Closes Placement**

HALIFAX, Nova Scotia, Oct. 02, 2023 (GLOBE NEWSWIRE) — Osprey Tidal Power Ltd. (TSXV: OTP) (the “Company”) today announced the closing of a placement of 3,000,000 shares at C$0.50 per share.

**About Osprey Tidal Power Ltd.**

Osprey builds turbines.
"""


def _markdown_text() -> str:
    front, body = split_front_matter(MARKDOWN)
    return normalised_front_matter(front) + "\n" + normalise(body)


def test_a_markdown_release_with_front_matter():
    text = _markdown_text()
    doc = segment(text)
    assert doc.kind == "press release"
    assert [(p.role, p.label) for p in doc.parts] == [
        ("front_matter", ""), ("press_release", "headline"), ("press_release", ""), ("boilerplate", "")]
    summary = next(s for s in doc.sentences if s.text.startswith("summary:"))
    assert part_of(doc, summary).role == "front_matter"
    lead = next(s for s in doc.sentences if s.text.startswith("HALIFAX"))
    assert part_of(doc, lead).role == "press_release"
    assert text[doc.dateline.date_start:doc.dateline.date_end] == "Oct. 02, 2023"
    assert text[doc.lead:].startswith("Osprey Tidal Power Ltd. (TSXV: OTP)")


def test_normalise_alone_would_fold_the_front_matter_into_the_first_paragraph():
    # Why intake marks it off: normalise() drops the "---" lines and joins the keys into one paragraph.
    assert normalise(MARKDOWN).split("\n")[0].startswith('title: "Osprey Tidal Power Ltd. Closes Placement" date:')
    assert segment(normalise(MARKDOWN)).parts[0].role != "front_matter"


def test_a_text_without_markers_has_no_kind():
    assert segment("A shopping list.\nEggs, flour.").kind is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    "Item 3.02 Sales", "EX-99.1", "SIGNATURES", "CONSOLIDATED BALANCE SHEETS", "(in thousands)", "About Acme Inc.",
    "About the Offering", "NEW YORK, Jan. 2, 2020 (GLOBE NEWSWIRE) -- Acme Inc. (the \"Company\") today announced.",
    "---", "title: x", "The Company sold 5 shares. It closed.", "1,000 2,000 3,000", "Forward-Looking Statements", "",
]), max_size=30))
def test_parts_always_tile_the_text(paragraphs):
    text = "\n".join(paragraphs)
    doc = segment(text)
    assert doc.parts[0].start == 0 and doc.parts[-1].end == len(text)
    assert all(a.end <= b.start and a.start <= a.end for a, b in zip(doc.parts, doc.parts[1:]))
    for s in doc.sentences:
        assert part_of(doc, s) in doc.parts
