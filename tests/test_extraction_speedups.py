"""Faster forms of the cover page's patterns find what the plain patterns find."""
from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.extract import cover

ROOT = Path(__file__).resolve().parent.parent


def _texts() -> list[str]:
    folders = ("examples/filings", "tests/filings", "tests/formats")
    return [p.read_text(encoding="utf-8", errors="replace") for f in folders for p in sorted((ROOT / f).iterdir())
            if p.is_file()]


def test_the_signature_headings_of_the_filings_are_the_patterns_matches():
    texts = _texts()
    assert sum(bool(cover._signature_heads(t)) for t in texts) > 5
    for text in texts:
        assert cover._signature_heads(text) == [m.start() for m in cover._SIGNATURE.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["SIGNATURE", "SIGNATURES", "S", "x", "_", "1", " ", "\n", "é", "ÉSIGNATURE", ":", "s"]),
                max_size=12).map("".join))
def test_the_signature_headings_of_generated_text_are_the_patterns_matches(text):
    assert cover._signature_heads(text) == [m.start() for m in cover._SIGNATURE.finditer(text)]
