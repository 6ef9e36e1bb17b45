"""JSON for events: Decimals as strings, dates as ISO, old schema versions upcast on read."""
from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from enum import Enum

from typing import TYPE_CHECKING

import attrs
import orjson

from events import basis
from events.records import Event
from events.registry import event_class
from events.rules import InvalidEvent

if TYPE_CHECKING:
    import cattrs

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(value) -> date:
    """YYYY-MM-DD and nothing else (date.fromisoformat also takes 20000630 and week dates). The
    one date syntax the ledger accepts from a person, on the command line or in a correction."""
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")


def _strict_bool(value, _) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"{value!r} is not true or false")


# The closed vocabularies of events.basis, whose values a correction may set.
VOCABULARIES = tuple(v for v in vars(basis).values() if isinstance(v, type) and issubclass(v, Enum) and v is not Enum
                     and v.__module__ == basis.__name__)


def _one_of(value, kind: type[Enum]):
    """A closed vocabulary's value, or an error that lists the vocabulary."""
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"{value!r} is not one of {', '.join(str(k.value) for k in kind)}") from None


def _converter(detailed: bool) -> cattrs.Converter:
    import cattrs
    c = cattrs.Converter(forbid_extra_keys=True, detailed_validation=detailed)
    c.register_unstructure_hook(Decimal, str)
    c.register_unstructure_hook(date, date.isoformat)
    if detailed:
        # A person wrote it: the records' own converters turn text into decimals and whole numbers
        # (naming the field when they cannot), and nothing is coerced on the way (bool("no") is True).
        c.register_structure_hook(Decimal, lambda v, _: v)
        c.register_structure_hook(int, lambda v, _: v)
        c.register_structure_hook(date, lambda v, _: iso_date(v))
        c.register_structure_hook(bool, _strict_bool)
        for vocabulary in VOCABULARIES:
            c.register_structure_hook(vocabulary, _one_of)
    else:
        c.register_structure_hook(Decimal, lambda v, _: Decimal(v))
        c.register_structure_hook(date, lambda v, _: date.fromisoformat(v))
    return c


# Dates go through _fast_default too: orjson would write a datetime (a date subclass) its own way.
_orjson_dumps, _OrjsonError = orjson.dumps, orjson.JSONEncodeError
_SORT_KEYS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS

# Payloads a person wrote (a correction) get errors that name the field; payloads read back from the
# store were valid when written, and replay reads millions of them, so they skip that bookkeeping.
# Both are made on first use: cattrs and the converters are 15-20 ms of start-up, and a replay reads
# through events.fastdecode, which comes here only for what it cannot prove it reads the same.
@functools.cache
def _converters() -> tuple[cattrs.Converter, cattrs.Converter]:
    return _converter(detailed=True), _converter(detailed=False)


def __getattr__(name: str):
    if name == "converter":      # codec.converter: the detailed one, as before
        return _converters()[0]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

# (type, from_version) -> function that turns a payload of that version into the next version.
Upcaster = Callable[[dict], dict]
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def upcaster(type_name: str, from_version: int):
    """Register the step from ``from_version`` to ``from_version + 1`` of an event type."""

    def register(fn: Upcaster) -> Upcaster:
        UPCASTERS[(type_name, from_version)] = fn
        return fn

    return register


def to_payload(event: Event) -> dict:
    return _converters()[0].unstructure(event)


def to_json(event: Event) -> str:
    """Canonical JSON: sorted keys, no spaces, so equal events give equal text (and hashes). The
    fast path gives the same bytes as ``canonical_json(to_payload(event))``, the definition
    (tests/test_codec_fast.py proves it over every event type); anything it is not sure of
    (a float, an integer past 64 bits, a set, a lone surrogate) takes the definition's path."""
    try:
        return _orjson_dumps(event, default=_fast_default, option=_SORT_KEYS).decode()
    except (TypeError, _OrjsonError):
        return canonical_json(to_payload(event))


_PLAIN = (str, int, bool, type(None))


class _Shape:
    """Per attrs class: its field names, and those whose type is open (``Any``): their values are
    checked to be plain JSON orjson writes as json.dumps does (no float, no set, no datetime)."""

    __slots__ = ("names", "open")

    def __init__(self, cls: type):
        fields = attrs.fields(cls)
        self.names = tuple(f.name for f in fields)
        self.open = tuple(f.name for f in fields if "Any" in str(f.type) or "object" in str(f.type))


_SHAPES: dict[type, _Shape | None] = {}


def _plain(value) -> bool:
    if type(value) in _PLAIN or type(value) is Decimal:
        return True
    if type(value) in (list, tuple):
        return all(_plain(v) for v in value)
    return False


def _fast_default(obj):
    """What orjson does not write itself, written as the converter unstructures it."""
    cls = type(obj)
    if cls is Decimal:
        return str(obj)
    if cls is date:
        return obj.isoformat()
    if isinstance(obj, Enum):   # as the converter writes a closed vocabulary: its value
        return _fast_default(obj.value) if not isinstance(obj.value, _PLAIN) else obj.value
    shape = _SHAPES.get(cls, False)
    if shape is False:
        shape = _SHAPES[cls] = _Shape(cls) if attrs.has(cls) else None
    if shape is None:
        raise TypeError(f"{cls.__name__}: left to the definition")
    out = {name: getattr(obj, name) for name in shape.names}
    for name in shape.open:
        if not _plain(out[name]):
            raise TypeError(f"{cls.__name__}.{name}: left to the definition")
    return out


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def from_payload(type_name: str, schema_version: int, payload: dict, *, explain_errors: bool = False) -> Event:
    cls = event_class(type_name)
    if schema_version > cls.SCHEMA_VERSION:
        raise ValueError(f"{type_name} v{schema_version} is newer than this program (v{cls.SCHEMA_VERSION})")
    while schema_version < cls.SCHEMA_VERSION:
        step = UPCASTERS.get((type_name, schema_version))
        if step is None:
            raise ValueError(f"no upcaster for {type_name} v{schema_version}")
        payload = step(payload)
        schema_version += 1
    return _converters()[0 if explain_errors else 1].structure(payload, cls)


def from_json(type_name: str, schema_version: int, text: str) -> Event:
    return from_payload(type_name, schema_version, json.loads(text))


def problems(error: BaseException, path: tuple[str, ...] = ()) -> list[str]:
    """What is wrong with a payload, one ``field: problem`` a line, from what ``from_payload(...,
    explain_errors=True)`` raised: the records' own rules, and cattrs' per-field errors."""
    import cattrs
    from cattrs.errors import AttributeValidationNote, IterableValidationNote
    if isinstance(error, cattrs.BaseValidationError):
        out = []
        for sub in error.exceptions:
            step = ()
            for note in getattr(sub, "__notes__", ()):
                if isinstance(note, AttributeValidationNote):
                    step = (note.name,)
                elif isinstance(note, IterableValidationNote):
                    step = (f"[{note.index}]",)
            out += problems(sub, path + step)
        return out
    where = ".".join(path).replace(".[", "[")
    if isinstance(error, InvalidEvent):
        field = f"{where}.{error.field}" if where else error.field
        return [f"{field}: {error.problem}"]
    detail = str(error) or type(error).__name__
    return [f"{where}: {detail}" if where else detail]
