"""Where a ledger is: a SQLite path, or a PostgreSQL URL, and how messages may show it."""
from __future__ import annotations

import os

SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server(location: str | os.PathLike) -> bool:
    """A location naming a PostgreSQL server rather than a file."""
    return os.fspath(location).startswith(SERVER_SCHEMES)


def redact(location: str | os.PathLike) -> str:
    """The location as messages may show it: a URL without its password (``user:secret@`` and
    ``password=``); a path as it is."""
    url = os.fspath(location)
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    netloc, slash, tail = rest.partition("/")
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        netloc = userinfo.split(":", 1)[0] + "@" + host
    path, q, query = tail.partition("?")
    if q:
        query = "&".join(p for p in query.split("&") if not p.lower().startswith("password="))
    return f"{scheme}://{netloc}{slash}{path}" + (f"?{query}" if query else "")
