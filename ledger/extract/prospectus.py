"""Prospectus supplements and registration statements: what of them is read, and what their cover says.

A 424B prospectus supplement states the terms of *this* offering in three places: its cover page (up
to the table of contents, with the pricing table), the summary's "The Offering", and "Plan of
Distribution" / "Underwriting". Everything else (risk factors, use of proceeds, dilution,
capitalization, descriptions of capital stock, the documents incorporated by reference, and the base
prospectus that follows the supplement) recaps the past, plans the future or describes the shelf:
``skipped`` names those sentences so the 8-K pipeline (frames, assembly, events) reads only the
right ones. A registration statement (S-1, S-3, F-1, F-3) and a base prospectus without a takedown
are read for nothing at all.

The cover's pricing table ("Public offering price | Per Share | Per Pre-Funded Warrant | Total",
"Placement agent fees", "Proceeds to us, before expenses") is read by ``pricing_table``;
``settle`` applies it to the drafts assembly built: the price per share, the gross when the table
covers the shares only, the agent's cash fee as the table's total. An at-the-market prospectus
(``atm_programme``) is a programme, a contingent right to sell up to an amount, never a sale.

Pure functions over the normalised text and its sentences; no I/O.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

import attrs

from events import Basis, RightKind, WarrantKind
from ledger.extract.drafts import STATED, FeeDraft, PreferredDraft, RightDraft, SharesDraft, WarrantDraft
from ledger.formats.forms import PROSPECTUS, REGISTRATION
from ledger.text.normalise import Sentence

# --- sections ----------------------------------------------------------------------------------
# A heading is a whole short line naming a section; a sub-heading that names none of these
# ("Lock-Up Agreements", a risk factor's caption) leaves the section as it was.
_MARKUP = " \t*_#>|:"
_READ_HEADINGS = re.compile(
    r"(?:the\s+)?offering(?:\s+summary)?|summary\s+of\s+(?:the\s+)?offering|the\s+offering\s+summary|"
    r"plan\s+of\s+distribution|underwriting|underwriters|underwriting\s*\(conflicts?\s+of\s+interest\)|"
    r"placement\s+of\s+(?:the\s+)?securities", re.I)
_END_HEADINGS = re.compile(
    r"legal\s+matters|validity\s+of\s+(?:the\s+)?(?:securities|common\s+stock|shares)|experts|"
    r"where\s+you\s+can\s+(?:find|obtain)\s+(?:more|additional)\s+information|available\s+information|"
    r"incorporation\s+of\s+(?:certain\s+)?(?:information|documents)\s+by\s+reference|"
    r"(?:information|documents)\s+incorporated\s+by\s+reference|base\s+prospectus", re.I)
_SKIP_HEADINGS = re.compile(
    r"table\s+of\s+contents|about\s+this\s+prospectus(?:\s+supplement)?|(?:prospectus\s+)?(?:supplement\s+)?summary|"
    r"prospectus\s+summary|summary\s+of\s+(?:the\s+)?prospectus|(?:our\s+|the\s+)?company|company\s+overview|"
    r"(?:our\s+)?business|overview|recent\s+developments|corporate\s+information|risk\s+factors|"
    r"summary\s+risk\s+factors|use\s+of\s+proceeds|dilution|capitali[sz]ation|dividend\s+policy|dividends|"
    r"description\s+of\s+[\w\s,'’-]{2,80}|(?:special\s+|cautionary\s+)?note\s+regarding\s+forward[- ]looking\s+statements|"
    r"cautionary\s+(?:note|statement)[\w\s,'’-]{0,80}|forward[- ]looking\s+statements|"
    r"(?:material|certain)\s+[\w\s.,'’-]{0,60}tax\s+(?:considerations|consequences)|"
    r"market\s+(?:price|information|for)[\w\s,'’-]{0,80}|price\s+range[\w\s,'’-]{0,60}|"
    r"selling\s+(?:stock|share|security)holders?|principal\s+(?:stock|share)holders|management|"
    r"summary\s+(?:consolidated\s+)?(?:financial|historical)[\w\s,'’-]{0,60}|"
    r"(?:summary|selected)\s+(?:consolidated\s+)?financial\s+data|"
    r"securities\s+we\s+may\s+offer|the\s+securities\s+we\s+may\s+offer|"
    r"enforceability\s+of\s+civil\s+liabilities|expenses|indemnification[\w\s,'’-]{0,60}|"
    r"disclosure\s+of\s+commission\s+position[\w\s,'’-]{0,80}|"
    r"(?:interests?|conflicts?)\s+of\s+[\w\s,'’-]{0,60}|information\s+not\s+required\s+in\s+prospectus|part\s+ii", re.I)
_CONTINUED = re.compile(r"\s*\(continued\)\s*$", re.I)
# "TABLE OF CONTENTS" heads the contents after the cover, and EDGAR's HTML prospectuses also print it
# as a link atop every page: only the first after the cover's prose is a heading.
_TOC = re.compile(r"(?:table\s+of\s+)?contents", re.I)
_PROSE = 150            # a paragraph this long is a section's text, not a table of contents' line

# Sentences in a section that is read which still state no fact of this offering.
_NOT_THIS_OFFERING = re.compile(
    r"\boutstanding\s+(?:before|prior\s+to|after|following|immediately\s+(?:before|after|following))\b|"
    r"\bto\s+be\s+outstanding\b|\boutstanding\s+as\s+of\b|\bshares\s+(?:of\s+(?:our\s+)?common\s+stock\s+)?outstanding\b|"
    r"\bexcludes?\b|\bweighted[- ]average\b|\blast\s+reported\s+sale\s+price\b|\bclosing\s+(?:sale\s+)?price\b|"
    r"\baggregate\s+market\s+value\b|\bheld\s+by\s+non-?affiliates\b|\bGeneral\s+Instruction\s+I\.B\.6\b|"
    r"^(?:use\s+of\s+proceeds|risk\s+factors|dividend\s+policy|lock-?up|transfer\s+agent|listing|trading\s+symbol|"
    r"(?:nasdaq|nyse)[\w\s]{0,30}symbol|tax\s+consequences)\b|"
    r"\bnet\s+proceeds\b|\bif\s+all\s+of\s+the\s+(?:common\s+)?warrants\s+are\s+exercised\b|"
    r"\bassum(?:es|ing)\s+(?:no|the)\s+(?:exercise|sale)\b|\bif\s+(?:the\s+)?underwriters?\s+exercises?\b|"
    r"\bassuming\s+(?:both\s+no\s+exercise\s+and\s+)?full\s+exercise\b|\b(?:total|estimated)\s+(?:offering\s+)?expenses\b|"
    r"\bexpenses\s+(?:payable|to\s+be\s+paid)\s+by\s+(?:the\s+Company|us)\b[^.]{0,40}?\bestimated\b|"      # the table's footnote
    r"^\(?\d\)\s*before\s+deducting\s+(?:estimated\s+)?(?:offering\s+)?expenses\b", re.I)

# --- what kind of prospectus ---------------------------------------------------------------------
_SUPPLEMENT = re.compile(r"\bPROSPECTUS\s+SUPPLEMENT\b|\(\s*To\s+(?:the\s+)?Prospectus\s+dated\b", re.I)
_SHELF_COVER = re.compile(
    r"\bwe\s+may\s+(?:from\s+time\s+to\s+time\s+)?(?:offer|sell|issue)\b[^.]{0,200}?\b(?:from\s+time\s+to\s+time|"
    r"in\s+one\s+or\s+more\s+offerings|any\s+combination)\b|\bmay\s+offer\s+and\s+sell\s+from\s+time\s+to\s+time\b", re.I)
_RESALE = re.compile(
    r"\bwe\s+are\s+not\s+selling\s+any\b|\bwe\s+will\s+not\s+receive\s+any\s+(?:of\s+the\s+)?proceeds\s+from\s+the\s+"
    r"(?:sale|resale)|\b(?:offer\s+and\s+)?resale\s+(?:from\s+time\s+to\s+time\s+)?(?:of|by)\s", re.I)
_ATM = re.compile(r"\bat[- ]the[- ]market\b|\bsales\s+agent\b|\bsales\s+agreement\b|\bequity\s+distribution\s+agreement\b|"
                  r"\bdistribution\s+agent\b|\bRule\s+415\s*\(\s*a\s*\)\s*\(\s*4\s*\)", re.I)
_UP_TO = re.compile(
    r"\baggregate\s+(?:gross\s+)?(?:offering|sales)\s+(?:price|proceeds)\s+of\s+up\s+to\s+"
    r"(?P<money>(?:US)?\$\s?\d[\d,]*(?:\.\d+)?(?:\s+(?:million|billion))?)", re.I)
_FIRM_OR_BEST_EFFORTS = re.compile(
    r"\bwe\s+are\s+offering\b|\bfirm\s+commitment\b|\bbest\s+efforts\b|\bpublic\s+offering\s+price\b|\bunderwrit", re.I)


def _heading_text(line: str) -> str:
    return _CONTINUED.sub("", line.strip(_MARKUP)).strip(_MARKUP + ".")


def _heading(line: str) -> str | None:
    """'read', 'end' or 'skip' when the line is a section heading, else None."""
    text = _heading_text(line)
    if not text or len(text) > 100 or text.endswith((",", ";")):
        return None
    if _TOC.fullmatch(text):
        return "toc"
    if _READ_HEADINGS.fullmatch(text):
        return "read"
    if _END_HEADINGS.fullmatch(text):
        return "end"
    if _SKIP_HEADINGS.fullmatch(text):
        return "skip"
    return None


def _lines(text: str):
    at = 0
    for line in text.split("\n"):
        yield at, line
        at += len(line) + 1


@attrs.frozen
class Sections:
    """Which line spans of a prospectus are read: [(start, end, state)], state 'cover' | 'read' |
    'skip' | 'end' (the supplement's back matter and the base prospectus after it)."""
    spans: tuple[tuple[int, int, str], ...]

    def state_at(self, at: int) -> str:
        for a, b, state in self.spans:
            if a <= at <= b:
                return state
        return "end"


def sections(text: str) -> Sections:
    """The cover (up to the first section heading), the sections read ("The Offering", "Plan of
    Distribution", "Underwriting"), the ones skipped, and everything from the supplement's back matter
    ("Legal Matters", "Experts", incorporation by reference) on, the base prospectus included. A
    back-matter heading in a table of contents (no prose under the heading before it) ends nothing."""
    spans: list[tuple[int, int, str]] = []
    state, prose, ended = "cover", False, False
    for at, line in _lines(text):
        kind = None if ended else _heading(line)
        if kind == "toc":       # the contents after the cover are skipped; a page's link changes nothing
            kind = "skip" if state == "cover" and prose else None
        if kind == "end" and prose and state != "cover":
            ended = True
        if ended:
            state = "end"
        elif kind is not None:
            state, prose = kind, False
        elif len(line.strip()) >= _PROSE:
            prose = True
        spans.append((at, at + len(line), state))
    return Sections(tuple(spans))


def base_prospectus_only(text: str, secs: Sections | None = None) -> bool:
    """A prospectus that offers nothing now: its cover describes a shelf ("we may offer and sell from
    time to time ... in one or more offerings") and it is no supplement of a takedown."""
    secs = secs or sections(text)
    cover = "\n".join(text[a:b] for a, b, state in secs.spans if state == "cover")
    ours = re.search(r"\bwe\s+are\s+offering\b|\bfirm\s+commitment\b", cover, re.I)
    if _RESALE.search(cover) and not ours:
        return True         # a resale prospectus: the selling holders sell, the company does not
    return not _SUPPLEMENT.search(cover) and bool(_SHELF_COVER.search(cover)) and not ours


def is_atm(text: str, secs: Sections | None = None) -> bool:
    """An at-the-market prospectus: its cover speaks of a sales agent or an at-the-market offering and
    of an aggregate offering price of up to an amount."""
    secs = secs or sections(text)
    cover = "\n".join(text[a:b] for a, b, state in secs.spans if state in ("cover", "read"))
    return bool(_ATM.search(cover) and _UP_TO.search(cover))


def skipped(sentences: list[Sentence], text: str, family: str, secs: Sections | None = None) -> frozenset[int]:
    """Starts of the sentences a prospectus or registration statement does not state this offering's
    facts in: all of a registration statement's and a base prospectus's; of a supplement, all but its
    cover, "The Offering" and "Plan of Distribution" / "Underwriting", and in those the sentences about
    shares outstanding, market prices, net proceeds and what is excluded. The cover's pricing table is
    read by ``pricing_table``, not sentence by sentence."""
    if family == REGISTRATION:
        return frozenset(s.start for s in sentences)
    if family != PROSPECTUS:
        return frozenset()
    secs = secs or sections(text)
    if base_prospectus_only(text, secs):
        return frozenset(s.start for s in sentences)
    table = pricing_table(text)
    rows = set(table.lines) if table else set()
    out = set()
    i, spans = 0, secs.spans
    for s in sentences:
        while i + 1 < len(spans) and spans[i][1] < s.start:
            i += 1
        state = spans[i][2]
        line_start = spans[i][0]
        if state in ("skip", "end") or line_start in rows or _NOT_THIS_OFFERING.search(s.text) \
                or _heading(s.text) is not None or _table_row(s.text):
            out.add(s.start)
    return frozenset(out)


# --- the cover's pricing table -------------------------------------------------------------------
def _table_row(text: str) -> bool:
    """A line of a pricing table (the cover's, or the underwriting section's with and without the
    option): read by ``pricing_table`` when it is the cover's, never as sentences."""
    if _HEADER.match(text):
        return True
    head = text.lstrip(" |*_")
    return bool((_ROW_PRICE.match(head) or _ROW_FEE.match(head) or _ROW_PROCEEDS.match(head))
                and len(_MONEY_CELL.findall(text)) >= 2)


_MONEY_CELL = re.compile(r"(?:US)?\$\s*(?P<v>\d[\d,]*(?:\.\d+)?|\.\d+)(?!\s*%)")
_COLUMN = re.compile(r"\bPer\s+(?:[\w-]+\s+){0,8}?[\w-]+?(?=\s+Per\b|\s+Total\b|\s*\|\s*|\s*$)|\bTotal\b", re.I)
_HEADER = re.compile(r"^[\s|*_]*(?:Per\s+(?:Share|Unit|Pre-?Funded|ADS|Common|Ordinary|Note|Warrant|Security)[^.]{0,220})\bTotal\b[\s|*_()\w]{0,40}$", re.I)
_ROW_PRICE = re.compile(r"^(?:[\s|*_]*)(?:(?:initial\s+)?public\s+offering\s+price|price\s+to\s+(?:the\s+)?public|offering\s+price|"
                        r"purchase\s+price|public\s+offering\s+price\s+per)", re.I)
_ROW_FEE = re.compile(r"^(?:[\s|*_]*)(?:underwriting\s+discounts?|underwriter['’]?s?\s+(?:discounts?|fees?)|"
                      r"placement\s+agent['’]?s?\s+fees?|placement\s+agent\s+(?:cash\s+)?fees?|placement\s+fees?|"
                      r"agent['’]?s?\s+fees?|(?:selling\s+)?commissions?|sales\s+agent)", re.I)
_ROW_PROCEEDS = re.compile(r"^(?:[\s|*_]*)(?:net\s+)?proceeds", re.I)
_ROLE = (("underwrit", "underwriter"), ("placement", "placement_agent"), ("agent", "placement_agent"))


@attrs.frozen
class PricingTable:
    columns: tuple[str, ...]            # "Per Share", "Per Pre-Funded Warrant", "Total"
    price: tuple[Decimal, ...] | None   # the public offering price row, one value a column
    fee: tuple[Decimal, ...] | None     # the underwriting discount / placement agent fee row
    fee_role: str | None
    proceeds: tuple[Decimal, ...] | None
    lines: tuple[int, ...]              # starts of the table's lines (header and rows)
    row_at: dict = attrs.field(factory=dict, eq=False)   # "price" | "fee" -> (start, end) of its line

    def _col(self, row: tuple[Decimal, ...] | None, pick) -> Decimal | None:
        if row is None:
            return None
        for i, c in enumerate(self.columns):
            if pick(c.lower()):
                return row[i]
        return None

    @property
    def share_price(self) -> Decimal | None:
        return self._col(self.price, _share_column)

    @property
    def gross(self) -> Decimal | None:
        return self._col(self.price, lambda c: c == "total")

    @property
    def fee_total(self) -> Decimal | None:
        return self._col(self.fee, lambda c: c == "total")

    @property
    def shares_only(self) -> bool:
        """Whether the table's total is for shares alone (no pre-funded warrant or other column)."""
        per = [c for c in self.columns if c.lower() != "total"]
        return len(per) == 1 and _share_column(per[0].lower())


def _share_column(c: str) -> bool:
    return c.startswith("per") and ("share" in c or "ads" in c.split() or "unit" in c) and "pre-funded" not in c \
        and "prefunded" not in c and "pre funded" not in c


def _values(line: str) -> tuple[Decimal, ...]:
    out = []
    for m in _MONEY_CELL.finditer(line):
        try:
            out.append(Decimal(m["v"].replace(",", "")))
        except InvalidOperation:
            continue
    return tuple(out)


_GAP = re.compile(r"[\s|*_]*(?:\(\d\)[\s|*_]*)?")     # what may stand between two cells of a row


def _rows(text: str, at: int, end: int, width: int):
    """(label, values, start, end) of each row after a header: a label, then `width` amounts with
    nothing but spaces, rules and footnote marks between them. Plain-text tables reflowed into one
    paragraph hold several rows a line; HTML tables one."""
    cells = list(_MONEY_CELL.finditer(text, at, end))
    i, cursor = 0, at
    while i + width <= len(cells):
        run = cells[i:i + width]
        if all(_GAP.fullmatch(text, a.end(), b.start()) for a, b in zip(run, run[1:])):
            label = text[cursor:run[0].start()]
            yield label.strip(" \n\t|*_.:"), tuple(Decimal(c["v"].replace(",", "")) for c in run), cursor, run[-1].end()
            cursor, i = run[-1].end(), i + width
        else:
            cursor, i = cells[i].end(), i + 1


def pricing_table(text: str, limit: int = 60_000) -> PricingTable | None:
    """The cover's pricing table: a header line naming its columns ("Per Share", "Per Pre-Funded
    Warrant", "Total") and after it the rows whose labels say what they are (the public offering
    price, the underwriting discount or placement agent's fee, the proceeds), each with one amount a
    column. A row whose amounts do not fill the columns is not read."""
    lines = list(_lines(text[:limit]))
    for i, (at, line) in enumerate(lines):
        if len(line) > 400 or not _HEADER.match(line):
            continue
        columns = tuple(re.sub(r"\s+", " ", m.group()).strip() for m in _COLUMN.finditer(line))
        if len(columns) < 2 or columns[-1].lower() != "total":
            continue
        price = fee = proceeds = None
        role, used, rows = None, [at], {}
        for at2, row in lines[i + 1:i + 12]:
            found = False
            for label, values, a, b in _rows(text, at2, at2 + len(row), len(columns)):
                first = price is None and fee is None and proceeds is None
                if (_ROW_PRICE.match(label) or (first and not label)) and price is None:
                    price, rows["price"] = values, (a, b)
                elif _ROW_FEE.match(label) and fee is None:
                    fee, rows["fee"] = values, (a, b)
                    low = label.lower()
                    role = next((r for w, r in _ROLE if w in low), "underwriter" if "discount" in low else None)
                elif _ROW_PROCEEDS.match(label) and proceeds is None:
                    proceeds = values
                else:
                    continue
                found = True
            if found:
                used.append(at2)
            elif "$" in row or len(row) > 400:
                break
        if price is not None or fee is not None:
            return PricingTable(columns, price, fee, role, proceeds, tuple(used), rows)
    return _transposed_table(text, lines)


# The older cover's table (and many a debt or best-efforts cover's today) has the roles as columns and
# "Per Share" / "Total" as rows:
#                      Price to      Underwriting Discounts    Proceeds to
#                       Public        and Commissions(1)       Company(2)
#   Per Share ......    $12.00             $.84                  $11.16
#   Total(3) .......  $36,000,000       $2,520,000             $33,480,000
_PER_ROW = re.compile(r"\bPer\s+(?:Share|Unit|ADS|American\s+Depositary\s+Share|Common\s+Share|Ordinary\s+Share)\b", re.I)
_TOTAL_ROW = re.compile(r"^Total\b", re.I)
_COL_PRICE = re.compile(r"\b(?:price\s+to\b|public\s+offering\s+price|offering\s+price)", re.I)
_COL_FEE = re.compile(r"\b(?:underwriting|discounts?|commissions?|placement\s+(?:agent['’]?s?\s+)?fees?|agent['’]?s?\s+fees?)\b", re.I)
_COL_PROCEEDS = re.compile(r"\bproceeds\b", re.I)


def _transposed_table(text: str, lines: list[tuple[int, str]]) -> PricingTable | None:
    """The table with the roles as columns: its header (the short lines above the "Per Share" row, or
    the words before it when a plain-text table is reflowed into one paragraph) names the columns in
    order; the "Per Share" and "Total" rows give one amount each."""
    for i, (at, line) in enumerate(lines):
        if len(line) > 1200:
            continue
        for per_m in _PER_ROW.finditer(line):
            words, used = line[max(0, per_m.start() - 400):per_m.start()], [at]
            if not words.strip(" .|*_"):
                j = i       # the block of short lines just above the row (the cover's prose is no header)
                while j > max(0, i - 12) and len(lines[j - 1][1].strip()) <= 100:
                    j -= 1
                words, used = "\n".join(h for _, h in lines[j:i]), [a for a, _ in lines[j:i + 1]]
            where = {name: m.start() for name, pat in (("price", _COL_PRICE), ("fee", _COL_FEE), ("proceeds", _COL_PROCEEDS))
                     if (m := pat.search(words))}
            if "price" not in where or len(where) < 2:
                continue
            # the columns stand in the order Item 501 sets (a reflowed header interleaves their words)
            order = [k for k in ("price", "fee", "proceeds") if k in where]
            width = len(order)
            per = next(_rows(text, at + per_m.start(), at + len(line), width), None)
            if per is None or not _PER_ROW.match(per[0]):
                continue
            stop = lines[min(len(lines) - 1, i + 4)]
            total = next((r for r in _rows(text, per[3], stop[0] + len(stop[1]), width) if _TOTAL_ROW.match(r[0])), None)
            per_cells = dict(zip(order, per[1]))
            if width == 3 and abs(per_cells["price"] - per_cells["fee"] - per_cells["proceeds"]) > per_cells["price"] / 100:
                continue        # price less fee is the proceeds, or these are not the columns named
            tot = dict(zip(order, total[1])) if total else {}
            fee_words = words[where["fee"]:where["fee"] + 60].lower() if "fee" in where else ""
            role = next((r for w, r in _ROLE if w in fee_words), "underwriter" if "discount" in fee_words else None)
            rows = {"price": (per[2], per[3])}
            if total and "fee" in tot:
                rows["fee"] = (total[2], total[3])
                used += [a for a, t in lines[i:i + 5] if a <= total[2] <= a + len(t)]
            column = lambda k: (per_cells[k], tot.get(k)) if k in per_cells else None
            return PricingTable(("Per Share", "Total"), column("price"), column("fee") if "fee" in tot else None, role,
                                column("proceeds"), tuple(dict.fromkeys(used)), rows)
    return None


# --- an at-the-market programme ------------------------------------------------------------------
def _money(text: str) -> Decimal | None:
    m = re.search(r"(\d[\d,]*(?:\.\d+)?)\s*(million|billion)?", text)
    if not m:
        return None
    value = Decimal(m[1].replace(",", ""))
    scale = {"million": Decimal(1_000_000), "billion": Decimal(1_000_000_000)}.get((m[2] or "").lower(), Decimal(1))
    return value * scale


def atm_programme(sentences: list[Sentence], skip) -> RightDraft | None:
    """The programme of an at-the-market prospectus: the issuer's right to sell common stock up to
    an aggregate offering price through a sales agent. One contingent right, never a sale."""
    for i, s in enumerate(sentences):
        if skip(s):
            continue
        m = _UP_TO.search(s.text)
        if m and (_ATM.search(s.text) or re.search(r"\bfrom\s+time\s+to\s+time\b", s.text, re.I)):
            d = RightDraft(order=i * 100 + 98, sentences=[s], kind=RightKind.OPTION_TO_SELL, holder="issuer",
                           description=s.text, security="Common Stock", amount=_money(m["money"]))
            d.notes.append("an at-the-market programme: a right to sell up to an amount, not a sale")
            return d
    return None


# --- the drafts of a prospectus ------------------------------------------------------------------
def _sentence_at(sentences: list[Sentence], span: tuple[int, int], text: str) -> Sentence | None:
    """The table row itself as the quote: its label and amounts, exactly as they stand in the text
    (a plain-text table reflowed into one paragraph is no sentence)."""
    near = next((s for s in sentences if s.start <= span[0] < s.end or span[0] <= s.start < span[1]), None)
    if near is None:
        return None
    a, b = span
    while a < b and text[a] in " \t|*_.":
        a += 1
    return Sentence(a, b, text[a:b], near.paragraph)


_OPTION = re.compile(r"\boption\b[^.;]{0,160}?\bto\s+purchase\s+up\s+to\s+(?:an\s+)?(?:additional\s+(?P<n>\d[\d,]*)|"
                     r"(?P<n2>\d[\d,]*)\s+additional)\s+"
                     r"(?:shares|ordinary|ADSs?|American|units|pre-funded)", re.I)


def _over_allotment(drafts: list, sentences: list[Sentence], skip) -> list:
    """The underwriters' option to buy more ("an option for 30 days to purchase up to an additional
    600,000 shares"): a contingent right, never a sale. One, however often it is told."""
    if any(isinstance(d, RightDraft) and d.kind is RightKind.INVESTOR_OPTION for d in drafts):
        return drafts
    for i, s in enumerate(sentences):
        if skip is not None and skip(s):
            continue
        if _OPTION.search(s.text):
            holder = "underwriters" if re.search(r"underwriter", s.text, re.I) else "investors"
            return [*drafts, RightDraft(order=i * 100 + 98, sentences=[s], kind=RightKind.INVESTOR_OPTION,
                                        holder=holder, description=s.text)]
    return drafts


_RATE = re.compile(r"\bcommissions?\b[^.;]{0,80}?\b(?:of\s+|rate\s+of\s+)?(?:up\s+to\s+)?(?P<p>\d{1,2}(?:\.\d+)?)\s*%", re.I)


def _commission(sentences: list[Sentence], skip, agents: tuple) -> list:
    """The sales agent's commission on an at-the-market programme: a rate ("up to 3.0% of the gross
    sales price"), never a cash amount."""
    for i, s in enumerate(sentences):
        if skip is not None and skip(s):
            continue
        m = _RATE.search(s.text)
        if m:
            payee = next((n for n, r, _ in agents if r == "placement_agent"), None)
            d = FeeDraft(order=i * 100 + 97, sentences=[s], role="placement_agent", payee=payee,
                         percent_of_proceeds=Decimal(m["p"]))
            d.notes.append("a sales agent's commission rate on sales not made yet")
            return [d]
    return []


def settle(drafts: list, sentences: list[Sentence], text: str, when: date, *, atm: bool,
           table: PricingTable | None, agents: tuple = (), skip=None) -> list:
    """A prospectus's drafts made right: every event dated by the prospectus's own date (an offering
    priced; the closing that a later 8-K reports is what replay counts); an at-the-market prospectus
    holds its programme and its agent's rate, no sale; the pricing table gives the price per share,
    the gross when it covers only the shares, and the agent's cash fee as its total."""
    out = list(drafts)
    if atm:
        out = [d for d in out if not isinstance(d, (SharesDraft, PreferredDraft, WarrantDraft, RightDraft))]
        out = _one_fee_per_role(out)
        for d in out:
            if isinstance(d, FeeDraft):
                d.cash.clear()              # a commission rate on sales not made yet is no cash paid
        if not any(isinstance(d, FeeDraft) for d in out):
            out += _commission(sentences, skip, agents)
    else:
        out = _one_fee_per_role(_agents_warrants(_one_class_of_warrants(out), agents))
        out = _over_allotment(out, sentences, skip)
        if table is not None:
            _apply_table(out, sentences, text, table, agents)
    for d in out:
        d.date.clear()
        d.date.offer(when, Basis.STATED, strength=STATED * 3, why="the prospectus's own date: the offering priced")
    return out


def _apply_table(drafts: list, sentences: list[Sentence], text: str, table: PricingTable, agents: tuple) -> None:
    price_line = _sentence_at(sentences, table.row_at["price"], text) if "price" in table.row_at else None
    fee_line = _sentence_at(sentences, table.row_at["fee"], text) if "fee" in table.row_at else None
    common = [d for d in drafts if isinstance(d, SharesDraft) and not d.option_shares]
    if len(common) == 1:
        d = common[0]
        p = table.share_price
        if p is not None and price_line is not None and d.price.value in (None, p):
            d.price.offer(p, Basis.STATED, price_line, strength=STATED * 3, why="the cover's pricing table")
        gross, n = table.gross, d.shares.value
        if table.shares_only and gross is not None and price_line is not None and \
                (n is None or p is None or abs(n * p - gross) <= max(Decimal(1), gross * Decimal("0.001"))):
            d.consideration.clear()
            d.consideration.offer(gross, Basis.STATED, price_line, strength=STATED * 3,
                                  why="the total of the cover's pricing table, which covers the shares alone")
        elif not table.shares_only:
            d.consideration.clear()         # the table's total pays for more than the shares
    fee_total = table.fee_total
    if fee_total is not None and fee_line is not None:
        fees = [d for d in drafts if isinstance(d, FeeDraft)]
        role = table.fee_role or "other"
        fee = next((f for f in fees if f.role == role), None) or (fees[0] if len(fees) == 1 else None)
        if fee is None:
            payee = next((name for name, r, _ in agents if r == role), None)
            fee = FeeDraft(order=fee_line.start, sentences=[fee_line], role=role, payee=payee)
            drafts.append(fee)
        fee.cash.clear()
        fee.includes_expenses = False       # the table's fee row is the agent's fee, its expenses apart
        fee.cash.offer(fee_total, Basis.STATED, fee_line, strength=STATED * 3, why="the total of the cover's pricing table")
        fee.cite(fee_line)


# --- the issuer a prospectus's cover names ---------------------------------------------------------
_LEGAL_FORM = r"(?:Inc|Incorporated|Corp|Corporation|Co|Company|Ltd|Limited|LLC|L\.P|PLC|plc|N\.V|S\.A|AG|SE|ASA|AB|Holdings|Group|Trust)\.?"
_COVER_NAME = re.compile(
    rf"^[\s*_#|]*(?P<name>(?:[A-Z0-9][\w.&'’-]*,?\s+){{0,7}}(?i:{_LEGAL_FORM}))(?:\s*\(publ\))?[\s*_|]*$")
_COVER_SPAN = 8_000


def cover_issuer(text: str) -> tuple[int, int] | None:
    """The span of the company name a prospectus's cover prints on a line of its own ("CORVANE
    THERAPEUTICS, INC."), the first such line before the table of contents."""
    prose = False
    for at, line in _lines(text[:_COVER_SPAN]):
        if _heading(line) == "toc" and prose:
            break           # the contents after the cover (a link atop the cover's page is no end)
        if len(line) > 120:
            prose = prose or len(line.strip()) >= _PROSE
            continue
        m = _COVER_NAME.match(line)
        if m and not re.match(r"(?i)(?:the|a|an|our|this)\s", m["name"]):
            return at + m.start("name"), at + m.end("name")
    # A cover whose name is a logo says whose shares it offers: "This is an initial public offering of
    # shares of common stock by Acme Corp.", "... shares of common stock of Acme, Inc."
    m = _OFFERED_BY.search(text, 0, min(len(text), _COVER_SPAN)) or _PROCEEDS_TO.search(text, 0, min(len(text), _COVER_SPAN))
    if m and not re.match(r"(?i)(?:the|a|an|our|this)\s", m["name"]):
        a, b = m.span("name")
        return a, b - 1 if re.search(r"[a-z]{4,}\.$", m["name"]) else b   # "Corporation." ends the sentence
    # Else the definition: 'the terms "Acme," "we," "us" and "our" refer to Acme Corp.'
    m = _REFER_TO.search(text, 0, min(len(text), _REFER_SPAN))
    return m.span("name") if m else None


# The pricing table's last row or column names the issuer: "Proceeds to Acme Gas and Electric Company
# Before Expenses", "Proceeds, before expenses, to Acme, Inc."
_PROCEEDS_TO = re.compile(
    rf"\bProceeds,?\s+(?:\(?before\s+expenses\)?,?\s+)?to\s+"
    rf"(?P<name>(?:[A-Z0-9][\w.&'’-]*,?\s+(?:(?:and|of|&)\s+)?){{0,7}}?{_LEGAL_FORM})(?=[\s,.;(]|$)")
_OFFERED_BY = re.compile(
    rf"\b(?:offering|offer|sale)\s+of\s+[^.;]{{0,120}}?\b(?:common\s+stock|common\s+shares|ordinary\s+shares|"
    rf"American\s+Depositary\s+Shares|ADSs|units|shares)\s+(?:of|by)\s+"
    rf"(?P<name>(?:[A-Z0-9][\w.&'’-]*,?\s+){{0,7}}?{_LEGAL_FORM})(?=[\s,.;]|$)")


_REFER_TO = re.compile(
    rf"[\"“”]\s*(?:we|us|our)\s*,?\s*[\"“”][^.]{{0,200}}?\brefers?\s+to\s+(?P<name>(?:[A-Z][\w.&'’-]*,?\s+){{0,7}}?{_LEGAL_FORM})"
    rf"(?=[\s,.;]|$)")
_REFER_SPAN = 60_000


# --- agents a prospectus names ----------------------------------------------------------------------
_AGENT_NAME = (r"(?P<name>(?:(?:[A-Z][\w.&'’-]{0,80}|&),?\s+){1,6}?(?:&\s+Co\.?,?\s+)?"
               r"(?:Inc\.?|LLC|L\.L\.C\.|L\.P\.|Ltd\.?|Corp\.?|Corporation|Company|Group|Partners|Securities|Capital|Markets)"
               r"(?:,?\s+(?:LLC|Inc\.?|L\.P\.|LP|Ltd\.?|Corp\.?)(?=[\s,.;]|$))?),?")
_AGENT_ROLE = (r"(?:our\s+|the\s+|an?\s+)?(?:exclusive\s+|sole\s+|lead\s+)?(?P<role>placement\s+agent|sales\s+agent|"
               r"(?:sole\s+)?book-?running\s+manager|representative\s+of\s+(?:the\s+)?(?:several\s+)?underwriters|underwriter|"
               r"financial\s+advis[oe]r)")
_AGENT_SAYS = (
    re.compile(rf"\bengaged\s+{_AGENT_NAME}(?:\s+or\s+the\s+[\w\s]{{1,30}},)?\s+to\s+act\s+as\s+{_AGENT_ROLE}"),
    re.compile(rf"{_AGENT_NAME}(?:\s*\([^()]{{1,60}}\))?\s+(?:is|are|will\s+be|has\s+agreed\s+to)\s+(?:acting|act)\s+as\s+{_AGENT_ROLE}"),
    re.compile(rf"\b(?:through|with|to)\s+{_AGENT_NAME}\s+(?:acting\s+)?as\s+{_AGENT_ROLE}"),
    re.compile(rf"{_AGENT_NAME}\s+is\s+{_AGENT_ROLE}"),
)

_WITH_AGENT = re.compile(rf"\bagreement\b[^.;]{{0,80}}?\bwith\s+{_AGENT_NAME}")


def read_agents(sentences: list[Sentence], skip) -> tuple[tuple[str, str, Sentence], ...]:
    """Agents and underwriters as a prospectus names them: "We have engaged X to act as our exclusive
    placement agent", "X is acting as sole book-running manager", "through X, as sales agent"."""
    out: list[tuple[str, str, Sentence]] = []
    for s in sentences:
        if skip(s) or not re.search(r"agent|underwrit|manager|advis", s.text, re.I):
            continue
        for pattern in _AGENT_SAYS:
            m = pattern.search(s.text)
            if m:
                words = m["role"].lower()
                role = "placement_agent" if "agent" in words else ("advisor" if "advis" in words else "underwriter")
                name = re.sub(r"\s+", " ", m["name"]).strip(" ,")
                name = re.sub(r"^(?:and|or|with|through|to|by|engaged)\s+", "", name)
                if not any(n == name for n, _, _ in out):
                    out.append((name, role, s))
                break
        else:
            # "a sales agreement with X, or X, ... through X acting as our sales agent"
            m = _ATM.search(s.text) and _WITH_AGENT.search(s.text)
            if m:
                name = re.sub(r"\s+", " ", m["name"]).strip(" ,")
                if not any(n == name for n, _, _ in out):
                    out.append((name, "placement_agent", s))
    return tuple(out)


# --- warrants told twice, and the agent's warrants -----------------------------------------------------
_TO_AGENT = re.compile(r"\b(?:to|for)\s+(?:the\s+)?(?:placement\s+agent|underwriters?|representative|sales\s+agent)s?\b"
                       r"|\b(?:placement\s+agent|underwriter|representative)['’]?s?\s+warrants?\b", re.I)
_GENERIC_LABEL = re.compile(r"^(?:common\s+)?warrants?$|^common\s+stock\s+warrants?$", re.I)


def _compatible(a: WarrantDraft, b: WarrantDraft) -> bool:
    same = a.label.lower() == b.label.lower() or _GENERIC_LABEL.match(a.label) or _GENERIC_LABEL.match(b.label)
    pa, pb = a.exercise_price.value, b.exercise_price.value
    return bool(same) and (pa is None or pb is None or pa == pb) and a.series == b.series


def _one_class_of_warrants(drafts: list) -> list:
    """The common warrants a unit offering sells with its shares and with its pre-funded warrants, told
    in parts ("together with common warrants to purchase up to 2,400,000 shares") and as the class
    ("common warrants to purchase up to 3,500,000 shares"): one grant, the class's, with the terms
    its parts were told with. A part is a count equal to the shares' or the pre-funded warrants', or
    parts that add up to the class."""
    investors = [d for d in drafts if isinstance(d, WarrantDraft) and d.kind is WarrantKind.INVESTOR
                 and d.shares.value is not None]
    if len(investors) < 2:
        return drafts
    paired = {d.shares.value for d in drafts if isinstance(d, SharesDraft) and d.shares.value is not None}
    paired |= {d.shares.value for d in drafts if isinstance(d, WarrantDraft) and d.kind is WarrantKind.PRE_FUNDED
               and d.shares.value is not None}
    drop: set[int] = set()
    for whole in sorted(investors, key=lambda d: -d.shares.value):
        if id(whole) in drop:
            continue
        parts = [d for d in investors if d is not whole and id(d) not in drop and d.shares.value < whole.shares.value
                 and _compatible(whole, d)]
        sums = sum(d.shares.value for d in parts) == whole.shares.value
        for d in parts:
            if sums or d.shares.value in paired:
                for name in ("exercise_price", "term_years", "term_offset_months", "expires"):
                    mine, theirs = getattr(whole, name), getattr(d, name)
                    if mine.value is None and theirs.value is not None:
                        mine.take(theirs)
                whole.cite(*d.sentences)
                whole.notes.append(f"the {d.shares.value:,} told with the shares or pre-funded warrants are part of this class")
                drop.add(id(d))
    return [d for d in drafts if id(d) not in drop]


def _agents_warrants(drafts: list, agents: tuple) -> list:
    """Warrants the text issues "to the placement agent or its designees" are the agent's: its kind
    and holder. Told with a count and as a formula ("equal to 7.0% of the shares sold"), the count is
    the grant."""
    fees = [d for d in drafts if isinstance(d, FeeDraft)]
    agent = next(((n, r) for n, r, _ in agents if r in ("placement_agent", "underwriter")), None)
    mine = []
    for d in drafts:
        if isinstance(d, WarrantDraft) and d.kind not in (WarrantKind.PRE_FUNDED,) and _TO_AGENT.search(d.sentences[0].text):
            d.kind = WarrantKind.PLACEMENT_AGENT
            role = (fees[0].role if fees else None) or (agent[1] if agent else "placement_agent")
            d.fee_role = role
            d.label = f"{role.replace('_', ' ')}'s warrants"
            payee = (fees[0].payee if fees else None) or (agent[0] if agent else None)
            if payee and not d.holders.value:
                d.holders.offer((payee,), Basis.STATED, d.sentences[0], strength=STATED)
            mine.append(d)
    counted = [d for d in mine if d.shares.value is not None]
    drop = {id(d) for d in mine if d.shares.value is None} if counted else set()
    for f in fees:
        if counted and f.warrant_shares is None:
            f.warrants, f.warrant_shares = True, counted[0].shares.value
    return [d for d in drafts if id(d) not in drop]


def _one_fee_per_role(drafts: list) -> list:
    """A fee told on the cover, in a footnote and in the plan of distribution is one fee: the
    agent's. The first telling keeps the others' candidates."""
    by_role: dict[str, FeeDraft] = {}
    out = []
    for d in drafts:
        if isinstance(d, FeeDraft):
            keep = by_role.get(d.role)
            if keep is not None:
                keep.absorb(d)
                keep.payee = keep.payee or d.payee
                keep.percent_of_proceeds = keep.percent_of_proceeds or d.percent_of_proceeds
                keep.warrants = keep.warrants or d.warrants
                keep.warrant_shares = keep.warrant_shares or d.warrant_shares
                keep.includes_expenses = keep.includes_expenses or d.includes_expenses
                continue
            by_role[d.role] = d
        out.append(d)
    return out
