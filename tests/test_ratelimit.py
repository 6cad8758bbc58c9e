"""The Hub's rate limit: pacing to the budget it announces, waiting it out when the run may,
failing fast with the way out when it may not, and saying up front what a batch will cost.

The stand-in Hub keeps a real fixed window (`hub.budget = (calls, seconds)`) and announces
it as huggingface.co does; windows of a second keep the waits short.
"""
from __future__ import annotations

import pytest
from helpers import cli

from openness import compare
from openness.sources import ratelimit
from openness.sources.hub import HubSource
from openness.sources.ratelimit import Budget, budget_notice, read_rate_limit
from openness.sources.retry import RetryPolicy

FORTY = [f"pace/model-{n:02d}" for n in range(40)]
BUDGET = (20, 1.0)  # 20 API calls a second: forty models need two windows at least
# Sits out no window of the stand-in's (each asks for 1 s): a run that may not wait.
UNATTENDED = RetryPolicy(base_s=0.01, cap_s=0.05, max_wait_s=0.2)


@pytest.fixture
def forty(hub):
    """Forty small models on the stand-in Hub (no card, no parents: one API call each)."""
    for repo_id in FORTY:
        hub.add_repo({"id": repo_id, "siblings": [{"rfilename": "model.safetensors"}]})
    yield FORTY
    for repo_id in FORTY:
        hub.remove_repo(repo_id)


def kinds(report) -> dict[str, int]:
    found = [card.error.kind if card.error else card.status for card in report]
    return {kind: found.count(kind) for kind in set(found)}


def test_the_hubs_rate_limit_headers_are_read():
    headers = {"ratelimit": '"api";r=480;t=217', "ratelimit-policy": '"fixed window";"api";q=500;w=300'}
    announced = read_rate_limit(headers)
    assert announced is not None
    assert (announced.name, announced.remaining, announced.reset_s) == ("api", 480, 217.0)
    assert announced.budget == Budget(500, 300.0)
    assert read_rate_limit({"ratelimit": '"resolvers";r=2;t=5'}).budget is None
    for hostile in ('"api";r=;t=', "r=1", '"api";r=99999999999;t=1', "\x1b[31m"):
        assert read_rate_limit({"ratelimit": hostile}) is None
    assert read_rate_limit({}) is None


def test_a_batch_over_the_budget_is_paced_and_none_is_refused_when_the_run_may_wait(hub, forty):
    hub.budget = BUDGET
    source = HubSource(endpoint=hub.url, retry=UNATTENDED, max_wait_s=5.0)
    report = compare(forty, source=source, repos=False)
    assert kinds(report) == {"scored": 40}
    # The Hub announced its budget on every answer: the calls were spread over the windows
    # instead of spent in a burst, so the Hub never had to refuse one.
    assert hub.budget_refused == 0
    assert source.announced_budget == Budget(20, 1.0)


def test_a_hub_that_announces_its_budget_only_in_its_429s_is_waited_out_too(hub, forty):
    hub.budget, hub.budget_on_success = BUDGET, False
    report = compare(forty, source=HubSource(endpoint=hub.url, retry=UNATTENDED, max_wait_s=5.0), repos=False)
    assert kinds(report) == {"scored": 40}
    assert hub.budget_refused > 0  # it did refuse, and the calls were made again after the wait


def test_a_run_that_may_not_wait_fails_the_models_past_the_budget_at_once_with_the_way_out(hub, forty):
    hub.budget = BUDGET
    report = compare(forty, source=HubSource(endpoint=hub.url, retry=UNATTENDED), repos=False)
    counted = kinds(report)
    assert counted["rate_limited"] >= 15 and counted["rate_limited"] + counted["scored"] == 40
    for card in report:
        if card.error:
            assert card.error.message.endswith("try again in 1 s, set HF_TOKEN for a larger budget, "
                                               "or let the run wait (--wait-for-rate-limit)")
    assert hub.stats["total"] == 40  # no refused call was asked again


@pytest.fixture
def unattended(monkeypatch):
    """The CLI's longest wait when it may not wait, shorter than the stand-in's window."""
    monkeypatch.setattr(ratelimit, "UNATTENDED_WAIT_S", 0.2)


def test_the_cli_waits_when_told_and_says_so_on_stderr(hub, forty, unattended):
    hub.budget = BUDGET
    run = cli("score", *forty, "--wait-for-rate-limit", "-f", "csv", endpoint=hub.url)
    assert run.code == 0, run.stderr
    assert "openness: rate limited by the Hub: waiting up to 1 s for its budget to renew " \
           "(set HF_TOKEN for a larger budget)" in run.stderr.splitlines()
    assert "warning" not in run.stderr


def test_the_cli_piped_fails_fast_and_each_failure_names_the_way_out(hub, forty, unattended):
    hub.budget = BUDGET
    run = cli("score", *forty, "-f", "csv", endpoint=hub.url)  # stderr is not a terminal
    assert run.code == 1
    failures = [line for line in run.stderr.splitlines() if "rate limit was reached" in line]
    assert failures and all("set HF_TOKEN" in line and "--wait-for-rate-limit" in line for line in failures)


def test_the_cli_waits_by_default_at_a_terminal_and_not_when_told_otherwise(hub, forty, unattended, monkeypatch):
    import openness.cli

    monkeypatch.setattr(openness.cli, "_stderr_is_terminal", lambda: True)
    hub.budget = BUDGET
    assert cli("score", *forty, "-f", "csv", "--quiet", endpoint=hub.url).code == 0
    hub.budget_refused = 0
    refused = cli("score", *forty, "-f", "csv", "--quiet", "--refresh", "--no-wait-for-rate-limit", endpoint=hub.url)
    assert refused.code == 1 and "rate limit" in refused.stderr


# -- said up front ------------------------------------------------------------------------------

def test_the_notice_says_calls_budget_time_and_what_helps():
    budget = Budget(500, 300.0)
    assert budget_notice(300, 450, budget, waits=True) is None
    assert budget_notice(1000, 1500, budget, waits=True) == (
        "1,000 models need about 1,500 Hub API calls; without HF_TOKEN the Hub allows 500 per 5 minutes: "
        "this may take about 10 minutes (set HF_TOKEN for a larger budget; a listing (--author, --search, "
        "--filter) needs fewer calls)")
    unattended = budget_notice(1000, 1500, budget, waits=False)
    assert "models past it will fail as rate_limited" in unattended and "--wait-for-rate-limit" in unattended


@pytest.fixture
def small_budget(monkeypatch):
    """The anonymous budget the CLI knows of, small enough for forty models to exceed it."""
    monkeypatch.setattr(ratelimit, "HUB_ANONYMOUS_API_BUDGET", Budget(50, 300.0))


def test_the_cli_says_up_front_when_a_batch_exceeds_the_budget(hub, forty, small_budget):
    run = cli("score", *forty, "-f", "csv", endpoint=hub.url)
    assert run.code == 0, run.stderr
    notice = "openness: 40 models need about 60 Hub API calls; without HF_TOKEN the Hub allows 50 per 5 minutes"
    assert run.stderr.startswith(notice) and run.stderr.count(notice) == 1
    assert "--wait-for-rate-limit waits, about 5 minutes" in run.stderr


def test_no_notice_when_the_batch_fits_is_cached_or_a_token_is_set(hub, forty, small_budget, monkeypatch):
    assert cli("score", *forty[:30], "-f", "csv", endpoint=hub.url).stderr == ""  # 45 calls: it fits
    assert cli("score", *forty, "-f", "csv", endpoint=hub.url).stderr == ""  # 30 cached: 15 calls left
    monkeypatch.setenv("HF_TOKEN", "hf_stubPacingToken")
    hub.tokens = {"hf_stubPacingToken": set()}
    assert cli("score", *forty, "--refresh", "-f", "csv", endpoint=hub.url).stderr == ""


def test_a_wait_is_said_once_per_window_whichever_budget_and_thread_meets_it():
    from openness.sources.ratelimit import Pacer

    said: list[float] = []
    pacer = Pacer(on_wait=said.append)
    pacer.announce("api", 60.0)
    pacer.announce("resolvers", 60.4)  # a stand-in counting downloads in the same window
    pacer.announce("api", 1.0)  # a call meeting the end of that same window
    assert said == [60.0]
    pacer.announce("api", 130.0)  # the next window
    assert said == [60.0, 130.0]
