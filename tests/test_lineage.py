"""Derived models: parents are followed and joined, listed datasets are looked up."""
from __future__ import annotations

import pytest

from helpers import axes, cli


@pytest.fixture(scope="module")
def lineage_report(hub):
    ids = ["lineage/chat-ft", "lineage/base-closed-GGUF", "lineage/rail-quant", "lineage/merge-two",
           "lineage/orphan-ft", "lineage/gated-parent-ft", "lineage/cycle-a", "lineage/self-parent",
           "lineage/missing-data", "lineage/gated-data", "lineage/adapter-of-closed", "deep/step-20",
           "deep/long-40"]
    hub.reset_stats()
    return cli("score", *ids, "-f", "json", endpoint=hub.url)


def test_whole_batch_scored(lineage_report):
    assert lineage_report.code == 0, lineage_report.stderr
    assert all(m["status"] == "scored" for m in lineage_report.json()["models"])


def test_finetune_of_closed_base_is_partial_with_both_sides(lineage_report):
    model = lineage_report.model("lineage/chat-ft")
    assert axes(model) == ("open", "partial", "partial")
    assert model["lineage"] == [{"repo_id": "lineage/base-closed", "relation": "finetune", "depth": 1,
                                 "status": "scored", "axes": {"weights": "open", "data": "closed", "code": "closed"},
                                 "reason": None}]
    reasons = model["axes"]["data"]["reasons"]
    assert reasons[0] == "level 2: partial (fine-tune open, base lineage/base-closed closed)"
    assert reasons[1].startswith("own stage (fine-tune): level 3")
    assert reasons[2].startswith("finetune parent lineage/base-closed: level 0")
    assert any("2 of 2 on the Hub" in r for r in reasons)


def test_quantized_copy_inherits_data_and_code(lineage_report):
    model = lineage_report.model("lineage/base-closed-GGUF")
    assert axes(model) == ("open", "closed", "closed")
    assert model["lineage"][0]["relation"] == "quantized"
    assert model["axes"]["data"]["reasons"][0].startswith("inherited from quantized parent lineage/base-closed")


def test_licence_restriction_flows_down(lineage_report):
    rail = lineage_report.model("lineage/rail-quant")
    assert rail["license"]["class"] == "C" and rail["axes"]["weights"]["verdict"] == "partial"
    assert "restricted-by-parent:lineage/rail-base" in rail["license"]["flags"]
    gated_parent = lineage_report.model("lineage/gated-parent-ft")
    assert gated_parent["license"]["class"] == "D"


def test_list_of_parents_is_a_merge_joined_over_all(lineage_report):
    model = lineage_report.model("lineage/merge-two")
    assert [(p["repo_id"], p["relation"]) for p in model["lineage"]] == [
        ("lineage/base-open", "merge"), ("lineage/base-closed", "merge")]
    assert axes(model)[1:] == ("partial", "partial")


def test_adapter_relation_inferred_from_files(lineage_report):
    model = lineage_report.model("lineage/adapter-of-closed")
    assert model["lineage"][0]["relation"] == "adapter"
    assert model["axes"]["data"]["verdict"] == "partial"


def test_missing_parent_is_named_and_caps_the_joined_axes_at_partial(lineage_report):
    model = lineage_report.model("lineage/orphan-ft")
    entry = model["lineage"][0]
    assert (entry["repo_id"], entry["status"]) == ("lineage/does-not-exist", "not_found")
    for axis in ("data", "code"):
        assert model["axes"][axis]["level"] <= 2


def test_missing_parent_leaves_own_weights_with_the_unchecked_licence_named(lineage_report):
    weights = lineage_report.model("lineage/orphan-ft")["axes"]["weights"]
    assert weights["verdict"] == "open"  # its own files, no gate, apache-2.0
    assert any("could not be judged, so its licence was not checked" in r for r in weights["reasons"])


@pytest.mark.parametrize("repo_id", ["lineage/cycle-a", "lineage/self-parent"])
def test_cycles_are_cut_and_reported(lineage_report, repo_id):
    model = lineage_report.model(repo_id)
    assert any(entry["status"] == "cycle" for entry in model["lineage"])
    assert any("could not be judged" in r for r in model["axes"]["weights"]["reasons"])
    for axis in ("data", "code"):
        assert model["axes"][axis]["level"] <= 2


def test_missing_and_gated_datasets(lineage_report):
    missing = lineage_report.model("lineage/missing-data")
    assert [(d["id"], d["status"]) for d in missing["datasets"]] == [
        ("lineage/no-such-dataset", "missing"), ("lineage/sft-open", "found")]
    assert missing["axes"]["data"]["verdict"] == "partial"
    gated = lineage_report.model("lineage/gated-data")
    assert gated["datasets"][0]["gated"] == "manual"
    assert gated["axes"]["data"]["level"] < 4
    sft = missing["datasets"][1]
    assert (sft["license"], sft["class"], sft["gated"]) == ("mit", "A", False)


def test_twenty_deep_chain_is_followed_to_the_root(lineage_report):
    model = lineage_report.model("deep/step-20")
    assert [e["depth"] for e in model["lineage"]] == list(range(1, 21))
    assert all(e["status"] == "scored" for e in model["lineage"])


def test_chain_beyond_the_depth_cap_stops_with_a_reason(lineage_report):
    model = lineage_report.model("deep/long-40")
    capped = [e for e in model["lineage"] if e["status"] == "depth_cap"]
    assert len(capped) == 1 and "depth cap" in capped[0]["reason"]


def test_no_hub_path_is_requested_twice_in_a_run(lineage_report, hub):
    assert hub.stats["repeated"] == {}


def test_children_of_one_parent_fetch_it_once(hub):
    children = [f"kids/child-{n:02d}" for n in range(1, 9)]
    hub.reset_stats()
    run = cli("score", *children, "--jobs", "8", "-f", "json", endpoint=hub.url)
    assert run.code == 0
    assert hub.stats["repeated"] == {}
    assert hub.stats["by_path"]["GET /api/models/kids/parent"] == 1
    assert hub.stats["by_path"]["GET /api/datasets/lineage/sft-open"] == 1
    assert all(m["lineage"][0]["repo_id"] == "kids/parent" for m in run.json()["models"])
