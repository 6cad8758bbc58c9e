"""Parents a model declares, with their relation, read the way the Hub reads them."""
from __future__ import annotations

import re
from dataclasses import dataclass

from openness.models import ModelSnapshot
from openness.rubric.schema import Vocabulary


@dataclass(frozen=True)
class DeclaredParent:
    """One parent: its repo id, the relation, and where the relation came from."""

    repo_id: str
    relation: str
    source: str
    """Where the parent was named: cardData.base_model, baseModels or tags."""
    relation_source: str
    """Where the relation came from, or `inferred (...)` with the rule that gave it."""


def declared_parents(snapshot: ModelSnapshot, vocab: Vocabulary, weight_kinds: set[str],
                     adapter_only: bool) -> list[DeclaredParent]:
    """Parents from card metadata, then the Hub's `baseModels`, then `base_model:` tags."""
    relations = vocab.lineage.relations
    named: dict[str, tuple[str, str]] = {}   # lower-case id -> (id as written, where named)
    stated: dict[str, tuple[str, str]] = {}  # lower-case id -> (relation, where stated)

    def note(repo_id: object, source: str, relation: object = None, where: str = "") -> None:
        if not isinstance(repo_id, str) or not repo_id.strip():
            return
        key = repo_id.strip().lower()
        named.setdefault(key, (repo_id.strip(), source))
        if relation in relations:
            stated.setdefault(key, (str(relation), where))

    value = snapshot.card_data.get("base_model")
    for item in value if isinstance(value, list) else [value]:
        note(item, "cardData.base_model")
    hub = snapshot.base_models or {}
    models = hub.get("models")
    for model in models if isinstance(models, list) else []:
        if isinstance(model, dict):
            note(model.get("id"), "baseModels", hub.get("relation"), "baseModels")
    for tag in snapshot.tags:
        parts = tag.split(":")
        if parts[0] == "base_model" and len(parts) == 2:
            note(parts[1], "tags")
        elif parts[0] == "base_model" and len(parts) == 3:
            note(parts[2], "tags", parts[1], "tags")
    card_relation = snapshot.card_data.get("base_model_relation")
    fallback = _inferred(len(named), vocab, weight_kinds, adapter_only, snapshot.repo_id)
    parents = []
    for key, (repo_id, source) in named.items():
        if card_relation in relations:
            relation, where = str(card_relation), "cardData.base_model_relation"
        else:
            relation, where = stated.get(key, fallback)
        parents.append(DeclaredParent(repo_id, relation, source, where))
    return parents


def _inferred(count: int, vocab: Vocabulary, kinds: set[str], adapter_only: bool, repo_id: str) -> tuple[str, str]:
    if count > 1:
        return "merge", "inferred (several parents)"
    if adapter_only:
        return "adapter", "inferred (adapter weights only)"
    if kinds and kinds <= set(vocab.lineage.quantized_kinds):
        return "quantized", "inferred (quantized weight files)"
    if re.search(vocab.lineage.quantized_names, repo_id.split("/")[-1], re.IGNORECASE):
        return "quantized", "inferred (quantization named in the repo id)"
    return "finetune", "inferred (default for one parent)"
