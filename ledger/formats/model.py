"""What a filing file holds once read: its format, the SEC header, the main document, the exhibits."""
from __future__ import annotations

from datetime import date

import attrs


@attrs.frozen
class Header:
    """The submission header (SGML ``<SEC-HEADER>`` or the .nc tag-per-line header)."""

    accession: str | None           # "0000723533-04-000001"
    form_type: str | None           # "8-K", "8-K/A"
    period: date | None             # CONFORMED PERIOD OF REPORT / <PERIOD>
    filed: date | None              # FILED AS OF DATE / <FILING-DATE>
    company: str | None             # COMPANY CONFORMED NAME / <CONFORMED-NAME>
    cik: str | None                 # CENTRAL INDEX KEY, digits without leading zeros
    file_number: str | None         # SEC FILE NUMBER / <FILE-NUMBER>
    irs_number: str | None          # IRS NUMBER (or EIN) / <IRS-NUMBER>
    items: tuple[str, ...] = ()     # ITEM INFORMATION lines / <ITEMS> numbers, as given


@attrs.frozen
class Document:
    """One document of a submission, as plain text (HTML converted, SGML table tags removed)."""

    type: str                       # "8-K", "EX-99.1"
    sequence: int | None
    filename: str | None
    text: str


@attrs.frozen
class Submission:
    format: str                     # "text" | "sgml" | "nc" | "html"
    header: Header | None
    body: Document                  # the main document
    exhibits: tuple[Document, ...] = ()
    warnings: tuple[str, ...] = ()
