"""What users type as a model: `org/name`, `org/name@rev`, or a Hub URL, checked and normalised.

Ids arrive from the command line, from --from files and from other people's cards (as
parents and datasets), so each refusal says exactly what is wrong, in one line, and
never echoes more than a short, escaped piece of the text.
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

from openness.errors import InvalidModelId

MAX_NAME = 96
"""The Hub's limit for each of `org` and `name`."""
MAX_REVISION = 255
# The Hub's rule for repo names: letters, digits, "-", "_", "."; no "--" or "..";
# no leading or trailing "-" or ".".
_NAME = re.compile(rf"[A-Za-z0-9](?:[A-Za-z0-9._-]{{0,{MAX_NAME - 2}}}[A-Za-z0-9])?")
_REVISION = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._/-]{{0,{MAX_REVISION - 1}}}")
# Hosts whose URLs name the same repos as the default endpoint.
HUB_HOSTS = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})
# URL path parts that are followed by a revision: /tree/main, /blob/v1/README.md, ...
_REVISION_PARTS = frozenset({"tree", "blob", "resolve", "commit", "commits", "raw", "edit"})
_OTHER_REPO_KINDS = {"datasets": "a dataset", "spaces": "a Space"}


def parse_model_text(text: str) -> tuple[str, str | None]:
    """(repo_id, revision) from `org/name`, `org/name@rev` or a huggingface.co URL.

    Raises InvalidModelId with the reason when the text cannot name a model.
    """
    raw = text.strip()
    if not raw:
        raise InvalidModelId(text, "it is empty")
    if _looks_like_url(raw):
        return _from_url(text, raw)
    repo_id, sep, revision = raw.partition("@")
    if sep and not revision:
        raise InvalidModelId(text, "nothing follows '@'")
    check_repo_id(text, repo_id)
    if sep:
        check_revision(text, revision)
    return repo_id, revision or None


def check_repo_id(text: str, repo_id: str) -> None:
    """Raise InvalidModelId unless `repo_id` is `org/name` (or a bare legacy `name`)."""
    why = _repo_id_problem(repo_id)
    if why:
        raise InvalidModelId(text, why)


def check_revision(text: str, revision: str) -> None:
    """Raise InvalidModelId unless `revision` can be a branch, tag or commit."""
    if len(revision) > MAX_REVISION:
        raise InvalidModelId(text, f"the revision is longer than {MAX_REVISION} characters")
    if ".." in revision or not _REVISION.fullmatch(revision):
        raise InvalidModelId(text, "the revision is not a valid branch, tag or commit")


def is_repo_id(repo_id: str) -> bool:
    """True when `repo_id` is `org/name` (or a bare legacy `name`) as the Hub spells ids."""
    return _repo_id_problem(repo_id) is None


def _repo_id_problem(repo_id: str) -> str | None:
    """Why `repo_id` cannot be a repo id, most specific reason first; None if it can."""
    if any(unicodedata.category(c)[0] == "C" for c in repo_id):
        return "it holds control or invisible characters"
    if any(c.isspace() for c in repo_id):
        return "it holds whitespace"
    if not repo_id.isascii():
        return "it holds non-ASCII characters (ids use letters, digits, '-', '_', '.')"
    if repo_id.startswith(("/", "~", ".")) or "\\" in repo_id or ".." in repo_id.split("/"):
        return "it looks like a file path, not org/name"
    parts = repo_id.split("/")
    if len(parts) > 2:
        return f"it has {len(parts)} parts separated by '/'; expected org/name"
    if any(not part for part in parts):
        return "the org or the name is empty"
    for part in parts:
        if len(part) > MAX_NAME:
            return f"'{part[:12]}…' is {len(part)} characters long; the Hub allows {MAX_NAME}"
    if "--" in repo_id or ".." in repo_id or not all(_NAME.fullmatch(p) for p in parts):
        return ("expected org/name: letters, digits, '-', '_' or '.', "
                "not starting or ending with '-' or '.', no '--' or '..'")
    return None


def _looks_like_url(raw: str) -> bool:
    lowered = raw.lower()
    return "://" in lowered or any(lowered.startswith(f"{host}/") for host in HUB_HOSTS)


def _from_url(text: str, raw: str) -> tuple[str, str | None]:
    """The repo and revision a Hub URL points at: /org/name[/tree/rev[/...]]."""
    url = urlsplit(raw if "://" in raw else f"https://{raw}")
    if url.scheme not in ("http", "https"):
        raise InvalidModelId(text, f"only https:// Hub URLs are understood, not {url.scheme}://")
    if (url.hostname or "").lower() not in HUB_HOSTS:
        raise InvalidModelId(text, "not a huggingface.co URL; give the id as org/name")
    parts = [unquote(p) for p in url.path.split("/") if p]
    if parts and parts[0] in _OTHER_REPO_KINDS:
        raise InvalidModelId(text, f"the URL is of {_OTHER_REPO_KINDS[parts[0]]}, not a model")
    if parts and parts[0] == "models":  # /models/org/name is how some pages link
        parts = parts[1:]
    if len(parts) < 2:
        raise InvalidModelId(text, "the URL does not name a model (expected huggingface.co/org/name)")
    repo_id, rest = "/".join(parts[:2]), parts[2:]
    check_repo_id(text, repo_id)
    if not rest:
        return repo_id, None
    if rest[0] not in _REVISION_PARTS or len(rest) < 2:
        raise InvalidModelId(text, f"the URL goes on past org/name with '/{rest[0]}'; "
                             "expected /tree/<revision> or nothing")
    revision = _revision_in(rest[1:])
    check_revision(text, revision)
    return repo_id, revision


def _revision_in(parts: list[str]) -> str:
    # `refs/pr/1` spans three path parts when not percent-encoded.
    if parts[0] == "refs" and len(parts) >= 3:
        return "/".join(parts[:3])
    return parts[0]


def model_key(text: str) -> tuple[str, str | None] | None:
    """What names the same model whatever the spelling: (repo id in lower case, revision).

    The Hub treats ids without regard to case and a URL names the same repo as its id, so
    `Org/Name`, `org/name` and `https://huggingface.co/org/name` share one key. Revisions
    keep their case (git refs are case-sensitive). None for text that names no model.
    """
    try:
        repo_id, revision = parse_model_text(text)
    except InvalidModelId:
        return None
    return repo_id.lower(), revision


def unique_model_texts(texts: list[str]) -> list[str]:
    """`texts` with every later spelling of a model already listed left out (the first
    spelling is kept, in the order given). Text that names no model is kept once as is,
    so that it is still reported."""
    seen: set[object] = set()
    kept = []
    for text in texts:
        key = model_key(text) or text.strip()
        if key not in seen:
            seen.add(key)
            kept.append(text)
    return kept
