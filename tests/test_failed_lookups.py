"""A lookup that failed (5xx after retries, a timeout, a rate limit) is not an answer.

What depends on it is unknown with its reason, never "missing" and never lowered to what
the model's own card says without a word (RUBRIC.md: unknown means the scorer could not
look, never "nothing found"). A real 404 is an answer and stays "missing"/"not found".
"""
from __future__ import annotations

from openness import compare
from openness.errors import HubUnavailable, ModelNotFound
from openness.evidence.datasets import dataset_findings, lookup_failure
from openness.models import DatasetEntry
from openness.sources.hub import HubSource
from openness.sources.retry import RetryPolicy

FEW = RetryPolicy(attempts=2, base_s=0.01, cap_s=0.02)


def scored(hub, ids):
    return compare(ids, source=HubSource(endpoint=hub.url, retry=FEW))


def test_a_dataset_that_failed_is_unknown_not_missing():
    failed = HubUnavailable("dataset org/corpus", "the Hub answered HTTP 503 (a server error) to every try")
    assert lookup_failure(failed) == "the Hub answered HTTP 503 (a server error) to every try"
    assert lookup_failure(ModelNotFound("dataset org/gone", "no such dataset on the Hub")) is None
    entries = [DatasetEntry(id="org/corpus", status="error"), DatasetEntry(id="org/gone", status="missing")]
    out = dataset_findings(entries, {"org/corpus": lookup_failure(failed)})
    assert out.signals["data.datasets_missing"] == 1  # the 404 only
    assert out.signals["data.datasets_not_open"] == 2  # unknown is never open
    summary = out.signals["data.datasets_summary"]
    assert "not on this Hub: org/gone" in summary
    assert "could not be looked up: org/corpus (the Hub answered HTTP 503" in summary
    details = {e.source: e.detail for e in out.evidence}
    assert "unknown, not missing" in details["dataset org/corpus on the Hub"]


def test_a_dataset_lookup_that_failed_is_said_in_the_reasons(hub):
    hub.fail_paths = {"/api/datasets/lineage/pretrain-corpus": 503}
    card = scored(hub, ["lineage/base-open"])["lineage/base-open"]
    assert card.datasets[0].status == "error"
    data = " | ".join(card.axes["data"].reasons)
    assert "could not be looked up: lineage/pretrain-corpus (the Hub answered HTTP 503" in data
    assert "not on this Hub" not in data


def test_a_parent_that_failed_makes_what_comes_from_it_unknown(hub):
    """A quantized copy's data and code are its parent's: with the parent not looked at they
    are unknown, not the copy's own (closed) card; before, open became closed silently."""
    hub.fail_paths = {"/api/models/lineage/rail-base": 503}
    card = scored(hub, ["lineage/rail-quant"])["lineage/rail-quant"]
    assert [(e.repo_id, e.status) for e in card.lineage] == [("lineage/rail-base", "error")]
    assert card.lineage[0].reason.startswith("could not be looked up (the Hub answered HTTP 503")
    for axis in ("data", "code"):
        verdict = card.axes[axis]
        assert (verdict.verdict, verdict.level) == ("unknown", None)
        assert "lineage/rail-base could not be looked up" in verdict.reasons[0]
    assert "could not be looked up" in " ".join(card.axes["weights"].reasons)


def _fine_tune(repo_id: str, parent: str) -> tuple[dict, dict[str, bytes]]:
    """A fine-tune whose card says nothing of its data or code."""
    card = f"---\nlicense: apache-2.0\nbase_model: {parent}\nbase_model_relation: finetune\n---\n# Quiet\n\nA chat model.\n"
    info = {"id": repo_id, "sha": "ab" * 20, "gated": False, "tags": ["license:apache-2.0"],
            "cardData": {"license": "apache-2.0", "base_model": parent, "base_model_relation": "finetune"},
            "siblings": [{"rfilename": "README.md"}, {"rfilename": "model.safetensors"}]}
    return info, {"README.md": card.encode()}


def test_a_join_that_depends_on_a_parent_that_failed_is_unknown(hub):
    """A fine-tune with a closed own stage joins to closed or partial depending on its base:
    with the base not looked at, that is unknown; with the base answered, it is known."""
    child = hub.add_repo(*_fine_tune("failtest/quiet-ft", "lineage/base-closed"))
    clean = scored(hub, [child])[child]
    assert clean.axes["data"].verdict == "closed"
    hub.fail_paths = {"/api/models/lineage/base-closed": 503}
    card = scored(hub, [child])[child]
    verdict = card.axes["data"]
    assert verdict.verdict == "unknown"
    assert "lineage/base-closed could not be looked up" in verdict.reasons[0]


def test_a_parent_that_is_not_there_leaves_the_own_stage_and_says_so(hub):
    """A real 404 is an answer: the own stage stands (at most partial), with the reason."""
    card = scored(hub, ["lineage/orphan-ft"])["lineage/orphan-ft"]
    assert card.lineage[0].status == "not_found"
    for verdict in card.axes.values():
        assert verdict.verdict != "unknown"
    reasons = " | ".join(card.axes["data"].reasons)
    assert "lineage/does-not-exist could not be resolved" in reasons


def test_a_failed_lookup_crosses_processes_as_the_same_error():
    # assess.py's values are picklable so that a scan may judge in other processes; a
    # failed lookup pickled as its one joined message, which its constructor (a repo and
    # a message) cannot take back.
    import pickle

    from openness.errors import LASTING_ERRORS, InvalidModelId, NotCached, RateLimited, SourceError

    errors = [HubUnavailable("dataset org/corpus", "HTTP 503: every try"), RateLimited("org/m", "429"),
              NotCached("org/m", "offline"), SourceError("org/m", "a: b: c"),
              *(kind("org/x", f"{name} it is") for name, kind in LASTING_ERRORS.items())]
    for error in errors:
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and str(back) == str(error) and back.repo == error.repo
        assert lookup_failure(back) == lookup_failure(error)
    invalid = pickle.loads(pickle.dumps(InvalidModelId("a b", "holds a space")))
    assert type(invalid) is InvalidModelId and (invalid.text, invalid.why) == ("a b", "holds a space")
    assert str(invalid) == str(InvalidModelId("a b", "holds a space"))
