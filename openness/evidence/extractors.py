"""Small pure functions, one per family of facts, from a snapshot to signals and evidence.

Each returns an `Extracted`: signal values for the rubric and the evidence items that a
reader can check by hand. None of them judges; the rubric does.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from openness.evidence.card import Line, ParsedCard, Section, plain
from openness.models import Evidence, ModelSnapshot, Strength
from openness.rubric.schema import Vocabulary

_HF_DATASET_LINK = re.compile(r"huggingface\.co/datasets/([A-Za-z0-9][\w.-]*(?:/[A-Za-z0-9][\w.-]*)?)")
_CODE_REPO = re.compile(r"^https?://(?:www\.)?[^/]+/([^/#?]+)(?:/([^/#?]+))?")
_MAX_LISTED = 4


@dataclass
class Extracted:
    """Signals and evidence from one extractor."""

    signals: dict[str, Any] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)

    def add(self, signal: str, source: str, detail: str, strength: Strength) -> None:
        """Record one evidence item."""
        self.evidence.append(Evidence(signal=signal, source=source, detail=detail, strength=strength))


def listing(items: list[str], limit: int = _MAX_LISTED) -> str:
    """'a, b, c and 4 more'."""
    shown = ", ".join(items[:limit])
    return f"{shown} and {len(items) - limit} more" if len(items) > limit else shown


def at(line: Line) -> str:
    """The evidence source for a card line."""
    return f"README.md line {line.number}"


def quote(text: str, limit: int = 140) -> str:
    """A short quotation of card text, markup removed."""
    flat = plain(text)
    return f"\"{flat[:limit]}…\"" if len(flat) > limit else f"\"{flat}\""


# ---- weights ---------------------------------------------------------------------------

def weights(snapshot: ModelSnapshot, card: ParsedCard | None, vocab: Vocabulary) -> Extracted:
    """Weight files by kind, adapter-only repos, and published training state."""
    out = Extracted()
    words = vocab.weight_files
    adapter = re.compile(words.adapter, re.IGNORECASE)
    by_kind: dict[str, list[str]] = defaultdict(list)
    for name in snapshot.siblings:
        kind = _weight_kind(name, vocab)
        if kind:
            by_kind[kind].append(name)
    files = [n for names in by_kind.values() for n in names]
    adapter_only = bool(files) and all(adapter.search(n) for n in files)
    out.signals.update({
        "repo.files": len(snapshot.siblings),
        "weights.files": len(files),
        "weights.kinds": ", ".join(sorted(by_kind)) or "none",
        "weights.suffixes": " ".join(words.suffixes),
        "weights.adapter_only": adapter_only,
    })
    for kind, names in sorted(by_kind.items()):
        out.add("weights.files", "siblings", f"{len(names)} {kind} file(s): {listing(names)}", "high")
    if adapter_only:
        out.add("weights.adapter_only", "siblings",
                "adapter weights only: the base model's weights are needed to use them", "high")
    if not files:
        out.add("weights.files", "siblings",
                f"no weight files among {len(snapshot.siblings)} file(s)", "high")
    out.signals["weights.training_state"] = _training_state(snapshot, card, vocab, out)
    return out


def _weight_kind(name: str, vocab: Vocabulary) -> str | None:
    lower = name.lower()
    kind = next((k for suffix, k in vocab.weight_files.suffixes.items() if lower.endswith(suffix)), None)
    if kind and any(p.regex.search(name) for p in vocab.weight_files.not_weights):
        return None
    return kind


def _training_state(snapshot: ModelSnapshot, card: ParsedCard | None, vocab: Vocabulary, out: Extracted) -> bool:
    found = False
    for rule in vocab.weight_files.training_state:
        names = [n for n in snapshot.siblings if rule.regex.search(n)]
        if names:
            out.add("weights.training_state", "siblings", f"{rule.reason}: {listing(names)}", "high")
            found = True
    phrase = re.compile(vocab.checkpoints.phrases, re.IGNORECASE)
    for line in card.lines if card else ():
        if phrase.search(line.text):
            out.add("weights.training_state", at(line), f"announces checkpoints: {quote(line.text)}", "low")
            return True
    return found


# ---- gate ------------------------------------------------------------------------------

def gate(snapshot: ModelSnapshot) -> Extracted:
    """The access gate and, when there is one, the conditions it asks to accept."""
    out = Extracted()
    value = snapshot.gated if snapshot.gated in ("auto", "manual") else "none"
    out.signals["gate"] = value
    described = {
        "none": "no gate: anyone can download",
        "auto": "automatic gate: access is granted on accepting the conditions",
        "manual": "manual gate: the publisher approves each request",
    }[value]
    out.add("gate", "gated", described, "high")
    prompt = snapshot.card_data.get("extra_gated_prompt")
    if value != "none" and isinstance(prompt, str) and prompt.strip():
        out.add("gate", "cardData.extra_gated_prompt", quote(prompt, 200), "high")
    fields = snapshot.card_data.get("extra_gated_fields")
    if value != "none" and isinstance(fields, dict) and fields:
        names = [str(k) for k in fields][:8]
        out.add("gate", "cardData.extra_gated_fields", f"asks for: {', '.join(names)}", "high")
    return out


# ---- data ------------------------------------------------------------------------------

def datasets_named(snapshot: ModelSnapshot, card: ParsedCard | None) -> dict[str, str]:
    """Dataset ids the model names, each with where it was first found (metadata first)."""
    found: dict[str, str] = {}
    seen: set[str] = set()  # lower-case ids: a set, so that a card naming thousands stays linear

    def note(dataset_id: str, source: str) -> None:
        dataset_id = dataset_id.strip().strip("/")
        if dataset_id and dataset_id.lower() not in seen:
            seen.add(dataset_id.lower())
            found[dataset_id] = source

    value = snapshot.card_data.get("datasets")
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            note(item, "cardData.datasets")
    for tag in snapshot.tags:
        if tag.startswith("dataset:"):
            note(tag.split(":", 1)[1], "tags")
    for line in card.lines if card else ():
        for match in _HF_DATASET_LINK.finditer(line.text):
            note(match.group(1), at(line))
    return found


def data(snapshot: ModelSnapshot, card: ParsedCard | None, vocab: Vocabulary,
         named: dict[str, str]) -> Extracted:
    """Training data: datasets named by id (see datasets_named), data sections, corpora, processing."""
    out = Extracted()
    words = vocab.data
    for dataset_id, source in named.items():
        strength: Strength = "high" if not source.startswith("README") else "medium"
        out.add("data.datasets", source, f"names dataset {dataset_id}", strength)
    sections = _sections(card, vocab.card_sections.training_data)
    for section in sections:
        out.add("data.section", f"README.md line {section.first}",
                f"training-data section '{section.title}' ({len(section.lines)} lines)", "medium")
    lines = _data_lines(card, vocab)
    corpora = _corpora(lines, vocab, out)
    public = sorted(name for name, is_public in corpora.items() if is_public)
    processing = _first_match(lines, words.processing_words)
    if processing:
        out.add("data.processing", at(processing), f"describes processing: {quote(processing.text)}", "medium")
    size = _first_match(lines, words.size_phrase)
    generic = _generic(lines, words.generic_phrases)
    if generic and not corpora and not named:
        out.add("data.described", at(generic), f"only a generic phrase: {quote(generic.text)}", "medium")
    section_words = sum(len(s.text.split()) for s in sections)
    described = bool(corpora) or bool(size) or section_words >= 25
    if size and not corpora:
        out.add("data.described", at(size), f"states a size: {quote(size.text)}", "medium")
    identified = [*(f"{k}" for k in named), *public]
    unreleased = sorted(name for name, is_public in corpora.items() if not is_public)
    if generic:
        unreleased.append("generic phrases")
    out.signals.update({
        "data.datasets": len(named),
        "data.dataset_ids": ", ".join(named) or "none",
        # Until the datasets are looked up on the Hub, none counts as verified open.
        "data.datasets_missing": 0,
        "data.datasets_not_open": len(named),
        "data.datasets_summary": "not looked up" if named else "no Hub datasets named",
        "data.public_corpora": len(public),
        "data.identified_count": len(identified),
        "data.identified": listing(identified) or "nothing",
        "data.unreleased": len(unreleased),
        "data.unreleased_as": listing(unreleased) or "none",
        "data.section": bool(sections),
        "data.processing": processing is not None,
        "data.described": described,
        "data.described_as": _described_as(sections, corpora, size),
        "data.searched": _data_searched(card),
    })
    return out


def _sections(card: ParsedCard | None, heading_pattern: str) -> list[Section]:
    rule = re.compile(heading_pattern, re.IGNORECASE)
    return [s for s in card.sections if rule.search(s.title)] if card else []


def _data_lines(card: ParsedCard | None, vocab: Vocabulary) -> list[Line]:
    """Lines that speak about training data: in data or training sections, or saying 'trained on'."""
    if card is None:
        return []
    pattern = f"{vocab.card_sections.training_data}|{vocab.card_sections.training_procedure}"
    in_sections = {line.number for s in _sections(card, pattern) for line in s.lines}
    sentence = re.compile(vocab.data.training_sentence, re.IGNORECASE)
    return [line for line in card.lines if line.number in in_sections or sentence.search(line.text)]


def _corpora(lines: list[Line], vocab: Vocabulary, out: Extracted) -> dict[str, bool]:
    found: dict[str, bool] = {}
    flat = [(ln, text) for ln in lines if vocab.data.any_corpus.search(text := plain(ln.text))]
    for corpus in vocab.data.corpora:
        line = next((ln for ln, text in flat if corpus.regex.search(text)), None)
        if line:
            found[corpus.name] = corpus.public
            released = "a public corpus" if corpus.public else "not a released, identifiable corpus"
            out.add("data.described", at(line), f"names {corpus.name}, {released}", "medium")
    return found


def _first_match(lines: list[Line], pattern: str) -> Line | None:
    rule = re.compile(pattern, re.IGNORECASE)
    return next((line for line in lines if rule.search(line.text)), None)


def _generic(lines: list[Line], phrases: list[str]) -> Line | None:
    rules = [re.compile(p, re.IGNORECASE) for p in phrases]
    return next((ln for ln in lines if any(r.search(text) for text in (plain(ln.text),) for r in rules)), None)


def _described_as(sections: list[Section], corpora: dict[str, bool], size: Line | None) -> str:
    parts = [f"section '{s.title}'" for s in sections[:2]]
    if corpora:
        parts.append("names " + listing(sorted(corpora)))
    if size:
        parts.append("states a size")
    return "; ".join(parts) or "nothing"


def _data_searched(card: ParsedCard | None) -> str:
    where = "card metadata `datasets`, `dataset:` tags"
    if card is None:
        return where + " (no card to read)"
    return f"{where}, {len(card.sections)} headings, links to Hub datasets, training-data sentences"


# ---- code ------------------------------------------------------------------------------

_KIND_RANK = ("training", "data_processing", "finetune", "evaluation", "inference")


def code(snapshot: ModelSnapshot, card: ParsedCard | None, vocab: Vocabulary) -> Extracted:
    """Code links by what the text around them says, code files in the repo, library integration."""
    out = Extracted()
    by_kind: dict[str, list[str]] = defaultdict(list)
    host_links = _code_links(card, vocab, out, by_kind)
    for rule in vocab.code.repo_files:
        names = [n for n in snapshot.siblings if rule.regex.search(n)]
        if names and rule.kind:
            by_kind[rule.kind].append(listing(names, 2))
            out.add(f"code.{rule.kind}", "siblings", f"{rule.reason}: {listing(names)}", "high")
    if snapshot.library_name:
        by_kind["inference"].append(f"{snapshot.library_name} integration")
        out.add("code.inference", "library_name",
                f"loads with the {snapshot.library_name} library (code that runs the model)", "high")
    for section in _sections(card, vocab.card_sections.training_procedure):
        out.add("code.procedure_section", f"README.md line {section.first}",
                f"training-procedure section '{section.title}' ({len(section.lines)} lines)", "medium")
    links = card.links if card else ()
    out.signals.update({
        "code.training": len(by_kind["training"]),
        "code.training_links": listing(by_kind["training"]) or "none",
        "code.finetune": len(by_kind["finetune"]),
        "code.finetune_links": listing(by_kind["finetune"]) or "none",
        "code.evaluation": len(by_kind["evaluation"]),
        "code.data_processing": len(by_kind["data_processing"]),
        "code.inference": sum(len(v) for v in by_kind.values()),
        "code.inference_links": listing([x for k in _KIND_RANK for x in by_kind[k]]) or "none",
        "code.searched": (f"{len(links)} link(s) in the card ({host_links} to code hosts), "
                          f"{len(snapshot.siblings)} repository file(s), library_name"),
    })
    return out


def _code_links(card: ParsedCard | None, vocab: Vocabulary, out: Extracted, by_kind: dict[str, list[str]]) -> int:
    """Classify each code-host link once per repository and kind; return how many links were read."""
    if card is None:
        return 0
    host = re.compile(vocab.code.hosts, re.IGNORECASE)
    framework = re.compile(vocab.code.frameworks, re.IGNORECASE)
    seen: set[tuple[str, str]] = set()
    # What a line says, read once per line: a card may put thousands of links on one
    # line, and reading the whole line again for each of them is quadratic.
    contexts: dict[int, tuple[str, str | None, str]] = {}
    count = 0
    for link in card.links:
        repo = _repo_of(link.url) if host.search(link.url.split("/")[2] if "//" in link.url else "") else None
        if not repo:
            continue
        count += 1
        if framework.search(repo):
            if ("framework", repo) not in seen:
                seen.add(("framework", repo))
                out.add("code.frameworks", at(link.line), f"{repo} is a general framework, not this model's code", "low")
            continue
        line = link.line
        if line.number not in contexts:
            contexts[line.number] = (*_link_kind(line, vocab), quote(line.text, 100))
        kind, reason, quoted = contexts[line.number]
        if (kind, repo.lower()) in seen:
            continue
        seen.add((kind, repo.lower()))
        by_kind[kind].append(repo)
        strength: Strength = "low" if reason is None else "medium"
        out.add(f"code.{kind}", at(line),
                f"{repo}: {reason or 'a code repository, not described as training code'} {quoted}",
                strength)
    return count


def _repo_of(url: str) -> str | None:
    match = _CODE_REPO.match(url)
    if not match or not match.group(2):
        return None
    return f"{match.group(1)}/{match.group(2).removesuffix('.git')}"


def _link_kind(line: Line, vocab: Vocabulary) -> tuple[str, str | None]:
    context = f"{line.section} {plain(line.text)}"
    for rule in vocab.code.contexts:
        if rule.regex.search(context):
            return rule.kind or "inference", rule.reason
    return "inference", None


# ---- papers ----------------------------------------------------------------------------

def papers(snapshot: ModelSnapshot, card: ParsedCard | None, vocab: Vocabulary) -> list[str]:
    """Papers the card links or tags (arXiv ids become arxiv.org links)."""
    found: list[str] = []
    for tag in snapshot.tags:
        if tag.startswith("arxiv:"):
            found.append(f"https://arxiv.org/abs/{tag.split(':', 1)[1]}")
    rule = re.compile(vocab.papers, re.IGNORECASE)
    for link in card.links if card else ():
        if rule.search(link.url):
            found.append(link.url.replace("/pdf/", "/abs/").removesuffix(".pdf"))
    return list(dict.fromkeys(found))
