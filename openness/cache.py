"""The disk cache: what was fetched, keyed by repo and commit, under HF_HOME.

Layout, under `$HF_HOME/openness/v2/<endpoint>/` (HF_HOME defaults to
~/.cache/huggingface, where Hub users expect caches to live; <endpoint> is `huggingface.co`
or the host, port and path of another Hub, `http+` before it over plain http so that an
answer read over http never stands in for https, and never a user or password the URL
holds):

    models/<org>/<name>/<commit>.json      a ModelSnapshot (metadata and card); never expires
    datasets/<org>/<name>/<commit>.json    a DatasetSnapshot; never expires
    refs/models/<org>/<name>/<rev>.json    which commit a branch or tag named, or the lasting
                                           error it gave (not found, gated, ...), and when;
                                           trusted for `ttl_s` (offline: however old)
    identities/<hash>/...                  the same, for what was read with a token: a
                                           private model, or "not found", holds for that
                                           token alone (named by a hash, never the token)
    verdicts/<org>/<name>/<commit>-<key>.json
                                           a finished scorecard (VerdictCache) and the
                                           commit of everything it was judged from; <key>
                                           hashes the tool, the rubric files and the options

A run with a token reads its own tree first, then what the shared tree says of a commit
(an anonymous answer is public), never a shared error: "not found" without the token may
be found with it. A run without a token reads the shared tree only.

Code repositories read from a GitHub API live beside them, under
`$HF_HOME/openness/v1/github/<scheme>_<host, port and path>/` (`https_api.github.com`; the
scheme is in the name so that an answer read over plain http never stands in for https):

    repos/<owner>/<name>/<tree sha>.json   a CodeRepoSnapshot; never expires
    refs/<owner>/<name>.json               which tree the default branch held, or that the
                                           repository was not found, and when; trusted
                                           for `ttl_s` like the Hub's refs

A commit never changes, so entries keyed by one are kept for good; only the "what is the
commit of main" answers expire. Every write goes to a temporary file that is renamed into
place, so a reader (or an interrupted run) never sees half an entry. An entry that cannot
be read (not JSON; a FIFO or a device where a file should be) is reported as a warning
and fetched again; a cache folder that cannot be used at all is one warning and no cache.

This module must not import huggingface_hub: a warm run answers from here alone.
"""
from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import itertools
import json
import logging
import os
import re
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar
from urllib.parse import quote, urlsplit

from pydantic import BaseModel, ValidationError

from openness.errors import LASTING_ERRORS, SourceError
from openness.models import CodeRepoSnapshot, DatasetSnapshot, ModelSnapshot, RubricRef, Scorecard

log = logging.getLogger("openness.cache")

Kind = Literal["model", "dataset"]
M = TypeVar("M", bound=BaseModel)

CACHE_VERSION = "v2"
"""The Hub tree's version: v2 snapshots carry the licence file's hash (`licence_text`), which
a v1 entry lacks and would pass for "no licence file"; v1 trees are left unread."""
GITHUB_CACHE_VERSION = "v1"
"""Code repository snapshots did not change shape: their tree stays where it was."""
DEFAULT_ENDPOINT = "https://huggingface.co"
DEFAULT_REF_TTL_S = 3600.0
_COMMIT = re.compile(r"[0-9a-f]{40}")
# Git object ids: SHA-1, or SHA-256 in repositories that use it.
_GIT_OBJECT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
GITHUB_FOLDER = "github"
DEFAULT_GITHUB_API = "https://api.github.com"


def is_commit(revision: str | None) -> bool:
    """True for a full 40-hex commit id, which names the same files forever."""
    return bool(revision and _COMMIT.fullmatch(revision))


def default_cache_root() -> Path:
    """`$HF_HOME/openness`, HF_HOME resolved the way huggingface_hub resolves it."""
    hf_home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "huggingface")
    return Path(os.path.expanduser(hf_home)) / "openness"


def endpoint_folder(endpoint: str | None) -> str:
    """`huggingface.co`, or the host, port and path of another endpoint as one folder name;
    `http+` (any scheme but https, then `+`) in front when not over https. `_safe` leaves no
    `+`, so no two endpoints share a folder. A user and password in the URL are left out."""
    url = urlsplit(endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT)
    host = url.netloc.rpartition("@")[2]
    folder = _safe((host + url.path.rstrip("/")).lower()) or "default"
    scheme = url.scheme.lower()
    return folder if scheme == "https" else f"{_safe(scheme) or 'none'}+{folder}"


def identity_of(token: str) -> str:
    """A folder name for whoever holds `token`: a hash, from which the token cannot be read back."""
    return hashlib.sha256(b"openness-hub-identity\0" + token.encode("utf-8")).hexdigest()[:32]


def is_git_object(value: object) -> bool:
    """True for a lower-case SHA-1 or SHA-256 object id (a tree or commit)."""
    return isinstance(value, str) and bool(_GIT_OBJECT.fullmatch(value))


def api_folder(api_url: str) -> str:
    """`https_api.github.com`: the scheme, then host, port and path as one folder name.

    A scheme holds no `_`, so no two URLs share a folder, and http never shares with https.
    """
    url = urlsplit(api_url)
    return f"{_safe(url.scheme.lower()) or 'none'}_{_safe((url.netloc + url.path.rstrip('/')).lower()) or 'default'}"


def offline_from_environment() -> bool:
    """HF_HUB_OFFLINE as huggingface_hub reads it (1, true, yes, on)."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class RefAnswer:
    """What a branch, tag or the default branch pointed to, or the lasting error it gave."""

    sha: str | None = None
    error_kind: str | None = None
    error_message: str | None = None

    def raise_if_error(self, repo: str) -> None:
        if self.error_kind:
            error = LASTING_ERRORS[self.error_kind](repo, self.error_message or self.error_kind)
            raise error


class _NotRegular(Exception):
    """A cache entry that is a FIFO, a device, a folder: nothing a cache ever writes."""


def _read_regular_file(path: Path) -> str:
    """The UTF-8 text of `path`, which must be a regular file (after symlinks).

    Opened without blocking and checked before reading: a FIFO put where an entry was
    would otherwise wait forever for a writer, and a link to /dev/zero never end. Read
    with bare system calls (open, fstat, read, close): a file object adds a seek, a
    terminal check and another fstat, and in a batch of threads each call is one more
    hand-over of the interpreter lock.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            raise _NotRegular(path)
        data = os.read(fd, found.st_size + 1)  # a regular file reads whole, up to its end
        if len(data) > found.st_size:  # it grew since fstat: read on to its end
            chunks = [data]
            while chunk := os.read(fd, 2**16):
                chunks.append(chunk)
            data = b"".join(chunks)
        return data.decode("utf-8")
    finally:
        os.close(fd)


def _accessible(path: Path, mode: int) -> bool:
    return os.access(path, mode)


@dataclass(frozen=True)
class FolderAccess:
    """What a run may do with a cache folder, and why not when it may not."""

    reads: bool
    writes: bool
    problem: str | None = None
    where: Path | None = None
    """The part of the path at fault."""


def folder_access(folder: Path) -> FolderAccess:
    """Whether `folder` can hold a cache: it, or the nearest part of its path that exists,
    must be a folder that may be read (to use entries) and written (to keep new ones).
    Looks only; creates nothing."""
    existing = folder
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return FolderAccess(False, False, f"{existing} is not a folder", existing)
    reads = existing != folder or _accessible(existing, os.R_OK | os.X_OK)  # not made yet: nothing to read
    if not reads:
        return FolderAccess(False, False, f"{existing} may not be read", existing)
    if not _accessible(existing, os.W_OK | os.X_OK):
        return FolderAccess(True, False, f"{existing} may not be written", existing)
    return FolderAccess(True, True)


class _Store:
    """Reading and writing JSON entries: atomic writes, a broken entry is a warning and a miss."""

    refresh: bool = False
    access: FolderAccess = FolderAccess(True, True)
    """Whether the cache's folder may be read and written: when not, reads miss or nothing is written."""

    def _check_folder(self, folder: Path, *, says_from: Path | None = None) -> None:
        """A cache folder that cannot be used is one warning, then a run without it (every
        entry fetched, or nothing kept); never a warning per entry, never a failed run.

        `says_from`: warn only of a fault there or below; one above it (HF_HOME is a
        file) is the Hub cache's to tell, so a run says it once, not once per cache.
        """
        self.access = found = folder_access(folder)
        if found.problem is None or (says_from and found.where and not found.where.is_relative_to(says_from)):
            return
        if not found.reads:
            log.warning("the cache cannot be used (%s; check HF_HOME); going on without it", found.problem)
        else:
            log.warning("the cache is read-only (%s); what is fetched now is not kept", found.problem)

    def _read_model(self, path: Path, model: type[M]) -> M | None:
        if self.refresh:
            return None
        text = self._read_text(path)
        if text is None:
            return None
        try:
            return model.model_validate_json(text)
        except ValidationError:
            self._broken(path, "unexpected content")
            return None

    def _read_json(self, path: Path) -> object:
        text = self._read_text(path)
        if text is None:
            return None
        try:
            return json.loads(text)
        except ValueError:
            self._broken(path, "not JSON")
            return None

    def _read_text(self, path: Path) -> str | None:
        if not self.access.reads:
            return None
        try:
            return _read_regular_file(path)
        except FileNotFoundError:
            return None
        except _NotRegular:
            self._broken(path, "not a regular file")
            return None
        except (OSError, UnicodeDecodeError) as exc:
            self._broken(path, type(exc).__name__)
            return None

    def _broken(self, path: Path, why: str) -> None:
        log.warning("ignoring a broken cache entry (%s), fetching it again: %s", why, path)
        with contextlib.suppress(OSError):
            path.unlink()

    def _write_snapshot(self, path: Path, snapshot: BaseModel) -> None:
        try:
            text = snapshot.model_dump_json()
        except ValueError as exc:  # text JSON cannot hold, such as a lone surrogate from a card
            log.warning("not cached, it cannot be written as JSON (%s): %s", type(exc).__name__, path)
            return
        self._write(path, text)

    def _write(self, path: Path, text: str) -> None:
        """Write through a temporary file and an atomic rename; a failure is a warning only."""
        if not self.access.writes:
            return
        try:
            _write_entry(str(path), text.encode("utf-8"))
        except OSError as exc:
            log.warning("could not write to the cache (%s): %s", exc.strerror or type(exc).__name__, path)



_temporary_names = itertools.count()
_pid = os.getpid()
"""This process's id for temporary names, asked once (each getpid is a system call)."""


def _forked() -> None:
    global _pid
    _pid = os.getpid()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked)


def _write_entry(path: str, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it into place (atomic).

    What openness.files.write_atomically does, with fewer system calls, for entries only
    this cache writes: the folder is made only when the file cannot be created (a cold
    batch writes three entries a model, most into folders already there), the mode is the
    umask's through os.open (no chmod), the name is unique by process, thread and count
    (no random name), and the bytes go out in one write. A failure removes the temporary
    file and raises OSError.
    """
    folder = os.path.dirname(path)
    temp = os.path.join(folder, f".tmp-openness-{_pid}-{threading.get_ident()}-{next(_temporary_names)}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(temp, flags, 0o666)
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
        fd = os.open(temp, flags, 0o666)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


class DiskCache(_Store):
    """Snapshots by commit, refs with a time-to-live. Thread-safe: writes are atomic renames."""

    def __init__(self, root: Path | str | None = None, *, endpoint: str | None = None,
                 ref_ttl_s: float = DEFAULT_REF_TTL_S, refresh: bool = False, offline: bool = False) -> None:
        self.root = Path(root) if root is not None else default_cache_root()
        # Each Hub gets its own tree: `org/name` on a mirror need not be `org/name` on the Hub.
        self._shared = self.root / CACHE_VERSION / endpoint_folder(endpoint)
        self._base = self._shared
        """Where this cache writes: the shared tree, or the tree of the token it reads with."""
        self._check_folder(self._shared)
        self.ref_ttl_s = ref_ttl_s
        self.refresh = refresh
        """Ignore what is cached (still write what is fetched)."""
        self.offline = offline
        """Answer from the cache only; a ref of any age is trusted."""

    def __repr__(self) -> str:
        return f"DiskCache({str(self.root)!r})"

    @property
    def folder(self) -> Path:
        """Where this cache writes: the endpoint's tree, or the token's tree within it."""
        return self._base

    def holds_model(self, repo_id: str, sha: str) -> bool:
        """Whether `model(repo_id, sha)` finds a snapshot on disk, in this identity's tree or
        the shared one (looked at, not read: an unreadable one counts too)."""
        return self.access.reads and not self.refresh and any(
            self._snapshot_path("model", repo_id, sha, base).is_file() for base in dict.fromkeys((self._base, self._shared)))

    def for_identity(self, token: str) -> "DiskCache":
        """The same cache for a run reading with `token`: it keeps what it reads apart
        (under a hash of the token) and is answered no lasting error another identity met."""
        other = copy.copy(self)
        other._base = self._shared / "identities" / identity_of(token)
        return other

    # -- snapshots by commit ---------------------------------------------------------
    def model(self, repo_id: str, sha: str) -> ModelSnapshot | None:
        return self._read_own_or_shared(lambda base: self._snapshot_path("model", repo_id, sha, base), ModelSnapshot)

    def dataset(self, dataset_id: str, sha: str) -> DatasetSnapshot | None:
        return self._read_own_or_shared(lambda base: self._snapshot_path("dataset", dataset_id, sha, base),
                                        DatasetSnapshot)

    def _read_own_or_shared(self, path: Callable[[Path], Path], model: type[M]) -> M | None:
        """An entry from this identity's tree, else the shared one (a commit read anonymously is public)."""
        found = self._read_model(path(self._base), model)
        if found is None and self._base != self._shared:
            found = self._read_model(path(self._shared), model)
        return found

    def store_model(self, snapshot: ModelSnapshot, *, as_id: str | None = None) -> None:
        """Keep a snapshot under its commit (under `as_id`, the name it was asked for, instead)."""
        if snapshot.sha:
            path = self._snapshot_path("model", as_id or snapshot.repo_id, snapshot.sha)
            self._write_snapshot(path, snapshot)

    def store_dataset(self, snapshot: DatasetSnapshot, *, as_id: str | None = None) -> None:
        """Keep a snapshot under its commit (and under `as_id`, the name it was asked for, instead)."""
        if snapshot.sha:
            self._write_snapshot(self._snapshot_path("dataset", as_id or snapshot.id, snapshot.sha), snapshot)

    # -- refs: which commit, or which lasting error --------------------------------------
    def ref(self, kind: Kind, repo_id: str, revision: str | None) -> RefAnswer | None:
        """The remembered answer for a revision, if fresh enough (any age when offline): this
        identity's own, else a commit (never an error) from the shared tree."""
        answer = self._ref_in(self._base, kind, repo_id, revision)
        if answer is None and self._base != self._shared:
            shared = self._ref_in(self._shared, kind, repo_id, revision)
            answer = shared if shared and not shared.error_kind else None
        return answer

    def _ref_in(self, base: Path, kind: Kind, repo_id: str, revision: str | None) -> RefAnswer | None:
        if self.refresh:
            return None
        path = self._ref_path(kind, repo_id, revision, base)
        data = self._read_json(path)
        if not isinstance(data, dict):
            return None
        try:
            fetched_at = float(data["fetched_at"])
            answer = RefAnswer(sha=data.get("sha"), error_kind=data.get("error_kind"),
                               error_message=data.get("error_message"))
        except (KeyError, TypeError, ValueError):
            self._broken(path, "unexpected content")
            return None
        if answer.error_kind and answer.error_kind not in LASTING_ERRORS:
            self._broken(path, f"unknown error kind {answer.error_kind!r}")
            return None
        if not answer.error_kind and not is_commit(answer.sha):
            self._broken(path, "no commit in it")
            return None
        if not self.offline and time.time() - fetched_at > self.ref_ttl_s:
            return None
        return answer

    def store_ref(self, kind: Kind, repo_id: str, revision: str | None, sha: str) -> None:
        self._write(self._ref_path(kind, repo_id, revision),
                    json.dumps({"sha": sha, "fetched_at": time.time()}))

    def store_error(self, kind: Kind, repo_id: str, revision: str | None, error: SourceError) -> None:
        """Remember a lasting error (not found, gated, ...); passing ones are not kept."""
        if error.kind in LASTING_ERRORS:
            message = str(error).split(": ", 1)[-1]
            self._write(self._ref_path(kind, repo_id, revision), json.dumps(
                {"error_kind": error.kind, "error_message": message, "fetched_at": time.time()}))

    # -- files -----------------------------------------------------------------------
    # Joined as text, made a Path once: a warm run builds thousands of these, and each
    # pathlib `/` costs more than the file read it leads to.
    def _snapshot_path(self, kind: Kind, repo_id: str, sha: str, base: Path | None = None) -> Path:
        return Path(os.path.join(base or self._base, f"{kind}s", _safe_id_text(repo_id), f"{_safe(sha)}.json"))

    def _ref_path(self, kind: Kind, repo_id: str, revision: str | None, base: Path | None = None) -> Path:
        return Path(os.path.join(base or self._base, "refs", f"{kind}s", _safe_id_text(repo_id),
                                 f"{_safe(revision or 'main')}.json"))


@dataclass(frozen=True)
class RepoRef:
    """What the cache knows of a code repository: the tree its default branch held, or
    that it was not found (with the host's message)."""

    tree_sha: str | None = None
    not_found: str | None = None
    """The host's message when the repository was not found; None when it was read."""


class CodeRepoCache(_Store):
    """Code repositories read from one GitHub API: snapshots by tree, refs with a time-to-live.

    Only lasting answers are kept (read, or not found); a rate limit or an outage is not,
    so it is asked again next time.
    """

    def __init__(self, api_url: str, root: Path | str | None = None, *, ref_ttl_s: float = DEFAULT_REF_TTL_S,
                 refresh: bool = False, offline: bool = False) -> None:
        self.root = Path(root) if root is not None else default_cache_root()
        self._base = self.root / GITHUB_CACHE_VERSION / GITHUB_FOLDER / api_folder(api_url)
        self._check_folder(self._base, says_from=self.root / GITHUB_CACHE_VERSION / GITHUB_FOLDER)
        self.ref_ttl_s = ref_ttl_s
        self.refresh = refresh
        self.offline = offline

    def __repr__(self) -> str:
        return f"CodeRepoCache({str(self._base)!r})"

    def ref(self, repo: str) -> RepoRef | None:
        """The remembered tree (or not found) of `owner/name`, if fresh enough (any age offline)."""
        if self.refresh:
            return None
        path = self._ref_path(repo)
        data = self._read_json(path)
        if data is None:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("fetched_at"), (int, float)):
            self._broken(path, "unexpected content")
            return None
        answer = RepoRef(tree_sha=data.get("tree_sha"), not_found=data.get("not_found"))
        if answer.not_found is None and not is_git_object(answer.tree_sha):
            self._broken(path, "no tree in it")
            return None
        if answer.not_found is not None and not isinstance(answer.not_found, str):
            self._broken(path, "unexpected content")
            return None
        if not self.offline and time.time() - float(data["fetched_at"]) > self.ref_ttl_s:
            return None
        return answer

    def snapshot(self, repo: str, tree_sha: str) -> CodeRepoSnapshot | None:
        return self._read_model(self._snapshot_path(repo, tree_sha), CodeRepoSnapshot)

    def holds(self, repo: str, tree_sha: str) -> bool:
        """Whether a snapshot of `repo` at `tree_sha` is on disk (a look, nothing read)."""
        return not self.refresh and is_git_object(tree_sha) and self._snapshot_path(repo, tree_sha).is_file()

    def store(self, repo: str, tree_sha: str, snapshot: CodeRepoSnapshot) -> None:
        """Keep a repository read whole under its tree, then point its ref at that tree."""
        if not is_git_object(tree_sha):
            return
        self._write_snapshot(self._snapshot_path(repo, tree_sha), snapshot)
        self._write(self._ref_path(repo), json.dumps({"tree_sha": tree_sha, "fetched_at": time.time()}))

    def store_not_found(self, repo: str, message: str) -> None:
        self._write(self._ref_path(repo), json.dumps({"not_found": message, "fetched_at": time.time()}))

    def _ref_path(self, repo: str) -> Path:
        folder = _safe_id(repo)
        return self._base / "refs" / folder.parent / f"{folder.name}.json"

    def _snapshot_path(self, repo: str, tree_sha: str) -> Path:
        return self._base / "repos" / _safe_id(repo) / f"{_safe(tree_sha)}.json"


# -- verdicts ------------------------------------------------------------------------------

VERDICT_FORMAT = "1"
"""Bumped when what a verdict entry holds, or what its key covers, changes shape."""
_RUBRIC_FILES = ("openness.yaml", "licenses.yaml", "vocabulary.yaml")

Dependency = tuple[str, str, str]
"""(kind, id, state): kind is model, dataset or repo; id as it was asked; state the commit
(a tree for a repo) or `!` and the lasting error it gave (`!not_found`)."""


@dataclass(frozen=True)
class CachedVerdict:
    card: Scorecard
    rubric: RubricRef
    depends_on: tuple[Dependency, ...]


def _package_folder() -> Path:
    return Path(__file__).resolve().parent


def rubric_folders() -> tuple[Path, ...] | None:
    """The packaged rubric folder, then each OPENNESS_RUBRIC_PATH folder; None when one is
    missing (nothing is cached then: the run says why, as it does without a cache).

    Found as `openness.rubric.loader.rubric_dir` and `framework_dirs` find them (a test
    keeps them agreeing), without importing the rubric and evidence code: a warm run
    answered from verdicts never loads it."""
    here = _package_folder()
    packaged = next((c for c in (here / "_rubrics", here.parent / "rubrics") if (c / _RUBRIC_FILES[0]).is_file()),
                    None)
    extra = [Path(p) for p in os.environ.get("OPENNESS_RUBRIC_PATH", "").split(os.pathsep) if p.strip()]
    folders = (packaged, *extra)
    if any(folder is None or not folder.is_dir() for folder in folders):
        return None
    return tuple(folder for folder in folders if folder is not None)


@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """The judging code itself: within one version number, a source tree being edited
    (or another helper's optimisation) must not reuse verdicts judged by other code."""
    digest = hashlib.sha256()
    base = _package_folder()
    for path in sorted(base.rglob("*.py")):
        digest.update(path.relative_to(base).as_posix().encode() + b"\0")
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def verdict_key(*, profile: str, rubrics: tuple[str, ...], repos: bool) -> str | None:
    """What every verdict of a run rests on besides the model and its dependencies: the
    tool (version and code), the CONTENT of every rubric file the run may read (packaged,
    or under OPENNESS_RUBRIC_PATH), the profile, the rubrics asked in their order, and the
    options that change results (whether repositories are read; offline is added by the
    source, which knows). None when a rubric folder cannot be read."""
    from openness.version import __version__

    folders = rubric_folders()
    if folders is None:
        return None
    digest = hashlib.sha256()
    for part in (VERDICT_FORMAT, __version__, _code_digest(), profile, json.dumps(list(rubrics)),
                 f"repos={repos}"):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    try:
        for folder in folders:
            digest.update(str(folder).encode("utf-8", "surrogatepass") + b"\0")
            for path in sorted(folder.glob("*.yaml")):
                digest.update(path.name.encode("utf-8", "surrogatepass") + b"\0" + path.read_bytes() + b"\0")
    except OSError:
        return None
    return digest.hexdigest()[:40]


class VerdictCache(_Store):
    """Finished scorecards by model commit and key (see `verdict_key`), each with the
    commits of everything it was judged from; the run checks those are unchanged before
    it reuses one (openness.run). Kept in the Hub cache's tree of the identity that read
    the model, so a token's answers stay apart as the snapshots do."""

    def __init__(self, folder: Path, key: str, *, refresh: bool = False,
                 access: FolderAccess = FolderAccess(True, True)) -> None:
        self._base = folder / "verdicts"
        self._key = key
        self.refresh = refresh
        """Read nothing (a --refresh run judges everything again), still write."""
        self.access = access
        """The Hub cache's: it has said what is wrong with the folder, once."""

    def __repr__(self) -> str:
        return f"VerdictCache({str(self._base)!r})"

    def get(self, asked: str, sha: str) -> CachedVerdict | None:
        """The verdict kept for `asked` (a repo id as given) at commit `sha`, or None."""
        if self.refresh or not is_commit(sha):
            return None
        path = self._path(asked, sha)
        data = self._read_json(path)
        if data is None:
            return None
        try:
            if not isinstance(data, dict) or data.get("asked") != asked:
                raise ValueError("another id")
            deps = tuple((str(k), str(i), str(s)) for k, i, s in data["depends_on"])
            return CachedVerdict(Scorecard.model_validate(data["card"]), RubricRef.model_validate(data["rubric"]), deps)
        except (KeyError, TypeError, ValueError):  # ValidationError is a ValueError
            self._broken(path, "unexpected content")
            return None

    def has(self, asked: str, sha: str) -> bool:
        """Whether a verdict is kept for `asked` at `sha` (looked at, not read or checked)."""
        return not self.refresh and self.access.reads and is_commit(sha) and self._path(asked, sha).is_file()

    def put(self, asked: str, sha: str, verdict: CachedVerdict) -> None:
        if not is_commit(sha):
            return
        try:
            head = json.dumps({"asked": asked, "rubric": verdict.rubric.model_dump(mode="json"),
                               "depends_on": [list(dep) for dep in verdict.depends_on]})
            card = verdict.card.model_dump_json()
        except ValueError:  # text JSON cannot hold (a lone surrogate from a card): not kept
            return
        # One JSON document, the scorecard as pydantic writes it (its own JSON code, the
        # fastest here) spliced in as the last member.
        self._write(self._path(asked, sha), f'{head[:-1]}, "card": {card}}}')

    def _path(self, asked: str, sha: str) -> Path:
        # The id exactly as asked is in the name: the card shows the Hub's spelling, and
        # nothing should depend on two spellings agreeing.
        # Beside the model's other verdicts, not in a folder per commit: a cold batch makes
        # a folder a model fewer (0.1-0.3 ms of kernel time each on ext4 here). The key
        # holds the code's digest, so this change of layout only judges again, once.
        name = hashlib.sha256(f"{self._key}\0{asked}".encode("utf-8", "surrogatepass")).hexdigest()[:40]
        return Path(os.path.join(self._base, _safe_id_text(asked), f"{_safe(sha)}-{name}.json"))


def _safe(part: str) -> str:
    """A path segment that cannot climb out of its folder: '/', '..' and the like are quoted."""
    quoted = quote(part, safe="-_.")
    return quoted.replace(".", "%2E") if quoted.strip(".") == "" else quoted


def _safe_id(repo_id: str) -> Path:
    """The Hub treats ids without regard to case; so does the cache."""
    return Path(_safe_id_text(repo_id))


def _safe_id_text(repo_id: str) -> str:
    return os.path.join(*(_safe(part) for part in repo_id.lower().split("/")))
