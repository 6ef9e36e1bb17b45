"""What the golden files hold: each bundled or test filing's events, as their JSON payloads."""
import hashlib
from pathlib import Path

from events import to_payload
from ledger.extract import extract
from ledger.text.normalise import decode, identity, normalise

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "examples" / "filings").glob("*.txt")) + sorted((ROOT / "tests" / "filings").glob("*.txt"))


def extracted_payloads(path: Path) -> list[dict]:
    raw = path.read_bytes()
    text = normalise(decode(raw))
    result = extract(text, stream=identity(text), raw_sha256=hashlib.sha256(raw).hexdigest(), source_name=path.name)
    return [{"type": e.TYPE, "payload": to_payload(e)} for e in result.events]
