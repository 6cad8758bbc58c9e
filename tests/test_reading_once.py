"""A card's evidence is read with as little repeated work as the answer allows: shared
lines picked once, words looked up once, regexes tried only where they could match; each
shortcut gives the answer of the plain way (openness/evidence/screen.py, registry.py)."""
from __future__ import annotations

import random
import re

import openness.evidence.extractors as extractors
import openness.evidence.lineage as lineage
import openness.evidence.registry as registry
from openness.evidence import extract_evidence
from openness.evidence.access import _INSTALL, _WORD, _install_commands
from openness.evidence.card import Line, parse_card, plain
from openness.evidence.prose import Prose, read_prose
from openness.evidence.screen import _ASCII_PARTNERS, LineScreen, fold, needles
from openness.models import CardFile, ModelSnapshot
from openness.rubric import load_licences, load_vocabulary

VOCAB, LICENCES = load_vocabulary(), load_licences()

CARD = """---
license: apache-2.0
---
# Tiny-7B

Tiny-7B is fine-tuned from [Base-7B](https://huggingface.co/org/Base-7B) by Example Org.

## News

- We released Tiny-7B-v2, a merge of A and B.

## Model details

Trained on **the Pile** and C4, 1.2T tokens in total.

## Training data

The data was:
- [RedPajama](https://huggingface.co/datasets/togethercomputer/RedPajama-Data-1T)
- internal web data that is not released
| Source | Share |
|---|---|
| Books | 10% |
| the Pile | 90% |

## Usage

```bash
pip install tiny-models
```
"""


def _snapshot(text: str = CARD) -> ModelSnapshot:
    return ModelSnapshot(repo_id="example/Tiny-7B", sha="0" * 40, siblings=["model.safetensors"],
                         card=CardFile(status="ok", text=text))


def _counting(monkeypatch, module, name: str) -> list[object]:
    calls: list[object] = []
    real = getattr(module, name)
    monkeypatch.setattr(module, name, lambda *a, **k: calls.append(a) or real(*a, **k))
    return calls


def test_fold_is_the_translate_table_then_lower_case():
    rnd = random.Random(7)
    alphabet = ["a", "I", "S", "K", "é", "许", "Σ", " ", "\n", *map(chr, _ASCII_PARTNERS)]
    for _ in range(300):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))
        assert fold(text) == text.translate(_ASCII_PARTNERS).lower(), repr(text)


def test_the_screen_looks_each_word_up_once_whatever_the_patterns_sharing_it(monkeypatch):
    screen = LineScreen([1, 2, 3], ["training data", "nothing", "more training"])
    calls = _counting(monkeypatch, screen, "_find_lines")
    first = re.compile(r"\btraining\b", re.IGNORECASE)
    second = re.compile(r"\b(?:pre-?)?training\s+set", re.IGNORECASE)
    assert screen.lines_with(first) == {1, 3}
    assert screen.lines_with(second) == {1, 3}
    assert len(calls) == 1


def test_data_lines_and_lineage_lines_are_picked_once_per_card(monkeypatch):
    data_calls = _counting(monkeypatch, extractors, "data_lines")
    read_calls = _counting(monkeypatch, lineage, "lines_read")
    registry_calls = _counting(monkeypatch, registry, "lines_read")
    found = extract_evidence(_snapshot(CARD.replace("Base-7B](https://huggingface.co/org/Base-7B)", "Base-7B]")),
                             VOCAB, LICENCES)
    assert found.signals["data.public_corpora"] >= 1
    assert len(data_calls) == 1
    assert len(read_calls) + len(registry_calls) == 1


def _lines_read_one_by_one(prose: Prose) -> list[Line]:
    """lineage.lines_read as it was written first: every heading above asked on every line."""
    words = VOCAB.lineage.text_parents
    read_here, skip = words.compiled["sections"], words.compiled["skip_sections"]
    opened = {s.first: (s.rank, bool(skip.search(s.title)), bool(read_here.search(s.title)))
              for s in prose.card.sections}
    path: list[tuple[int, bool, bool]] = []
    seen: set[int] = set()
    out = []
    for line in prose.card.lines:
        if line.number in opened:
            while path and path[-1][0] >= opened[line.number][0]:
                path.pop()
            path.append(opened[line.number])
            continue
        if (para := prose.paragraphs.get(line.number)) is not None:
            seen.add(id(para))
        if any(s for _, s, _ in path):
            continue
        if len(seen) <= words.first_paragraphs or any(r for _, _, r in path):
            out.append(line)
    return out


def test_the_lineage_lines_are_those_the_headings_above_each_line_allow():
    rnd = random.Random(11)
    pieces = ["# Model", "## News", "### Details", "## Model details", "## Usage", "text", "more text", "",
              "- item", "| a | b |", "```", "code"]
    for _ in range(200):
        text = "\n".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 40)))
        prose = read_prose(parse_card(text))
        assert lineage.lines_read(prose, VOCAB.lineage.text_parents) == _lines_read_one_by_one(prose), text


def test_install_commands_are_those_the_pattern_finds_in_the_whole_card():
    assert needles(_INSTALL) == (_WORD,)
    texts = [CARD, "", "no command here", "pip install a b\nconda install c\r\nnpm  install d; pip install e",
             "PİP İNSTALL x\n\n  BREW\tINSTALL y # z\npip install\npip install `q`", "install " * 50,
             "pip install " + "a " * 300 + "\npip install b"]
    for text in texts:
        assert [m.span() for m in _install_commands(text)] == [m.span() for m in _INSTALL.finditer(text)], text


def test_corpora_are_matched_on_the_lines_every_corpus_would_match():
    prose = read_prose(parse_card(CARD))
    lines = extractors.data_lines(prose, VOCAB)
    screen = LineScreen([line.number for line in lines], [line.text for line in lines])
    expected = []
    for line in lines:
        text = plain(line.text)
        by_corpus = {i: m.span() for i, c in enumerate(VOCAB.data.corpora) if (m := c.regex.search(text))}
        if by_corpus:
            expected.append((line.number, by_corpus))
    for given in (screen, None):  # the data lines' own screen, or the card's
        found = [(line.number, {i: m.span() for i, m in by_corpus.items()})
                 for line, _, by_corpus in extractors._corpus_matches(lines, prose, VOCAB, given)]
        assert found == expected and len(expected) >= 2


CODE_CARD = """# Tiny-7B

Trained on [our corpus](https://github.com/example/corpus) with [trl](https://github.com/huggingface/trl).
The training code is at https://github.com/example/train and https://github.com/example/train again.
"""


def test_each_code_link_is_asked_once_per_card_whether_the_model_was_trained_on_it(monkeypatch):
    before = _counting(monkeypatch, extractors, "_words_before")
    found = extract_evidence(_snapshot(CODE_CARD), VOCAB, LICENCES)
    links = [link for link in parse_card(CODE_CARD).links if "github.com" in link.url]
    # The data and the code extractor both ask of each link; the words before it are read
    # at most once per link (a known framework's link needs none).
    asked = [(link.url, link.start) for _, link in before]
    assert len(links) == 4 and 2 <= len(asked) == len(set(asked))
    assert found.signals["code.training"] is not None  # the code links were read
    repos = {link.repo.lower() for link in found.code.links}
    assert "example/train" in repos and "example/corpus" not in repos  # trained on it: data, not code


def test_the_screen_names_every_line_whose_lower_case_holds_a_word():
    rnd = random.Random(5)
    alphabet = ["arxiv", "ARXIV", "arXıv", "ar", "xiv", " ", "|", "\n", "İ", "x"]
    for _ in range(200):
        texts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 6))) for _ in range(rnd.randint(0, 6))]
        texts = [t.replace("\n", " ") for t in texts]
        held = set(LineScreen(list(range(1, len(texts) + 1)), texts).lines_holding("arxiv"))
        assert {n for n, t in enumerate(texts, 1) if "arxiv" in t.lower()} <= held, texts
        assert held == {n for n, t in enumerate(texts, 1) if "arxiv" in fold(t)}, texts


def test_table_counts_read_each_table_as_the_line_by_line_walk_did():
    from openness.evidence import regulation as r
    header = re.compile(r"param", re.IGNORECASE)

    def walk(card, cap=10**15, own_size=None):  # table_counts as first written: every line asked
        found, column, in_table = [], None, False
        for line in card.lines:
            if not line.text.lstrip().startswith("|"):
                in_table = False
                continue
            if in_table and column is None:
                continue
            cells = [plain(c) for c in r._row(line.text).split("|")[:64]]
            if not in_table:
                in_table = True
                column = next((i for i, c in enumerate(cells) if header.search(c) and not r._NOT_TRAINING.search(c)),
                              None)
                continue
            if column is None or column >= len(cells) or set(cells[column]) <= set("-: "):
                continue
            match = r._SIZE.search(cells[column])
            value = r.size_value(match) if match else None
            if value is None or not 0 < value <= cap:
                continue
            found.append((value, line.number))
        return found[:r._MAX_CANDIDATES]

    rnd = random.Random(3)
    pieces = ["| Params | x |", "|---|---|", "| 7B | a |", "| 13B | 7B |", "text", "", "```", "| 1B | b |",
              "  | 2B |", "# Head"]
    for _ in range(300):
        card = parse_card("\n".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 25))))
        counts = [(c.value, c.line.number) for c in r.table_counts(card, header, 10**15, None)]
        assert counts == walk(card), [line.text for line in card.lines]
