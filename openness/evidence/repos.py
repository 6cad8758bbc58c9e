"""Evidence from the code repositories a card links: what each holds, and under which licence. Pure.

RUBRIC.md: "Code of a repository the card links without saying what it is for counts from
what that repository holds (its file tree, README and licence), not from the link." The
file-tree patterns are data (`code.repo_tree` in rubrics/vocabulary.yaml); this module
only applies them and says what it saw, so a reader can open the same files.

A repository's files decide its kind when the card does not say what the link is for, or
when the repository is the model's own (named after it: a model card's link to its own
repository is the one experts open). A link the card describes as something else (a
licence, a demo, a parent's repository) keeps the card's word. Fine-tuning scripts that
the card offers to users stay usage code (RUBRIC.md C1).
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace

from openness.evidence.extractors import OFFERED, CodeFindings, CodeLink, Extracted, code_signals, listing
from openness.evidence.licences import classify_part
from openness.models import CodeRepoSnapshot
from openness.evidence.terms import Licences, RepoTree, Vocabulary

_FALLBACK = {
    "rate_limited": "GitHub rate limit reached; set GITHUB_TOKEN",
    "unavailable": "GitHub could not be read",
    "not_cached": "not in the cache, and GitHub is not used offline",
    "off": "repository lookups are turned off",
    "not_found": "the repository is gone or private",
}
# Kinds a repository's tree can show, most telling first.
_TREE_RANK = ("training", "finetune", "data_processing", "evaluation")
_LINK_RANK = ("training", "finetune", "data_processing", "evaluation", "inference")
_NAME_CHARS = re.compile(r"[^a-z0-9]")
# A repository name shorter than this says too little to be "named after the model".
_MIN_OWN_NAME = 3


@dataclass(frozen=True)
class TreeKinds:
    """The files of one repository by the kind of code they show."""

    files: dict[str, list[str]]

    def has(self, kind: str) -> bool:
        return bool(self.files.get(kind))


def tree_kinds(files: list[str], tree: RepoTree) -> TreeKinds:
    """Sort a repository's file paths by kind (first matching pattern); ignored paths drop out."""
    ignore = re.compile(tree.ignore, re.IGNORECASE)
    found: dict[str, list[str]] = defaultdict(list)
    for path in files:
        lower = path.lower()
        if ignore.search(lower):
            continue
        rule = next((r for r in tree.files if r.regex.search(lower)), None)
        if rule and rule.kind:
            found[rule.kind].append(path)
    return TreeKinds(dict(found))


def named_after(repo: str, model_id: str) -> bool:
    """True when the repository's name is part of the model's name (or the other way round)."""
    name = _NAME_CHARS.sub("", repo.split("/")[-1].lower())
    model = _NAME_CHARS.sub("", model_id.split("/")[-1].lower())
    if len(name) < _MIN_OWN_NAME or not model:
        return False
    return name in model or model in name


def licence_class(spdx: str | None, licences: Licences) -> tuple[str, str]:
    """The class (A-F) of a repository's detected licence, and how to say it."""
    if spdx is None:
        # No licence file states no terms at all; it is flagged for a reader to check, not
        # read as a closed licence (RUBRIC.md: the most restrictive *stated* terms win).
        return "F", "no licence file GitHub could find (check the repository)"
    if spdx.upper() == "NOASSERTION":
        return "F", "a licence GitHub could not identify (custom, or several licence files)"
    part = classify_part(licences, spdx.lower(), None, None)
    return part.licence_class, f"{spdx} (class {part.licence_class})"


def repo_findings(code: CodeFindings, repos: Mapping[str, CodeRepoSnapshot], vocab: Vocabulary,
                  licences: Licences, model_id: str = "") -> Extracted:
    """Code signals again, with what each linked repository holds; evidence for each repository."""
    out = Extracted()
    by_kind: dict[str, list[str]] = defaultdict(list, {k: list(v) for k, v in code.by_kind.items()})
    unchecked: list[str] = []
    not_open: list[str] = []
    licences_seen: list[str] = []
    links = _strongest_links(code.links)
    for key, snap in repos.items():
        link = links.get(key)
        where = f"github.com/{snap.full_name or snap.repo}"
        if snap.status != "ok":
            if snap.status != "not_found":
                unchecked.append(snap.repo)
            problem = f" ({snap.problem})" if snap.problem and snap.status not in ("rate_limited", "off") else ""
            out.add("code.repository", where, f"code from card only: {_FALLBACK.get(snap.status, snap.status)}{problem}",
                    "high")
            continue
        kinds = tree_kinds(snap.files, vocab.code.repo_tree)
        cls, licence_said = licence_class(snap.license_spdx, licences)
        own = link is not None and (link.own or named_after(snap.full_name or snap.repo, model_id))
        decided = _kind_from_tree(link, kinds, own)
        out.add("code.repository", where, _describe(snap, kinds, licence_said, decided, link), "high")
        if link is None or decided is None:
            continue
        _move(by_kind, link, decided)
        for extra in ("data_processing", "evaluation"):
            if kinds.has(extra) and link.repo not in by_kind[extra]:
                by_kind[extra].append(link.repo)
        if decided in ("training", "finetune"):
            licences_seen.append(f"{link.repo}: {licence_said}")
        if decided == "training" and cls not in ("A", "B", "F"):
            not_open.append(f"{link.repo} ({licence_said})")
    found = CodeFindings(by_kind=by_kind, links=code.links, searched=code.searched)
    out.signals.update(code_signals(found))
    out.signals.update({
        "code.repos_unchecked": len(unchecked),
        "code.repos_unchecked_as": listing(unchecked) or "none",
        "code.training_not_open": len(not_open),
        "code.training_not_open_as": listing(not_open) or "none",
        "code.licences": listing(licences_seen) or "not read",
    })
    return out


def _strongest_links(links: list[CodeLink]) -> dict[str, CodeLink]:
    """One link per repository: the one whose words say most (training over fine-tuning over the rest).

    A card may link its repository several times ("training code" in one place, "see the
    readme" in another); the repository is then presented as its own if any link does so.
    """
    rank = {kind: i for i, kind in enumerate(_LINK_RANK)}
    best: dict[str, CodeLink] = {}
    for link in links:
        if link.kind == "framework":
            continue
        key = link.repo.lower()
        held = best.get(key)
        if held is None or rank.get(link.kind, len(rank)) < rank.get(held.kind, len(rank)):
            best[key] = link if held is None or not held.own else replace(link, own=True)
        elif link.own and not held.own:
            best[key] = replace(held, own=True)
    return best


def _kind_from_tree(link: CodeLink | None, kinds: TreeKinds, own: bool) -> str | None:
    """The kind the repository's files give the link, or None when the card's word stands."""
    if link is None:
        return None
    if link.known:
        return link.kind  # a known codebase covers what the vocabulary says; its licence is still read
    if link.reason == OFFERED and not own:
        return None  # fine-tuning offered to users is usage code, whatever the scripts are
    if own and kinds.has("training"):
        return "training"  # the model's own repository holds training code, whatever else the card says
    if link.kind in ("training", "finetune"):
        return link.kind  # the card says so; the tree adds evidence and the licence
    if not own:
        return None  # only the model's own repository is judged by what it holds
    # Fine-tuning scripts alone in the model's own repository are offered to users (C1,
    # usage code) unless the card says they trained the model: only training code counts.
    return "training" if kinds.has("training") else None


def _move(by_kind: dict[str, list[str]], link: CodeLink, kind: str) -> None:
    for sources in by_kind.values():
        if link.repo in sources:
            sources.remove(link.repo)
    by_kind[kind].append(link.repo)


def _describe(snap: CodeRepoSnapshot, kinds: TreeKinds, licence: str, decided: str | None,
              link: CodeLink | None) -> str:
    parts = [f"`{p}`" for kind in _TREE_RANK for p in kinds.files.get(kind, [])[:2]]
    held = f"holds {listing(parts, 4)}" if parts else f"{len(snap.files)} file(s), no training, evaluation or data code"
    flags = "".join(["; a fork" if snap.fork else "", "; archived" if snap.archived else ""])
    if decided is None and link is not None and link.reason == OFFERED:
        verdict = "; the card offers it to users, so it stays usage code"
    elif decided is None and link is not None and link.reason is None:
        verdict = "; not presented as the model's own repository, so its files do not decide"
    elif decided is None and link is not None:
        verdict = "; the card says what the link is for, so its word stands"
    elif decided:
        verdict = f"; counted as {decided.replace('_', '-')} code"
    else:
        verdict = ""
    return f"{held}; licence {licence}{flags}{verdict}"
