"""A Hub that fails: broken replies, timeouts, refused connections, a fail rate, Ctrl-C.

Every fault is injected by the stand-in Hub over real HTTP; the scorer's own retry and
error handling, through huggingface_hub, is what is under test.
"""
from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import cli

from openness import compare
from openness.sources.hub import HubSource
from openness.sources.retry import RetryPolicy

FAST = RetryPolicy(base_s=0.01, cap_s=0.05)
MODEL = "openlab/atlas-7b"
PATHS = {
    "model info": f"/api/models/{MODEL}",
    "card": f"/{MODEL}/resolve/",
    "dataset info": "/api/datasets/openlab/atlas-corpus",
}
# Twenty sound models with parents and datasets among them.
TWENTY = [
    "openlab/atlas-7b", "railco/meadow-3b", "ncco/lumen-2b", "weightsco/breeze-7b", "aliasco/harbor-13b",
    "cardonly/notes-only", "gatedco/summit-8b", "adapterco/tiny-lora", "revco/pinned", "nocard/bare-1b",
    "lineage/chat-ft", "lineage/chat-ft-open", "lineage/base-closed-GGUF", "lineage/merge-two",
    "lineage/adapter-of-closed", "lineage/rail-quant", "lineage/gated-data", "kids/child-01",
    "kids/child-03", "lineage/base-open",
]


def scored(endpoint: str, ids: list[str], **source_options):
    source = HubSource(endpoint=endpoint, retry=source_options.pop("retry", FAST), **source_options)
    return compare(ids, source=source)


@pytest.fixture(scope="module")
def clean(hub):
    """The verdicts with no fault injected, to compare against."""
    return scored(hub.url, [MODEL])[MODEL]


FAULTS = ["reset", "truncated", "invalid_json", 500, 502, 503, 504, 429]


@pytest.mark.parametrize(("where", "fault"), [
    (where, fault) for where in PATHS for fault in FAULTS
    if not (where == "card" and fault == "invalid_json")  # any body is a valid README
])
def test_a_broken_reply_is_retried_and_changes_nothing(hub, clean, where, fault):
    hub.retry_after_s = 0
    hub.fail_next = {PATHS[where]: [fault, fault]}
    card = scored(hub.url, [MODEL])[MODEL]
    assert card == clean
    assert hub.fail_next[PATHS[where]] == []  # both faults were met, and got past


def test_an_answer_that_stays_unreadable_is_one_models_error(hub):
    hub.fail_next = {PATHS["model info"]: ["invalid_json"] * 10}
    report = scored(hub.url, [MODEL, "railco/meadow-3b"], retry=RetryPolicy(attempts=3, base_s=0.01))
    assert report[MODEL].error.kind == "hub_error"
    assert "the Hub's answer could not be read" in report[MODEL].error.message
    assert report["railco/meadow-3b"].status == "scored"


def test_a_hub_that_does_not_answer_in_time_is_retried_then_named(hub):
    hub.hang_s = 1.5
    hub.fail_next = {PATHS["model info"]: ["hang"]}
    assert scored(hub.url, [MODEL], timeout=0.3)[MODEL].status == "scored"
    hub.fail_next = {PATHS["model info"]: ["hang"] * 2}
    card = scored(hub.url, [MODEL], timeout=0.3, retry=RetryPolicy(attempts=2, base_s=0.01))[MODEL]
    assert card.error.kind == "unreachable"
    assert card.error.message == f"{MODEL}: the Hub did not answer in time (timed out, after retries)"


def test_a_card_that_keeps_failing_leaves_data_and_code_unknown_not_closed(hub):
    hub.fail_paths = {PATHS["card"]: 503}
    card = scored(hub.url, [MODEL])[MODEL]
    assert card.status == "scored" and card.axes["weights"].verdict == "open"
    for axis in ("data", "code"):
        assert card.axes[axis].verdict == "unknown" and card.axes[axis].level is None
        assert "could not read the model card (unavailable)" in card.axes[axis].reasons[0]


def test_refused_connections_fail_each_model_at_once_with_one_line(tmp_path):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    run = cli("score", MODEL, "railco/meadow-3b", endpoint=f"http://127.0.0.1:{port}")
    assert run.code == 1
    lines = run.stderr.splitlines()  # one cause, said once for both models
    assert len(lines) == 1 and "could not reach the Hub" in lines[0] and "for 2 models" in lines[0]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_batch_of_twenty_comes_back_whole_when_one_request_in_five_fails(hub, seed, brief_backoff):
    hub.fail_rate, hub.fail_seed = 0.2, seed
    run = cli("score", *TWENTY, "-f", "json", endpoint=hub.url)
    assert run.code == 0, run.stderr
    models = run.json()["models"]
    assert len(models) == 20 and all(m["status"] == "scored" for m in models)
    unknown = [(m["repo_id"], a) for m in models for a, v in m["axes"].items()
               if v["verdict"] == "unknown" and "could not read" in v["reasons"][0]]
    assert unknown == []  # every card was read in the end
    assert all(d["status"] != "error" for m in models for d in m["datasets"])
    failed = sum(n for path, n in hub.stats["by_path"].items()) - len(hub.stats["by_path"])
    assert failed >= 5  # the faults really happened: paths were asked again


# -- Ctrl-C ---------------------------------------------------------------------------------------

def test_an_interrupted_run_exits_at_once_and_leaves_the_cache_consistent(hub, hf_home):
    # Slow enough answers that the run is still going when a busy machine gets round to
    # the interrupt (at 0.4 s, a run starved of CPU here once finished first).
    hub.latency_s = 0.8
    env = {**os.environ, "HF_ENDPOINT": hub.url}
    child = subprocess.Popen([sys.executable, "-m", "openness", "score", *TWENTY, "--jobs", "4"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while hub.stats["total"] < 12 and time.monotonic() < deadline:  # some answers are in the cache
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=10)
    assert child.returncode == 130
    assert out == ""
    assert err == "openness: interrupted; no report written (what was already fetched stays cached)\n"

    # Entries are renamed into place whole. (A temporary file can be left behind only if
    # the exit falls inside a write of a few KB; no reader ever opens one.)
    files = [p for p in Path(hf_home, "openness").rglob("*.json") if p.is_file()]
    assert files
    for path in files:
        json.loads(path.read_text(encoding="utf-8"))  # whole, never half-written

    hub.latency_s = 0.0
    offline = cli("score", *TWENTY, "-f", "json", "--offline", endpoint=hub.url)
    kinds = {m["status"] if m["status"] == "scored" else m["error"]["kind"] for m in offline.json()["models"]}
    assert kinds <= {"scored", "not_cached"} and "scored" in kinds
    assert "warning" not in offline.stderr
    assert cli("score", *TWENTY, "-f", "json", endpoint=hub.url).code == 0


# -- the token ------------------------------------------------------------------------------------

TOKEN = "hf_stubSecretTokenNeverToBeSeen9876"


def test_the_token_appears_in_no_output_error_log_or_cache_file(hub, hf_home, monkeypatch, caplog, tmp_path):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    hub.tokens = {TOKEN: {"hiddenco/secret-model", "gatedco/summit-8b"}}
    hub.retry_after_s = 0
    hub.fail_next = {"/api/models/railco": [503, 429], "/ncco/lumen-2b/resolve/": ["truncated"],
                     "/api/models/weightsco": [500, "reset", "invalid_json"]}
    caplog.set_level(logging.DEBUG)
    ids = ["hiddenco/secret-model", "gatedco/summit-8b", "railco/meadow-3b", "ncco/lumen-2b",
           "weightsco/breeze-7b", "nobody/missing", "banned/gone-model", "bad id"]
    seen = []
    for fmt in ("table", "markdown", "csv", "json", "html"):
        run = cli("score", *ids, "--details", "-f", fmt, endpoint=hub.url)
        seen += [run.stdout, run.stderr]
    written = tmp_path / "report.html"
    seen.append(cli("score", *ids, "-o", str(written), endpoint=hub.url).stderr)
    seen.append(written.read_text(encoding="utf-8"))
    monkeypatch.setenv("HF_TOKEN", "hf_stubRefusedToken5555")  # a token the Hub refuses
    refused = cli("score", "railco/meadow-3b", "--refresh", endpoint=hub.url)
    seen += [refused.stdout, refused.stderr]
    seen.append(caplog.text)
    seen += [p.read_text(encoding="utf-8") for p in Path(hf_home, "openness").rglob("*") if p.is_file()]
    assert "check HF_TOKEN" in refused.stderr
    for text in seen:
        assert TOKEN not in text and "hf_stubRefusedToken5555" not in text
    assert repr(HubSource(endpoint=hub.url, token=TOKEN)).count(TOKEN) == 0


def test_a_gzip_bomb_is_read_only_up_to_the_cap(hub, monkeypatch):
    """A model_info answer a few KB on the wire that decodes to 8 MB, against a cap of
    64 KB: the read stops at the cap (counted in decoded bytes taken from the stream), the
    model is one error with the reason, and the rest of the batch is scored."""
    from openness.sources import hub as hub_module

    cap = 64 * 2**10
    monkeypatch.setattr(hub_module, "MAX_INFO_BYTES", cap)
    taken: list[int] = []
    real_read_capped = hub_module.read_capped

    def counting(response, limit):
        class Counted:
            def iter_bytes(self):
                for chunk in response.iter_bytes():
                    taken.append(len(chunk))
                    yield chunk
        return real_read_capped(Counted(), limit)

    monkeypatch.setattr(hub_module, "read_capped", counting)
    hub.gzip_bombs = {PATHS["model info"]: 8 * 2**20}
    report = scored(hub.url, [MODEL, "railco/meadow-3b"])
    assert report[MODEL].error.kind == "hub_error"
    assert "over 64 KB once decoded; not read further" in report[MODEL].error.message
    assert report["railco/meadow-3b"].status == "scored"
    assert hub.stats["by_path"][f"GET {PATHS['model info']}"] == 1  # not retried
    assert cap < sum(taken) <= cap + max(taken)  # stopped one chunk past the cap, not at 8 MB


def test_a_hub_that_never_answers_opens_the_breaker_and_is_asked_no_more(hub):
    """Every request hangs; the client's timeout is tiny. After `threshold` timeouts running,
    no request is sent: the requests counted are at most those that opened the breaker and
    those already in flight, far fewer than one per model, and every model says why."""
    from openness.sources.retry import CircuitBreaker

    hub.hang_s = 0.5
    hub.fail_next = {"/": ["hang"] * 1000}
    breaker = CircuitBreaker(threshold=3)
    source = HubSource(endpoint=hub.url, retry=FAST, timeout=0.05, breaker=breaker)
    report = compare(TWENTY, source=source, jobs=2)
    assert breaker.opened
    assert hub.stats["total"] <= breaker.threshold + 2 - 1  # the failures that opened it, and one in flight
    cards = [report[model] for model in TWENTY]
    assert all(card.error and card.error.kind == "unreachable" for card in cards)
    not_asked = [card for card in cards if "not asked: 3 requests running failed to connect or timed out"
                 in card.error.message]
    assert len(not_asked) >= len(TWENTY) - hub.stats["total"]


def test_an_answer_of_any_kind_closes_the_count(hub):
    """Timeouts with answers between them (a flaky Hub, not a dead one) never open it."""
    from openness.sources.retry import CircuitBreaker

    hub.hang_s = 0.5
    hub.fail_next = {PATHS["model info"]: ["hang", "hang"], "/api/models/railco/meadow-3b": ["hang", "hang"]}
    breaker = CircuitBreaker(threshold=3)
    source = HubSource(endpoint=hub.url, retry=FAST, timeout=0.05, breaker=breaker)
    report = scored_with(source, [MODEL, "railco/meadow-3b"], jobs=1)
    assert not breaker.opened
    assert all(report[model].status == "scored" for model in (MODEL, "railco/meadow-3b"))


def scored_with(source, ids, **options):
    return compare(ids, source=source, **options)


def test_a_listing_whose_next_link_loops_is_one_error(hub):
    from openness.errors import HubUnavailable

    hub.page_size = 3
    hub.next_cursor = 0  # every page links back to the first
    with pytest.raises(HubUnavailable, match=r"leads back to a page already read \(a loop\), after 2 page"):
        HubSource(endpoint=hub.url, retry=FAST).list_models(author="kids")
    assert hub.stats["by_path"]["GET /api/models"] == 2  # the first page, and the one that looped to it


def test_a_listing_is_bounded_in_pages(hub, monkeypatch):
    from openness.errors import HubUnavailable
    from openness.sources import hub as hub_module

    monkeypatch.setattr(hub_module, "MAX_LIST_PAGES", 2)
    hub.page_size = 1
    with pytest.raises(HubUnavailable, match="runs past 2 pages; stopped"):
        HubSource(endpoint=hub.url, retry=FAST).list_models(author="kids")
    assert hub.stats["by_path"]["GET /api/models"] == 2


def test_a_listing_told_to_wait_an_hour_stops_at_once(hub):
    from openness.errors import RateLimited

    hub.retry_after_s = 3600
    hub.rate_limited = True
    source = HubSource(endpoint=hub.url, retry=FAST)
    with pytest.raises(RateLimited, match="try again in 3600 s"):
        source.list_models(author="kids")
    assert hub.stats["by_path"]["GET /api/models"] == 1  # no second try, no hour of waiting


def test_a_request_that_keeps_timing_out_is_given_up_after_three_tries(hub):
    """Each try costs the whole timeout (10 s by default): three of them, about 30 s for a
    single model on a Hub that accepts and never answers, not eight (88 s)."""
    hub.hang_s = 0.3
    hub.fail_next = {"/": ["hang"] * 100}
    card = scored(hub.url, [MODEL], timeout=0.05)[MODEL]
    assert card.error.kind == "unreachable" and "did not answer in time" in card.error.message
    assert hub.stats["total"] == 3


def test_twenty_models_on_a_hub_that_never_answers_cost_one_round_of_timeouts(hub):
    """The default breaker and --jobs: the requests sent are those of the first round (one
    per thread, each tried until the breaker opens), not one per model and try."""
    hub.hang_s = 0.3
    hub.fail_next = {"/": ["hang"] * 1000}
    report = scored(hub.url, TWENTY, timeout=0.05)
    assert all(report[model].error.kind == "unreachable" for model in TWENTY)
    assert hub.stats["total"] <= 8 + 16  # the threshold, and the requests in flight when it opened
