"""Filing formats: one entry point, ``read_submission(raw, name)``, that tells the format from the
content and returns the header, the main document and the exhibits as plain text.

Formats: "text" (a plain-text 8-K body), "sgml" (an EDGAR full submission, PEM envelope or not),
"nc" (an EDGAR feed file), "html" (an HTML / inline-XBRL primary document, bare or wrapped in a
<DOCUMENT> block).
"""
from __future__ import annotations

import re

from ledger.errors import BadInput
from ledger.formats.detect import detect, looks_like_html
from ledger.formats.forms import form_on_cover
from ledger.formats.html import UnreadableHtml, html_to_text
from ledger.formats.model import Document, Header, Submission
from ledger.formats.sgml import SgmlError, document_text, is_binary, read_container, to_document
from ledger.formats.cleanup import unify_newlines
import attrs

from ledger.text.normalise import decode_bytes

__all__ = ["Document", "Header", "Submission", "read_submission", "detect", "looks_like_html",
           "html_to_text"]

def _form_in(text: str) -> str:
    """The form a headerless document names on its cover ("FORM 8-K/A", "Rule 424(b)(5)"); "8-K" if none."""
    named = form_on_cover(text)
    return named[0] if named else "8-K"


def read_submission(raw: bytes, name: str) -> Submission:
    """Read a filing's bytes. ``name`` only labels errors. Raises BadInput(name, problem).

    Empty, binary and oversize files are refused before this (ledger.intake)."""
    decoded = decode_bytes(raw)
    try:
        submission = _read_text(unify_newlines(decoded.text).lstrip("\ufeff"), name)
    except UnreadableHtml as e:
        raise BadInput(name, str(e)) from None
    if decoded.replaced:
        warning = (f"{decoded.replaced} byte(s) that are not valid UTF-8 were replaced by U+FFFD "
                   f"(the first at byte {decoded.first_bad}); the rest was read as UTF-8")
        submission = attrs.evolve(submission, warnings=(warning, *submission.warnings))
    return submission


def _read_text(text: str, name: str) -> Submission:
    kind = detect(text)
    if kind == "text":
        return Submission("text", None, Document(_form_in(text), None, None, text))
    if kind == "html":
        body = html_to_text(text)
        if not body.strip():
            raise BadInput(name, "HTML with no body text")
        return Submission("html", None, Document(_form_in(body), None, None, body))
    return _read_container(text, kind, name)


def _read_container(text: str, kind: str, name: str) -> Submission:
    warnings: list[str] = []
    try:
        container = read_container(text, kind, warnings)
    except SgmlError as e:
        raise BadInput(name, str(e)) from None
    header = container.header
    readable = [d for d in container.documents if not is_binary(d)]
    if not readable:
        raise BadInput(name, "no text document in the submission (only graphics, XBRL or other binaries)")

    form = header.form_type if header else None
    main = next((d for d in readable if form and d.type.upper() == form), None)
    if main is None:
        main = readable[0]
        if form:
            warnings.append(f"no document of the submission type {form}; "
                            f"document {main.ordinal} ({main.type}) is taken as the main document")

    body_text, was_html = document_text(main)
    if not body_text.strip():
        what = f"the {main.type.upper()} document's"
        raise BadInput(name, f"{what} HTML has no body text" if was_html else f"{what} <TEXT> is empty")

    exhibits: list[Document] = []
    for doc in readable:
        if doc is main:
            continue
        try:
            exhibit_text, _ = document_text(doc)
        except UnreadableHtml as e:
            warnings.append(f"document {doc.ordinal} ({doc.type}) left out: {e}")
            continue
        if not exhibit_text.strip():
            warnings.append(f"document {doc.ordinal} ({doc.type}) has no text; left out")
            continue
        exhibits.append(to_document(doc, exhibit_text))

    fmt = kind if kind != "document" else ("html" if was_html else "sgml")
    return Submission(fmt, header, to_document(main, body_text), tuple(exhibits), tuple(warnings))
