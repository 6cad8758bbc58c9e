"""The facts the EU AI Act's open-source exemption turns on (rubrics/eu-ai-act.yaml).

Regulation (EU) 2024/1689 Art. 53(2) spares providers of general-purpose models released
under a free and open-source licence, with weights, architecture and usage information
public, from two documentation duties, unless the model has systemic risk (presumed above
10^25 FLOP of training compute, Art. 51(2)) or is monetised (Recital 103). The Commission's
guidelines (C(2025) 5045 final, §2.1) take 10^23 FLOP and a generative modality as the
indicative sign of a general-purpose model. This module reads what a card says of those:
the generative task, the parameter count and training tokens (compute = 6 x parameters x
tokens, the guidelines' Annex A approximation), whether weights, architecture and usage are
public, and whether the card shows monetisation or links the two documents that apply
whatever the outcome.

Nothing here judges: the rubric does. Every pattern runs once per line, with bounded
repeats (tests/test_regex_linear.py), and numbers are capped: a card is hostile text.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from collections.abc import Sequence
from typing import Any

from openness.evidence.card import Line, ParsedCard, plain, split_lines
from openness.evidence.extractors import Extracted, at, quote
from openness.evidence.screen import fold
from openness.models import ModelSnapshot

# Hub tasks that generate language (text, code, speech, audio) or images or video: the
# guidelines' §2.1 indicative criterion ("text" includes code, "audio" includes speech).
# `causal-lm` is the tag of decoder language models that predate pipeline tags.
GENERATIVE_TASKS = frozenset({
    "text-generation", "text2text-generation", "text-to-image", "text-to-video", "text-to-speech",
    "text-to-audio", "image-text-to-text", "any-to-any", "image-to-text", "visual-question-answering",
    "audio-text-to-text", "image-to-image", "image-to-video", "video-text-to-text", "translation",
    "summarization", "conversational", "causal-lm",
})
# Hub tasks that classify, embed or transcribe: no generative modality in the §2.1 sense.
_NON_GENERATIVE_PREFIXES = ("feature-extraction", "sentence-similarity", "fill-mask", "token-classification",
                            "text-classification", "zero-shot", "image-classification", "object-detection",
                            "image-segmentation", "automatic-speech-recognition", "audio-classification",
                            "depth-estimation", "question-answering", "table-question-answering",
                            "reinforcement-learning", "tabular-", "time-series", "video-classification",
                            "image-feature-extraction", "mask-generation", "keypoint-detection")

# Caps: no model has 10^14 parameters or was trained on 10^16 tokens; a larger number is a
# misreading (or a hostile card), not a fact, and is dropped.
MAX_PARAMETERS = 10**14
MAX_TOKENS = 10**16
# How many sizes one list before the word may hold ("7B, 13B, 34B and 70B parameters"):
# walking further back from every word of a long hostile line would be quadratic.
_MAX_LISTED = 8
# How many numbers one card may offer: real cards state a handful.
_MAX_CANDIDATES = 200
# The guidelines' thresholds, for the words said with the compute estimate.
GPAI_FLOP = 10**23
SYSTEMIC_FLOP = 10**25

_UNITS = {"k": 10**3, "thousand": 10**3, "m": 10**6, "million": 10**6, "mn": 10**6, "b": 10**9, "bn": 10**9,
          "billion": 10**9, "t": 10**12, "trillion": 10**12}
# A size: "7B", "6.9 billion", "2.0T", "1.4 trillion", or a count written out ("6,444,163,072").
# One bounded run of digits per alternative: linear on any line.
_SIZE = re.compile(r"(?<![\w.])(\d{1,4}(?:\.\d{1,3})?)\s?(trillion|billion|million|thousand|bn|mn|[tbmk])(?![\w])"
                   r"|(?<![\w.,])(\d{1,3}(?:,\d{3}){2,5})(?![\w,])", re.IGNORECASE)
_PARAM_WORD = re.compile(r"\bparam(?:eter)?s?\b", re.IGNORECASE)
_TOKEN_WORD = re.compile(r"\btokens?\b", re.IGNORECASE)
# Between a size and the word it counts: separators of a list ("7 billion to 70 billion
# parameters"), one adjective ("total", "non-embedding"), "of" ("2T tokens of data" reads
# the other way round and is not needed).
_BETWEEN = re.compile(r"[\s,/()–—-]*(?:(?:and|or|to)\s+)?(?:[\w-]{1,20}\s+)?", re.IGNORECASE)
_SEPARATORS_ONLY = re.compile(r"[\s,/()–—-]*(?:(?:and|or|to)[\s,]*)?", re.IGNORECASE)
# The most characters between a size and the word it counts, or between sizes of a list:
# each gap is matched once per word, so a long one is not worth reading (and would be
# read again for every word after it).
_GAP = 40
# A size as a label after the word ("Parameters: 7B", "| Params | 6.9B |").
_LABEL_GAP = 24
# Numbers that are not the training run: a batch, a context window, a checkpoint interval.
_NOT_TRAINING = re.compile(r"\b(?:batch|bs\b|context|window|every|per\s|sequence|length|vocab|max|step|generat|"
                           r"up to|output|input|warm)", re.IGNORECASE)
# A token count in prose is a training run only on a line that speaks of training.
_TRAINING_WORDS = re.compile(r"\b(?:pre-?train\w*|train\w*|saw|seen|corpus|corpora|data(?:sets?)?)\b", re.IGNORECASE)
# Fewer tokens than this is a batch or a window, not a general-purpose model's training run.
MIN_TOKENS = 10**8
# A size in a repository name: "-7b", "_6.9B", "-70m-" (not "8x7b": a mixture's size is not one number).
_NAME_SIZE = re.compile(r"(?:^|[-_.])(\d{1,4}(?:\.\d{1,2})?)([bm])(?=$|[-_.])", re.IGNORECASE)

_ARCHITECTURE = re.compile(r"\barchitecture\b", re.IGNORECASE)
_USAGE_HEADING = re.compile(r"\b(?:usage|how to use|how-to|get(?:ting)? started|quick\s?start|quick tour|"
                            r"inference|intended uses?|use cases?|uses|example)\b", re.IGNORECASE)
_USAGE_LABEL = re.compile(r"^\s*(?:[-*]\s*)?\*\*(?:usage|how to use|intended uses?(?: cases)?|uses)\b", re.IGNORECASE)
_FENCE_LINE = re.compile(r"^\s{0,8}(?:`{3}|~{3})")
# Recital 103 and the guidelines §4.2.2: a price, paid-only access, a separate commercial licence.
_MONETISED = re.compile(
    r"\bcontact (?:our )?sales\b|\bpaid (?:api|plan|subscription|tier|access)\b|\b(?:only|exclusively) (?:available )?"
    r"(?:via|through) (?:our|a) (?:paid )?(?:api|platform)\b|\bcommercial licen[cs]e (?:is )?required\b|"
    r"\brequires? a (?:separate |paid )?commercial licen[cs]e\b|\b(?:separate|paid) commercial licen[cs]e\b|"
    r"\bcontact us (?:for|about) (?:a )?commercial\b|\bsubscription (?:fee|required)\b",
    re.IGNORECASE)
_TRAINING_SUMMARY = re.compile(r"\b(?:public |sufficiently detailed )?summary of (?:the )?(?:training (?:content|data)|"
                               r"content used for training)\b|\btraining (?:content|data) summary\b", re.IGNORECASE)
_COPYRIGHT_POLICY = re.compile(r"\bcopyright (?:compliance )?policy\b", re.IGNORECASE)


@dataclass(frozen=True)
class Count:
    """A number the card states, where, and whether its table row names the model's size."""

    value: int
    line: Line
    text: str
    by_name: bool = False


def regulation(snapshot: ModelSnapshot, card: ParsedCard | None, signals: dict[str, Any]) -> Extracted:
    """The eu.* signals and their evidence (reads the weights and gate signals found before)."""
    out = Extracted()
    _generative(snapshot, out)
    _compute(snapshot, card, out)
    _public_parts(snapshot, card, signals, out)
    _monetisation_and_duties(card, out)
    return out


# ---- scope: a generative modality ----------------------------------------------------------

def _generative(snapshot: ModelSnapshot, out: Extracted) -> None:
    named = [snapshot.pipeline_tag] if snapshot.pipeline_tag else []
    named += [t for t in snapshot.tags[:500] if t in GENERATIVE_TASKS]
    generative = [t for t in named if t in GENERATIVE_TASKS]
    if generative:
        out.signals["eu.generative"] = True
        out.signals["eu.generative_as"] = f"generates: {', '.join(dict.fromkeys(generative))}"
        out.add("eu.generative", "pipeline_tag/tags", out.signals["eu.generative_as"], "high")
    elif snapshot.pipeline_tag and snapshot.pipeline_tag.startswith(_NON_GENERATIVE_PREFIXES):
        out.signals["eu.generative"] = False
        out.signals["eu.generative_as"] = f"task {snapshot.pipeline_tag} (not generative)"
        out.add("eu.generative", "pipeline_tag", out.signals["eu.generative_as"], "high")
    else:
        out.signals["eu.generative"] = None
        out.signals["eu.generative_as"] = "no task the Hub or the tags name says what the model generates"


# ---- the compute estimate ------------------------------------------------------------------

def size_value(match: re.Match[str]) -> int | None:
    """The number a _SIZE match stands for, or None beyond what could be real."""
    if match.group(3):
        return int(match.group(3).replace(",", ""))
    # fold(), not lower(): `re` ignoring case matches "ı", "İ", "ſ" and "K" to i, s and k, and
    # lower() leaves "mıllion" a unit _UNITS does not hold (a KeyError that cost the card).
    number, unit = match.group(1), fold(match.group(2))
    whole, _, frac = number.partition(".")
    scale = _UNITS[unit]
    return int(whole) * scale + (int(frac) * scale) // (10 ** len(frac)) if frac else int(whole) * scale


def name_size(repo_id: str) -> int | None:
    """The parameter count a repository name's size suffix gives ("pythia-6.9b" -> 6.9e9)."""
    found = _NAME_SIZE.findall(repo_id.rsplit("/", 1)[-1][:200])
    if len(found) != 1:  # none, or ambiguous ("7b-...-13b")
        return None
    number, unit = found[0]
    whole, _, frac = number.partition(".")
    scale = _UNITS[unit.lower()]
    return int(whole) * scale + ((int(frac) * scale) // (10 ** len(frac)) if frac else 0)


def counts_before(line: Line, word: re.Pattern[str], cap: int) -> list[Count]:
    """Sizes that count `word` on a line: those before it ("7B parameters", "7 billion to
    70 billion parameters") and one just after it as a label ("Parameters: 7B")."""
    text = line.text
    sizes = [(m.start(), m.end(), v) for m in _SIZE.finditer(text) if (v := size_value(m)) is not None and 0 < v <= cap]
    if not sizes:
        return []
    starts = [s for s, _, _ in sizes]
    found: list[Count] = []
    for hit in word.finditer(text):
        # The sizes just before the word: walk back while only list separators stand between.
        index = bisect_left(starts, hit.start()) - 1
        near = index >= 0 and hit.start() - sizes[index][1] <= _GAP
        gap = _BETWEEN.fullmatch(text, sizes[index][1], hit.start()) if near else None
        for _ in range(_MAX_LISTED if gap is not None else 0):
            if index < 0 or _NOT_TRAINING.search(text, max(0, sizes[index][0] - 40), sizes[index][0]):
                break
            found.append(Count(sizes[index][2], line, text[sizes[index][0]:hit.end()]))
            index -= 1
            if index < 0 or sizes[index + 1][0] - sizes[index][1] > _GAP or \
                    not _SEPARATORS_ONLY.fullmatch(text, sizes[index][1], sizes[index + 1][0]):
                break
        after = bisect_left(starts, hit.end())
        if after < len(sizes) and sizes[after][0] - hit.end() <= _LABEL_GAP and \
                not any(ch.isalpha() for ch in text[hit.end():sizes[after][0]]):
            found.append(Count(sizes[after][2], line, text[hit.start():sizes[after][1]]))
        if len(found) >= _MAX_CANDIDATES:
            break
    return found


def table_counts(card: ParsedCard, header: re.Pattern[str], cap: int, own_size: int | None) -> list[Count]:
    """Values under a markdown table column whose header matches `header`; a row that names
    the model's own size in another cell is marked `by_name`."""
    found: list[Count] = []
    column: int | None = None
    in_table = False
    previous = -2
    for index in card.table_rows:  # a row not right after the last one starts a new table
        line = card.lines[index]
        if index != previous + 1:
            in_table = False
        previous = index
        if in_table and column is None:  # a table with no column of counts: its rows are not read
            continue
        cells = _cells(card, line)
        if not in_table:  # the header row: which column holds the counts, if any
            in_table = True
            column = next((i for i, c in enumerate(cells) if header.search(c) and not _NOT_TRAINING.search(c)), None)
            continue
        if column is None:
            continue
        if column >= len(cells) or set(cells[column]) <= set("-: "):
            continue
        match = _SIZE.search(cells[column])
        value = size_value(match) if match else None
        if value is None or not 0 < value <= cap:
            continue
        others = [size_value(m) for i, c in enumerate(cells) if i != column for m in _SIZE.finditer(c)]
        found.append(Count(value, line, " | ".join(cells)[:120], by_name=own_size is not None and own_size in others))
        if len(found) >= _MAX_CANDIDATES:
            break
    return found


def _cells(card: ParsedCard, line: Line) -> list[str]:
    """A table row's cells, markup removed: cut once per card (both counts read each table)."""
    cells = card.table_cells.get(line.number)
    if cells is None:
        cells = card.table_cells[line.number] = [plain(c) for c in _row(line.text).split("|")[:64]]
    return cells


def _row(text: str) -> str:
    """A table row without its outer pipes (only one each side: an empty first cell counts)."""
    row = text.strip()
    row = row[1:] if row.startswith("|") else row
    return row[:-1] if row.endswith("|") else row


def _compute(snapshot: ModelSnapshot, card: ParsedCard | None, out: Extracted) -> None:
    own_size = name_size(snapshot.repo_id)
    params = tokens = None
    if card is not None:
        params = _choose_parameters(_card_counts(card, _PARAM_WORD, MAX_PARAMETERS, own_size), own_size, out)
        tokens = _choose_tokens([c for c in _card_counts(card, _TOKEN_WORD, MAX_TOKENS, own_size, _TRAINING_WORDS)
                                 if c.value >= MIN_TOKENS], out)
    if params is None and own_size is not None and not out.signals.get("eu.parameters_as"):
        params = own_size
        out.signals["eu.parameters_as"] = f"{_short(own_size)} from the model name (the card states no count)"
        out.add("eu.parameters", "repo id", out.signals["eu.parameters_as"], "low")
    out.signals["eu.parameters"] = params
    out.signals.setdefault("eu.parameters_as", "not stated")
    out.signals["eu.training_tokens"] = tokens
    out.signals.setdefault("eu.training_tokens_as", "not stated")
    if params is None or tokens is None:
        out.signals["eu.training_compute"] = None
        missing = " and ".join(n for n, v in (("parameters", params), ("training tokens", tokens)) if v is None)
        out.signals["eu.training_compute_as"] = f"unknown: the card does not state the {missing}"
        return
    flop = 6 * params * tokens
    out.signals["eu.training_compute"] = flop
    out.signals["eu.training_compute_as"] = (f"about {flop:.2g} FLOP (6 x {_short(params)} parameters x "
                                             f"{_short(tokens)} tokens)")
    out.add("eu.training_compute", "card", out.signals["eu.training_compute_as"], "medium")


def _card_counts(card: ParsedCard, word: re.Pattern[str], cap: int, own_size: int | None,
                 context: re.Pattern[str] | None = None) -> list[Count]:
    """Counts of `word` in the card's tables and lines (lines that also match `context`, if given)."""
    found = table_counts(card, word, cap, own_size)
    for line in _candidates(card, word):
        if len(found) >= _MAX_CANDIDATES:
            break
        if word.search(line.text) and (context is None or context.search(line.text)):
            found += counts_before(line, word, cap)
    return found[:_MAX_CANDIDATES]


def _choose_parameters(found: list[Count], own_size: int | None, out: Extracted) -> int | None:
    """The card's parameter count: one stated value; of several, the one the model's name
    agrees with (a family card lists every size). None when several and nothing decides."""
    if not found:
        return None
    distinct = sorted({c.value for c in found})
    chosen: Count | None = None
    how = ""
    by_row = [c for c in found if c.by_name]
    near = [c for c in found if own_size and abs(c.value - own_size) <= own_size // 4]
    if by_row:
        chosen, how = by_row[0], "the row of the card's table that names the model's size"
    elif near:
        chosen = min(near, key=lambda c: abs(c.value - (own_size or 0)))
        how = "the count the model name's size agrees with"
    elif len(distinct) == 1 and own_size is None:
        chosen, how = found[0], "stated in the card"
    if chosen is None:
        # Several counts with nothing to choose, or none the name's size agrees with: a card
        # comparing itself with other models states their sizes too.
        against = f", none near the name's {_short(own_size)}" if own_size else ""
        out.signals["eu.parameters_as"] = (f"unclear: the card states {', '.join(map(_short, distinct[:6]))}"
                                           f"{against}")
        out.add("eu.parameters", at(found[0].line), out.signals["eu.parameters_as"], "low")
        return None
    out.signals["eu.parameters_as"] = f"{_short(chosen.value)} ({how})"
    out.add("eu.parameters", at(chosen.line), f"{out.signals['eu.parameters_as']}: {quote(chosen.text, 100)}", "medium")
    return chosen.value


def _choose_tokens(found: list[Count], out: Extracted) -> int | None:
    """The training tokens: the largest count stated for training (a batch, a context or a
    checkpoint interval is not one), from the rows naming the model's size when a table
    lists a family. The largest errs towards more compute, never less."""
    if not found:
        return None
    pool = [c for c in found if c.by_name] or found
    chosen = max(pool, key=lambda c: c.value)
    out.signals["eu.training_tokens_as"] = f"{_short(chosen.value)} (the largest training-token count the card states)"
    out.add("eu.training_tokens", at(chosen.line), f"{out.signals['eu.training_tokens_as']}: {quote(chosen.text, 100)}",
            "medium")
    return chosen.value


def _short(value: int) -> str:
    for unit, scale in (("T", 10**12), ("B", 10**9), ("M", 10**6)):
        if value >= scale:
            return f"{value / scale:.3g}{unit}"
    return str(value)


# ---- what Art. 53(2) asks to be public -----------------------------------------------------

def _public_parts(snapshot: ModelSnapshot, card: ParsedCard | None, signals: dict[str, Any], out: Extracted) -> None:
    files, gate = signals.get("weights.files"), signals.get("gate")
    if not files:
        out.signals["eu.weights_public"] = False
        out.signals["eu.weights_public_as"] = "no weight files in the repository"
    elif gate in ("none", "auto"):
        out.signals["eu.weights_public"] = True
        out.signals["eu.weights_public_as"] = (f"{files} weight file(s), "
                                               + ("no gate" if gate == "none" else "behind an automatic click-through"))
    elif gate == "manual":
        out.signals["eu.weights_public"] = False
        out.signals["eu.weights_public_as"] = f"{files} weight file(s) behind a gate the publisher approves by hand"
    else:
        out.signals["eu.weights_public"] = None
        out.signals["eu.weights_public_as"] = f"{files} weight file(s) behind a gate the Hub does not describe"
    config = "config.json" in snapshot.siblings
    section = _first(card, lambda line: bool(_ARCHITECTURE.search(line.text))
                     and (line.text.lstrip().startswith(("#", "**", "- **", "* **")) or bool(_ARCHITECTURE.search(line.section))),
                     _ARCHITECTURE)
    if config:
        out.signals["eu.architecture_public"] = True
        out.signals["eu.architecture_public_as"] = "config.json in the repository"
        out.add("eu.architecture_public", "siblings", "config.json in the repository", "high")
    elif section is not None:
        out.signals["eu.architecture_public"] = True
        out.signals["eu.architecture_public_as"] = f"{at(section)}: {quote(section.text, 80)}"
        out.add("eu.architecture_public", at(section), f"describes the architecture: {quote(section.text, 120)}",
                "medium")
    else:
        out.signals["eu.architecture_public"] = False if card is not None else None
        out.signals["eu.architecture_public_as"] = "no config.json and no architecture section"
    usage = _first(card, lambda line: bool(_USAGE_LABEL.match(line.text)) or (
        line.text.lstrip().startswith("#") and bool(_USAGE_HEADING.search(line.text))), _USAGE_LABEL, _USAGE_HEADING)
    snippet = _code_snippet(snapshot)
    if usage is not None:
        out.signals["eu.usage_public"] = True
        out.signals["eu.usage_public_as"] = f"{at(usage)}: {quote(usage.text, 80)}"
        out.add("eu.usage_public", at(usage), f"describes usage: {quote(usage.text, 120)}", "medium")
    elif snippet is not None:
        out.signals["eu.usage_public"] = True
        out.signals["eu.usage_public_as"] = f"a code example at README.md line {snippet}"
        out.add("eu.usage_public", f"README.md line {snippet}", "a code example", "medium")
    else:
        out.signals["eu.usage_public"] = False if card is not None else None
        out.signals["eu.usage_public_as"] = "no usage section and no code example"


def _first(card: ParsedCard | None, test: Any, *patterns: re.Pattern[str]) -> Line | None:
    """The first line `test` holds for; only lines one of `patterns` might match (the
    card's word screen) are tried, when they are given."""
    if card is None:
        return None
    lines = _candidates(card, *patterns) if patterns else card.lines
    return next((line for line in lines if test(line)), None)


def _candidates(card: ParsedCard, *patterns: re.Pattern[str]) -> Sequence[Line]:
    """The card's lines that one of `patterns` might match, in order: a pattern's needed
    words are looked up once per card (openness.evidence.screen), not tried on every line."""
    numbers = card.screen.lines_with_any(patterns)
    if numbers is None:
        return card.lines
    by_number = card.by_number  # the few lines held, in order, without a walk through the card
    return [by_number[number] for number in sorted(numbers)]


def _code_snippet(snapshot: ModelSnapshot) -> int | None:
    """The line of the card's first fenced code block (the parsed card leaves them out)."""
    text = snapshot.card.text if snapshot.card.status == "ok" else None
    if not text or ("```" not in text and "~~~" not in text):  # no fence anywhere: no line to look for
        return None
    # split_lines, not str.splitlines(): that also breaks at \x0c, \x85, \u2028 and more, and
    # numbered the lines after one apart from the card's own.
    for number, line in enumerate(split_lines(text)[:20_000], start=1):
        if ("```" in line or "~~~" in line) and _FENCE_LINE.match(line):
            return number
    return None


# ---- monetisation, and the duties that apply whatever the outcome ---------------------------

def _monetisation_and_duties(card: ParsedCard | None, out: Extracted) -> None:
    flagged = _first(card, lambda line: bool(_MONETISED.search(line.text)), _MONETISED)
    # Unknown by default: a card cannot show that a model is not monetised (Recital 103
    # covers paid support and platforms the card need not mention). A sign of it decides.
    out.signals["eu.monetisation_flagged"] = flagged is not None if card is not None else None
    out.signals["eu.not_monetised"] = False if flagged else None
    if flagged:
        out.signals["eu.monetised_as"] = f"{at(flagged)}: {quote(flagged.text, 100)}"
        out.add("eu.monetised", at(flagged), f"the card points to paid terms: {quote(flagged.text, 120)}", "medium")
    else:
        out.signals["eu.monetised_as"] = "the card shows no price, paid-only access or separate commercial licence"
    for signal, pattern, what in (("eu.training_summary", _TRAINING_SUMMARY, "a training-content summary"),
                                  ("eu.copyright_policy", _COPYRIGHT_POLICY, "a copyright policy")):
        line = _first(card, lambda ln, p=pattern: bool(p.search(ln.text)), pattern)
        out.signals[signal] = line is not None if card is not None else None
        out.signals[f"{signal}_as"] = f"{at(line)}: {quote(line.text, 100)}" if line else f"the card names no {what[2:]}"
        if line:
            out.add(signal, at(line), f"names {what}: {quote(line.text, 120)}", "medium")
