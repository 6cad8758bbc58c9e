"""A small in-process stand-in for the Hugging Face Hub, for the test suite.

It answers the few endpoints the scorer uses, with the status codes and error headers
the real Hub sends, so that the real ``huggingface_hub`` client (pointed at it with
``endpoint=``) raises the same exceptions it would raise against huggingface.co:

    GET       /api/models?author=&search=&filter=&limit=   listing, paged by a ``Link`` header
    GET       /api/models/{org}/{name}[/revision/{rev}]    model info (``expand=`` honoured)
    GET       /api/datasets/{org}/{name}[/revision/{rev}]  dataset info
    GET/HEAD  /{org}/{name}/resolve/{rev}/{path}           file bodies
    GET/HEAD  /datasets/{org}/{name}/resolve/{rev}/{path}
    GET       /__stats                                     request counts (not counted)

Anything else answers 404. Standard library only.

Repositories are read once from a directory laid out as::

    root/models/<org>/<name>/info.json      the /api/models/<id> JSON; must hold "id"
    root/models/<org>/<name>/files/<path>    bodies served under /resolve/
    root/datasets/<org>/<name>/...           the same for datasets

Statistics (``stats``) count every request but ``/__stats``, keyed "METHOD /path" with the
path exactly as requested (no query string, case kept).

Fault knobs are plain attributes that a test may change while the stub runs:
``latency_s`` (seconds added to every request), ``fail_paths`` (path prefix -> HTTP
status to answer instead), ``fail_next`` (path prefix -> a list of statuses, one used up
per matching request: transient faults; instead of a status, "reset" closes the
connection unanswered, "truncated" sends less than its Content-Length, "invalid_json" a
broken body, "hang" nothing for ``hang_s``), ``fail_rate`` (that share of requests gets a
503, drawn from ``fail_seed``, the path and its count), ``rate_limited`` (every ``/api/``
call answers 429 with the Hub's ``RateLimit`` headers), ``retry_after_s`` (the wait those
headers ask for), ``page_size`` (models per listing page), ``next_base`` (the scheme and
host a listing's ``next`` link names instead of this stub's own), ``redirects`` (path
prefix -> another base URL: a matching request answers 307 to the same path there),
``next_cursor`` (when set, every listing page links ``next`` to that cursor: 0 makes the
listing loop back to its first page), ``budget`` (``(q, w)``: a fixed window of ``w``
seconds allowing ``q`` ``/api/`` calls, as the Hub's; a call over it answers 429, and every
``/api/`` answer carries ``RateLimit: "api";r=R;t=T`` and ``RateLimit-Policy`` as the real
Hub's do, successes included, unless ``budget_on_success`` is False), ``gzip_bombs`` (path prefix -> a size: a matching request answers 200 with a
``Content-Encoding: gzip`` body, a few KB on the wire, that decodes to that many bytes),
``renamed`` (a lower-case old id -> the new id its API calls redirect to, with a 307, as
the Hub does for a renamed repo) and ``answer_as`` (a lower-case id -> the id its info
JSON claims: a Hub answering for another repo than the one asked).

``authorizations`` lists, per request (``/__stats`` aside), the "METHOD /path" key and the
``Authorization`` header it carried (None without one): a test sees where a token went.

``tokens`` maps a token to the repo ids it may read (private repos, gated files); a
request with any other token gets the Hub's 401 for bad credentials. ``add_repo`` serves
a repo built in a test; ``add_revision`` gives a repo a second state (other info, other
files) at a commit of its own, which a branch or tag names.
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from loopback import LoopbackHandler, LoopbackServer, serve
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

__all__ = ["HubStub"]

# The `expand` values the Hub accepts (as listed by huggingface_hub 2.4); others are a 400.
MODEL_EXPAND = frozenset("""
author baseModels cardData childrenModelCount config createdAt disabled downloads
downloadsAllTime evalResults gated gguf inference inferenceProviderMapping lastModified
library_name likes mask_token model-index pipeline_tag private resourceGroup safetensors
sha siblings spaces tags transformersInfo trendingScore usedStorage widgetData
""".split())
DATASET_EXPAND = frozenset("""
author cardData citation createdAt description disabled downloads downloadsAllTime gated
lastModified likes mainSize paperswithcode_id private resourceGroup sha siblings tags
trendingScore usedStorage
""".split())

RATE_LIMIT_HEADERS = {
    "RateLimit": '"api";r=0;t=1',
    "RateLimit-Policy": '"fixed window";"api";q=500;w=300',
    "Retry-After": "1",
}


class _Repo:
    """One model or dataset repository: its info JSON and its files."""

    @classmethod
    def from_folder(cls, kind: str, folder: Path) -> "_Repo":
        info = json.loads((folder / "info.json").read_text(encoding="utf-8"))
        files_dir = folder / "files"
        files = {}
        if files_dir.is_dir():
            files = {p.relative_to(files_dir).as_posix(): p.read_bytes()
                     for p in sorted(files_dir.rglob("*")) if p.is_file()}
        return cls(kind, info, files)

    def __init__(self, kind: str, info: dict, files: dict[str, bytes]):
        self.kind = kind
        info = json.loads(json.dumps(info))  # a private copy
        self.id: str = info["id"]
        self.files: dict[str, bytes] = dict(files)

        if "sha" not in info:
            h = hashlib.sha1(f"{kind}:{self.id}".encode())
            for name, body in sorted(self.files.items()):
                h.update(b"\0" + name.encode() + b"\0" + body)
            info["sha"] = h.hexdigest()
        info.setdefault("_id", hashlib.sha1(self.id.encode()).hexdigest()[:24])
        info.setdefault("author", self.id.split("/")[0] if "/" in self.id else None)
        info.setdefault("private", False)
        info.setdefault("disabled", False)
        info.setdefault("gated", False)
        if kind == "model":
            info.setdefault("modelId", self.id)

        # A test may serve siblings of odd shapes (a number, no rfilename): kept as given.
        siblings = list(info.get("siblings") or [])
        named = lambda s: s["rfilename"] if isinstance(s, dict) and isinstance(s.get("rfilename"), str) else None  # noqa: E731
        listed = {named(s) for s in siblings} - {None}
        siblings += [{"rfilename": n} for n in self.files if n not in listed]
        info["siblings"] = siblings
        self.listed = {named(s) for s in siblings} - {None}

        # Extra branches: {"name": "sha"}; never sent as part of the info JSON.
        self.branches: dict[str, str] = dict(info.pop("branches", None) or {})
        self.info = info
        self.revisions: dict[str, "_Repo"] = {}
        """Other states of this repo, by their commit (add_revision)."""

    def at(self, commit: str) -> "_Repo":
        """The repo as it is at `commit`: a revision's own state, else this one."""
        return self.revisions.get(commit, self)

    @property
    def sha(self) -> str:
        return self.info["sha"]

    def commit_for(self, revision: str | None) -> str | None:
        """The commit a revision names, or None if this repo has no such revision."""
        if revision in (None, "main", self.sha):
            return self.sha
        if revision in self.branches:
            return self.branches[revision]
        if revision in self.branches.values():
            return revision
        return None

    def body(self, path: str) -> bytes | None:
        if path in self.files:
            return self.files[path]
        if path in self.listed:  # listed but not on disk (weights): a small stand-in body
            if path.endswith(".json"):
                return json.dumps({"stand_in": f"{self.id}/{path}"}).encode() + b"\n"
            return f"stand-in body of {self.id}/{path}\n".encode()
        return None


class _Server(LoopbackServer):
    stub: "HubStub"


class _Handler(LoopbackHandler):
    server_version = "hubstub/1"
    server: _Server

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        self._handle(head=False)

    def do_HEAD(self):
        self._handle(head=True)

    def do_POST(self):
        self._handle(head=False)

    def do_PUT(self):
        self._handle(head=False)

    def do_DELETE(self):
        self._handle(head=False)

    # -- replies ----------------------------------------------------------------------
    def _reply(self, status: int, body: bytes, headers: dict[str, str], head: bool) -> None:
        self.send_response(status)
        for k, v in {**getattr(self, "budget_headers", {}), **headers}.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _json(self, status: int, obj, head: bool, headers: dict[str, str] | None = None) -> None:
        hdrs = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        self._reply(status, json.dumps(obj).encode(), hdrs, head)

    def _error(self, status: int, code: str | None, message: str, head: bool,
               extra: dict[str, str] | None = None) -> None:
        headers = {"X-Error-Message": message}
        if code:
            headers["X-Error-Code"] = code
        headers.update(extra or {})
        self._json(status, {"error": message}, head, headers)

    def _broken(self, mode: str) -> None:
        """A reply that breaks the protocol the way flaky networks and proxies do."""
        self.close_connection = True
        if mode == "reset":  # the connection closes with no reply at all
            return
        if mode == "hang":  # no reply until long after any sane client timeout
            time.sleep(self.server.stub.hang_s)
            return
        if mode == "invalid_json":
            body = b'{"id": "broken", <html>502 Bad Gateway</html>'
            return self._reply(200, body, {"Content-Type": "application/json"}, head=False)
        if mode == "truncated":  # promises more bytes than it sends, then hangs up
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "4096")
            self.end_headers()
            self.wfile.write(b'{"id": "cut-sh')
            self.wfile.flush()
            return
        raise ValueError(f"unknown fault mode {mode!r}")

    def _token(self) -> str | None:
        auth = self.headers.get("Authorization") or ""
        return auth[len("Bearer "):] if auth.startswith("Bearer ") else None

    # -- dispatch -----------------------------------------------------------------------
    def _handle(self, head: bool) -> None:
        stub = self.server.stub
        self.budget_headers: dict[str, str] = {}  # per request: a kept-alive connection serves several
        split = urlsplit(self.path)
        raw_path = split.path
        if raw_path == "/__stats":
            return self._json(200, stub.stats, head)
        key = f"{self.command} {raw_path}"
        stub._enter(key, self.headers.get("Authorization"))
        try:
            for prefix, base in list(stub.redirects.items()):
                if unquote(raw_path).lower().startswith(unquote(prefix).lower()):
                    return self._reply(307, b"", {"Location": base.rstrip("/") + self.path}, head)
            if stub.latency_s:
                time.sleep(stub.latency_s)
            if stub.rate_limited and raw_path.startswith("/api/"):
                return self._error(429, None, "You have exceeded the rate limit for API calls.",
                                   head, stub.rate_limit_headers())
            if stub.budget and raw_path.startswith("/api/"):
                over, self.budget_headers = stub._spend_budget()
                if over:
                    return self._error(429, None, "you have reached your 'api' rate limit", head,
                                       {**self.budget_headers, "Retry-After": self.budget_headers["RateLimit"].split("t=")[1]})
                if not stub.budget_on_success:
                    self.budget_headers = {}
            decoded = unquote(raw_path).lower()
            status = stub._take_fault(decoded)
            if isinstance(status, str):
                return self._broken(status)
            if status:
                extra = stub.rate_limit_headers() if status == 429 else None
                return self._error(status, None, f"Injected transient failure ({status})", head, extra)
            for prefix, size in list(stub.gzip_bombs.items()):
                if decoded.startswith(unquote(prefix).lower()):
                    return self._reply(200, _gzip_of_spaces(size), {"Content-Type": "application/json",
                                                                    "Content-Encoding": "gzip"}, head)
            if stub._random_fault(key):
                return self._error(503, None, "Injected random failure (503)", head)
            for prefix, status in list(stub.fail_paths.items()):
                if decoded.startswith(unquote(prefix).lower()):
                    extra = stub.rate_limit_headers() if status == 429 else None
                    return self._error(status, None, f"Injected failure ({status})", head, extra)
            self._route(raw_path, parse_qs(split.query, keep_blank_values=True), head)
        finally:
            stub._leave()

    def _route(self, raw_path: str, query: dict[str, list[str]], head: bool) -> None:
        if self.command not in ("GET", "HEAD"):
            return self._error(404, None, "Not Found", head)
        segs = raw_path.split("/")[1:]
        if segs == ["api", "models"]:
            return self._list_models(query, head)
        for prefix, kind in (("models", "model"), ("datasets", "dataset")):
            if segs[:2] == ["api", prefix] and len(segs) >= 4:
                rest = segs[2:]
                revision = None
                if len(rest) == 4 and rest[2] == "revision":
                    revision, rest = unquote(rest[3]), rest[:2]
                if len(rest) == 2 and all(rest):
                    repo_id = "/".join(unquote(s) for s in rest)
                    moved = self.server.stub.renamed.get(repo_id.lower())
                    if moved:  # the Hub redirects a renamed repo's old name to its new one
                        where = raw_path.replace(f"/{rest[0]}/{rest[1]}", f"/{moved}", 1)
                        query_text = "&".join(f"{k}={quote(v)}" for k, vs in query.items() for v in vs)
                        return self._reply(307, b"", {"Location": f"{where}?{query_text}"}, head)
                    return self._info(kind, repo_id, revision, query, head)
                return self._error(404, None, "Not Found", head)
        kind = "model"
        if segs and segs[0] == "datasets":
            kind, segs = "dataset", segs[1:]
        if len(segs) >= 5 and segs[2] == "resolve" and segs[0] and segs[1]:
            repo_id = f"{unquote(segs[0])}/{unquote(segs[1])}"
            return self._resolve(kind, repo_id, unquote(segs[3]), unquote("/".join(segs[4:])), head)
        return self._error(404, None, "Not Found", head)

    def _lookup(self, kind: str, repo_id: str, head: bool, extra=None) -> _Repo | None:
        """The repo, or None after answering the error the Hub gives an anonymous caller."""
        stub = self.server.stub
        token = self._token()
        if token is not None and token not in stub.tokens:  # the Hub refuses unknown tokens outright
            self._error(401, None, "Invalid credentials in Authorization header", head, extra)
            return None
        repo = stub._repos.get((kind, repo_id.lower()))
        readable = repo is not None and (
            not repo.info.get("private") or repo.id.lower() in stub.tokens.get(token or "", ()))
        if not readable:
            self._error(401, "RepoNotFound", "Repository not found", head, extra)
            return None
        if repo.info.get("disabled"):
            self._error(403, None, "Access to this resource is disabled.", head, extra)
            return None
        return repo

    def _at_revision(self, kind: str, repo_id: str, revision: str | None, head: bool):
        """(repo, commit), or None once the error reply is sent."""
        repo = self._lookup(kind, repo_id, head)
        if repo is None:
            return None
        commit = repo.commit_for(revision)
        if commit is None:
            self._error(404, "RevisionNotFound", f"Invalid rev id: {revision}", head)
            return None
        return repo, commit

    def _info(self, kind: str, repo_id: str, revision: str | None, query, head: bool) -> None:
        found = self._at_revision(kind, repo_id, revision, head)
        if found is None:
            return
        repo, commit = found
        info = dict(repo.at(commit).info, sha=commit)
        info["id"] = self.server.stub.answer_as.get(repo.id.lower(), info["id"])
        expand = query.get("expand")
        if expand:
            allowed = MODEL_EXPAND if kind == "model" else DATASET_EXPAND
            bad = [e for e in expand if e not in allowed]
            if bad:
                return self._error(400, None, f'"expand" has an invalid value: {bad[0]}', head)
            info = {k: info[k] for k in ("_id", "id", *expand) if k in info}
        self._json(200, info, head)

    def _list_models(self, query: dict[str, list[str]], head: bool) -> None:
        """Models matching author, search (in the id) and every filter (a tag), a page at a time."""
        stub = self.server.stub
        one = lambda key: (query.get(key) or [""])[0]  # noqa: E731
        repos = sorted((r for (k, _), r in stub._repos.items() if k == "model" and not r.info.get("private")),
                       key=lambda r: r.id.lower())
        if one("author"):
            repos = [r for r in repos if r.id.split("/")[0].lower() == one("author").lower()]
        if one("search"):
            repos = [r for r in repos if one("search").lower() in r.id.lower()]
        for tag in query.get("filter", []):
            repos = [r for r in repos if tag in (r.info.get("tags") or [])]
        if one("limit"):
            repos = repos[:int(one("limit"))]
        start = int(one("cursor") or 0)
        page = repos[start:start + stub.page_size]
        keys = [k for k in query.get("expand", []) if k != "baseModels"] or ["id", "tags", "sha"]
        body = [{k: v for k, v in dict(r.info, sha=r.sha).items() if k in ("_id", "id", *keys)} for r in page]
        headers = {}
        if start + stub.page_size < len(repos) or stub.next_cursor is not None:
            params = "&".join(f"{k}={quote(v)}" for k, vs in query.items() if k != "cursor" for v in vs)
            base = stub.next_base or f"http://{self.headers.get('Host')}"
            cursor = start + stub.page_size if stub.next_cursor is None else stub.next_cursor
            headers["Link"] = f'<{base}/api/models?{params}&cursor={cursor}>; rel="next"'
        self._json(200, body, head, headers)

    def _resolve(self, kind: str, repo_id: str, revision: str, path: str, head: bool) -> None:
        found = self._at_revision(kind, repo_id, revision, head)
        if found is None:
            return
        repo, commit = found
        with_commit = {"X-Repo-Commit": commit}
        granted = repo.id.lower() in self.server.stub.tokens.get(self._token() or "", ())
        if repo.info.get("gated") and path != "README.md" and not granted:
            return self._error(
                401, "GatedRepo",
                f"Access to {kind} {repo.id} is restricted. You must have access to it and be authenticated to access it. Please log in.",
                head, with_commit)
        body = repo.at(commit).body(path)
        if body is None:
            return self._error(404, "EntryNotFound", f"{path} does not exist on \"{revision}\"", head, with_commit)
        headers = {
            "Content-Type": "text/plain; charset=utf-8",
            "ETag": f'"{hashlib.sha1(body).hexdigest()}"',
            "Accept-Ranges": "bytes",
            **with_commit,
        }
        self._reply(200, body, headers, head)


def _gzip_of_spaces(size: int) -> bytes:
    """A gzip stream that decodes to `size` spaces (a valid JSON prefix), compressed in steps
    so that the stub never holds the decoded body either."""
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip container
    step = b" " * 2**20
    parts = [packer.compress(step) for _ in range(size // len(step))]
    parts += [packer.compress(b" " * (size % len(step))), packer.flush()]
    return b"".join(parts)


class HubStub:
    """An in-process Hub serving ``root`` on 127.0.0.1 (see the module docstring)."""

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.latency_s: float = 0.0
        self.fail_paths: dict[str, int] = {}
        self.fail_next: dict[str, list[int | str]] = {}
        self.fail_rate: float = 0.0
        self.fail_seed: int = 1
        self.hang_s: float = 3.0
        self.tokens: dict[str, set[str]] = {}
        self.rate_limited: bool = False
        self.retry_after_s: int = 1
        self.page_size: int = 50
        self.next_base: str | None = None
        self.redirects: dict[str, str] = {}
        self.renamed: dict[str, str] = {}
        self.answer_as: dict[str, str] = {}
        self.gzip_bombs: dict[str, int] = {}
        self.next_cursor: int | None = None
        self.budget: tuple[int, float] | None = None
        self.budget_on_success: bool = True
        self.budget_refused: int = 0
        self._window_start: float | None = None
        self._window_count = 0
        self.url: str | None = None
        self._repos: dict[tuple[str, str], _Repo] = {}
        for kind, sub in (("model", "models"), ("dataset", "datasets")):
            base = self.root / sub
            if base.is_dir():
                for info in sorted(base.glob("*/*/info.json")):
                    repo = _Repo.from_folder(kind, info.parent)
                    self._repos[(kind, repo.id.lower())] = repo
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.reset_stats()

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> str:
        if self._server is not None:
            return self.url  # type: ignore[return-value]
        server = _Server(("127.0.0.1", 0), _Handler)
        server.stub = self
        self._server = server
        self._thread, self.url = serve(server, "hubstub")
        return self.url

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None
        self.url = None

    def __enter__(self) -> "HubStub":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- faults -----------------------------------------------------------------------------
    def reset_faults(self) -> None:
        self.latency_s = 0.0
        self.fail_paths = {}
        self.fail_next = {}
        self.fail_rate = 0.0
        self.fail_seed = 1
        self.hang_s = 3.0
        self.tokens = {}
        self.rate_limited = False
        self.retry_after_s = 1
        self.page_size = 50
        self.next_base = None
        self.redirects = {}
        self.renamed = {}
        self.answer_as = {}
        self.gzip_bombs = {}
        self.next_cursor = None
        self.budget = None
        self.budget_on_success = True
        self.budget_refused = 0
        self._window_start = None
        self._window_count = 0

    def rate_limit_headers(self) -> dict[str, str]:
        """The Hub's 429 headers, asking for a wait of ``retry_after_s``."""
        return {**RATE_LIMIT_HEADERS, "RateLimit": f'"api";r=0;t={self.retry_after_s}',
                "Retry-After": str(self.retry_after_s)}

    def _spend_budget(self) -> tuple[bool, dict[str, str]]:
        """Count one /api/ call against ``budget``: (whether it is over, the headers to send)."""
        import math

        assert self.budget is not None
        calls, window_s = self.budget
        with self._lock:
            now = time.monotonic()
            if self._window_start is None or now - self._window_start >= window_s:
                self._window_start, self._window_count = now, 0
            self._window_count += 1
            over = self._window_count > calls
            self.budget_refused += over
            left = max(1, math.ceil(window_s - (now - self._window_start)))
            remaining = max(0, calls - self._window_count)
        return over, {"RateLimit": f'"api";r={remaining};t={left}',
                      "RateLimit-Policy": f'"fixed window";"api";q={calls};w={window_s:g}'}

    def _random_fault(self, key: str) -> bool:
        """Whether this request draws a 503 under ``fail_rate``. The draw depends only on
        the seed, the path and how often it was asked, not on thread timing, so a test
        with a given seed fails the same requests every run."""
        if not self.fail_rate:
            return False
        with self._lock:
            nth = self._by_path.get(key, 0)
        digest = hashlib.sha256(f"{self.fail_seed}:{key}:{nth}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64 < self.fail_rate

    def _take_fault(self, decoded_path: str) -> int | str | None:
        """The next injected status for this path from ``fail_next``, used up as it is taken."""
        with self._lock:
            for prefix, statuses in self.fail_next.items():
                if statuses and decoded_path.startswith(unquote(prefix).lower()):
                    return statuses.pop(0)
        return None

    # -- statistics ----------------------------------------------------------------------------
    def reset_stats(self) -> None:
        with self._lock:
            self._total = 0
            self._by_path: dict[str, int] = {}
            self._in_flight = 0
            self._max_in_flight = 0
            self.authorizations: list[tuple[str, str | None]] = []

    def _enter(self, key: str, authorization: str | None = None) -> None:
        with self._lock:
            self.authorizations.append((key, authorization))
            self._total += 1
            self._by_path[key] = self._by_path.get(key, 0) + 1
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    @property
    def stats(self) -> dict:
        with self._lock:
            by_path = dict(self._by_path)
            return {
                "total": self._total,
                "by_path": by_path,
                "repeated": {p: n for p, n in by_path.items() if n > 1},
                "max_in_flight": self._max_in_flight,
            }

    # -- helpers for tests ------------------------------------------------------------------------
    def add_repo(self, info: dict, files: dict[str, bytes] | None = None, kind: str = "model") -> str:
        """Serve one more repo from now on (``info`` as in info.json); returns its id."""
        repo = _Repo(kind, info, files or {})
        with self._lock:
            self._repos[(kind, repo.id.lower())] = repo
        return repo.id

    def add_revision(self, repo_id: str, branch: str, info_changes: dict | None = None,
                     files: dict[str, bytes | None] | None = None, kind: str = "model") -> str:
        """Give a served repo another state at a commit of its own, named by `branch` (a
        branch or tag): its info with `info_changes` over it (top-level keys), its files
        with `files` over them (None removes one, from the siblings too). The default
        branch keeps serving the repo as it was. Returns the new commit."""
        with self._lock:
            repo = self._repos[(kind, repo_id.lower())]
        files = dict(files or {})
        gone = {name for name, body in files.items() if body is None}
        bodies = {**{n: b for n, b in repo.files.items() if n not in gone},
                  **{n: b for n, b in files.items() if b is not None}}
        info = {k: v for k, v in repo.info.items() if k != "sha"}
        info["siblings"] = [s for s in info.get("siblings", [])
                            if not (isinstance(s, dict) and s.get("rfilename") in gone)]
        info.update(info_changes or {})
        commit = hashlib.sha1(f"{repo.sha}:{branch}:{json.dumps(info, sort_keys=True)}".encode())
        for name, body in sorted(bodies.items()):
            commit.update(b"\0" + name.encode() + b"\0" + body)
        info["sha"] = commit.hexdigest()
        state = _Repo(kind, info, bodies)
        with self._lock:
            repo.revisions[state.sha] = state
            repo.branches[branch] = state.sha
        return state.sha

    def remove_repo(self, repo_id: str, kind: str = "model") -> None:
        """Stop serving a repo added with ``add_repo``."""
        with self._lock:
            self._repos.pop((kind, repo_id.lower()), None)

    def repo_ids(self, kind: str = "model") -> list[str]:
        return sorted(r.id for (k, _), r in self._repos.items() if k == kind)

    def sha_of(self, repo_id: str, kind: str = "model") -> str:
        return self._repos[(kind, repo_id.lower())].sha
