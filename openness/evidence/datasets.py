"""What the Hub says of the datasets a model names: found or missing, licence class, gate."""
from __future__ import annotations

from typing import Any

from openness.errors import ModelNotFound, SourceError
from openness.evidence.extractors import Extracted, listing
from openness.evidence.licences import classify
from openness.models import DatasetEntry, DatasetSnapshot
from openness.rubric.schema import Licences

DatasetLookup = DatasetSnapshot | SourceError
_OPEN_CLASSES = {"A", "B"}


def dataset_entry(dataset_id: str, found: DatasetLookup, licences: Licences) -> DatasetEntry:
    """One dataset as the report shows it."""
    if isinstance(found, ModelNotFound):
        return DatasetEntry(id=dataset_id, status="missing")
    if isinstance(found, SourceError):
        return DatasetEntry(id=dataset_id, status="error")
    card = {"license": found.license} if found.license is not None else {}
    verdict, _ = classify(licences, card, found.tags)
    return DatasetEntry(id=found.id, status="found", license=verdict.id, license_class=verdict.license_class,
                        gated=found.gated)


def dataset_findings(entries: list[DatasetEntry], signals: dict[str, Any]) -> Extracted:
    """Signals and evidence from the dataset lookups, refining what the card alone said."""
    out = Extracted()
    missing = [e.id for e in entries if e.status == "missing"]
    not_open = [e.id for e in entries if not _is_open(e)]
    for entry in entries:
        out.add("data.datasets", f"dataset {entry.id} on the Hub", _describe(entry), "high")
    found = [e for e in entries if e.status == "found"]
    licences = sorted({e.license or "no licence" for e in found})
    summary = (f"{len(found)} of {len(entries)} on the Hub" + (f", {', '.join(licences)}" if licences else "")
               if entries else "no Hub datasets named")
    unreleased = int(signals.get("data.unreleased", 0)) + len(missing)
    out.signals.update({
        "data.datasets_missing": len(missing),
        "data.datasets_not_open": len(not_open),
        "data.datasets_summary": summary,
        "data.identified_count": int(signals.get("data.identified_count", 0)) - len(missing),
        "data.unreleased": unreleased,
    })
    if missing:
        before = signals.get("data.unreleased_as", "none")
        named = listing(missing) + " (not on the Hub)"
        out.signals["data.unreleased_as"] = named if before == "none" else f"{before}, {named}"
    return out


def _is_open(entry: DatasetEntry) -> bool:
    return entry.status == "found" and entry.license_class in _OPEN_CLASSES and entry.gated != "manual"


def _describe(entry: DatasetEntry) -> str:
    if entry.status == "missing":
        return f"{entry.id} does not exist on the Hub (or is private)"
    if entry.status == "error":
        return f"{entry.id} could not be looked up"
    gate = {False: "no gate", "auto": "click-through gate", "manual": "manual approval gate"}[entry.gated]
    return f"{entry.id}: licence {entry.license or 'none'} (class {entry.license_class}), {gate}"
