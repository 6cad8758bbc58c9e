"""Issue 12's acceptance checks on real cards and real repositories, served by ../shared.

The stand-in Hub (../shared/hub/serve.py) serves the real cards and the stand-in GitHub
(../shared/github/serve.py) the repositories they link. Third-party text stays in
../shared; these tests skip when it is not beside the repository.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import Run, cli

SHARED = Path(__file__).resolve().parents[2] / "shared"
HUB = (SHARED / "hub" / "serve.py", SHARED / "hub" / "snapshot")
GITHUB = (SHARED / "github" / "serve.py", SHARED / "github" / "snapshot")

pytestmark = pytest.mark.skipif(not (HUB[0].is_file() and GITHUB[0].is_file()),
                                reason="../shared/hub and ../shared/github are not beside the repository")

# Cards that link the model's own repository in words that do not say it holds training
# code ("first released in this repository", "Codebase:"): the repository's tree does.
OWN_REPOSITORY = {
    "google-bert/bert-base-uncased": ("google-research/bert", "run_pretraining.py"),
    "TinyLlama/TinyLlama_v1.1": ("jzhang38/TinyLlama", "pretrain/tinyllama.py"),
}


def _serve(script: Path, root: Path, folder: Path, *options: str) -> Iterator[str]:
    url_file = folder / "url"
    proc = subprocess.Popen([sys.executable, str(script), "--root", str(root), "--url-file", str(url_file),
                             *options], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(400):
            if url_file.exists() and url_file.read_text().strip():
                break
            time.sleep(0.05)
        else:
            pytest.fail(f"{script} did not start")
        yield url_file.read_text().strip()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def real_hub(tmp_path_factory) -> Iterator[str]:
    yield from _serve(*HUB, tmp_path_factory.mktemp("hub"))


@pytest.fixture(scope="module")
def real_github(tmp_path_factory) -> Iterator[str]:
    yield from _serve(*GITHUB, tmp_path_factory.mktemp("github"))


@pytest.fixture(scope="module")
def stingy_github(tmp_path_factory) -> Iterator[str]:
    """A GitHub that allows five requests an hour."""
    yield from _serve(*GITHUB, tmp_path_factory.mktemp("stingy-github"), "--rate-limit", "5")


def score(ids: list[str], hub: str, github: str, home: Path) -> Run:
    """`openness score IDS -f json --quiet` in-process (tests/helpers.py), with this GitHub
    and this HF_HOME for the run and no token; its caches are on disk under `home`, so a
    second call with the same `home` is a warm rerun. tests/test_cli.py keeps the real
    console script in a child process."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("GITHUB_TOKEN", "GH_TOKEN"):
            patch.delenv(name, raising=False)
        patch.setenv("GITHUB_API_URL", github)
        patch.setenv("HF_HOME", str(home))
        return cli("score", *ids, "-f", "json", "--quiet", endpoint=hub)


def github_requests(github: str) -> int:
    return int(json.loads(urllib.request.urlopen(github + "/__stats").read())["total"])


def reset(github: str) -> None:
    urllib.request.urlopen(github + "/__reset").read()


def test_an_own_repository_the_card_does_not_describe_gives_code_evidence_and_its_licence(real_hub, real_github, tmp_path):
    run = score(list(OWN_REPOSITORY), real_hub, real_github, tmp_path / "home")
    assert run.code == 0, run.stderr
    for model_id, (repo, script) in OWN_REPOSITORY.items():
        model = run.model(model_id)
        code = model["axes"]["code"]
        assert code["verdict"] == "open", (model_id, code["reasons"])
        said = [e["detail"] for e in code["evidence"] if e["source"].lower() == f"github.com/{repo}".lower()]
        assert any(script in d and "licence Apache-2.0" in d for d in said), said
        entry = next(r for r in model["repositories"] if r["repo"].lower() == repo.lower())
        assert (entry["status"], entry["license"]) == ("ok", "Apache-2.0")


def test_a_warm_rerun_makes_no_github_request_and_says_the_same(real_hub, real_github, tmp_path):
    ids = [*OWN_REPOSITORY, "allenai/OLMo-7B", "databricks/dolly-v2-3b"]
    reset(real_github)
    cold = score(ids, real_hub, real_github, tmp_path / "home")
    asked = github_requests(real_github)
    reset(real_github)
    warm = score(ids, real_hub, real_github, tmp_path / "home")
    assert asked > 0 and github_requests(real_github) == 0
    assert warm.json()["models"] == cold.json()["models"]


def test_a_github_allowing_five_requests_still_gives_a_whole_report(real_hub, stingy_github, tmp_path):
    ids = [*OWN_REPOSITORY, "allenai/OLMo-7B", "databricks/dolly-v2-3b", "mistralai/Mixtral-8x7B-v0.1"]
    run = score(ids, real_hub, stingy_github, tmp_path / "home")
    assert run.code == 0, run.stderr
    models = run.json()["models"]
    assert [m["status"] for m in models] == ["scored"] * len(ids)
    fallback = "code from card only: GitHub rate limit reached; set GITHUB_TOKEN"
    limited = [m["repo_id"] for m in models
               if any(e["detail"] == fallback for e in m["axes"]["code"]["evidence"])]
    assert limited, "no model said that it fell back to the card"
    for model in models:  # every repository either read or said to be rate-limited
        assert all(r["status"] in ("ok", "rate_limited", "not_found") for r in model["repositories"])
