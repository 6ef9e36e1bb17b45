"""Check the extractor's word tests (ledger/extract/gate.py) and fast date/security patterns over any
folders of filings: what a gate rules out its pattern does not match, an AnyOf answers as its whole
pattern, the fast date and named-security patterns find what the plain ones find, a Caseless pattern
finds in the lower-cased text what its pattern finds in the text (as written and upper-cased), and
the patterns built with the number words as a tree find what they find built with the plain words.

    python bench/check_gates.py ../shared/corpus/filings ../shared/corpus-pr/filings

tests/test_gate.py runs the same checks over the project's own filings; this script is for folders
that must stay out of the project. Prints one line per folder; the exit code is 1 on any mismatch.
"""
from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ledger.extract import values  # noqa: E402
from ledger.extract.gate import AnyOf, Gated, every_caseless, every_gate  # noqa: E402
from ledger.intake import read_filing  # noqa: E402
from ledger.text.normalise import sentences  # noqa: E402



def main(folders: list[str]) -> int:
    figures = importlib.import_module("ledger.extract.figures")
    mentions = importlib.import_module("ledger.extract.mentions")
    plain = [(values.DATE_RE, re.compile(values.DATE, re.I)), (figures._DATE_RE, re.compile(figures._DATE_SOURCE, re.I)),
             (mentions._NAMED.pattern, re.compile(mentions._NAMED_SOURCE))]
    patterns = importlib.import_module("ledger.extract.patterns")
    for v in vars(patterns).values():
        p = v.pattern if isinstance(v, Gated) else v
        if isinstance(p, re.Pattern) and values.WORD_NUMBER in p.pattern:
            plain.append((p, re.compile(p.pattern.replace(values.WORD_NUMBER, values.WORD_NUMBER_PLAIN), p.flags)))
    caseless = every_caseless()
    all_gates, bad = every_gate(), 0
    for folder in folders:
        texts, files, ruled_out = [], 0, 0
        for path in sorted(Path(folder).iterdir()):
            try:
                filing = read_filing(path)
            except Exception:  # noqa: BLE001 - a file that is no filing has no sentences to check
                continue
            files += 1
            texts.append(filing.normalised)
            texts += [s.text for s in sentences(filing.normalised)]
        for text in texts:
            for name, g in all_gates:
                if isinstance(g, AnyOf):
                    ok = g.found_in(text) == bool(g.pattern.search(text))
                else:
                    admitted = g.admits(text)
                    ruled_out += not admitted
                    ok = admitted or g.pattern.search(text) is None
                if not ok:
                    bad += 1
                    print(f"MISMATCH {name}: {text[:120]!r}")
            for name, c in caseless:
                for t in (text, text.upper()):
                    want = [m.span() for m in c.pattern.finditer(t)]
                    m = c.search(t)
                    got_first = m.span() if m else None
                    lowered = [m.span() for m in c.lowered.finditer(t.lower())] if t.isascii() else want
                    if got_first != (want[0] if want else None) or lowered != want:
                        bad += 1
                        print(f"MISMATCH {name}: {t[:120]!r}")
            for fast, slow in plain:
                if [(m.span(), m.groupdict()) for m in fast.finditer(text)] != [(m.span(), m.groupdict()) for m in slow.finditer(text)]:
                    bad += 1
                    print(f"MISMATCH {fast.pattern[:40]}: {text[:120]!r}")
        print(f"{folder}: {files} filings, {len(texts)} texts, {len(all_gates)} gates, "
              f"{ruled_out} pattern runs ruled out by word tests, {bad} mismatches")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or [str(ROOT / "examples" / "filings")]))
