"""How a released model can be put to use: the code that deploys it (for the G7 labels and
the Open Source AI Index's access parameters).

The G7 labels ask for "weights and deployment code" free of charge. A card rarely ships
deployment code of its own: it names the library or engine that runs the weights (the Hub's
`library_name`, a usage snippet's library, vLLM or llama.cpp linked as the way to serve it).
Any of these is code anyone can obtain that runs the model, so each counts; what the code
extractor already counts as code that runs the model (its links, repo files, library
integration) counts too.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from openness.evidence.extractors import CodeFindings, Extracted, listing

if TYPE_CHECKING:
    from openness.evidence.registry import Reading

ACCESS_SIGNALS = ("access.deployment", "access.deployment_as")
# A card that could not be read hides the links that name deployment code: unknown, not none.
_CARD_UNREAD = ("unreadable", "unavailable")


def access(reading: "Reading") -> Extracted:
    """The deployment code: the model's own code of any kind, and the general libraries and
    inference engines the card names (a framework the code extractor does not count as the
    model's own code, but which runs it)."""
    out = Extracted()
    own = int(reading.signals.get("code.inference") or 0)
    found: CodeFindings | None = reading.found.get("code")
    named = _named_sources(found, reading)
    ways = [str(reading.signals.get("code.inference_links"))] if own else []
    ways += list(named)
    for repo, source in named.items():
        out.add("access.deployment", source, f"{repo}: a general library or engine the card names, which runs the model",
                "low")
    unread = reading.snapshot.card.status in _CARD_UNREAD
    out.signals["access.deployment"] = None if unread and not ways else own + len(named)
    out.signals["access.deployment_as"] = listing(ways) if ways else "none"
    return out


def _named_sources(found: CodeFindings | None, reading: "Reading") -> dict[str, str]:
    """Known general libraries the card links, by repository, with where: not training
    codebases (those have a kind), but the ones that load, serve or quantise any model."""
    if found is None:
        return {}
    frameworks = reading.vocab.code.frameworks
    named: dict[str, str] = {}
    for link in found.links:
        framework = next((f for f in frameworks if f.regex.search(link.repo)), None) if link.kind == "framework" else None
        if framework is not None and framework.kind is None:
            named.setdefault(link.repo, link.source)
    return named
