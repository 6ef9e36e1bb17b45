"""Batch ingest: folders walked, sec-edgar-downloader's layout, a summary that lists failures."""
import shutil
from pathlib import Path

from ledger.ingest import expand
from ledger.store import open_store, verify


def downloader_tree(tmp: Path, filings: list[Path]) -> Path:
    """sec-edgar-filings/<ticker>/8-K/<accession>/full-submission.txt, plus the HTML copy the
    downloader may save beside it (the same filing, which must not be read twice)."""
    root = tmp / "sec-edgar-filings"
    for i, filing in enumerate(filings):
        folder = root / "NEOT" / "8-K" / f"0000950148-00-00{i:04d}"
        folder.mkdir(parents=True)
        shutil.copy(filing, folder / "full-submission.txt")
        (folder / "primary-document.html").write_text("<html><body>same filing</body></html>")
    (root / ".DS_Store").write_text("junk")
    return root


def test_expand_walks_folders_in_order_and_prefers_full_submission(tmp_path, filings):
    root = downloader_tree(tmp_path, filings[:3])
    found = list(expand([root]))
    assert [p.relative_to(root).as_posix() for p in found] == [
        f"NEOT/8-K/0000950148-00-00{i:04d}/full-submission.txt" for i in range(3)]


def test_ingest_a_downloader_folder_then_again(run, tmp_path, filings):
    root, db = downloader_tree(tmp_path, filings), tmp_path / "ledger.db"
    first = run("--db", db, "ingest", root)
    assert first.exit_code == 0, first.output
    assert first.stderr.splitlines()[-1] == \
        "5 filing(s) read, 30 event(s) appended, 0 duplicate(s) skipped, 0 with no financing facts, 0 failed, " \
        "1 non-filing(s) skipped"        # the .DS_Store beside the ticker folders
    again = run("--db", db, "ingest", root)
    assert again.exit_code == 0
    assert again.stderr.splitlines()[-1] == \
        "5 filing(s) read, 0 event(s) appended, 5 duplicate(s) skipped, 0 with no financing facts, 0 failed, " \
        "1 non-filing(s) skipped"
    with open_store(db) as store:
        assert store.count() == 30


def test_batch_goes_on_past_bad_files_and_lists_them_at_the_end(run, tmp_path, filings):
    folder, db = tmp_path / "mixed", tmp_path / "ledger.db"
    folder.mkdir()
    shutil.copy(filings[0], folder / "a.txt")
    (folder / "b.txt").write_bytes(b"")
    (folder / "c.txt").write_text("A shopping list, not a filing.\n")
    shutil.copy(filings[1], folder / "d.txt")
    result = run("--db", db, "ingest", folder)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[-4:] == [
        "2 filing(s) read, 12 event(s) appended, 0 duplicate(s) skipped, 0 with no financing facts, 2 failed",
        "failed:",
        f"  {folder / 'b.txt'}: is empty",
        f"  {folder / 'c.txt'}: is not an SEC filing (no 'Securities and Exchange Commission' or 'Form 8-K' in it)",
    ]
    with open_store(db) as store:
        assert store.count() == 12


# -- several filings per transaction ---------------------------------------------------------------

FILINGS = Path(__file__).parent / "filings"


def mixed_folder(tmp: Path, filings: list[Path]) -> Path:
    """Filings in name order: the examples, a byte-for-byte copy of one under another name, the same
    accession with other bytes, a bad file, and an 8-K/A right after its original (one batch)."""
    folder = tmp / "mixed"
    folder.mkdir()
    for i, filing in enumerate(filings):
        shutil.copy(filing, folder / f"{i:02d}.txt")
    shutil.copy(filings[0], folder / "10_same_bytes.txt")
    shutil.copy(FILINGS / "underwritten_selling_holders.txt", folder / "11_accession.txt")
    (folder / "11_same_accession.txt").write_bytes(
        (FILINGS / "underwritten_selling_holders.txt").read_bytes() + b"\nA line added later.\n")
    (folder / "12_empty.txt").write_bytes(b"")
    shutil.copy(FILINGS / "pipe_placement_agent.txt", folder / "13_original.txt")
    shutil.copy(FILINGS / "pipe_placement_agent_amendment.txt", folder / "14_amendment.txt")
    return folder


def ledger_facts(db: Path) -> list:
    with open_store(db, read_only=True) as store:
        assert verify(store).ok
        return [(s.seq, s.stream, s.version, s.type, s.effective_date, s.quote, s.event) for s in store.log()]


def test_a_batched_ingest_records_what_one_commit_a_filing_records(run, tmp_path, filings):
    folder = mixed_folder(tmp_path, filings)
    one, batched = tmp_path / "one.db", tmp_path / "batched.db"
    each = run("--db", one, "ingest", "--batch", "1", folder)
    many = run("--db", batched, "ingest", folder)         # the default: every filing in one batch here
    assert each.exit_code == many.exit_code == 2
    assert many.stdout == each.stdout and many.stderr == each.stderr
    assert "9 filing(s) read, 41 event(s) appended, 1 duplicate(s) skipped, 0 with no financing facts, 2 failed" \
        in many.stderr
    assert "11_same_accession.txt: accession" in many.stderr and "12_empty.txt: is empty" in many.stderr
    assert ledger_facts(batched) == ledger_facts(one)
    with open_store(batched, read_only=True) as store:
        forms = {s.form: s.stream for s in store.streams() if s.source_name.startswith("1")}
        # matched to its original, which was appended in the batch just before it
        assert next(store.log(stream=forms["8-K/A"])).event.amends == forms["8-K"]


def test_a_batch_whose_transaction_fails_appends_each_filing_alone(tmp_path, filings, monkeypatch):
    from ledger.errors import LedgerBusy
    from ledger.ingest import ingest
    from ledger.store.sqlite import SQLiteStore

    def busy(self, batch):
        raise LedgerBusy("the ledger is locked by another writer; nothing was written")

    monkeypatch.setattr(SQLiteStore, "append_many", busy)
    with open_store(tmp_path / "ledger.db", create=True) as store:
        outcomes = list(ingest(store, filings))
        assert [o.status for o in outcomes] == ["appended"] * 5 and store.count() == 30 and verify(store).ok
