"""The dilution chart's data for one issuer: what `ledger chart` asks the ledger for."""
from __future__ import annotations

from datetime import date

import attrs

from events import Issuer
from ledger.errors import LedgerError
from ledger.projections.series import DilutionSeries, dilution_series
from ledger.store import Store
from ledger.views import UnknownIssuer, effective_events, resolve_issuer


class NothingToChart(LedgerError):
    pass


@attrs.frozen
class IssuerSeries:
    issuer: Issuer
    series: DilutionSeries


def issuer_series(store: Store, issuer: str, *, start: date | None = None, end: date | None = None) -> IssuerSeries:
    """The series of the one issuer ``issuer`` names (a CIK or part of a name, as ``replay``
    takes it), from its events as the record stands now: corrections applied, 8-K/A restatements
    in place of what they restate. Raises UnknownIssuer, or NothingToChart when it has no event
    by ``end``."""
    if start is not None and end is not None and start > end:
        raise NothingToChart(f"the range is empty: {start} is after {end}")
    if not issuer.strip():
        raise UnknownIssuer("a chart is of one issuer: give a CIK or (part of) its name")
    key = resolve_issuer(store, issuer)
    details = None
    for info in store.streams(issuer_key=key):      # the last filing's details, as replay shows them
        details = info.issuer
    series = dilution_series(effective_events(store, as_of=end, issuer_key=key), issuer_key=key,
                             start=start, end=end)
    name = details.name if details else key
    if series.start is None:
        raise NothingToChart(f"{name} has no event in the ledger by {end}")
    return IssuerSeries(details or Issuer(name=key), series)
