"""Every rubric condition of an axis becomes a finding on the model's own card: met, not
met, unknown (could not tell: never taken for met or for a plain "no") or not applicable,
with the rubric's remediation when it is not met."""
from __future__ import annotations

import json

import pytest
from helpers import cli

from openness.assess import Judge
from openness.models import AXES
from openness.rubric.evaluate import axis_conditions, evaluate

DEFAULT = Judge.load()
OPEN_WEIGHTS = {"card.status": "ok", "weights.files": 2, "gate": "auto", "license.class": "A",
                "weights.training_state": False, "weights.adapter_only": False}


def by_condition(verdict):
    return {f.condition: f for f in verdict.findings}


def test_every_condition_of_the_rubric_says_why_and_what_to_do():
    rubric = DEFAULT.rubric
    remarks = {c for axis in rubric.axes.values() for c in axis.remarks}
    only_inform = {rule for rule in rubric.lineage.weight_edit.when_any} | (remarks - {"card_truncated"})
    for name, condition in rubric.conditions.items():
        assert condition.why, name
        assert condition.remediation or name in only_inform, name


def test_each_condition_of_an_axis_is_one_finding_in_the_rubrics_order():
    verdicts = evaluate(DEFAULT.rubric, "default", OPEN_WEIGHTS, ())
    for axis in AXES:
        names = [f.condition for f in verdicts[axis].findings]
        assert names == axis_conditions(DEFAULT.rubric, axis, DEFAULT.rubric.profiles["default"])
        assert len(names) == len(set(names)) > 0


def test_met_and_not_met_carry_the_value_and_the_reason():
    weights = by_condition(evaluate(DEFAULT.rubric, "default", OPEN_WEIGHTS, ())["weights"])
    assert weights["has_weights"].outcome == "met" and weights["has_weights"].value == 2
    assert weights["has_weights"].remediation is None
    state = weights["training_state_published"]
    assert state.outcome == "not_met" and state.value is False
    assert state.message == "no intermediate checkpoints or optimizer state found"
    assert state.remediation and "checkpoints" in state.remediation


def test_a_signal_nobody_produced_is_unknown_not_a_no():
    signals = {k: v for k, v in OPEN_WEIGHTS.items() if k != "weights.training_state"}
    weights = evaluate(DEFAULT.rubric, "default", signals, ())["weights"]
    state = by_condition(weights)["training_state_published"]
    assert state.outcome == "unknown" and state.value is None and state.remediation
    assert weights.level == 3  # the level is what it was: unknown is never met


def test_an_unread_card_leaves_every_finding_of_an_axis_that_needs_it_unknown():
    data = evaluate(DEFAULT.rubric, "default", {**OPEN_WEIGHTS, "card.status": "unreadable"}, ())["data"]
    assert data.verdict == "unknown"
    assert {f.outcome for f in data.findings} == {"unknown"}
    assert all("could not read the model card" in f.message for f in data.findings)


def test_a_profile_condition_applies_only_when_the_level_is_called_open():
    gated = {**OPEN_WEIGHTS, "gate": "auto"}
    osai = by_condition(evaluate(DEFAULT.rubric, "osai", gated, ())["weights"])
    assert osai["gate_absent"].outcome == "not_met"  # level 3 would be open: the gate keeps it partial
    no_licence = {**gated, "license.class": "F"}
    osai = by_condition(evaluate(DEFAULT.rubric, "osai", no_licence, ())["weights"])
    assert osai["gate_absent"].outcome == "not_applicable"  # level 1 is partial anyway
    assert "gate_absent" not in by_condition(evaluate(DEFAULT.rubric, "default", gated, ())["weights"])


def test_findings_come_through_the_lineage_join_and_into_json(hub_url):
    run = cli("score", "lineage/chat-ft", "-f", "json", endpoint=hub_url)
    model = json.loads(run.stdout)["models"][0]
    for axis in AXES:
        outcomes = {f["condition"]: f["outcome"] for f in model["axes"][axis]["findings"]}
        assert outcomes and set(outcomes.values()) <= {"met", "not_met", "unknown", "not_applicable"}
    assert model["axes"]["data"]["findings"][0]["condition"] == "datasets_pinned"


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_explain_shows_what_to_change_for_a_condition_not_met(hub_url, fmt):
    run = cli("explain", "lineage/chat-ft", "--endpoint", hub_url, *(["--format", "json"] if fmt == "json" else []))
    assert run.code == 0, run.stderr
    if fmt == "text":
        assert "            to change it: " in run.stdout
    else:
        conditions = [c for axis in json.loads(run.stdout)["axes"].values() for lv in axis["levels"]
                      for c in lv["conditions"]]
        assert any(c["outcome"] == "not_met" and c["remediation"] for c in conditions)


def test_a_remark_that_does_not_hold_asks_nothing_of_the_publisher():
    weights = by_condition(evaluate(DEFAULT.rubric, "default", OPEN_WEIGHTS, ())["weights"])
    assert weights["adapter_only"].outcome == "not_applicable" and weights["adapter_only"].remediation is None
    adapter = by_condition(evaluate(DEFAULT.rubric, "default", {**OPEN_WEIGHTS, "weights.adapter_only": True}, ())["weights"])
    assert adapter["adapter_only"].outcome == "met" and "base model" in adapter["adapter_only"].message
