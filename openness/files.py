"""Writing files so that no reader, and no interrupted run, ever sees half of one."""
from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

# The process's umask, read once at import (reading it means setting it, which is not
# thread-safe): a new file gets the permissions any other program's would.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_atomically(path: str | Path, text: str | Iterable[str]) -> None:
    """Write `text` (or its pieces, in order) to a temporary file beside `path`, then
    rename it into place.

    The rename is atomic on POSIX and Windows, so `path` holds either the old content or
    the new, never a part. The temporary file is removed if anything fails.
    """
    folder = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o777  # replacing a file keeps its permissions
    except OSError:
        mode = 0o666 & ~_UMASK  # mkstemp's 0600 would hide a report from everyone else
    handle, temp = tempfile.mkstemp(prefix=".tmp-openness-", dir=folder)
    try:
        os.chmod(temp, mode)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            _write(out, text)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def writes_through(path: str | Path, *, standard_fds: tuple[int, ...] = (1, 2)) -> bool:
    """True when `path` must be written into as a shell's `>` would, not replaced.

    A FIFO, a device or a socket (after following symlinks) is something a reader is
    attached to: replacing it by a regular file would cut the reader off and leave a
    stray file. The same holds for a path that is this process's stdout or stderr
    (`/dev/stdout`, `/proc/self/fd/1`, a link to either), even when that is a regular
    file the shell opened: replacing it would lose what the shell appends there.
    """
    try:
        target = os.stat(path)
    except OSError:
        return False  # nothing there yet (or unreachable): a new regular file, or an error later
    if not stat.S_ISREG(target.st_mode):
        return True
    for fd in standard_fds:
        with contextlib.suppress(OSError):
            if os.path.samestat(target, os.fstat(fd)):
                return True
    return False


def _write(out: TextIO, text: str | Iterable[str]) -> None:
    if isinstance(text, str):
        out.write(text)
    else:
        out.writelines(text)


def write_report(path: str | Path, text: str | Iterable[str]) -> None:
    """Write a report to `path` as a user expects of `--output`.

    A FIFO, a device or this process's own stdout is written into, as a shell redirect
    would (a FIFO waits for its reader, as with `>`). Anything else is a regular file,
    replaced atomically; a symlink to one keeps being a symlink and its target gets the
    report, again as `>` would.
    """
    if writes_through(path):
        with open(path, "w", encoding="utf-8", newline="") as out:
            _write(out, text)
        return
    write_atomically(os.path.realpath(path), text)


def output_problem(path: str | Path) -> str | None:
    """Why a report could not be written to `path`, checked before any work; None if none known."""
    if os.path.isdir(path):
        return "it is a folder"
    if not os.path.isdir(os.path.dirname(os.path.realpath(path))):
        return "no such folder"
    return None
