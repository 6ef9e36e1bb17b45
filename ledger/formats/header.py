"""The submission header: the SGML ``<SEC-HEADER>`` ("KEY:<tab>value" lines) and the .nc header
(``<TAG>value`` lines), both read into one ``Header``."""
from __future__ import annotations

import re
from datetime import date

from ledger.formats.model import Header

_ACCESSION = re.compile(r"^\d{10}-\d{2}-\d{6}$")
# The value is the rest of the line, stripped in Python: "(.*?)[ \t]*$" tried the trailing "[ \t]*$"
# from each character of the value, so a run of n spaces or tabs inside one cost n^2/2 steps.
_SGML_FIELD = re.compile(r"^([ \t]*)([A-Z][A-Z0-9 ./&()'-]*?):(.*)$")
_NC_TAG = re.compile(r"^[ \t]*<(/?)([A-Z0-9][A-Z0-9-]*)>(.*)$", re.I)

# Canonical field names, from either spelling.
_TOP = {
    "ACCESSION NUMBER": "accession", "ACCESSION-NUMBER": "accession",
    "CONFORMED SUBMISSION TYPE": "form_type", "TYPE": "form_type",
    "CONFORMED PERIOD OF REPORT": "period", "PERIOD": "period",
    "FILED AS OF DATE": "filed", "FILING-DATE": "filed",
    "ITEM INFORMATION": "items", "ITEMS": "items",
}
_ENTITY = {
    "COMPANY CONFORMED NAME": "company", "CONFORMED-NAME": "company",
    "CENTRAL INDEX KEY": "cik", "CIK": "cik",
    "IRS NUMBER": "irs_number", "EIN": "irs_number", "IRS-NUMBER": "irs_number",
    "SEC FILE NUMBER": "file_number", "FILE-NUMBER": "file_number",
    "FORM TYPE": "form_type", "FORM-TYPE": "form_type",
}
# Whose company data the header's company is: the filer's, else the subject company's.
_ROLE_ORDER = ("FILER", "SUBJECT COMPANY", "SUBJECT-COMPANY")


class _Fields:
    def __init__(self) -> None:
        self.top: dict[str, list[str]] = {}
        self.entities: list[tuple[str, dict[str, str]]] = []

    def add_top(self, key: str, value: str) -> None:
        self.top.setdefault(key, []).append(value)

    def add_entity_field(self, key: str, value: str) -> None:
        if not self.entities:
            self.entities.append(("", {}))
        self.entities[-1][1].setdefault(key, value)      # the first value in an entity wins


def _sgml_fields(lines: list[str]) -> _Fields:
    fields = _Fields()
    for line in lines:
        m = _SGML_FIELD.match(line)
        if not m:
            continue
        indent, key, value = m.group(1), m.group(2), m.group(3).strip(" \t")
        if not indent and not value and key not in _TOP:
            fields.entities.append((key, {}))            # "FILER:", "SUBJECT COMPANY:", ...
        elif key in _TOP and not indent:
            fields.add_top(_TOP[key], value)
        elif key in _ENTITY and value:
            fields.add_entity_field(_ENTITY[key], value)
    return fields


def _nc_fields(lines: list[str]) -> _Fields:
    fields = _Fields()
    depth = 0
    for line in lines:
        m = _NC_TAG.match(line)
        if not m:
            continue
        closing, tag, value = m.group(1), m.group(2), m.group(3).strip(" \t")
        tag = tag.upper()
        if tag == "SUBMISSION":
            continue
        if closing:
            depth = max(0, depth - 1)
        elif not value and tag not in _TOP and tag not in _ENTITY:
            if depth == 0:
                fields.entities.append((tag, {}))          # <FILER>, <SUBJECT-COMPANY>, ...
            depth += 1
        elif depth == 0 and tag in _TOP:
            fields.add_top(_TOP[tag], value)
        elif depth > 0 and tag in _ENTITY and value:
            fields.add_entity_field(_ENTITY[tag], value)
    return fields


def _date(value: str | None, what: str, warnings: list[str]) -> date | None:
    if not value:
        return None
    m = re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})", value)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    warnings.append(f"header {what} {value!r} is not a date")
    return None


def _build(fields: _Fields, fallback_accession: str | None, warnings: list[str]) -> Header:
    def first(key: str) -> str | None:
        values = [v for v in fields.top.get(key, ()) if v]
        return values[0] if values else None

    entity: dict[str, str] = {}
    for role in _ROLE_ORDER:
        entity = next((e for r, e in fields.entities if r == role and e), {})
        if entity:
            break
    else:
        entity = next((e for _, e in fields.entities if e), {})

    accession = first("accession")
    if accession is None and fallback_accession:
        accession = fallback_accession
        warnings.append(f"header has no accession number; took {accession} from the <SEC-DOCUMENT> line")
    elif accession is None:
        warnings.append("header has no accession number")
    elif not _ACCESSION.match(accession):
        warnings.append(f"header accession number {accession!r} is not of the form 0000000000-00-000000")
        accession = None

    form_type = first("form_type") or entity.get("form_type")
    if form_type is None:
        warnings.append("header has no submission type")

    cik = entity.get("cik")
    if cik and cik.isdigit():
        cik = cik.lstrip("0") or "0"

    irs = entity.get("irs_number")
    if irs and not irs.strip("0-"):
        irs = None                                            # "000000000": no number given

    return Header(
        accession=accession,
        form_type=form_type.upper() if form_type else None,
        period=_date(first("period"), "period of report", warnings),
        filed=_date(first("filed"), "filing date", warnings),
        company=entity.get("company"),
        cik=cik,
        file_number=entity.get("file_number"),
        irs_number=irs,
        items=tuple(v for v in fields.top.get("items", ()) if v),
    )


def sgml_header(lines: list[str], fallback_accession: str | None, warnings: list[str]) -> Header:
    """Header from the lines between <SEC-HEADER> and </SEC-HEADER>."""
    return _build(_sgml_fields(lines), fallback_accession, warnings)


def nc_header(lines: list[str], warnings: list[str]) -> Header:
    """Header from the .nc lines between <SUBMISSION> and the first <DOCUMENT>."""
    return _build(_nc_fields(lines), None, warnings)
