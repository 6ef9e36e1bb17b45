"""Which sentences the frames pass can skip: one cheap test before the mentions and frames passes.

Most sentences of a filing state no financing fact, yet reading their mentions (the figure lexer,
securities, money roles, dates) and trying every frame pattern on them was most of the cost of
extraction. ``may_state(text)`` is False only for a sentence from which ``frames.sentence_frames``
cannot build anything; it is True for every other (and for many that still yield nothing).

It is the conjunction of two necessary conditions, each read off what a frame needs:

- a frame is bound to a figure or a date (digits, a vulgar fraction, or a number word of the
  lexer: ``ledger.extract.figures``), or it is one of the frames that may hold none: a warrant
  grant by formula, preferred stock sold without a count, a unit's makeup, a fee;
- a frame needs a word of its kind: a security noun (share, stock, ADSs, unit, warrant, preferred),
  a currency (what the lexer reads as one: ``$ € £ ¥``, an ISO code, dollars, euros, cents, pounds),
  a closing or agreement (closed, completed, entered into, signed, executed, and the financing
  nouns a closing date needs), the over-allotment option, or a fee.

The test is a few substring searches of the lower-cased sentence, one scan for a digit and, for
some sentences, one split into words: far less than one pattern of the cascade. Words are matched
as substrings, without bounds, which only lets more sentences through; number words and ISO codes
are matched as whole tokens exactly as figures.py reads them. tests/test_prefilter.py checks the
claim over the example filings, the language corpus and generated sentences: a sentence this
rejects yields no frame.
"""
from __future__ import annotations

import re

from ledger.extract.figures import _ISO, _SCALE_WORDS, _TENS, _UNITS

# Words of a frame's kind, as substrings of the lower-cased sentence. Securities ("adss": "ADSs";
# "American Depositary Shares" has "share"); currencies as figures.py reads them before or after a
# number ($ € £ ¥, dollars, euros, cents, pounds; the ISO codes are tested apart, case and all);
# closings, agreements and the financing nouns a closing date must be of; the over-allotment
# option; fees (each of frames.FEE_WORDS has one of these).
_KIND_WORDS = (
    "share", "stock", "adss", "unit", "warrant", "preferred",
    "$", "\u20ac", "\u00a3", "\u00a5", "dollar", "euro", "cent", "pound",
    "clos", "complet", "entered", "signed", "executed", "offering", "placement", "financing", "transaction", "sale",
    "tranche", "issuance", "subscription", "allotment", "option", "green",
    "fee", "commission", "finder", "underwrit")
# Frames that may stand without a figure or a date: a warrant by formula, preferred sold without a
# count, a fee (a unit's makeup names a warrant).
_FIGURELESS = ("warrant", "preferred", "fee", "commission", "finder", "placement", "underwrit")
# Digits (any script: dates are read with \d) and the vulgar fractions of figures.py's _TOKEN.
_DIGIT = re.compile(r"[\d\u00bc-\u00be\u2150-\u215e]")
_WORD = re.compile(r"[^\W\d_]+")         # figures.py's word token
_NUMBER_WORDS = frozenset(set(_UNITS) | set(_TENS) | {"hundred"} | set(_SCALE_WORDS))   # where a figure in words starts
_CAPS3 = re.compile(r"[A-Z]{3}")
# Characters that match an ASCII letter under re.IGNORECASE though lower() does not make them one.
_TO_ASCII = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def folded(text: str) -> str:
    """`text` lower-cased so that an ASCII word a pattern matches under re.IGNORECASE is a
    substring of it: a cheap test that the pattern cannot match."""
    return text.lower() if text.isascii() else text.translate(_TO_ASCII).lower()


def may_state(text: str) -> bool:
    """False only when no frame can be read from this sentence (see the module docstring)."""
    low = folded(text)
    tokens = None
    if not any(k in low for k in _KIND_WORDS):
        if _CAPS3.search(text) is None:
            return False
        tokens = _WORD.findall(text)
        if _ISO.isdisjoint(tokens):
            return False
    if _DIGIT.search(text) is not None or any(k in low for k in _FIGURELESS):
        return True
    tokens = _WORD.findall(text) if tokens is None else tokens
    return not _NUMBER_WORDS.isdisjoint(map(str.lower, tokens))


__all__ = ["folded", "may_state"]
