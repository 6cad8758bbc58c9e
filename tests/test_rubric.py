"""The rubric files load, agree with the extractors, and judge signals as RUBRIC.md says."""
from __future__ import annotations

import re

import pytest

from openness.evidence.components import COMPONENT_SIGNALS
from openness.evidence.licences import classify, normalise_name
from openness.evidence.signals import SIGNALS
from openness.models import AXES
from openness.rubric import evaluate, load_licences, load_rubric, load_vocabulary
from openness.rubric.schema import Rubric

RUBRIC = load_rubric()
LICENCES = load_licences()

# A baseline in which every axis reaches level 4; each test takes something away.
FULL = {
    "card.status": "ok", "card.truncated": False, "repo.files": 9, "weights.files": 2, "weights.kinds": "safetensors",
    "weights.suffixes": ".safetensors", "weights.adapter_only": False, "weights.training_state": True,
    "gate": "none", "gate.as": "anyone can download", "license.id": "apache-2.0", "license.label": "apache-2.0", "license.class": "A",
    "license.class_title": "OSI-approved", "data.datasets": 1, "data.dataset_ids": "o/d",
    "data.datasets_missing": 0, "data.datasets_not_open": 0, "data.datasets_summary": "1 of 1 on the Hub, mit",
    "data.public_corpora": 0, "data.identified_count": 1, "data.identified": "o/d",
    "data.unreleased": 0, "data.unreleased_as": "none",
    "data.partly_obtainable": 0, "data.partly_obtainable_as": "none", "data.section": True, "data.processing": True,
    "data.described": True, "data.described_as": "section", "data.searched": "everywhere",
    "code.training": 1, "code.training_links": "o/t", "code.finetune": 0, "code.finetune_links": "none",
    "code.evaluation": 1, "code.data_processing": 1, "code.inference": 3, "code.inference_links": "o/t",
    "code.searched": "everywhere", "code.repos_unchecked": 0, "code.repos_unchecked_as": "none",
    "code.some_stage": 1, "code.training_not_open": 0, "code.training_not_open_as": "none",
    "code.licences": "o/t: MIT (class A)",
    "lineage.weight_edit": False, "license.libre": True, "data.corpora_code": 0, "data.datasets_closed": 0,
    "data.datasets_unchecked": 0,
    "files.architecture": True, "files.tokenizer": True, "docs.paper": 1, "docs.paper_as": "2401.00001",
    "docs.eval_results": True, "docs.eval_data": 2, "docs.data_card": True,
    # how the model is put to use (openness/evidence/access.py)
    "access.deployment": 2, "access.deployment_as": "o/t, config.json", "access.package": 0, "access.package_as": "none",
    # the EU AI Act exemption's facts (openness/evidence/regulation.py)
    "eu.generative": True, "eu.generative_as": "generates: text-generation", "eu.parameters": 7 * 10**9,
    "eu.parameters_as": "7B", "eu.training_tokens": 2 * 10**12, "eu.training_tokens_as": "2T",
    "eu.training_compute": 8.4e22, "eu.training_compute_as": "about 8.4e+22 FLOP", "eu.weights_public": True,
    "eu.weights_public_as": "2 weight file(s), no gate", "eu.architecture_public": True,
    "eu.architecture_public_as": "config.json", "eu.usage_public": True, "eu.usage_public_as": "a usage section",
    "eu.monetisation_flagged": False, "eu.not_monetised": None, "eu.monetised_as": "no paid terms",
    "eu.training_summary": False, "eu.training_summary_as": "none", "eu.copyright_policy": False,
    "eu.copyright_policy_as": "none",
}


def judge(profile: str = "default", **changes):
    signals = {**FULL, **{k.replace("__", "."): v for k, v in changes.items()}}
    return evaluate(RUBRIC, profile, signals, ())


def test_files_load_and_every_signal_is_produced():
    assert set(RUBRIC.axes) == set(AXES)
    assert {c.signal for c in RUBRIC.conditions.values()} <= set(SIGNALS)
    assert load_vocabulary().id == "openness-vocabulary"
    evidence_only = {"code.frameworks", "code.procedure_section", "code.repository", "code.not_code", "lineage.parent", "lineage.parents",
                     "eu.monetised"}
    derived = set(COMPONENT_SIGNALS)  # computed after the lookups and the lineage join
    assert set(FULL) == set(SIGNALS) - evidence_only - derived


def test_every_placeholder_names_a_signal():
    texts = [lv.summary for ax in RUBRIC.axes.values() for lv in ax.levels]
    texts += [c.unmet for c in RUBRIC.conditions.values()] + [c.met or "" for c in RUBRIC.conditions.values()]
    names = {m for t in texts for m in re.findall(r"\{([a-z_.]+)\}", t)}
    assert names - {"why_not_higher"} <= set(SIGNALS)


def test_no_profile_calls_unknown_open():
    for profile in RUBRIC.profiles.values():
        for axis in AXES:
            assert profile.word(axis, 0) == "closed"


@pytest.mark.parametrize(
    ("changes", "axis", "score", "word"),
    [
        ({}, "weights", 4, "open"),
        ({"weights__training_state": False}, "weights", 3, "open"),
        ({"license__class": "B", "weights__training_state": False}, "weights", 3, "open"),
        ({"license__class": "C"}, "weights", 2, "partial"),
        ({"license__class": "D", "gate": "auto"}, "weights", 2, "partial"),
        ({"gate": "manual"}, "weights", 1, "partial"),
        ({"license__class": "E"}, "weights", 1, "partial"),
        ({"license__class": "F"}, "weights", 1, "partial"),
        ({"weights__files": 0}, "weights", 0, "closed"),
        ({}, "data", 4, "open"),
        ({"code__data_processing": 0}, "data", 3, "open"),
        ({"data__datasets_not_open": 1}, "data", 3, "open"),
        ({"data__unreleased": 1}, "data", 2, "partial"),
        ({"data__described": False}, "data", 2, "partial"),
        ({"data__section": False}, "data", 3, "open"),
        ({"data__identified_count": 0, "data__datasets": 0}, "data", 1, "closed"),
        ({"data__identified_count": 0, "data__datasets": 0, "data__described": False}, "data", 0, "closed"),
        ({}, "code", 4, "open"),
        ({"code__evaluation": 0}, "code", 3, "open"),
        ({"code__training": 0, "code__finetune": 1}, "code", 2, "partial"),
        # RUBRIC.md C2: training code under a licence that is not open.
        ({"code__training_not_open": 1}, "code", 2, "partial"),
        ({"code__training": 0, "code__some_stage": 0}, "code", 1, "closed"),
        ({"code__training": 0, "code__some_stage": 0, "code__inference": 0}, "code", 0, "closed"),
    ],
)
def test_levels_follow_rubric(changes, axis, score, word):
    verdict = judge(**changes)[axis]
    assert (verdict.level, verdict.verdict) == (score, word)


def test_reason_says_why_not_higher():
    verdict = judge(license__class="C", license__label="some-rail")["weights"]
    assert verdict.reasons[0].startswith("level 2:")
    assert verdict.reasons[1] == ("not level 3: licence some-rail is class C (OSI-approved), "
                                  "not OSI-approved or open-content")


def test_unreadable_card_makes_card_axes_unknown_never_open():
    for status in ("unreadable", "unavailable"):
        verdicts = judge(card__status=status)
        assert verdicts["weights"].verdict == "open"
        assert (verdicts["data"].verdict, verdicts["data"].level) == ("unknown", None)
        assert (verdicts["code"].verdict, verdicts["code"].level) == ("unknown", None)


def test_absent_card_is_judged_not_unknown():
    assert judge(card__status="absent")["data"].verdict == "open"


@pytest.mark.parametrize(
    ("profile", "changes", "axis", "word"),
    [
        ("crfm", {"license__class": "C"}, "weights", "open"),
        # crfm: downloadable weights are open whatever the licence, not behind a manual gate
        ("crfm", {"license__class": "E"}, "weights", "open"),
        ("crfm", {"license__class": "F", "gate": "auto"}, "weights", "open"),
        ("crfm", {"license__class": "E", "gate": "manual"}, "weights", "partial"),
        ("crfm", {"gate": "manual"}, "weights", "partial"),
        ("crfm", {"gate": "unknown"}, "weights", "partial"),
        ("crfm", {"weights__files": 0}, "weights", "closed"),
        ("crfm", {"license__class": "E"}, "data", "open"),
        ("default", {"gate": "auto"}, "weights", "open"),
        ("osai", {"gate": "auto"}, "weights", "partial"),
        ("osi", {"license__class": "B"}, "weights", "partial"),
        ("osi", {"code__evaluation": 0}, "code", "partial"),
        ("osi", {}, "code", "open"),
    ],
)
def test_profiles(profile, changes, axis, word):
    assert judge(profile, **changes)[axis].verdict == word


def test_adapter_remark():
    reasons = judge(weights__adapter_only=True)["weights"].reasons
    assert any("adapter weights only" in r for r in reasons)


def test_rubric_rejects_undefined_condition():
    data = RUBRIC.model_dump(by_alias=True)
    data["axes"]["code"]["levels"][0]["requires"] = ["noSuchCondition"]
    with pytest.raises(ValueError, match="noSuchCondition"):
        Rubric.model_validate(data)


# ---- licences --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("card_data", "tags", "cls"),
    [
        ({"license": "apache-2.0"}, [], "A"),
        ({"license": "cc-by-4.0"}, [], "B"),
        ({"license": "bigscience-bloom-rail-1.0"}, [], "C"),
        ({"license": "llama2"}, [], "D"),
        ({"license": "gemma"}, [], "D"),
        ({"license": "cc-by-nc-4.0"}, [], "E"),
        ({"license": "unknown"}, [], "F"),
        ({"license": "gpl"}, [], "F"),
        ({}, [], "F"),
        ({}, ["license:mit"], "A"),
        ({"license": ["mit", "cc-by-nc-4.0"]}, [], "E"),
        ({"license": 42}, [], "F"),
        ({"license": "not-a-hub-id"}, [], "F"),
        ({"license": "other"}, [], "F"),
        ({"license": "other", "license_name": "deepseek"}, [], "C"),
        ({"license": "other", "license_name": "Tongyi Qianwen"}, [], "D"),
        ({"license": "other", "license_name": "microsoft-research-license"}, [], "E"),
        ({"license": "other", "license_name": "Gemma Terms of Use"}, [], "D"),
        ({"license": "other", "license_name": "llama3"}, [], "D"),
        ({"license": "other", "license_link": "https://ai.google.dev/gemma/terms"}, [], "D"),
        ({"license": "other", "license_name": "made-up-licence"}, [], "F"),
    ],
)
def test_licence_classes(card_data, tags, cls):
    verdict, _ = classify(LICENCES, card_data, tags)
    assert verdict.license_class == cls


def test_every_alias_name_is_normalised_and_classes_are_complete():
    for alias in LICENCES.aliases:
        assert all(normalise_name(n) == n for n in alias.names), alias.key
    assert set(LICENCES.classes) == set("ABCDEF")
    assert [LICENCES.classes[c].max_weights_level for c in "ABCDEF"] == [4, 4, 2, 2, 1, 1]


@pytest.mark.parametrize("cls", list("ABCDEF"))
def test_weights_never_exceed_the_licence_class_cap(cls):
    """licenses.yaml's max_weights_level and the rubric's licence conditions agree."""
    cap = LICENCES.classes[cls].max_weights_level
    assert judge(license__class=cls)["weights"].level == cap


def test_a_dataset_the_hub_does_not_know_stays_identified_but_is_not_verified_open():
    from openness.evidence.datasets import dataset_findings
    from openness.models import DatasetEntry

    found = dataset_findings([DatasetEntry(id="o/gone", status="missing"),
                              DatasetEntry(id="o/here", status="found", license="mit", license_class="A")])
    assert found.signals["data.datasets_missing"] == 1 and found.signals["data.datasets_not_open"] == 1
    assert "data.unreleased" not in found.signals and "not on this Hub: o/gone" in found.signals["data.datasets_summary"]
    verdict = judge(**{k.replace(".", "__"): v for k, v in found.signals.items()})["data"]
    assert (verdict.level, verdict.verdict) == (3, "open")
