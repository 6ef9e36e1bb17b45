"""What the golden files hold: each bundled or test filing's events, as their JSON payloads."""
from pathlib import Path

from events import to_payload
from ledger.extract import extract
from ledger.intake import read_filing

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "examples" / "filings").glob("*.txt")) + \
    sorted(p for p in (ROOT / "tests" / "filings").iterdir() if p.suffix in (".txt", ".htm", ".nc"))


def extracted_payloads(path: Path) -> list[dict]:
    """Through the same intake as `ledger ingest`: format detection, normalisation, header."""
    filing = read_filing(path)
    result = extract(filing.normalised, stream=filing.stream, raw_sha256=filing.raw_sha256,
                     source_name=path.name, header=filing.header, cover_facts=filing.cover_facts)
    return [{"type": e.TYPE, "payload": to_payload(e)} for e in result.events]
