"""Small pure functions, one per family of facts, from a snapshot to signals and evidence.

Each returns an `Extracted`: signal values for the rubric and the evidence items that a
reader can check by hand. None of them judges; the rubric does.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from openness.evidence.card import Line, Link, ParsedCard, Section, body_start, breaks_as_newlines, plain, split_lines
from openness.evidence.lineage import sibling_entry
from openness.evidence.prose import Prose
from openness.evidence.screen import LineScreen, first_match, fold, search
from openness.models import Evidence, ModelSnapshot, Strength
from openness.evidence.terms import Corpus, Licences, Obtainable, PatternWithReason, Vocabulary

_HF_DATASET_LINK = re.compile(r"(?:huggingface|hf)\.co/datasets/([A-Za-z0-9][\w.-]*(?:/[A-Za-z0-9][\w.-]*)?)")
_CODE_REPO = re.compile(r"^https?://(?:www\.)?[^/]+/([^/#?]+)(?:/([^/#?]+))?")
_MAX_LISTED = 4
# Where the words about a link end: the next link or the next table cell.
_NEXT_LINK = re.compile(r"\[|\||<a\b|https?://", re.IGNORECASE)
_CLOSING_MARKS = re.compile(r"[)>\"' ]*")
# Where a line's sentences end (a full stop, ! or ? and a space): one split per line, linear.
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?。])\s+")
# A Hub dataset link, replaced by a marker before a sentence is read for withheld sources:
# a markdown link target `](url)`, an HTML anchor's opening tag, or a bare URL. Every
# repeat is bounded or stops at a character the next part needs: linear on any line.
_HF_URL = r"https?://(?:www\.)?(?:huggingface|hf)\.co/datasets/[^\s)\]>\"']*"
_DATASET_URL = re.compile(rf"\]\(\s*<?{_HF_URL}[^)]{{0,2000}}\)|<a\b[^>]{{0,500}}?{_HF_URL}[^>]{{0,500}}>|{_HF_URL}",
                          re.IGNORECASE)
# An apposition to a link stands close to it; farther words are a sentence of their own.
_APPOSITION_REACH = 200
_LINKED = "\u27e6linked dataset\u27e7"
# The vocabulary's patterns, compiled case-insensitively, by their text: some 50 a card
# went through re's own cache (a type check, flag handling and a 3-key lookup each).
_COMPILED: dict[str, re.Pattern[str]] = {}
_COMPILED_CAP = 1024


def _ci(pattern: str) -> re.Pattern[str]:
    """`pattern` compiled with re.IGNORECASE, once per process (a vocabulary's patterns are few)."""
    compiled = _COMPILED.get(pattern)
    if compiled is None:
        if len(_COMPILED) >= _COMPILED_CAP:  # many vocabularies in one process: start over, never grow
            _COMPILED.clear()
        compiled = _COMPILED[pattern] = re.compile(pattern, re.IGNORECASE)
    return compiled


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
    if not snapshot.listing_seen:
        return _weights_from_tags(snapshot, card, vocab)
    out = Extracted()
    words = vocab.weight_files
    adapter = _ci(words.adapter)
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


def _weights_from_tags(snapshot: ModelSnapshot, card: ParsedCard | None, vocab: Vocabulary) -> Extracted:
    """Weights as the tags show them, when the file list was not seen (a card dump): the
    Hub's file-format tags; with none, whether weights are published is unknown."""
    out = Extracted()
    kinds = sorted({kind for tag in snapshot.tags if (kind := vocab.weight_files.format_tags.get(tag.lower()))})
    loading = None if kinds else _line_loading_repo(snapshot, vocab)
    if loading is not None:
        kinds = ["loaded by the card's code"]
    adapter_only = bool(kinds) and (snapshot.library_name or "").lower() == "peft"
    out.signals.update({
        "repo.files": None,
        "weights.files": len(kinds) if kinds else None,
        "weights.kinds": ", ".join(kinds) or "none",
        "weights.suffixes": " ".join(vocab.weight_files.suffixes),
        "weights.adapter_only": adapter_only,
    })
    if loading is not None:
        out.add("weights.files", at(loading), f"the card's code loads this repository: {quote(loading.text)}; "
                "the file list itself was not seen", "medium")
    elif kinds:
        out.add("weights.files", "tags", f"file-format tags name weights ({', '.join(kinds)}); "
                "the file list itself was not seen", "medium")
    else:
        out.add("weights.files", "tags", "the file list was not seen and no file-format tag names weights: "
                "whether weights are published is unknown", "high")
    if adapter_only:
        out.add("weights.adapter_only", "library_name",
                "a PEFT adapter: the base model's weights are needed to use it", "medium")
    out.signals["weights.training_state"] = _training_state(snapshot, card, vocab, out)
    return out


def _line_loading_repo(snapshot: ModelSnapshot, vocab: Vocabulary) -> Line | None:
    """The first card line, code blocks included (that is where loading code is), that
    names this repo and loads or downloads it. Only the lines holding the id are tried."""
    text = snapshot.card.text or ""
    # fold(), not lower(): "İ" lower-cases to two characters, and every place found in
    # `folded` must be the same place in `text`. Its lines are the card's: a lone "\r" ends one too.
    folded, own = breaks_as_newlines(fold(text)), fold(snapshot.repo_id)
    at_id = folded.find(own)
    if at_id < 0:
        return None
    body = _body_offset(folded)  # front matter is no code
    loader = _loader_pattern(vocab.weight_files.loads_repo)
    while at_id >= 0:
        start = folded.rfind("\n", 0, at_id) + 1
        end = len(text) if (newline := folded.find("\n", at_id)) < 0 else newline
        if start >= body and first_match(loader, text, None, start, end):
            return Line(folded.count("\n", 0, start) + 1, text[start:end].rstrip("\r"), "")
        at_id = folded.find(own, end)
    return None


def _body_offset(folded: str) -> int:
    """Where the body starts in a card whose line breaks are all "\n": after its front
    matter, read as the card parser reads it (`body_start`: closed by `---` or `...`, and
    no front matter at all when never closed), not at the next line that opens with "---"."""
    if folded.find("---", 0, folded.find("\n") + 1 or len(folded)) < 0:
        return 0  # the first line is not `---`: no front matter, and no need to split the card
    lines = folded.split("\n")
    first = body_start(lines)
    return sum(map(len, lines[:first])) + first


@lru_cache(maxsize=8)
def _loader_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


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
    phrase = _ci(vocab.checkpoints.phrases)
    for line in card.lines_in(card.screen.lines_with(phrase)) if card else ():
        if first_match(phrase, line.text):
            out.add("weights.training_state", at(line), f"announces checkpoints: {quote(line.text)}", "low")
            return True
    return found


# ---- licence in the card text ------------------------------------------------------------

@dataclass(frozen=True)
class LicenceStatement:
    """A sentence of the card that states a licence for the model, classified."""

    source: str
    sentence: str
    licence_class: str
    name: str
    reason: str


def licence_statements(prose: Prose | None, licences: Licences) -> list[LicenceStatement]:
    """Licences the card's prose states for the model or its weights (links via aliases, words via phrases)."""
    if prose is None:
        return []
    words = licences.text
    found: list[LicenceStatement] = []
    seen: set[tuple[int, str]] = set()
    licence_words = _ci(words.licence_words)
    for line in prose.card.lines_in(prose.card.screen.lines_with(licence_words)):
        if not first_match(licence_words, line.text) or any(
                _ci(words.history_headings).search(h) for h in prose.headings(line.number)):
            continue
        for sentence in dict.fromkeys(_licence_sentences(prose, line)):
            folded = fold(sentence)  # once for the patterns below: each runs only where its words stand
            if not (search(licence_words, sentence, folded)
                    and search(_ci(words.model_words), sentence, folded)
                    and not search(_ci(words.not_about_weights), sentence, folded)):
                continue
            for cls, name, reason in _licences_in(sentence, line, prose, licences, folded):
                if (line.number, name) not in seen:
                    seen.add((line.number, name))
                    found.append(LicenceStatement(at(line), sentence, cls, name, reason))
    return found


def _licence_sentences(prose: Prose, line: Line) -> list[str]:
    """Each sentence on the line that holds a licence word (a line may hold several)."""
    pieces = re.split(r"(?<=[.!?。；])\s*", line.text)
    return [prose.sentence(line, piece) for piece in pieces if piece.strip()]


def _licences_in(sentence: str, line: Line, prose: Prose, licences: Licences,
                 folded: str | None = None) -> list[tuple[str, str, str]]:
    folded = fold(sentence) if folded is None else folded
    out: list[tuple[str, str, str]] = [(p.licence_class, p.name, p.reason) for p in licences.text.phrases
                                       if search(p.regex, sentence, folded)]
    for link in prose.card.links:
        if link.line == line and prose.sentence(line, link.url) == sentence:
            out += [(a.licence_class, a.name, f"linked: {a.reason}") for a in licences.aliases
                    if any(p.search(link.url) for p in a.link_patterns)]
    return out


# ---- gate ------------------------------------------------------------------------------

# What each gate value means, as evidence and as the reason a gate keeps weights from open.
_GATES = {
    "none": ("no gate: anyone can download", "anyone can download"),
    "auto": ("automatic gate: access is granted on accepting the conditions",
             "access is granted on accepting the conditions"),
    "manual": ("manual gate: the publisher approves each request", "access needs manual approval by the publisher"),
    "unknown": ("unknown gate: the Hub says the repo is gated but not how (a value other than auto or manual)",
                "access is gated in a way the Hub does not say, so it is not known to be open to all"),
}


def gate(snapshot: ModelSnapshot) -> Extracted:
    """The access gate and, when there is one, the conditions it asks to accept."""
    out = Extracted()
    value = {False: "none", "auto": "auto", "manual": "manual"}.get(snapshot.gated, "unknown")
    out.signals["gate"] = value
    described, reason = _GATES[value]
    if not snapshot.listing_seen:  # a card dump: the card's gate settings are all there is
        configured = sorted(k for k in snapshot.card_data if k.startswith("extra_gated_"))[:4]
        value = "unknown" if configured else "none"
        out.signals["gate"] = value
        described, reason = ((f"the card configures a gate ({', '.join(configured)}); its kind, "
                              "automatic or manual, was not seen", _GATES["unknown"][1]) if configured else
                             ("no gate configured in the card (no extra_gated_* field); the Hub's gate "
                              "setting itself was not seen", _GATES["none"][1]))
    out.signals["gate.as"] = reason
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

@dataclass
class NamedDatasets:
    """Hub dataset ids a card names as training data, and those it names for other reasons."""

    found: dict[str, str] = field(default_factory=dict)
    """Dataset id -> where it was first named (metadata first)."""
    set_aside: list[tuple[str, str, str]] = field(default_factory=list)
    """(dataset id, where, why it is not training data)."""
    staged: list[tuple[str, str]] = field(default_factory=list)
    """(dataset id, where) of links in a sentence naming a training stage."""


def datasets_named(snapshot: ModelSnapshot, prose: Prose | None, vocab: Vocabulary,
                   lines: list[Line] | None = None) -> NamedDatasets:
    """Dataset ids the model names as its training data.

    Benchmarks are set aside even when listed in metadata; a Hub dataset linked from the
    card counts unless the words around it make it a benchmark or results table, or offer
    it to users for their own fine-tuning (a usage guide, not this model's training).
    `lines`: data_lines(prose, vocab), when the caller has them (they are read once per card).
    """
    named = NamedDatasets()
    benchmark = _ci(vocab.data.benchmarks)
    seen: set[str] = set()  # lower-case ids: a set, so that a card naming thousands stays linear

    def note(dataset_id: str, source: str, why_not: str | None = None) -> None:
        dataset_id = dataset_id.strip().strip("/")
        if not dataset_id or dataset_id.lower() in seen:
            return
        seen.add(dataset_id.lower())
        why_not = why_not or ("a benchmark, not training data" if benchmark.search(dataset_id) else None)
        if why_not:
            named.set_aside.append((dataset_id, source, why_not))
        else:
            named.found[dataset_id] = source

    value = snapshot.card_data.get("datasets")
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            note(item, "cardData.datasets")
    for tag in snapshot.tags:
        if tag.startswith("dataset:"):
            note(tag.split(":", 1)[1], "tags")
    data_lines = {line.number for line in (data_lines(prose, vocab) if lines is None else lines)}
    for link in prose.card.links if prose else ():
        match = _HF_DATASET_LINK.search(link.url)
        if match:
            why_not = (_about_a_sibling(prose, link, snapshot.repo_id, vocab)  # type: ignore[arg-type]
                       or _link_not_training(prose, link, data_lines, vocab))  # type: ignore[arg-type]
            note(match.group(1), at(link.line), why_not)
            stage = _ci(vocab.data.stage_words)
            if not why_not and stage.search(prose.sentence(link.line, link.url)):  # type: ignore[union-attr]
                named.staged.append((match.group(1), at(link.line)))
    return named


_FIRST_LINK = re.compile(r"\]\(\s{0,4}<?([^\s()<>]{1,2000})")


def _about_a_sibling(prose: Prose, link: Link, repo_id: str, vocab: Vocabulary) -> str | None:
    """Why a link is another model's data: its paragraph is a list entry opening with a sibling's name.

    A model list ("* [Name-7B-Chat](...): built by fine-tuning Name-7B on [X](...)") says
    what each sibling was trained on; the same test keeps such entries from naming parents.
    """
    paragraph = prose.paragraphs.get(link.line.number)
    if not paragraph or not sibling_entry(paragraph.text, vocab.lineage.text_parents, repo_id.lower()):
        return None
    opening = _FIRST_LINK.search(paragraph.text)
    if opening and (opening.group(1) == link.url or _HF_DATASET_LINK.search(opening.group(1))):
        return None  # the entry opens with a dataset (this one or another), not with a model
    return "named in a list entry about another model of the family, not this model's training data"


def _link_not_training(prose: Prose, link: Link, data_lines: set[int], vocab: Vocabulary) -> str | None:
    """Why a Hub dataset link is not training data, or None when it reads as training data.

    The link text says most ("Benchmark", "Pretrain Dataset"); without one, the sentence.
    Outside the card's data lines, the words around the link must speak of data.
    """
    words = vocab.data
    if search(_ci(words.media_files), link.url):
        return "a picture or recording hosted in a dataset repository, not training data"
    sentence = prose.sentence(link.line, link.url)
    label = prose.anchor(link) or sentence
    if (search(_ci(words.evaluation_context), f"{link.line.section} {label} {link.url}")
            or search(_ci(words.evaluation_after), _words_after(prose, link))):
        return "linked as a benchmark or results, not training data"
    usage = _ci(vocab.card_sections.usage)
    if search(_ci(vocab.code.offered_to_users), sentence) or any(
            search(usage, h) for h in prose.headings(link.line.number)):
        return "linked in a usage guide for users' own fine-tuning, not this model's training data"
    if link.line.number not in data_lines and not search(_ci(words.data_words),
                                                         f"{link.line.section} {label} {sentence}"):
        return "linked outside the training-data text, with no word of data around it"
    return None


def _data_pages(prose: Prose | None, vocab: Vocabulary, out: Extracted) -> list[str]:
    """Code-host pages the card says the model was trained on: a dataset's project page.

    This adds data evidence only; how the code extractor reads the same link is its own.
    """
    if prose is None:
        return []
    host = _ci(vocab.code.hosts)
    found: list[str] = []
    for link in prose.card.links:
        domain = _domain(link.url)
        repo = _repo_of(link.url) if host.search(domain) else None
        if not repo or f"{domain.removeprefix('www.')}/{repo}" in found or not _trained_on(prose, link, repo, vocab):
            continue
        found.append(f"{domain.removeprefix('www.')}/{repo}")
        out.add("data.described", at(link.line),
                f"says it was trained on {domain.removeprefix('www.')}/{repo}, a dataset's project page "
                f"(where to obtain it): {quote(prose.sentence(link.line, link.url), 100)}", "medium")
    return found


def _data_cards(prose: Prose | None, lines: list[Line], vocab: Vocabulary, out: Extracted) -> list[str]:
    """Links in the training-data lines whose text says they lead to the data's data cards.

    Each line is read once for its links and their texts (asking for each link's text
    separately rescans the line, quadratic on a line of thousands of links).
    """
    if prose is None:
        return []
    rule = _ci(vocab.data.data_card_link)
    found: dict[str, None] = {}  # in the order found; a dict, not a list: thousands of links on a line
    for line in lines:
        if not first_match(rule, line.text):
            continue
        for match in _LINK_WITH_TEXT.finditer(line.text):
            text, url = (match.group(1), match.group(2)) if match.group(2) else (match.group(4), match.group(3))
            url = url.rstrip(".,;:!?")
            if url in found or _HF_DATASET_LINK.search(url) or not rule.search(plain(text)):
                continue  # Hub dataset links are read as dataset ids
            found[url] = None
            out.add("data.described", at(line), f"links the data cards documenting its training data: {url}", "medium")
    return list(found)


# A markdown link `[text](url)` or an HTML anchor `<a href="url">text</a>`, bounded repeats.
_LINK_WITH_TEXT = re.compile(r"\[([^\[\]]{0,500})\]\(\s*<?(https?://[^\s)>]{1,2000})"
                             r"|<a\b(?=[^>]{0,3014}+>[^<]{0,500}+</a>)[^>]{0,500}?href=[\"']?+(https?://[^\"'\s>]{1,2000}+)"
                             r"[^>]{0,500}+>([^<]{0,500})</a>",
                             re.IGNORECASE)


# The link text and opening bracket at the end of the words before a markdown link.
_LINK_TEXT_BEFORE = re.compile(r"\[[^\[\]]{0,300}\]\(\s*<?$")


def _position(prose: Prose, link: Link) -> int:
    """Where the link's URL starts in its line: as parsed, without searching the line for
    it (searching once per link was super-linear on a line of thousands of links)."""
    return link.start if link.start >= 0 else prose.find(link.line, link.url)


def _words_before(prose: Prose, link: Link) -> str:
    """The words before a link in its paragraph (120 characters), its own link text left out."""
    para = prose.paragraphs.get(link.line.number)
    at_url = _position(prose, link)
    if para is None or at_url < 0:
        return ""
    end = para.starts[link.line.number] + at_url
    before = _LINK_TEXT_BEFORE.sub("", para.text[max(0, end - 400):end])
    return plain(before)[-120:] + " "  # patterns read it word by word, each word ending in a space


def _words_after(prose: Prose, link: Link) -> str:
    """The words that follow a link on its line, up to the next link or table cell (80 characters)."""
    text = link.line.text
    at_url = _position(prose, link)
    if at_url < 0:
        return ""
    # Only a window after the closing marks is read: copying the rest of the line for each
    # link was quadratic on a line of thousands. A next link starting within the 80
    # characters ends inside the window (its longest opening, "https://", is 8 long).
    start = _CLOSING_MARKS.match(text, at_url + len(link.url)).end()  # type: ignore[union-attr]
    return plain(_NEXT_LINK.split(text[start:start + 100], maxsplit=1)[0][:80])


def data(snapshot: ModelSnapshot, prose: Prose | None, vocab: Vocabulary,
         datasets: NamedDatasets, lines: list[Line] | None = None) -> Extracted:
    """Training data: datasets named by id (see datasets_named), data sections, corpora, processing.
    `lines`: data_lines(prose, vocab), when the caller has them."""
    out = Extracted()
    words = vocab.data
    card = prose.card if prose else None
    named = datasets.found
    for dataset_id, source in named.items():
        strength: Strength = "high" if not source.startswith("README") else "medium"
        out.add("data.datasets", source, f"names dataset {dataset_id}", strength)
    for dataset_id, source, why_not in datasets.set_aside:
        out.add("data.datasets", source, f"names dataset {dataset_id}, but {why_not}", "low")
    sections = _sections(card, vocab.card_sections.training_data)
    for section in sections:
        out.add("data.section", f"README.md line {section.first}",
                f"training-data section '{section.title}' ({len(section.lines)} lines)", "medium")
    lines = data_lines(prose, vocab) if lines is None else lines
    # The patterns below are tried on the data lines only, so their words are looked for in
    # those lines, not in the whole card (most cards hold a few of them).
    screen = LineScreen([line.number for line in lines], [line.text for line in lines]) if card else None
    corpora = _corpora(lines, prose, vocab, out, screen)
    pages = _data_pages(prose, vocab, out) + _data_cards(prose, lines, vocab, out)
    public = sorted(name for name, obtainable in corpora.items() if obtainable == "full")
    partly = sorted(name for name, obtainable in corpora.items() if obtainable == "partly")
    partly_ids = _partly_obtainable_ids(named, vocab, out)
    processing = _first_match(lines, words.processing_words, screen)
    if processing:
        out.add("data.processing", at(processing), f"describes processing: {quote(processing.text)}", "medium")
    size = _first_match(lines, words.size_phrase, screen)
    identifies = bool(named or public or partly or partly_ids or pages)
    generic = _generic(lines, prose, vocab, screen)
    if generic and not identifies:
        out.add("data.described", at(generic[0]), f"only a generic phrase ({generic[1].reason}): {quote(generic[0].text)}",
                "medium")
    elif generic:
        out.add("data.described", at(generic[0]),
                f"sums up the data it identifies in general words ({generic[1].reason}), not a source of its own: "
                f"{quote(generic[0].text)}", "low")
    own = _withheld_source(lines, vocab, screen)
    if own:
        out.add("data.unreleased", at(own[0]), f"names a source of its own that is not released ({own[1].reason}): "
                f"{quote(own[0].text)}", "medium")
    kinds = _rows_by_kind_only(lines, prose, vocab) if prose else []
    if kinds:
        out.add("data.unreleased", at(kinds[0][0]),
                f"a data-mix table lists {listing([k for _, k in kinds])} by kind only, no name or link, "
                "beside rows that name their source", "medium")
    withheld = _first_match(lines, words.withheld, screen)
    if withheld:
        out.add("data.unreleased", at(withheld), f"says data is kept back: {quote(withheld.text)}", "medium")
    for dataset_id, source in datasets.staged:
        out.add("data.described", source, f"links {dataset_id} as the data of a named training stage", "medium")
    section_words = sum(len(s.text.split()) for s in sections)
    described = bool(corpora) or bool(size) or section_words >= 25 or bool(datasets.staged)
    if size and not corpora:
        out.add("data.described", at(size), f"states a size: {quote(size.text)}", "medium")
    identified = [*(f"{k}" for k in named), *public, *partly, *pages]
    built_by_code = {c.name for c in vocab.data.corpora if c.code}
    for name in (n for n in public if n in built_by_code):
        code = next(c.code for c in vocab.data.corpora if c.name == name)
        out.add("data.corpora_code", "README.md", f"names {name}, which was built by published code: {code} "
                                                  "(rubrics/vocabulary.yaml)", "medium")
    unreleased = sorted(name for name, obtainable in corpora.items() if obtainable == "none")
    partly_as = sorted({*partly, *partly_ids.values()})
    if generic and not identifies:
        unreleased.append("generic phrases")
    if own:
        unreleased.append("data of its own")
    if kinds:
        unreleased.append("sources named by kind only (" + listing([k for _, k in kinds]) + ")")
    if withheld:
        unreleased.append("data the card says is not released")
    out.signals.update({
        "data.datasets": len(named),
        "data.dataset_ids": ", ".join(named) or "none",
        # Until the datasets are looked up on the Hub, none counts as verified open.
        "data.datasets_missing": 0,
        "data.datasets_not_open": len(named),
        "data.datasets_closed": None if named else 0,  # known once looked up
        "data.datasets_unchecked": len(named),
        "data.datasets_summary": "not looked up" if named else "no Hub datasets named",
        "data.public_corpora": len(public),
        "data.corpora_code": sum(1 for name in public if name in built_by_code),
        "data.identified_count": len(identified),
        "data.identified": listing(identified) or "nothing",
        "data.unreleased": len(unreleased),
        "data.unreleased_as": listing(unreleased) or "none",
        "data.partly_obtainable": len(partly_as),
        "data.partly_obtainable_as": listing(partly_as) or "none",
        "data.section": bool(sections),
        "data.processing": processing is not None,
        "data.described": described,
        "data.described_as": _described_as(sections, corpora, size),
        "data.searched": _data_searched(card),
    })
    return out


def _sections(card: ParsedCard | None, heading_pattern: str) -> list[Section]:
    rule = _ci(heading_pattern)
    return [s for s in card.sections if rule.search(s.title)] if card else []


def data_lines(prose: Prose | None, vocab: Vocabulary) -> list[Line]:
    """Lines that speak about training data.

    Those in data or training sections, those in a sentence saying what the model was
    trained on, and the list or table such a sentence introduces with a colon.
    """
    if prose is None:
        return []
    pattern = f"{vocab.card_sections.training_data}|{vocab.card_sections.training_procedure}"
    in_sections = {line.number for s in _sections(prose.card, pattern) for line in s.lines}
    sentence = _ci(vocab.data.training_sentence)
    # A sentence is made of its paragraph's words: a paragraph none of whose lines the
    # pattern might match holds no training sentence (each paragraph asked once).
    hits = prose.card.screen.lines_with(sentence)
    if hits is not None:
        return _data_lines_among(prose, vocab, sentence, in_sections, hits)
    # A pattern without words to screen by: every line is asked.
    found: list[Line] = []
    listed = False  # inside a list or table that a training sentence introduced
    for line in prose.card.lines:
        if listed and (not line.text.strip() or _LIST_ITEM.match(line.text)):
            found.append(line)
            continue
        listed = False
        if line.number in in_sections or sentence.search(line.text) or sentence.search(prose.sentence(line)):
            found.append(line)
            listed = _introduces_list(prose, line, vocab)
    return found


def _data_lines_among(prose: Prose, vocab: Vocabulary, sentence: re.Pattern[str], in_sections: set[int],
                      hits: frozenset[int]) -> list[Line]:
    """data_lines over the lines that may be data lines, in order, not every line: those of
    the data sections, of the paragraphs holding a word of the training sentence (`hits`:
    the screen's lines holding one; a sentence is made of its paragraph's words), and the
    list or table each found line introduces."""
    card = prose.card
    candidates = set(in_sections)
    # A paragraph's lines are added once: adding them for each of its lines holding a word
    # was quadratic on a paragraph of thousands of such lines ("trained on" on every line).
    taken: set[int] = set()  # the paragraphs (by id) whose lines are in
    for number in hits:
        para = prose.paragraphs.get(number)
        if para is None:
            candidates.add(number)
        elif id(para) not in taken:
            taken.add(id(para))
            candidates.update(para.starts)  # every line of its paragraph
    lines, numbers, by_number = card.lines, card.numbers, card.by_number
    found: list[Line] = []
    resume = 0  # lines before this one were taken as a list's items
    for number in sorted(candidates):
        if number < resume:
            continue
        line = by_number[number]
        if number in in_sections or first_match(sentence, line.text) or first_match(sentence, prose.sentence(line)):
            found.append(line)
            if _introduces_list(prose, line, vocab):
                index = bisect_left(numbers, number) + 1
                while index < len(lines) and (not lines[index].text.strip() or _LIST_ITEM.match(lines[index].text)):
                    found.append(lines[index])
                    index += 1
                resume = lines[index].number if index < len(lines) else numbers[-1] + 1
    return found


# A list item, a table row, or an indented line continuing a list item.
_LIST_ITEM = re.compile(r"^(\s*([-*+]|\d+[.)])\s|\s*\||\s+\S)")


_TABLE_ROW = re.compile(r"^\s*\|")
_TABLE_RULE = re.compile(r"^[\s|:-]*$")


def _rows_by_kind_only(lines: list[Line], prose: Prose, vocab: Vocabulary) -> list[tuple[Line, str]]:
    """Rows of data-mix tables that give a kind of data (books, code) but no source.

    Counted only in a table where another row names its source (a corpus or a link), and
    whose section links no Hub dataset outside the table (a released whole it breaks down).
    """
    kind = _ci(vocab.data.source_categories)
    linked = {link.line.number for link in prose.card.links}
    dataset_lines = sorted({link.line.number for link in prose.card.links if _HF_DATASET_LINK.search(link.url)})
    firsts = [s.first for s in prose.card.sections]
    found: list[tuple[Line, str]] = []
    for table in _tables(lines):
        rows = [r for r in table[1:] if not _TABLE_RULE.match(r.text)]  # the first row is the header
        named = {r.number for r in rows if r.number in linked or search(vocab.data.any_corpus, plain(r.text))}
        by_kind = [(r, cell) for r in rows if r.number not in named and (cell := _first_cell(r.text)) and kind.search(cell)]
        if by_kind and named and not _section_links_a_dataset(table, prose, firsts, dataset_lines):
            found += by_kind
    return found


def _section_links_a_dataset(table: list[Line], prose: Prose, firsts: list[int], dataset_lines: list[int]) -> bool:
    """Whether the section holding the table links a Hub dataset outside it (binary searches: no rescans)."""
    at_heading = bisect_left(firsts, table[0].number) - 1  # the nearest heading above: the innermost section
    if at_heading < 0:
        return False
    section = prose.card.sections[at_heading]
    def count(low: int, high: int) -> int:
        return bisect_right(dataset_lines, high) - bisect_left(dataset_lines, low)
    return count(section.first, section.last) > count(table[0].number, table[-1].number)


def _tables(lines: list[Line]) -> list[list[Line]]:
    """Runs of consecutive table rows among `lines`."""
    tables: list[list[Line]] = []
    for line in lines:
        if not _TABLE_ROW.match(line.text):
            continue
        if tables and tables[-1][-1].number == line.number - 1:
            tables[-1].append(line)
        else:
            tables.append([line])
    return tables


def _first_cell(row: str) -> str:
    return plain(row.strip().strip("|").split("|", 1)[0]).lower()


def _introduces_list(prose: Prose, line: Line, vocab: Vocabulary) -> bool:
    """Whether the line ends with a training sentence that introduces a list with a colon."""
    text = line.text.rstrip(" *_")
    if not text.endswith((":", "：")):
        return False
    last = _SENTENCE_SPLIT.split(text)[-1]
    sentence = prose.sentence(line, last) if last.strip() else ""
    return bool(_ci(vocab.data.training_sentence).search(sentence)
                and _ci(vocab.data.list_intro).search(sentence))


def _corpora(lines: list[Line], prose: Prose | None, vocab: Vocabulary, out: Extracted,
             screen: LineScreen | None = None) -> dict[str, Obtainable]:
    """Corpora named as training sources, by how far they can be obtained.

    A name kept out of the data or given as a part of another is not a source. `screen`:
    the word screen of `lines` (the card's, when not given).
    """
    found: dict[str, Obtainable] = {}
    matches = _corpus_matches(lines, prose, vocab, screen)
    # Corpora the data lines name anywhere: what "a Common Crawl-based dataset" may refer to.
    named = frozenset(c.name for i, c in enumerate(vocab.data.corpora)
                      if any(i in by_corpus for _, _, by_corpus in matches))
    for index, corpus in enumerate(vocab.data.corpora):
        for line, _, by_corpus in matches:
            match = by_corpus.get(index)
            if not match:
                continue
            why_not = _not_a_source(prose, line, match.group(0), corpus, vocab, named) if prose else None
            if why_not:
                out.add("data.described", at(line), f"names {corpus.name}, but {why_not}", "low")
                continue
            subset = _filtered_subset(prose, line, match.group(0), corpus, vocab) if corpus.public and prose else None
            if subset:
                found[corpus.name] = "partly"
                out.add("data.partly_obtainable", at(line),
                        f"names {corpus.name}, but only a filtered subset of it that was not released: {subset}", "medium")
                break
            found[corpus.name] = corpus.obtainable
            out.add(_CORPUS_SIGNAL[corpus.obtainable], at(line),
                    f"names {corpus.name}, {_OBTAINABLE[corpus.obtainable]} ({corpus.reason})", "medium")
            break
    return found


def _corpus_matches(lines: list[Line], prose: Prose | None, vocab: Vocabulary,
                    screen: LineScreen | None = None) -> list[tuple[Line, str, dict[int, re.Match[str]]]]:
    """The lines naming a corpus, in order: each with its text (markup removed) and the
    first match of each corpus named there, by the corpus's index in the vocabulary.

    Each corpus is tried only on the lines holding one of its words (the card's word
    screen, on the raw line: markup removal only puts spaces between its words), once:
    trying every corpus (and all of them at once first) on every data line was a tenth
    of a card's reading.
    """
    if not lines:  # no data lines: no corpus to ask about (most cards hold a few, many none)
        return []
    corpora = vocab.data.corpora
    screen = screen or (prose.card.screen if prose else None)
    hits = [(index, corpus, screen.lines_with(corpus.regex) if screen else None)
            for index, corpus in enumerate(corpora)]
    # The corpora each line might name, from the screen's answers: asking every corpus
    # about every data line was a Python loop of lines x corpora.
    always = [(index, corpus) for index, corpus, numbers in hits if numbers is None]
    by_line: dict[int, list[tuple[int, Corpus]]] = {}
    for index, corpus, numbers in hits:
        for number in numbers or ():
            by_line.setdefault(number, []).append((index, corpus))
    found = []
    for line in lines:
        held = by_line.get(line.number)
        if not held and not always:
            continue
        candidates = sorted(always + held, key=lambda pair: pair[0]) if held and always else held or always
        text = plain(line.text)
        by_corpus = {index: match for index, corpus in candidates if (match := first_match(corpus.regex, text))}
        if by_corpus:
            found.append((line, text, by_corpus))
    return found


_OBTAINABLE = {"full": "a public corpus", "partly": "identified but only partly obtainable",
               "none": "not a released, identifiable corpus"}
_CORPUS_SIGNAL = {"full": "data.described", "partly": "data.partly_obtainable", "none": "data.described"}


def _partly_obtainable_ids(named: dict[str, str], vocab: Vocabulary, out: Extracted) -> dict[str, str]:
    """Dataset ids that are copies of a partly obtainable corpus (a withdrawn LAION list on the Hub).

    Such an id identifies the data, but the copy is not the whole corpus the model was
    trained on; returns id -> corpus name.
    """
    found: dict[str, str] = {}
    partly = [c for c in vocab.data.corpora if c.obtainable == "partly"]
    for dataset_id, source in named.items():
        # The dataset's own name, not its owner: "laion/OIG" is a text set published by the
        # LAION organisation, not a copy of its image-text lists.
        name = dataset_id.split("/")[-1]
        words = re.sub(r"[/_.-]+", " ", name)  # "Share_GPT-x" -> words a pattern's \b can see
        corpus = next((c for c in partly if c.regex.search(words) or c.regex.search(name)), None)
        if corpus:
            found[dataset_id] = corpus.name
            out.add("data.partly_obtainable", source,
                    f"dataset {dataset_id} is a copy of {corpus.name}, {_OBTAINABLE['partly']} ({corpus.reason})",
                    "medium")
    return found


def _not_a_source(prose: Prose, line: Line, name: str, corpus: Corpus, vocab: Vocabulary,
                  named: frozenset[str] = frozenset()) -> str | None:
    """Why a corpus named on `line` is not a training source of its own, or None when it is."""
    words = vocab.data
    sentence = prose.sentence(line, name)
    match = corpus.regex.search(sentence)
    if not match:
        return None
    before, after = sentence[:match.start()][-80:], sentence[match.end():][:80]
    if _ci(words.excluded_before).search(before) or _ci(words.excluded_after).search(after):
        return f"as kept out of the training data: {quote(sentence, 100)}"
    origin = _origin_of(prose, line, sentence, before, corpus, vocab) or _origin_after(after, corpus, vocab, named)
    if origin:
        return f"as the origin of {origin}, not a source of its own: {quote(sentence, 100)}"
    if not corpus.public and _ci(words.component_before).search(before):
        paragraph = prose.paragraph(line)
        holder = next((c.name for c in words.corpora if c.public and c.regex.search(paragraph)), None)
        if holder:
            return f"only as an example of what {holder} contains: {quote(sentence, 100)}"
    return None


def _filtered_subset(prose: Prose, line: Line, name: str, corpus: Corpus, vocab: Vocabulary) -> str | None:
    """The sentence, quoted, when it says only a filtered subset of `corpus` was used and does not link it."""
    sentence = prose.sentence(line, name)
    match = corpus.regex.search(sentence)
    before = sentence[:match.start()][-120:] if match else ""
    subset = _ci(vocab.data.filtered_subset_before).search(before)
    if not subset or _ci(vocab.data.appositive_before).search(before[:subset.start()]):
        return None
    linked = any(_HF_DATASET_LINK.search(link.url) and prose.sentence(link.line, link.url) == sentence
                 for link in prose.card.links if link.line.number == line.number)
    return None if linked else quote(sentence, 100)


def _origin_of(prose: Prose, line: Line, sentence: str, before: str, corpus: Corpus,
               vocab: Vocabulary) -> str | None:
    """The corpus made from `corpus` that the words around it name, when they say it was made from it.

    "C4, a cleaned version of Common Crawl": Common Crawl is C4's origin. The origin words
    must stand just before the name (`before`); the corpus made from it may stand in the
    same sentence or elsewhere in its paragraph ("We use FineWeb. It is built from 96
    Common Crawl snapshots."). "Common Crawl, C4 and books" names two sources.
    """
    holders = [c for c in vocab.data.corpora if corpus.name in c.built_from]
    if not holders or not _ci(vocab.data.origin_words).search(before):
        return None
    holder = next((c for c in holders if c.regex.search(sentence)), None)
    if holder is None:
        paragraph = prose.paragraph(line)
        holder = next((c for c in holders if c.regex.search(paragraph)), None)
    return holder.name if holder else None


def _origin_after(after: str, corpus: Corpus, vocab: Vocabulary, named: frozenset[str]) -> str | None:
    """The corpus built from `corpus` that the card names, when the words after the name make
    it an origin ("a new Common Crawl-based dataset" in a card that names mC4)."""
    if not _ci(vocab.data.origin_after).search(after):
        return None
    return next((c.name for c in vocab.data.corpora if corpus.name in c.built_from and c.name in named), None)


def _first_match(lines: list[Line], pattern: str, screen: LineScreen | None = None) -> Line | None:
    rule = _ci(pattern)
    hits = screen.lines_with(rule) if screen else None
    return next((line for line in lines if (hits is None or line.number in hits) and first_match(rule, line.text)), None)


def _generic(lines: list[Line], prose: Prose | None, vocab: Vocabulary,
             screen: LineScreen | None = None) -> tuple[Line, PatternWithReason] | None:
    """The first vague summary of the data, outside limitations, bias and risk sections
    (`screen`: the word screen of `lines`; the card's, when not given)."""
    # Lines under such a heading, collected once (sections nest at most six deep, so this
    # stays linear where asking each line for its headings would not).
    if not lines:
        return None
    skip = {line.number for s in _sections(prose.card if prose else None, vocab.card_sections.not_data)
            for line in s.lines}
    # Screened on the raw line: markup removal only puts spaces between its words.
    screen = screen or (prose.card.screen if prose else None)
    by_rule = [(r, screen.lines_with(r.regex) if screen else None) for r in vocab.data.generic_phrases]
    anywhere = screen.lines_with_any(r.regex for r in vocab.data.generic_phrases) if screen else None
    for line in lines:
        if line.number in skip or (anywhere is not None and line.number not in anywhere):
            continue
        text = plain(line.text)
        rule = next((r for r, hits in by_rule if (hits is None or line.number in hits) and first_match(r.regex, text)), None)
        if rule:
            return line, rule
    return None


def _withheld_source(lines: list[Line], vocab: Vocabulary,
                     screen: LineScreen | None = None) -> tuple[Line, PatternWithReason] | None:
    """The first words naming a source of the model's own that is not released.

    Read sentence by sentence, with Hub dataset links marked: words that stand in
    apposition to a linked dataset ("[Set](link), prompts generated by a chat model")
    describe that dataset, not another source.
    """
    # Screened on the raw line: a line no rule might match, and without a dataset link
    # whose marker adds words of its own, cannot match once its markup is removed.
    if not lines:
        return None
    hits = screen.lines_with_any([_DATASET_URL, *(rule.regex for rule in vocab.data.withheld_sources)]) if screen else None
    for line in lines:
        if hits is not None and line.number not in hits:
            continue
        for piece in _SENTENCE_SPLIT.split(line.text):
            text = plain(_DATASET_URL.sub(f" {_LINKED} ", piece))
            folded = fold(text)
            for rule in vocab.data.withheld_sources:
                match = search(rule.regex, text, folded)
                if match and not _describes_linked_dataset(text, match.start(), vocab):
                    return line, rule
    return None


def _describes_linked_dataset(text: str, start: int, vocab: Vocabulary) -> bool:
    """Whether the words starting at `start` stand in apposition to the dataset link before them."""
    mark = text.rfind(_LINKED, 0, start)
    if mark < 0:
        return False
    between = text[mark + len(_LINKED):start]
    if len(between) > _APPOSITION_REACH:
        return False
    return bool(_ci(vocab.data.apposition).search(between)) and not _ci(vocab.data.another_source).search(between)


def _described_as(sections: list[Section], corpora: dict[str, Obtainable], size: Line | None) -> str:
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
    return (f"{where}, {len(card.sections)} headings, links to Hub datasets, data cards and dataset project pages, "
            "training-data sentences and the lists they introduce")


# ---- code ------------------------------------------------------------------------------

_KIND_RANK = ("training", "data_processing", "finetune", "evaluation", "inference")


@dataclass(frozen=True)
class CodeLink:
    """A code-host repository the card links, and what the words around the link say it is."""

    host: str
    """The code host, e.g. `github.com`."""
    repo: str
    """`owner/name`."""
    kind: str
    """training, data_processing, finetune, evaluation, inference, or framework (a known
    general library or a codebase only named)."""
    reason: str | None
    """Why the words make it that kind; None when they do not describe it at all."""
    source: str
    """Where the link stands (`README.md line N`)."""
    sentence: str
    own: bool = False
    """True when the card presents it as the model's own code (a "Codebase:" field, a link
    written "GitHub" or "Code")."""
    known: bool = False
    """True for a framework of the vocabulary: what it covers is known, its tree says no more."""


@dataclass
class CodeFindings:
    """Code sources by kind (the signals are counted from these) and the links behind them."""

    by_kind: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    links: list[CodeLink] = field(default_factory=list)
    searched: str = ""

    def lookups(self) -> list[str]:
        """GitHub repositories worth reading: linked, and not a known framework or general library."""
        seen: dict[str, None] = {}
        for link in self.links:
            if link.host == "github.com" and link.kind != "framework":
                seen.setdefault(link.repo.lower(), None)
        return list(seen)


def code_signals(found: CodeFindings) -> dict[str, Any]:
    """The code.* signals, counted from the sources found by kind."""
    by_kind = found.by_kind
    return {
        "code.training": len(by_kind["training"]),
        "code.training_links": listing(by_kind["training"]) or "none",
        "code.finetune": len(by_kind["finetune"]),
        "code.some_stage": len(by_kind["finetune"]) + len(by_kind["training"]),
        "code.finetune_links": listing(by_kind["finetune"]) or "none",
        "code.evaluation": len(by_kind["evaluation"]),
        "code.data_processing": len(by_kind["data_processing"]),
        "code.inference": sum(len(v) for v in by_kind.values()),
        "code.inference_links": listing([x for k in _KIND_RANK for x in by_kind[k]]) or "none",
        "code.searched": found.searched,
    }


def code(snapshot: ModelSnapshot, prose: Prose | None, vocab: Vocabulary) -> tuple[Extracted, CodeFindings]:
    """Code links by what the text around them says, code files in the repo, library integration."""
    out = Extracted()
    found = CodeFindings()
    card = prose.card if prose else None
    by_kind = found.by_kind
    host_links = _code_links(prose, vocab, out, found)
    for rule in vocab.code.repo_files:
        names = [n for n in snapshot.siblings if rule.regex.search(n)]
        if names and rule.kind:
            by_kind[rule.kind].append(listing(names, 2))
            out.add(f"code.{rule.kind}", "siblings", f"{rule.reason}: {listing(names)}", "high")
    _release_statements(prose, vocab, out, found)
    _framework_tags(snapshot, vocab, out, found)
    if snapshot.library_name:
        by_kind["inference"].append(f"{snapshot.library_name} integration")
        out.add("code.inference", "library_name",
                f"loads with the {snapshot.library_name} library (code that runs the model)", "high")
    for section in _sections(card, vocab.card_sections.training_procedure):
        out.add("code.procedure_section", f"README.md line {section.first}",
                f"training-procedure section '{section.title}' ({len(section.lines)} lines)", "medium")
    links = card.links if card else ()
    found.searched = (f"{len(links)} link(s) in the card ({host_links} to code hosts), "
                      f"{len(snapshot.siblings)} repository file(s), library_name")
    out.signals.update(code_signals(found))
    # Until linked repositories are read (openness/evidence/repos.py), none is unchecked.
    out.signals.update({"code.repos_unchecked": 0, "code.repos_unchecked_as": "none", "code.training_not_open": 0,
                        "code.training_not_open_as": "none", "code.licences": "not read"})
    return out, found


def _framework_tags(snapshot: ModelSnapshot, vocab: Vocabulary, out: Extracted, found: CodeFindings) -> None:
    """A training codebase in the Hub tags (the tool adds its own tag): the model was trained with it.

    RUBRIC.md: a framework the model was trained with, without this model's recipe, is C2;
    so a codebase tag counts for the stage the codebase covers, never as complete code.
    General libraries (no `kind`) say nothing about this model's own code.
    """
    for tag in snapshot.tags:
        if ":" in tag:  # a key:value tag (license:, dataset:, base_model:) names no codebase: not matched at all
            continue
        framework = next((f for f in vocab.code.frameworks if f.kind and f.regex.search(tag.lower())), None)
        if framework:
            found.by_kind["finetune"].append(f"{tag} (Hub tag)")
            out.add("code.finetune", "tags", f"tagged {tag}: {framework.reason}; no recipe of this model is named",
                    "medium")


def _release_statements(prose: Prose | None, vocab: Vocabulary, out: Extracted, found: CodeFindings) -> None:
    """A card saying in prose that its training code is released (the first such sentence counts).

    It counts as training code the card vouches for; where it is, and under which licence,
    the card's links and the model's own repository say (a reason names what was not checked).
    """
    if prose is None:
        return
    not_yet = _ci(vocab.code.release_not_yet)
    by_rule = [(rule, prose.card.screen.lines_with(rule.regex)) for rule in vocab.code.release_statements]
    # Only the lines some rule might match, in order: walking every line past every rule was
    # a Python loop of lines x rules.
    anywhere = None if any(hits is None for _, hits in by_rule) else \
        frozenset().union(*(hits for _, hits in by_rule if hits is not None))
    for line in prose.card.lines_in(anywhere):
        for rule, hits in by_rule:
            if not ((hits is None or line.number in hits) and first_match(rule.regex, line.text)):
                continue
            sentence = prose.sentence(line)
            match = first_match(rule.regex, sentence)
            if match is None or not_yet.search(sentence[max(0, match.start() - 60):match.end()]):
                continue
            found.by_kind[rule.kind or "training"].append("released as the card states")
            out.add(f"code.{rule.kind or 'training'}", at(line), f"{rule.reason}: {quote(sentence, 160)}", "medium")
            return


def _code_links(prose: Prose | None, vocab: Vocabulary, out: Extracted, found: CodeFindings) -> int:
    """Classify each code-host link once per repository and kind; return how many links were read."""
    if prose is None:
        return 0
    host = _ci(vocab.code.hosts)
    not_code = _ci(vocab.code.not_code)
    seen: set[tuple[str, str]] = set()
    links = [(link, repo) for link in prose.card.links
             if (repo := _repo_of(link.url) if host.search(_domain(link.url)) else None) and not not_code.search(link.url)]
    data_pages = _trained_on_repos(prose, links, vocab)
    for link, repo in links:
        domain = _domain(link.url)
        sentence = prose.sentence(link.line, link.url)
        if repo.lower() in data_pages:
            # The card says the model was trained on it: a data set's project page, wherever
            # else the card links it (the data extractor reads it as data with the same words).
            out.add("code.not_code", at(link.line),
                    f"{repo}: linked as what the model was trained on (data), not code {quote(sentence, 100)}", "medium")
            continue
        framework = _framework_of(prose, repo, vocab)
        anchor = prose.anchor(link) or ""
        own = bool(search(_ci(vocab.code.own_code_anchor), anchor)
                   or search(_ci(vocab.code.code_fields), sentence))
        reason: str | None
        if framework:
            kind, reason = _framework_use(framework, sentence, prose.headings(link.line.number), vocab, own)
        elif search(_ci(vocab.code.usage_paths), link.url):
            kind, reason = "inference", "a notebook or guide for users, not the model's own recipe"
        else:
            kind, reason = _link_kind(f"{link.line.section} {sentence}", vocab)
        if (kind, repo.lower()) in seen:
            continue
        seen.add((kind, repo.lower()))
        found.links.append(CodeLink(domain.removeprefix("www."), repo, kind, reason, at(link.line), sentence, own,
                                    known=framework is not None))
        if kind == "framework":
            out.add("code.frameworks", at(link.line), f"{repo}: {reason}", "low")
            continue
        found.by_kind[kind].append(repo)
        strength: Strength = "low" if reason is None else "medium"
        out.add(f"code.{kind}", at(link.line),
                f"{repo}: {reason or 'a code repository, not described as training code'} {quote(sentence, 100)}",
                strength)
    return len(links)


def _domain(url: str) -> str:
    return url.split("/")[2].lower() if "//" in url else ""


def _trained_on_repos(prose: Prose, links: list[tuple[Link, str]], vocab: Vocabulary) -> set[str]:
    """Repositories the card links as what the model was trained on ("trained on [X](github...)").

    Known frameworks never are ("trained on the Pile using [library]" links code).
    """
    return {repo.lower() for link, repo in links if _trained_on(prose, link, repo, vocab)}


def _trained_on(prose: Prose, link: Link, repo: str, vocab: Vocabulary) -> bool:
    """Whether the card writes a code-host link as what the model was trained on ("trained on
    [X](github...)"): a data set's project page. Both the data and the code extractor ask.

    Known frameworks never are ("trained on the Pile using [library]" links code), nor is a
    link whose text names a format, a tool or a model ("trained on our [response format]").
    """
    # Asked once per link and card: the data and the code extractor both ask of each link.
    key = ("trained_on", link.url, str(link.line.number), str(link.start), repo)
    known = prose.memo.get(key)
    if known is None:
        known = prose.memo[key] = (
            _framework_of(prose, repo, vocab) is None
            and _ci(vocab.data.trained_on_before).search(_words_before(prose, link)) is not None
            and not _ci(vocab.data.not_data_object).search(prose.anchor(link) or ""))
    return bool(known)


def _framework_of(prose: Prose, repo: str, vocab: Vocabulary) -> PatternWithReason | None:
    """The first known framework whose pattern the repository matches, tried once per card and repository."""
    key = ("framework", repo)
    if key not in prose.memo:
        prose.memo[key] = next((f for f in vocab.code.frameworks if f.regex.search(repo)), None)
    found = prose.memo[key]
    return found if isinstance(found, PatternWithReason) else None


def _repo_of(url: str) -> str | None:
    match = _CODE_REPO.match(url)
    if not match or not match.group(2):
        return None
    return f"{match.group(1)}/{match.group(2).removesuffix('.git')}"


OFFERED = "offers users a way to fine-tune the model further, not the code that trained it"


def _link_kind(context: str, vocab: Vocabulary) -> tuple[str, str | None]:
    # The context folded once: each rule runs only where one of its words stands.
    folded = fold(context)
    if search(_ci(vocab.code.offered_to_users), context, folded):
        return "inference", OFFERED
    for rule in vocab.code.contexts:
        if search(rule.regex, context, folded):
            return rule.kind or "inference", rule.reason
    return "inference", None


def _framework_use(framework: PatternWithReason, sentence: str, headings: tuple[str, ...],
                   vocab: Vocabulary, own: bool = False) -> tuple[str, str]:
    """A known framework counts as this model's code only when the card says it trained the model.

    The stage comes from the framework (a fine-tuning codebase covers fine-tuning only) and
    from the words around it (a pretraining codebase used for a DPO step is fine-tuning code).
    """
    if framework.kind is None:
        return "framework", f"{framework.reason}, not this model's code"
    said, why = _link_kind(sentence, vocab)
    trained = _ci(vocab.code.trained_with)
    if why == OFFERED or not (own or said in ("training", "finetune")
                              or any(search(trained, t) for t in (sentence, *headings))):
        return "framework", f"{framework.reason}; named, but not said to have trained this model"
    kind = "finetune" if "finetune" in (said, framework.kind) else framework.kind
    if own and said not in ("training", "finetune"):
        return kind, f"{framework.reason}; the card gives it as the model's own codebase"
    return kind, f"{framework.reason}; the card says the model was trained with it"


# ---- papers ----------------------------------------------------------------------------

def papers(snapshot: ModelSnapshot, card: ParsedCard | None, vocab: Vocabulary) -> list[str]:
    """Papers the card links or tags (arXiv ids become arxiv.org links)."""
    found: list[str] = []
    for tag in snapshot.tags:
        if tag.startswith("arxiv:"):
            found.append(f"https://arxiv.org/abs/{tag.split(':', 1)[1]}")
    rule = _ci(vocab.papers)
    for link in card.links if card else ():
        if search(rule, link.url):
            found.append(link.url.replace("/pdf/", "/abs/").removesuffix(".pdf"))
    return list(dict.fromkeys(found))
