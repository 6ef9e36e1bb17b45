"""The append's fast payload encoder (orjson) against the definition (cattrs + json.dumps with sorted
keys): the same bytes for every event type, whatever text, numbers and dates an event holds. A
payload is hashed into the chain, so one differing byte would make two ledgers of the same events
differ."""
from __future__ import annotations

import typing
from datetime import date, datetime
from decimal import Decimal

import attrs
from hypothesis import HealthCheck, Phase, assume, find, given, settings, strategies as st

from events import BY_TYPE, Provenance, Quote, codec
from events import records as events_records
from events.rules import InvalidEvent

# Any text: quotes, backslashes, control characters, U+2028, astral characters (no lone surrogates:
# they cannot be stored as UTF-8 at all, by either encoder).
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
decimals = st.decimals(min_value=Decimal("0.0001"), max_value=10**12, places=4) | \
    st.decimals(min_value=-10**12, max_value=10**12, allow_nan=False, allow_infinity=False)
# What a correction's open value may be, and what the fast path must hand to the definition.
open_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | text | st.floats(allow_nan=False)
    | st.dates() | st.datetimes() | decimals,
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner), max_leaves=6)

st.register_type_strategy(Quote, st.builds(lambda s, t: Quote(s, s + len(t), t), st.integers(0, 10**6), text))
st.register_type_strategy(Provenance, st.builds(Provenance, text, st.lists(st.from_type(Quote), min_size=1, max_size=3).map(tuple)))
st.register_type_strategy(Decimal, decimals)
st.register_type_strategy(int, st.integers(1, 10**9) | st.integers(-2**63, 2**63))
# Plain str and float: once numpy is imported (matplotlib, by the chart tests), from_type(str) and
# from_type(float) also draw numpy's subclasses, which no event holds: the records then failed
# validation hundreds of times over, slowly, and the reach test below found a type unbuildable.
st.register_type_strategy(str, text)
st.register_type_strategy(float, st.floats())


def value_for(kind):
    if kind is typing.Any:
        return open_values
    return st.from_type(kind)


@st.composite
def records(draw, cls):
    """Any valid record of an attrs class, its fields drawn from their types (validators decide)."""
    hints = typing.get_type_hints(cls)
    # A field with a default is left to it half the time: validators accept far more of those.
    kwargs = {f.name: draw(value_for(hints[f.name])) for f in attrs.fields(cls)
              if f.init and (f.default is attrs.NOTHING or draw(st.booleans()))}
    try:
        return cls(**kwargs)
    except (InvalidEvent, ValueError, TypeError):
        assume(False)


# Every attrs class an event holds (terms, changes, issuers) is drawn the same way, validators and all.
for _cls in {v for module in (events_records,) for v in vars(module).values()
             if isinstance(v, type) and attrs.has(v) and v not in (Quote, Provenance)}:
    st.register_type_strategy(_cls, st.deferred(lambda c=_cls: records(c)))

events = records
any_event = st.sampled_from(sorted(BY_TYPE)).flatmap(lambda name: records(BY_TYPE[name]))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(event=any_event)
def test_the_fast_encoder_writes_the_definitions_bytes_for_every_event_type(event):
    assert codec.to_json(event) == codec.canonical_json(codec.to_payload(event))


def test_every_event_type_is_reached_by_the_property():
    """The strategy builds every registered type (a type it never built would go unproven). One
    valid record of each is enough: ``find`` stops at the first, without shrinking it."""
    built = set()
    quick = settings(database=None, derandomize=True, max_examples=1000, phases=[Phase.generate],
                     suppress_health_check=list(HealthCheck))
    for cls in BY_TYPE.values():
        built.add(type(find(events(cls), lambda event: True, settings=quick)).TYPE)
    assert built == set(BY_TYPE)


def test_what_orjson_would_write_differently_takes_the_definitions_path():
    from events import EventCorrected, FieldChange
    prov = Provenance("s", (Quote(0, 1, "x"),))
    for value in (1e16, 0.1, datetime(2020, 1, 2, 3, 4, 5), 2**80, {"a"}, [1.5]):
        event = EventCorrected(effective_date=date(2020, 1, 1), provenance=prov, target="t-1",
                               changes=(FieldChange("shares", value),), reason="r")
        try:
            expected = codec.canonical_json(codec.to_payload(event))
        except TypeError:
            continue
        assert codec.to_json(event) == expected
