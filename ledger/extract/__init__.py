"""Filing text to events: the cover page becomes a FilingRecorded, financing sentences the rest."""
from __future__ import annotations


import attrs

from events.rules import InvalidEvent
from events import (
    Basis, CommonIssued, ContingentRight, ConversionTerms, Event, FeePaid, FilingRecorded, Issuer, NoteIssued,
    PreferredIssued, Provenance, QuantityBasis, QuantityFormula, Quote, WarrantGranted,
)
from ledger.extract.cover import Cover, read_cover
from ledger.extract.identify import NoIssuer, identify
from ledger.extract.segment import PRESS_RELEASE, part_of, segment
from ledger.formats import Header
from ledger.errors import LedgerError
from ledger.extract.financing import Draft, Extractor
from ledger.extract.guard import readable
from ledger.extract.parties import read_parties
from ledger.extract.values import add_months, add_term


@attrs.frozen
class Extraction:
    cover: Cover
    events: tuple[Event, ...]
    warnings: tuple[str, ...]


class NotAFiling(LedgerError, ValueError):
    """The text lacks what every 8-K has (a form, a registrant, a date)."""


def extract(normalised: str, *, stream: str, raw_sha256: str, source_name: str,
            header: Header | None = None) -> Extraction:
    """Events of one filing. The SEC header, when there is one, outranks the cover page for the
    CIK, the period (date of report), the date filed (the date it became public) and the form."""
    document = segment(normalised, "8-K" if header else None)
    press = document.kind == PRESS_RELEASE
    cover = Cover(None, None, None, None, None, None, ()) if press else read_cover(normalised)
    try:
        found = identify(normalised, header, document.kind, document=document, cover=cover)
    except NoIssuer as e:
        raise NotAFiling(str(e)) from None
    cover = attrs.evolve(cover, issuer_name=cover.issuer_name or (found.issuer_name if press else None), quotes=found.quotes)
    name, report_date = found.issuer_name, found.report_date
    if report_date is None:
        raise NotAFiling("no date of report, signature date or any other date found")
    # A Markdown copy's front matter repeats the lead; "About the Company" and legends recap, never report.
    read = [s for s in document.sentences if part_of(document, s).role not in ("front_matter", "boilerplate")]
    sentences, warnings = readable(read, source_name)
    warnings = [f"{source_name}: {w}" for w in found.warnings] + warnings
    parties = read_parties(sentences, cover.issuer_name)
    extractor = Extractor(sentences, parties, report_date, name)
    drafts = extractor.run()
    try:
        return _events(normalised, cover, name, report_date, header, extractor, drafts, stream=stream,
                       raw_sha256=raw_sha256, source_name=source_name, warnings=warnings, found=found)
    except InvalidEvent as e:
        # A value no event may hold (a year 9999 read from "19,9999"): the filing is refused with the
        # reason, not stored with the value swapped for another, and not failed with a foreign error.
        raise NotAFiling(f"a value read from the text cannot be recorded: {e}") from None


def _events(normalised, cover, name, report_date, header, extractor, drafts, *, stream, raw_sha256, source_name,
            warnings, found) -> Extraction:
    issuer = Issuer(name=name, cik=header.cik if header else None,
                    file_number=cover.file_number or (header.file_number if header else None),
                    irs_number=cover.irs_number or (header.irs_number if header else None))
    filing = FilingRecorded(
        effective_date=report_date, provenance=Provenance(stream, cover.quotes or (Quote(0, 0, ""),)),
        issuer=issuer, form=found.form, report_date=report_date,
        signature_date=cover.signature_date, public_date=found.public_date,
        identity=stream, raw_sha256=raw_sha256, source_name=source_name,
        accession=header.accession if header else None,
        items=tuple(header.items) if header and header.items else tuple(extractor.items))
    facts = [_event(d, stream) for d in sorted(drafts, key=lambda d: d.order)]
    warnings += [] if facts else [f"{source_name}: no financing facts found"]
    return Extraction(cover, (filing, *facts), tuple(warnings))


def _pair(value, default_basis: Basis):
    """Draft fields hold a figure, or a (figure, basis) pair when the basis is not 'stated'."""
    if isinstance(value, tuple):
        return value
    return value, (default_basis if value is not None else None)


def _event(d: Draft, stream: str) -> Event:
    f = d.fields
    prov = Provenance(stream, d.quotes())
    common = dict(effective_date=d.date, provenance=prov, reported_under=d.items)
    if d.kind == "common":
        consideration, c_basis = _pair(f.get("consideration"), Basis.STATED)
        return CommonIssued(
            **common, security=f.get("security", "Common Stock"), shares=f.get("shares"),
            shares_basis=f.get("shares_basis", Basis.STATED) if f.get("shares") is not None else Basis.NOT_STATED,
            price=f.get("price"),
            price_basis=f.get("price_basis") or (Basis.STATED if f.get("price") is not None else Basis.NOT_STATED),
            consideration=consideration, consideration_basis=c_basis or Basis.NOT_STATED,
            buyers=f.get("buyers", ()), buyers_description=f.get("buyers_description"), tranche=f.get("tranche"))
    if d.kind == "preferred":
        consideration, c_basis = _pair(f.get("consideration"), Basis.STATED)
        amount, a_basis = _pair(f.get("stated_amount"), Basis.STATED)
        shares, value = f.get("shares"), f.get("stated_value")
        if amount is None and shares is not None and value is not None:
            amount, a_basis = shares * value, Basis.COMPUTED
        elif amount is None and consideration is not None:
            # The only figure is what was paid for the preferred and what came with it.
            amount, a_basis = consideration, Basis.BY_REFERENCE
        conv = f.get("conversion")
        return PreferredIssued(
            **common, series=f.get("series"), title=f["title"], dividend_rate=f.get("dividend_rate"),
            shares=shares, shares_basis=Basis.STATED if shares is not None else Basis.NOT_STATED,
            stated_value=value, stated_amount=amount, stated_amount_basis=a_basis or Basis.NOT_STATED,
            consideration=consideration, consideration_basis=c_basis or Basis.NOT_STATED,
            holders=f.get("buyers", ()), holders_description=f.get("buyers_description"),
            conversion=ConversionTerms(
                **{k: v for k, v in conv.items()},
                fixed_price_basis=Basis.STATED if conv.get("fixed_price") is not None else Basis.NOT_STATED,
            ) if conv else None)
    if d.kind == "warrant":
        term = f.get("term_years")
        expires, expiry_basis = f.get("stated_expiry"), Basis.STATED
        if expires is None and term is not None:
            # "for three years commencing six months after issuance": the term starts after the offset.
            start = add_months(d.date, f["term_offset_months"]) if f.get("term_offset_months") else d.date
            expires, expiry_basis = add_term(start, term), Basis.COMPUTED
        if expires is None:
            expiry_basis = Basis.NOT_STATED
        formula = None
        if f.get("quantity_basis") == QuantityBasis.FORMULA:
            months = f.get("vesting_months", ())
            formula = QuantityFormula(
                description=f.get("formula_text") or d.sentences[0].text,
                vesting_dates=tuple(add_months(d.date, m) for m in months),
                vesting_basis=Basis.COMPUTED if months else Basis.NOT_STATED,
                zero_above_price=f.get("zero_above_price"), zero_above_approximate=f.get("zero_above_approximate", False),
                cutoff_price=f.get("cutoff_price"))
        price = f.get("exercise_price")
        return WarrantGranted(
            **common, tranche=f["tranche"], kind=f["kind"], shares=f.get("shares"),
            quantity_basis=f.get("quantity_basis", QuantityBasis.FIXED), exercise_price=price,
            exercise_price_basis=f.get("exercise_price_basis") or (Basis.STATED if price is not None else Basis.NOT_STATED),
            term_years=term, expires_on=expires, expiry_basis=expiry_basis,
            holders=f.get("holders", ()), holders_description=f.get("holders_description") or f.get("buyers_description"),
            formula=formula)
    if d.kind == "note":
        principal, price = f.get("principal"), f.get("conversion_price")
        return NoteIssued(
            **common, security=f["security"], principal=principal,
            principal_basis=Basis.STATED if principal is not None else Basis.NOT_STATED,
            interest_rate=f.get("interest_rate"), conversion_price=price,
            conversion_price_basis=Basis.STATED if price is not None else (
                Basis.FORMULA if f.get("conversion_formula") else Basis.NOT_STATED),
            conversion_formula=f.get("conversion_formula"), maturity=f.get("maturity"),
            maturity_basis=Basis.STATED if f.get("maturity") else Basis.NOT_STATED,
            holders=f.get("buyers", ()), holders_description=f.get("buyers_description"))
    if d.kind == "fee":
        return FeePaid(
            **common, role=f["role"], payee=f.get("payee"), payee_description=f.get("payee_description"),
            cash=f.get("cash"), cash_basis=f.get("cash_basis", Basis.STATED), approximate=f.get("approximate", False),
            includes_expenses=f.get("includes_expenses", False), percent_of_proceeds=f.get("percent_of_proceeds"),
            warrants=f.get("warrants", False), warrant_shares=f.get("warrant_shares"))
    if d.kind == "right":
        amount = f.get("amount")
        return ContingentRight(
            **common, kind=f["kind"], holder=f["holder"], description=f["description"], security=f.get("security"),
            amount=amount, amount_basis=Basis.STATED if amount is not None else Basis.NOT_STATED,
            exercisable_from=f.get("exercisable_from"),
            exercisable_from_basis=Basis.COMPUTED if f.get("exercisable_from") else Basis.NOT_STATED)
    raise ValueError(f"unknown draft kind {d.kind}")
