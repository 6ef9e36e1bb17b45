"""Output files written whole: beside their target, then moved over it when complete."""
from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO, TextIO


@contextmanager
def replaced_whole(path: Path, *, binary: bool = False) -> Iterator[TextIO | BinaryIO]:
    """An export file written beside ``path`` and moved over it when complete, since rows are written
    as the replay goes: a replay that stops on a damaged row leaves no half-written file. A device,
    a pipe, a symbolic link or a file this user may not write is opened in place, as before.
    ``binary``: a file opened for bytes (a zip) instead of UTF-8 text."""
    text = {} if binary else {"newline": "", "encoding": "utf-8"}
    open_mode = "wb" if binary else "w"
    if path.is_symlink() or (path.exists() and not (path.is_file() and os.access(path, os.W_OK))):
        with path.open(open_mode, **text) as fh:
            yield fh
        return
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o666 & ~_umask()
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with open(fd, open_mode, **text) as fh:
            yield fh
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
