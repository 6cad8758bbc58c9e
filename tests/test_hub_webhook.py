"""The Hub webhook recipe (examples/hub_webhook.py): a payload's revision is scored and
posted through the poster given, only with the right secret; nothing reaches the network
but the stand-in Hub, and the log holds no secret."""
from __future__ import annotations

import importlib.util
import json
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from openness import compare

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "hub_webhook.py"
SECRET = "s3cret-webhook-value"


@pytest.fixture(scope="module")
def recipe():
    spec = importlib.util.spec_from_file_location("hub_webhook", EXAMPLE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["hub_webhook"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("hub_webhook", None)


def _payload(repo: str, sha: str, scope: str = "repo.content", kind: str = "model") -> dict:
    return {"event": {"action": "update", "scope": scope},
            "repo": {"type": kind, "name": repo, "id": "x", "headSha": sha},
            "updatedRefs": [{"ref": "refs/heads/main", "oldSha": "0" * 40, "newSha": sha}]}


def _post(url: str, payload: dict, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Webhook-Secret"] = secret
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture
def server(recipe, hub_url, monkeypatch):
    """The recipe's server on a loopback port; jobs run inline; posts are recorded."""
    monkeypatch.setenv("HF_ENDPOINT", hub_url)
    posted: list[tuple[str, str, str]] = []
    scored: list[str] = []

    def score(model: str):
        scored.append(model)
        return compare([model], endpoint=hub_url, repos=False)

    srv = recipe.WebhookServer(("127.0.0.1", 0), SECRET, score,
                               lambda repo, title, body: posted.append((repo, title, body)),
                               run_job=lambda job: job())
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/webhook?secret=in-the-query", posted, scored
    srv.shutdown()
    srv.server_close()


def test_a_content_update_is_scored_at_its_revision_and_posted(server, hub, capfd):
    url, posted, scored = server
    sha = hub.sha_of("openlab/atlas-7b")
    assert _post(url, _payload("openlab/atlas-7b", sha), SECRET) == 202
    assert scored == [f"openlab/atlas-7b@{sha}"]
    [(repo, title, body)] = posted
    assert repo == "openlab/atlas-7b"
    assert title == f"openness: W open · D open · C open at {sha[:12]}"
    assert sha in body and "| openlab/atlas-7b" in body
    assert _post(url, _payload("openlab/atlas-7b", sha), SECRET) == 202  # a replay posts nothing more
    assert len(posted) == 1
    log = capfd.readouterr().err
    assert "POST /webhook -> 202" in log and SECRET not in log and "in-the-query" not in log


def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_scored(server, hub, capfd):
    url, posted, scored = server
    sha = hub.sha_of("openlab/atlas-7b")
    assert _post(url, _payload("openlab/atlas-7b", sha), "guess") == 401
    assert _post(url, _payload("openlab/atlas-7b", sha), None) == 401
    assert (posted, scored) == ([], [])
    assert "guess" not in capfd.readouterr().err


def test_other_events_are_ignored(server):
    url, posted, scored = server
    assert _post(url, _payload("org/name", "a" * 40, scope="discussion"), SECRET) == 200
    assert _post(url, _payload("org/data", "a" * 40, kind="dataset"), SECRET) == 200
    assert (posted, scored) == ([], [])


def test_a_revision_that_cannot_be_scored_is_still_reported(recipe, hub_url):
    posted = []
    revision = recipe.Revision("nobody/nothing", "b" * 40)
    recipe.check_revision(revision, lambda model: compare([model], endpoint=hub_url, repos=False),
                          lambda *post: posted.append(post))
    [(repo, title, _)] = posted
    assert repo == "nobody/nothing" and title.startswith("openness: not scored (")


def test_the_server_needs_a_secret(recipe):
    with pytest.raises(ValueError, match="secret"):
        recipe.WebhookServer(("127.0.0.1", 0), "", lambda m: None, lambda *a: None)
