"""EDGAR SGML containers: full submissions (``<SEC-DOCUMENT>``, maybe PEM-enveloped), .nc feed
files (``<SUBMISSION>``) and bare ``<DOCUMENT>`` blocks.

The text is split into documents by finding the tag lines (``<DOCUMENT>``, ``<TEXT>``,
``</TEXT>``, ``</DOCUMENT>``) with one linear scan; nothing looks inside a binary document, and
uuencoded blocks inside a kept document are dropped line by line.
"""
from __future__ import annotations

import re

import attrs

from ledger.formats.detect import looks_like_html
from ledger.formats.header import nc_header, sgml_header
from ledger.formats.html import html_to_text
from ledger.formats.model import Document, Header
from ledger.formats.cleanup import clean_characters, continues_across_page, is_page_number

_PEM_BEGIN = "-----BEGIN PRIVACY-ENHANCED MESSAGE-----"
# A tag alone on its line. The pattern starts with a literal newline, so the scan is a fast
# literal search, and a uuencoded line can never be one of these (its length would not fit).
_TAG_LINE = re.compile(r"\n[ \t]*<(/?)(DOCUMENT|TEXT)>[ \t]*(?=\n|\Z)", re.I)
# Values are the rest of the line, stripped in Python ("(.*?)[ \t]*$" was quadratic in a run of
# spaces inside a value).
_META = re.compile(r"^[ \t]*<(TYPE|SEQUENCE|FILENAME|DESCRIPTION)>(.*)$", re.I | re.M)
# The header's opening and closing lines are found one at a time (see _header_lines): one pattern
# spanning both (".*?$(.*?)^</\1-HEADER>") retried the rest of the text from every line end after
# every opening line, which is cubic in a file of opening lines with no closing one.
_HEADER_OPEN = re.compile(r"^<(SEC|IMS)-HEADER>", re.I | re.M)
_HEADER_CLOSE = {kind: re.compile(rf"^</{kind}-HEADER>", re.I | re.M) for kind in ("SEC", "IMS")}
_SEC_DOCUMENT = re.compile(r"^<(?:SEC|IMS)-DOCUMENT>[ \t]*(\d{10}-\d{2}-\d{6})", re.I | re.M)

# Documents that are never text: binaries, XBRL, the viewer's files.
_SKIP_TYPES = frozenset({"GRAPHIC", "ZIP", "EXCEL", "XML", "JSON", "PDF", "XBRL", "ZIP FILE"})
_SKIP_TYPE_PREFIXES = ("EX-101.", "EX-101 ")
_SKIP_EXTENSIONS = (".jpg", ".jpeg", ".gif", ".png", ".bmp", ".tif", ".tiff", ".xsd", ".xml",
                    ".zip", ".pdf", ".xls", ".xlsx", ".js", ".css", ".json")
_WRAPPER_OPEN = re.compile(r"\A\s*<(XBRL|XML|PDF)>[ \t]*\n", re.I)
_UU_BEGIN = re.compile(r"begin(?:-base64)? [0-7]{3,4} \S")
_SGML_TABLE_TAGS = re.compile(r"</?(?:TABLE|CAPTION|S|C|FN|F\d{1,2}|R|PAGE)>", re.I)
# "[ \t]*(?:\d+[ \t]*)?$", not "[ \t]*\d*[ \t]*$": the same lines, but the two runs of white space
# could split a long run between them in every way (quadratic) when the line did not end there.
_TAIL = 200    # characters of a paragraph's end that continues_across_page needs (it reads 50 and a word)
_PAGE_LINE = re.compile(r"[ \t]*<PAGE>[ \t]*(?:\d+[ \t]*)?$", re.I)


class SgmlError(Exception):
    """A structural problem; the caller turns it into BadInput with the file's name."""


@attrs.frozen
class RawDocument:
    ordinal: int                 # 1-based position in the file
    type: str
    sequence: int | None
    filename: str | None
    description: str | None
    text: str                    # the raw text between <TEXT> and </TEXT>


@attrs.frozen
class Container:
    header: Header | None
    documents: tuple[RawDocument, ...]   # every document, binaries included (their text "")
    warnings: tuple[str, ...]


def strip_envelope(text: str) -> str:
    """Drop a PEM envelope: its opening lines up to the first blank line, and its closing line."""
    start = text.lstrip("\ufeff \t\n")
    if not start.startswith(_PEM_BEGIN):
        return text
    blank = start.find("\n\n")
    body = start[blank + 2:] if blank >= 0 else start[len(_PEM_BEGIN):]
    end = body.rfind("-----END PRIVACY-ENHANCED MESSAGE-----")
    return body[:end] if end >= 0 else body


def is_binary(doc: RawDocument) -> bool:
    """Graphics, archives, spreadsheets, PDFs and XBRL: documents with no text to read."""
    kind = doc.type.upper()
    if kind in _SKIP_TYPES or kind.startswith(_SKIP_TYPE_PREFIXES):
        return True
    if doc.filename and doc.filename.lower().endswith(_SKIP_EXTENSIONS):
        return True
    return False


def _meta(block: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for m in _META.finditer(block):
        found.setdefault(m.group(1).upper(), m.group(2).strip(" \t"))
    return found


def _sequence(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def split_documents(text: str, warnings: list[str]) -> list[RawDocument]:
    """Every <DOCUMENT> block in order. Raises SgmlError for a document with no </DOCUMENT>."""
    text = "\n" + text                       # every tag line, the first included, follows a newline
    docs: list[RawDocument] = []
    state = "outside"
    doc_start = text_start = text_end = 0
    meta: dict[str, str] = {}

    def label() -> str:
        return meta.get("SEQUENCE") or str(len(docs) + 1)

    def finish(end_of_text: int) -> None:
        kind = meta.get("TYPE", "").strip() or "UNKNOWN"
        doc = RawDocument(len(docs) + 1, kind, _sequence(meta.get("SEQUENCE")), meta.get("FILENAME") or None,
                          meta.get("DESCRIPTION") or None, "")
        if state != "document" and not is_binary(doc):
            doc = attrs.evolve(doc, text=text[text_start:end_of_text])
        docs.append(doc)

    for m in _TAG_LINE.finditer(text):
        closing, tag = m.group(1), m.group(2).upper()
        line_start = m.start() + 1
        if tag == "DOCUMENT" and not closing:
            if state == "document":
                meta = _meta(text[doc_start:line_start])
            if state != "outside":
                raise SgmlError(f"truncated: <DOCUMENT> {label()} has no </DOCUMENT>")
            state, doc_start, meta = "document", m.end(), {}
        elif tag == "TEXT" and not closing:
            if state == "document":
                meta = _meta(text[doc_start:line_start])
                state, text_start = "text", min(m.end() + 1, len(text))
        elif tag == "TEXT" and closing:
            if state == "text":
                state, text_end = "after_text", line_start
        elif tag == "DOCUMENT" and closing:
            if state == "outside":
                continue
            if state == "document":                  # no <TEXT> at all
                meta = _meta(text[doc_start:line_start])
                warnings.append(f"<DOCUMENT> {label()} has no <TEXT>")
            elif state == "text":
                warnings.append(f"<DOCUMENT> {label()} has no </TEXT>")
                text_end = line_start
            finish(text_end)
            state = "outside"
    if state != "outside":
        if state == "document":
            meta = _meta(text[doc_start:])
        raise SgmlError(f"truncated: <DOCUMENT> {label()} has no </DOCUMENT>")
    return docs


def _header_lines(preamble: str) -> str | None:
    """The text from the end of the first <SEC-HEADER> (or <IMS-HEADER>) line that has a closing line
    after it, to the start of that closing line; None when none has one. Linear: once no closing
    line of a kind follows one opening line, none follows a later one."""
    closes: dict[str, int | None] = {}
    for opening in _HEADER_OPEN.finditer(preamble):
        kind = opening.group(1).upper()
        eol = preamble.find("\n", opening.end())
        eol = len(preamble) if eol < 0 else eol
        close = closes.get(kind, -1)
        if close is not None and close < eol:          # not searched yet, or found before this line
            found = _HEADER_CLOSE[kind].search(preamble, eol)
            close = closes[kind] = found.start() if found else None
        if close is not None:
            return preamble[eol:close]
    return None


def read_container(text: str, kind: str, warnings: list[str]) -> Container:
    """kind: "sgml" (full submission), "nc" (feed file) or "document" (bare <DOCUMENT> blocks)."""
    header: Header | None = None
    first_document = _TAG_LINE.search("\n" + text)
    preamble = text[:max(0, first_document.start())] if first_document else text
    if kind == "sgml":
        text = strip_envelope(text)
        preamble = strip_envelope(preamble)
        lines = _header_lines(preamble)
        sec_document = _SEC_DOCUMENT.search(preamble)
        fallback = sec_document.group(1) if sec_document else None
        if lines is not None:
            header = sgml_header(lines.split("\n"), fallback, warnings)
        elif re.search(r"^<(?:SEC|IMS)-HEADER>", preamble, re.I | re.M):
            warnings.append("<SEC-HEADER> has no </SEC-HEADER>; header read up to the first <DOCUMENT>")
            header = sgml_header(preamble.split("\n"), fallback, warnings)
        else:
            warnings.append("full submission with no <SEC-HEADER>")
    elif kind == "nc":
        header = nc_header(preamble.split("\n"), warnings)
    documents = split_documents(text, warnings)
    if not documents:
        raise SgmlError("no <DOCUMENT> in the submission")
    return Container(header, tuple(documents), tuple(warnings))


def _unwrap(text: str) -> str:
    """Drop an <XBRL> / <XML> / <PDF> wrapper around a document's content."""
    m = _WRAPPER_OPEN.match(text)
    if not m:
        return text
    body = text[m.end():]
    close = body.rfind(f"</{m.group(1)}>")
    if close < 0:
        close = body.rfind(f"</{m.group(1).lower()}>")
    return body[:close] if close >= 0 else body


def _drop_uuencoded(text: str) -> str:
    """Remove ``begin 644 name`` ... ``end`` blocks, scanning line by line."""
    if "begin" not in text:
        return text
    out: list[str] = []
    skipping = False
    for line in text.split("\n"):
        if skipping:
            if line.strip() in ("end", "===="):
                skipping = False
            continue
        if line.startswith("begin") and _UU_BEGIN.match(line):
            skipping = True
            continue
        out.append(line)
    return "\n".join(out)


def _join_pages(lines: list[str]) -> list[str]:
    """<PAGE> lines become blank lines, except where a sentence runs on across the page break:
    there the page break, the blank lines and page numbers around it go, so the sentence is whole.

    Linear: the last text line before each break is kept up to date as lines are added (a walk back
    over the blank lines left by earlier breaks made a run of <PAGE> lines quadratic), and only the
    paragraph's last lines are joined to judge it (joining all of it at each break was quadratic in
    a paragraph that runs on across many pages)."""
    out: list[str] = []
    last_text: list[int] = []    # last_text[j]: the last line of out[:j + 1] that is text, or -1
    tail_of: tuple[int, str] = (-1, "")

    def add(line: str) -> None:
        text = bool(line.strip()) and not is_page_number(line)
        last_text.append(len(out) if text else (last_text[-1] if last_text else -1))
        out.append(line)

    i = 0
    while i < len(lines):
        if not (lines[i].lstrip()[:1] == "<" and _PAGE_LINE.match(lines[i])):
            add(lines[i])
            i += 1
            continue
        before = last_text[-1] if last_text else -1
        after = i + 1
        while after < len(lines) and (not lines[after].strip() or is_page_number(lines[after])):
            after += 1
        if before >= 0 and after < len(lines):
            if tail_of[0] != before:        # lines up to `before` never change once it is a break's
                tail_of = (before, _paragraph_tail(out, before))
            if continues_across_page(tail_of[1], lines[after]):
                del out[before + 1:]
                del last_text[before + 1:]
                i = after
                continue
        add("")
        i += 1
    return out


def _paragraph_tail(out: list[str], last: int) -> str:
    """The end of the paragraph whose last line is out[last], its lines stripped and joined with
    spaces: at least _TAIL characters of it, which is all continues_across_page looks at."""
    parts: list[str] = []
    size, j = 0, last
    while j >= 0 and size < _TAIL and (line := out[j].strip()):
        parts.append(line)
        size += len(line) + 1
        j -= 1
    return " ".join(reversed(parts))


def plain_text(text: str) -> str:
    """An SGML plain-text document: page markers and the SGML table tags go, their text stays."""
    text = _drop_uuencoded(text)
    text = "\n".join(_join_pages(text.split("\n")))
    text = _SGML_TABLE_TAGS.sub("", text)
    text = clean_characters(text)
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def document_text(doc: RawDocument) -> tuple[str, bool]:
    """(plain text, was HTML) of a kept document."""
    content = _unwrap(doc.text)
    if content.lstrip()[:6].lower() == "begin " and _UU_BEGIN.match(content.lstrip()):
        return plain_text(content), False        # a uuencoded file under a text type
    if looks_like_html(content):
        return html_to_text(_drop_uuencoded(content)), True
    return plain_text(content), False


def to_document(doc: RawDocument, text: str) -> Document:
    return Document(type=doc.type.upper(), sequence=doc.sequence, filename=doc.filename, text=text)
