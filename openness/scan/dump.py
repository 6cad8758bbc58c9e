"""Rows of a card dump (the schema of `librarian-bots/model_cards_with_metadata`) as
snapshots: pure, no I/O.

A dump row is hostile text like any card: the card is cut at the size `score` reads, tags
are bounded, the id must be one the Hub could serve, and the front matter is read safely
(`openness.evidence.frontmatter`). What the dump does not hold (file list, gate, commit) is
marked unseen on the snapshot (`listing_seen=False`) unless a listing row supplies it;
datasets come from a dataset dump when one is given.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openness.errors import OpennessError, SourceError
from openness.evidence.frontmatter import read_front_matter
from openness.ids import check_repo_id
from openness.models import MAX_CARD_BYTES, MAX_REPO_FILES, CardFile, DatasetSnapshot, ModelSnapshot

ID_COLUMN = "modelId"
CARD_COLUMN = "card"
DUMP_COLUMNS = ("modelId", "author", "last_modified", "downloads", "likes", "library_name", "tags",
                "pipeline_tag", "createdAt", "card")
"""The dump's columns a scan reads (any other column is ignored; a missing one is null)."""
MAX_TAGS = 1_000
MAX_TAG_CHARS = 300
_GATES: dict[str, bool | str] = {"auto": "auto", "manual": "manual", "true": "unknown", "false": False}


class BadRow(SourceError):
    """A dump row that names no model the Hub could serve."""

    kind = "bad_row"


@dataclass(frozen=True)
class Listing:
    """A model's repository facts from a listing crawl (`list_models(expand=...)`)."""

    siblings: tuple[str, ...]
    gated: bool | str
    sha: str | None


def repo_id_of(row: Mapping[str, Any]) -> str:
    """The row's model id, checked as the Hub checks one; raises BadRow otherwise."""
    value = row.get(ID_COLUMN)
    if not isinstance(value, str) or not value:
        raise BadRow("row", "the row has no model id")
    try:
        check_repo_id(value, value)
    except OpennessError as exc:
        raise BadRow(value[:120], f"not a model id the Hub could serve ({exc})") from None
    return value


FRAMEWORK_ONLY_FIELDS = frozenset({"model-index"})
"""Front matter fields only the framework rubrics' extractors read (the evaluation results,
openness/evidence/documents.py): a scan without those rubrics leaves them unparsed. In a
dump they are nine tenths of the front matter text (MTEB tables run to 60 KB a card)."""


def snapshot_from_row(row: Mapping[str, Any], listing: Listing | None = None,
                      leave_out: frozenset[str] = frozenset()) -> ModelSnapshot:
    """The model as the dump row shows it (and the listing, when one has its id), without
    the front matter fields in `leave_out` (FRAMEWORK_ONLY_FIELDS when no framework rubric
    is asked for)."""
    repo_id = repo_id_of(row)
    card = _card(row.get(CARD_COLUMN))
    front = read_front_matter(card.text, leave_out) if card.text else None
    read = front.data if front and not front.problem and isinstance(front.data, dict) else {}
    data = {str(k): v for k, v in read.items() if v is not None}  # the Hub's cardData leaves out nulls
    return ModelSnapshot(
        repo_id=repo_id, sha=listing.sha if listing else None, card_data=data, tags=_tags(row.get("tags")),
        siblings=list(listing.siblings) if listing else [], listing_seen=listing is not None,
        gated=listing.gated if listing else False,
        library_name=_text(row.get("library_name")), pipeline_tag=_text(row.get("pipeline_tag")),
        last_modified=_text(row.get("last_modified")), card=card,
    )


def listing_from_row(row: Mapping[str, Any]) -> Listing:
    """A listing row (`id`, `siblings`, `gated`, `sha`) as Listing facts, bounded."""
    siblings = row.get("siblings") or []
    names = [s.get("rfilename") if isinstance(s, Mapping) else s for s in list(siblings)[:MAX_REPO_FILES]]
    gated = row.get("gated")
    gate: bool | str = _GATES.get(str(gated).lower(), "unknown") if gated not in (None, False) else False
    sha = row.get("sha")
    return Listing(tuple(n for n in names if isinstance(n, str)), gate,
                   sha if isinstance(sha, str) and len(sha) == 40 else None)


def dataset_from_tags(dataset_id: str, tags: Any) -> DatasetSnapshot:
    """A dataset as a dataset-card dump's tags show it: its `license:` tags."""
    found = [t.split(":", 1)[1] for t in _tags(tags) if t.startswith("license:")]
    return DatasetSnapshot(id=dataset_id, license=found[0] if len(found) == 1 else (found or None),
                           tags=_tags(tags))


def _card(value: Any) -> CardFile:
    if not isinstance(value, str) or not value:
        return CardFile(status="unavailable", problem="the dump holds no card for this model")
    raw = value.encode("utf-8", errors="replace")
    if len(raw) <= MAX_CARD_BYTES:
        return CardFile(status="ok", text=value.replace("\x00", ""))
    text = raw[:MAX_CARD_BYTES].decode("utf-8", errors="ignore").replace("\x00", "")
    return CardFile(status="ok", text=text, truncated=True)


def _tags(value: Any) -> list[str]:
    if value is None or isinstance(value, (str, bytes)):
        return []
    return [t[:MAX_TAG_CHARS] for t in list(value)[:MAX_TAGS] if isinstance(t, str)]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return value[:MAX_TAG_CHARS] if isinstance(value, str) else None
