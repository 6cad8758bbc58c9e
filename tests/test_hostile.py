"""Hostile and broken repos: each gets a verdict with a reason or an error of its own.

Cards are written by anyone. The repos here are built in the test (hub.add_repo), each
broken in one way, and the last tests run them all in one batch beside sound models:
nothing crashes, nothing hangs, and the sound models are scored as if alone.
"""
from __future__ import annotations

import csv
import io

import pytest
from helpers import cli, cli_process
from memory_source import MemorySource

from openness import compare
from openness.options import Format
from openness.render import render
from openness.models import MAX_CARD_BYTES

SOUND = ["openlab/atlas-7b", "railco/meadow-3b"]
ALIAS_BOMB = b"""---
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
license: apache-2.0
---
# Bomb

A card whose metadata block would expand to hundreds of millions of strings.
"""
TRAINING = b"\n## Training data\n\nTrained on [a corpus](https://huggingface.co/datasets/lineage/sft-open).\n"


def _info(repo_id: str, card_data=None, **extra) -> dict:
    info = {"id": repo_id, "tags": ["transformers"], "library_name": "transformers",
            "siblings": [{"rfilename": "model.safetensors"}, {"rfilename": "config.json"}], **extra}
    if card_data is not None:
        info["cardData"] = card_data
    return info


HOSTILE: dict[str, tuple[dict, dict[str, bytes]]] = {
    "hostile/huge-card": (
        _info("hostile/huge-card", {"license": "apache-2.0"}),
        {"README.md": b"# Huge\n" + TRAINING + b"filler line of a very long card\n" * 100_000}),
    "hostile/latin1-card": (
        _info("hostile/latin1-card", {"license": "mit"}),
        {"README.md": ("# Modèle\n\nEntraîné sur des données publiées, réglé à la main. " * 40).encode("latin-1")}),
    "hostile/empty-card": (_info("hostile/empty-card", {"license": "mit"}), {"README.md": b""}),
    "hostile/list-front-matter": (
        _info("hostile/list-front-matter"),
        {"README.md": b"---\n- apache-2.0\n- mit\n---\n# A card\n" + TRAINING}),
    "hostile/alias-bomb": (_info("hostile/alias-bomb"), {"README.md": ALIAS_BOMB}),
    "hostile/front-matter-only": (
        _info("hostile/front-matter-only"),
        {"README.md": b"---\nlicense: apache-2.0\ndatasets:\n- lineage/sft-open\n---\n# Card\n" + TRAINING}),
    "hostile/huge-number": (  # 5,000 digits: Python refuses to turn them into an int, or back
        _info("hostile/huge-number"),
        {"README.md": b"---\nlicense: apache-2.0\nparameters: " + b"9" * 5000 + b"\nwidth: 0x" + b"f" * 5000
         + b"\ndatasets:\n- lineage/sft-open\n---\n# Card\n" + TRAINING}),
    "hostile/impossible-date": (
        _info("hostile/impossible-date"),
        {"README.md": b"---\nlicense: apache-2.0\nreleased: 2024-02-30\nupdated: 2024-13-01T25:00:00Z\n"
                      b"datasets:\n- lineage/sft-open\n---\n# Card\n" + TRAINING}),
    "hostile/wrong-types": (
        _info("hostile/wrong-types", {
            "license": 42, "datasets": {"lineage/sft-open": 1}, "base_model": [1, 2, 3],
            "license_name": ["x"], "license_link": 7, "language": {"en": True},
            "base_model_relation": ["finetune"], "pipeline_tag": 5, "tags": "not-a-list"}),
        {"README.md": b"# Wrong types\n" + TRAINING}),
    "hostile/odd-field-types": (  # each of these made huggingface_hub refuse the whole answer
        _info("hostile/odd-field-types", {"license": "apache-2.0", "tags": 5, "eval_results": 5,
                                          "datasets": ["lineage/sft-open"]},
              siblings=[5, {"size": 1}, {"rfilename": 7}, {"rfilename": "model.safetensors"}],
              lastModified="2024-02-30T10:00:00.000Z"),
        {"README.md": b"# Odd field types\n" + TRAINING}),
    "hostile/gated-true": (_info("hostile/gated-true", {"license": "apache-2.0"}, gated=True),
                           {"README.md": b"# Gated, says a boolean\n"}),
    "hostile/gated-odd": (_info("hostile/gated-odd", {"license": "apache-2.0", "datasets": ["hostile/gated-data"]},
                                gated="by-invitation"),
                          {"README.md": b"# Gated, says a word nobody knows\n"}),
    "hostile/odd-answers": (  # what a broken or hostile endpoint might send
        _info("hostile/odd-answers", {"license": "mit"}, sha="../../../../escaped-the-cache",
              siblings=[{"rfilename": "model.safetensors"}, {"rfilename": "README.md"}]),
        {"README.md": b"# Odd\n" + TRAINING}),
    "hostile/many-parents": (
        _info("hostile/many-parents", {"license": "mit", "base_model": [f"nobody/p{i}" for i in range(500)],
                                       "datasets": [f"nobody/d{i}" for i in range(500)]}),
        {"README.md": b"# Many\n"}),
    "hostile/surrogate": (  # "\ud800" in the Hub's JSON is a lone surrogate, which UTF-8 cannot encode
        _info("hostile/surrogate", {"license": "other", "license_name": "bad \ud800 name"}),
        {"README.md": b"# Surrogate\n"}),
    "hostile/markup-card": (
        _info("hostile/markup-card", {"license": "other", "license_name": "=HYPERLINK(\"http://x\")|<b>bold</b>",
                                      "license_link": "javascript:alert(1)"}),
        {"README.md": b"# [red]Rich markup[/red] \x1b[31mANSI\x1b[0m <script>alert(1)</script>\n" + TRAINING}),
}


GATED_DATA = {"id": "hostile/gated-data", "gated": True, "cardData": {"license": "mit"}, "tags": ["license:mit"]}


@pytest.fixture(scope="module")
def hostile_ids(hub):
    ids = [hub.add_repo(info, files) for info, files in HOSTILE.values()]
    hub.add_repo(GATED_DATA, kind="dataset")
    yield ids
    for repo_id in ids:  # other modules see the fixture Hub as it was
        hub.remove_repo(repo_id)
    hub.remove_repo(GATED_DATA["id"], kind="dataset")


@pytest.fixture(scope="module")
def hostile_report(hub, hostile_ids):
    return compare(hostile_ids, endpoint=hub.url)


def test_every_hostile_repo_is_scored_with_reasons(hostile_report, hostile_ids):
    assert [card.repo_id for card in hostile_report.scorecards] == hostile_ids
    for card in hostile_report.scorecards:
        assert card.status == "scored", card
        assert all(verdict.reasons for verdict in card.axes.values())


def test_a_huge_card_is_read_in_part_and_the_verdict_says_so(hostile_report):
    card = hostile_report["hostile/huge-card"]
    for axis in ("data", "code"):
        assert any(f"longer than the {MAX_CARD_BYTES:,} bytes read" in r for r in card.axes[axis].reasons)
    assert any("only that much was read" in e.detail for e in card.axes["data"].evidence)
    assert card.axes["data"].verdict != "unknown"  # what was read still counts
    assert any(d.id == "lineage/sft-open" for d in card.datasets)


def test_a_card_that_is_not_utf8_leaves_data_and_code_unknown_with_the_reason(hostile_report):
    card = hostile_report["hostile/latin1-card"]
    assert card.axes["weights"].verdict == "open"  # metadata still judged
    for axis in ("data", "code"):
        assert card.axes[axis].verdict == "unknown"
        assert "could not read the model card (unreadable)" in card.axes[axis].reasons[0]


def test_an_empty_card_is_read_and_found_empty(hostile_report):
    card = hostile_report["hostile/empty-card"]
    assert card.axes["data"].verdict == "closed" and card.axes["code"].verdict == "closed"


def test_front_matter_that_is_not_a_mapping_is_set_aside_with_a_reason(hostile_report):
    card = hostile_report["hostile/list-front-matter"]
    details = [e.detail for e in card.axes["weights"].evidence]
    assert "metadata not read: the front matter is a list, not a mapping of fields" in details
    assert card.license.id is None


def test_a_yaml_alias_bomb_is_refused_not_expanded(hostile_report):
    card = hostile_report["hostile/alias-bomb"]
    details = " ".join(e.detail for e in card.axes["weights"].evidence)
    assert "uses YAML aliases" in details
    assert card.license.id is None  # nothing from the refused block is believed


def test_front_matter_stands_in_when_the_hub_sends_no_metadata(hostile_report):
    card = hostile_report["hostile/front-matter-only"]
    assert card.license.id == "apache-2.0" and card.license.license_class == "A"
    assert any(e.source == "README.md lines 1-5" and "front matter was read" in e.detail
               for e in card.axes["weights"].evidence)
    assert [d.id for d in card.datasets] == ["lineage/sft-open"]


@pytest.mark.parametrize("repo", ["hostile/huge-number", "hostile/impossible-date"])
def test_a_value_python_cannot_hold_costs_that_field_not_the_model(hostile_report, repo):
    card = hostile_report[repo]
    assert card.status == "scored" and card.license.id == "apache-2.0"  # the rest of the block is read
    assert [d.id for d in card.datasets] == ["lineage/sft-open"]


def test_front_matter_keeps_an_impossible_value_as_the_text_written():
    from openness.evidence.frontmatter import read_front_matter

    front = read_front_matter("---\nn: " + "9" * 5000 + "\nd: 2024-02-30\nh: 0x" + "f" * 5000
                              + "\nok: 2024-02-28\nsmall: 0x10\n---\n")
    assert front.problem is None
    assert front.data == {"n": "9" * 5000, "d": "2024-02-30", "h": None, "ok": "2024-02-28", "small": 16}


def test_metadata_fields_of_an_odd_type_are_read_around(hostile_report):
    card = hostile_report["hostile/odd-field-types"]
    assert card.status == "scored" and card.license.id == "apache-2.0"
    assert card.axes["weights"].verdict == "open"  # the one well-formed sibling is a weight file
    assert [d.id for d in card.datasets] == ["lineage/sft-open"]


@pytest.mark.parametrize("repo", ["hostile/gated-true", "hostile/gated-odd"])
def test_a_gate_value_not_understood_is_an_unknown_gate_never_none(hostile_report, repo):
    card = hostile_report[repo]
    # never open (the gate may be manual) and never lowered to partial (it may be automatic)
    assert card.gated == "unknown" and card.axes["weights"].verdict == "unknown"
    reasons = " ".join(card.axes["weights"].reasons)
    assert "gated in a way the Hub does not say" in reasons and "gate: unknown" in reasons
    assert "level 3 (open) if what could not be seen holds" in reasons
    assert any(e.detail.startswith("unknown gate") for e in card.axes["weights"].evidence)
    assert "unknown gate" in hostile_report.to_table()


def test_a_dataset_behind_a_gate_not_understood_is_not_counted_open(hostile_report):
    entry = hostile_report["hostile/gated-odd"].datasets[0]
    assert (entry.id, entry.license_class, entry.gated) == ("hostile/gated-data", "A", "unknown")
    evidence = " ".join(e.detail for e in hostile_report["hostile/gated-odd"].axes["data"].evidence)
    assert "a gate of unknown kind" in evidence


def test_a_huge_number_in_the_hubs_json_costs_that_field_not_the_model():
    from openness.sources.hub import HubFacts, read_json

    body = b'{"id": "a/b", "sha": "' + b"a" * 40 + b'", "cardData": {"license": "mit", "n": ' + b"9" * 5000 + b"}}"
    facts = HubFacts.of(read_json(body))
    assert facts.card_data == {"license": "mit"} and facts.id == "a/b"  # absent, as a null field is
    assert read_json(b'{"downloads": 12, "big": -12345678901234567890}') == {"downloads": 12, "big": None}


def test_an_unforeseen_failure_in_one_model_costs_that_model_only(hub, hostile_ids, monkeypatch):
    from openness import run as scoring_run

    real = scoring_run.read_card

    def broken(snapshot, *args):
        if snapshot.repo_id == "hostile/markup-card":
            raise ValueError("a bug reached by one card")
        return real(snapshot, *args)

    monkeypatch.setattr(scoring_run, "read_card", broken)
    run = cli("score", "hostile/markup-card", *SOUND, "-f", "json", endpoint=hub.url)
    assert run.code == 1
    by_id = {m["repo_id"]: m for m in run.json()["models"]}
    assert by_id["hostile/markup-card"]["error"]["kind"] == "internal_error"
    assert "ValueError: 'a bug reached by one card'" in by_id["hostile/markup-card"]["error"]["message"]
    assert all(by_id[repo]["status"] == "scored" for repo in SOUND)
    assert run.stderr.count("\n") == 1 and "could not be scored (internal error" in run.stderr


def test_fields_of_the_wrong_type_are_ignored_not_believed(hostile_report, hub):
    card = hostile_report["hostile/wrong-types"]
    assert card.lineage == []  # base_model [1, 2, 3] names no parent
    assert card.axes["weights"].verdict != "open"  # licence 42 is no licence
    assert not any(path.startswith("GET /api/models/1") for path in hub.stats["by_path"])


def test_a_card_naming_hundreds_of_parents_and_datasets_costs_a_bounded_number_of_requests(hub, hostile_ids):
    hub.reset_stats()
    card = compare(["hostile/many-parents"], endpoint=hub.url)["hostile/many-parents"]
    assert hub.stats["total"] <= 2 + 16 + 32
    assert len(card.lineage) == 500 and len(card.datasets) == 500
    assert card.lineage[-1].reason == "not followed: the card names more than 16 parents"
    assert card.datasets[-1].status == "error"
    assert card.axes["data"].verdict != "open"  # parents that could not be checked cap the join


def test_a_commit_id_that_is_not_one_is_neither_cached_nor_used_in_paths(hub, hostile_ids, hf_home):
    run = cli("score", "hostile/odd-answers", "-f", "json", endpoint=hub.url)
    assert run.code == 0 and run.model("hostile/odd-answers")["revision"] is None
    written = [p for p in hf_home.rglob("*") if p.is_file()]
    assert all(p.resolve().is_relative_to((hf_home / "openness").resolve()) for p in written)
    assert not any("escaped" in p.name for p in written)


def test_markup_in_a_card_is_shown_as_text_in_every_format(hostile_report):
    html = hostile_report.to_html()
    assert "<script>alert" not in html and "<b>bold" not in html and 'href="javascript' not in html
    assert "\x1b" not in hostile_report.to_table()
    rows = list(csv.reader(io.StringIO(hostile_report.to_csv())))
    assert any("=HYPERLINK" in cell for row in rows for cell in row)
    assert not any(cell[:1] in ("=", "+", "-", "@") for row in rows for cell in row)
    for line in hostile_report.to_markdown().splitlines():
        if line.startswith("| hostile/markup-card"):
            assert "\\|<b>" in line or "\\|&lt;b&gt;" in line


# -- the Hub's answers about whole repos --------------------------------------------------------

TOKEN = "hf_stubTokenThatMustNeverBeShown1234"


@pytest.mark.parametrize(("repo", "kind", "words"), [
    ("nobody/no-such-model", "not_found", "no such model on the Hub (or it is private)"),
    ("hiddenco/secret-model", "not_found", "no such model on the Hub (or it is private)"),
    ("banned/gone-model", "disabled", "disabled"),
    ("lineage/base-open@no-such-branch", "revision_not_found", "the repo has no such revision"),
])
def test_repos_that_cannot_be_read_get_one_error_line_each(hub, repo, kind, words):
    run = cli("score", repo, "openlab/atlas-7b", "-f", "json", endpoint=hub.url)
    assert run.code == 1
    assert [line for line in run.stderr.splitlines()] == [f"openness: {repo}: {words}"] or \
        (kind == "disabled" and run.stderr.count("\n") == 1 and words in run.stderr)
    entries = {m["repo_id"]: m for m in run.json()["models"]}
    assert entries[repo.split("@")[0]]["error"]["kind"] == kind
    assert entries["openlab/atlas-7b"]["status"] == "scored"


def test_a_private_repo_is_scored_with_a_token_that_may_read_it(hub, monkeypatch):
    hub.tokens = {TOKEN: {"hiddenco/secret-model"}}
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    run = cli("score", "hiddenco/secret-model", "-f", "json", endpoint=hub.url)
    assert run.code == 0 and run.json()["models"][0]["status"] == "scored"


@pytest.mark.parametrize("token", [None, TOKEN])
def test_a_gated_repo_is_judged_with_or_without_a_token(hub, monkeypatch, token):
    hub.tokens = {TOKEN: {"gatedco/summit-8b"}}
    if token:
        monkeypatch.setenv("HF_TOKEN", token)
    run = cli("score", "gatedco/summit-8b", "-f", "json", endpoint=hub.url)
    model = run.json()["models"][0]
    assert run.code == 0 and model["status"] == "scored" and model["gated"] == "manual"
    assert any("manual approval" in reason for reason in model["axes"]["weights"]["reasons"])


def test_a_token_the_hub_refuses_is_named_as_the_cause_without_showing_it(hub, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_stubRevokedToken0000")
    run = cli("score", "openlab/atlas-7b", endpoint=hub.url)
    assert run.code == 1
    assert "check HF_TOKEN" in run.stderr and "hf_stubRevokedToken0000" not in run.stderr + run.stdout


# -- all of it in one batch ---------------------------------------------------------------------

LINEAGE_TRAPS = ["lineage/self-parent", "lineage/cycle-a", "deep/long-00"]
UNREADABLE = ["nobody/no-such-model", "hiddenco/secret-model", "banned/gone-model",
              "lineage/base-open@no-such-branch", "oddco/binary-card", "nocard/bare-1b", "gatedco/summit-8b"]
BAD_IDS = ["", "org/my model", "../../etc/passwd", "a/b/c", "org/" + "n" * 300, "org/modèle"]


def test_one_batch_of_everything_hostile_leaves_the_sound_models_untouched(hub, hostile_ids, tmp_path):
    # In-process, as the reference run and the offline re-renders: exit code 2, the report
    # and one stderr line per failed model are what the command gives (an exception escaping
    # it would exit 1 with no report); test_cli.py runs the console script in a child.
    alone = cli("score", *SOUND, "-f", "json", endpoint=hub.url)
    batch = tmp_path / "batch.txt"
    everything = SOUND + hostile_ids + LINEAGE_TRAPS + UNREADABLE
    batch.write_text("\n".join(everything) + "\n", encoding="utf-8")
    run = cli("score", "--from", str(batch), *BAD_IDS, "-f", "json", "--refresh", endpoint=hub.url)
    assert run.code == 2  # bad ids were given; everything else is still in the report
    assert "Traceback" not in run.stderr
    models = run.json()["models"]
    by_id = {m["repo_id"]: m for m in models}
    for repo in SOUND:
        assert by_id[repo]["axes"] == next(m for m in alone.json()["models"] if m["repo_id"] == repo)["axes"]
    for repo in hostile_ids + LINEAGE_TRAPS + ["oddco/binary-card", "nocard/bare-1b", "gatedco/summit-8b"]:
        assert by_id[repo]["status"] == "scored", by_id[repo]
    failed = [m for m in models if m["status"] == "error"]
    assert {m["error"]["kind"] for m in failed} == {"not_found", "disabled", "revision_not_found", "invalid_id"}
    errors = [line for line in run.stderr.splitlines() if not line.startswith("openness: warning:")]
    assert len(errors) == len(failed)  # one line per model that was not scored
    offline = compare(everything, endpoint=hub.url, offline=True)  # scored once, written every way
    from_cache = {c.repo_id for c in offline.scorecards if c.status == "scored"}  # some are never cached
    assert len(offline.scorecards) == len(everything) and set(SOUND) <= from_cache
    assert from_cache <= {m["repo_id"] for m in models if m["status"] == "scored"}
    for fmt in Format:
        assert render(offline, fmt).endswith("\n")


def test_a_lone_surrogate_in_metadata_is_scored_printed_and_not_cached(hub, hostile_ids):
    # The console script writes the table to a real stdout; the other formats go through
    # the same writer in-process, whose stdout is UTF-8 bytes as well.
    run = cli_process("score", "hostile/surrogate", endpoint=hub.url)
    assert run.code == 0 and "Traceback" not in run.stderr and run.stdout
    assert "not cached, it cannot be written as JSON" in run.stderr
    for fmt in ("json", "csv", "markdown", "html"):
        run = cli("score", "hostile/surrogate", "-f", fmt, endpoint=hub.url)
        assert run.code == 0 and "Traceback" not in run.stderr and run.stdout


# -- the Hub answering under another name ---------------------------------------------------------

def test_an_answer_for_another_repo_is_no_row_under_that_name_and_is_not_cached(hub, hf_home):
    hub.answer_as = {"openlab/atlas-7b": "railco/meadow-3b"}
    run = cli("score", "openlab/atlas-7b", "-f", "json", endpoint=hub.url)
    assert run.code == 1
    assert [m["repo_id"] for m in run.json()["models"]] == ["openlab/atlas-7b"]
    error = run.model("openlab/atlas-7b")["error"]
    assert error["kind"] == "hub_error" and "answered for another repo ('railco/meadow-3b')" in error["message"]
    assert not [p for p in hf_home.rglob("*") if p.is_file() and ("meadow" in str(p) or "atlas" in str(p))]
    hub.answer_as = {}
    assert cli("score", "railco/meadow-3b", "openlab/atlas-7b", "-f", "json", endpoint=hub.url).code == 0


def test_a_renamed_repo_is_scored_under_its_new_name_and_cached_under_the_name_asked(hub, hf_home):
    info, files = HOSTILE["hostile/front-matter-only"]
    hub.add_repo(dict(info, id="movedco/new-name"), files)
    hub.renamed = {"oldco/old-name": "movedco/new-name"}
    try:
        run = cli("score", "oldco/old-name", "-f", "json", endpoint=hub.url)
        model = run.json()["models"][0]
        assert run.code == 0 and model["repo_id"] == "movedco/new-name" and model["status"] == "scored"
        details = [e["detail"] for e in model["axes"]["weights"]["evidence"]]
        assert any("asked for oldco/old-name: the Hub redirected to movedco/new-name" in d for d in details)
        cached = [p.relative_to(hf_home).as_posix() for p in hf_home.rglob("*.json")]
        assert any("/oldco/old-name/" in p for p in cached) and not any("movedco" in p for p in cached)
        hub.reset_stats()
        again = cli("score", "oldco/old-name", "-f", "json", endpoint=hub.url)
        assert again.json()["models"][0]["axes"] == model["axes"] and hub.stats["total"] == 0
    finally:
        hub.remove_repo("movedco/new-name")


# -- lineage lattices ---------------------------------------------------------------------------

def _lattice(levels: int) -> dict[str, "ModelSnapshot"]:
    """A root over `levels` levels of two models each; each model's parents are both models of
    the level below, so level k is reached by 2^k paths though it holds only two repos."""
    from openness.models import CardFile, ModelSnapshot

    def snap(repo_id: str, parents: list[str]) -> ModelSnapshot:
        card_data = {"license": "apache-2.0", **({"base_model": parents, "base_model_relation": "merge"}
                                                 if parents else {})}
        return ModelSnapshot(repo_id=repo_id, sha="0" * 40, card_data=card_data, siblings=["model.safetensors"],
                             card=CardFile(status="ok", text=f"# {repo_id}\n"))

    level = lambda k: [f"lattice/l{k:02d}-a", f"lattice/l{k:02d}-b"]  # noqa: E731
    models = {"lattice/root": snap("lattice/root", level(1))}
    for k in range(1, levels + 1):
        for repo_id in level(k):
            models[repo_id] = snap(repo_id, level(k + 1) if k < levels else [])
    return models


def _judge_lattice(levels: int, monkeypatch) -> tuple[dict[str, int], "Scorecard"]:
    """How often each repo's own card was judged, and the root's scorecard."""
    from collections import Counter

    from openness import run as scoring_run
    from openness.api import Judge
    from openness.models import ModelRef

    judged: Counter[str] = Counter()
    real = scoring_run.read_card

    def counting(snapshot, *args):
        judged[snapshot.repo_id] += 1
        return real(snapshot, *args)

    monkeypatch.setattr(scoring_run, "read_card", counting)
    with scoring_run.ScoringRun(MemorySource(_lattice(levels)), Judge.load(), jobs=2) as run:
        card = run.score(ModelRef.parse("lattice/root"))
    return dict(judged), card


def test_a_lineage_lattice_judges_each_repo_once_and_caps_the_entries_it_lists(monkeypatch):
    from openness.run import MAX_LINEAGE_ENTRIES

    small_counts, small = _judge_lattice(6, monkeypatch)
    large_counts, large = _judge_lattice(12, monkeypatch)
    # Each repo is judged once: work grows with the repos (2N + 1), not the paths (2^N).
    assert set(small_counts.values()) == {1} and len(small_counts) == 2 * 6 + 1
    assert set(large_counts.values()) == {1} and len(large_counts) == 2 * 12 + 1
    # Every path is an entry (2 + 4 + ... + 2^N) until the cap; the rest is counted, not listed.
    assert len(small.lineage) == 2 ** 7 - 2 and small.lineage_omitted == 0
    assert len(large.lineage) == MAX_LINEAGE_ENTRIES
    assert len(large.lineage) + large.lineage_omitted == 2 ** 13 - 2
    assert small.axes["weights"].verdict == large.axes["weights"].verdict == "open"


def test_a_capped_lineage_says_so_in_every_format(monkeypatch):
    from openness.models import RubricRef
    from openness.report import Report
    from openness.options import Format
    from openness.render import render

    _, card = _judge_lattice(10, monkeypatch)
    report = Report(tool_version="0", rubric=RubricRef(id="openness", version="1", profile="default"),
                    scorecards=[card])
    cut = f"and {card.lineage_omitted:,} more ancestor entries, not listed"
    assert card.lineage_omitted > 0
    assert report.to_json().count('"lineage_omitted"') == 1
    for fmt in (Format.table, Format.markdown, Format.html):
        assert cut in render(report, fmt, details=True)


@pytest.mark.parametrize("max_depth", [1, 2, 25])
def test_a_card_judged_once_is_the_card_a_fresh_walk_gives(max_depth):
    """Reuse must not change a verdict: over random graphs with cycles, self-parents, shared
    and missing parents, and a depth cap that cuts, every card of one shared run equals the
    card a walk without any reuse gives."""
    import dataclasses
    import random

    from openness.api import Judge
    from openness.models import CardFile, ModelRef, ModelSnapshot
    from openness.run import ScoringRun

    base = Judge.load()
    judge = dataclasses.replace(base, rubric=base.rubric.model_copy(
        update={"lineage": base.rubric.lineage.model_copy(update={"max_depth": max_depth})}))
    for seed in range(12):
        rng = random.Random(seed)
        n = rng.randint(3, 8)
        models = {}
        for i in range(n):
            parents = [f"g/m{rng.randint(0, n)}" for _ in range(rng.randint(0, 3))]  # m{n} does not exist
            card_data = {"license": rng.choice(["apache-2.0", "cc-by-nc-4.0"]),
                         **({"base_model": parents, "base_model_relation": rng.choice(["merge", "finetune"])}
                            if parents else {})}
            models[f"g/m{i}"] = ModelSnapshot(repo_id=f"g/m{i}", sha="0" * 40, card_data=card_data,
                                              siblings=["model.safetensors"], card=CardFile(status="ok", text="# m\n"))
        hub = MemorySource(models)
        with ScoringRun(hub, judge, jobs=1) as run:
            shared = {repo: run.score(ModelRef.parse(repo)) for repo in models}
        for repo, card in shared.items():
            with ScoringRun(hub, judge, jobs=1) as fresh:
                fresh._judge_once = fresh._score  # type: ignore[method-assign]  # no reuse at all
                assert fresh.score(ModelRef.parse(repo)) == card, (seed, repo)
