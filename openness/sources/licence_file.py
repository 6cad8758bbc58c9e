"""Which file of a repository holds its licence text, and what its bytes come to.

Pure: the Hub source reads the file this names, at the scored commit, and keeps only its
SHA-256 (openness.models.LicenceText), so that `openness diff` can tell when the text
behind an unchanged licence id changed.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from urllib.parse import unquote, urlsplit

from openness.models import MAX_LICENCE_BYTES, LicenceText

# The usual names, most usual first; any other root file named LICENSE* or LICENCE* after them.
PREFERRED_NAMES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "LICENCE.md", "LICENCE.txt")
_LICENCE_NAME = re.compile(r"licen[cs]e", re.IGNORECASE)
# A link to a file of a Hub repo: .../<org>/<name>/(blob|resolve|raw)/<revision>/<path>
_HUB_FILE_LINK = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/(?:blob|resolve|raw)/[^/]+/(?P<path>.+)$")


def licence_file(siblings: Sequence[str], repo_id: str, license_link: object = None) -> str | None:
    """The file to read: the one `license_link` names when it is a file of this repo (a
    relative path, or a Hub URL of this repo), else the best-named LICENSE/LICENCE file at
    the root; None when the repo holds none."""
    present = set(siblings)
    linked = _linked_file(license_link, repo_id) if isinstance(license_link, str) else None
    if linked in present:
        return linked
    at_root = [name for name in siblings if "/" not in name and _LICENCE_NAME.match(name)]
    if not at_root:
        return None

    def rank(name: str) -> tuple[int, str]:
        exact = [n.lower() for n in PREFERRED_NAMES]
        return (exact.index(name.lower()) if name.lower() in exact else len(exact), name)

    return min(at_root, key=rank)


def _linked_file(link: str, repo_id: str) -> str | None:
    """The repo path `link` names, if it names a file of `repo_id`."""
    link = link.strip()
    if "://" not in link:
        path = link.removeprefix("./").split("#", 1)[0].split("?", 1)[0]
        return path or None
    match = _HUB_FILE_LINK.match(unquote(urlsplit(link).path))
    if match and match["repo"].lower() == repo_id.lower():
        return match["path"]
    return None


def licence_text(file: str, raw: bytes, more: bool) -> LicenceText:
    """The licence file as its hash; `more` says the read stopped at MAX_LICENCE_BYTES."""
    if more:
        return LicenceText(file=file, status="unreadable",
                           problem=f"{file} is over {MAX_LICENCE_BYTES // 1024} KiB; not hashed")
    return LicenceText(file=file, status="ok", sha256=hashlib.sha256(raw).hexdigest())
