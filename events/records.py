"""The event records. Each is frozen, dated and sourced: effective date and provenance first.

A figure the text does not give is None, and the field beside it (``*_basis``) says why.
Money and prices are Decimal, share counts int, dates ``datetime.date``.
"""
from __future__ import annotations

from datetime import date
import re
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

import attrs

from events import rules
from events.rules import InvalidEvent
from events.basis import Basis, ConsiderationKind, FeeRole, QuantityBasis, RightKind, WarrantKind
from events.provenance import Provenance


def _decimal(value, field=None):
    """Exact decimals only. A float has already lost the figure, so it is refused; so are text
    that is no number, NaN and infinity."""
    name = field.name if field is not None else "value"
    if value is None:
        return None
    if isinstance(value, float):
        raise InvalidEvent(name, f"{value!r} is a float; give the decimal as text")
    if isinstance(value, bool):
        raise InvalidEvent(name, f"{value!r} is not a decimal")
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value).strip())
        except InvalidOperation:
            raise InvalidEvent(name, f"{value!r} is not a decimal") from None
    if not value.is_finite():
        raise InvalidEvent(name, f"{str(value)!r} is not a decimal")
    return value


def _int(value, field=None):
    """Whole numbers only: not a float, not true/false, not '1.5'."""
    name = field.name if field is not None else "value"
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value):
        return int(value)
    raise InvalidEvent(name, f"{value!r} is not a whole number")


DECIMAL = attrs.Converter(_decimal, takes_field=True)
INT = attrs.Converter(_int, takes_field=True)


def _known_or_explained(figure: str):
    """Validator factory: a None figure must carry a basis other than 'stated'."""

    def check(instance, attribute, value):
        if getattr(instance, figure) is None and value in (Basis.STATED, QuantityBasis.FIXED):
            raise InvalidEvent(figure, f"is not given but {attribute.name} says {value.value}")

    return check


def basis(default, figure: str | None = None):
    """A basis field: converted to its enum, and (with ``figure``) checked against that figure."""
    kind = type(default)
    validator = _known_or_explained(figure) if figure else None
    return attrs.field(default=default, converter=kind, validator=validator)


def money(**kw):
    """An amount or a rate: a decimal, zero or more."""
    return attrs.field(default=None, converter=DECIMAL, validator=rules.not_negative, **kw)


def price(**kw):
    """A price per share: a decimal, more than zero."""
    return attrs.field(default=None, converter=DECIMAL, validator=rules.positive, **kw)


def count(**kw):
    """A share count: a whole number, zero or more, and exact in any JSON reader."""
    return attrs.field(default=None, converter=INT, validator=[rules.not_negative, rules.exact_in_json], **kw)


def required_count(check=rules.not_negative):
    return attrs.field(converter=INT, validator=[check, rules.exact_in_json])


def day(**kw):
    """A date the ledger can hold (see events.rules)."""
    return attrs.field(validator=rules.in_range, **kw)


def _consideration_kind(value):
    if isinstance(value, ConsiderationKind):
        return value
    try:
        return ConsiderationKind(value)
    except ValueError:
        raise InvalidEvent("consideration_kind", f"{value!r} is not one of "
                           f"{', '.join(k.value for k in ConsiderationKind)}") from None


def consideration_kind():
    """Required: whoever builds an issuance says what was paid for it (NOT_STATED when the text
    does not say), so no issuance is counted as cash raised by default."""
    return attrs.field(converter=_consideration_kind)


def names(**kw):
    return attrs.field(default=(), converter=rules.as_tuple, **kw)


@attrs.frozen(kw_only=True)
class Event:
    """Every event: when it happened in the world, and where the ledger learnt it."""

    TYPE: ClassVar[str] = ""
    SCHEMA_VERSION: ClassVar[int] = 1

    effective_date: date = day()
    provenance: Provenance
    # The 8-K items it was reported under ("5"; "1.01", "3.02"): an 8-K/A supersedes by item.
    reported_under: tuple[str, ...] = attrs.field(default=(), converter=rules.as_tuple)


@attrs.frozen
class Issuer:
    name: str
    cik: str | None = None
    file_number: str | None = None
    irs_number: str | None = None
    state: str | None = None


@attrs.frozen(kw_only=True)
class FilingRecorded(Event):
    """The filing itself. Its effective date is the date of report."""

    TYPE: ClassVar[str] = "filing_recorded"

    issuer: Issuer
    form: str
    report_date: date | None = day()
    signature_date: date | None = day()
    public_date: date | None = day()  # when the public could read it: signature date until headers
    identity: str                      # sha256 of the normalised text
    raw_sha256: str                    # key of the raw text kept in the database
    source_name: str                   # the file name it was read from
    accession: str | None = None
    items: tuple[str, ...] = attrs.field(default=(), converter=rules.as_tuple)   # the 8-K items it reports
    amends: str | None = None          # an 8-K/A: the stream of the filing it amends, when matched


@attrs.frozen(kw_only=True)
class CommonIssued(Event):
    """Common (or ordinary) shares issued and sold."""

    TYPE: ClassVar[str] = "common_issued"
    SCHEMA_VERSION: ClassVar[int] = 2      # v2: consideration_kind (events/upcasters.py)

    security: str = "Common Stock"
    shares: int | None = count()
    shares_basis: Basis = basis(Basis.STATED, "shares")
    # Zero or more: shares "issued for no consideration" exist; a $0 sale price is a plausibility
    # warning at ingest (ledger/extract/plausible.py), not an impossible fact. Conversion and
    # formula prices divide, so they stay above zero.
    price: Decimal | None = money()
    price_basis: Basis = basis(Basis.STATED, "price")
    consideration: Decimal | None = money()
    consideration_basis: Basis = basis(Basis.STATED, "consideration")
    consideration_kind: ConsiderationKind = consideration_kind()
    buyers: tuple[str, ...] = names()
    buyers_description: str | None = None   # "two institutional investors"
    tranche: str | None = None              # "additional closing"


@attrs.frozen
class ConversionTerms:
    """How a convertible security turns into common stock."""

    fixed_price: Decimal | None = price()
    fixed_price_basis: Basis = basis(Basis.NOT_STATED)
    fixed_only_days: int | None = count()        # "during the first 90 days ... only at"
    variable_formula: str | None = None           # the formula as the text gives it
    variable_percent: Decimal | None = money()    # 101 for "101% of the Per Share Market Value"
    variable_reference: str | None = None         # "Per Share Market Value"
    share_cap: int | None = count()               # "in no event ... more than 1,450,000 shares"
    increment_percent: Decimal | None = money()   # 25 for "25% cumulative monthly increments"
    increment_period: str | None = None           # "monthly"


@attrs.frozen(kw_only=True)
class PreferredIssued(Event):
    """Preferred stock issued and sold."""

    TYPE: ClassVar[str] = "preferred_issued"
    SCHEMA_VERSION: ClassVar[int] = 2      # v2: consideration_kind (events/upcasters.py)

    series: str | None                       # "Series A"
    title: str                               # the security as the filing names it
    dividend_rate: Decimal | None = money()  # percent a year
    shares: int | None = count()
    shares_basis: Basis = basis(Basis.NOT_STATED, "shares")
    stated_value: Decimal | None = money()   # per share
    stated_amount: Decimal | None = money()  # in all
    # STATED: the filing gives the preferred's own amount; COMPUTED: shares x stated value;
    # BY_REFERENCE: the only amount is the total paid for the preferred and what came with it.
    stated_amount_basis: Basis = basis(Basis.NOT_STATED, "stated_amount")
    consideration: Decimal | None = money()
    consideration_basis: Basis = basis(Basis.NOT_STATED, "consideration")
    consideration_kind: ConsiderationKind = consideration_kind()
    holders: tuple[str, ...] = names()
    holders_description: str | None = None
    conversion: ConversionTerms | None = None


@attrs.frozen
class QuantityFormula:
    """A warrant whose number of shares a price formula sets at later vesting dates."""

    description: str
    vesting_dates: tuple[date, ...] = attrs.field(default=(), converter=rules.as_tuple, validator=rules.in_range)
    vesting_basis: Basis = basis(Basis.NOT_STATED)      # COMPUTED from "four and six months after closing"
    zero_above_price: Decimal | None = price()    # no shares vest when the price is above this
    zero_above_approximate: bool = False
    cutoff_price: Decimal | None = price()        # above this, later vestings are cancelled


@attrs.frozen(kw_only=True)
class WarrantGranted(Event):
    """Warrants granted. The effective date is the warrant's issue date."""

    TYPE: ClassVar[str] = "warrant_granted"

    tranche: str                               # a label: "Closing Warrants", "finder's warrants"
    kind: WarrantKind = attrs.field(converter=WarrantKind)
    shares: int | None = count()
    quantity_basis: QuantityBasis = basis(QuantityBasis.FIXED, "shares")
    exercise_price: Decimal | None = money()
    exercise_price_basis: Basis = basis(Basis.STATED, "exercise_price")
    term_years: Decimal | None = money()
    expires_on: date | None = day(default=None)
    expiry_basis: Basis = basis(Basis.NOT_STATED)    # COMPUTED from issue date + term, or STATED
    holders: tuple[str, ...] = names()
    holders_description: str | None = None
    formula: QuantityFormula | None = None


@attrs.frozen(kw_only=True)
class NoteIssued(Event):
    """Convertible notes or debentures: debt that may become common stock."""

    TYPE: ClassVar[str] = "note_issued"

    security: str                              # "Senior Secured Convertible Notes due 2027"
    principal: Decimal | None = money()
    principal_basis: Basis = basis(Basis.STATED, "principal")
    interest_rate: Decimal | None = money()    # percent a year
    conversion_price: Decimal | None = price()
    conversion_price_basis: Basis = basis(Basis.NOT_STATED, "conversion_price")
    conversion_formula: str | None = None      # a variable price, as the text gives it
    maturity: date | None = day(default=None)
    maturity_basis: Basis = basis(Basis.NOT_STATED)
    holders: tuple[str, ...] = names()
    holders_description: str | None = None


@attrs.frozen(kw_only=True)
class FeePaid(Event):
    """A fee paid for a financing: cash, warrants, or both."""

    TYPE: ClassVar[str] = "fee_paid"

    role: FeeRole = attrs.field(converter=FeeRole)
    payee: str | None = None
    payee_description: str | None = None      # "an unrelated third party"
    cash: Decimal | None = money()
    cash_basis: Basis = basis(Basis.STATED, "cash")
    approximate: bool = False
    includes_expenses: bool = False
    percent_of_proceeds: Decimal | None = money()
    warrants: bool = False                     # warrants were part of the fee (a WarrantGranted too)
    warrant_shares: int | None = count()


@attrs.frozen(kw_only=True)
class ContingentRight(Event):
    """A right that is not a security yet: an option to sell more, a redemption feature."""

    TYPE: ClassVar[str] = "contingent_right"

    kind: RightKind = attrs.field(converter=RightKind)
    holder: str                                # "issuer" or "investors"
    description: str
    security: str | None = None
    amount: Decimal | None = money()
    amount_basis: Basis = basis(Basis.NOT_STATED, "amount")
    exercisable_from: date | None = day(default=None)
    exercisable_from_basis: Basis = basis(Basis.NOT_STATED)


# --- corrections: new events that point at the ones they change, never edits ---------------

@attrs.frozen
class FieldChange:
    """One field of the corrected event, and its new value as the event's JSON would hold it."""

    field: str
    value: Any          # JSON: a number, a decimal string, a date string, a list of holders, null


@attrs.frozen(kw_only=True)
class EventRetracted(Event):
    """The target event is not to be counted. Its effective date is the target's.

    ``kind`` says why: "retracted" (it should not have been recorded), "recap" (a later report of
    a sale the ledger already holds, ``by`` that event) or "superseded" (an offering priced in a
    prospectus, whose closing ``by`` reports). The target stays in the ledger and in history."""

    TYPE: ClassVar[str] = "event_retracted"
    SCHEMA_VERSION: ClassVar[int] = 2      # v2: kind and by (events/upcasters.py)

    target: str                     # event_id
    reason: str
    kind: str = attrs.field(default="retracted", validator=attrs.validators.in_(("retracted", "recap", "superseded")))
    by: str | None = None           # the event counted instead


@attrs.frozen(kw_only=True)
class EventCorrected(Event):
    """The target event, with some fields replaced. Its effective date is the target's."""

    TYPE: ClassVar[str] = "event_corrected"

    target: str
    changes: tuple[FieldChange, ...] = attrs.field(converter=rules.as_tuple)
    reason: str


# --- facts that later filings (10-Q, 10-K, 8-K) state, recorded by hand ----------------------

@attrs.frozen(kw_only=True)
class WarrantExercised(Event):
    TYPE: ClassVar[str] = "warrant_exercised"

    tranche: str                    # event_id of the WarrantGranted
    shares: int = required_count(rules.positive)          # warrant shares exercised
    cashless: bool = False
    shares_issued: int | None = count()                  # common received (fewer when cashless)


@attrs.frozen(kw_only=True)
class WarrantCancelled(Event):
    TYPE: ClassVar[str] = "warrant_cancelled"

    tranche: str
    shares: int | None = count()    # None: the whole remaining tranche


@attrs.frozen(kw_only=True)
class WarrantVested(Event):
    """Shares of a formula-quantity (adjustable) warrant fixed on a vesting date."""

    TYPE: ClassVar[str] = "warrant_vested"

    tranche: str
    shares: int = required_count()


@attrs.frozen(kw_only=True)
class PreferredConverted(Event):
    TYPE: ClassVar[str] = "preferred_converted"

    preferred: str                  # event_id of the PreferredIssued
    shares_converted: int | None = count()
    stated_amount_converted: Decimal | None = money()
    common_received: int = required_count(rules.positive)


@attrs.frozen(kw_only=True)
class SharesOutstanding(Event):
    """An opening balance: the class's shares outstanding on the effective date."""

    TYPE: ClassVar[str] = "shares_outstanding"

    security: str = "Common Stock"
    shares: int = required_count()


@attrs.frozen(kw_only=True)
class StockSplit(Event):
    """Every open instrument rebased: share counts x numerator / denominator, prices inverse."""

    TYPE: ClassVar[str] = "stock_split"

    numerator: int = attrs.field(converter=INT, validator=rules.split_side)       # 1-for-200 reverse split: 1 / 200
    denominator: int = attrs.field(converter=INT, validator=rules.split_side)
    rounding: str = attrs.field(default="down", validator=attrs.validators.in_(("down", "up", "nearest")))

    def __attrs_post_init__(self):
        rules.split_ratio(self)


@attrs.frozen(kw_only=True)
class BalanceAssertion(Event):
    """A reported balance ("N shares of common stock outstanding as of D"): read from a periodic
    report's cover or recorded by hand. Replay estimates shares outstanding from the latest one;
    `ledger check` reconciles each with the ledger."""

    TYPE: ClassVar[str] = "balance_assertion"
    SCHEMA_VERSION: ClassVar[int] = 2      # v2: security (events/upcasters.py)

    figure: str = "common_shares"
    value: int = required_count()
    security: str = "Common Stock"          # the class, as the filing names it ("Class A common stock")
