"""`ledger export ocf`: one issuer's cap table as an Open Cap Table Format v1.2.0 package (.ocf.zip).
The export command (cli.reads) hands its arguments here; the package is built by ledger.export.ocf."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from cli.console import failed, opened_store


def export(location: str, *, as_of: date, output: Path | None, issuer: str | None, known_at: date | None) -> None:
    """Write the package to ``output`` whole, or nothing: a zip is never written to stdout."""
    if output is None:
        raise failed("export ocf writes a zip file: give -o FILE.ocf.zip")
    from cli.whole import replaced_whole
    from ledger.export.ocf import issuer_package, sole_issuer, write_package
    with opened_store(location) as store:
        key = sole_issuer(store, issuer)
        package = issuer_package(store, key, as_of=as_of, known_at=known_at)
    try:
        with replaced_whole(output, binary=True) as fh:
            write_package(package, fh)
    except OSError as e:
        raise failed(f"{output}: cannot write ({e.strerror or e})") from None
