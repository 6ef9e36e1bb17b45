"""Rewrite the golden files from the current extractor: python tests/golden/regenerate.py

Review the diff before committing it: a golden file is a claim about what the filing says.
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.golden_support import SOURCES, extracted_payloads  # noqa: E402

for source in SOURCES:
    out = Path(__file__).parent / f"{source.stem}.json"
    out.write_text(json.dumps(extracted_payloads(source), indent=2, ensure_ascii=False) + "\n")
    print(out.relative_to(ROOT))
