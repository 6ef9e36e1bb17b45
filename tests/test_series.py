"""The dilution series (ledger/projections/series.py): common and fully diluted shares at each date
they change, the financings and the warrant expiries, value by value, on the NeoTherapeutics
ledger and on events built here; and, on random ledgers, the same figures a replay gives at any date."""
from __future__ import annotations

import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events import (
    DAY_RANK, CommonIssued, ConversionTerms, NoteIssued, PreferredIssued, Provenance, QuantityBasis, Quote,
    WarrantExercised, WarrantGranted, WarrantKind,
)
from events.envelope import StoredEvent
from ledger.projections.dilution import of_report
from ledger.projections.series import CONVERSION_PRICE, PRICE, Expiry, Step, dilution_series
from ledger.services.chart import NothingToChart, issuer_series
from ledger.store import MEMORY, open_store
from ledger.views import UnknownIssuer, effective_events, replay_issuers, replay_ledger, resolve_issuer
from tests.random_ledger import days, filings, recorded

SHIPPED = Path(__file__).resolve().parents[1] / "ledger.db"
D = date.fromisoformat


@pytest.fixture(scope="module")
def neo(tmp_path_factory):
    db = Path(shutil.copy(SHIPPED, tmp_path_factory.mktemp("series") / "ledger.db"))
    store = open_store(str(db), read_only=True)
    yield store
    store.close()


def figures(step: Step) -> tuple[int, int, int]:
    return step.common_shares, step.fully_diluted_at_fixed_price, step.fully_diluted_at_cap


def in_force(steps, day: date) -> Step | None:
    found = None
    for s in steps:
        if s.date <= day:
            found = s
    return found


def test_neotherapeutics_steps_value_by_value(neo):
    series = issuer_series(neo, "NeoTherapeutics").series
    assert (series.start, series.end) == (D("1999-01-29"), D("2005-05-01"))     # first event, last expiry
    assert [(s.date.isoformat(), *figures(s)) for s in series.steps] == [
        # the Series A preferred: no common yet, 75,000 warrants + 4,000,000 / 13.06 = 306,278 as
        # converted at its fixed price (rounded down), its cap of 1,450,000 at the cap
        ("1999-01-29", 0, 381_278, 1_525_000),
        ("1999-11-19", 845_594, 1_353_711, 2_497_433),
        ("2000-02-25", 1_365_918, 1_978_035, 3_121_757),
        ("2000-04-28", 1_865_918, 2_478_035, 3_621_757),
        ("2000-05-01", 1_865_918, 2_603_035, 3_746_757),       # the April warrants are granted on May 1
        ("2002-03-13", 4_440_918, 5_821_785, 6_965_507),
        ("2002-03-15", 4_965_918, 6_478_035, 7_621_757),
        # each expiry lowers both fully diluted counts by its warrant shares, and common not at all
        ("2004-01-29", 4_965_918, 6_403_035, 7_546_757),
        ("2004-11-19", 4_965_918, 6_276_196, 7_419_918),
        ("2005-02-25", 4_965_918, 6_172_196, 7_315_918),
        ("2005-05-01", 4_965_918, 6_047_196, 7_190_918),
    ]
    assert figures(in_force(series.steps, D("1999-11-19")))[0] == 845_594
    assert figures(in_force(series.steps, D("2000-06-30"))) == (1_865_918, 2_603_035, 3_746_757)


def test_neotherapeutics_agrees_with_replay_at_each_step_and_the_day_before(neo):
    key = resolve_issuer(neo, "NeoTherapeutics")
    series = issuer_series(neo, "NeoTherapeutics").series
    for day in sorted({s.date for s in series.steps} | {s.date - timedelta(days=1) for s in series.steps[1:]}):
        [report] = replay_ledger(neo, as_of=day, issuer_key=key).issuers
        f = of_report(report)
        assert figures(in_force(series.steps, day)) == (f.common_shares, f.total_at_fixed_price, f.total_at_cap), day


def test_neotherapeutics_financings_to_mid_2000(neo):
    series = issuer_series(neo, "neo", end=D("2000-06-30")).series
    assert series.end == D("2000-06-30")
    assert figures(series.steps[-1]) == (1_865_918, 2_603_035, 3_746_757)
    assert [(f.date.isoformat(), f.securities, f.common_shares, f.price) for f in series.financings] == [
        ("1999-01-29", ("5% Series A Preferred Stock with Conversion Features",), None, Decimal("13.06")),
        ("1999-11-19", ("Common Stock",), 845_594, Decimal("11.826")),
        ("2000-02-25", ("Common Stock",), 520_324, Decimal("15.375")),
        ("2000-04-28", ("Common Stock",), 500_000, Decimal("14.00")),
    ]
    [preferred] = series.financings[0].issues
    assert (preferred.kind, preferred.amount, preferred.price_kind, preferred.variable_price) == \
        ("preferred", Decimal("4000000"), CONVERSION_PRICE, True)
    assert series.financings[1].issues[0].price_kind == PRICE
    assert series.expiries == ()          # the first expiry is in 2004


def test_neotherapeutics_two_closings_of_one_filing_are_two_markers(neo):
    series = issuer_series(neo, "neo").series
    march = [f for f in series.financings if f.date.year == 2002]
    assert len({f.stream for f in march}) == 1
    assert [(f.date.isoformat(), f.common_shares, f.price) for f in march] == [
        ("2002-03-13", 2_575_000, Decimal("2.00")), ("2002-03-15", 525_000, Decimal("2.00"))]


def test_neotherapeutics_expiries_and_the_count_falling_at_each(neo):
    series = issuer_series(neo, "neo").series
    assert [(e.date.isoformat(), e.tranche, e.shares, e.exercise_price) for e in series.expiries] == [
        ("2004-01-29", "Warrants", 75_000, Decimal("12.98")),
        ("2004-11-19", "Closing Warrants", 126_839, Decimal("14.24")),
        ("2005-02-25", "Warrants", 104_000, Decimal("21.00")),
        ("2005-05-01", "Warrants", 125_000, Decimal("17.50")),
    ]
    for e in series.expiries:
        before = in_force(series.steps, e.date - timedelta(days=1))
        after = in_force(series.steps, e.date)
        assert after.date == e.date
        assert before.fully_diluted_at_fixed_price - after.fully_diluted_at_fixed_price == e.shares
        assert before.fully_diluted_at_cap - after.fully_diluted_at_cap == e.shares
        assert before.common_shares == after.common_shares


def test_a_range_opens_with_the_figures_in_force_and_keeps_only_what_falls_in_it(neo):
    series = issuer_series(neo, "neo", start=D("2000-03-01"), end=D("2004-12-31")).series
    assert (series.start, series.end) == (D("2000-03-01"), D("2004-12-31"))
    assert [(s.date.isoformat(), *figures(s)) for s in series.steps] == [
        ("2000-03-01", 1_365_918, 1_978_035, 3_121_757),       # as of the first day, not the next event
        ("2000-04-28", 1_865_918, 2_478_035, 3_621_757),
        ("2000-05-01", 1_865_918, 2_603_035, 3_746_757),
        ("2002-03-13", 4_440_918, 5_821_785, 6_965_507),
        ("2002-03-15", 4_965_918, 6_478_035, 7_621_757),
        ("2004-01-29", 4_965_918, 6_403_035, 7_546_757),
        ("2004-11-19", 4_965_918, 6_276_196, 7_419_918),
    ]
    assert [f.date.isoformat() for f in series.financings] == ["2000-04-28", "2002-03-13", "2002-03-15"]
    assert [e.date.isoformat() for e in series.expiries] == ["2004-01-29", "2004-11-19"]


def test_a_range_after_every_change_is_one_step(neo):
    series = issuer_series(neo, "neo", start=D("2006-01-01"), end=D("2007-01-01")).series
    assert [(s.date.isoformat(), *figures(s)) for s in series.steps] == [("2006-01-01", 4_965_918, 6_047_196, 7_190_918)]
    assert series.financings == () and series.expiries == ()


def test_nothing_by_the_end_and_unknown_issuer(neo):
    with pytest.raises(NothingToChart, match=r"^NeoTherapeutics, Inc\. has no event in the ledger by 1998-12-31$"):
        issuer_series(neo, "neo", end=D("1998-12-31"))
    with pytest.raises(NothingToChart, match="2001-01-01 is after 2000-01-01"):
        issuer_series(neo, "neo", start=D("2001-01-01"), end=D("2000-01-01"))
    with pytest.raises(UnknownIssuer, match="no issuer in the ledger matches 'acme'"):
        issuer_series(neo, "acme")


# -- events built here -----------------------------------------------------------------------------

KEY, OTHER = "cik:9", "cik:8"


def said(stream: str, text: str) -> Provenance:
    return Provenance(stream, (Quote(0, len(text), text),))


def stored(*pairs: tuple[str, object]) -> list[StoredEvent]:
    """(event id, event) pairs in replay order, as the store hands them back; ids "OTHER..." are another issuer's."""
    ordered = sorted(pairs, key=lambda p: (p[1].effective_date, DAY_RANK[p[1].TYPE]))
    return [StoredEvent(seq=n, event_id=i, stream=e.provenance.filing, version=n,
                        issuer_key=OTHER if i.startswith("OTHER") else KEY, type=e.TYPE,
                        schema_version=e.SCHEMA_VERSION, effective_date=e.effective_date, public_date=None,
                        recorded_at="2024-01-01T00:00:00Z", quote="", prev_hash="0" * 64, hash=f"{n:064x}", event=e)
            for n, (i, e) in enumerate(ordered, 1)]


BUILT = stored(
    ("a-2", CommonIssued(effective_date=D("2001-01-10"), provenance=said("A", "sold"), shares=1000,
                         price=Decimal("2.50"), consideration=Decimal("2500"), consideration_kind="cash")),
    ("a-3", WarrantGranted(effective_date=D("2001-01-10"), provenance=said("A", "warrants"), tranche="A Warrants",
                           kind=WarrantKind.INVESTOR, shares=400, exercise_price=Decimal("3.00"),
                           expires_on=D("2003-01-10"))),
    ("a-4", WarrantGranted(effective_date=D("2001-01-10"), provenance=said("A", "finder"), tranche="Finder",
                           kind=WarrantKind.FINDER, shares=None, quantity_basis=QuantityBasis.UNDISCLOSED,
                           exercise_price=None, exercise_price_basis="undisclosed", expires_on=D("2002-12-01"))),
    # a preferred that converts at $5.00 (2,000 shares) or at a variable price, never into more than
    # 3,000, and a note that converts at $3.00 (2,000 shares) until it matures
    ("b-2", PreferredIssued(effective_date=D("2001-06-01"), provenance=said("B", "preferred"), series="Series B",
                            title="Series B Convertible Preferred Stock", stated_amount=Decimal("10000"),
                            stated_amount_basis="stated", consideration_kind="cash",
                            conversion=ConversionTerms(fixed_price=Decimal("5.00"), fixed_price_basis="stated",
                                                       variable_formula="95% of the market price", share_cap=3000))),
    ("b-3", NoteIssued(effective_date=D("2001-06-01"), provenance=said("B", "note"), security="Convertible Notes",
                       principal=Decimal("6000"), conversion_price=Decimal("3.00"), conversion_price_basis="stated",
                       maturity=D("2002-06-01"))),
    ("m-1", WarrantExercised(effective_date=D("2001-09-01"), provenance=said("M", "exercise"), tranche="a-3",
                             shares=100)),
    ("OTHER-1", CommonIssued(effective_date=D("2001-03-01"), provenance=said("O", "other"), shares=99_999,
                             price=Decimal("1"), consideration=Decimal("99999"), consideration_kind="cash")),
)


def test_built_events_step_by_step():
    series = dilution_series(BUILT, issuer_key=KEY)
    assert (series.start, series.end) == (D("2001-01-10"), D("2003-01-10"))
    assert [(s.date.isoformat(), *figures(s)) for s in series.steps] == [
        ("2001-01-10", 1000, 1400, 1400),
        ("2001-06-01", 1000, 1400 + 2000 + 2000, 1400 + 3000 + 2000),
        ("2001-09-01", 1100, 5400, 6400),         # an exercise: 100 warrants become 100 common
        ("2002-06-01", 1100, 3400, 4400),         # the note matures: a date alone, no event
        # 2002-12-01: the finder's warrants expire, of no stated quantity: nothing changes
        ("2003-01-10", 1100, 3100, 4100),         # 300 warrants left expire
    ]
    assert series.expiries == (Expiry(D("2002-12-01"), "Finder", None, None, "a-4"),
                               Expiry(D("2003-01-10"), "A Warrants", 300, Decimal("3.00"), "a-3"))
    first, second = series.financings
    assert (first.date, first.stream, first.common_shares, first.price) == (D("2001-01-10"), "A", 1000, Decimal("2.50"))
    assert (second.date, second.stream, second.securities, second.common_shares, second.price) == \
        (D("2001-06-01"), "B", ("Series B Convertible Preferred Stock", "Convertible Notes"), None, None)
    assert [(i.kind, i.amount, i.price, i.variable_price) for i in second.issues] == [
        ("preferred", Decimal("10000"), Decimal("5.00"), True), ("note", Decimal("6000"), Decimal("3.00"), False)]


def test_built_events_in_a_range():
    series = dilution_series(BUILT, issuer_key=KEY, start=D("2001-07-01"), end=D("2002-12-31"))
    assert [(s.date.isoformat(), *figures(s)) for s in series.steps] == [
        ("2001-07-01", 1000, 5400, 6400), ("2001-09-01", 1100, 5400, 6400), ("2002-06-01", 1100, 3400, 4400)]
    assert series.financings == ()
    assert [e.tranche for e in series.expiries] == ["Finder"]


def test_a_range_before_the_first_event_starts_at_the_range_but_draws_from_the_first_event():
    series = dilution_series(BUILT, issuer_key=KEY, start=D("2000-01-01"), end=D("2001-03-01"))
    assert series.start == D("2000-01-01")                # no step of zeros before anything was recorded
    assert [s.date.isoformat() for s in series.steps] == ["2001-01-10"]


def test_another_issuers_events_are_skipped_and_no_events_is_an_empty_series():
    assert dilution_series(BUILT, issuer_key=OTHER).steps[0].common_shares == 99_999
    empty = dilution_series(BUILT, issuer_key="cik:nobody")
    assert (empty.start, empty.end, empty.steps, empty.financings, empty.expiries) == (None, None, (), (), ())


# -- random ledgers: the series is the replay at every date ----------------------------------------

@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_the_figures_in_force_on_any_day_are_the_replays(data):
    store = open_store(MEMORY)
    data.draw(filings(store))
    data.draw(recorded(store))
    keys = sorted({info.issuer_key for info in store.streams()})
    for key in keys:
        series = dilution_series(effective_events(store, as_of=None, issuer_key=key), issuer_key=key)
        if not series.steps:
            continue
        assert [s.date for s in series.steps] == sorted({s.date for s in series.steps})
        probes = {s.date for s in series.steps} | {s.date - timedelta(days=1) for s in series.steps}
        probes |= set(data.draw(st.lists(days, max_size=3)))
        for day in sorted(probes):
            reports = list(replay_issuers(store, as_of=day, issuer_key=key).issuers)
            step = in_force(series.steps, day)
            if step is None:                         # before its first event: not in the replay either
                assert reports == [], (key, day)
                continue
            f = of_report(reports[0])
            assert figures(step) == (f.common_shares, f.total_at_fixed_price, f.total_at_cap), (key, day)
