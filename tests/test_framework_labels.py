"""The G7 labels, the OSAID alignment check and the Open Source AI Index vector
(rubrics/g7.yaml, osaid.yaml, osai.yaml): each label and condition on synthetic signals,
and the deployment-code evidence they read (openness/evidence/access.py)."""
from __future__ import annotations

import re
from typing import Any

import pytest
from helpers import cli

from openness.evidence import extract_evidence
from openness.models import CardFile, ModelSnapshot
from openness.rubric import load_licences, load_vocabulary
from openness.rubric.frameworks import judge_framework
from openness.rubric.loader import load_frameworks, rubric_dir

FRAMEWORKS = load_frameworks((rubric_dir(),))


def snapshot(card: str | None, *, status: str = "ok", library_name: str | None = None) -> ModelSnapshot:
    return ModelSnapshot(repo_id="t/m", sha="0" * 40, siblings=["README.md", "model.safetensors"],
                         library_name=library_name,
                         card=CardFile(status=status if card is not None or status != "ok" else "absent", text=card))


def signals_of(card: str | None, **kw: Any) -> dict[str, Any]:
    return extract_evidence(snapshot(card, **kw), load_vocabulary(), load_licences()).signals


# ---- deployment code ---------------------------------------------------------------------

def test_an_inference_engine_the_card_names_is_deployment_code():
    card = "# M\n\nThese weights are compatible with [vLLM](https://github.com/vllm-project/vllm) serving.\n"
    found = signals_of(card)
    assert found["code.inference"] == 0  # a general engine is not the model's own code
    assert found["access.deployment"] == 1 and "vllm-project/vllm" in found["access.deployment_as"]


def test_the_models_own_code_or_library_is_deployment_code_and_a_training_codebase_is_not():
    assert signals_of("# M\n\nNothing here.\n", library_name="transformers")["access.deployment"] == 1
    trained = "# M\n\nTrained with [GPT-NeoX](https://github.com/EleutherAI/gpt-neox).\n"
    assert signals_of("# M\n\nNothing here.\n")["access.deployment"] == 0
    assert signals_of(trained)["access.deployment"] == signals_of(trained)["code.inference"]


def test_an_unread_card_leaves_deployment_code_unknown_not_absent():
    assert signals_of(None, status="unreadable")["access.deployment"] is None
    assert signals_of(None, status="unreadable", library_name="transformers")["access.deployment"] == 1


# ---- G7 ----------------------------------------------------------------------------------

OPEN = {"weights.files": 2, "gate": "none", "access.deployment": 1, "access.deployment_as": "x", "license.class": "A",
        "license.label": "apache-2.0", "openness.code.level": 4, "openness.data.level": 4,
        "code.inference": 1, "code.data_processing": 1}


def outcome(framework: str, **changes: Any) -> str:
    result = judge_framework(FRAMEWORKS[framework], {**OPEN, **changes})
    assert result.outcome is not None
    return result.outcome.value


@pytest.mark.parametrize("changes, label", [
    ({}, "open-source-open-data"),
    ({"openness.data.level": 3}, "open-source"),
    ({"openness.data.level": 2}, "open-weights"),
    ({"openness.code.level": 2}, "open-weights"),
    ({"gate": "auto"}, "open-source-open-data"),
    ({"license.class": "B"}, "weights-available"),
    ({"license.class": "C"}, "weights-available"),
    ({"license.class": "D", "gate": "manual"}, "weights-available"),
    ({"license.class": "E"}, "weights-available"),
    ({"license.class": "F"}, "weights-available"),
    ({"gate": "manual"}, "weights-available"),
    ({"gate": "unknown", "license.class": "D"}, "weights-available"),
    ({"weights.files": 0}, "none"),
    ({"access.deployment": 0}, "none"),
    # what the tool could not see stops at unknown, never at a lower label
    ({"openness.data.level": None}, "unknown"),
    ({"openness.code.level": None}, "unknown"),
    ({"access.deployment": None}, "unknown"),
    # ... unless a condition it could see rules the upper labels out
    ({"openness.data.level": None, "license.class": "D"}, "weights-available"),
    ({"openness.code.level": None, "openness.data.level": 2}, "open-weights"),
])
def test_g7_labels(changes, label):
    assert outcome("g7", **changes) == label


def test_g7_explains_what_lifts_a_weights_available_model():
    result = judge_framework(FRAMEWORKS["g7"], {**OPEN, "license.class": "D", "openness.data.level": 1})
    label = result.dimensions["label"]
    assert label.verdict == "Weights Available AI" and label.next_level == "Open Weights AI"
    assert label.next_needs == ["open_source_licence"]


def test_g7_cites_its_source_for_every_condition():
    g7 = FRAMEWORKS["g7"]
    assert g7.date == "2026-05-29" and all(c.source for c in g7.conditions.values())
    assert "project's reading" in g7.description and "manual approval gate" in g7.description


# ---- OSAID -------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, code", [
    ({}, "aligned"),
    ({"openness.data.level": 3, "openness.code.level": 3, "code.data_processing": 0}, "aligned"),
    ({"gate": "auto"}, "aligned"),
    ({"license.class": "B"}, "not-aligned"),
    ({"license.class": "C"}, "not-aligned"),
    ({"license.class": "D"}, "not-aligned"),
    ({"license.class": "E"}, "not-aligned"),
    ({"license.class": "F"}, "not-aligned"),
    ({"gate": "manual"}, "not-aligned"),
    ({"weights.files": 0}, "not-aligned"),
    ({"openness.data.level": 2}, "not-aligned"),
    ({"openness.code.level": 2}, "not-aligned"),
    ({"code.inference": 0}, "not-aligned"),
    ({"openness.data.level": None}, "unknown"),
    ({"openness.data.level": None, "license.class": "C"}, "not-aligned"),
])
def test_osaid_alignment(changes, code):
    assert outcome("osaid", **changes) == code


def test_osaid_reports_data_processing_code_without_deciding_on_it():
    result = judge_framework(FRAMEWORKS["osaid"], {**OPEN, "code.data_processing": 0})
    alignment = result.dimensions["alignment"]
    assert alignment.verdict == "aligned (unofficial)"
    assert [f.outcome for f in alignment.findings if f.condition == "data_processing_code"] == ["not_met"]


_CLAIMS = re.compile(r"OSI[- ]approved|certified", re.IGNORECASE)


def test_osaid_never_claims_osi_approval_or_certification(monkeypatch):
    """OSI reviews licences, not models: no word of the OSAID rubric says a model is approved."""
    monkeypatch.delenv("OPENNESS_RUBRIC_PATH", raising=False)
    osaid = FRAMEWORKS["osaid"]
    assert "not models" in osaid.description
    shown = cli("rubric", "show", "osaid").stdout
    docs = cli("rubric", "docs").stdout
    section = docs.split("(`osaid`", 1)[1].split("\n## ", 1)[0]
    assert shown and section
    for text in (shown, section, osaid.model_dump_json()):
        assert not _CLAIMS.search(text), _CLAIMS.search(text)


def test_no_osaid_result_claims_osi_approval_or_certification(hub_url):
    """What the check says of a model never claims approval; the evidence lines under it
    may still say a licence is OSI-approved, which is what the OSI does review."""
    models = ["openlab/atlas-7b", "railco/meadow-3b", "ncco/lumen-2b"]
    for model in models:
        text = cli("explain", model, "-F", "osaid", "--endpoint", hub_url).stdout
        said = [line for line in text.split("=== osaid", 1)[1].splitlines() if not line.strip().startswith("<-")]
        assert "aligned" in "\n".join(said) and not _CLAIMS.search("\n".join(said)), model
    table = cli("score", *models, "-F", "osaid", "-f", "markdown", endpoint=hub_url).stdout
    rows = [line.rsplit("|", 2)[1] for line in table.splitlines() if line.startswith("| ") and "/" in line]
    assert len(rows) == 3 and {row.strip() for row in rows} <= {"aligned (unofficial)", "not aligned", "unknown"}
    assert "osaid" in table  # the licence-class legend below the table may name OSI-approved licences


# ---- both sides of the lineage join, and the OSAI vector -----------------------------------

def _model(repo_id: str, card: str, licence: str = "apache-2.0", **card_data: Any) -> ModelSnapshot:
    return ModelSnapshot(repo_id=repo_id, sha="0" * 40, siblings=["README.md", "model.safetensors"],
                         library_name="transformers", card_data={"license": licence, **card_data},
                         card=CardFile(status="ok", text=f"# M\n\n{card}"))


BASE_CLOSED = "## Training data\n\nA mix of publicly available data.\n"
TUNE_OPEN = ("## Training data\n\nFine-tuned on The Pile (deduplicated and filtered), 300B tokens.\n\n"
             "The training code is at https://github.com/t/trainer.\n")


def _score(models: list[ModelSnapshot], repo_id: str):
    from memory_source import MemorySource

    from openness.api import score

    return score(repo_id, source=MemorySource(models), repos=False, rubrics=["osai"])


def test_a_fine_tune_gets_its_base_models_data_and_its_own_stage_apart():
    """The index rates base-model and end-model data apart: the join's two sides, not the join."""
    models = [_model("t/base", BASE_CLOSED), _model("t/tune", TUNE_OPEN, base_model="t/base")]
    card = _score(models, "t/tune")
    assert card.axes["data"].verdict == "partial"  # the join: own open, base closed
    dims = {name: dim.verdict for name, dim in card.results["osai"].dimensions.items()}
    assert dims["datasources_basemodel"] == "closed" and dims["datasources_endmodel"] == "open"
    assert dims["weights_basemodel"] == "open" and dims["weights_endmodel"] == "open"


def test_a_model_without_parents_is_its_own_base_and_a_missing_parent_leaves_the_base_unknown():
    card = _score([_model("t/solo", TUNE_OPEN)], "t/solo")
    dims = {name: dim.verdict for name, dim in card.results["osai"].dimensions.items()}
    assert dims["datasources_basemodel"] == dims["datasources_endmodel"] == "open"
    orphan = _score([_model("t/orphan", TUNE_OPEN, base_model="t/gone")], "t/orphan")
    dims = {name: dim.verdict for name, dim in orphan.results["osai"].dimensions.items()}
    assert dims["datasources_basemodel"] is None and dims["weights_basemodel"] is None  # unknown
    assert dims["datasources_endmodel"] == "open"


OSAI_OPEN = {"openness.data.base_level": 4, "openness.data.own_level": 4, "openness.weights.base_level": 4,
             "openness.weights.level": 4, "openness.code.level": 4, "openness.data.level": 4, "gate": "none",
             "license.class": "A"}


@pytest.mark.parametrize("changes, expected", [
    ({}, {"availability": "open", "weights_endmodel": "open", "licenses": "open"}),
    ({"gate": "auto"}, {"availability": "partial", "weights_endmodel": "partial"}),
    ({"openness.weights.level": 2, "license.class": "D"}, {"weights_endmodel": "partial", "licenses": "closed"}),
    ({"openness.weights.level": 0}, {"availability": "closed", "weights_endmodel": "closed"}),
    ({"openness.data.level": 3}, {"licenses": "partial", "availability": "open"}),
    ({"openness.code.level": 2}, {"trainingcode": "partial", "licenses": "partial", "availability": "partial"}),
    ({"openness.code.level": 1}, {"trainingcode": "closed"}),
    ({"openness.data.base_level": 2, "openness.data.own_level": 1},
     {"datasources_basemodel": "partial", "datasources_endmodel": "closed"}),
    ({"openness.weights.base_level": 1}, {"weights_basemodel": "partial"}),
    ({"openness.data.base_level": None}, {"datasources_basemodel": None, "availability": None}),
])
def test_osai_parameters(changes, expected):
    result = judge_framework(FRAMEWORKS["osai"], {**OSAI_OPEN, **changes})
    assert {name: result.dimensions[name].verdict for name in expected} == expected
    if "availability" in expected:
        assert result.outcome is not None and result.outcome.value == (expected["availability"] or "unknown")


def test_every_osai_condition_cites_the_index_and_names_what_is_not_rated():
    osai = FRAMEWORKS["osai"]
    assert all(c.source for c in osai.conditions.values())
    assert "Not rated here" in osai.description and "API and meta prompts" in osai.description.split("Not rated here")[1]


# ---- the package a model is released as --------------------------------------------------

def _package_signals(card: str, repo_id: str = "acme/Olmo-7B") -> dict[str, Any]:
    snap = ModelSnapshot(repo_id=repo_id, sha="0" * 40, siblings=["README.md"], card=CardFile(status="ok", text=card))
    return extract_evidence(snap, load_vocabulary(), load_licences()).signals


@pytest.mark.parametrize("card, packages", [
    ("```\npip install ai2-olmo\n```\n", "ai2-olmo"),
    ("Run `pip install -U acme_tools>=1.2` first.\n", "acme-tools"),  # named after the publisher
    ("```\nconda install -c conda-forge olmo-serve\n```\n", "olmo-serve"),
    # general libraries, another model's words, commands that are not installs from an index
    ("```\npip install transformers accelerate bitsandbytes\n```\n", "none"),
    ("```\npip install llama-cpp-python\n```\n", "none"),
    ("```\npip install git+https://github.com/acme/olmo.git\npip install -e .\n```\n", "none"),
    ("```\npip install torch # then olmo-tools from source\n```\n", "none"),
    ("```\npip install other-kernels\n```\n", "none"),
    ("We install olmo by hand.\n", "none"),
])
def test_a_package_named_after_the_model_or_its_publisher_is_its_packaged_release(card, packages):
    found = _package_signals(card)
    assert found["access.package_as"] == packages
    assert found["access.package"] == (0 if packages == "none" else len(packages.split(", ")))


def test_a_package_named_after_another_word_of_the_models_name_is_a_dependency():
    assert _package_signals("```\npip install mamba-ssm\n```\n", "acme/falcon-mamba-7b")["access.package"] == 0
    assert _package_signals("```\npip install mamba-ssm\n```\n", "acme/mamba-2.8b")["access.package"] == 1


def test_weights_in_a_layout_libraries_load_have_deployment_code():
    def deployment(files: list[str]) -> Any:
        snap = ModelSnapshot(repo_id="t/m", sha="0" * 40, siblings=["README.md", *files],
                             card=CardFile(status="ok", text="# M\n\nNothing here.\n"))
        return extract_evidence(snap, load_vocabulary(), load_licences()).signals["access.deployment"]

    assert deployment(["model.safetensors", "config.json"]) == 1
    assert deployment(["model-q4.gguf"]) == 1
    assert deployment(["model.safetensors"]) == 0
    assert deployment(["config.json"]) == 0  # no weights: nothing to deploy


@pytest.mark.parametrize("changes, package", [
    ({"access.package": 1}, "open"),
    ({"access.package": 0, "access.deployment": 2}, "partial"),
    ({"access.package": 0, "access.deployment": 0}, "closed"),
    ({"access.package": None, "access.deployment": None}, None),
])
def test_osai_package(changes, package):
    assert judge_framework(FRAMEWORKS["osai"], {**OSAI_OPEN, **changes}).dimensions["package"].verdict == package


DOCUMENTED = {**OSAI_OPEN, "docs.paper": 1, "docs.paper_as": "arXiv:2402.00838", "lineage.parents": 0,
              "eu.architecture_public": True, "eu.architecture_public_as": "config.json", "docs.data_card": True,
              "docs.eval_results": True, "card.status": "ok", "data.processing": True}


@pytest.mark.parametrize("changes, expected", [
    ({}, {"preprint": "open", "modelcard": "open", "datasheet": "open"}),
    ({"lineage.parents": 1}, {"preprint": "partial"}),  # its paper may not cover its base
    ({"docs.paper": 0}, {"preprint": "closed"}),
    ({"docs.eval_results": False}, {"modelcard": "partial"}),
    ({"eu.architecture_public": False}, {"modelcard": "partial"}),
    ({"data.processing": False}, {"datasheet": "partial", "modelcard": "open"}),
    ({"docs.data_card": False}, {"datasheet": "closed", "modelcard": "partial"}),
    ({"card.status": "absent", "docs.data_card": False, "docs.eval_results": False, "docs.paper": 0},
     {"modelcard": "closed"}),
    # a card that could not be read leaves the documentation unknown, never closed
    ({"card.status": "unreadable", "docs.paper": None, "docs.data_card": None, "docs.eval_results": None,
      "eu.architecture_public": None}, {"preprint": None, "modelcard": None, "datasheet": None}),
])
def test_osai_documentation(changes, expected):
    result = judge_framework(FRAMEWORKS["osai"], {**DOCUMENTED, **changes})
    assert {name: result.dimensions[name].verdict for name in expected} == expected


def test_an_install_command_ends_at_a_lone_carriage_return_like_any_line():
    # A lone "\r" ends a line for the card parser; the command was read on past it, so the
    # next line's words ("Olmo-7B is ...") became packages the card installs.
    assert _package_signals("```\rpip install torch\rOlmo-7B is the model.\r```\r")["access.package_as"] == "none"
    snap = ModelSnapshot(repo_id="acme/Olmo-7B", sha="0" * 40, siblings=["README.md"],
                         card=CardFile(status="ok", text="# M\r\r```\rpip install ai2-olmo\r```\r"))
    found = extract_evidence(snap, load_vocabulary(), load_licences()).evidence
    assert [e.source for e in found if e.signal == "access.package"] == ["README.md line 4"]
