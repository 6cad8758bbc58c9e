"""The fast paths of `openness score` (issue 17): each gives what the slow path would."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from openness.sources.hub import HubSource


@pytest.fixture
def token_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from huggingface_hub import constants

    path = tmp_path / "token"
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(path))
    return path


def test_no_stored_login_and_no_variable_is_no_token(token_file: Path) -> None:
    assert not HubSource(endpoint="http://127.0.0.1:9").has_token


def test_a_stored_login_is_still_found_without_a_variable(token_file: Path) -> None:
    token_file.write_text("hf_storedLoginToken1234\n")
    assert HubSource(endpoint="http://127.0.0.1:9").has_token


@pytest.mark.parametrize("variable", ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"])
def test_a_token_variable_is_still_found(token_file: Path, monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv(variable, "hf_fromTheEnvironment99")
    assert HubSource(endpoint="http://127.0.0.1:9").has_token


# -- JSON in pieces: the same bytes as one json.dumps of the whole document ----------------

def _one_dump(report) -> str:
    import json

    from openness.render.json import report_document
    from openness.render.text import SURROGATE

    text = json.dumps(report_document(report), indent=2, ensure_ascii=False)
    return SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def _with_finding_values(report, *values):
    """Copies of the golden report's first card with findings, its first finding's value
    replaced by each of `values` (a reason holding it too, for text)."""
    card = next(card for card in report.scorecards if any(v.findings for v in card.axes.values()))
    axis = next(name for name, verdict in card.axes.items() if verdict.findings)
    verdict, cards = card.axes[axis], []
    for value in values:
        finding = verdict.findings[0].model_copy(update={"value": value})
        changed = verdict.model_copy(update={"findings": [finding, *verdict.findings[1:]],
                                             "reasons": [*verdict.reasons, str(value)]})
        cards.append(card.model_copy(update={"axes": {**card.axes, axis: changed}}))
    return cards


@pytest.mark.parametrize("values", [(), (1e-05, 1e16, 0.5, -0.0), ("lone \udc80 surrogate", "\x00\x1f\x7f\u2028 é 𝄞 \"\\/")],
                         ids=["golden", "floats", "odd-text"])
def test_json_in_pieces_is_the_one_document_byte_for_byte(values) -> None:
    from golden_report import golden_report

    from openness.render.json import render_json

    report = golden_report()
    if values:
        report = report.model_copy(update={"scorecards": [*report.scorecards, *_with_finding_values(report, *values)]})
    assert render_json(report) == _one_dump(report)
    empty = report.model_copy(update={"scorecards": []})
    assert render_json(empty) == _one_dump(empty)


# -- a warm run checks a kept verdict's repositories by their refs, reading no snapshot ------

@pytest.mark.parametrize("named_tree", [True, False], ids=["tree-named", "tree-not-named"])
def test_a_warm_run_judges_nothing_and_asks_github_nothing(tmp_path, github, monkeypatch, named_tree) -> None:
    """With the tree GitHub names, not even the repository's snapshot is read; without one
    (its state is then a hash of what was read) the snapshot is read, and that is all."""
    from test_verdict_cache import Hub, card

    import openness.assess
    from githubstub import StubRepo
    from openness.api import compare
    from openness.cache import CodeRepoCache, DiskCache
    from openness.sources.cached import CachedHubSource
    from openness.sources.github import GitHubSource

    if not named_tree:
        tree = StubRepo.tree
        monkeypatch.setattr(StubRepo, "tree", lambda self, base: {k: v for k, v in tree(self, base).items() if k != "sha"})
    hub = Hub()
    linked = card() + "\nTraining code: https://github.com/synth-lab/trainer\n"
    hub.models["org/other"] = (linked, hub.models["org/other"][1])
    read: list[str] = []
    judged: list[str] = []
    real_snapshot, real_read = CodeRepoCache.snapshot, openness.assess.read_card
    monkeypatch.setattr(CodeRepoCache, "snapshot", lambda self, repo, tree: read.append(repo) or real_snapshot(self, repo, tree))
    monkeypatch.setattr(openness.assess, "read_card", lambda snap, judge: judged.append(snap.repo_id) or real_read(snap, judge))

    def once():
        source = CachedHubSource(hub, DiskCache(tmp_path, endpoint="http://127.0.0.1:1"))  # type: ignore[arg-type]
        host = GitHubSource(api_url=github.url, token="", cache=CodeRepoCache(github.url, tmp_path))
        return compare(["org/other"], source=source, code_host=host)

    first = once()
    assert [(r.repo, r.tree_sha is not None) for r in first["org/other"].repositories] == [("synth-lab/trainer", named_tree)]
    github.reset(), read.clear(), judged.clear()
    assert once().scorecards == first.scorecards
    assert judged == [] and github.total == 0
    assert read == ([] if named_tree else ["synth-lab/trainer"])


# -- memory flat in the number of models: nothing finished is kept --------------------------

def _hub_of(n: int):
    from test_verdict_cache import SHA, Hub, card

    hub = Hub()
    hub.models.update({f"org/m{i:03d}": (card("org/base", ("data/set",)), SHA) for i in range(n)})
    return hub, [f"org/m{i:03d}" for i in range(n)]


@pytest.mark.parametrize("n", [6, 12])
def test_a_streamed_batch_keeps_no_card_it_handed_on_and_only_the_shared_parent(tmp_path, n) -> None:
    import gc
    import weakref

    from openness.api import compare_streaming
    from openness.cache import DiskCache
    from openness.sources.cached import CachedHubSource

    hub, ids = _hub_of(n)
    source = CachedHubSource(hub, DiskCache(tmp_path, endpoint="http://127.0.0.1:1"))  # type: ignore[arg-type]
    handed: list[weakref.ref] = []
    with compare_streaming(ids, source=source, repos=False, jobs=3) as batch:
        for card in batch.cards:
            handed.append(weakref.ref(card))
        del card
        gc.collect()
        assert [r() is None for r in handed] == [True] * n  # in the order asked, none kept
        assert batch.rubric().id == "openness"


@pytest.mark.parametrize("n", [6, 12])
def test_a_run_holds_the_shared_parent_card_alone_whatever_the_batch(tmp_path, n) -> None:
    from openness.assess import Judge
    from openness.cache import DiskCache
    from openness.models import ModelRef
    from openness.run import ScoringRun
    from openness.sources.cached import CachedHubSource

    hub, ids = _hub_of(n)
    source = CachedHubSource(hub, DiskCache(tmp_path, endpoint="http://127.0.0.1:1"))  # type: ignore[arg-type]
    with ScoringRun(source, Judge.load(), jobs=3) as run:
        cards = [run.score(ModelRef.parse(i)) for i in ids]
        assert run.cards_held == 1 and run.snapshots_held == 1  # org/base, for any further child
        # a finished model met again as a parent is judged again, to the same card
        assert run.score(ModelRef.parse("org/base")).status == "scored"
    assert [c.repo_id for c in cards] == ids


def test_streamed_json_on_stdout_and_in_a_file_is_the_report_compare_gives(hub_url, tmp_path) -> None:
    from helpers import cli

    from openness.api import compare

    ids = ["openlab/atlas-7b", "adapterco/tiny-lora", "nosuch/model", "oddco/binary-card"]
    expected = compare(ids, endpoint=hub_url, repos=False).to_json()
    printed = cli("score", *ids, "--format", "json", "--no-repos", endpoint=hub_url)
    assert printed.code == 1 and printed.stdout == expected and "nosuch/model" in printed.stderr
    out = tmp_path / "report.json"
    written = cli("score", *ids, "--no-repos", "-o", str(out), endpoint=hub_url)
    assert written.code == 1 and out.read_text(encoding="utf-8") == expected
    assert "3 of 4 models scored" in written.stderr


def test_streamed_csv_is_the_report_compare_gives_failures_first_and_with_a_framework(hub_url, tmp_path,
                                                                                    monkeypatch) -> None:
    from helpers import cli

    import openness.api
    from openness.api import compare
    from openness.options import Format
    from openness.render import render

    # A failed model first: the header waits for the first card judged under MOF.
    ids = ["nosuch/model", "openlab/atlas-7b", "adapterco/tiny-lora", "oddco/binary-card"]
    expected = render(compare(ids, endpoint=hub_url, repos=False, rubrics=["mof"]), Format.csv)
    assert expected.startswith("repo_id,") and ",mof," in expected.split("\n")[0] + ","
    monkeypatch.setattr(openness.api, "compare", None)  # a batch held whole is never made
    printed = cli("score", *ids, "--format", "csv", "--framework", "mof", "--no-repos", endpoint=hub_url)
    assert printed.code == 1 and printed.stdout == expected and "nosuch/model" in printed.stderr
    out = tmp_path / "report.csv"
    written = cli("score", *ids, "--framework", "mof", "--no-repos", "-o", str(out), endpoint=hub_url)
    assert written.code == 1 and out.read_text(encoding="utf-8") == expected
    assert "3 of 4 models scored" in written.stderr


def test_csv_pieces_of_a_batch_read_as_the_whole_csv_and_come_a_row_at_a_time(tmp_path) -> None:
    from openness.api import compare
    from openness.cache import DiskCache
    from openness.render.csv import batch_csv_pieces, render_csv
    from openness.sources.cached import CachedHubSource

    hub, ids = _hub_of(4)
    source = CachedHubSource(hub, DiskCache(tmp_path, endpoint="http://127.0.0.1:1"))  # type: ignore[arg-type]
    failed = ["nosuch/a", "nosuch/b"]
    # How many cards had been read when each piece came: the header comes before any card
    # when no other rubric is asked; with one, the failed cards wait for the first judged.
    for rubrics, batch, read_at_each_piece in (
            ([], ids, [0, 1, 2, 3, 4]), (["mof", "g7"], ids, [1, 2, 3, 4]),
            ([], [*failed, *ids], [0, 1, 2, 3, 4, 5, 6]), (["mof"], [*failed, *ids], [3, 4, 5, 6]),
            (["mof"], failed, [2]), ([], [], [0])):
        report = compare(batch, source=source, repos=False, rubrics=rubrics)
        read: list[object] = []

        def handed() -> Iterator[object]:
            for card in report.scorecards:
                read.append(card)
                yield card

        pieces, seen = [], []
        for piece in batch_csv_pieces(handed(), other_rubrics=bool(rubrics)):  # type: ignore[arg-type]
            pieces.append(piece)
            seen.append(len(read))
        assert "".join(pieces) == render_csv(report), (rubrics, batch)
        assert seen == read_at_each_piece, (rubrics, batch)


def test_asking_for_the_openness_rubric_by_name_still_streams_csv_a_row_at_a_time(hub_url, monkeypatch) -> None:
    from helpers import cli

    import openness.render.csv as csv_module

    # "openness" names the axes themselves: no card has results, and none may be held for them.
    held_for_results = []
    real = csv_module.batch_csv_pieces

    def watched(cards, *, other_rubrics):
        held_for_results.append(other_rubrics)
        return real(cards, other_rubrics=other_rubrics)

    monkeypatch.setattr(csv_module, "batch_csv_pieces", watched)
    run = cli("score", "openlab/atlas-7b", "adapterco/tiny-lora", "-F", "openness", "-f", "csv", "--no-repos",
              endpoint=hub_url)
    assert run.code == 0 and held_for_results == [False] and run.stdout.startswith("repo_id,")


def test_snapshots_asked_ahead_are_asked_once_and_in_the_order_given(tmp_path) -> None:
    from openness.api import compare
    from openness.cache import DiskCache
    from openness.sources.cached import CachedHubSource

    hub, ids = _hub_of(12)
    asked: list[str] = []
    facts = hub.model_facts
    hub.model_facts = lambda ref: asked.append(ref.repo_id) or facts(ref)  # type: ignore[method-assign]
    source = CachedHubSource(hub, DiskCache(tmp_path, endpoint="http://127.0.0.1:1"))  # type: ignore[arg-type]
    report = compare(ids, source=source, repos=False, jobs=1)  # one fetch thread: the order it was asked in
    assert [c.repo_id for c in report.scorecards] == ids
    assert [i for i in asked if i != "org/base"] == ids and asked.count("org/base") == 1


def test_a_slow_first_model_holds_back_a_bounded_number_of_finished_cards() -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from openness.api import _in_order

    release, started, changed = threading.Event(), [], threading.Condition()

    def one(index: int):
        with changed:
            started.append(index)
            changed.notify_all()
        if index == 0:
            release.wait(5)
        return index

    with ThreadPoolExecutor(4) as pool:
        cards = _in_order(pool, one, 100, ahead=8)  # type: ignore[arg-type]
        first = pool.submit(next, cards)
        with changed:  # the window fills behind the slow one, then stops
            assert changed.wait_for(lambda: len(started) >= 8, timeout=5)
        assert not first.done() and sorted(started) == list(range(8))
        release.set()
        assert [first.result(), *cards] == list(range(100))
