"""The card's own documentation: the papers it presents as the model's own, the evaluation
results it reports and on which public benchmarks, whether its training data is documented,
and the files that define the architecture and the tokenizer.

These are the facts the Model Openness Framework's documentation components (technical
report, research paper, evaluation results, evaluation data, data card, architecture) and
the OSAI index's preprint, paper and datasheet need. Pure: one Reading in, signals out.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, count, repeat
from operator import contains

from openness.evidence.card import Line, ParsedCard, split_lines
from openness.evidence.extractors import Extracted, at, listing, quote
from openness.evidence.terms import DocumentWords
from openness.models import ModelSnapshot

# An arXiv id, in a link or a BibTeX `eprint`/`journal` field ("arXiv:2304.01373").
_ARXIV = re.compile(r"\b(\d{4}\.\d{4,5})(v\d{1,3})?\b")
_ARXIV_LINK = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})", re.IGNORECASE)
_BIBTEX_START = re.compile(r"^\s{0,8}@([A-Za-z]{2,20})\s{0,4}[{(]\s{0,4}([^,\s]{0,120})")
# A BibTeX entry is a paper (not software, a blog post or a web page) when it is one by
# type, or says where it was published or its arXiv id.
_PAPER_TYPES = frozenset({"article", "inproceedings", "techreport", "phdthesis", "mastersthesis", "incollection",
                          "proceedings", "conference", "unpublished"})
_PUBLISHED_IN = re.compile(r"^\s{0,12}(journal|booktitle|eprint|archiveprefix|institution)\s{0,4}=", re.IGNORECASE)
_PICTURE = re.compile(r"<img\b|!\[", re.IGNORECASE)
_BIBTEX_TITLE = re.compile(r"^\s{0,12}title\s{0,4}=\s{0,4}[{\"]+(.{1,400})", re.IGNORECASE)
_TABLE_NUMBER = re.compile(r"^\s{0,3}\|.{0,2000}\d[.,]\d")
_MAX_BIBTEX_LINES = 40
"""A BibTeX entry is read for at most this many lines: a card is not a bibliography."""
_MAX_BIBTEX_ENTRIES = 50
# Words of a repo name that say nothing of which model it is.
_GENERIC = frozenset({"base", "chat", "instruct", "model", "models", "large", "small", "medium", "tiny",
                      "open", "deduped", "hf", "the", "llm", "lm", "research", "community", "v1", "v2"})


@dataclass(frozen=True)
class OwnPaper:
    """A paper the card presents as the model's own, and where it says so."""

    ref: str
    """An arXiv id, or the paper's title when it has none."""
    source: str
    how: str


def documents(snapshot: ModelSnapshot, card: ParsedCard | None, words: DocumentWords,
              signals: dict[str, object]) -> Extracted:
    """The documents extractor: docs.* and files.* signals, with their evidence."""
    out = Extracted()
    out.signals["files.architecture"] = _files(snapshot, words.architecture_files, "files.architecture",
                                               "architecture defined in", out)
    out.signals["files.tokenizer"] = _files(snapshot, words.tokenizer_files, "files.tokenizer", "tokenizer in", out)
    if card is None:  # the card could not be read: what it documents is unknown, not absent
        for name in ("docs.paper", "docs.paper_as", "docs.eval_results", "docs.eval_data", "docs.data_card"):
            out.signals[name] = None
        return out
    papers = own_papers(snapshot, card, words)
    out.signals["docs.paper"] = len(papers)
    out.signals["docs.paper_as"] = listing([p.ref for p in papers]) if papers else "none"
    for paper in papers:
        out.add("docs.paper", paper.source, f"the model's own paper ({paper.how}): {paper.ref}", "medium")
    results, benchmarks = _evaluation(snapshot, card, words, out)
    out.signals["docs.eval_results"] = results
    out.signals["docs.eval_data"] = len(benchmarks)
    if benchmarks:
        out.add("docs.eval_data", "README.md", f"public benchmarks named in its evaluation: {listing(benchmarks)}",
                "medium")
    out.signals["docs.data_card"] = _data_card(signals, out)
    return out


def _files(snapshot: ModelSnapshot, pattern: str, signal: str, said: str, out: Extracted) -> bool:
    rule = re.compile(pattern, re.IGNORECASE)
    names = [name for name in snapshot.siblings if rule.search(name)]
    if names:
        out.add(signal, "siblings", f"{said} {listing(names)}", "high")
    return bool(names)


# ---- papers --------------------------------------------------------------------------------

def own_papers(snapshot: ModelSnapshot, card: ParsedCard, words: DocumentWords) -> list[OwnPaper]:
    """Papers the card presents as the model's own: labelled so on a line that links it, or
    a BibTeX entry the card gives whose key or title names the model or its publisher."""
    names = model_names(snapshot.repo_id)
    found: dict[str, OwnPaper] = {}
    label = _compiled(words.paper_label)
    named = _compiled(words.named_paper)
    # The lines holding "arxiv" are asked of the card's screen, not each line lowered in turn.
    by_number = card.by_number
    for number in card.screen.lines_holding("arxiv"):
        line = by_number[number]
        if "arxiv" not in line.text.lower():
            continue
        ids = _ARXIV_LINK.findall(line.text)
        how = _labelled(line, label, named, names)
        if how is None:
            continue
        for ref in ids:
            found.setdefault(ref, OwnPaper(ref, at(line), how))
    for paper in _bibtex_papers(snapshot.card.text or "", names):
        found.setdefault(paper.ref, paper)
    return list(found.values())


def _labelled(line: Line, label: re.Pattern[str], named: re.Pattern[str], names: frozenset[str]) -> str | None:
    """How the line presents its paper as the model's own, or None when it does not."""
    match = label.search(line.text)
    if match:
        return f"labelled {quote(match.group(0), 40)}"
    for found in named.finditer(line.text):
        if _names_model(found.group(1), names):
            return f"named {quote(found.group(0), 60)}"
    return None


def _bibtex_papers(text: str, names: frozenset[str]) -> list[OwnPaper]:
    """BibTeX entries (in code blocks too, where cards keep them) naming the model or its
    publisher in their key or title; an entry is read for a bounded number of lines."""
    if "@" not in text:  # every entry opens with one: most cards hold none
        return []
    lines = split_lines(text)
    # Only a line holding '@' can open an entry: those lines are found at C speed, and the
    # walk jumps from one to the next instead of stepping over every line between.
    at_lines = list(compress(count(), map(contains, lines, repeat("@"))))
    papers: list[OwnPaper] = []
    number, entries = 0, 0
    while number < len(lines) and entries < _MAX_BIBTEX_ENTRIES:
        following = bisect_left(at_lines, number)
        if following == len(at_lines):
            break
        number = at_lines[following]
        start = _BIBTEX_START.match(lines[number])
        if not start:
            number += 1
            continue
        entries += 1
        block = lines[number:number + _MAX_BIBTEX_LINES]
        end = next((i for i, text in enumerate(block[1:], 1) if text.strip() in ("}", ")")), len(block) - 1)
        fields = block[:end]
        title = next((m.group(1) for text in fields if (m := _BIBTEX_TITLE.match(text))), "").rstrip("},\" ")
        key = start.group(2)
        ids = [m.group(1) for text in fields for m in _ARXIV.finditer(text)
               if "arxiv" in text.lower() or "eprint" in text.lower()]
        a_paper = start.group(1).lower() in _PAPER_TYPES or bool(ids) or any(_PUBLISHED_IN.match(t) for t in fields)
        if a_paper and (_names_model(key, names) or _names_model(title, names)):
            ref = ids[0] if ids else (title or key)[:120]
            papers.append(OwnPaper(ref, f"README.md line {number + 1}", f"cited as {quote(title or key, 80)}"))
        number += end + 1
    return papers


def model_names(repo_id: str) -> frozenset[str]:
    """What a paper's key or title would call the model: the leading word of its name
    ("pythia" of pythia-6.9b, "gptneox" of gpt-neox-20b) and its publisher ("llm360")."""
    org, _, name = repo_id.partition("/")
    lead = re.match(r"[A-Za-z][A-Za-z_-]{0,60}", name)
    found = {_squash(lead.group(0))} if lead else set()
    found.add(_squash(org))
    return frozenset(n for n in found if len(n) >= 3 and n not in _GENERIC)


def _names_model(text: str, names: frozenset[str]) -> bool:
    squashed = _squash(text)
    return any(name in squashed for name in names)


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


# ---- evaluation ----------------------------------------------------------------------------

def _evaluation(snapshot: ModelSnapshot, card: ParsedCard, words: DocumentWords,
                out: Extracted) -> tuple[bool, list[str]]:
    """Whether the card reports evaluation results (a model-index; a table of scores under
    an evaluation heading, or plots there of named public benchmarks) and the public
    benchmarks it names there."""
    heading = _compiled(words.evaluation_heading)
    benchmark = _compiled(words.public_benchmarks)
    results = False
    if isinstance(snapshot.card_data.get("model-index"), list) and snapshot.card_data["model-index"]:
        results = True
        out.add("docs.eval_results", "cardData.model-index", "evaluation results in the model-index metadata", "high")
    names: dict[str, None] = {}
    for entry in snapshot.card_data.get("model-index") or [] if results else []:
        names |= {dataset: None for dataset in _index_datasets(entry)}
    hits: frozenset[int] | None = None
    held: list[int] | None = None  # hits sorted, asked at the first evaluation section
    for section in card.sections:
        if not heading.search(section.title):
            continue
        if held is None:
            hits = card.screen.lines_with(benchmark)
            held = sorted(hits or ())
        # Only the lines holding one of the pattern's words can hold a match (the card's screen):
        # those of the section's span (its lines are the card's numbered first+1 .. last),
        # picked by bisecting instead of asking each line of the section (sections nest).
        lines = section.lines if hits is None else \
            [card.by_number[n] for n in held[bisect_right(held, section.first):bisect_right(held, section.last)]]
        named = {m.group(0).lower(): None for line in lines for m in benchmark.finditer(line.text)}
        names |= named
        if results:
            continue
        shown = next((line for line in section.lines if _TABLE_NUMBER.match(line.text) or _PICTURE.search(line.text)),
                     None)
        if shown is not None and (named or _TABLE_NUMBER.match(shown.text)):
            results = True
            kind = "a table of scores" if _TABLE_NUMBER.match(shown.text) else "plots of scores"
            out.add("docs.eval_results", at(shown), f"{kind} under '{section.title[:80]}'", "medium")
    return results, list(names)[:20] if results else []


def _index_datasets(entry: object) -> list[str]:
    """The datasets a model-index entry reports results on (Hub ids: public benchmarks)."""
    results = entry.get("results") if isinstance(entry, dict) else None
    found = []
    for result in results if isinstance(results, list) else []:
        dataset = result.get("dataset") if isinstance(result, dict) else None
        name = dataset.get("type") or dataset.get("name") if isinstance(dataset, dict) else None
        if isinstance(name, str) and name:
            found.append(name.lower()[:100])
    return found[:50]


# ---- data card -----------------------------------------------------------------------------

def _data_card(signals: dict[str, object], out: Extracted) -> bool:
    """Training data documented on the card (the MOF's data card): a training-data section,
    or datasets named in the metadata, and at least one source identified."""
    identified = signals.get("data.identified_count")
    documented = bool(signals.get("data.section")) or bool(signals.get("data.datasets"))
    if isinstance(identified, int) and identified >= 1 and documented:
        out.add("docs.data_card", "README.md", f"training data documented: {signals.get('data.identified')}", "medium")
        return True
    return False


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)
