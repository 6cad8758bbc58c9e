"""Fetching fast and once: one request per card, the disk cache, retries, listings,
bounded concurrency, progress and start-up. All against the in-process stand-in Hub."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest

from helpers import cli, cli_on_a_terminal

KIDS = [f"kids/child-{n:02d}" for n in range(1, 9)]
THREE = ["openlab/atlas-7b", "railco/meadow-3b", "ncco/lumen-2b"]


def requests(hub) -> dict[str, int]:
    return hub.stats["by_path"]


def test_card_is_one_get_by_commit(hub_url, hub):
    assert cli("score", *THREE, endpoint=hub_url).code == 0
    paths = requests(hub)
    assert not [p for p in paths if p.startswith("HEAD ")]
    for repo_id in THREE:
        assert paths[f"GET /{repo_id}/resolve/{hub.sha_of(repo_id)}/README.md"] == 1
    assert hub.stats["repeated"] == {}


def test_warm_rerun_makes_no_request(hub_url, hub):
    ids = [*THREE, *KIDS, "adapterco/tiny-lora", "nobody/nothing"]
    cold = cli("score", *ids, "-f", "json", endpoint=hub_url)
    assert hub.stats["total"] > 0 and hub.stats["repeated"] == {}
    hub.reset_stats()
    warm = cli("score", *ids, "-f", "json", endpoint=hub_url)
    assert hub.stats["total"] == 0
    assert warm.json()["models"] == cold.json()["models"]  # not-found remembered too
    assert warm.code == cold.code == 1


def test_expired_branch_lookup_costs_one_model_info_not_the_card(hub_url, hub, hf_home):
    cli("score", "openlab/atlas-7b", endpoint=hub_url)
    for ref in (hf_home / "openness").rglob("refs/models/**/*.json"):
        data = json.loads(ref.read_text())
        ref.write_text(json.dumps({**data, "fetched_at": 0}))
    hub.reset_stats()
    assert cli("score", "openlab/atlas-7b", endpoint=hub_url).code == 0
    assert list(requests(hub)) == ["GET /api/models/openlab/atlas-7b"]


def test_refresh_fetches_everything_again(hub_url, hub):
    cli("score", *THREE, endpoint=hub_url)
    cold = hub.stats["total"]
    hub.reset_stats()
    assert cli("score", *THREE, "--refresh", endpoint=hub_url).code == 0
    assert hub.stats["total"] == cold


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_offline_with_an_empty_cache_names_what_it_could_not_score(hub_url, hub, monkeypatch, how):
    if how == "environment":
        monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    args = ["--offline"] if how == "flag" else []
    run = cli("score", *THREE, *args, "-f", "json", endpoint=hub_url)
    assert run.code == 1 and hub.stats["total"] == 0
    assert {m["error"]["kind"] for m in run.json()["models"]} == {"not_cached"}
    assert len(run.stderr.strip().splitlines()) == 3 and "not in the cache" in run.stderr


def test_offline_uses_the_cache_however_old(hub_url, hub, hf_home, github):
    # The stand-in GitHub answers the linked repositories, so they are cached as well.
    online = cli("score", *THREE, "-f", "json", endpoint=hub_url).json()
    for ref in (hf_home / "openness").rglob("refs/**/*.json"):
        ref.write_text(json.dumps({**json.loads(ref.read_text()), "fetched_at": 0}))
    hub.reset_stats()
    github_requests = github.total
    offline = cli("score", *THREE, "--offline", "-f", "json", endpoint=hub_url)
    assert offline.code == 0 and hub.stats["total"] == 0 and github.total == github_requests
    assert offline.json()["models"] == online["models"]


def test_broken_cache_entry_is_a_warning_and_a_refetch(hub_url, hub, hf_home):
    cli("score", "openlab/atlas-7b", endpoint=hub_url)
    snapshot = next((hf_home / "openness").rglob("models/openlab/atlas-7b/*.json"))
    snapshot.write_text('{"repo_id": "openlab/atlas-7b", "truncated...')
    hub.reset_stats()
    run = cli("score", "openlab/atlas-7b", endpoint=hub_url)
    assert run.code == 0
    assert run.stderr.startswith("openness: warning: ignoring a broken cache entry")
    assert len(run.stderr.strip().splitlines()) == 1
    assert hub.stats["total"] >= 1
    json.loads(snapshot.read_text())  # rewritten whole


def test_cache_lives_under_hf_home_without_temporary_files_or_the_token(hub, hub_url, hf_home, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_SeCrEtT0kenThatMustNotLeak")
    hub.tokens = {"hf_SeCrEtT0kenThatMustNotLeak": set()}
    assert cli("score", *THREE, endpoint=hub_url).code == 0
    files = [p for p in hf_home.rglob("*") if p.is_file()]
    assert files and all(p.is_relative_to(hf_home / "openness" / "v2") for p in files)
    assert not [p for p in files if p.name.startswith(".tmp")]
    assert not [p for p in files if "hf_SeCrEtT0ken" in p.read_text(encoding="utf-8")]


def test_transient_5xx_and_429_are_retried(hub_url, hub):
    hub.retry_after_s = 0
    hub.fail_next = {"/api/models/openlab/atlas-7b": [503, 429],
                     f"/openlab/atlas-7b/resolve/{hub.sha_of('openlab/atlas-7b')}/README.md": [502]}
    run = cli("score", "openlab/atlas-7b", "-f", "json", endpoint=hub_url)
    assert run.code == 0, run.stderr
    assert run.model("openlab/atlas-7b")["axes"]["data"]["verdict"] == "open"  # the card was read
    assert requests(hub)["GET /api/models/openlab/atlas-7b"] == 3


def test_retry_after_is_honoured(hub_url, hub):
    hub.retry_after_s = 1
    hub.fail_next = {"/api/models/openlab/atlas-7b": [429]}
    started = time.monotonic()
    assert cli("score", "openlab/atlas-7b", endpoint=hub_url).code == 0
    assert time.monotonic() - started >= 1.0


def test_a_long_rate_limit_fails_at_once_and_says_when(hub_url, hub):
    hub.retry_after_s = 600
    hub.rate_limited = True
    run = cli("score", "openlab/atlas-7b", endpoint=hub_url)
    assert run.code == 1
    assert "rate limit" in run.stderr and "try again in 600 s" in run.stderr
    assert hub.stats["total"] == 1  # no second try: it did not sit out the 600 s


def test_listing_by_author_reads_pages_not_one_call_per_model(hub_url, hub):
    hub.page_size = 3
    run = cli("score", "--author", "kids", "-f", "json", endpoint=hub_url)
    assert run.code == 0, run.stderr
    assert sorted(m["repo_id"] for m in run.json()["models"]) == sorted(["kids/parent", *KIDS])
    paths = requests(hub)
    assert paths["GET /api/models"] == 3  # 9 models, 3 per page
    assert not [p for p in paths if p.startswith("GET /api/models/kids/")]
    assert hub.stats["repeated"] == {"GET /api/models": 3}  # the same path, a different page each


def test_listing_search_filter_and_limit(hub_url):
    run = cli("score", "--search", "child-0", "--limit", "2", "-f", "csv", endpoint=hub_url)
    assert run.code == 0, run.stderr
    assert run.stdout.count("\nkids/child-0") == 2
    nothing = cli("score", "--filter", "no-model-has-this-tag", endpoint=hub_url)
    assert nothing.code == 1 and "no models matching" in nothing.stderr


def test_limit_without_a_listing_is_a_usage_error(hub_url):
    run = cli("score", "openlab/atlas-7b", "--limit", "3", endpoint=hub_url)
    assert run.code == 2 and "--limit applies to" in run.stderr


@pytest.mark.parametrize(("jobs", "most"), [(1, 1), (3, 3)])
def test_jobs_bounds_the_requests_in_flight(hub_url, hub, jobs, most):
    hub.latency_s = 0.05
    assert cli("score", *KIDS, "--jobs", str(jobs), endpoint=hub_url).code == 0
    # Never above the bound; whether a busy machine ever fills it is not this test's business.
    assert 1 <= hub.stats["max_in_flight"] <= most


def test_a_slow_model_does_not_hold_up_the_others(hub_url, hub):
    hub.fail_next = {"/api/models/openlab/atlas-7b": [503] * 3}
    hub.retry_after_s = 0
    run = cli("score", "openlab/atlas-7b", *KIDS, "-f", "json", endpoint=hub_url)
    assert run.code == 0
    assert all(m["status"] == "scored" for m in run.json()["models"])
    assert requests(hub)["GET /api/models/openlab/atlas-7b"] == 4  # three failures, then the answer


def run_on_a_terminal(args: list[str], endpoint: str) -> str:
    """Run the CLI with stderr on a pseudo-terminal; what it wrote there."""
    return cli_on_a_terminal(*args, stream="stderr", env={"HF_ENDPOINT": endpoint, "COLUMNS": "100"})


def test_progress_bar_on_a_terminal_only(hub_url, hub):
    hub.latency_s = 0.02
    shown = run_on_a_terminal(["score", *KIDS, "--jobs", "2"], hub_url)
    assert "scoring" in shown and "/8" in shown
    assert "waiting" not in shown  # a Hub that answers keeps no run waiting 10 s
    quiet = run_on_a_terminal(["score", *KIDS, "--refresh", "--quiet"], hub_url)
    assert "scoring" not in quiet
    piped = cli("score", *KIDS, "--refresh", endpoint=hub_url)  # stderr not a terminal
    assert piped.stderr == ""


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["score", "--help"]])
def test_version_and_help_import_nothing_heavy(args):
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "openness", *args],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    modules = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    packages = {name.split(".")[0] for name in modules}
    # typer brings pydantic along for --help; the scorer's own weight stays out
    assert not packages & {"huggingface_hub", "httpx2", "httpx", "yaml", "jinja2", "tabulate"}
    assert not modules & {"openness.models", "openness.api", "openness.run", "openness.render"}
    if args == ["--version"]:
        assert not packages & {"typer", "pydantic", "rich"}


def test_dataset_named_in_prose_is_not_looked_up_or_called_missing(hub_url, hub):
    run = cli("score", "oddco/prose-datasets", "-f", "json", endpoint=hub_url)
    assert run.code == 0, run.stderr
    statuses = {d["id"]: d["status"] for d in run.model("oddco/prose-datasets")["datasets"]}
    assert statuses == {"A Web Crawl of 2023": "error", "openlab/atlas-corpus": "found"}
    assert [p for p in requests(hub) if "/api/datasets/" in p] == ["GET /api/datasets/openlab/atlas-corpus"]


def test_each_endpoint_has_its_own_cache_tree():
    from openness.cache import endpoint_folder

    assert endpoint_folder("https://huggingface.co") == "huggingface.co"
    assert endpoint_folder("http://127.0.0.1:8080/") == "http+127.0.0.1%3A8080"
    assert endpoint_folder("https://mirror.example/hub") != endpoint_folder("https://mirror.example/other")


def test_listing_snapshots_do_not_replace_full_ones_in_the_cache(hub_url, hf_home):
    assert cli("score", "--author", "kids", endpoint=hub_url).code == 0
    assert not list((hf_home / "openness").rglob("models/kids/*/*.json"))  # no baseModels in a listing


def test_a_refused_token_is_not_remembered_as_not_found(hub_url, hub):
    hub.fail_paths = {"/api/models/openlab/atlas-7b": 401}
    refused = cli("score", "openlab/atlas-7b", "-f", "json", endpoint=hub_url)
    assert refused.code == 1 and "HF_TOKEN" in refused.stderr
    assert refused.model("openlab/atlas-7b")["error"]["kind"] == "hub_error"
    hub.reset_faults()
    assert cli("score", "openlab/atlas-7b", endpoint=hub_url).code == 0


def test_output_file_gets_ordinary_permissions(hub_url, tmp_path):
    target = tmp_path / "report.md"
    umask = os.umask(0o022)
    os.umask(umask)
    assert cli("score", "openlab/atlas-7b", "-o", str(target), endpoint=hub_url).code == 0
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    target.chmod(0o640)
    assert cli("score", "openlab/atlas-7b", "-o", str(target), endpoint=hub_url).code == 0
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_hub_that_keeps_the_run_waiting_is_said_on_a_terminal(hub_url, hub, monkeypatch):
    """A single model shows no progress bar; when nothing is scored for a while (here 0.3 s,
    by default 10 s), a status line says what the run waits for, and goes when it is done."""
    monkeypatch.setenv("OPENNESS_WAITING_NOTICE_S", "0.3")
    hub.hang_s = 0.8
    hub.fail_next = {"/api/models/openlab/atlas-7b": ["hang"], "/api/models/railco/meadow-3b": ["hang"]}
    single = run_on_a_terminal(["score", "openlab/atlas-7b"], hub_url)
    assert re.search(rf"waiting for the Hub at {re.escape(hub_url)} \(\d+ s\)\.\.\.", single)
    batch = run_on_a_terminal(["score", "railco/meadow-3b", "ncco/lumen-2b", "--jobs", "1"], hub_url)
    assert f"waiting for the Hub at {hub_url}" in batch and "/2" in batch


def test_hf_endpoint_set_after_the_hub_library_was_loaded_is_the_hub_asked(hub_url, hub, monkeypatch):
    from huggingface_hub import constants

    import openness

    # huggingface_hub reads HF_ENDPOINT once, at its import: as in a notebook that set it later.
    monkeypatch.setattr(constants, "ENDPOINT", "https://huggingface.co")
    monkeypatch.setenv("HF_ENDPOINT", hub_url)
    assert openness.score("openlab/atlas-7b").status == "scored"
    assert requests(hub)["GET /api/models/openlab/atlas-7b"] == 1
