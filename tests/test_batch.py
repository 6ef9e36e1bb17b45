"""Batch ingest: folders walked, sec-edgar-downloader's layout, a summary that lists failures."""
import shutil
from pathlib import Path

from ledger.ingest import expand
from ledger.store import open_store


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
