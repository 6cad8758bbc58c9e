"""Writing files so that no reader, and no interrupted run, ever sees half of one."""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

# The process's umask, read once at import (reading it means setting it, which is not
# thread-safe): a new file gets the permissions any other program's would.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_atomically(path: str | Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it into place.

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
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
