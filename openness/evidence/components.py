"""The Model Openness Framework's components, each with its status, derived from signals.

MOF (White et al. 2024; the LF AI & Data Model Openness Tool implements it) lists 17
components of a model release, 14 of them required, each with a content type. A component
counts when it is present and under an open licence. Its licence is resolved as the tool
does: the component's own licence when known, else the licence of its content type, else
the release's distribution licence (here the licence the card declares, after lineage).
An open licence is OSI-approved, FSF-libre or an open-data licence (`license.libre`).

Statuses, the words the MOT uses: `included`, `invalid licence` (present under a licence
that is not open, or that cannot be resolved), `unlicensed` (present, no licence declared),
`missing` (not shown), and None: could not tell (the card was not read), never included.

Pure: signals in, `mof.<component>` signals out. Run after the lookups and the lineage
join (openness.rubric.frameworks), so repository and dataset answers count.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

ContentType = Literal["code", "data", "document"]
Presence = Callable[[dict[str, Any]], bool | None]


@dataclass(frozen=True)
class Component:
    name: str
    title: str
    content: ContentType
    required: bool
    present: Presence
    """True when the evidence shows it, False when it does not, None when it could not look."""
    not_open: str | None = None
    """A signal counting the component's own parts under a licence that is not open."""
    unchecked: str | None = None
    """A signal counting its own parts whose licence could not be checked."""


def _at_least(signal: str, count: int = 1) -> Presence:
    def present(signals: dict[str, Any]) -> bool | None:
        value = signals.get(signal)
        return None if value is None else isinstance(value, (int, float)) and not isinstance(value, bool) and value >= count
    return present


def _true(signal: str) -> Presence:
    def present(signals: dict[str, Any]) -> bool | None:
        value = signals.get(signal)
        return None if value is None else bool(value)
    return present


def _card_read(signals: dict[str, Any]) -> bool | None:
    status = signals.get("card.status")
    return None if status in ("unreadable", "unavailable", None) else status == "ok"


def _datasets(signals: dict[str, Any]) -> bool | None:
    """The training datasets themselves: identified, and none kept back."""
    identified, unreleased = signals.get("data.identified_count"), signals.get("data.unreleased")
    if identified is None or signals.get("docs.data_card") is None:
        return None
    return bool(signals.get("docs.data_card")) and identified >= 1 and not unreleased


def _preprocessing(signals: dict[str, Any]) -> bool | None:
    """The model's own data-preparation code, or the published code that built the corpus
    it was trained on as published, when nothing else is kept back."""
    own, corpora = signals.get("code.data_processing"), signals.get("data.corpora_code")
    if own is None or corpora is None:
        return None
    return own >= 1 or (corpora >= 1 and not signals.get("data.unreleased"))


COMPONENTS: tuple[Component, ...] = (
    # Class III, Open Model
    Component("architecture", "Model architecture", "code", True, _true("files.architecture")),
    Component("final_parameters", "Model parameters (final)", "data", True, _at_least("weights.files")),
    Component("technical_report", "Technical report", "document", True, _at_least("docs.paper")),
    Component("evaluation_results", "Evaluation results", "document", True, _true("docs.eval_results")),
    Component("model_card", "Model card", "document", True, _card_read),
    Component("data_card", "Data card", "document", True, _true("docs.data_card")),
    Component("sample_outputs", "Sample model outputs", "data", False, lambda signals: None),
    # Class II, Open Tooling
    Component("training_code", "Training code", "code", True, _at_least("code.some_stage"),
              not_open="code.training_not_open"),
    Component("inference_code", "Inference code", "code", True, _at_least("code.inference")),
    Component("evaluation_code", "Evaluation code", "code", True, _at_least("code.evaluation")),
    Component("evaluation_data", "Evaluation data", "data", True, _at_least("docs.eval_data")),
    Component("supporting_libraries", "Supporting libraries and tools", "code", False, _at_least("code.inference")),
    # Class I, Open Science
    Component("research_paper", "Research paper", "document", True, _at_least("docs.paper")),
    Component("datasets", "Datasets", "data", True, _datasets, not_open="data.datasets_closed",
              unchecked="data.datasets_unchecked"),
    Component("data_preprocessing_code", "Data preprocessing code", "code", True, _preprocessing),
    Component("intermediate_parameters", "Model parameters (intermediate)", "data", True,
              _true("weights.training_state")),
    Component("model_metadata", "Model metadata (training configuration, optimizer state)", "data", False,
              _true("weights.training_state")),
)

COMPONENT_SIGNALS = tuple(f"mof.{c.name}" for c in COMPONENTS)


def component_statuses(signals: dict[str, Any]) -> dict[str, str | None]:
    """`mof.<component>`: the status of each component, from the model's signals (its
    licence already joined with its parents')."""
    return {f"mof.{c.name}": status(c, signals) for c in COMPONENTS}


def status(component: Component, signals: dict[str, Any]) -> str | None:
    present = component.present(signals)
    if present is None:
        return None
    if not present:
        return "missing"
    own = _own_licence_not_open(component, signals)
    if own is None:
        return None
    if own:
        return "invalid licence"
    if signals.get("license.id") in (None, "none"):
        return "unlicensed"
    return "included" if signals.get("license.libre") else "invalid licence"


def _own_licence_not_open(component: Component, signals: dict[str, Any]) -> bool | None:
    """Whether the component's own parts are known to be under a licence that is not open
    (None: some could not be checked). A dataset the Hub does not hold is neither: its
    licence is unknown to the Hub, and the release's licence stands for it, as the MOT
    resolves a component without a licence of its own."""
    count = signals.get(component.not_open) if component.not_open else 0
    if isinstance(count, int) and count >= 1:
        return True
    unchecked = signals.get(component.unchecked) if component.unchecked else 0
    if count is None or (isinstance(unchecked, int) and unchecked >= 1):
        return None
    return False
