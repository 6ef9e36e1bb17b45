"""Files that are not filings: exit 2, one line naming the file and the problem, nothing written."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from ledger.ingest import ingest_file
from ledger.intake import read_filing
import ledger.store.base
from ledger.store import open_store, verify

FAILED_ONE = "0 filing(s) read, 0 event(s) appended, 0 duplicate(s) skipped, 0 with no financing facts, 1 failed"
FILING = Path(__file__).resolve().parents[1] / "examples" / "filings" / "000_ba47be5c523c5283.txt"


def sgml(body: str) -> str:
    return ("<SEC-DOCUMENT>0000950148-99-002694.txt : 19991206\n<SEC-HEADER>\nCONFORMED SUBMISSION TYPE: 8-K\n"
            "</SEC-HEADER>\n<DOCUMENT>\n<TYPE>8-K\n<TEXT>\n" + body + "</TEXT>\n</DOCUMENT>\n</SEC-DOCUMENT>\n")


def html(body: str) -> str:
    return "<!DOCTYPE html>\n<html><body><pre>\n" + body + "</pre></body></html>\n"


def make_empty(tmp: Path) -> Path:
    (p := tmp / "empty.txt").write_bytes(b"")
    return p


def make_blank(tmp: Path) -> Path:
    (p := tmp / "blank.txt").write_bytes(b"  \n\n\t \r\n")
    return p


def make_binary(tmp: Path) -> Path:
    (p := tmp / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR FORM 8-K" + bytes(range(256)))
    return p


def make_directory(tmp: Path) -> Path:
    (p := tmp / "filings.txt").mkdir()
    return p


def make_missing(tmp: Path) -> Path:
    return tmp / "no-such-filing.txt"


def make_notes(tmp: Path) -> Path:
    (p := tmp / "notes.txt").write_text("Lunch with the investors at noon.\nBring the term sheet.\n")
    return p


def make_truncated_sgml(tmp: Path) -> Path:
    text = sgml(FILING.read_text(encoding="utf-8")).replace("</DOCUMENT>\n</SEC-DOCUMENT>\n", "")
    (p := tmp / "truncated.txt").write_text(text, encoding="utf-8")
    return p


def make_empty_text_sgml(tmp: Path) -> Path:
    (p := tmp / "empty-text.txt").write_text(sgml(""), encoding="utf-8")
    return p


def make_html_without_body(tmp: Path) -> Path:
    (p := tmp / "blank.htm").write_text("<html><head><title>8-K</title></head><body>  </body></html>")
    return p


BAD_FILES = {
    make_empty: "is empty",
    make_blank: "is empty",
    make_binary: "is binary data, not a text filing",
    make_directory: "is a directory with no files in it",
    make_missing: "no such file",
    make_notes: "is not an SEC filing (no 'Securities and Exchange Commission' or 'Form 8-K' in it)",
    make_truncated_sgml: "truncated: <DOCUMENT> 1 has no </DOCUMENT>",
    make_empty_text_sgml: "the 8-K document's <TEXT> is empty",
    make_html_without_body: "HTML with no body text",
}


def assert_nothing_written(db: Path) -> None:
    if db.exists():
        with open_store(db) as store:
            assert store.count() == 0
            assert list(store.streams()) == []


def assert_no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


@pytest.mark.parametrize("make, problem", BAD_FILES.items(), ids=[f.__name__[5:] for f in BAD_FILES])
def test_bad_file_is_refused_in_one_line(run, tmp_path, make, problem):
    path, db = make(tmp_path), tmp_path / "ledger.db"
    result = run("--db", db, "ingest", path)
    assert result.exit_code == 2, result.output
    assert_no_traceback(result)
    assert result.stderr.splitlines() == [f"error: {path}: {problem}", FAILED_ONE]
    assert result.stdout == ""
    assert_nothing_written(db)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_unreadable_file_is_refused(run, tmp_path):
    path, db = tmp_path / "locked.txt", tmp_path / "ledger.db"
    path.write_bytes(FILING.read_bytes())
    path.chmod(0)
    try:
        result = run("--db", db, "ingest", path)
    finally:
        path.chmod(0o644)
    assert result.exit_code == 2, result.output
    assert_no_traceback(result)
    assert result.stderr.splitlines() == [f"error: {path}: cannot be read (permission denied)", FAILED_ONE]
    assert_nothing_written(db)


def test_file_names_are_printed_as_is_not_as_console_markup(run, tmp_path):
    draft, db = tmp_path / "8-K [draft].txt", tmp_path / "ledger.db"
    draft.write_text("not a filing\n")
    missing = tmp_path / "x[/b]" / "8-K.txt"    # '[/b]' once crashed the console with a MarkupError
    result = run("--db", db, "ingest", draft, missing)
    assert result.exit_code == 2, result.output
    assert_no_traceback(result)
    assert result.stderr.splitlines()[:2] == [
        f"error: {draft}: is not an SEC filing (no 'Securities and Exchange Commission' or 'Form 8-K' in it)",
        f"error: {missing}: no such file"]


def test_batch_goes_on_past_bad_files(run, tmp_path):
    empty, notes, db = make_empty(tmp_path), make_notes(tmp_path), tmp_path / "ledger.db"
    result = run("--db", db, "ingest", empty, FILING, notes)
    assert result.exit_code == 2, result.output
    assert_no_traceback(result)
    stream = read_filing(FILING).stream
    assert result.stderr.splitlines() == [
        f"error: {empty}: is empty",
        f"{FILING}: appended 7 events to {stream}",
        f"error: {notes}: is not an SEC filing (no 'Securities and Exchange Commission' or 'Form 8-K' in it)",
        "1 filing(s) read, 7 event(s) appended, 0 duplicate(s) skipped, 0 with no financing facts, 2 failed",
        "failed:",
        f"  {empty}: is empty",
        f"  {notes}: is not an SEC filing (no 'Securities and Exchange Commission' or 'Form 8-K' in it)",
    ]
    with open_store(db) as store:
        assert list(store.streams(stream=stream)) != []
        assert [e.stream for e in store.log()] == [stream] * 7
        assert [s.source_name for s in store.streams()] == [FILING.name]


def test_db_that_is_not_a_ledger_is_refused_and_left_alone(run, tmp_path):
    db = tmp_path / "notes.db"
    db.write_text("just text\n" * 200)
    result = run("--db", db, "ingest", FILING)
    assert result.exit_code == 2, result.output
    assert_no_traceback(result)
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {db}: not a ledger database")
    assert db.read_text() == "just text\n" * 200


def test_failure_inside_append_leaves_nothing(run, tmp_path, monkeypatch, filings):
    db = tmp_path / "ledger.db"
    assert run("--db", db, "ingest", filings[0]).exit_code == 0
    second = filings[1]
    stream = read_filing(second).stream
    real_encode, calls = ledger.store.base.encode, []

    def flaky(event):
        calls.append(event)
        if len(calls) == 3:
            raise RuntimeError("cannot encode the third event")
        return real_encode(event)

    with open_store(db) as store:
        before = (store.count(), store.head())
        monkeypatch.setattr(ledger.store.base, "encode", flaky)
        outcome = ingest_file(store, second)
        assert outcome.status == "failed" and "cannot encode the third event" in outcome.error
        assert outcome.error.startswith(f"{second}: ")
        assert len(calls) == 3
        assert (store.count(), store.head()) == before
        assert before[0] == 7
        assert list(store.streams(stream=stream)) == []
        assert store.document(read_filing(second).raw_sha256) is None
        monkeypatch.undo()
        assert verify(store).ok
        assert ingest_file(store, second).status == "appended"  # and the store is still usable
        assert store.count() == 7 + 5


@pytest.mark.parametrize("wrap, name", [(sgml, "0000950148-99-002694.txt"), (html, "8k.htm")])
def test_the_same_filing_wrapped_as_sgml_or_html_gives_the_same_facts(run, tmp_path, wrap, name):
    wrapped, db = tmp_path / name, tmp_path / "ledger.db"
    wrapped.write_text(wrap(FILING.read_text(encoding="utf-8")), encoding="utf-8")
    plain = json_replay(run, tmp_path / "plain.db", FILING)
    other = json_replay(run, db, wrapped)
    assert other["totals"] == plain["totals"] and other["totals"]["common_shares"] == 845594
    assert [(w["shares"], w["exercise_price"]) for w in other["warrants"]] == \
        [(w["shares"], w["exercise_price"]) for w in plain["warrants"]]


def json_replay(run, db: Path, filing: Path) -> dict:
    import json
    assert run("--db", db, "ingest", filing).exit_code == 0
    [issuer] = json.loads(run("--db", db, "replay", "--as-of", "2099-12-31", "--format", "json").stdout)["issuers"]
    return issuer


def test_same_accession_with_different_content_is_refused(run, tmp_path):
    first, second, db = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "ledger.db"
    body = FILING.read_text(encoding="utf-8")
    first.write_text(sgml(body), encoding="utf-8")
    second.write_text(sgml(body.replace("845,594", "845,595")), encoding="utf-8")
    assert run("--db", db, "ingest", first).exit_code == 0
    result = run("--db", db, "ingest", second)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"error: {second}: accession 0000950148-99-002694 is already in the ledger with different content; "
        "refusing to overwrite it")
    with open_store(db) as store:
        assert store.count() == 7


def test_oversize_file_is_refused_before_it_is_read(run, tmp_path, monkeypatch):
    import ledger.intake
    monkeypatch.setattr(ledger.intake, "MAX_BYTES", 1024)   # the rule, not a 50 MB file on disk
    big, db = tmp_path / "huge.txt", tmp_path / "ledger.db"
    big.write_bytes(FILING.read_bytes() * 2)
    result = run("--db", db, "ingest", big)
    assert result.exit_code == 2 and "Traceback" not in result.output
    size = f"{big.stat().st_size:,}"
    assert result.stderr.splitlines()[0] == f"error: {big}: is {size} bytes; filings over 1,024 bytes are refused"
    assert_nothing_written(db)
