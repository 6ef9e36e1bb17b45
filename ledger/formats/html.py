"""HTML and inline XBRL to plain text that keeps the page's block structure.

Each block element (p, div, br, tr, li, h1-h6, table, ...) becomes its own paragraph, and
paragraphs are separated by a blank line, so ``ledger.text.normalise.normalise`` keeps them apart.
Inline elements (span, font, b, i, a, ix:nonNumeric, ix:nonFraction, ...) never break a sentence;
a style ``display`` overrides the tag's default. The cells of one table row are joined with a space,
so "Item 3.02 | Unregistered Sales..." reads "Item 3.02 Unregistered Sales..."; in a cell a single
<br> only wraps the line. Hidden content is dropped: the inline-XBRL ``ix:header``, ``<script>``,
``<style>``, ``<head>``, anything styled ``display:none``, and superscript footnote marks. A sentence
cut by a CSS page break is put back together (see ``cleanup.continues_across_page``). ``<pre>`` text
keeps its lines.
"""
from __future__ import annotations

import re

from lxml import etree

from ledger.formats.cleanup import clean_characters, continues_across_page, is_page_number

# libxml2's HTML parser (what lxml.html uses), with plain elements: it mends bad markup as browsers
# do, keeps a prefixed tag such as <ix:header> as "ix:header", and decodes entities (&#160;, &#150;).
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                           huge_tree=True, no_network=True)

_BLOCK = frozenset(
    "p div br tr li h1 h2 h3 h4 h5 h6 table thead tbody tfoot caption ul ol dl dt dd blockquote "
    "center hr address section article header footer nav main aside figure figcaption form "
    "fieldset legend html body".split())
_CELL = frozenset({"td", "th"})
_DROP = frozenset({"head", "title", "script", "style", "noscript", "template", "meta", "link",
                   "object", "embed", "iframe", "svg", "math"})
_DISPLAY = re.compile(r"display\s*:\s*([a-z-]+)", re.I)
_BREAK_BEFORE = re.compile(r"(?:page-)?break-before\s*:\s*(?:always|page)", re.I)
_BREAK_AFTER = re.compile(r"(?:page-)?break-after\s*:\s*(?:always|page)", re.I)
_SPACE = re.compile(r"\s+")
# A superscript footnote reference ("$87,500<sup>1</sup>", "<sup>(a)</sup>", "<sup>*</sup>"): left out,
# or it would run into the figure before it. Ordinals ("3<sup>rd</sup>") stay.
_FOOTNOTE_MARK = re.compile(r"\s*(?:\(?\d{1,2}\)?|\([a-z]\)|[*\u2020\u2021\u00a7]{1,3})\s*", re.I)


def _local(tag: str) -> str:
    """'ix:header', '{http://www.xbrl.org/2013/inlineXBRL}header' -> 'ix:header' / 'header'."""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return ("ix:" + name.lower()) if "inlinexbrl" in namespace.lower() else name.lower()
    return tag.lower()


# What an element does to the text around it.
_HIDE, _INLINE, _SPACED, _BLOCK_KIND, _ROW, _CELL_KIND, _PRE, _BR = range(8)


def _style(el) -> tuple[str | None, bool, bool]:
    """(display, page break before, page break after) from the element's style attribute."""
    style = el.get("style")
    if not style:
        return None, False, False
    style = style.lower()
    display = None
    if "display" in style:
        found = _DISPLAY.findall(style)
        display = found[-1] if found else None    # the last declaration wins, as in CSS
    if "break" not in style:
        return display, False, False
    return display, bool(_BREAK_BEFORE.search(style)), bool(_BREAK_AFTER.search(style))


def _classify(el) -> tuple[int, bool, bool]:
    """(kind, page break before, page break after)."""
    tag = el.tag
    if not isinstance(tag, str):                  # comment or processing instruction
        return _HIDE, False, False
    tag = _local(tag)
    if tag in _DROP or tag == "ix:header" or el.get("hidden") is not None:
        return _HIDE, False, False
    display, before, after = _style(el)
    if display == "none" or (tag == "sup" and _FOOTNOTE_MARK.fullmatch("".join(el.itertext()))):
        kind = _HIDE
    elif tag in _CELL:
        kind = _CELL_KIND
    elif tag == "tr":
        kind = _ROW
    elif tag == "pre":
        kind = _PRE
    elif tag == "br":
        kind = _BR
    elif display == "inline-block":
        kind = _SPACED
    elif display == "inline":
        kind = _INLINE
    elif tag in _BLOCK or display in ("block", "table", "list-item", "flex", "grid"):
        kind = _BLOCK_KIND
    else:
        kind = _INLINE
    return kind, before, after


_TAIL = 200    # characters of a paragraph's end that continues_across_page needs (it reads 50 and a word)


def _is_page_number(pieces: list[str]) -> bool:
    # A paragraph joined across a page break is over 50 characters: never a page number.
    return len(pieces) == 1 and is_page_number(pieces[0])


def _tail(pieces: list[str]) -> str:
    """The last _TAIL characters of " ".join(pieces) (all of it when shorter), without joining it all."""
    parts: list[str] = []
    size = 0
    for piece in reversed(pieces):
        if size + len(piece) >= _TAIL:
            parts.append(piece[len(piece) - (_TAIL - size):])
            break
        parts.append(piece)
        size += len(piece) + 1
    return " ".join(reversed(parts))


class _Writer:
    """Collects paragraphs. A break is only made real when more text follows it."""

    def __init__(self) -> None:
        # Each paragraph as its pieces: one, or more where page breaks cut a sentence. Joining the
        # pieces at each break copied the paragraph so far (quadratic over many pages).
        self.paragraphs: list[list[str]] = []
        self.buffer: list[str] = []
        self.has_text = False
        self.pending_break = False
        self.cells: list[list[bool]] = []   # per open cell: [still fresh (no text yet)]
        self.rows: list[list[bool]] = []    # per open row: [some cell had text]
        self.after_page_break = False
        self.line_broken = False             # a <br> in a table cell, and no text since

    def flush(self) -> None:
        if self.has_text:
            paragraph = _SPACE.sub(" ", "".join(self.buffer)).strip()
            if paragraph:
                self._add(paragraph)
        self.buffer = []
        self.has_text = False

    def _add(self, paragraph: str) -> None:
        if self.after_page_break and not is_page_number(paragraph):
            self.after_page_break = False
            # A sentence the page break cut in two is put back together; the page numbers
            # between its halves go.
            before = len(self.paragraphs) - 1
            while before >= 0 and _is_page_number(self.paragraphs[before]):
                before -= 1
            if before >= 0 and continues_across_page(_tail(self.paragraphs[before]), paragraph):
                del self.paragraphs[before + 1:]
                self.paragraphs[before].append(paragraph)
                return
        self.paragraphs.append([paragraph])

    def page_break(self) -> None:
        self.flush()
        self.pending_break = True
        self.after_page_break = True

    def text(self, s: str | None) -> None:
        if not s:
            return
        s = clean_characters(s)
        if not s.strip():
            if self.has_text:
                self.buffer.append(" ")
            return
        if self.pending_break:
            self.flush()
            self.pending_break = False
        self.buffer.append(s)
        self.has_text = True
        self.line_broken = False
        for cell in self.cells:
            cell[0] = False

    def paragraph_break(self) -> None:
        # A block at the start of a table cell does not separate the cell from the cells before
        # it: "(a)" | "<p>The Company issued...</p>" stays one paragraph.
        if self.cells and self.cells[-1][0]:
            return
        self.pending_break = True

    def line_break(self) -> None:
        """<br>: a paragraph break, except in a table cell, where one <br> only wraps the cell's
        text ("(Commission<br>File Number)") and two in a row part paragraphs."""
        if not self.cells or self.line_broken:
            self.paragraph_break()
        else:
            self.buffer.append(" ")
            self.line_broken = True

    def preformatted(self, s: str) -> None:
        """A <pre> block: kept line for line, so blank lines still part its paragraphs."""
        s = clean_characters(s)
        if not s.strip():
            return
        self.flush()
        self.pending_break = False
        lines = (line.rstrip() for line in s.split("\n"))
        self.paragraphs.append(["\n".join(lines).strip("\n")])
        self.pending_break = True

    def start_row(self) -> None:
        self.paragraph_break()
        self.rows.append([False])

    def end_row(self) -> None:
        if self.rows:
            self.rows.pop()
        self.paragraph_break()

    def start_cell(self) -> None:
        if self.rows and self.rows[-1][0]:
            self.pending_break = False       # cells of one row: one paragraph, space-joined
            self.buffer.append(" ")
        elif not self.rows:
            self.buffer.append(" ")
        self.cells.append([True])

    def end_cell(self) -> None:
        fresh = self.cells.pop()[0]
        if not fresh:
            if self.rows:
                self.rows[-1][0] = True
            self.pending_break = False       # a block closing the cell does not end the row
        self.buffer.append(" ")

    def result(self) -> str:
        self.flush()
        return "\n\n".join(" ".join(pieces) for pieces in self.paragraphs)


def _pre_text(el) -> str:
    """The text of a <pre>, without hidden descendants."""
    parts: list[str] = []
    if el.text:
        parts.append(el.text)
    for child in el:
        if _classify(child)[0] != _HIDE:
            parts.append(_pre_text(child))
        if child.tail:
            parts.append(child.tail)
    return "".join(parts)


def _walk(root, out: _Writer) -> None:
    # Iterative, so deeply nested (badly closed) markup cannot exhaust the Python stack.
    # An entry is (element, None) to open it, or (element, (kind, page break after)) to close it.
    stack: list[tuple[object, tuple[int, bool] | None]] = [(root, None)]
    while stack:
        el, closing = stack.pop()
        if closing is not None:
            kind, break_after = closing
            if kind == _CELL_KIND:
                out.end_cell()
            elif kind == _ROW:
                out.end_row()
            elif kind == _BLOCK_KIND:
                out.paragraph_break()
            elif kind == _SPACED:
                out.text(" ")
            if break_after:
                out.page_break()
            out.text(el.tail)
            continue
        kind, break_before, break_after = _classify(el)
        if kind == _HIDE:
            out.text(el.tail)
            continue
        if break_before:
            out.page_break()
        if kind == _PRE:
            out.preformatted(_pre_text(el))
            if break_after:
                out.page_break()
            out.text(el.tail)
            continue
        if kind == _CELL_KIND:
            out.start_cell()
        elif kind == _ROW:
            out.start_row()
        elif kind == _BLOCK_KIND:
            out.paragraph_break()
        elif kind == _SPACED:
            out.text(" ")
        elif kind == _BR:
            out.line_break()
        out.text(el.text)
        stack.append((el, (kind, break_after)))
        stack.extend((child, None) for child in reversed(el))


class UnreadableHtml(ValueError):
    """libxml2 stopped before the end of the page: what it read would be a silently cut text."""


_DEPTH = re.compile(r"Excessive depth in document: (\d+)")


def _check_complete(log) -> None:
    # A fatal error means libxml2 stopped parsing there; with recovery on it still hands back the
    # tree read so far, so without this check the rest of the filing would vanish without a word.
    fatal = next((e for e in log if e.level_name == "FATAL"), None)
    if fatal is None:
        return
    depth = _DEPTH.search(fatal.message)
    if depth:
        raise UnreadableHtml(f"HTML nested more than {int(depth.group(1)):,} elements deep (the HTML parser's limit, "
                             f"reached at line {fatal.line}); the text past that depth cannot be read")
    raise UnreadableHtml(f"HTML the parser gave up on at line {fatal.line}: {fatal.message.strip()}")


def html_to_text(html: str) -> str:
    """Plain text of an HTML page: paragraphs separated by blank lines; "" when it has no text."""
    if not html.strip():
        return ""
    try:
        root = etree.fromstring(html.encode("utf-8"), _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return ""
    _check_complete(_PARSER.error_log)
    if root is None:
        return ""
    out = _Writer()
    _walk(root, out)
    return out.result()
