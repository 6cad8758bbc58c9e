"""The verdict cache: a finished scorecard is reused only when everything it was judged
from is unchanged, and a warm run asks nothing and judges nothing.

A fake of the Hub's steps (`HubSteps`) under a real CachedHubSource and DiskCache; calls
are counted, never timed.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import openness.assess
from openness.api import compare
from openness.cache import DiskCache, verdict_key
from openness.errors import HubUnavailable, ModelNotFound
from openness.models import CardFile, DatasetSnapshot, ModelRef
from openness.sources.cached import CachedHubSource
from openness.sources.hub import HubFacts
from openness.sources.ratelimit import Pacer

SHA = "a" * 40
NEW_SHA = "b" * 40


def card(base: str | None = None, datasets: tuple[str, ...] = ()) -> str:
    meta = ["license: apache-2.0"] + ([f"base_model: {base}"] if base else [])
    meta += ["datasets:", *(f"- {d}" for d in datasets)] if datasets else []
    return "---\n" + "\n".join(meta) + "\n---\n# A model\n\nTrained for two epochs.\n"


class Hub:
    """Models and datasets by id, each at a commit; every step asked is counted."""

    def __init__(self) -> None:
        self.pacer = Pacer()
        self.asked: Counter[str] = Counter()
        self.models = {"org/child": (card("org/base", ("data/set",)), SHA), "org/base": (card(), SHA),
                       "org/other": (card(), SHA)}
        self.datasets: dict[str, str | Exception] = {"data/set": SHA}

    has_token = False
    announced_budget = None

    def cache_for_identity(self, cache: DiskCache) -> DiskCache:
        return cache

    def model_facts(self, ref: ModelRef) -> HubFacts:
        self.asked["facts"] += 1
        if ref.repo_id not in self.models:
            raise ModelNotFound(ref.repo_id, "no such model")
        return HubFacts(id=ref.repo_id, sha=self.models[ref.repo_id][1], siblings=("README.md", "model.safetensors"))

    def card(self, repo_id: str, revision: str | None, siblings: tuple[str, ...]) -> CardFile:
        self.asked["card"] += 1
        return CardFile(status="ok", text=self.models[repo_id][0])

    def licence_text(self, *args: object, **kwargs: object) -> None:
        return None

    def fetch_dataset(self, dataset_id: str) -> DatasetSnapshot:
        self.asked["dataset"] += 1
        answer = self.datasets[dataset_id]
        if isinstance(answer, Exception):
            raise answer
        return DatasetSnapshot(id=dataset_id, sha=answer, license="cc-by-4.0")

    def list_models(self, **query: object) -> list[str]:
        return []


@pytest.fixture
def judged(monkeypatch) -> Counter[str]:
    """How many cards were read (judged), by repo id."""
    counts: Counter[str] = Counter()
    real = openness.assess.read_card

    def counting(snapshot, judge):
        counts[snapshot.repo_id] += 1
        return real(snapshot, judge)

    monkeypatch.setattr(openness.assess, "read_card", counting)
    return counts


def run(tmp_path: Path, hub: Hub, ids=("org/child", "org/other"), **options):
    ttl = options.pop("ref_ttl_s", 0.0)  # every branch resolved again: commits are compared, not trusted
    source = CachedHubSource(hub, DiskCache(tmp_path, endpoint="http://127.0.0.1:1", ref_ttl_s=ttl))  # type: ignore[arg-type]
    return compare(list(ids), source=source, repos=False, **options)


def test_a_warm_run_asks_nothing_and_judges_nothing(tmp_path, judged):
    hub = Hub()
    first = run(tmp_path, hub, ref_ttl_s=3600)
    assert judged == Counter({"org/child": 1, "org/base": 1, "org/other": 1})
    hub.asked.clear(), judged.clear()
    again = run(tmp_path, hub, ref_ttl_s=3600)
    assert hub.asked == Counter() and judged == Counter()
    assert again.scorecards == first.scorecards and again.rubric == first.rubric


def test_an_unchanged_commit_behind_a_branch_is_resolved_but_not_judged_again(tmp_path, judged):
    hub = Hub()
    run(tmp_path, hub)
    hub.asked.clear(), judged.clear()
    run(tmp_path, hub)
    assert judged == Counter() and hub.asked["card"] == 0 and hub.asked["facts"] > 0


def test_a_new_ancestor_commit_judges_the_child_again(tmp_path, judged):
    hub = Hub()
    run(tmp_path, hub)
    hub.models["org/base"] = (card(), NEW_SHA)
    judged.clear()
    run(tmp_path, hub)
    assert judged == Counter({"org/child": 1, "org/base": 1})  # org/other depends on neither


def test_a_new_dataset_commit_judges_the_model_again(tmp_path, judged):
    hub = Hub()
    run(tmp_path, hub)
    hub.datasets["data/set"] = NEW_SHA
    judged.clear()
    run(tmp_path, hub)
    assert judged["org/child"] == 1 and judged["org/other"] == 0


def test_a_failed_lookup_is_an_unknown_and_never_kept(tmp_path, judged):
    hub = Hub()
    hub.datasets["data/set"] = HubUnavailable("dataset data/set", "the Hub answered 503")
    run(tmp_path, hub)
    judged.clear()
    run(tmp_path, hub)
    assert judged["org/child"] == 1 and judged["org/other"] == 0


def test_an_error_card_is_never_kept(tmp_path):
    hub = Hub()
    report = run(tmp_path, hub, ids=("org/missing",))
    assert report.scorecards[0].status == "error"
    assert not list(tmp_path.rglob("verdicts/**/*.json"))


def test_a_changed_rubric_file_the_tool_version_or_the_options_change_the_key(tmp_path, monkeypatch):
    folder = tmp_path / "rubrics"
    folder.mkdir()
    (folder / "notes.yaml").write_text("a: 1\n")
    monkeypatch.setenv("OPENNESS_RUBRIC_PATH", str(folder))
    base = dict(profile="default", rubrics=(), repos=True)
    key = verdict_key(**base)
    assert key is not None and verdict_key(**base) == key
    assert verdict_key(**{**base, "profile": "osi"}) != key
    assert verdict_key(**{**base, "repos": False}) != key
    assert verdict_key(**{**base, "rubrics": ("mof",)}) != key
    (folder / "notes.yaml").write_text("a: 2\n")
    changed = verdict_key(**base)
    assert changed != key
    monkeypatch.setattr("openness.version.__version__", "99.0")
    assert verdict_key(**base) != changed
    monkeypatch.setenv("OPENNESS_RUBRIC_PATH", str(tmp_path / "nowhere"))
    assert verdict_key(**base) is None  # nothing kept; the judge says what is wrong


def test_a_changed_rubric_file_judges_again(tmp_path, judged, monkeypatch):
    folder = tmp_path / "rubrics"
    folder.mkdir()
    monkeypatch.setenv("OPENNESS_RUBRIC_PATH", str(folder))
    hub = Hub()
    run(tmp_path / "home", hub, ref_ttl_s=3600)
    (folder / "notes.yaml").write_text("a: 1\n")
    judged.clear()
    run(tmp_path / "home", hub, ref_ttl_s=3600)
    assert judged["org/child"] == 1


def test_the_rubric_folder_is_found_where_the_loader_finds_it():
    from openness.cache import rubric_folders
    from openness.rubric.loader import framework_dirs

    assert rubric_folders() == framework_dirs()


def test_verdicts_of_a_token_stay_in_its_identity_tree(tmp_path):
    class TokenHub(Hub):
        has_token = True

        def cache_for_identity(self, cache: DiskCache) -> DiskCache:
            return cache.for_identity("hf_secret_token")

    source = CachedHubSource(TokenHub(), DiskCache(tmp_path, endpoint="http://127.0.0.1:1"))  # type: ignore[arg-type]
    compare(["org/other"], source=source, repos=False)
    kept = [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("verdicts/**/*.json")]
    assert len(kept) == 1 and "/identities/" in kept[0] and "hf_secret_token" not in kept[0]


# ---- streaming: a finished model's snapshot is let go; results come in order --------------

def test_a_batch_keeps_no_snapshot_of_a_finished_model(tmp_path):
    from openness.assess import Judge
    from openness.run import ScoringRun

    hub = Hub()
    hub.models.update({f"org/m{i}": (card("org/base"), SHA) for i in range(12)})
    source = CachedHubSource(hub, DiskCache(tmp_path, endpoint="http://127.0.0.1:1"))  # type: ignore[arg-type]
    with ScoringRun(source, Judge.load(), jobs=4) as run:
        for i in range(12):
            run.score(ModelRef.parse(f"org/m{i}"))
        assert run.snapshots_held == 1  # the shared parent's, whatever the batch's size


def test_cards_stream_out_as_they_finish_and_the_report_keeps_the_order_asked(tmp_path):
    hub = Hub()
    ids = ["org/other", "org/child", "org/base"]
    for _ in range(2):  # judged, then answered from verdicts
        seen: list[str] = []
        report = run(tmp_path, hub, ids=ids, on_scored=lambda c: seen.append(c.repo_id))
        assert [c.repo_id for c in report.scorecards] == ids and sorted(seen) == sorted(ids)


# ---- worker processes: the same output as in-process ----------------------------------------

def test_worker_processes_give_what_judging_in_process_gives(tmp_path, monkeypatch):
    from openness.assess import Judge
    from openness.run import ScoringRun

    hub = Hub()
    hub.datasets["data/gone"] = ModelNotFound("dataset data/gone", "no such dataset")  # a failed lookup too
    hub.models["org/child"] = (card("org/base", ("data/set", "data/gone")), SHA)
    refs = [ModelRef.parse(i) for i in ("org/child", "org/other", "org/missing")]
    judge = Judge.load()
    cards = {}
    for processes in ("0", "2"):
        monkeypatch.setenv("OPENNESS_PROCESSES", processes)
        source = CachedHubSource(hub, DiskCache(tmp_path / processes, endpoint="http://127.0.0.1:1"))  # type: ignore[arg-type]
        with ScoringRun(source, judge, jobs=2) as scoring:
            assert scoring.use_processes(len(refs)) == int(processes)
            cards[processes] = [scoring.score(ref) for ref in refs]
            assert processes == "0" or scoring._workers is not None and scoring._workers._pool is not None  # never fell back
    assert cards["2"] == cards["0"]


def test_a_broken_verdict_entry_is_judged_again_not_trusted(tmp_path, judged):
    hub = Hub()
    first = run(tmp_path, hub, ref_ttl_s=3600)
    for entry in tmp_path.rglob("verdicts/**/*.json"):
        entry.write_text('{"asked": "org/other", "card": {"repo_id": "forged"}}')
    judged.clear()
    assert run(tmp_path, hub, ref_ttl_s=3600).scorecards == first.scorecards
    assert judged["org/child"] == 1 and judged["org/other"] == 1


def test_worker_processes_only_for_a_batch_that_pays_for_them(monkeypatch):
    import os

    from openness.run import MIN_MODELS_FOR_PROCESSES, worker_count

    monkeypatch.delenv("OPENNESS_PROCESSES", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.2, 0.2, 0.2))
    assert worker_count(MIN_MODELS_FOR_PROCESSES) == 2 and worker_count(MIN_MODELS_FOR_PROCESSES - 1) == 0
    monkeypatch.setattr(os, "getloadavg", lambda: (3.0, 3.0, 3.0))  # a busy machine: its cores are still shared
    assert worker_count(1000) == 2
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert worker_count(1000) == 0
    monkeypatch.setenv("OPENNESS_PROCESSES", "3")
    assert worker_count(1) == 3


def test_a_warm_run_imports_no_judging_code(tmp_path):
    import subprocess
    import sys

    script = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from test_verdict_cache import Hub, run
run(Path(sys.argv[1]), Hub(), ref_ttl_s=3600)
for name in [m for m in sys.modules if m.startswith(("openness.assess", "openness.evidence", "openness.rubric"))]:
    del sys.modules[name]
run(Path(sys.argv[1]), Hub(), ref_ttl_s=3600)
print(sorted(m for m in sys.modules if m.startswith(("openness.assess", "openness.evidence", "openness.rubric"))))
"""
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path), str(Path(__file__).parent)],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr
