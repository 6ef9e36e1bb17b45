"""One issuer's cap table as of a date as an Open Cap Table Format v1.2.0 package: OCF objects
built from the issuer's effective events (corrections, retractions and 8-K/A restatements
applied) and its replay, and the ``.ocf.zip`` that holds them with their manifest.

``build_package`` is pure: it takes the issuer's replay report and its events in replay order and
returns the OCF objects. ``write_package`` writes them as a zip, byte for byte the same for the
same ledger: ids come from event ids (and holder names), objects keep replay order, JSON is
written one way, and every zip entry has a fixed timestamp. ``issuer_package`` reads one issuer
from a store it is handed (it never opens one).

OCF holds transactions, not balances: issuances carry the figures the filing gave on their date
(a later split, exercise, cancellation or conversion is a transaction of its own), so a reader
that replays the package gets the ledger's cap table. What OCF has no field for (a variable
conversion price and its cap, an adjustable warrant's formula, finder's fees, a quantity the
filing does not give) goes into ``comments`` on the object it concerns, with its source. Where
OCF *requires* a figure the ledger does not know, the object says so in a comment that begins
``not in the ledger:`` (README, "OCF export").
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal, Inexact, localcontext
from typing import TYPE_CHECKING, BinaryIO

import attrs

from events import (
    CommonIssued, ContingentRight, FeePaid, FilingRecorded, NoteIssued, PreferredConverted, PreferredIssued,
    SharesOutstanding, StockSplit, WarrantCancelled, WarrantExercised, WarrantGranted, WarrantKind,
    WarrantVested,
)
from events.envelope import StoredEvent
from ledger.errors import LedgerError
from ledger.projections import EXACT
from ledger.projections.captable import common_class, preferred_class
from ledger.projections.report import IssuerReport, dec
from ledger.projections.split import split_price, split_shares

if TYPE_CHECKING:
    from ledger.store import Store

OCF_VERSION = "1.2.0"
CURRENCY = "USD"
COMMON = "Common Stock"          # the class exercises and conversions deliver (ledger.projections.captable)
NOT_IN_LEDGER = "not in the ledger:"

MANIFEST = "Manifest.ocf.json"
STAKEHOLDERS = "Stakeholders.ocf.json"
STOCK_CLASSES = "StockClasses.ocf.json"
TRANSACTIONS = "Transactions.ocf.json"
FINANCINGS = "Financings.ocf.json"
# file name, its OCF file_type, and the manifest list that names it
FILES = (
    (STAKEHOLDERS, "OCF_STAKEHOLDERS_FILE", "stakeholders_files"),
    (STOCK_CLASSES, "OCF_STOCK_CLASSES_FILE", "stock_classes_files"),
    (TRANSACTIONS, "OCF_TRANSACTIONS_FILE", "transactions_files"),
    (FINANCINGS, "OCF_FINANCINGS_FILE", "financings_files"),
)
# The manifest lists OCF requires even when they name no file: the ledger has no stock plans,
# legends, vesting terms or valuations.
EMPTY_LISTS = ("stock_plans_files", "stock_legend_templates_files", "vesting_terms_files", "valuations_files")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)      # the earliest time a zip entry can carry: the same bytes on every run


class OcfExportError(LedgerError):
    pass


@attrs.frozen
class Package:
    """One issuer's OCF package: the manifest (without its file lists, which ``write_package``
    fills in with each file's md5) and the items of each file, by file name."""

    manifest: dict
    items: dict[str, list[dict]]


# --- small OCF values ----------------------------------------------------------------------

_NUMERIC = re.compile(r"^[+-]?[0-9]+(\.[0-9]{1,10})?$")


def numeric(value: int | Decimal) -> str:
    """An OCF Numeric: a fixed-point string with at most ten decimal places, never a float."""
    if isinstance(value, int):
        return str(value)
    text = dec(value)
    if "." in text and len(text.split(".")[1]) > 10:     # trailing zeros past the tenth place say nothing
        text = text.rstrip("0").rstrip(".")
    if not _NUMERIC.match(text):
        raise ValueError(f"{value!r} is not an OCF Numeric (at most ten decimal places)")
    return text


def money(amount: Decimal | int) -> dict:
    return {"amount": numeric(amount), "currency": CURRENCY}


def quotient(a: Decimal | int, b: Decimal | int) -> Decimal | None:
    """a / b when it is exact within ten decimal places (an OCF Numeric), else None."""
    if not b:
        return None
    with localcontext() as ctx:
        ctx.prec, ctx.traps[Inexact] = 60, True
        try:
            q = Decimal(a) / Decimal(b)
        except Inexact:
            return None
    exponent = q.normalize().as_tuple().exponent
    return q if isinstance(exponent, int) and exponent >= -10 else None


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _source(stored: StoredEvent) -> str:
    quotes = stored.event.provenance.quotes
    text = quotes[0].text if quotes else stored.event.provenance.filing
    return f"source {stored.event_id}: {text}"


def _placeholder(field: str, why: str) -> str:
    return f"{NOT_IN_LEDGER} {field} ({why}); OCF requires a value, so the one written is a placeholder, not a fact"


_ENTITY = re.compile(r"\b(inc|incorporated|corp|corporation|co|company|l\.?p|llc|l\.?l\.?c|ltd|limited|plc|fund|"
                     r"trust|partners|partnership|bank|capital|holdings|group|gmbh|ag|s\.?a|n\.?v|b\.?v|investments?|"
                     r"institution(al)?|investors)\b\.?", re.IGNORECASE)


# --- the fold ------------------------------------------------------------------------------

@attrs.define
class _Warrant:
    """What later events need of a warrant tranche: its security, what remains, its price now."""

    security_id: str
    trigger_id: str
    stakeholder_id: str
    remaining: int | None
    price: Decimal | None
    issuance: dict


@attrs.define
class _Preferred:
    """A preferred lot: its security, its class's unit (shares, or dollars of stated amount)."""

    security_id: str
    stakeholder_id: str
    by_amount: bool
    stated_value: Decimal | None


@attrs.define
class _Class:
    obj: dict
    by_amount: bool = False       # preferred counted in dollars of stated amount (the filing gives no share count)
    stated_value: Decimal | None = None


@attrs.define
class _Filing:
    name: str
    issuance_ids: list[str] = attrs.Factory(list)
    dates: list[date] = attrs.Factory(list)
    comments: list[str] = attrs.Factory(list)


class _Builder:
    def __init__(self, report: IssuerReport, as_of: date, known_at: date | None):
        self.report, self.as_of, self.known_at = report, as_of, known_at
        self.stakeholders: dict[str, dict] = {}
        self.classes: dict[str, _Class] = {}
        self.transactions: list[dict] = []
        self.filings: dict[str, _Filing] = {}
        self.warrants: dict[str, _Warrant] = {}
        self.preferred: dict[str, _Preferred] = {}
        self.stock_issuances: dict[str, dict] = {}     # security id -> issuance, to drop under an opening balance
        self.manifest_comments: list[str] = []
        self.first_date: date | None = None
        self.recorded_at = ""
        self.status = {w.event_ids[0]: w.status for w in report.warrants}
        self.issuer = report.issuer     # the streams' columns; a filing event adds the IRS number and state
        self._class(COMMON, "COMMON")

    # -- ids and shared objects

    def _class(self, name: str, kind: str) -> _Class:
        found = self.classes.get(name)
        if found is None:
            class_id = f"stock-class-{_digest(name)}"
            obj = {
                "id": class_id, "object_type": "STOCK_CLASS", "name": name, "class_type": kind,
                "default_id_prefix": "CS-" if kind == "COMMON" else "PS-",
                "initial_shares_authorized": "NOT APPLICABLE",
                "votes_per_share": "1" if kind == "COMMON" else "0",
                "seniority": "1" if kind == "COMMON" else "2",
                "comments": [
                    _placeholder("initial_shares_authorized", "the filings give no authorised share count") + ": "
                    "written as NOT APPLICABLE",
                    _placeholder("votes_per_share", "the filings give no voting terms") + ": written as "
                    + ("1, common stock's usual vote a share" if kind == "COMMON" else "0"),
                ] + ([] if kind == "COMMON" else [
                    "seniority 2 (common is 1): preferred ranks ahead of common; the filings give no order among "
                    "preferred series, so every series has the same seniority"]),
            }
            found = self.classes[name] = _Class(obj)
        return found

    def _holder(self, stored: StoredEvent, names: tuple[str, ...], description: str | None) -> str:
        """One stakeholder per holder name; a lot the filing gives to several names jointly (each
        one's part undisclosed) is held by a stakeholder for that group; with no names, by one for
        the filing's description of the holders."""
        for name in names:
            self._stakeholder(f"stakeholder-{_digest(name)}", name, [])
        if len(names) == 1:
            return f"stakeholder-{_digest(names[0])}"
        if names:
            group = sorted(names)
            members = [f"stakeholder-{_digest(n)}" for n in group]
            return self._stakeholder(
                f"stakeholder-group-{_digest(*group)}", " and ".join(group),
                ["a group: the filing names these holders together and does not give each one's part "
                 f"(members: {', '.join(members)})"])
        stream = stored.stream
        text = description or "holders not named"
        return self._stakeholder(
            f"stakeholder-{_digest(stream, text)}", text,
            [f"the filing names no holder; this is how it describes them (filing {stream}), so the same words "
             "in another filing make another stakeholder"])

    def _stakeholder(self, sid: str, name: str, comments: list[str]) -> str:
        if sid not in self.stakeholders:
            if not _ENTITY.search(name):
                comments = comments + [_placeholder("stakeholder_type", "the filing does not say whether this holder "
                                                    "is a person or an institution") + ": written as INSTITUTION"]
            obj = {"id": sid, "object_type": "STAKEHOLDER", "name": {"legal_name": name},
                   "stakeholder_type": "INSTITUTION"}
            if comments:
                obj["comments"] = comments
            self.stakeholders[sid] = obj
        return sid

    def _filing(self, stream: str) -> _Filing:
        found = self.filings.get(stream)
        if found is None:
            found = self.filings[stream] = _Filing(name=f"filing {stream}")
        return found

    def _financed(self, stored: StoredEvent, issuance_id: str) -> None:
        filing = self._filing(stored.stream)
        filing.issuance_ids.append(issuance_id)
        filing.dates.append(stored.effective_date)

    def _issuance(self, stored: StoredEvent, object_type: str, stakeholder_id: str, *, suffix: str = "") -> dict:
        tx_id = stored.event_id + suffix
        return {"id": tx_id, "object_type": object_type, "date": stored.effective_date.isoformat(),
                "security_id": f"{tx_id}/security", "custom_id": tx_id, "stakeholder_id": stakeholder_id,
                "security_law_exemptions": []}

    # -- events

    def add(self, stored: StoredEvent) -> None:
        self.recorded_at = max(self.recorded_at, stored.recorded_at)
        if self.first_date is None or stored.effective_date < self.first_date:
            self.first_date = stored.effective_date
        handler = self.HANDLERS.get(type(stored.event))
        if handler is not None:
            handler(self, stored)

    def _filing_recorded(self, stored: StoredEvent) -> None:
        e: FilingRecorded = stored.event
        self.issuer = e.issuer
        when = e.report_date or stored.effective_date
        label = e.accession or e.source_name
        self._filing(stored.stream).name = f"{e.form} of {when.isoformat()} ({label})"

    def _common(self, stored: StoredEvent) -> None:
        e: CommonIssued = stored.event
        name = common_class(e)
        cls = self._class(name, "COMMON")
        holder = self._holder(stored, e.buyers, e.buyers_description)
        comments = [_source(stored)]
        if e.shares is None:
            self._not_exported(stored, f"{name} sold with no share count ({e.shares_basis}): OCF's stock issuance "
                                       "needs a quantity")
            return
        price = e.price
        if price is None and e.consideration is not None:
            price = quotient(e.consideration, e.shares)
            if price is not None:
                comments.append(f"share_price computed: consideration {dec(e.consideration)} / {e.shares} shares")
        if price is None:
            comments.append(_placeholder("share_price", f"the price is {e.price_basis}") + ": written as 0")
        if e.shares_basis.value != "stated":
            comments.append(f"quantity is {e.shares_basis.value} in the filing")
        if e.price is not None and e.price_basis.value != "stated":
            comments.append(f"share_price is {e.price_basis.value} in the filing")
        if e.tranche:
            comments.append(f"tranche: {e.tranche}")
        tx = self._issuance(stored, "TX_STOCK_ISSUANCE", holder)
        tx.update({"stock_class_id": cls.obj["id"], "share_price": money(price if price is not None else 0),
                   "quantity": numeric(e.shares), "stock_legend_ids": [],
                   "consideration_text": _consideration(e.consideration_kind.value, e.consideration)})
        tx["comments"] = comments
        self._stock(tx)
        self._financed(stored, tx["id"])

    def _preferred_issued(self, stored: StoredEvent) -> None:
        e: PreferredIssued = stored.event
        name = preferred_class(e)
        fresh = name not in self.classes
        cls = self._class(name, "PREFERRED")
        holder = self._holder(stored, e.holders, e.holders_description)
        stated_value = e.stated_value
        if stated_value is None and None not in (e.stated_amount, e.shares):
            stated_value = quotient(e.stated_amount, e.shares)
        if fresh:
            cls.by_amount = e.shares is None
            cls.stated_value = Decimal(1) if cls.by_amount else stated_value
            self._terms(cls, stored)
        comments = [_source(stored)]
        if cls.by_amount:
            quantity = e.stated_amount
            if quantity is None:
                self._not_exported(stored, f"{name}: neither a share count nor a stated amount is given; OCF's stock "
                                           "issuance needs a quantity")
                return
            comments.append(f"quantity is dollars of stated amount, not shares: the filing gives no number of {name} "
                            f"shares ({e.shares_basis}), and the class counts this series in units of 1.00 {CURRENCY} "
                            "of stated amount (see the stock class)")
            price = Decimal(1)
        else:
            quantity = e.shares
            if quantity is None:
                self._not_exported(stored, f"{name} with no share count, in a series counted in shares: OCF's stock "
                                           "issuance needs a quantity")
                return
            price = stated_value
            if price is None:
                comments.append(_placeholder("share_price", "no stated value per share") + ": written as 0")
        if e.stated_amount is not None:
            comments.append(f"stated amount {dec(e.stated_amount)} {CURRENCY} ({e.stated_amount_basis.value})")
        if e.dividend_rate is not None:
            comments.append(f"dividend rate {dec(e.dividend_rate)}% a year")
        tx = self._issuance(stored, "TX_STOCK_ISSUANCE", holder)
        tx.update({"stock_class_id": cls.obj["id"], "share_price": money(price if price is not None else 0),
                   "quantity": numeric(quantity), "stock_legend_ids": [],
                   "consideration_text": _consideration(e.consideration_kind.value, e.consideration)})
        tx["comments"] = comments + _conversion_comments(e, stored)
        self.preferred[stored.event_id] = _Preferred(tx["security_id"], holder, cls.by_amount, cls.stated_value)
        self._stock(tx)
        self._financed(stored, tx["id"])

    def _terms(self, cls: _Class, stored: StoredEvent) -> None:
        """The class's conversion right from its first lot: a fixed conversion price as OCF's ratio
        mechanism (common per unit = value of a unit / conversion price); the rest in comments."""
        e: PreferredIssued = stored.event
        obj, terms = cls.obj, e.conversion
        if cls.by_amount:
            obj["comments"].append(
                f"counted in dollars of stated amount: the filing gives no number of shares of this series nor a "
                f"stated value per share, so one unit here is 1.00 {CURRENCY} of stated amount (quantity = stated "
                f"amount, price_per_share 1.00) and the conversion ratio is common shares per dollar ({_source(stored)})")
        if cls.stated_value is not None:
            obj["price_per_share"] = money(cls.stated_value)
        if terms is None or terms.fixed_price is None:
            obj["comments"].append(f"{NOT_IN_LEDGER} a fixed conversion price: no conversion_rights are written "
                                   "(OCF's stock class conversion right needs a ratio)")
        elif cls.stated_value is None:
            obj["comments"].append(f"conversion price {dec(terms.fixed_price)} {CURRENCY}, but {NOT_IN_LEDGER} a stated "
                                   "value per share, so no ratio: no conversion_rights are written")
        else:
            obj["conversion_rights"] = [{
                "type": "STOCK_CLASS_CONVERSION_RIGHT",
                "conversion_mechanism": {
                    "type": "RATIO_CONVERSION", "conversion_price": money(terms.fixed_price),
                    "ratio": {"numerator": numeric(cls.stated_value), "denominator": numeric(terms.fixed_price)},
                    "rounding_type": "NORMAL",
                },
                "converts_to_stock_class_id": self.classes[COMMON].obj["id"],
            }]
            obj["comments"].append(_placeholder("rounding_type", "the filing does not say how fractions are "
                                                "rounded") + ": written as NORMAL")
        obj["comments"].extend(_conversion_comments(e, stored))

    def _warrant(self, stored: StoredEvent) -> None:
        e: WarrantGranted = stored.event
        holder = self._holder(stored, e.holders, e.holders_description)
        tx = self._issuance(stored, "TX_WARRANT_ISSUANCE", holder)
        trigger_id = f"{tx['security_id']}/exercise"
        common_id = self.classes[COMMON].obj["id"]
        comments = [_source(stored), f"tranche: {e.tranche} ({e.kind.value})"]
        if e.shares is not None:
            tx["quantity"] = numeric(e.shares)
            tx["quantity_source"] = "INSTRUMENT_FIXED"
            mechanism = {"type": "FIXED_AMOUNT_CONVERSION", "converts_to_quantity": numeric(e.shares)}
        else:
            tx["quantity_source"] = "UNSPECIFIED"
            if e.formula is not None:
                described = f"a formula sets the number of shares: {e.formula.description}"
            else:
                described = f"the number of shares is {e.quantity_basis.value}"
            mechanism = {"type": "CUSTOM_CONVERSION", "custom_conversion_description": described}
            comments.append(f"{NOT_IN_LEDGER} quantity ({e.quantity_basis.value}): {described}")
        if e.formula is not None:
            comments.extend(_formula_comments(e))
        if e.exercise_price is not None:
            tx["exercise_price"] = money(e.exercise_price)
            if e.exercise_price_basis.value != "stated":
                comments.append(f"exercise price is {e.exercise_price_basis.value} in the filing")
        else:
            comments.append(f"{NOT_IN_LEDGER} exercise price ({e.exercise_price_basis.value})")
        tx["purchase_price"] = money(0)
        comments.append(_placeholder("purchase_price", "the filing states no price for the warrant itself") +
                        ": written as 0")
        right = {"type": "WARRANT_CONVERSION_RIGHT", "conversion_mechanism": mechanism,
                 "converts_to_stock_class_id": common_id}
        if e.expires_on is not None:
            tx["warrant_expiration_date"] = e.expires_on.isoformat()
            trigger = {"type": "ELECTIVE_IN_RANGE", "trigger_id": trigger_id, "start_date": tx["date"],
                       "end_date": e.expires_on.isoformat(), "conversion_right": right,
                       "trigger_description": "exercisable at the holder's election until it expires"}
            if e.expiry_basis.value != "stated":
                comments.append(f"expiration date is {e.expiry_basis.value}"
                                + (f": {dec(e.term_years)} years from issue" if e.term_years is not None else ""))
        else:
            trigger = {"type": "UNSPECIFIED", "trigger_id": trigger_id, "conversion_right": right,
                       "trigger_description": "exercise terms not stated in the filing"}
            comments.append(f"{NOT_IN_LEDGER} an expiration date ({e.expiry_basis.value})")
        tx["exercise_triggers"] = [trigger]
        if e.kind in (WarrantKind.FINDER, WarrantKind.PLACEMENT_AGENT):
            tx["consideration_text"] = f"given as a {e.kind.value.replace('_', ' ')}'s fee"
        else:
            tx["consideration_text"] = "issued with the securities sold in the same filing"
        status = self.status.get(stored.event_id)
        if status is not None:
            comments.append(f"status on {self.as_of.isoformat()} in the ledger's replay: {status}")
        tx["comments"] = comments
        self.warrants[stored.event_id] = _Warrant(tx["security_id"], trigger_id, holder, e.shares, e.exercise_price, tx)
        self.transactions.append(tx)
        self._financed(stored, tx["id"])

    def _note(self, stored: StoredEvent) -> None:
        e: NoteIssued = stored.event
        holder = self._holder(stored, e.holders, e.holders_description)
        tx = self._issuance(stored, "TX_CONVERTIBLE_ISSUANCE", holder)
        comments = [_source(stored), f"security: {e.security}"]
        if e.principal is None:
            comments.append(_placeholder("investment_amount", f"the principal is {e.principal_basis.value}")
                            + ": written as 0")
        if e.conversion_price is not None:
            described = f"converts into common stock at {dec(e.conversion_price)} {CURRENCY} a share"
        elif e.conversion_formula:
            described = f"converts into common stock at a variable price: {e.conversion_formula}"
        else:
            described = "conversion terms not stated in the filing"
        if e.conversion_price is not None and e.conversion_formula:
            comments.append(f"variable conversion price (OCF has no field for it): {e.conversion_formula}")
        if e.interest_rate is not None:
            comments.append(f"interest {dec(e.interest_rate)}% a year")
        if e.maturity is not None:
            comments.append(f"matures {e.maturity.isoformat()} ({e.maturity_basis.value})")
        comments.append(_placeholder("seniority", "the filing gives no order among convertibles") + ": written as 1")
        tx.update({
            "convertible_type": "NOTE", "investment_amount": money(e.principal if e.principal is not None else 0),
            "conversion_triggers": [{
                "type": "UNSPECIFIED", "trigger_id": f"{tx['security_id']}/conversion",
                "trigger_description": described,
                "conversion_right": {"type": "CONVERTIBLE_CONVERSION_RIGHT",
                                     "conversion_mechanism": {"type": "CUSTOM_CONVERSION",
                                                              "custom_conversion_description": described},
                                     "converts_to_stock_class_id": self.classes[COMMON].obj["id"]},
            }],
            "seniority": 1, "comments": comments,
        })
        self.transactions.append(tx)
        self._financed(stored, tx["id"])

    def _fee(self, stored: StoredEvent) -> None:
        e: FeePaid = stored.event
        payee = e.payee or e.payee_description or "a payee not named"
        if e.cash is not None:
            cash = f"cash {dec(e.cash)} {CURRENCY}" + (" (approximate)" if e.approximate else "") + \
                   (" including expenses" if e.includes_expenses else "")
        else:
            cash = f"cash {e.cash_basis.value}"
        parts = [cash]
        if e.percent_of_proceeds is not None:
            parts.append(f"{dec(e.percent_of_proceeds)}% of the proceeds")
        if e.warrants:
            parts.append("and warrants" + (f" for {e.warrant_shares} shares" if e.warrant_shares is not None else "")
                         + " (their warrant issuance is in this financing)")
        self._filing(stored.stream).comments.append(
            f"{e.role.value.replace('_', ' ')}'s fee paid to {payee}: {', '.join(parts)} ({_source(stored)})")

    def _right(self, stored: StoredEvent) -> None:
        e: ContingentRight = stored.event
        amount = f"; amount {dec(e.amount)} {CURRENCY}" if e.amount is not None else ""
        start = f"; from {e.exercisable_from.isoformat()}" if e.exercisable_from is not None else ""
        self._filing(stored.stream).comments.append(
            f"{e.kind.value.replace('_', ' ')} held by the {e.holder}{amount}{start}: {e.description}")

    def _vested(self, stored: StoredEvent) -> None:
        w = self.warrants.get(stored.event.tranche)
        if w is None:
            return
        shares = stored.event.shares
        w.remaining = (w.remaining or 0) + shares
        tx = w.issuance
        tx.setdefault("vestings", []).append({"date": stored.effective_date.isoformat(), "amount": numeric(shares)})
        total = sum(int(v["amount"]) for v in tx["vestings"])
        tx["quantity"] = numeric(total)
        grant = tx["comments"]
        tx["quantity_source"] = "INSTRUMENT_MIN"
        grant.append(f"{shares} shares vested on {stored.effective_date.isoformat()} under the formula "
                     f"({_source(stored)}); quantity is what has vested by then, a minimum until the last vesting date")

    def _exercised(self, stored: StoredEvent) -> None:
        e: WarrantExercised = stored.event
        w = self.warrants.get(e.tranche)
        received = e.shares_issued or e.shares
        lot = self._issuance(stored, "TX_STOCK_ISSUANCE", w.stakeholder_id if w else
                             self._holder(stored, (), "holders of an unknown warrant"), suffix="/stock")
        comments = [_source(stored), f"common stock received on exercising warrant {e.tranche}"]
        price = None if e.cashless else (w.price if w else None)
        if price is None:
            why = "a cashless exercise pays no price" if e.cashless else "the warrant's exercise price is not known"
            comments.append(_placeholder("share_price", why) + ": written as 0")
        lot.update({"stock_class_id": self.classes[COMMON].obj["id"],
                    "share_price": money(price if price is not None else 0), "quantity": numeric(received),
                    "stock_legend_ids": [], "consideration_text": "cashless exercise of a warrant" if e.cashless
                    else "cash exercise of a warrant", "comments": comments})
        if w is None:
            self.manifest_comments.append(f"exercise {stored.event_id} names warrant {e.tranche}, which is not in this "
                                          "package: its stock issuance is written, the exercise is not")
            self._stock(lot)
            return
        tx = {"id": stored.event_id, "object_type": "TX_WARRANT_EXERCISE", "date": stored.effective_date.isoformat(),
              "security_id": w.security_id, "trigger_id": w.trigger_id, "resulting_security_ids": [lot["security_id"]],
              "consideration_text": lot["consideration_text"]}
        notes = [_source(stored), f"{e.shares} warrant shares exercised" + (f", {received} shares received" if e.cashless else "")]
        if w.remaining is not None:
            w.remaining -= e.shares
            if w.remaining > 0:
                notes.append(f"a partial exercise: {w.remaining} warrant shares remain outstanding under the same "
                             "security (OCF's warrant exercise carries no quantity)")
        tx["comments"] = notes
        self.transactions.append(tx)
        self._stock(lot)

    def _cancelled(self, stored: StoredEvent) -> None:
        e: WarrantCancelled = stored.event
        w = self.warrants.get(e.tranche)
        if w is None:
            self.manifest_comments.append(f"cancellation {stored.event_id} names warrant {e.tranche}, which is not in "
                                          "this package: not written")
            return
        comments = [_source(stored)]
        quantity = e.shares if e.shares is not None else w.remaining
        if e.shares is None:
            comments.append("the whole remaining tranche was cancelled")
        if quantity is None:
            comments.append(_placeholder("quantity", "the tranche's quantity was never determined") + ": written as 0")
        elif w.remaining is not None:
            w.remaining = max(w.remaining - quantity, 0)
        self.transactions.append({
            "id": stored.event_id, "object_type": "TX_WARRANT_CANCELLATION", "date": stored.effective_date.isoformat(),
            "security_id": w.security_id, "quantity": numeric(quantity if quantity is not None else 0),
            "reason_text": f"cancelled, as recorded from {stored.event.provenance.filing}", "comments": comments})

    def _converted(self, stored: StoredEvent) -> None:
        e: PreferredConverted = stored.event
        p = self.preferred.get(e.preferred)
        lot = self._issuance(stored, "TX_STOCK_ISSUANCE", p.stakeholder_id if p else
                             self._holder(stored, (), "holders of an unknown preferred lot"), suffix="/stock")
        comments = [_source(stored), f"common stock received on converting preferred {e.preferred}"]
        price = quotient(e.stated_amount_converted, e.common_received) if e.stated_amount_converted is not None else None
        if price is not None:
            comments.append(f"share_price is the stated amount converted ({dec(e.stated_amount_converted)}) / common "
                            f"received ({e.common_received})")
        else:
            comments.append(_placeholder("share_price", "the stated amount converted is not known") + ": written as 0")
        lot.update({"stock_class_id": self.classes[COMMON].obj["id"],
                    "share_price": money(price if price is not None else 0), "quantity": numeric(e.common_received),
                    "stock_legend_ids": [], "consideration_text": "conversion of preferred stock", "comments": comments})
        if p is None:
            self.manifest_comments.append(f"conversion {stored.event_id} names preferred lot {e.preferred}, which is not "
                                          "in this package: its common stock issuance is written, the conversion is not")
            self._stock(lot)
            return
        notes = [_source(stored)]
        quantity: Decimal | int | None
        if p.by_amount:
            quantity = e.stated_amount_converted
            if quantity is None and e.shares_converted is not None and p.stated_value is not None:
                quantity = EXACT.multiply(Decimal(e.shares_converted), p.stated_value)
            unit = "dollars of stated amount (the series' unit)"
        else:
            quantity = e.shares_converted
            if quantity is None and e.stated_amount_converted is not None and p.stated_value is not None:
                quantity = quotient(e.stated_amount_converted, p.stated_value)
            unit = "shares"
        if quantity is None:
            notes.append(_placeholder("quantity_converted", "the filing gives neither the shares nor the stated "
                                      "amount converted") + ": written as 0")
        else:
            notes.append(f"quantity_converted is in {unit}")
        self.transactions.append({
            "id": stored.event_id, "object_type": "TX_STOCK_CONVERSION", "date": stored.effective_date.isoformat(),
            "security_id": p.security_id, "quantity_converted": numeric(quantity if quantity is not None else 0),
            "resulting_security_ids": [lot["security_id"]], "comments": notes})
        self._stock(lot)

    def _balance(self, stored: StoredEvent) -> None:
        e: SharesOutstanding = stored.event
        cls = self._class(e.security, "COMMON" if "Preferred" not in e.security else "PREFERRED")
        dropped = [sid for sid, tx in self.stock_issuances.items() if tx["stock_class_id"] == cls.obj["id"]]
        for sid in dropped:
            del self.stock_issuances[sid]
        if dropped:
            self.manifest_comments.append(
                f"opening balance {stored.event_id} ({e.shares} {e.security} outstanding on "
                f"{stored.effective_date.isoformat()}) includes the earlier issuances of its class, which are left "
                f"out: {', '.join(s.removesuffix('/security') for s in dropped)}")
        holder = self._holder(stored, (), "holders of the opening balance")
        tx = self._issuance(stored, "TX_STOCK_ISSUANCE", holder)
        tx.update({"stock_class_id": cls.obj["id"], "share_price": money(0), "quantity": numeric(e.shares),
                   "stock_legend_ids": [], "comments": [
                       _source(stored), "an opening balance: the shares outstanding on this date, not an issue",
                       _placeholder("share_price", "a balance has no price") + ": written as 0"]})
        self._stock(tx)

    def _split(self, stored: StoredEvent) -> None:
        e: StockSplit = stored.event
        for cls in list(self.classes.values()):
            if cls.obj["class_type"] != "COMMON":
                continue
            self.transactions.append({
                "id": f"{stored.event_id}/{cls.obj['id']}", "object_type": "TX_STOCK_CLASS_SPLIT",
                "date": stored.effective_date.isoformat(), "stock_class_id": cls.obj["id"],
                "split_ratio": {"numerator": numeric(e.numerator), "denominator": numeric(e.denominator)},
                "comments": [_source(stored), f"fractional shares rounded {e.rounding}; the ledger also rebases every "
                             "open warrant's shares and exercise price, and each preferred series' conversion price "
                             "and cap"]})
        for w in self.warrants.values():
            w.remaining, w.price = split_shares(w.remaining, e), split_price(w.price, e)

    def _stock(self, tx: dict) -> None:
        self.stock_issuances[tx["security_id"]] = tx
        self.transactions.append(tx)

    def _not_exported(self, stored: StoredEvent, why: str) -> None:
        self.manifest_comments.append(f"not written: {stored.event_id}, {why} ({_source(stored)})")
        self._filing(stored.stream).comments.append(f"not written: {stored.event_id}, {why}")

    HANDLERS = {
        FilingRecorded: _filing_recorded, CommonIssued: _common, PreferredIssued: _preferred_issued,
        WarrantGranted: _warrant, NoteIssued: _note, FeePaid: _fee, ContingentRight: _right,
        WarrantVested: _vested, WarrantExercised: _exercised, WarrantCancelled: _cancelled,
        PreferredConverted: _converted, SharesOutstanding: _balance, StockSplit: _split,
    }

    # -- the package

    def package(self) -> Package:
        kept = set(self.stock_issuances)
        transactions = [tx for tx in self.transactions
                        if tx["object_type"] != "TX_STOCK_ISSUANCE" or tx["security_id"] in kept]
        for tx in transactions:     # an exercise or conversion whose lot an opening balance absorbed
            ids = tx.get("resulting_security_ids")
            if ids and any(i not in kept for i in ids):
                tx["resulting_security_ids"] = [i for i in ids if i in kept]
                tx["comments"].append("its resulting stock issuance is included in a later opening balance")
        transactions.sort(key=lambda tx: tx["date"])    # stable: same-day objects keep replay order
        present = {tx["id"] for tx in transactions}
        financings = []
        for stream, filing in self.filings.items():
            ids = [i for i in filing.issuance_ids if i in present]
            if not ids:
                continue
            obj = {"id": f"financing-{_digest(stream)}", "object_type": "FINANCING", "name": filing.name,
                   "issuance_ids": ids, "date": min(filing.dates).isoformat()}
            obj["comments"] = [f"stream {stream}"] + filing.comments
            financings.append(obj)
        financings.sort(key=lambda f: (f["date"], f["id"]))
        return Package(self._manifest(), {
            STAKEHOLDERS: sorted(self.stakeholders.values(), key=lambda s: (s["name"]["legal_name"], s["id"])),
            STOCK_CLASSES: [c.obj for c in self.classes.values()],
            TRANSACTIONS: transactions,
            FINANCINGS: financings,
        })

    def _manifest(self) -> dict:
        r, t = self.report, self.report.totals
        issuer = attrs.evolve(self.issuer, name=r.issuer.name)
        formed = (self.first_date or self.as_of).isoformat()
        obj = {"id": f"issuer-{_digest(r.issuer_key)}", "object_type": "ISSUER", "legal_name": issuer.name,
               "formation_date": formed, "country_of_formation": "US"}
        comments = [
            f"issuer key in the ledger: {r.issuer_key}" + (f"; CIK {issuer.cik}" if issuer.cik else "")
            + (f"; commission file number {issuer.file_number}" if issuer.file_number else ""),
            _placeholder("formation_date", "no filing gives it") + f": written as {formed}, the date of the issuer's "
            "first event in the ledger, by which it existed",
            _placeholder("country_of_formation", "no filing gives it") + ": written as US, since the issuer files "
            "8-Ks with the SEC as a domestic registrant",
        ]
        if issuer.irs_number:
            obj["tax_ids"] = [{"tax_id": issuer.irs_number, "country": "US"}]
        if issuer.state and re.fullmatch(r"[A-Z]{2}", issuer.state):
            obj["country_subdivision_of_formation"] = issuer.state
        obj["comments"] = comments
        return {
            "ocf_version": OCF_VERSION, "file_type": "OCF_MANIFEST_FILE", "issuer": obj,
            "as_of": self.as_of.isoformat(), "generated_at": _timestamp(self.recorded_at),
            "comments": [
                "written by Deal Ledger from its event ledger; generated_at is the recording time of the latest "
                "event in the package, so the same ledger gives the same package",
                f"as of {self.as_of.isoformat()}" + (f", as known at {self.known_at.isoformat()}" if self.known_at else "")
                + f", the ledger's replay gives: common shares {t.common_shares}; warrant shares outstanding "
                f"{t.warrant_shares_outstanding}; undetermined warrant tranches {t.undetermined_warrant_tranches}; "
                f"contingent warrant tranches {t.contingent_warrant_tranches}; capital raised "
                f"{dec(t.capital_raised)} {CURRENCY}",
                f"a comment beginning '{NOT_IN_LEDGER}' marks a value OCF requires that the filings do not give",
            ] + self.manifest_comments,
        }


def _consideration(kind: str, amount: Decimal | None) -> str:
    return f"{kind}" + (f": {dec(amount)} {CURRENCY} in all" if amount is not None else ", amount not stated")


def _conversion_comments(e: PreferredIssued, stored: StoredEvent) -> list[str]:
    terms = e.conversion
    if terms is None:
        return []
    out = []
    if terms.fixed_price is not None:
        out.append(f"fixed conversion price {dec(terms.fixed_price)} {CURRENCY} ({terms.fixed_price_basis.value})"
                   + (f", the only price during the first {terms.fixed_only_days} days" if terms.fixed_only_days else ""))
    if terms.variable_formula:
        out.append(f"variable conversion price (OCF has no field for it): {terms.variable_formula}"
                   + (f" ({dec(terms.variable_percent)}% of the {terms.variable_reference})"
                      if terms.variable_percent is not None else ""))
    if terms.share_cap is not None:
        out.append(f"conversion cap (OCF has no field for it): at most {terms.share_cap} common shares in all")
    if terms.increment_percent is not None:
        out.append(f"convertible in {dec(terms.increment_percent)}% cumulative {terms.increment_period or ''} increments")
    return [f"{c} ({stored.event_id})" for c in out]


def _formula_comments(e: WarrantGranted) -> list[str]:
    f = e.formula
    out = [f"adjustable-warrant formula (OCF has no field for it): {f.description}"]
    if f.vesting_dates:
        out.append(f"vesting dates ({f.vesting_basis.value}): {', '.join(d.isoformat() for d in f.vesting_dates)}")
    if f.zero_above_price is not None:
        out.append(f"no shares vest above {'about ' if f.zero_above_approximate else ''}{dec(f.zero_above_price)} {CURRENCY}")
    if f.cutoff_price is not None:
        out.append(f"later vestings are cancelled above {dec(f.cutoff_price)} {CURRENCY}")
    return out


def _timestamp(recorded_at: str) -> str:
    """An RFC 3339 date-time from a stored recorded_at (already ISO, in UTC)."""
    if not recorded_at:
        return "1970-01-01T00:00:00Z"
    return recorded_at if recorded_at.endswith("Z") or "+" in recorded_at[10:] else recorded_at + "Z"


def build_package(report: IssuerReport, events: Iterable[StoredEvent], *, as_of: date,
                  known_at: date | None = None) -> Package:
    """The OCF objects of one issuer as of ``as_of``: ``events`` are that issuer's effective events
    in replay order (``ledger.views.effective_events``) and ``report`` its replay as of the same date."""
    builder = _Builder(report, as_of, known_at)
    for stored in events:
        if stored.issuer_key == report.issuer_key and stored.effective_date <= as_of:
            builder.add(stored)
    return builder.package()


# --- the zip -------------------------------------------------------------------------------

def file_bytes(file_type: str, items: list[dict]) -> bytes:
    return _json({"file_type": file_type, "items": items})


def _json(value: dict) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def package_files(package: Package) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every file of the package, the manifest first, with each file's md5 in it."""
    files = [(name, kind, listed, file_bytes(kind, package.items[name])) for name, kind, listed in FILES]
    manifest = dict(package.manifest)
    for listed in EMPTY_LISTS:
        manifest[listed] = []
    for name, _kind, listed, data in files:
        manifest[listed] = [{"filepath": name, "md5": hashlib.md5(data).hexdigest()}]
    yield MANIFEST, _json(manifest)
    for name, _kind, _listed, data in files:
        yield name, data


def write_package(package: Package, fh: BinaryIO) -> None:
    """The ``.ocf.zip``: the manifest and the files it names, deflated, with fixed timestamps."""
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in package_files(package):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3                       # unix, whatever the platform
            info.external_attr = 0o644 << 16
            z.writestr(info, data)


def package_bytes(package: Package) -> bytes:
    buffer = io.BytesIO()
    write_package(package, buffer)
    return buffer.getvalue()


# --- from a store ---------------------------------------------------------------------------

def sole_issuer(store: Store, wanted: str | None) -> str:
    """The issuer key an OCF package is for: the one ``wanted`` names, else the ledger's only issuer."""
    from ledger.views import resolve_issuer
    key = resolve_issuer(store, wanted)
    if key is not None:
        return key
    issuers = dict(store.issuer_names())
    if not issuers:
        raise OcfExportError("the ledger holds no filings, so there is no cap table to export")
    if len(issuers) > 1:
        names = "; ".join(sorted(set(issuers.values())))
        raise OcfExportError(f"the ledger holds {len(issuers)} issuers ({names}) and an OCF package is one issuer's "
                             "cap table: choose one with --issuer")
    return next(iter(issuers))


def issuer_package(store: Store, issuer_key: str, *, as_of: date, known_at: date | None = None) -> Package:
    """One issuer's package from a store it is handed: its replay as of ``as_of`` and its
    effective events, read from the store issuer by issuer (never the whole ledger)."""
    from ledger.views import effective_events, replay_issuers
    stream = replay_issuers(store, as_of=as_of, known_at=known_at, issuer_key=issuer_key)
    report = next(iter(stream.issuers), None)
    if report is None:
        names = dict(store.issuer_names(issuer_key=issuer_key))
        name = names.get(issuer_key, issuer_key)
        when = f" (known at {known_at.isoformat()})" if known_at else ""
        raise OcfExportError(f"{name}: nothing in the ledger on or before {as_of.isoformat()}{when}")
    events = effective_events(store, as_of=as_of, known_at=known_at, issuer_key=issuer_key)
    return build_package(report, events, as_of=as_of, known_at=known_at)
