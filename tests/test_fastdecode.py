"""events.fastdecode reads stored events as cattrs does: the same objects (equal, and of the same
types all the way down: tuples not lists, Decimals with their exponents, enum members, dates,
nested records), and for anything else, a tampered payload or an older schema, the same outcome,
error messages included, because it hands those to cattrs.

Random valid events of every registered type are built from their attrs fields (hypothesis), so a
field added to a record is covered without a change here; random tampering of their payloads
(a value replaced by any JSON value, a key dropped, a key added) must give what cattrs gives.
"""
from __future__ import annotations

import json
import sqlite3
import typing
from datetime import date
from decimal import Decimal
from enum import Enum

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from events import ALL_EVENTS, CommonIssued, StockSplit, codec, fastdecode, rules, to_json
from events.envelope import StoredEvent
from events.provenance import Quote
from ledger.store import open_store
from ledger.store.mapping import COLUMNS, UnreadableEvent, decode, decode_event, to_stored
from ledger.store.sqlite import EVENT_COLUMNS
from ledger.store.sqlite_schema import NO_REPLACE, TRIGGERS
from tests.store.support import D1, S1, common, one_stream

# -- random valid events of every registered type, from their attrs fields ----------------------

JSON_SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                | st.text(max_size=8))
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=6)
DECIMALS = (st.decimals(min_value=0, allow_nan=False, allow_infinity=False)
            | st.sampled_from([Decimal("-0"), Decimal("0.000"), Decimal("1E+3"), Decimal("12.50"), Decimal("1E-7")]))
QUOTES = st.builds(lambda start, length, text: Quote(start, start + length, text),
                   st.integers(0, 10**9), st.integers(0, 10**6), st.text(max_size=30))


def validators(a: attrs.Attribute) -> tuple:
    return getattr(a.validator, "_validators", (a.validator,))


def required(tp, a: attrs.Attribute | None, full: bool = False):
    if a is not None and rules.split_side in validators(a):
        return st.integers(1, rules.MAX_SPLIT_FACTOR)
    options = next((v.options for v in (validators(a) if a else ()) if hasattr(v, "options")), None)
    if options is not None:
        return st.sampled_from(options)
    if tp is typing.Any:
        return JSON_VALUES
    if tp is str:
        return st.text(max_size=12)
    if tp is int:
        return st.integers(0, rules.MAX_EXACT_COUNT)
    if tp is bool:
        return st.booleans()
    if tp is Decimal:
        return DECIMALS
    if tp is date:
        return st.dates(rules.EARLIEST_DATE, rules.LATEST_DATE)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return st.sampled_from(list(tp))
    if tp is Quote:
        return QUOTES
    if attrs.has(tp):
        return record(tp, full)
    if typing.get_origin(tp) is tuple:
        item = typing.get_args(tp)[0]
        return st.lists(required(item, None, full), min_size=1 if item is Quote or full else 0, max_size=3).map(tuple)
    raise AssertionError(f"no strategy for {tp!r}: extend this test for the new field type")


def value(a: attrs.Attribute, full: bool):
    """Any value of the field; with ``full``, never None and no empty tuple, so nested records and
    their rules are all there to be tampered with."""
    optional, inner = fastdecode._is_optional(a.type)
    return st.none() | required(inner, a) if optional and not full else required(inner, a, full)


@st.composite
def record(draw, cls, full: bool = False):
    attrs.resolve_types(cls)
    kwargs = {a.name: draw(value(a, full)) for a in attrs.fields(cls)}
    try:
        return cls(**kwargs)
    except ValueError:   # the record's own rules (InvalidEvent is a ValueError): not a valid event
        assume(False)


ANY_EVENT = st.one_of([record(cls) for cls in ALL_EVENTS])


def same(a, b) -> bool:
    """Equal, and of the same types all the way down (Decimal("5") == 5, and "stated" == Basis.STATED)."""
    if type(a) is not type(b):
        return False
    if attrs.has(type(a)):
        return all(same(getattr(a, f.name), getattr(b, f.name)) for f in attrs.fields(type(a)))
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)   # canonical JSON sorts keys
    if isinstance(a, Decimal):
        return a.as_tuple() == b.as_tuple()
    return a == b


def outcome(read, type_name: str, schema_version: int, payload):
    try:
        return read(type_name, schema_version, payload), None
    except Exception as e:   # noqa: BLE001 - the outcome compared is the error itself
        return None, (type(e), str(e))


# -- valid events: the fast path reads them, and reads them as cattrs does ---------------------


def test_every_registered_event_type_has_a_fast_path():
    assert fastdecode.UNSUPPORTED == {}
    assert set(fastdecode.BUILDERS) == set(ALL_EVENTS)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(ANY_EVENT)
def test_a_valid_event_reads_back_as_itself_and_as_cattrs_reads_it(event):
    cls = type(event)
    text = to_json(event)
    built = fastdecode.BUILDERS[cls](json.loads(text))   # the fast path itself: no fallback to hide in
    assert same(built, event)
    assert same(built, codec.from_json(cls.TYPE, cls.SCHEMA_VERSION, text))
    assert same(fastdecode.from_json(cls.TYPE, cls.SCHEMA_VERSION, text), event)


# -- tampered payloads: whatever cattrs makes of them, the fast path makes too -----------------

SUSPECT_TEXT = st.sampled_from(["12", "-1", "1.5", " 7 ", "1e3", "NaN", "Infinity", "-0", "", "2021-03-01",
                                "20210301", "1899-12-31", "stated", "fixed", "cash", "closing", "true"])
TAMPERED_VALUE = (JSON_VALUES | SUSPECT_TEXT | st.integers(-2, 2) | st.sampled_from([2**53, 2**53 - 1, 1.0, 1.5, True])
                  | st.lists(SUSPECT_TEXT, max_size=2))


def places(payload) -> list[tuple]:
    """Every (container, key) in a payload, nested records and lists included."""
    out = []
    items = payload.items() if isinstance(payload, dict) else enumerate(payload)
    for key, v in items:
        out.append((payload, key))
        if isinstance(v, (dict, list)):
            out += places(v)
    return out


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(ANY_EVENT, st.data())
def test_a_tampered_payload_reads_as_cattrs_reads_it(event, data):
    cls = type(event)
    payload = json.loads(to_json(event))
    for _ in range(data.draw(st.integers(1, 2))):
        container, key = data.draw(st.sampled_from(places(payload)))
        how = data.draw(st.sampled_from(["replace", "drop", "add"]))
        if how == "replace":
            container[key] = data.draw(TAMPERED_VALUE)
        elif how == "drop" and isinstance(container, dict):
            del container[key]
        elif isinstance(container, dict):
            container[data.draw(st.text(max_size=12))] = data.draw(TAMPERED_VALUE)
    text = json.dumps(payload)
    fast, fast_error = outcome(fastdecode.from_payload, cls.TYPE, cls.SCHEMA_VERSION, json.loads(text))
    slow, slow_error = outcome(codec.from_payload, cls.TYPE, cls.SCHEMA_VERSION, json.loads(text))
    assert fast_error == slow_error
    assert same(fast, slow)


SUSPECTS = (None, 0, -1, 1, True, 1.5, 2**53, 2**53 - 1, rules.MAX_SPLIT_FACTOR + 1, "0", "-1", "-0", "1.5", " 7 ",
            "NaN", "Infinity", "-Infinity", "sNaN", "", "2021-03-01", "1899-12-31", "2200-01-01", "stated", "fixed", "cash", "down", "sideways", [], ["x"],
            {}, {"start": 1, "end": 0, "text": "x"})


@pytest.mark.parametrize("cls", ALL_EVENTS, ids=lambda c: c.TYPE)
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_every_field_set_to_each_suspect_value_reads_as_cattrs_reads_it(cls, data):
    """Each rule of a record (a figure missing but stated, a count past 2^53, a price of 0, a date
    out of range, a quote that ends before it starts...) met on every field in turn."""
    event = data.draw(record(cls, full=True))
    text = to_json(event)
    for n in range(len(places(json.loads(text)))):
        for suspect in SUSPECTS:
            payload = json.loads(text)
            container, key = places(payload)[n]
            container[key] = suspect
            fast, fast_error = outcome(fastdecode.from_payload, cls.TYPE, cls.SCHEMA_VERSION, payload)
            slow, slow_error = outcome(codec.from_payload, cls.TYPE, cls.SCHEMA_VERSION, payload)
            assert fast_error == slow_error, (key, suspect)
            assert same(fast, slow), (key, suspect)


def common_payload() -> dict:
    return json.loads(to_json(common(S1, D1)))


@pytest.mark.parametrize("change", [
    {"shares": "1000000"},                         # a string where an int goes: cattrs' int() takes it
    {"shares": 1000000.0},                         # a float where an int goes
    {"shares": True},                              # a bool where an int goes: cattrs makes it 1
    {"shares": -5},                                # a rule broken
    {"shares": None},                              # missing, but its basis says stated
    {"price": 11.826},                             # a float where a decimal goes
    {"price": "NaN"},
    {"buyers": "Alpha Fund LP"},                   # a string where a list goes: its letters
    {"security": 5},                               # an int where a string goes: cattrs' str() takes it
    {"price_basis": "STATED"},                     # not a member of the vocabulary
    {"consideration_kind": "cash "},
    {"effective_date": "20210301"},                # fromisoformat's other syntax: both read it
    {"effective_date": "1899-12-31"},              # out of range
    {"surprise": 1},                               # an extra field
    {"provenance": {"filing": S1, "quotes": []}},  # no quote
    {"provenance": {"filing": S1, "quotes": [{"start": 5, "end": 4, "text": "x"}]}},
    {"provenance": {"filing": S1, "quotes": [{"start": "5", "end": 9, "text": "x"}]}},
])
def test_each_tampering_reads_as_cattrs_reads_it(change):
    payload = {**common_payload(), **change}
    fast, fast_error = outcome(fastdecode.from_payload, CommonIssued.TYPE, 2, payload)
    slow, slow_error = outcome(codec.from_payload, CommonIssued.TYPE, 2, payload)
    assert fast_error == slow_error
    assert same(fast, slow)


def test_a_split_that_changes_nothing_reads_as_cattrs_reads_it():
    split = StockSplit(effective_date=D1, provenance=common(S1, D1).provenance, numerator=1, denominator=200)
    payload = {**json.loads(to_json(split)), "denominator": 1}
    fast, fast_error = outcome(fastdecode.from_payload, StockSplit.TYPE, 1, payload)
    assert fast_error == outcome(codec.from_payload, StockSplit.TYPE, 1, payload)[1]
    assert fast_error is not None and "changes nothing" in fast_error[1]


def test_a_missing_field_is_cattrs_error():
    payload = common_payload()
    del payload["consideration_kind"]
    with pytest.raises(Exception) as fast:
        fastdecode.from_payload(CommonIssued.TYPE, 2, payload)
    with pytest.raises(Exception) as slow:
        codec.from_payload(CommonIssued.TYPE, 2, payload)
    assert (type(fast.value), str(fast.value)) == (type(slow.value), str(slow.value))


def test_an_older_schema_version_is_upcast_as_before():
    payload = common_payload()
    del payload["consideration_kind"]      # as v1 wrote it
    upcast = fastdecode.from_payload(CommonIssued.TYPE, 1, payload)
    assert same(upcast, codec.from_payload(CommonIssued.TYPE, 1, payload))
    assert upcast.consideration_kind == "cash"


@pytest.mark.parametrize("text", ['  {"a": 1}', '{"a": 1} ', "not json", "", '{"a": 1}{}', None, b'{"a": 1}'])
def test_text_that_is_not_one_json_object_is_read_by_json_loads(text):
    def either(read):
        try:
            return read("common_issued", 2, text)
        except Exception as e:   # noqa: BLE001
            return type(e), str(e)
    assert either(fastdecode.from_json) == either(codec.from_json)


# -- through the store: cursor tuples, and the same UnreadableEvent for a tampered row ----------


def test_the_read_query_returns_the_columns_in_the_mapping_order():
    assert tuple(c.strip().removeprefix("e.") for c in EVENT_COLUMNS.split(",")) == COLUMNS


@pytest.fixture
def ledger(tmp_path):
    path = tmp_path / "ledger.db"
    with open_store(path, create=True) as store:
        one_stream(store)
    return path


def test_sqlite_read_and_log_give_what_the_dict_rows_give(ledger):
    with open_store(ledger, read_only=True) as store:
        read, log = list(store.read()), list(store.log())
    con = sqlite3.connect(ledger)
    con.row_factory = sqlite3.Row
    by_dict = [to_stored(dict(r)) for r in con.execute("SELECT * FROM events ORDER BY seq")]
    assert len(log) == 4 and all(map(same, log, by_dict))
    assert sorted(read, key=lambda e: e.seq) == log


def tamper(path, seq: int, payload: dict) -> None:
    con = sqlite3.connect(path)
    for statement in TRIGGERS + NO_REPLACE:
        con.execute("DROP TRIGGER " + statement.split("CREATE TRIGGER ")[1].split()[0])   # our own names
    con.execute("UPDATE events SET payload = :p WHERE seq = :seq", {"p": json.dumps(payload), "seq": seq})
    con.commit()
    con.close()


@pytest.mark.parametrize("change, says", [
    ({"shares": "many"}, "invalid literal for int()"),     # a string where an int goes
    ({"surprise": 1}, "surprise"),                          # an extra field
    ({"price_basis": None}, "None is not a valid Basis"),
])
def test_a_tampered_row_stops_the_read_with_the_cattrs_message(ledger, change, says):
    stored = json.loads(sqlite3.connect(ledger).execute("SELECT payload FROM events WHERE seq = 2").fetchone()[0])
    tamper(ledger, 2, {**stored, **change})
    row = dict(zip(COLUMNS, sqlite3.connect(ledger).execute("SELECT * FROM events WHERE seq = 2").fetchone()))
    try:
        codec.from_json(row["type"], row["schema_version"], row["payload"])
    except Exception as e:   # noqa: BLE001 - what cattrs says is what the store must say
        expected = str(e)
    with open_store(ledger, read_only=True) as store, pytest.raises(UnreadableEvent) as caught:
        list(store.log())
    assert says in str(caught.value) and str(caught.value).endswith(f"v2): {expected}")
    with pytest.raises(UnreadableEvent) as direct:
        decode(row)
    assert str(direct.value) == f"cannot read seq 2 ({row['event_id']}, common_issued v2): {expected}"


def test_a_missing_field_in_a_row_is_named():
    payload = common_payload()
    del payload["provenance"]
    with pytest.raises(UnreadableEvent, match="provenance"):
        decode_event(7, "e7", CommonIssued.TYPE, 2, json.dumps(payload))


def test_a_stored_event_is_made_as_its_class_makes_it(ledger):
    with open_store(ledger, read_only=True) as store:
        stored = next(iter(store.log()))
    columns = {f.name: getattr(stored, f.name) for f in attrs.fields(StoredEvent)}
    assert same(StoredEvent(**columns), stored)
    assert fastdecode.plain_maker(Quote) is Quote   # a record with a rule is left to its own __init__
