"""Filings written for the tests: EDGAR full submissions of a plain financing, one per number.

Accession numbers share the filer agent's CIK and the year (``0001104659-00-NNNNNN``), as a
real download of one agent's filings does: the case that made schema-1 event ids collide.
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

AGENT = "0001104659"


def accession(n: int, year: str = "00") -> str:
    return f"{AGENT}-{year}-{n:06d}"


def full_submission(n: int, *, year: str = "00") -> str:
    """A small 8-K reporting one sale of common stock; every figure varies with ``n``."""
    day = date(2000, 1, 3) + timedelta(days=n % 300)
    filed = day + timedelta(days=5)
    shares = 10_000 + n
    price = f"{1 + n % 9}.{n % 100:02d}"
    company = f"GENERATED HOLDINGS {n} INC"
    return f"""<SEC-DOCUMENT>{accession(n, year)}.txt : {filed:%Y%m%d}
<SEC-HEADER>{accession(n, year)}.hdr.sgml : {filed:%Y%m%d}
ACCESSION NUMBER:\t\t{accession(n, year)}
CONFORMED SUBMISSION TYPE:\t8-K
PUBLIC DOCUMENT COUNT:\t\t1
CONFORMED PERIOD OF REPORT:\t{day:%Y%m%d}
FILED AS OF DATE:\t\t{filed:%Y%m%d}

FILER:

\tCOMPANY DATA:\t
\t\tCOMPANY CONFORMED NAME:\t\t\t{company}
\t\tCENTRAL INDEX KEY:\t\t\t{900000 + n:010d}
\t\tSTATE OF INCORPORATION:\t\t\tDE

\tFILING VALUES:
\t\tFORM TYPE:\t\t8-K
\t\tSEC FILE NUMBER:\t000-{20000 + n}
</SEC-HEADER>
<DOCUMENT>
<TYPE>8-K
<SEQUENCE>1
<TEXT>
SECURITIES AND EXCHANGE COMMISSION
FORM 8-K
Date of Report: {day:%B} {day.day}, {day.year}
{company}

Item 3.02 Unregistered Sales of Equity Securities.

On {day:%B} {day.day}, {day.year}, the Company sold {shares:,} shares of its common stock to two institutional investors at a purchase price of ${price} per share.
</TEXT>
</DOCUMENT>
</SEC-DOCUMENT>
"""


def write_filings(folder: Path, numbers, *, year: str = "00") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in numbers:
        path = folder / f"{accession(n, year)}.txt"
        path.write_text(full_submission(n, year=year))
        paths.append(path)
    return paths
