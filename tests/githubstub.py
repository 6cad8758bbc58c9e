"""A small in-process stand-in for GitHub's REST API, for the test suite. Synthetic data only.

It answers the reads a scorer makes of a repository, with GitHub's status codes, error
bodies and rate-limit headers:

    GET /repos/{owner}/{name}                              metadata (case-insensitive)
    GET /repos/{owner}/{name}/git/trees/{ref}?recursive=1  the file tree; 409 when empty
    GET /repos/{owner}/{name}/readme                       raw with Accept: application/vnd.github.raw,
                                                           else JSON with base64 content
    GET /repositories/{id}[/...]                           where a renamed repository's 301 points
    GET /__stats                                           counters (not counted)

A renamed repository (``rename``) answers 301 with a Location under /repositories/{id},
as GitHub does; ``redirects`` sends any path elsewhere (another origin, say). Requests in
absolute form (``GET http://host/path``, as a client sends them to a proxy) are served
too, so a test can put the stub behind a name that is not loopback.

Knobs, plain attributes a test may change: ``rate_limit`` (requests allowed before every
answer is GitHub's 403 "API rate limit exceeded", ``x-ratelimit-remaining: 0``),
``reset_in_s`` (what ``x-ratelimit-reset`` says), ``answers`` (lower-case path -> (status,
body) sent as it is: hostile or wrongly shaped answers), ``fail_paths`` (path prefix -> status
answered instead), ``fail_next`` (path prefix -> statuses used up one per request; or
"invalid_json", a 200 whose body is cut JSON; or "hang", no answer for ``hang_s`` seconds,
then the connection closes: a GitHub that accepts and never answers). ``stats`` counts requests by path and
``authorizations`` lists the Authorization header of every request (None when absent).
"""
from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from loopback import LoopbackHandler, LoopbackServer, serve
from urllib.parse import unquote, urlsplit

__all__ = ["GitHubStub", "StubRepo", "synthetic_repos"]

DOCS = "https://docs.github.com/rest"
LICENCES = {
    "Apache-2.0": ("apache-2.0", "Apache License 2.0"),
    "MIT": ("mit", "MIT License"),
    "NOASSERTION": ("other", "Other"),
}


@dataclass
class StubRepo:
    """One synthetic repository: its name, files (path -> bytes) and what GitHub says of it."""

    full_name: str
    files: dict[str, bytes] = field(default_factory=dict)
    license: str | None = None
    """An SPDX id from LICENCES, or None for no licence file."""
    default_branch: str = "main"
    fork: bool = False
    archived: bool = False
    empty: bool = False
    truncated: bool = False
    readme_name: str = "README.md"
    repo_id: int = 0

    @property
    def tree_sha(self) -> str:
        digest = hashlib.sha1(self.full_name.lower().encode())
        for path, body in sorted(self.files.items()):
            digest.update(b"\0" + path.encode() + b"\0" + body)
        return digest.hexdigest()

    def info(self, base: str) -> dict:
        owner, name = self.full_name.split("/")
        licence = None
        if self.license:
            key, title = LICENCES[self.license]
            licence = {"key": key, "name": title, "spdx_id": self.license,
                       "url": f"{base}/licenses/{key}", "node_id": "MDc6TGljZW5zZTA="}
        return {
            "id": self.repo_id, "name": name, "full_name": self.full_name,
            "owner": {"login": owner, "type": "Organization"}, "private": False,
            "html_url": f"https://github.com/{self.full_name}", "url": f"{base}/repos/{self.full_name}",
            "fork": self.fork, "archived": self.archived, "disabled": False, "license": licence,
            "default_branch": self.default_branch, "visibility": "public",
        }

    def tree(self, base: str) -> dict:
        entries, folders = [], set()
        for path, body in sorted(self.files.items()):
            parts = path.split("/")
            for depth in range(1, len(parts)):
                folders.add("/".join(parts[:depth]))
            entries.append({"path": path, "mode": "100644", "type": "blob", "size": len(body),
                            "sha": hashlib.sha1(b"blob %d\0" % len(body) + body).hexdigest()})
        entries += [{"path": folder, "mode": "040000", "type": "tree",
                     "sha": hashlib.sha1(folder.encode()).hexdigest()} for folder in sorted(folders)]
        return {"sha": self.tree_sha, "url": f"{base}/repos/{self.full_name}/git/trees/{self.tree_sha}",
                "tree": sorted(entries, key=lambda e: e["path"]), "truncated": self.truncated}

    @property
    def readme(self) -> bytes | None:
        return self.files.get(self.readme_name)


def synthetic_repos() -> list[StubRepo]:
    """The repositories every test starts from (made up: no real repository's text)."""
    return [
        StubRepo("synth-lab/trainer", license="Apache-2.0", files={
            "README.md": b"# trainer\n\nPre-training and fine-tuning scripts for the synth models.\n",
            "LICENSE": b"Apache License\nVersion 2.0\n",
            "train.py": b"print('train')\n",
            "configs/pretrain.yaml": b"lr: 0.001\n",
            "scripts/prepare_data.sh": b"echo data\n",
        }),
        StubRepo("synth-lab/new-name", license="MIT", files={
            "README.md": b"# new name\n\nFormerly old-name.\n", "LICENSE": b"MIT License\n", "infer.py": b"pass\n"}),
        StubRepo("synth-lab/forked", license="NOASSERTION", fork=True, archived=True, default_branch="dev/1.x",
                 files={"README.rst": b"forked\n", "LICENSE.txt": b"Custom licence\n"}, readme_name="README.rst"),
        StubRepo("synth-lab/empty", empty=True),
        StubRepo("synth-lab/big", truncated=True, files={f"data/part-{i:03d}.txt": b"x" for i in range(30)}),
    ]


class _Server(LoopbackServer):
    stub: "GitHubStub"


class _Handler(LoopbackHandler):
    server_version = "githubstub/1"
    server: _Server

    def log_message(self, *args):
        pass

    def do_GET(self):
        stub = self.server.stub
        path = urlsplit(self.path).path  # origin form, or absolute form through a proxy
        if path == "/__stats":
            return self._json(200, stub.stats)
        over = stub._enter(f"GET {path}", self.headers.get("Authorization"))
        if over:
            return self._error(403, "API rate limit exceeded for 127.0.0.1. (But here's the good news: "
                                    "Authenticated requests get a higher rate limit.)")
        fault = stub._fault(unquote(path).lower())
        if fault == "invalid_json":
            return self._send(200, b'{"full_name": "synth-lab/cut', "application/json")
        if fault == "hang":
            time.sleep(stub.hang_s)
            self.close_connection = True
            return
        if isinstance(fault, int):
            return self._error(fault, "Injected failure")
        fixed = stub.answers.get(path.lower())
        if fixed is not None:
            return self._send(fixed[0], fixed[1], "application/json; charset=utf-8")
        target = stub.redirects.get(path.lower())
        if target:
            return self._json(301, {"message": "Moved Permanently", "url": target}, {"Location": target})
        self._route([unquote(p) for p in path.split("/") if p])

    # -- routing ----------------------------------------------------------------------------
    def _route(self, parts: list[str]) -> None:
        stub = self.server.stub
        if len(parts) >= 2 and parts[0] == "repositories" and parts[1].isdigit():
            repo = stub._by_id(int(parts[1]))
            return self._repo(repo, parts[2:]) if repo else self._error(404, "Not Found")
        if len(parts) < 3 or parts[0] != "repos":
            return self._error(404, "Not Found")
        name, rest = f"{parts[1]}/{parts[2]}".lower(), parts[3:]
        moved = stub._aliases.get(name)
        if moved is not None:
            location = "/".join([stub.url, "repositories", str(moved.repo_id), *rest])
            return self._json(301, {"message": "Moved Permanently", "url": location,
                                    "documentation_url": DOCS}, {"Location": location})
        self._repo(stub._repos.get(name), rest)

    def _repo(self, repo: StubRepo | None, rest: list[str]) -> None:
        base = self.server.stub.url
        if repo is None:
            return self._error(404, "Not Found")
        if not rest:
            return self._json(200, repo.info(base))
        if rest[:2] == ["git", "trees"] and len(rest) >= 3:
            if repo.empty:
                return self._error(409, "Git Repository is empty.")
            return self._json(200, repo.tree(base))
        if rest == ["readme"]:
            body = repo.readme
            if body is None:
                return self._error(404, "Not Found")
            if "application/vnd.github.raw" in (self.headers.get("Accept") or ""):
                return self._send(200, body, "text/plain; charset=utf-8")
            return self._json(200, {"type": "file", "encoding": "base64", "name": repo.readme_name,
                                    "path": repo.readme_name, "content": base64.b64encode(body).decode()})
        return self._error(404, "Not Found")

    # -- replies ------------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in {**self.server.stub._rate_headers(), **(headers or {})}.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, obj, headers: dict | None = None) -> None:
        self._send(status, json.dumps(obj).encode(), "application/json; charset=utf-8", headers)

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"message": message, "documentation_url": DOCS, "status": str(status)})


class GitHubStub:
    """An in-process GitHub API on 127.0.0.1 (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.url: str = ""
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.reset()

    # -- lifecycle ------------------------------------------------------------------------------
    def __enter__(self) -> "GitHubStub":
        server = _Server(("127.0.0.1", 0), _Handler)
        server.stub = self
        self._server = server
        self._thread, self.url = serve(server, "githubstub")
        return self

    def __exit__(self, *exc) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def reset(self) -> None:
        """The synthetic repositories again, no faults, counters at zero."""
        with self._lock:
            self._repos: dict[str, StubRepo] = {}
            self._aliases: dict[str, StubRepo] = {}
            self.redirects: dict[str, str] = {}
            self.answers: dict[str, tuple[int, bytes]] = {}
            self.rate_limit: int | None = None
            self.reset_in_s = 3600
            self.fail_paths: dict[str, int] = {}
            self.fail_next: dict[str, list[int | str]] = {}
            self.hang_s = 0.5
            self._total = 0
            self._by_path: dict[str, int] = {}
            self.authorizations: list[str | None] = []
        for repo in synthetic_repos():
            self.add_repo(repo)
        self.rename("synth-lab/old-name", "synth-lab/new-name")

    # -- repositories -----------------------------------------------------------------------------
    def add_repo(self, repo: StubRepo) -> StubRepo:
        with self._lock:
            repo.repo_id = repo.repo_id or 1000 + len(self._repos)
            self._repos[repo.full_name.lower()] = repo
        return repo

    def rename(self, old: str, new: str) -> None:
        """`old` now answers 301, pointing at `new` by its id."""
        with self._lock:
            self._aliases[old.lower()] = self._repos[new.lower()]

    def _by_id(self, repo_id: int) -> StubRepo | None:
        with self._lock:
            return next((r for r in self._repos.values() if r.repo_id == repo_id), None)

    # -- requests -----------------------------------------------------------------------------
    def _enter(self, key: str, authorization: str | None) -> bool:
        """Count a request; True when it is over the rate limit."""
        with self._lock:
            self._total += 1
            self._by_path[key] = self._by_path.get(key, 0) + 1
            self.authorizations.append(authorization)
            return self.rate_limit is not None and self._total > self.rate_limit

    def _rate_headers(self) -> dict[str, str]:
        with self._lock:
            limit = self.rate_limit if self.rate_limit is not None else 5000
            used = self._total
        return {"x-ratelimit-limit": str(limit), "x-ratelimit-remaining": str(max(0, limit - used)),
                "x-ratelimit-used": str(used), "x-ratelimit-reset": str(int(time.time()) + self.reset_in_s),
                "x-ratelimit-resource": "core"}

    def _fault(self, path: str) -> int | str | None:
        with self._lock:
            for prefix, queue in self.fail_next.items():
                if queue and path.startswith(prefix.lower()):
                    return queue.pop(0)
            for prefix, status in self.fail_paths.items():
                if path.startswith(prefix.lower()):
                    return status
        return None

    @property
    def stats(self) -> dict:
        with self._lock:
            return {"total": self._total, "by_path": dict(self._by_path)}

    @property
    def total(self) -> int:
        with self._lock:
            return self._total
