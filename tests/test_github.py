"""Reading linked GitHub repositories: GitHubSource against the stand-in GitHub (githubstub.py).

Everything here is synthetic: made-up repositories, a made-up token.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from conftest import CLOSED_GITHUB_URL
from githubstub import GitHubStub, StubRepo
from helpers import cli
from openness.cache import CodeRepoCache, api_folder
from openness.models import MAX_REPO_README_BYTES
from openness.sources.github import EMPTY_TREE, GitHubSource
from openness.sources.retry import CircuitBreaker, RetryPolicy

TOKEN = "ghp_SyntheticTokenForTests0123456789"
FAST = RetryPolicy(attempts=3, base_s=0.0, cap_s=0.0)


def source(url: str, hf_home: Path | None = None, *, token: str | None = "", ttl: float = 3600.0,
           refresh: bool = False, offline: bool = False, sleeps: list | None = None) -> GitHubSource:
    """A GitHubSource on `url` with instant retries; a disk cache under `hf_home` when given."""
    cache = CodeRepoCache(url, hf_home / "openness", ref_ttl_s=ttl, refresh=refresh, offline=offline) \
        if hf_home else None
    return GitHubSource(api_url=url, token=token, cache=cache, retry=FAST,
                        sleep=(sleeps.append if sleeps is not None else lambda s: None))


# -- reading ------------------------------------------------------------------------------------

def test_metadata_tree_and_readme_are_read_in_three_requests(github):
    snap = source(github.url).fetch_repo("synth-lab/trainer")
    assert snap.status == "ok" and snap.problem is None
    assert (snap.full_name, snap.license_spdx, snap.default_branch) == ("synth-lab/trainer", "Apache-2.0", "main")
    assert snap.tree_sha == github._repos["synth-lab/trainer"].tree_sha
    assert snap.files == ["LICENSE", "README.md", "configs/pretrain.yaml", "scripts/prepare_data.sh", "train.py"]
    assert not snap.files_truncated and not snap.fork and not snap.archived
    assert snap.readme.startswith("# trainer\n\nPre-training and fine-tuning scripts")
    assert github.stats["by_path"] == {"GET /repos/synth-lab/trainer": 1,
                                       "GET /repos/synth-lab/trainer/git/trees/main": 1,
                                       "GET /repos/synth-lab/trainer/readme": 1}


def test_fork_archived_unmatched_licence_and_a_branch_with_a_slash(github):
    snap = source(github.url).fetch_repo("Synth-Lab/Forked")
    assert snap.repo == "Synth-Lab/Forked" and snap.full_name == "synth-lab/forked"
    assert (snap.fork, snap.archived, snap.license_spdx) == (True, True, "NOASSERTION")
    assert snap.readme == "forked\n"  # the README GitHub picks, whatever its name
    assert "GET /repos/synth-lab/forked/git/trees/dev%2F1.x" in github.stats["by_path"]


def test_a_tree_github_cut_short_is_flagged(github):
    snap = source(github.url).fetch_repo("synth-lab/big")
    assert snap.status == "ok" and snap.files_truncated and len(snap.files) == 30
    assert snap.readme is None  # no README: 404, not a failure


def test_an_empty_repository_has_no_files_and_is_cached(github, hf_home):
    snap = source(github.url, hf_home).fetch_repo("synth-lab/empty")
    assert (snap.status, snap.files, snap.tree_sha, snap.readme) == ("ok", [], None, None)
    before = github.total
    again = source(github.url, hf_home).fetch_repo("synth-lab/empty")
    assert again == snap and github.total == before
    assert list((hf_home / "openness").rglob(f"{EMPTY_TREE}.json"))


def test_a_renamed_repository_is_followed_and_named_as_github_names_it(github):
    snap = source(github.url).fetch_repo("synth-lab/old-name")
    assert snap.status == "ok" and snap.repo == "synth-lab/old-name" and snap.full_name == "synth-lab/new-name"
    assert snap.license_spdx == "MIT" and snap.readme.startswith("# new name")
    paths = github.stats["by_path"]
    assert paths["GET /repos/synth-lab/old-name"] == 1 and "GET /repositories/1001" in paths
    assert "GET /repos/synth-lab/new-name/git/trees/main" in paths  # later reads use the new name


def test_redirects_that_loop_end_after_a_few_hops_and_one_request(github):
    github.redirects["/repos/synth-lab/loop"] = f"{github.url}/repos/synth-lab/loop"
    snap = source(github.url).fetch_repo("synth-lab/loop")
    assert snap.status == "unavailable" and "redirected more than" in snap.problem
    # Each URL is asked once per run, so a loop onto itself costs one request, not one a hop.
    assert github.stats["by_path"]["GET /repos/synth-lab/loop"] == 1


def test_a_missing_repository_is_not_found_with_githubs_message_and_remembered(github, hf_home):
    snap = source(github.url, hf_home).fetch_repo("synth-lab/gone")
    assert snap.status == "not_found" and snap.problem == "Not Found (HTTP 404)"
    before = github.total
    assert source(github.url, hf_home).fetch_repo("synth-lab/gone") == snap
    assert github.total == before


@pytest.mark.parametrize("name", ["../etc", "a/b/c", "synth-lab/..", "owner/na me", "owner/", "x" * 101 + "/y"])
def test_a_name_github_cannot_have_is_not_looked_up(github, name):
    snap = source(github.url).fetch_repo(name)
    assert snap.status == "not_found" and snap.problem == "not a GitHub repository name"
    assert github.total == 0


def test_an_api_url_that_is_not_http_turns_lookups_off(github, caplog):
    snap = GitHubSource(api_url="ftp://github.example.test").fetch_repo("synth-lab/trainer")
    assert snap.status == "off" and github.total == 0
    assert "not an http(s) URL" in caplog.text


# -- rate limits and faults ------------------------------------------------------------------------

def test_a_rate_limit_answers_every_later_repository_without_a_request(github, hf_home):
    github.rate_limit = 2  # the third request gets GitHub's 403, remaining 0
    gh = source(github.url, hf_home)
    first = gh.fetch_repo("synth-lab/trainer")
    assert first.status == "rate_limited" and "rate limit" in first.problem and "GITHUB_TOKEN" in first.problem
    assert github.total == 3
    later = [gh.fetch_repo(name) for name in ("synth-lab/new-name", "synth-lab/empty", "synth-lab/gone")]
    assert {snap.status for snap in later} == {"rate_limited"}
    assert github.total == 3  # none of them was asked
    github.rate_limit = None  # a later run, once the limit has reset: nothing of it was cached
    assert source(github.url, hf_home).fetch_repo("synth-lab/trainer").status == "ok"


def test_a_secondary_rate_limit_429_is_a_rate_limit_too(github):
    github.fail_next = {"/repos/synth-lab/trainer": [429]}
    assert source(github.url).fetch_repo("synth-lab/trainer").status == "rate_limited"
    assert github.total == 1  # not retried


def test_a_403_that_is_not_a_rate_limit_fails_only_that_repository(github):
    github.fail_paths = {"/repos/synth-lab/trainer": 403}
    gh = source(github.url)
    snap = gh.fetch_repo("synth-lab/trainer")
    assert snap.status == "unavailable" and snap.problem == "GitHub answered HTTP 403: Injected failure"
    assert gh.fetch_repo("synth-lab/new-name").status == "ok"


def test_server_errors_are_tried_again(github):
    github.fail_next = {"/repos/synth-lab/trainer": [503, 502]}
    sleeps: list[float] = []
    snap = source(github.url, sleeps=sleeps).fetch_repo("synth-lab/trainer")
    assert snap.status == "ok"
    assert github.stats["by_path"]["GET /repos/synth-lab/trainer"] == 3 and len(sleeps) == 2


def test_a_github_that_keeps_failing_is_unavailable_and_not_cached(github, hf_home):
    github.fail_paths = {"/repos/synth-lab/trainer/readme": 503}
    snap = source(github.url, hf_home).fetch_repo("synth-lab/trainer")
    assert snap.status == "unavailable" and "HTTP 503" in snap.problem
    assert github.stats["by_path"]["GET /repos/synth-lab/trainer/readme"] == FAST.attempts
    github.fail_paths = {}
    assert source(github.url, hf_home).fetch_repo("synth-lab/trainer").status == "ok"


def test_garbled_json_is_tried_again_then_unavailable(github):
    github.fail_next = {"/repos/synth-lab/trainer": ["invalid_json"] * 3}
    snap = source(github.url).fetch_repo("synth-lab/trainer")
    assert snap.status == "unavailable" and "not JSON" in snap.problem


@pytest.mark.parametrize("path,body,why", [
    ("/repos/synth-lab/trainer", b"[1, 2, 3]", "not an object"),
    ("/repos/synth-lab/trainer", json.dumps({"full_name": "../../etc", "default_branch": "main"}).encode(),
     "no valid repository"),
    ("/repos/synth-lab/trainer", json.dumps({"full_name": "synth-lab/trainer", "default_branch": 7}).encode(),
     "no valid default branch"),
    ("/repos/synth-lab/trainer/git/trees/main", json.dumps({"sha": "a" * 40, "tree": "x"}).encode(), "not a tree"),
])
def test_json_of_the_wrong_shape_is_unavailable_not_an_exception(github, hf_home, path, body, why):
    github.answers[path] = (200, body)
    snap = source(github.url, hf_home).fetch_repo("synth-lab/trainer")
    assert snap.status == "unavailable" and why in snap.problem
    assert not list((hf_home / "openness").rglob("*.json"))  # nothing of it is cached


@pytest.mark.parametrize("sha", [None, "../../x", "g" * 40, 7])
def test_a_tree_without_a_usable_sha_is_read_names_no_tree_and_is_cached_by_content(github, hf_home, sha):
    tree = {"sha": sha, "truncated": True, "tree": [{"path": "train.py", "type": "blob"}]}
    github.answers["/repos/synth-lab/trainer/git/trees/main"] = (200, json.dumps(tree).encode())
    snap = source(github.url, hf_home).fetch_repo("synth-lab/trainer")
    assert snap.status == "ok" and snap.tree_sha is None and snap.files == ["train.py"] and snap.files_truncated
    before = github.total
    assert source(github.url, hf_home).fetch_repo("synth-lab/trainer") == snap and github.total == before
    assert not list(hf_home.rglob("x.json"))


def test_hostile_paths_and_a_huge_readme_are_kept_as_capped_data(github, hf_home):
    tree = {"sha": "b" * 40, "truncated": False, "tree": [
        {"path": "ok/train.py", "type": "blob"},
        {"path": "../../outside.txt", "type": "blob"},
        {"path": "bell\x07\x1b[31m.py", "type": "blob"},
        {"path": "p" * 5000, "type": "blob"},
        {"path": 42, "type": "blob"},
        "not an entry",
        {"path": "folder", "type": "tree"},
    ]}
    github.answers["/repos/synth-lab/trainer/git/trees/main"] = (200, json.dumps(tree).encode())
    github.answers["/repos/synth-lab/trainer/readme"] = (200, "é".encode() * MAX_REPO_README_BYTES)
    snap = source(github.url, hf_home).fetch_repo("synth-lab/trainer")
    assert snap.status == "ok" and snap.files == ["ok/train.py", "../../outside.txt"]
    assert len(snap.readme.encode()) <= MAX_REPO_README_BYTES and snap.readme == "é" * (MAX_REPO_README_BYTES // 2)
    base = hf_home / "openness" / "v1" / "github" / api_folder(github.url)
    written = [p for p in (hf_home / "openness").rglob("*") if p.is_file()]
    assert written and all(base in p.parents for p in written)  # paths from GitHub never name a file
    assert not (hf_home / "outside.txt").exists()


def test_a_refused_connection_is_not_tried_again(github):
    sleeps: list[float] = []
    gh = source(CLOSED_GITHUB_URL, sleeps=sleeps)
    first = gh.fetch_repo("synth-lab/trainer")
    assert first.status == "unavailable" and first.problem.startswith("could not reach GitHub")
    assert sleeps == []
    assert gh.fetch_repo("synth-lab/empty").problem == first.problem  # remembered for the run


def test_the_test_suite_never_reaches_the_real_github(monkeypatch):
    from openness.sources.github import resolve_api_url

    assert resolve_api_url() == CLOSED_GITHUB_URL


# -- the disk cache -------------------------------------------------------------------------------

def test_a_warm_rerun_makes_no_request(github, hf_home):
    names = ["synth-lab/trainer", "synth-lab/old-name", "synth-lab/empty", "synth-lab/gone", "synth-lab/forked"]
    cold = [source(github.url, hf_home).fetch_repo(n) for n in names]
    before = github.total
    warm = [source(github.url, hf_home).fetch_repo(n) for n in names]
    assert warm == cold and github.total == before


def test_a_ref_past_its_time_reads_the_tree_again_but_not_an_unchanged_readme(github, hf_home):
    cold = source(github.url, hf_home).fetch_repo("synth-lab/trainer")
    before = dict(github.stats["by_path"])
    again = source(github.url, hf_home, ttl=0).fetch_repo("synth-lab/trainer")
    after = github.stats["by_path"]
    assert again == cold
    assert after["GET /repos/synth-lab/trainer/readme"] == before["GET /repos/synth-lab/trainer/readme"]
    assert after["GET /repos/synth-lab/trainer/git/trees/main"] == 2


def test_offline_answers_from_the_cache_only(github, hf_home):
    missing = source(github.url, hf_home, offline=True).fetch_repo("synth-lab/trainer")
    assert missing.status == "not_cached" and github.total == 0
    cold = source(github.url, hf_home).fetch_repo("synth-lab/trainer")
    before = github.total
    assert source(github.url, hf_home, offline=True, ttl=0).fetch_repo("synth-lab/trainer") == cold
    assert github.total == before  # a ref of any age is trusted offline


def test_refresh_reads_again_and_writes_what_it_read(github, hf_home):
    source(github.url, hf_home).fetch_repo("synth-lab/trainer")
    github.add_repo(StubRepo("synth-lab/trainer", license="MIT", files={"new.py": b"x"}))
    before = github.total
    fresh = source(github.url, hf_home, refresh=True).fetch_repo("synth-lab/trainer")
    assert github.total == before + 3  # nothing of the cache was used
    assert fresh.license_spdx == "MIT" and fresh.files == ["new.py"]
    assert source(github.url, hf_home).fetch_repo("synth-lab/trainer") == fresh


def test_http_and_https_never_share_cache_entries(github, hf_home):
    http_url = github.url
    https_url = http_url.replace("http://", "https://")
    assert api_folder(http_url) != api_folder(https_url)
    source(http_url, hf_home).fetch_repo("synth-lab/trainer")
    assert source(https_url, hf_home, offline=True).fetch_repo("synth-lab/trainer").status == "not_cached"
    assert source(http_url, hf_home, offline=True).fetch_repo("synth-lab/trainer").status == "ok"


def test_a_broken_cache_entry_is_a_warning_and_a_refetch(github, hf_home, caplog):
    source(github.url, hf_home).fetch_repo("synth-lab/trainer")
    for entry in (hf_home / "openness").rglob("trainer.json"):
        entry.write_text("{not json")
    before = github.total
    assert source(github.url, hf_home).fetch_repo("synth-lab/trainer").status == "ok"
    assert github.total == before + 2 and "broken cache entry" in caplog.text


# -- the token ------------------------------------------------------------------------------------

def test_the_token_goes_to_its_origin_including_a_rename_there(github):
    gh = source(github.url, token=TOKEN)
    assert gh.fetch_repo("synth-lab/old-name").status == "ok"
    assert github.authorizations and set(github.authorizations) == {f"Bearer {TOKEN}"}


def test_the_token_comes_from_github_token_or_gh_token(github, monkeypatch):
    monkeypatch.setenv("GH_TOKEN", TOKEN)
    GitHubSource(api_url=github.url).fetch_repo("synth-lab/empty")
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN + "2")
    GitHubSource(api_url=github.url).fetch_repo("synth-lab/empty")
    assert github.authorizations == [f"Bearer {TOKEN}"] * 3 + [f"Bearer {TOKEN}2"] * 3


def test_a_redirect_to_another_origin_is_not_followed_and_never_gets_the_token(github):
    with GitHubStub() as elsewhere:
        github.redirects["/repos/synth-lab/moved-away"] = f"{elsewhere.url}/repos/synth-lab/trainer"
        snap = source(github.url, token=TOKEN).fetch_repo("synth-lab/moved-away")
        assert snap.status == "unavailable" and "another host" in snap.problem
        assert elsewhere.total == 0 and elsewhere.authorizations == []


def test_plain_http_to_a_host_that_is_not_loopback_never_carries_the_token(github, monkeypatch, caplog):
    # The stub stands behind a proxy, so the client talks plain http to a name that is not loopback.
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", github.url)
    gh = source("http://github.example.test", token=TOKEN)
    assert gh.fetch_repo("synth-lab/trainer").status == "ok"
    assert gh.fetch_repo("synth-lab/new-name").status == "ok"
    assert github.total == 6 and set(github.authorizations) == {None}
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "not sent" in warnings[0].getMessage()


def test_the_token_is_in_no_output_log_record_exception_or_cache_file(github, hf_home, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    gh = GitHubSource(api_url=github.url, cache=CodeRepoCache(github.url, hf_home / "openness"), retry=FAST)
    github.fail_paths = {"/repos/synth-lab/forked": 401, "/repos/synth-lab/big": 500}
    snaps = [gh.fetch_repo(n) for n in ("synth-lab/trainer", "synth-lab/gone", "synth-lab/forked", "synth-lab/big")]
    snaps.append(GitHubSource(api_url=CLOSED_GITHUB_URL).fetch_repo("synth-lab/trainer"))
    assert [s.status for s in snaps] == ["ok", "not_found", "unavailable", "unavailable", "unavailable"]
    assert "check GITHUB_TOKEN" in snaps[2].problem
    texts = [repr(gh), str(gh), caplog.text, *(s.model_dump_json() for s in snaps)]
    texts += [p.read_text() for p in hf_home.rglob("*") if p.is_file()]
    assert all(TOKEN not in text for text in texts)
    assert TOKEN not in repr(vars(gh))
    run = cli("score", "nobody/nothing", "-f", "json", endpoint=CLOSED_GITHUB_URL)
    assert TOKEN not in run.stdout + run.stderr


# -- the CLI, end to end ------------------------------------------------------------------------------

CARD = """---
license: apache-2.0
---
# {name}

A small synthetic model.

## Training

Training code: https://github.com/{repo} (the full pre-training scripts and configs).
"""


@pytest.fixture
def linked_models(hub):
    """Synthetic models on the stand-in Hub, each card linking its own GitHub repository."""
    made = {}
    for name, repo in (("ghtest/trainer-1b", "synth-lab/trainer"), ("ghtest/renamed-1b", "synth-lab/old-name"),
                       ("ghtest/forked-1b", "synth-lab/forked"), ("ghtest/gone-1b", "synth-lab/gone"),
                       ("ghtest/empty-1b", "synth-lab/empty"), ("ghtest/big-1b", "synth-lab/big")):
        made[name] = repo
        hub.add_repo({"id": name, "cardData": {"license": "apache-2.0"}, "tags": ["license:apache-2.0"],
                      "siblings": [{"rfilename": "model.safetensors"}]},
                     {"README.md": CARD.format(name=name, repo=repo).encode()})
    yield made
    for name in made:
        hub.remove_repo(name)


def test_cli_json_lists_the_linked_repository_with_its_licence(hub, github, linked_models):
    run = cli("score", "ghtest/trainer-1b", "ghtest/renamed-1b", "ghtest/gone-1b", "-f", "json", endpoint=hub.url)
    assert run.code == 0, run.stderr
    trainer = run.model("ghtest/trainer-1b")["repositories"]
    assert trainer == [{"repo": "synth-lab/trainer", "url": "https://github.com/synth-lab/trainer", "status": "ok",
                        "license": "Apache-2.0", "fork": False, "archived": False,
                        "tree_sha": github._repos["synth-lab/trainer"].tree_sha, "problem": None}]
    renamed = run.model("ghtest/renamed-1b")["repositories"][0]
    assert renamed["url"] == "https://github.com/synth-lab/new-name" and renamed["license"] == "MIT"
    gone = run.model("ghtest/gone-1b")["repositories"][0]
    assert gone["status"] == "not_found" and gone["problem"] == "Not Found (HTTP 404)"


def test_cli_warm_rerun_makes_no_github_request(hub, github, linked_models):
    ids = list(linked_models)
    cold = cli("score", *ids, "-f", "json", endpoint=hub.url)
    assert cold.code == 0 and github.total > 0
    before = github.total
    warm = cli("score", *ids, "-f", "json", endpoint=hub.url)
    assert warm.code == 0 and github.total == before
    assert warm.json()["models"] == cold.json()["models"]


def test_cli_no_repos_makes_no_github_request(hub, github, linked_models):
    run = cli("score", *linked_models, "--no-repos", "-f", "json", endpoint=hub.url)
    assert run.code == 0 and github.total == 0
    assert all(m["repositories"] == [] for m in run.json()["models"])
    explained = cli("explain", "ghtest/trainer-1b", "--no-repos", "--endpoint", hub.url)
    assert explained.code == 0 and github.total == 0


def test_cli_with_a_github_that_allows_five_requests_still_reports_everything(hub, github, linked_models):
    github.rate_limit = 5
    run = cli("score", *linked_models, "-f", "json", endpoint=hub.url, )
    assert run.code == 0, run.stderr
    models = run.json()["models"]
    assert len(models) == len(linked_models) and all(m["status"] == "scored" for m in models)
    statuses = [r["status"] for m in models for r in m["repositories"]]
    assert "rate_limited" in statuses and len(statuses) == len(linked_models)
    assert github.total <= 5 + 16  # after the limit, at most the requests already in flight


def test_cli_offline_reads_no_github(hub, github, linked_models):
    run = cli("score", "ghtest/trainer-1b", "-f", "json", endpoint=hub.url)
    before = github.total
    offline = cli("score", "ghtest/trainer-1b", "--offline", "-f", "json", endpoint=hub.url)
    assert offline.code == 0 and github.total == before
    assert offline.model("ghtest/trainer-1b")["repositories"] == run.model("ghtest/trainer-1b")["repositories"]


def test_a_repository_linked_under_its_old_and_new_names_has_its_files_read_once(github):
    gh = source(github.url)
    before = github.total
    old, new = gh.fetch_repo("synth-lab/old-name"), gh.fetch_repo("synth-lab/new-name")
    assert old.status == new.status == "ok" and old.full_name == new.full_name
    assert old.files == new.files and old.readme == new.readme
    # The old name: its 301, the metadata it points to (/repositories/{id}, as GitHub does),
    # the tree and the README. The new name adds only its own metadata request.
    assert github.total - before == 5
    paths = github.stats["by_path"]
    assert paths["GET /repos/synth-lab/new-name/git/trees/main"] == 1


# -- a GitHub that accepts connections and never answers ------------------------------------------

def hanging(github) -> None:
    github.hang_s = 0.3
    github.fail_next = {"/": ["hang"] * 1000}


def test_a_github_that_never_answers_opens_the_breaker_and_is_asked_no_more(github, hf_home):
    hanging(github)
    gh = GitHubSource(api_url=github.url, token="", retry=FAST, timeout=0.05, sleep=lambda s: None,
                      cache=CodeRepoCache(github.url, hf_home / "openness"),
                      breaker=CircuitBreaker(threshold=2, service="GitHub"))
    names = ["synth-lab/trainer", "synth-lab/new-name", "synth-lab/empty", "synth-lab/big", "synth-lab/forked"]
    snaps = [gh.fetch_repo(name) for name in names]
    assert github.total == 2  # the two timeouts that opened it; nothing after
    assert {snap.status for snap in snaps} == {"unavailable"}
    for snap in snaps:
        assert snap.problem == ("not asked: 2 requests running failed to connect or timed out (last: timed out), "
                                "so the rest of this run does not wait on GitHub")
    github.fail_next = {}
    again = GitHubSource(api_url=github.url, token="", retry=FAST, cache=CodeRepoCache(github.url, hf_home / "openness"))
    assert again.fetch_repo("synth-lab/trainer").status == "ok"  # nothing of the failure was cached
    assert github.total > 2


def test_a_github_that_never_answers_leaves_every_verdict_to_the_card(hub, github, linked_models):
    from openness import compare
    from openness.sources.hub import HubSource

    card_only = compare(list(linked_models), source=HubSource(endpoint=hub.url), repos=False)
    hanging(github)
    code_host = GitHubSource(api_url=github.url, token="", retry=FAST, timeout=0.05, sleep=lambda s: None,
                             breaker=CircuitBreaker(threshold=2, service="GitHub"))
    report = compare(list(linked_models), source=HubSource(endpoint=hub.url), code_host=code_host, jobs=1)
    assert github.total == 2  # one at a time: the two timeouts that opened it (not 3 tries x 6 repositories)
    for model in linked_models:
        verdicts = {axis: (v.verdict, v.level) for axis, v in report[model].axes.items()}
        assert verdicts == {axis: (v.verdict, v.level) for axis, v in card_only[model].axes.items()}
        assert [repo.status for repo in report[model].repositories] == ["unavailable"]
