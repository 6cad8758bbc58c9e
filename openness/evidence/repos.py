"""Evidence from the code repositories a card links: what each holds, and under which licence. Pure.

RUBRIC.md: "Code of a repository the card links without saying what it is for counts from
what that repository holds (its file tree, README and licence), not from the link." The
file-tree patterns are data (`code.repo_tree` in rubrics/vocabulary.yaml); this module
only applies them and says what it saw, so a reader can open the same files.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping

from openness.evidence.extractors import CodeFindings, Extracted, code_signals, listing
from openness.models import CodeRepoSnapshot
from openness.rubric.schema import Licences, Vocabulary

_FALLBACK = {
    "rate_limited": "GitHub rate limit reached; set GITHUB_TOKEN",
    "unavailable": "GitHub could not be read",
    "not_cached": "not in the cache, and GitHub is not used offline",
    "off": "repository lookups are turned off",
    "not_found": "the repository is gone or private",
}


def repo_findings(code: CodeFindings, repos: Mapping[str, CodeRepoSnapshot], vocab: Vocabulary,
                  licences: Licences) -> Extracted:
    """Code signals again, with what each linked repository holds; evidence for each repository."""
    out = Extracted()
    found = copy.deepcopy(code)
    unchecked: list[str] = []
    for key, snap in repos.items():
        where = f"github.com/{snap.full_name or snap.repo}"
        if snap.status != "ok":
            why = _FALLBACK.get(snap.status, snap.status)
            if snap.status != "not_found":
                unchecked.append(snap.repo)
            out.add("code.repository", where, f"code from card only: {why}"
                    + (f" ({snap.problem})" if snap.problem and snap.status != "rate_limited" else ""), "high")
            continue
        licence = snap.license_spdx or "no licence file"
        out.add("code.repository", where,
                f"{len(snap.files)} file(s); licence {licence}" + ("; a fork" if snap.fork else "")
                + ("; archived" if snap.archived else ""), "high")
    out.signals.update(code_signals(found))
    out.signals["code.repos_unchecked"] = len(unchecked)
    out.signals["code.repos_unchecked_as"] = listing(unchecked) or "none"
    return out
