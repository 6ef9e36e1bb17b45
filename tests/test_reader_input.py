"""Input the reader used to misread or stop on: a stray invalid UTF-8 byte, HTML nested deeper than
the parser goes, unreadable paths named in a batch, and non-filings beside the filings."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ledger.ingest import Skipped, expand
from ledger.intake import read_filing
from ledger.store import open_store
from ledger.text.normalise import decode_bytes

ROOT = Path(__file__).resolve().parents[1]
LEDGER = shutil.which("ledger", path=str(Path(sys.executable).parent))   # the installed console script

EIGHT_K = """\
SECURITIES AND EXCHANGE COMMISSION
Washington, D.C. 20549

FORM 8-K

Date of Report (Date of earliest event reported): May 2, 2012

Société Générale de Biotechnologie, Inc.
(Exact name of registrant as specified in its charter)

Item 3.02 Unregistered Sales of Equity Securities

On May 2, 2012, the Company sold 100,000 shares of its common stock to Zoë Müller and
François Lefèvre at a price of $2.50 per share{bad}.

SIGNATURES

Date: May 4, 2012
"""


# -- a stray invalid byte ------------------------------------------------------------------------

def test_one_invalid_byte_in_utf8_is_replaced_alone_and_counted():
    raw = EIGHT_K.format(bad="\x00").encode("utf-8").replace(b"\x00", b"\xff")
    decoded = decode_bytes(raw)
    assert decoded.encoding == "utf-8" and decoded.replaced == 1
    assert "Société Générale" in decoded.text and "Zoë Müller" in decoded.text and "François Lefèvre" in decoded.text
    assert "per share\ufffd." in decoded.text
    assert decoded.first_bad == raw.index(b"\xff")


def test_a_file_of_windows_1252_accents_is_still_windows_1252():
    raw = EIGHT_K.format(bad=" \u2013 paid in cash").encode("cp1252")
    decoded = decode_bytes(raw)
    assert (decoded.encoding, decoded.replaced) == ("cp1252", 0)
    assert "Société Générale" in decoded.text and "Zoë Müller" in decoded.text and "\u2013 paid" in decoded.text


def test_a_utf8_file_with_a_pasted_windows_1252_byte_keeps_its_accents_and_warns(tmp_path, run):
    path = tmp_path / "stray-byte.txt"
    path.write_bytes(EIGHT_K.format(bad="\x00").encode("utf-8").replace(b"\x00", b" \x96 net"))
    filing = read_filing(path)
    assert "Zoë Müller" in filing.normalised and "Ã" not in filing.normalised
    assert any(w.startswith(f"{path}: 1 byte(s) that are not valid UTF-8 were replaced") for w in filing.warnings)
    result = run("--db", tmp_path / "l.db", "ingest", path)
    assert result.exit_code == 0, result.output
    assert f"warning: {path}: 1 byte(s) that are not valid UTF-8 were replaced by U+FFFD" in result.stderr
    with open_store(tmp_path / "l.db") as store:
        assert store.count() == 2


def test_clean_utf8_and_pure_ascii_read_without_a_warning(tmp_path):
    path = tmp_path / "clean.txt"
    path.write_text(EIGHT_K.format(bad=""), encoding="utf-8")
    assert read_filing(path).warnings == ()


# -- HTML nested deeper than the parser goes ------------------------------------------------------

def deep_html(levels: int) -> str:
    return ("<html><body><p>SECURITIES AND EXCHANGE COMMISSION</p><p>FORM 8-K</p>"
            + "<div>" * levels + "<p>On May 2, 2012, the Company sold 100,000 shares.</p>" + "</div>" * levels
            + "</body></html>")


def test_html_nested_20000_deep_says_it_is_too_deep(tmp_path, run):
    path = tmp_path / "deep.htm"
    path.write_text(deep_html(20_000))
    result = run("--db", tmp_path / "l.db", "ingest", path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"error: {path}: HTML nested more than 2,048 elements deep (the HTML parser's limit, reached at line 1); "
        "the text past that depth cannot be read")


def test_html_with_text_before_the_deep_part_is_not_silently_cut(tmp_path):
    # Before the check, the text above the deep part was read and the rest dropped without a word.
    path = tmp_path / "deep-after-text.htm"
    path.write_text(deep_html(3_000))
    with pytest.raises(Exception, match="nested more than 2,048 elements deep"):
        read_filing(path)


def test_html_nested_within_the_limit_is_read(tmp_path):
    path = tmp_path / "nested.htm"
    path.write_text(deep_html(1_000))
    assert "the Company sold 100,000 shares." in read_filing(path).normalised


# -- a batch goes on past what cannot be read ------------------------------------------------------

GOOD = sorted((ROOT / "examples" / "filings").glob("*.txt"))


def bad_paths(tmp: Path) -> dict[str, tuple[Path, str]]:
    (empty := tmp / "empty-folder").mkdir()
    (only_junk := tmp / "junk-folder").mkdir()
    (only_junk / "README.md").write_text("# notes\n")
    fifo = tmp / "pipe.txt"
    os.mkfifo(fifo)
    return {
        "missing": (tmp / "missing.txt", "no such file"),
        "empty folder": (empty, "is a directory with no files in it"),
        "folder of non-filings": (only_junk, "is a directory with no filings in it"),
        "named pipe": (fifo, "is not a regular file (a named pipe); only files and folders are read"),
    }


def test_a_batch_goes_on_past_paths_that_cannot_be_read(run, tmp_path):
    bad = bad_paths(tmp_path)
    args = [GOOD[0]]
    for path, _ in bad.values():
        args += [path]
    args += [GOOD[1]]
    result = run("--db", tmp_path / "l.db", "ingest", *args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert lines[-len(bad) - 2:] == [
        "2 filing(s) read, 12 event(s) appended, 0 duplicate(s) skipped, 0 with no financing facts, 4 failed, "
        "1 non-filing(s) skipped",
        "failed:",
        *(f"  {path}: {problem}" for path, problem in bad.values())]
    with open_store(tmp_path / "l.db") as store:
        assert store.count() == 12


def test_a_batch_goes_on_past_a_missing_file_as_a_subprocess(tmp_path):
    db, missing = tmp_path / "l.db", tmp_path / "missing.txt"
    p = subprocess.run([LEDGER, "--db", str(db), "ingest", str(GOOD[0]), str(missing),
                        str(GOOD[1])], capture_output=True, text=True, cwd=ROOT, timeout=120,
                       env={**os.environ, "LEDGER_DB": ""})
    assert p.returncode == 2, p.stderr
    assert p.stderr.splitlines()[-3:] == [
        "2 filing(s) read, 12 event(s) appended, 0 duplicate(s) skipped, 0 with no financing facts, 1 failed",
        "failed:", f"  {missing}: no such file"]
    assert "Traceback" not in p.stderr and "Usage" not in p.stderr


# -- non-filings beside the filings ----------------------------------------------------------------

def folder_with_extras(tmp: Path) -> Path:
    folder = tmp / "filings"
    folder.mkdir()
    shutil.copy(GOOD[0], folder / "a.txt")
    shutil.copy(GOOD[1], folder / "b")            # no extension, but an 8-K by its content
    (folder / "README.md").write_text("# Filings downloaded on Monday\n")
    (folder / "index.json").write_text('{"count": 2}\n')
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / "notes").write_text("call the auditor\n")
    return folder


def test_expand_skips_non_filings_in_a_walked_folder_and_says_why(tmp_path):
    folder = folder_with_extras(tmp_path)
    skipped: list[Skipped] = []
    assert [p.name for p in expand([folder], skipped)] == ["a.txt", "b"]
    assert [s.line() for s in skipped] == [
        f"{folder / '.DS_Store'}: a hidden file, not a filing; skipped",
        f"{folder / 'README.md'}: not a filing (.md file); skipped",
        f"{folder / 'index.json'}: not a filing (.json file); skipped",
        f"{folder / 'notes'}: not a filing (no extension, and no SEC header, HTML or 8-K cover in it); skipped",
    ]


def test_non_filings_in_a_folder_are_noted_not_failed(run, tmp_path):
    folder = folder_with_extras(tmp_path)
    result = run("--db", tmp_path / "l.db", "ingest", folder)
    assert result.exit_code == 0, result.output
    assert f"note: {folder / 'README.md'}: not a filing (.md file); skipped" in result.stderr.splitlines()
    assert result.stderr.splitlines()[-1] == ("2 filing(s) read, 12 event(s) appended, 0 duplicate(s) skipped, "
                                              "0 with no financing facts, 0 failed, 4 non-filing(s) skipped")


def test_a_non_filing_named_on_the_command_line_is_still_a_failure(run, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# notes\n")
    result = run("--db", tmp_path / "l.db", "ingest", GOOD[0], readme)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"  {readme}: is not an SEC filing (no 'Securities and Exchange " \
                                             "Commission' or 'Form 8-K' in it)"


def test_non_filings_in_a_folder_as_a_subprocess(tmp_path):
    folder = folder_with_extras(tmp_path)
    p = subprocess.run([LEDGER, "--db", str(tmp_path / "l.db"), "ingest", str(folder)],
                       capture_output=True, text=True, cwd=ROOT, timeout=120, env={**os.environ, "LEDGER_DB": ""})
    assert p.returncode == 0, p.stderr
    assert p.stderr.splitlines()[-1].endswith("0 failed, 4 non-filing(s) skipped")
