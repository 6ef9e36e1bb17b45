"""Which kind of document a form is, and the form a document without an SEC header names.

Families decide what is read and what an issuance means:
- current: an 8-K or a foreign issuer's 6-K (and press releases): the sale as reported now;
- periodic: 10-Q, 10-K, their small-business and transition forms, 20-F and 40-F: shares
  outstanding on the cover, and sales in the unregistered-sales item, often recaps;
- prospectus: a 424B prospectus or supplement: an offering priced, closed later;
- registration: S-1, S-3, F-1, F-3 and their amendments: a shelf or registration, never a sale.
"""
from __future__ import annotations

import re

CURRENT = "current"
PERIODIC = "periodic"
PROSPECTUS = "prospectus"
REGISTRATION = "registration"

_PERIODIC = re.compile(r"(?:10-Q|10-K|10-QSB|10-KSB|10-K405|10-KSB40|10-QT|10-KT|20-F|40-F)(?:/A)?$")
_PROSPECTUS = re.compile(r"424B[1-8]|424A|497")
_REGISTRATION = re.compile(r"(?:S-1|S-3|F-1|F-3|S-11|SB-2|F-10)(?:ASR|MEF|DPOS|D)?(?:/A)?$|POS\s*AM|POS\s*ASR|EFFECT")


def family(form: str | None) -> str:
    """The family of a form as the header or the cover names it ("10-QSB", "424B5", "S-3/A")."""
    f = (form or "").upper().strip()
    if _PERIODIC.match(f):
        return PERIODIC
    if _PROSPECTUS.match(f):
        return PROSPECTUS
    if _REGISTRATION.match(f):
        return REGISTRATION
    return CURRENT


# How covers name their form. The earliest on the cover wins: an 8-K's body may mention "our Annual
# Report on Form 10-K", a prospectus the 10-K it incorporates, but each names its own form first.
_COVER_FORMS = re.compile(
    r"\bFORM\s+(?P<form>8-K(?:/A)?|8-K12[BG]3?|6-K(?:/A)?|10-QSB(?:/A)?|10-KSB(?:/A)?|10-K405|10-Q(?:/A)?|10-K(?:/A)?|"
    r"20-F(?:/A)?|40-F(?:/A)?|S-1(?:/A)?|S-3(?:ASR)?(?:/A)?|F-1(?:/A)?|F-3(?:ASR)?(?:/A)?|SB-2(?:/A)?)(?![\w-])"
    r"|Rule\s+424\s*\(\s*b\s*\)\s*\(\s*(?P<rule>[1-8])\s*\)"
    r"|(?P<quarterly>QUARTERLY\s+REPORT\s+(?:UNDER|PURSUANT\s+TO)\s+SECTION\s+13)"
    r"|(?P<annual>ANNUAL\s+REPORT\s+(?:UNDER|PURSUANT\s+TO)\s+SECTION\s+13)"
    r"|(?P<foreign>REPORT\s+OF\s+FOREIGN\s+(?:PRIVATE\s+)?ISSUER)",
    re.I)
_COVER_SPAN = 10_000
# A form named in a sentence about another filing ("our Annual Report on Form 10-K", "a Current
# Report on Form 8-K") is not this document's form.
_REFERENCE = re.compile(
    r"\b(?:Report|Statement|Registration|filed|file|on|our|its|their|in|the|a|an|this|that|and|or|with|under|of)\s*$", re.I)


def form_on_cover(text: str) -> tuple[str, int, int] | None:
    """The form the cover of a headerless document names, and where it names it; else None."""
    for m in _COVER_FORMS.finditer(text, 0, min(len(text), _COVER_SPAN)):
        if m["form"]:
            if _REFERENCE.search(text[max(0, m.start() - 30):m.start()]):
                continue
            form = m["form"].upper()
        elif m["rule"]:
            form = f"424B{m['rule']}"
        elif m["quarterly"]:
            form = "10-Q"
        elif m["annual"]:
            form = "10-K"
        else:
            form = "6-K"
        return form, m.start(), m.end()
    return None
