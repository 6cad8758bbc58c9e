"""Classifies a card's declared licence through rubrics/licenses.yaml (ids, then aliases)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from openness.models import LicenseVerdict
from openness.evidence.terms import CLASS_ORDER, Alias, LicenceClass, Licences

_NOT_NAME_CHARS = re.compile(r"[^a-z0-9.]+")


@dataclass(frozen=True)
class LicencePart:
    """One part of a (possibly compound) licence, classified, with the reason."""

    declared: str
    label: str
    licence_class: LicenceClass
    reason: str
    resolved_via: str | None = None
    flags: tuple[str, ...] = ()


def normalise_name(name: str) -> str:
    """`license_name` as the alias table spells names: lower case, runs of other characters as '-'."""
    return _NOT_NAME_CHARS.sub("-", name.lower()).strip("-")


def declared_ids(card_data: dict[str, Any], tags: list[str]) -> list[str]:
    """Licence ids from `license:` metadata (string or list), else from `license:` tags."""
    value = card_data.get("license")
    if isinstance(value, str) and value.strip():
        return [value.strip().lower()]
    if isinstance(value, list):
        ids = [v.strip().lower() for v in value if isinstance(v, str) and v.strip()]
        if ids:
            return ids
    if value not in (None, "", []):
        return [f"<{type(value).__name__}>"]  # a number or mapping: declared, but not an id
    return [t.split(":", 1)[1].lower() for t in tags if t.lower().startswith("license:")]


def find_aliases(licences: Licences, name: str | None, link: str | None) -> list[Alias]:
    """Aliases matching `license_name` and `license_link`, each looked up on its own."""
    found: list[Alias] = []
    if name:
        wanted = normalise_name(name)
        found += [a for a in licences.aliases if wanted in a.names][:1]
    if link:
        found += [a for a in licences.aliases if any(p.search(link) for p in a.link_patterns)][:1]
    return found


def classify_part(licences: Licences, declared: str, name: str | None, link: str | None) -> LicencePart:
    """Class of one declared id; `other` goes through the alias table."""
    entry = licences.licenses.get(declared)
    if declared == "other":
        aliases = find_aliases(licences, name, link)
        if aliases:
            # When name and link point to different licences, the stricter one holds
            # (RUBRIC.md: take the more restrictive and flag the mismatch).
            alias = max(aliases, key=lambda a: CLASS_ORDER.index(a.licence_class))
            flags = list(alias.flags)
            if len({a.key for a in aliases}) > 1:
                flags.append("name-and-link-disagree")
            return LicencePart(declared, alias.name, alias.licence_class,
                               alias.reason, f"alias:{alias.key}", tuple(flags))
        shown = f"other ({name})" if name else "other"
        return LicencePart(declared, shown, "F", _unresolved_reason(name, link))
    if entry is None:
        return LicencePart(declared, declared, "F", f"'{declared}' is not a licence id the Hub knows")
    return LicencePart(declared, declared, entry.licence_class, entry.reason, flags=tuple(entry.flags))


def _unresolved_reason(name: str | None, link: str | None) -> str:
    if not name and not link:
        return "license: other with no license_name or license_link"
    return f"license: other, and neither name {name!r} nor link {link!r} is in the alias table"


def classify(licences: Licences, card_data: dict[str, Any], tags: list[str]) -> tuple[LicenseVerdict, list[LicencePart]]:
    """The licence verdict: a compound licence takes its most restrictive part (RUBRIC.md)."""
    name = _text_or_none(card_data.get("license_name"))
    link = _text_or_none(card_data.get("license_link"))
    ids = declared_ids(card_data, tags)
    if not ids:
        part = LicencePart("", "none declared", "F", "the card declares no licence")
        parts = [part]
    else:
        parts = [classify_part(licences, i, name, link) for i in ids]
    worst = max(parts, key=lambda p: CLASS_ORDER.index(p.licence_class))
    verdict = LicenseVerdict(
        id=" + ".join(ids) if ids else None,
        name=name,
        link=link,
        label=" + ".join(p.label for p in parts),
        license_class=worst.licence_class,
        class_title=licences.classes[worst.licence_class].title,
        resolved_via=next((p.resolved_via for p in parts if p.resolved_via), None),
        flags=sorted({f for p in parts for f in p.flags}),
    )
    return verdict, parts


def _text_or_none(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
