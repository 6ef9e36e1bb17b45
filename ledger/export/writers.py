"""The three output formats of every export, generic over (columns, rows) and streaming: each row
is written as it comes from its builder, never gathered first (a builder that fails after N rows
leaves exactly those N rows written). Open ``fh`` with ``newline=""`` (csv module rule).

A row is a tuple with one cell per column. Cells are what the row builders give: None (unknown),
str (decimals already as exact text, ``ledger.projections.report.dec``; StrEnum members as their
values), int, ``datetime.date``, or ``RawJson``. In CSV None is an empty cell and a date its ISO
text; in JSON None is null, an int a number, a date and every text a string, and a ``RawJson``
cell is written as the JSON it holds (an object, not a string).
"""
from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from json.encoder import encode_basestring_ascii
from typing import TextIO


class RawJson(str):
    """JSON text that a JSON export writes as it is (its object), and CSV as its text."""

    __slots__ = ()


def write_csv(columns: Sequence[str], rows: Iterable[tuple], fh: TextIO) -> None:
    # writerows takes the rows one by one from the iterator and writes each before the next: it
    # writes None as an empty cell and str() of anything else (ints, dates as ISO, StrEnums).
    writer = csv.writer(fh)
    writer.writerow(columns)
    writer.writerows(rows)


def _cell(value) -> str:
    if value is None:
        return "null"
    if type(value) is RawJson:
        return value
    if isinstance(value, str):          # StrEnum members too: their value
        return encode_basestring_ascii(value)
    if isinstance(value, bool):         # no builder gives one; never written as 1/0
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)      # an IntEnum as its number
    if isinstance(value, date):
        return '"' + value.isoformat() + '"'
    raise TypeError(f"an export cell must be None, text, an int, a date or RawJson, not {type(value).__name__}")


def _objects(columns: Sequence[str], rows: Iterable[tuple]):
    keys = [encode_basestring_ascii(c) + ":" for c in columns]
    for row in rows:
        if len(row) != len(keys):
            raise ValueError(f"an export row has {len(row)} cells for {len(keys)} columns")
        yield "{" + ",".join(k + _cell(v) for k, v in zip(keys, row)) + "}"


def write_json(columns: Sequence[str], rows: Iterable[tuple], fh: TextIO) -> None:
    """One array of objects, keyed by the columns, one object a line; written as the rows come."""
    fh.write("[")
    separator = "\n"
    for text in _objects(columns, rows):
        fh.write(separator + text)
        separator = ",\n"
    fh.write("\n]\n" if separator != "\n" else "]\n")


def write_jsonl(columns: Sequence[str], rows: Iterable[tuple], fh: TextIO) -> None:
    """JSON Lines: one object a line, keyed by the columns."""
    for text in _objects(columns, rows):
        fh.write(text + "\n")


Writer = Callable[[Sequence[str], Iterable[tuple], TextIO], None]
WRITERS: dict[str, Writer] = {"csv": write_csv, "json": write_json, "jsonl": write_jsonl}
