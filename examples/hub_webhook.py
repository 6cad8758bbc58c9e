"""Hub-side checks: score each new revision of a model and post the result as a discussion.

A Hugging Face Hub webhook (repo update events) POSTs here; the handler checks the
webhook's secret, answers at once (the Hub does not wait long) and starts a job that
scores the revision the payload names with openness and posts the report as a
discussion on the model (`HfApi.create_discussion`). docs/hub-webhook.md has the set-up.

    OPENNESS_WEBHOOK_SECRET=... HF_TOKEN=hf_... python examples/hub_webhook.py --port 8080

Standard library only besides openness (which brings huggingface_hub). The token is read
by huggingface_hub from HF_TOKEN and never passes through this file's logging; the log
names the method, the path without its query and the status, never a header or a body.
"""
from __future__ import annotations

import argparse
import hmac
import json
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from openness import compare
from openness.badge import summary_badge
from openness.report import Report

# (repo_id, title, body): posts a discussion. The real one is `hub_poster`; tests inject theirs.
Poster = Callable[[str, str, str], None]
# "org/name@sha" -> the report to post. The real one scores on the Hub (`compare`).
Scorer = Callable[[str], Report]
# Runs a job; the real one starts a thread so the Hub gets its answer at once.
JobRunner = Callable[[Callable[[], None]], None]

MAX_PAYLOAD_BYTES = 1024 * 1024  # a webhook payload is a few KiB; more is not the Hub


@dataclass(frozen=True)
class Revision:
    """The revision of a model repository a webhook says was pushed."""

    repo_id: str
    sha: str

    @property
    def model(self) -> str:
        return f"{self.repo_id}@{self.sha}"


def revision_of(payload: dict[str, Any]) -> Revision | None:
    """The model revision a `repo.content` update names; None for any other event (a
    discussion, a settings change, a dataset or a Space), which this recipe ignores.
    Posting our own discussion is such an event: no loop."""
    event, repo = payload.get("event") or {}, payload.get("repo") or {}
    if event.get("scope") != "repo.content" or event.get("action") != "update" or repo.get("type") != "model":
        return None
    sha = repo.get("headSha") or next((ref.get("newSha") for ref in payload.get("updatedRefs") or []
                                       if ref.get("ref") == "refs/heads/main"), None)
    name = repo.get("name")
    if not isinstance(name, str) or not isinstance(sha, str) or not sha:
        return None
    return Revision(repo_id=name, sha=sha)


def secret_matches(given: str | None, expected: str) -> bool:
    """The Hub sends the webhook's secret as is in X-Webhook-Secret: compared in constant time."""
    return bool(expected) and given is not None and hmac.compare_digest(given.encode(), expected.encode())


def discussion_for(revision: Revision, report: Report) -> tuple[str, str]:
    """The title and markdown body of the discussion that reports one scored revision."""
    card = report.scorecards[0]
    if card.status == "scored":
        verdicts = summary_badge(card).message
    else:
        verdicts = f"not scored ({card.error.kind if card.error else 'error'})"
    title = f"openness: {verdicts} at {revision.sha[:12]}"
    body = (f"How open is this revision ({revision.sha}), as openness reads its card "
            "and files:\n\n" + report.to_markdown(details=True))
    return title, body


def check_revision(revision: Revision, score: Scorer, post: Poster) -> None:
    """The job: score the revision, post the result on the model."""
    title, body = discussion_for(revision, score(revision.model))
    post(revision.repo_id, title, body)


def hub_poster(token: str | None = None) -> Poster:
    """Posts through huggingface_hub (HF_TOKEN, or `hf auth login`, when `token` is None)."""
    from huggingface_hub import HfApi

    api = HfApi(token=token)

    def post(repo_id: str, title: str, body: str) -> None:
        api.create_discussion(repo_id, title, description=body, repo_type="model")

    return post


def in_a_thread(job: Callable[[], None]) -> None:
    threading.Thread(target=job, name="openness-webhook-job", daemon=True).start()


class WebhookServer(ThreadingHTTPServer):
    """An HTTP server whose handler checks the secret and hands revisions to jobs."""

    def __init__(self, address: tuple[str, int], secret: str, score: Scorer, post: Poster,
                 run_job: JobRunner = in_a_thread):
        if not secret:
            raise ValueError("a webhook secret is required (OPENNESS_WEBHOOK_SECRET)")
        super().__init__(address, WebhookHandler)
        self.secret, self.score, self.post, self.run_job = secret, score, post, run_job
        self.seen: set[str] = set()  # a replayed webhook does not post twice
        self.seen_lock = threading.Lock()

    def first_time(self, revision: Revision) -> bool:
        with self.seen_lock:
            fresh = revision.model not in self.seen
            self.seen.add(revision.model)
            return fresh


class WebhookHandler(BaseHTTPRequestHandler):
    server: WebhookServer

    def do_POST(self) -> None:
        if not secret_matches(self.headers.get("X-Webhook-Secret"), self.server.secret):
            self._answer(401, "bad or missing X-Webhook-Secret")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if not 0 < length <= MAX_PAYLOAD_BYTES:
                raise ValueError("size")
            payload = json.loads(self.rfile.read(length))
            if not isinstance(payload, dict):
                raise ValueError("not an object")
        except ValueError:
            self._answer(400, "expected a JSON webhook payload")
            return
        revision = revision_of(payload)
        if revision is None:
            self._answer(200, "ignored: not an update of a model's content")
            return
        if self.server.first_time(revision):
            server = self.server
            server.run_job(lambda: check_revision(revision, server.score, server.post))
        self._answer(202, "scoring")

    def _answer(self, status: int, text: str) -> None:
        body = (text + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        # The request line may carry `?secret=`: log the path without its query, and no header.
        path = self.path.split("?", 1)[0]
        print(f"{self.command} {path} -> {args[1] if len(args) > 1 else '-'}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    secret = os.environ.get("OPENNESS_WEBHOOK_SECRET", "")

    def score(model: str) -> Report:
        return compare([model])

    server = WebhookServer((args.host, args.port), secret, score, hub_poster())
    print(f"listening on {args.host}:{args.port}", file=sys.stderr)
    server.serve_forever()


if __name__ == "__main__":
    main()
