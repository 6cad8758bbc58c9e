"""GitHubSource: what GitHub's REST API says of the code repositories cards link.

Per repository, at most three requests: the repository (licence, default branch, fork,
archived, its current name), the default branch's recursive file tree, and the README as
raw text. A renamed repository answers 301; the move is followed within the same API
origin, a few hops at most, as GitHub's own clients do.

The endpoint is GITHUB_API_URL (default https://api.github.com, or a GitHub Enterprise
`https://host/api/v3`), the token GITHUB_TOKEN or GH_TOKEN. The token goes only to that
origin (scheme, host and port), never to a host a redirect names, and never over plain
http except to a loopback address; it is kept out of every repr, message, log and cache
entry.

Everything GitHub sends is data: names are checked before they build a URL, file paths
and messages are capped and never build a local path, and an answer of the wrong shape
is "unavailable", not an exception. `fetch_repo` never raises for a failed lookup.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeGuard
from urllib.parse import quote, urljoin

from openness.cache import DEFAULT_GITHUB_API, CodeRepoCache, is_git_object
from openness.models import MAX_REPO_FILES, MAX_REPO_README_BYTES, CodeRepoSnapshot, RepoStatus
from openness.sources.bodies import read_capped
from openness.sources.origins import is_loopback, origin
from openness.sources.retry import BreakerOpen, CircuitBreaker, Retryable, RetryPolicy, call_with_retries

log = logging.getLogger("openness.github")

DEFAULT_TIMEOUT_S = 10.0
API_VERSION = "2022-11-28"
MAX_REDIRECTS = 3
# Answers larger than these are not GitHub's: a repository's JSON is a few KB, and GitHub
# cuts a recursive tree at 100,000 entries (about 7 MB) and says so with `truncated`.
MAX_JSON_BYTES = 1_000_000
MAX_TREE_BYTES = 32_000_000
MAX_PATH_CHARS = 1_024
MAX_MESSAGE_CHARS = 200
# How long a rate limit is waited out when GitHub gives no reset time (its secondary
# limits ask for "at least a minute"), and the longest any reset time is believed.
DEFAULT_RATE_LIMIT_WAIT_S = 60.0
MAX_RATE_LIMIT_WAIT_S = 2 * 3600.0
# After a refused connection or an unknown host, the other repositories of the run are
# not tried for this long: without a network each would cost a failed connect (or a slow
# DNS failure) for nothing.
UNREACHABLE_PAUSE_S = 60.0
# The tree of an empty repository (git's well-known empty tree): it names the cache entry
# of a repository that has no commit yet.
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

# Fewer tries than for the Hub: a repository only adds evidence, and a GitHub that is down
# should cost a batch seconds, not minutes (about 2 s of waiting per request at most; a
# request that times out twice is given up, 20 s).
GITHUB_RETRY = RetryPolicy(attempts=5, base_s=0.25, cap_s=2.0, max_wait_s=10.0, timeout_attempts=2)
# Requests running that time out (or lose their connection) before GitHub stops being asked
# for the rest of the run: a GitHub that accepts connections and never answers then costs a
# run one round of timeouts, not one per repository.
GITHUB_BREAKER_THRESHOLD = 4
_SERVER_ERRORS = frozenset({500, 502, 503, 504})
_REDIRECTS = frozenset({301, 302, 307, 308})
_GONE = frozenset({404, 410, 451})
# GitHub owner and repository names: letters, digits, '-', '_' and '.'; never '.' or '..'.
_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")
_SPDX = re.compile(r"[A-Za-z0-9.+-]{1,64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def resolve_api_url(api_url: str | None = None) -> str:
    """`api_url`, else GITHUB_API_URL, else https://api.github.com; no trailing slash."""
    return (api_url or os.environ.get("GITHUB_API_URL") or DEFAULT_GITHUB_API).strip().rstrip("/")


def valid_repo_name(repo: object) -> TypeGuard[str]:
    """True for `owner/name` as GitHub allows it; nothing else ever builds a URL."""
    if not isinstance(repo, str) or repo.count("/") != 1:
        return False
    return all(_NAME.fullmatch(part) and part.strip(".") for part in repo.split("/"))


class _Secret:
    """A token that never shows itself: not in repr, str, f-strings or tracebacks' locals."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<token>"

    __str__ = __repr__


class _Failed(Exception):
    """A lookup that ends in a snapshot with this status and problem."""

    def __init__(self, status: RepoStatus, problem: str) -> None:
        super().__init__(problem)
        self.status: RepoStatus = status
        self.problem = problem


class _Garbled(Exception):
    """A 200 whose body is not JSON (cut short, or a proxy's page), raised to be tried again."""


class _ServerError(Exception):
    """A 5xx answer, raised so that call_with_retries tries again."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


@dataclass(frozen=True)
class _Answer:
    """One HTTP answer: status, lower-case headers, at most `limit` bytes of body."""

    status: int
    headers: dict[str, str]
    body: bytes
    cut: bool = False
    """True when the body was longer than the limit it was read with."""
    url: str = ""
    data: Any = field(default=None, compare=False)
    """The body parsed as JSON, when asked for and the status is 200."""


@dataclass(frozen=True)
class _Meta:
    full_name: str
    default_branch: str
    license_spdx: str | None
    fork: bool
    archived: bool


@dataclass(frozen=True)
class _Tree:
    sha: str | None
    files: list[str]
    truncated: bool
    empty: bool = False


class GitHubSource:
    """Reads repositories from GitHub's REST API over HTTP; implements CodeHost.

    With a CodeRepoCache, a repository whose ref is fresh costs no request, and one whose
    tree is unchanged costs two (its README is not read again). A rate limit is remembered
    until GitHub says it resets: the repositories after it answer `rate_limited` at once.
    """

    def __init__(self, *, api_url: str | None = None, token: str | None = None,
                 cache: CodeRepoCache | None = None, timeout: float = DEFAULT_TIMEOUT_S,
                 retry: RetryPolicy = GITHUB_RETRY, sleep: Callable[[float], None] = time.sleep,
                 breaker: CircuitBreaker | None = None) -> None:
        """`api_url` defaults to GITHUB_API_URL, else https://api.github.com; `token` to
        GITHUB_TOKEN, else GH_TOKEN (an empty string means no token). `retry` and `sleep`
        set how 5xx answers and timeouts are tried again (tests make them instant);
        `breaker` when GitHub stops being asked (see retry.CircuitBreaker)."""
        self._api = resolve_api_url(api_url)
        if token is None:
            token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN") or None
        self._token = _Secret(token) if token else None
        self._cache = cache
        self._timeout = timeout
        self._retry = retry
        self._sleep = sleep
        self._breaker = breaker or CircuitBreaker(GITHUB_BREAKER_THRESHOLD, service="GitHub")
        """Shared by every request of this source, so by the whole run."""
        self._origin = origin(self._api)
        self._lock = threading.Lock()
        self._client: Any = None
        self._paused_until = 0.0
        self._paused: tuple[RepoStatus, str] | None = None
        self._warned: set[str] = set()
        self._answers: dict[tuple[str, str], Future[_Answer | None]] = {}

    def __repr__(self) -> str:  # never the token
        return f"GitHubSource(api_url={self._api!r}, cache={self._cache!r})"

    @property
    def api_url(self) -> str:
        return self._api

    # -- the CodeHost protocol ----------------------------------------------------------
    def fetch_repo(self, repo: str) -> CodeRepoSnapshot:
        """What GitHub holds for `owner/name`; a failure is a snapshot whose status says why."""
        try:
            return self._fetch(repo)
        except _Failed as failed:
            return CodeRepoSnapshot(repo=repo, status=failed.status, problem=failed.problem)
        except Exception as exc:  # the protocol promises no exception for a failed lookup
            log.debug("reading %s failed unexpectedly", repo, exc_info=True)
            return CodeRepoSnapshot(repo=repo, status="unavailable",
                                    problem=f"unexpected failure ({type(exc).__name__})")

    def known_state(self, kind: str, name: str) -> str | None:
        """What repository `name` resolves to as far as the cache knows now, with no request
        and no snapshot read, as openness.run states a repository it depends on: the tree a
        fresh ref names (its snapshot on disk), or `!not_found`; None when only a fetch can
        say. A warm run checks a kept verdict's repositories this way, instead of reading
        and validating each one's file list and README again."""
        cache = self._cache
        if kind != "repo" or cache is None or self._origin is None or not valid_repo_name(name):
            return None
        key = name.lower()
        ref = cache.ref(key)
        if ref is None:
            return None
        if ref.not_found is not None:
            return "!not_found"
        # An empty tree may be stored under git's empty tree without GitHub naming it: its
        # state is then a hash of what was read, which only the snapshot gives.
        if ref.tree_sha and ref.tree_sha != EMPTY_TREE and cache.holds(key, ref.tree_sha):
            return ref.tree_sha
        return None

    def _fetch(self, repo: str) -> CodeRepoSnapshot:
        if not valid_repo_name(repo):
            raise _Failed("not_found", "not a GitHub repository name")
        if self._origin is None:
            self._warn_once("url", "GITHUB_API_URL is not an http(s) URL; code repositories are not read")
            raise _Failed("off", "GITHUB_API_URL is not an http(s) URL")
        key = repo.lower()
        cache = self._cache
        cached = self._cached(repo, key) if cache else None
        if cached is not None:
            return cached
        try:
            meta = self._meta(repo)
        except _Failed as failed:
            if failed.status == "not_found" and cache:
                cache.store_not_found(key, failed.problem)
            raise
        tree = self._tree(meta)
        # The same tree holds the same README: it is not read again. An empty repository's
        # tree is git's empty tree. (Within a run each URL is asked once anyway: see _once.)
        tree_key = tree.sha or (EMPTY_TREE if tree.empty else None)
        known = cache.snapshot(key, tree_key) if cache and tree_key else None
        readme = known.readme if known is not None else self._readme(meta.full_name)
        snapshot = CodeRepoSnapshot(
            repo=repo, status="ok", full_name=meta.full_name, license_spdx=meta.license_spdx,
            fork=meta.fork, archived=meta.archived, default_branch=meta.default_branch,
            tree_sha=tree.sha, files=tree.files, files_truncated=tree.truncated, readme=readme,
        )
        if cache:
            cache.store(key, tree_key or _content_key(snapshot), snapshot)
        return snapshot

    def _cached(self, repo: str, key: str) -> CodeRepoSnapshot | None:
        """The cached answer for `repo` if its ref is fresh (any age offline); offline, a miss fails."""
        cache = self._cache
        assert cache is not None
        ref = cache.ref(key)
        if ref and ref.not_found is not None:
            return CodeRepoSnapshot(repo=repo, status="not_found", problem=ref.not_found)
        hit = cache.snapshot(key, ref.tree_sha) if ref and ref.tree_sha else None
        if hit is not None:
            return hit.model_copy(update={"repo": repo})
        if cache.offline:
            raise _Failed("not_cached", "not in the cache, and GitHub is not used offline")
        return None

    # -- the three reads -------------------------------------------------------------------
    def _meta(self, repo: str) -> _Meta:
        owner, name = repo.split("/")
        answer = self._get(f"{self._api}/repos/{quote(owner, safe='')}/{quote(name, safe='')}",
                           MAX_JSON_BYTES, parse=True)
        self._raise_for(answer)
        data = answer.data
        if not isinstance(data, dict):
            raise _Failed("unavailable", "GitHub's answer for the repository is not an object")
        full_name, branch = data.get("full_name"), data.get("default_branch")
        if not valid_repo_name(full_name):
            raise _Failed("unavailable", "GitHub's answer names no valid repository")
        if not isinstance(branch, str) or not 0 < len(branch) <= 255 or _CONTROL.search(branch):
            raise _Failed("unavailable", "GitHub's answer names no valid default branch")
        licence = data.get("license")
        spdx = licence.get("spdx_id") if isinstance(licence, dict) else None
        return _Meta(full_name=full_name, default_branch=branch,
                     license_spdx=spdx if isinstance(spdx, str) and _SPDX.fullmatch(spdx) else None,
                     fork=data.get("fork") is True, archived=data.get("archived") is True)

    def _tree(self, meta: _Meta) -> _Tree:
        """The default branch's files; an empty repository has no tree and no files."""
        url = f"{self._api}/repos/{meta.full_name}/git/trees/{quote(meta.default_branch, safe='')}?recursive=1"
        answer = self._get(url, MAX_TREE_BYTES, parse=True)
        if answer.status == 409:  # "Git Repository is empty."
            return _Tree(None, [], False, empty=True)
        if answer.status in _GONE:  # the repository is there, its default branch is not
            raise _Failed("unavailable", f"the default branch has no tree ({_message(answer)})")
        self._raise_for(answer)
        data = answer.data
        entries = data.get("tree") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise _Failed("unavailable", "GitHub's answer for the file tree is not a tree")
        # GitHub always names the tree; a stand-in or a proxy may not. The files are still
        # read (and cached by what they hold), only no tree is named.
        sha = data.get("sha")
        sha = sha.lower() if isinstance(sha, str) and is_git_object(sha.lower()) else None
        files = [path for entry in entries if (path := _blob_path(entry)) is not None]
        truncated = data.get("truncated") is True or len(files) > MAX_REPO_FILES
        return _Tree(sha, files[:MAX_REPO_FILES], truncated)

    def _readme(self, full_name: str) -> str | None:
        answer = self._get(f"{self._api}/repos/{full_name}/readme", MAX_REPO_README_BYTES,
                           accept="application/vnd.github.raw")
        if answer.status in _GONE:
            return None
        self._raise_for(answer)
        # A README cut at the byte limit may end inside a character: that tail is dropped.
        return codecs.getincrementaldecoder("utf-8")("replace").decode(answer.body, final=not answer.cut)

    # -- HTTP ------------------------------------------------------------------------------
    def _get(self, url: str, limit: int, *, parse: bool = False,
             accept: str = "application/vnd.github+json") -> _Answer:
        """GET `url` with retries, following a move within the API origin a few hops at most."""
        for _ in range(MAX_REDIRECTS + 1):
            self._check_paused()
            try:
                answer = self._once(url, accept, lambda: call_with_retries(
                    lambda: self._attempt(url, limit, parse, accept), self._retry, sleep=self._sleep))
            except _Failed:
                raise
            except BreakerOpen as exc:  # unavailable, so never cached, and the card decides
                raise _Failed("unavailable", str(exc)) from None
            except _ServerError as exc:
                raise _Failed("unavailable", f"GitHub answered HTTP {exc.status} (a server error) "
                                             "to every try") from None
            except _Garbled:
                raise _Failed("unavailable", "GitHub's answer was not JSON, on every try") from None
            except Exception as exc:  # the network: timeouts, refused connections, lost ones
                raise self._transport_failure(exc) from None
            if answer.status not in _REDIRECTS:
                return answer
            location = answer.headers.get("location")
            target = urljoin(url, location) if location else None
            if target is None or origin(target) != self._origin:
                raise _Failed("unavailable", "GitHub redirected to another host; not followed")
            url = target
        raise _Failed("unavailable", f"GitHub redirected more than {MAX_REDIRECTS} times")

    def _once(self, url: str, accept: str, get: Callable[[], _Answer]) -> _Answer:
        """Each URL is asked once per run: a renamed repository linked under both its names
        answers its new name's request from the first asking. Failures are not kept."""
        with self._lock:
            future = self._answers.get((url, accept))
            first = future is None
            if future is None:
                future = self._answers[(url, accept)] = Future()
        if not first:
            answer = future.result()
            if answer is not None:
                return answer
            return get()
        try:
            answer = get()
        except BaseException:
            future.set_result(None)  # the next asker tries for itself
            with self._lock:
                self._answers.pop((url, accept), None)
            raise
        future.set_result(answer)
        return answer

    def _attempt(self, url: str, limit: int, parse: bool, accept: str) -> _Answer:
        """One request; raises Retryable for what may pass (5xx, timeouts, a cut answer)."""
        http = _http()
        headers = {"Accept": accept, "X-GitHub-Api-Version": API_VERSION}
        token = self._token_for(url)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._breaker.check()
        try:
            with self._http_client().stream("GET", url, headers=headers) as response:
                body, cut = read_capped(response, limit)
                answer = _Answer(response.status_code, {k.lower(): v for k, v in response.headers.items()},
                                 body, cut, url)
        except http.TimeoutException as exc:
            self._breaker.failed("timed out")
            raise Retryable(exc, timed_out=True) from exc
        except http.TransportError as exc:
            if isinstance(exc, http.ConnectError):  # refused or unknown host: will not pass soon
                raise
            self._breaker.failed(_short(exc))
            raise Retryable(exc) from exc
        self._breaker.answered()
        if answer.status in _SERVER_ERRORS:
            raise Retryable(_ServerError(answer.status), answer.headers)
        if parse and answer.status == 200:
            if answer.cut:
                raise _Failed("unavailable", f"GitHub's answer is larger than {limit:,} bytes")
            try:
                data = json.loads(answer.body)
            except ValueError as exc:  # a cut body or a proxy's error page: may pass
                raise Retryable(_Garbled(), answer.headers) from exc
            return _Answer(answer.status, answer.headers, answer.body, False, url, data)
        return answer

    def _raise_for(self, answer: _Answer) -> None:
        """Nothing for a 200; else the failure the answer means (rate limit, not found, ...)."""
        if answer.status == 200:
            return
        if _is_rate_limit(answer):
            wait = _rate_limit_wait_s(answer.headers)
            hint = "" if self._token else "; set GITHUB_TOKEN for a higher limit"
            problem = f"GitHub's rate limit was reached; it resets in {_minutes(wait)}{hint}"
            self._pause(wait, "rate_limited", problem)
            raise _Failed("rate_limited", problem)
        if answer.status in _GONE:
            raise _Failed("not_found", f"{_message(answer)} (HTTP {answer.status})")
        if answer.status == 401:
            raise _Failed("unavailable", "GitHub refused the credentials (HTTP 401): check GITHUB_TOKEN")
        raise _Failed("unavailable", f"GitHub answered HTTP {answer.status}: {_message(answer)}")

    def _transport_failure(self, exc: BaseException) -> _Failed:
        http = _http()
        if isinstance(exc, (http.TimeoutException, TimeoutError)):
            return _Failed("unavailable", "GitHub did not answer in time (timed out, after retries)")
        if isinstance(exc, (http.ConnectError, ConnectionRefusedError)):
            problem = f"could not reach GitHub ({_short(exc)})"
            self._pause(UNREACHABLE_PAUSE_S, "unavailable", problem)
            return _Failed("unavailable", problem)
        if isinstance(exc, (http.TransportError, ConnectionError)):
            return _Failed("unavailable", f"the connection to GitHub failed, after retries ({_short(exc)})")
        return _Failed("unavailable", f"unexpected failure ({type(exc).__name__})")

    def _http_client(self) -> Any:
        """The HTTP client, built on the first request; it never follows redirects itself."""
        with self._lock:
            if self._client is None:
                from openness.version import __version__

                self._client = _http().Client(
                    timeout=self._timeout, follow_redirects=False,
                    headers={"User-Agent": f"openness/{__version__} (model openness scorer)"})
            return self._client

    def _token_for(self, url: str) -> str | None:
        """The token, for a request to the configured API origin over a safe channel only."""
        if self._token is None or origin(url) != self._origin or self._origin is None:
            return None
        scheme, host, _ = self._origin
        if scheme != "https" and not is_loopback(host):
            self._warn_once("plain-http", f"GITHUB_API_URL is plain http to {host}: "
                                          "the GitHub token is not sent over it")
            return None
        return self._token.reveal()

    # -- remembered failures -------------------------------------------------------------------
    def _pause(self, seconds: float, status: RepoStatus, problem: str) -> None:
        with self._lock:
            until = time.time() + seconds
            if until > self._paused_until:
                self._paused_until, self._paused = until, (status, problem)

    def _check_paused(self) -> None:
        """Answer a remembered rate limit or unreachable host without a request."""
        with self._lock:
            paused = self._paused if time.time() < self._paused_until else None
        if paused is not None:
            raise _Failed(*paused)

    def _warn_once(self, what: str, message: str) -> None:
        with self._lock:
            if what in self._warned:
                return
            self._warned.add(what)
        log.warning("%s", message)


# -- helpers --------------------------------------------------------------------------------

def _http() -> Any:
    """The HTTP package huggingface_hub runs on: one client stack for the Hub and GitHub."""
    from openness.sources.hub import _http as hub_http

    return hub_http()


def _content_key(snapshot: CodeRepoSnapshot) -> str:
    """A cache key for a tree GitHub did not name: a hash of what was read (40 hex, like a sha)."""
    text = json.dumps([snapshot.files, snapshot.files_truncated, snapshot.readme], ensure_ascii=True)
    return hashlib.sha1(b"openness-repo-content\0" + text.encode("ascii")).hexdigest()


def _blob_path(entry: object) -> str | None:
    """A file's path from a tree entry; directories, submodules and odd paths are skipped."""
    if not isinstance(entry, dict) or entry.get("type") != "blob":
        return None
    path = entry.get("path")
    if not isinstance(path, str) or not 0 < len(path) <= MAX_PATH_CHARS or _CONTROL.search(path):
        return None
    return path


def _is_rate_limit(answer: _Answer) -> bool:
    """GitHub's primary limit (403 or 429, none remaining) or a secondary one (says so)."""
    if answer.status == 429:
        return True
    if answer.status != 403:
        return False
    return answer.headers.get("x-ratelimit-remaining", "").strip() == "0" or "rate limit" in _message(answer).lower()


def _rate_limit_wait_s(headers: dict[str, str], now: float | None = None) -> float:
    """Seconds until the limit resets: x-ratelimit-reset, else Retry-After, else a minute."""
    now = time.time() if now is None else now
    reset, after = headers.get("x-ratelimit-reset", "").strip(), headers.get("retry-after", "").strip()
    if reset.isdigit() and len(reset) <= 12:
        wait = float(reset) - now
    elif after.isdigit() and len(after) <= 12:
        wait = float(after)
    else:
        wait = DEFAULT_RATE_LIMIT_WAIT_S
    return min(max(wait, 1.0), MAX_RATE_LIMIT_WAIT_S)


def _message(answer: _Answer) -> str:
    """GitHub's `message`, or the status, as one short line of plain text."""
    message: object = None
    try:
        data = json.loads(answer.body[:MAX_JSON_BYTES])
        message = data.get("message") if isinstance(data, dict) else None
    except ValueError:
        pass
    if not isinstance(message, str) or not message.strip():
        return f"HTTP {answer.status}"
    text = " ".join(_CONTROL.sub(" ", message).split())
    return text if len(text) <= MAX_MESSAGE_CHARS else text[:MAX_MESSAGE_CHARS - 3] + "..."


def _minutes(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def _short(exc: BaseException) -> str:
    text = " ".join(_CONTROL.sub(" ", str(exc)).split())
    return text[:160] or type(exc).__name__
