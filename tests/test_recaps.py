"""One sale told by several kinds of filing is counted once: an 8-K's sale recapped by a 10-Q, in
either order of ingest, in one batch or two; an offering priced in a prospectus, superseded by the
closing an 8-K reports."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

import attrs

from events import CommonIssued, ConsiderationKind, FeePaid, FilingRecorded, Issuer, Provenance, Quote, WarrantGranted
from ledger.ids import event_id
from ledger.recaps import CLOSING_DAYS, PRICED_AFTER_DAYS, RECAP_DAYS, Telling, marks
from ledger.store import open_store
from ledger.views import replay_ledger

ROOT = Path(__file__).resolve().parents[1]
EIGHT_K = ROOT / "tests" / "filings" / "recap_pair_8k.txt"
TEN_Q = ROOT / "tests" / "filings" / "recap_pair_10q.txt"


def _report(db: Path, as_of: date = date(2001, 12, 31), known_at: date | None = None):
    with open_store(db) as store:
        [report] = replay_ledger(store, as_of=as_of, known_at=known_at).issuers
        marks_ = [e for e in store.log(types=["event_retracted"])]
    return report, marks_


def _sale(report, shares: int):
    return [h for h in report.holdings if h.shares == shares]


@pytest.mark.parametrize("order", ["8-K first", "10-Q first"])
@pytest.mark.parametrize("batch", [True, False], ids=["one batch", "two runs"])
def test_a_sale_the_10q_repeats_is_counted_once(run, tmp_path, order, batch):
    db = tmp_path / "l.db"
    files = [EIGHT_K, TEN_Q] if order == "8-K first" else [TEN_Q, EIGHT_K]
    if batch:
        result = run("--db", db, "ingest", *files)
        assert result.exit_code == 0, result.output
    else:
        for f in files:
            result = run("--db", db, "ingest", f)
            assert result.exit_code == 0, result.output
    report, found = _report(db)
    [sale] = _sale(report, 750000)
    [grant] = [w for w in report.warrants if w.shares == 150000]
    # The 8-K's telling counts, whichever came first.
    with open_store(db) as store:
        eight_k = next(store.streams(form="8-K")).stream
        ten_q = next(s for s in store.streams() if s.form == "10-Q").stream
    assert sale.event_ids[0] == event_id(eight_k, 2) and grant.event_ids[0] == event_id(eight_k, 3)
    assert (sale.price, grant.exercise_price) == (Decimal("8.00"), Decimal("10.00"))
    # The 10-Q's two tellings are marked recaps, each naming the 8-K event counted instead.
    recaps = [m.event for m in found if m.event.kind == "recap"]
    assert len(recaps) == 2
    assert {m.by for m in recaps} == {sale.event_ids[0], grant.event_ids[0]}
    with open_store(db) as store:
        for m in recaps:
            assert store.event(m.target).stream == ten_q
            assert m.reason.startswith("recap: a later report of the sale reported by ")
    # 750,000 sold (the 8-K's telling) + 25,000 for services (the 10-Q's own): the recap adds nothing.
    assert sorted(h.shares for h in report.holdings) == [25000, 750000]
    assert (report.totals.common_shares, report.totals.warrant_shares_outstanding) == (775000, 150000)


def test_known_at_before_the_8k_counts_the_10q_telling(run, tmp_path):
    """The 10-Q ingested first counts alone; once the 8-K is in, the 8-K's telling counts, and as
    known on a date between the two filings' public dates (8-K 2001-02-16, 10-Q 2001-05-14), only
    the 8-K was known."""
    db = tmp_path / "l.db"
    assert run("--db", db, "ingest", TEN_Q).exit_code == 0
    before, _ = _report(db)
    assert len(_sale(before, 750000)) == 1           # alone, the 10-Q's telling counts
    assert run("--db", db, "ingest", EIGHT_K).exit_code == 0
    after, found = _report(db)
    assert len(_sale(after, 750000)) == 1
    # Known by 2001-03-01 (the 8-K public on 2001-02-16, the 10-Q on 2001-05-14): the 8-K alone.
    early, _ = _report(db, known_at=date(2001, 3, 1))
    assert [h.shares for h in early.holdings] == [750000]


def test_history_shows_the_recap(run, tmp_path):
    db = tmp_path / "l.db"
    assert run("--db", db, "ingest", EIGHT_K, TEN_Q).exit_code == 0
    out = run("--db", db, "events", "--format", "json")
    assert out.exit_code == 0
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.strip()] if not out.stdout.lstrip().startswith("[") \
        else json.loads(out.stdout)
    kinds = [r["payload"]["kind"] for r in rows if r["type"] == "event_retracted"]
    assert kinds == ["recap", "recap"]
    history = run("--db", db, "history", "--filing", TEN_Q.name, "--format", "json")
    assert history.exit_code == 0, history.output
    notes = [n for line in history.stdout.splitlines() if line.strip() for n in json.loads(line)["notes"]]
    marks_ = [n for n in notes if n.startswith("marks ")]
    assert len(marks_) == 2 and all(" a recap of " in n and n.endswith(", counted instead") for n in marks_)
    assert sum(n.startswith("retracted by ") for n in notes) == 2       # the 10-Q's two tellings


def test_the_subprocess_replay_counts_the_sale_once(tmp_path):
    db = tmp_path / "l.db"
    cli = [shutil.which("ledger", path=str(Path(sys.executable).parent)), "--db", str(db)]
    subprocess.run([*cli, "ingest", str(TEN_Q), str(EIGHT_K)], check=True, capture_output=True, timeout=120)
    out = subprocess.run([*cli, "replay", "--as-of", "2001-12-31", "--format", "json"], check=True,
                         capture_output=True, text=True, timeout=120)
    [issuer] = json.loads(out.stdout)["issuers"]
    assert [h["shares"] for h in issuer["holdings"] if h["shares"] == 750000] == [750000]
    assert issuer["totals"]["warrant_shares_outstanding"] == 150000


# -- the matching rules, on events built here -----------------------------------------------------

def _filing(form: str, day: date, stream: str) -> FilingRecorded:
    return FilingRecorded(effective_date=day, provenance=Provenance(stream, (Quote(0, 4, "FORM"),)),
                          issuer=Issuer("Acme, Inc."), form=form, report_date=day, signature_date=day, public_date=day,
                          identity=stream,
                          raw_sha256="0" * 64, source_name="x")


def _common(day: date, shares: int, stream: str, security: str = "Common Stock") -> CommonIssued:
    return CommonIssued(effective_date=day, provenance=Provenance(stream, (Quote(0, 4, "sold"),)), security=security,
                        shares=shares, price=Decimal("1.50"), consideration=Decimal("1.50") * shares,
                        consideration_kind=ConsiderationKind.CASH)


def _warrant(day: date, shares: int, price: str, stream: str) -> WarrantGranted:
    return WarrantGranted(effective_date=day, provenance=Provenance(stream, (Quote(0, 4, "warrants"),)),
                          tranche="Warrants", kind="investor", shares=shares, exercise_price=Decimal(price))


def test_a_priced_offering_is_superseded_by_its_closing():
    priced = Telling("p-2", _common(date(2024, 3, 5), 2000000, "p"), date(2024, 3, 5), "prospectus")
    closing = [_filing("8-K", date(2024, 3, 7), "c"), _common(date(2024, 3, 7), 2000000, "c")]
    [mark] = marks("c", closing, [priced])
    assert (mark.target, mark.by, mark.kind) == ("p-2", event_id("c", 2), "superseded")
    assert mark.effective_date == date(2024, 3, 5) and mark.provenance.filing == "c"
    # A prospectus read after its closing is the one marked, in its own stream.
    closed = Telling("c-2", _common(date(2024, 3, 7), 2000000, "c"), date(2024, 3, 7), "current")
    [mark] = marks("p", [_filing("424B5", date(2024, 3, 5), "p"), _common(date(2024, 3, 5), 2000000, "p")], [closed])
    assert (mark.target, mark.by, mark.kind) == (event_id("p", 2), "c-2", "superseded")


PRICED = date(2024, 3, 5)


@pytest.mark.parametrize("closing_day, matched", [
    (PRICED, True), (PRICED + timedelta(days=10), True),
    (PRICED + timedelta(days=CLOSING_DAYS), True), (PRICED + timedelta(days=CLOSING_DAYS + 1), False),
    (PRICED - timedelta(days=PRICED_AFTER_DAYS), True), (PRICED - timedelta(days=PRICED_AFTER_DAYS + 1), False),
])
def test_a_closing_must_fall_after_the_pricing(closing_day, matched):
    priced = Telling("p-2", _common(date(2024, 3, 5), 2000000, "p"), date(2024, 3, 5), "prospectus")
    found = marks("c", [_filing("8-K", closing_day, "c"), _common(closing_day, 2000000, "c")], [priced])
    assert bool(found) is matched


def test_what_must_agree():
    day = date(2001, 2, 14)
    sale = Telling("k-2", _common(day, 750000, "k"), day, "current")
    q = "q"

    def against(*events):
        return marks(q, [_filing("10-Q", date(2001, 3, 31), q), *events], [sale])

    assert against(_common(day, 750000, q))                                   # same
    assert against(_common(date(2001, 2, 14 + RECAP_DAYS), 750000, q))        # a week apart
    assert not against(_common(date(2001, 2, 14 + RECAP_DAYS + 1), 750000, q))
    assert not against(_common(day, 750001, q))                                # another count
    class_a = Telling("k-2", _common(day, 750000, "k", "Class A Common Stock"), day, "current")
    b = marks(q, [_filing("10-Q", date(2001, 3, 31), q), _common(day, 750000, q, "Class B Common Stock")], [class_a])
    assert not b                                                               # another class
    assert against(_common(day, 750000, q, "Class B Common Stock"))           # the 8-K named no class
    assert not against(_warrant(day, 750000, "1.00", q))                       # another kind
    # Two 8-Ks (the same family) are not matched here: that is not a recap.
    assert not marks("k2", [_filing("8-K", day, "k2"), _common(day, 750000, "k2")], [sale])
    # A 10-Q's recap of a sale without a count is never matched (no count to agree on).
    assert not against(CommonIssued(effective_date=day, provenance=Provenance(q, (Quote(0, 4, "sold"),)),
                                    security="Common Stock", shares=None, shares_basis="not_stated", price_basis="not_stated",
                                    consideration=Decimal(100),
                                    consideration_kind=ConsiderationKind.CASH))


def test_each_earlier_sale_pairs_once():
    day = date(2001, 2, 14)
    sale = Telling("k-2", _common(day, 500000, "k"), day, "current")
    found = marks("q", [_filing("10-Q", date(2001, 3, 31), "q"), _common(day, 500000, "q"), _common(day, 500000, "q")],
                  [sale])
    assert [m.target for m in found] == [event_id("q", 2)]      # the second 500,000 is another sale


def test_warrants_pair_by_count_and_exercise_price():
    day = date(2024, 3, 5)
    priced = Telling("p-3", _warrant(day, 1000000, "0.0001", "p"), day, "prospectus")
    assert marks("c", [_filing("8-K", day, "c"), _warrant(day, 1000000, "0.0001", "c")], [priced])
    assert not marks("c", [_filing("8-K", day, "c"), _warrant(day, 1000000, "1.50", "c")], [priced])


def test_the_10q_cover_anchors_shares_outstanding(run, tmp_path):
    """The 10-Q's cover balance (12,406,318 on 4 May 2001) is the estimate; the recorded-only figure
    beside it is the 8-K's sale and the 10-Q's shares for services."""
    db = tmp_path / "l.db"
    assert run("--db", db, "ingest", EIGHT_K, TEN_Q).exit_code == 0
    report, _ = _report(db, as_of=date(2001, 6, 30))
    [c] = report.outstanding.classes
    assert (c.reported.shares, c.reported.as_of, c.issued_since, c.estimated, c.recorded_only) == (
        12_406_318, date(2001, 5, 4), 0, 12_406_318, 775_000)
    assert c.reported.source == "As of May 4, 2001, 12,406,318 shares of the registrant's common stock were outstanding."
    check = run("--db", db, "check")
    assert check.exit_code == 1 and "difference +11,631,318" in check.stdout


PROSPECTUS = ROOT / "tests" / "filings" / "prospectus_underwritten.txt"
CLOSING = ROOT / "tests" / "filings" / "closing_of_priced_offering.txt"


@pytest.mark.parametrize("files", [[PROSPECTUS, CLOSING], [CLOSING, PROSPECTUS]], ids=["424B first", "8-K first"])
def test_a_424b_offering_and_its_closing_8k_count_once(run, tmp_path, files):
    """The 424B5 prices 4,000,000 shares at $8.00 (dated 11 June 2024); the 8-K reports the closing
    on 13 June. Replay counts the closing's event once, raises $32,000,000 once, and keeps the
    underwriters' $1,920,000 fee, which only the prospectus states."""
    db = tmp_path / "l.db"
    for f in files:
        assert run("--db", db, "ingest", f).exit_code == 0
    report, found = _report(db, as_of=date(2024, 12, 31))
    [lot] = report.holdings
    assert (lot.shares, lot.price, lot.date, lot.event_ids) == (4_000_000, Decimal("8.00"), date(2024, 6, 13),
                                                               ("0001493152-24-023310-2",))
    assert (report.totals.capital_raised, report.totals.fees_paid_cash) == (Decimal(32_000_000), Decimal(1_920_000))
    [mark] = [m.event for m in found]
    assert (mark.kind, mark.target, mark.by) == ("superseded", "0001493152-24-022871-2", "0001493152-24-023310-2")
    # Known on 12 June, the day the prospectus was filed and before the 8-K: the priced offering counts.
    early, _ = _report(db, as_of=date(2024, 12, 31), known_at=date(2024, 6, 12))
    assert [(h.shares, h.date) for h in early.holdings] == [(4_000_000, date(2024, 6, 11))]


def test_a_fee_told_twice_is_paid_once():
    day = date(2024, 3, 5)
    fee = FeePaid(effective_date=day, provenance=Provenance("p", (Quote(0, 3, "fee"),)), role="underwriter",
                  payee="Tarrow & Kline Securities, LLC", cash=Decimal("1920000"))
    priced = Telling("p-3", fee, day, "prospectus")
    again = attrs.evolve(fee, provenance=Provenance("c", (Quote(0, 3, "fee"),)), effective_date=date(2024, 3, 7))
    [mark] = marks("c", [_filing("8-K", date(2024, 3, 7), "c"), again], [priced])
    assert (mark.target, mark.kind) == ("p-3", "superseded")
    other = attrs.evolve(again, cash=Decimal("1920001"))
    assert not marks("c", [_filing("8-K", date(2024, 3, 7), "c"), other], [priced])
