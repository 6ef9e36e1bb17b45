"""Which format a filing is in, told from its content (never from its file name)."""
from __future__ import annotations

import re

# How far into the text the markers are looked for.
_HEAD = 20_000

_PEM = "-----BEGIN PRIVACY-ENHANCED MESSAGE-----"
_SGML_HEADER = re.compile(r"^<(?:SEC-DOCUMENT|SEC-HEADER|IMS-DOCUMENT|IMS-HEADER)>", re.M | re.I)
_NC = re.compile(r"<SUBMISSION>[ \t]*\n", re.I)
_BARE_DOCUMENT = re.compile(r"<DOCUMENT>[ \t]*\n(?:[ \t]*\n)*<TYPE>", re.I)
_HTML_STRONG = re.compile(r"<(?:!DOCTYPE\s+html|html|body|head)\b", re.I)
# Tags that only HTML uses. The SGML table tags (<TABLE>, <CAPTION>, <S>, <C>, <FN>, <PAGE>) are not
# here: a bare <TABLE> is an old plain-text filing's table, not HTML.
_HTML_TAG = re.compile(r"<(?:p|div|font|br|td|tr|th|span|b|i|u|a|hr|center|li|ul|ol|h[1-6])\b[^<>]{0,500}>", re.I)


def looks_like_html(text: str) -> bool:
    """True when a document's text is HTML (or XHTML / inline XBRL), not plain text."""
    head = text[:_HEAD]
    if _HTML_STRONG.search(head):
        return True
    return sum(1 for _ in zip(range(3), _HTML_TAG.finditer(head))) >= 3


def detect(text: str) -> str:
    """The container format of a decoded filing with LF line endings.

    "sgml": an EDGAR full submission (<SEC-DOCUMENT>/<SEC-HEADER>, maybe in a PEM envelope);
    "nc": a feed file (<SUBMISSION> with tag-per-line header fields);
    "document": bare <DOCUMENT> blocks with no header (an EDGAR primary document as served);
    "html": an HTML or inline-XBRL page; "text": a plain-text filing.
    """
    head = text[:_HEAD].lstrip("\ufeff \t\n")
    if head.startswith(_PEM) or _SGML_HEADER.search(head):
        return "sgml"
    if _NC.match(head):
        return "nc"
    if _BARE_DOCUMENT.match(head):
        return "document"
    if looks_like_html(head):
        return "html"
    return "text"
