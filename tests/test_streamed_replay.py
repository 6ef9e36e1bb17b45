"""Replay one issuer at a time (ledger.views.replay_issuers): the same answer as one pass over the
whole ledger, byte for byte in JSON, with each issuer read from its own events, and amendments
matched per issuer."""
from __future__ import annotations

import json
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.projections import replay, to_json_contract
from ledger.projections.report import json_chunks
from ledger.store import MEMORY, open_store
from ledger.views import effective_events, replay_issuers, replay_ledger
from tests.random_ledger import days, filings, maybe_days, recorded


def whole_pass(store, *, as_of: date, known_at: date | None):
    """The replay as it was before issuers were streamed: every issuer's events in one pass."""
    issuers = {info.issuer_key: info.issuer for info in store.streams()}
    return replay(effective_events(store, as_of=as_of, known_at=known_at), as_of=as_of, issuers=issuers,
                  known_at=known_at)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_issuer_by_issuer_equals_one_pass_over_the_ledger(data):
    store = open_store(MEMORY)
    data.draw(filings(store))
    data.draw(recorded(store))
    for _ in range(3):
        as_of, known_at = data.draw(days), data.draw(maybe_days)
        expected = whole_pass(store, as_of=as_of, known_at=known_at)
        assert replay_ledger(store, as_of=as_of, known_at=known_at) == expected
        streamed = "".join(json_chunks(replay_issuers(store, as_of=as_of, known_at=known_at)))
        assert streamed == json.dumps(to_json_contract(expected), indent=2) + "\n"
        for info in {i.issuer_key: i for i in store.streams()}.values():    # one issuer: its part of the whole
            alone = replay_ledger(store, as_of=as_of, known_at=known_at, issuer_key=info.issuer_key)
            assert alone.issuers == tuple(r for r in expected.issuers if r.issuer_key == info.issuer_key)
