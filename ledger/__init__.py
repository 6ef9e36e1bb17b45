"""Deal Ledger: storage, ingestion and projections over the event vocabulary in ``events``."""
