"""What the Hub says of the datasets a model names: found or missing, licence class, gate."""
from __future__ import annotations


from collections.abc import Mapping

from openness.errors import ModelNotFound, SourceError, could_not_look
from openness.evidence.extractors import Extracted, listing
from openness.evidence.licences import classify
from openness.models import DatasetEntry, DatasetSnapshot
from openness.evidence.terms import Licences

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


def lookup_failure(found: DatasetLookup) -> str | None:
    """Why the dataset could not be looked at (the Hub failing or not answering, a rate
    limit, offline), or None when the Hub answered (a 404 is an answer: "missing")."""
    if isinstance(found, SourceError) and could_not_look(found):
        return str(found).split(": ", 1)[-1]
    return None


def dataset_findings(entries: list[DatasetEntry], unknown: Mapping[str, str] | None = None) -> Extracted:
    """Signals and evidence from the dataset lookups, refining what the card alone said.

    A named id the Hub does not know still identifies the data and says where the
    publisher put it (the Hub answers the same for a deleted, private or unmirrored
    dataset), so it stays identified (D3 asks for that); it cannot be verified as
    downloadable under open terms, so it counts against D4 (`data.datasets_not_open`).

    `unknown` maps the ids whose lookup failed (see lookup_failure) to the reason. Such a
    dataset is not missing: it is unknown. Unknown is never open, so it still keeps D4
    from being confirmed, but the summary (and so the reason a reader sees) says that it
    could not be looked up and why, so that a failed lookup never lowers a verdict silently.
    """
    out = Extracted()
    unknown = {key.lower(): why for key, why in (unknown or {}).items()}
    failed = [e.id for e in entries if e.status == "error" and e.id.lower() in unknown]
    missing = [e.id for e in entries if e.status == "missing"]
    not_open = [e.id for e in entries if not _is_open(e)]
    for entry in entries:
        out.add("data.datasets", f"dataset {entry.id} on the Hub", _describe(entry, unknown.get(entry.id.lower())),
                "high")
    found = [e for e in entries if e.status == "found"]
    licences = sorted({e.license or "no licence" for e in found})
    summary = (f"{len(found)} of {len(entries)} on the Hub" + (f", {', '.join(licences)}" if licences else "")
               if entries else "no Hub datasets named")
    if missing:
        summary += f"; not on this Hub: {listing(missing)}"
    if failed:
        why = sorted({unknown[key.lower()] for key in failed})
        summary += f"; could not be looked up: {listing(failed)} ({listing(why, 2)}): terms unknown, not missing"
    closed = [e.id for e in entries if e.status == "found" and not _is_open(e)]
    out.signals.update({
        "data.datasets_missing": len(missing),
        "data.datasets_not_open": len(not_open),
        "data.datasets_closed": len(closed),
        "data.datasets_unchecked": len(failed) + sum(e.status == "error" and e.id.lower() not in unknown
                                                     for e in entries),
        "data.datasets_summary": summary,
    })
    return out


def _is_open(entry: DatasetEntry) -> bool:
    return entry.status == "found" and entry.license_class in _OPEN_CLASSES and entry.gated in (False, "auto")


def _describe(entry: DatasetEntry, failure: str | None = None) -> str:
    if entry.status == "missing":
        return f"{entry.id} is not on this Hub (deleted, private or not mirrored): identified, not verified"
    if entry.status == "error" and failure:
        return f"{entry.id} could not be looked up ({failure}): its licence and gate are unknown, not missing"
    if entry.status == "error":
        return f"{entry.id} could not be looked up"
    gate = {False: "no gate", "auto": "click-through gate", "manual": "manual approval gate"}.get(
        entry.gated, "a gate of unknown kind")
    return f"{entry.id}: licence {entry.license or 'none'} (class {entry.license_class}), {gate}"
