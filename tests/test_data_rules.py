"""The training-data axis reads cards the way the expert labels do (RUBRIC.md conventions).

Each test is a small synthetic card standing for a card shape, and checks the data level it
reaches (D0-D4) as well as the evidence that decided it.
"""
from __future__ import annotations

import re
from typing import Any

from helpers import assert_linear
from openness.evidence import extract_evidence
from openness.evidence.card import parse_card
from openness.evidence import extractors
from openness.evidence.extractors import _words_after
from openness.evidence.prose import read_prose
from openness.models import CardFile, Evidence, ModelSnapshot
from openness.rubric import evaluate, load_licences, load_rubric, load_vocabulary

VOCAB = load_vocabulary()
MEGABYTE = 1 << 20
LICENCES = load_licences()
RUBRIC = load_rubric()


def snapshot(card: str | None, *, card_data: dict[str, Any] | None = None, tags: tuple[str, ...] = ()) -> ModelSnapshot:
    return ModelSnapshot(repo_id="t/m", sha="0" * 40, card_data=card_data or {}, tags=list(tags),
                         siblings=["README.md", "model.safetensors"], card=CardFile(status="ok", text=card))


def read(card: str, **kw: Any) -> tuple[dict[str, Any], list[Evidence]]:
    found = extract_evidence(snapshot(card, **kw), VOCAB, LICENCES)
    return found.signals, list(found.evidence)


def data_level(card: str, **kw: Any) -> int:
    """The data level the card alone reaches (the Hub's dataset lookups not made)."""
    found = extract_evidence(snapshot(card, **kw), VOCAB, LICENCES)
    signals = {**found.signals, "data.datasets_not_open": 0}  # as if every named dataset were open
    score = evaluate(RUBRIC, "default", signals, found.evidence)["data"].level
    assert score is not None
    return score


def details(evidence: list[Evidence], signal: str) -> list[str]:
    return [e.detail for e in evidence if e.signal == signal]


def repeated(words: str):
    """An input of `n` characters that repeats `words` (for the growth checks)."""
    return lambda n: (words * (n // len(words) + 1))[:n]


def extract(text: str) -> object:
    return extract_evidence(snapshot(text), VOCAB, LICENCES)


# ---- partly obtainable corpora --------------------------------------------------------

def test_a_withdrawn_corpus_is_identified_but_caps_data_at_d2():
    card = "# M\n\n## Training data\nThe model was trained on a subset of LAION-5B, filtered for resolution.\n"
    signals, evidence = read(card)
    assert signals["data.identified_count"] == 1 and signals["data.partly_obtainable"] == 1
    assert signals["data.unreleased"] == 0
    assert any("LAION" in d and "partly obtainable" in d for d in details(evidence, "data.partly_obtainable"))
    assert data_level(card) == 2


def test_a_corpus_only_in_unofficial_dumps_alone_is_d2_not_d1():
    card = "# M\n\n## Training data\nFine-tuned on 70k ShareGPT conversations.\n"
    assert data_level(card) == 2


def test_a_public_corpus_beside_a_withdrawn_one_stays_d2():
    card = "# M\n\n## Training data\nWe trained on English Wikipedia and BookCorpus.\n"
    signals, _ = read(card)
    assert signals["data.public_corpora"] == 1 and signals["data.partly_obtainable_as"] == "BookCorpus"
    assert data_level(card) == 2


def test_a_hub_copy_of_a_withdrawn_corpus_is_partly_obtainable():
    card = "# M\n\n## Training data\nSee the metadata: 2M images in all.\n"
    signals, evidence = read(card, card_data={"datasets": ["someone/laion2B-en-subset", "org/clean-set"]})
    assert signals["data.partly_obtainable"] == 1
    assert any("someone/laion2B-en-subset is a copy of LAION" in d for d in details(evidence, "data.partly_obtainable"))
    assert data_level(card, card_data={"datasets": ["someone/laion2B-en-subset", "org/clean-set"]}) == 2
    assert data_level(card, card_data={"datasets": ["org/clean-set"]}) == 3


# ---- generic phrases, and sources of the model's own -----------------------------------

def test_a_vague_summary_of_identified_data_is_not_an_extra_source():
    card = ("# M\n\nA chat model fine-tuned on a mix of publicly available, synthetic datasets.\n\n"
            "## Training data\nWe used [set one](https://huggingface.co/datasets/lab/one) and "
            "[set two](https://huggingface.co/datasets/lab/two), 60k dialogues in all.\n")
    signals, evidence = read(card)
    assert signals["data.unreleased"] == 0
    assert any("sums up the data it identifies" in d for d in details(evidence, "data.described"))
    assert data_level(card) == 3


def test_a_vague_summary_alone_discloses_nothing():
    card = "# M\n\nThe model was trained on a mix of publicly available online data.\n"
    signals, evidence = read(card)
    assert signals["data.identified_count"] == 0 and signals["data.described"] is False
    assert any("only a generic phrase" in d for d in details(evidence, "data.described"))
    assert data_level(card) == 0


def test_a_generic_phrase_under_a_limitations_heading_is_no_disclosure():
    card = ("# M\n\n## Training data\nWe trained on [set](https://huggingface.co/datasets/lab/one), 60k dialogues.\n\n"
            "## Bias, Risks, and Limitations\nModels trained on publicly available data can repeat its biases.\n")
    _, evidence = read(card)
    assert not any("generic" in d or "general words" in d for d in details(evidence, "data.described"))
    assert data_level(card) == 3


def test_words_that_withhold_data_are_an_unreleased_source_beside_identified_data():
    for phrase in ("our internal instruction dataset", "in-house curated data", "proprietary bilingual corpora",
                   "curated corpora", "licensed data", "synthetic data generated by GPT-4",
                   "conversations distilled from a larger teacher model", "GPT-4 generated data"):
        card = (f"# M\n\n## Training data\nWe trained on [set](https://huggingface.co/datasets/lab/one) "
                f"(60k dialogues) and on {phrase}.\n")
        signals, evidence = read(card)
        assert signals["data.unreleased"] == 1, phrase
        assert any("source of its own" in d for d in details(evidence, "data.unreleased")), phrase
        assert data_level(card) == 2, phrase


def test_generated_data_described_in_the_sentence_that_links_it_is_that_dataset():
    card = ("# M\n\n## Training data\n- [Prompt set](https://huggingface.co/datasets/lab/prompts), "
            "400k prompts and responses generated by GPT-4.\n")
    signals, _ = read(card)
    assert signals["data.unreleased"] == 0
    assert data_level(card) == 3


def test_words_like_own_need_the_word_data():
    assert read("## Training\nWe used our own cluster and an in-house scheduler.\n")[0]["data.unreleased"] == 0


def test_withheld_and_generic_patterns_stay_linear_on_a_megabyte_line_of_their_words():
    words = ("internal in-house gpt-gpt-4-generated our own data generated by the model synthetic "
             "a mix of publicly available licensed curated ")
    rules = [*VOCAB.data.withheld_sources, *VOCAB.data.generic_phrases]

    def make(n: int) -> str:
        text = (words * (n // len(words) + 1))[:n]
        return text.replace("data", "dat").replace(" of ", " off ")  # near misses: no early match

    assert_linear(make, lambda text: [r.regex.search(text) for r in rules], MEGABYTE // 2)


def test_the_size_phrase_stays_linear_on_long_runs_of_digits_and_separators():
    rule = re.compile(VOCAB.data.size_phrase, re.IGNORECASE)
    for unit in ("1,", "1.", "1 ", "1 k "):  # near misses: a number, never a unit after it
        assert_linear(lambda n: (unit * (n // len(unit) + 1))[:n] + "x", rule.search, 20_000)
    assert_linear(lambda n: "## Training data\n" + "1," * (n // 2) + " then 300B tokens\n", extract, 20_000)


def test_the_size_phrase_still_reads_sizes_as_cards_write_them():
    rule = re.compile(VOCAB.data.size_phrase, re.IGNORECASE)
    for text, size in [("trained on 300B tokens", "300B tokens"), ("1.5 trillion tokens", "1.5 trillion tokens"),
                       ("12,000 examples", "12,000 examples"), ("about 2 TB of text", "2 TB"),
                       ("v1.5 on 3.5k prompts", "3.5k prompts"), ("1,1,1,1 tokens", "1,1,1,1 tokens")]:
        found = rule.search(text)
        assert found is not None and found.group() == size
    assert rule.search("1,1,1,1,1 and more") is None


def test_reading_withheld_sources_stays_linear_on_a_long_card_line():
    words = "internal in-house [x](https://hf.co/datasets/a/b), data generated by the model and on our own data "
    assert_linear(lambda n: "## Training data\n" + (words * (n // len(words) + 1))[:n] + "\n",
                          extract, 40_000)



def test_a_paragraph_of_many_training_sentences_gives_its_lines_to_the_data_lines_once():
    # The lines of a paragraph were added for each of its lines holding a word of the
    # training sentence: quadratic on a paragraph of "trained on" lines (2 s for 16,000).
    class Counted(dict):
        """A paragraph's line offsets, counting the lines read off them."""

        read = 0

        def __iter__(self):
            Counted.read += len(self)
            return super().__iter__()

    prose = read_prose(parse_card("# Model\n" + "The model was trained on web text.\n" * 400))
    counted = {id(p): p._replace(starts=Counted(p.starts)) for p in prose.paragraphs.values()}
    prose.paragraphs.update({number: counted[id(p)] for number, p in prose.paragraphs.items()})
    assert len(extractors.data_lines(prose, VOCAB)) == 400
    assert Counted.read <= 2 * 400, f"{Counted.read:,} lines read off a paragraph of 400"


def test_generated_data_in_a_relative_clause_about_a_linked_dataset_is_that_dataset():
    card = ("# M\n\nThe model was fine-tuned on a variant of the [Chat](https://huggingface.co/datasets/lab/chat) "
            "dataset, which contains synthetic dialogues generated by ChatGPT (200k dialogues).\n")
    assert read(card)[0]["data.unreleased"] == 0


# ---- sentences that introduce the corpus list ------------------------------------------

def test_a_training_sentence_ending_in_a_colon_makes_its_list_training_data():
    card = ("# M\n\nA 1B model. It was trained on 2T tokens from the following sources:\n\n"
            "- Dolma\n- The Stack\n  (permissive licences only)\n- [Extra](https://huggingface.co/datasets/lab/extra)\n\n"
            "It answers questions about the Pile.\n")
    signals, evidence = read(card)
    assert signals["data.public_corpora"] == 2 and signals["data.dataset_ids"] == "lab/extra"
    assert not any("The Pile" in d for d in details(evidence, "data.described"))  # the list ended
    assert data_level(card) == 3


def test_pre_training_datasets_introduce_a_table():
    card = ("# M\n\n**Pre-training datasets:**\n| Source | Share |\n|---|---|\n| SlimPajama | 70% |\n"
            "| FineWeb-Edu | 30% |\n")
    signals, _ = read(card)
    assert signals["data.public_corpora"] == 2


def test_a_colon_after_a_training_sentence_without_data_words_introduces_no_data_list():
    card = "# M\n\nThe model was pretrained with two objectives:\n\n- masked tokens, as in Wikipedia-style text\n"
    assert read(card)[0]["data.public_corpora"] == 0


def test_the_training_sentence_reads_dataset_and_corpus_words():
    for phrase in ("Its pre-training dataset is RedPajama.", "The training corpus is RedPajama.",
                   "Our pretraining mixture is RedPajama."):
        assert read(f"# M\n\n{phrase}\n")[0]["data.public_corpora"] == 1, phrase


# ---- evaluation sets named after the link ----------------------------------------------

def test_a_dataset_whose_evaluation_role_follows_the_link_is_set_aside():
    card = ("# M\n\n## Training data\nWe trained on [Chat](https://huggingface.co/datasets/lab/chat) (60k dialogues).\n"
            "We use [Probe](https://huggingface.co/datasets/lab/probe) for evaluation, and "
            "[Attack](https://huggingface.co/datasets/lab/attack), a set used to red-team the model.\n")
    signals, evidence = read(card)
    assert signals["data.dataset_ids"] == "lab/chat"
    set_aside = [d for d in details(evidence, "data.datasets") if "benchmark" in d]
    assert any("lab/probe" in d for d in set_aside) and any("lab/attack" in d for d in set_aside)


def test_the_role_of_the_next_link_does_not_leak_onto_this_one():
    card = ("# M\n\n[Pretrain data](https://huggingface.co/datasets/lab/pile) | "
            "[SFT data](https://huggingface.co/datasets/lab/sft) | [Benchmark](https://huggingface.co/datasets/lab/bench)\n")
    assert read(card)[0]["data.dataset_ids"] == "lab/pile, lab/sft"


def test_a_set_for_training_and_testing_stays_training_data():
    card = "# M\n\n## Training data\n[Mix](https://huggingface.co/datasets/lab/mix) for training and testing.\n"
    assert read(card)[0]["data.dataset_ids"] == "lab/mix"


def test_the_words_read_after_a_link_are_a_short_window():
    # The evaluation_after pattern is anchored and only ever meets this window, however
    # long the line: its cost does not grow with the card.
    card = parse_card("[x](https://hf.co/datasets/a/b) " + "for the eval " * 100_000)
    words = _words_after(read_prose(card), card.links[0])
    assert words.startswith("for the eval") and len(words) <= 80


def test_the_words_after_each_of_thousands_of_links_on_one_line_cost_linear_time():
    # Each link once copied the rest of its line: quadratic on a line of one link repeated.
    def texts(text: str) -> list[str]:
        card = parse_card(text)
        prose = read_prose(card)
        return [_words_after(prose, link) for link in card.links]

    assert_linear(lambda n: "[x](https://hf.co/datasets/a/b) for eval " * (n // 40), texts, 160_000)


def test_the_words_after_a_link_end_at_the_next_link_or_cell_and_skip_closing_marks():
    for line, words in [("[x](https://hf.co/datasets/a/b)) \" ' MMLU scores | next cell", "MMLU scores"),
                        ("https://hf.co/datasets/a/b for eval [y](https://x.org/y)", "for eval"),
                        ("https://hf.co/datasets/a/b for eval <a href=x>y</a>", "for eval"),
                        ("https://hf.co/datasets/a/b " + "x" * 77 + "<abbr> and on", "x" * 77 + "<ab")]:  # cut at 80
        card = parse_card(line)
        assert _words_after(read_prose(card), card.links[0]) == words, line


# ---- data-mix tables with rows named by kind only --------------------------------------

MIX = ("| Source | Tokens |\n|---|---|\n| [Web set](https://huggingface.co/datasets/lab/web) | 600B |\n"
       "| The Stack | 200B |\n| Books | 50B |\n| Conversations | 5B |\n")


def test_rows_naming_a_kind_of_data_only_are_sources_not_identified():
    card = "# M\n\n## Training data\nThe mix (855B tokens):\n\n" + MIX
    signals, evidence = read(card)
    assert signals["data.identified_count"] == 2
    assert any("books, conversations by kind only" in d for d in details(evidence, "data.unreleased"))
    assert data_level(card) == 2


def test_a_table_breaking_down_a_released_whole_identifies_every_row():
    card = ("# M\n\n## Training data\nThe whole mix is [released](https://huggingface.co/datasets/lab/mix) "
            "(855B tokens):\n\n" + MIX)
    assert read(card)[0]["data.unreleased"] == 0
    assert data_level(card) == 3


def test_a_table_of_kinds_only_adds_no_unreleased_source():
    card = "# M\n\n## Training data\n| Kind | Share |\n|---|---|\n| Books | 10% |\n| Code | 90% |\n"
    assert read(card)[0]["data.unreleased"] == 0


def test_a_kind_in_a_named_row_is_not_counted():
    card = "# M\n\n## Training data\n| Kind | Source |\n|---|---|\n| Code | The Stack |\n| Books | Project Gutenberg |\n"
    assert read(card)[0]["data.unreleased"] == 0


def test_many_mix_tables_in_one_section_stay_linear():
    table = "| Source | Share |\n|---|---|\n| The Stack | 50% |\n| Books | 50% |\n\ntext\n\n"

    def make(n: int) -> str:
        return "## Training data\n" + table * (n // len(table))

    assert_linear(make, extract, 80_000)


# ---- Common Crawl as the origin of a named public corpus -------------------------------

def test_common_crawl_named_as_the_origin_of_a_public_corpus_is_no_extra_source():
    for text in ("We trained on C4, a cleaned version of Common Crawl (300B tokens).",
                 "We trained on RefinedWeb (filtered Common Crawl), 300B tokens.",
                 "We trained on FineWeb, 300B tokens. It is built from 96 Common Crawl snapshots.",
                 "We trained on Dolma, which includes Common Crawl, code and books (300B tokens)."):
        card = f"# M\n\n## Training data\n{text}\n"
        signals, evidence = read(card)
        assert signals["data.unreleased"] == 0, text
        assert any("origin of" in d for d in details(evidence, "data.described")), text
        assert data_level(card) == 3, text


def test_common_crawl_named_beside_a_public_corpus_is_a_source_of_its_own():
    for text in ("We trained on Common Crawl, C4 and Wikipedia (300B tokens).",
                 "We trained on C4 (200B tokens). We also trained on 100B tokens of Common Crawl."):
        card = f"# M\n\n## Training data\n{text}\n"
        assert read(card)[0]["data.unreleased_as"] == "Common Crawl", text
        assert data_level(card) == 2, text


def test_origin_words_stay_linear_on_a_long_line():
    words = "built from the made out of based on including contains filtered "

    rule = re.compile(VOCAB.data.origin_words, re.IGNORECASE)  # read on 80 characters, but safe on any
    assert_linear(repeated(words), lambda text: rule.search(text + "."), MEGABYTE // 8)


# ---- a code-host page that the model was trained on ------------------------------------

def test_a_github_page_the_model_was_trained_on_identifies_the_data():
    card = ("# M\n\nA chat model derived from a base model and fine-tuned\n"
            "on a [15K record instruction corpus](https://github.com/lab/instruct-data) written by staff.\n")
    signals, evidence = read(card)
    assert signals["data.identified_count"] == 1
    assert any("github.com/lab/instruct-data, a dataset's project page" in d for d in details(evidence, "data.described"))
    assert data_level(card) >= 2


def test_a_github_page_the_model_was_trained_with_is_not_data():
    for text in ("It was trained with [our trainer](https://github.com/lab/trainer) on 8 GPUs.",
                 "It was trained using [the code](https://github.com/lab/trainer).",
                 "See [the repo](https://github.com/lab/trainer); it was trained on TPUs."):
        assert read(f"# M\n\n{text}\n")[0]["data.identified_count"] == 0, text


def test_trained_on_words_stay_linear_on_a_long_line():
    words = "trained on the the the the "

    rule = re.compile(VOCAB.data.trained_on_before, re.IGNORECASE)  # read on 120 characters, but safe on any
    assert_linear(repeated(words), lambda text: rule.search(text + "."), MEGABYTE // 8)


def test_a_github_link_after_the_corpus_and_a_word_of_means_is_code_not_data():
    for text in ("It was trained on the Pile using the [NeoX library](https://github.com/lab/neo-trainer).",
                 "It was trained on the Pile with [our trainer](https://github.com/lab/trainer).",
                 "It was fine-tuned on [the recipe](https://github.com/huggingface/alignment-handbook).",
                 "It was fine-tuned on top of [Base](https://github.com/lab/base-model)."):
        assert read(f"# M\n\n{text}\n")[0]["data.identified"] in ("The Pile", "nothing"), text


# ---- named public sources, filtered subset unreleased ----------------------------------

def test_a_filtered_subset_of_a_public_corpus_is_identified_but_not_obtainable():
    for text in ("We trained on quality-filtered web data from RefinedWeb (300B tokens).",
                 "We trained on a filtered subset of The Stack (300B tokens)."):
        card = f"# M\n\n## Training data\n{text}\n"
        signals, evidence = read(card)
        assert signals["data.identified_count"] == 1 and signals["data.partly_obtainable"] == 1, text
        assert any("filtered subset of it that was not released" in d
                   for d in details(evidence, "data.partly_obtainable")), text
        assert data_level(card) == 2, text


def test_a_plain_or_linked_or_appositive_subset_is_the_public_corpus():
    for text in ("We trained on the Python subset of The Stack (300B tokens).",
                 "We trained on a [filtered subset of The Stack](https://huggingface.co/datasets/lab/stack-f), 300B tokens.",
                 "We trained on SlimPajama, a filtered version of RedPajama (300B tokens)."):
        card = f"# M\n\n## Training data\n{text}\n"
        assert read(card)[0]["data.partly_obtainable"] == 0, text
        assert data_level(card) == 3, text


def test_public_sources_beside_unreleased_synthetic_data_are_d2_not_d1():
    card = ("# M\n\n## Training data\nWe trained on 250B tokens: synthetic data generated by GPT-3.5 "
            "and web data from SlimPajama.\n")
    signals, _ = read(card)
    assert signals["data.public_corpora"] == 1 and signals["data.unreleased"] == 1
    assert data_level(card) == 2


def test_filtered_subset_words_stay_linear_on_a_long_line():
    words = "quality-filtered selected curated data from of the "

    rule = re.compile(VOCAB.data.filtered_subset_before, re.IGNORECASE)  # read on 120 characters, but safe on any
    assert_linear(repeated(words), lambda text: rule.search(" " + text + "."), MEGABYTE // 8)


# ---- a link to the data cards ----------------------------------------------------------

def test_a_link_to_the_data_cards_in_the_data_section_identifies_the_data():
    card = ("# M\n\n## Training data\nDetails for each dataset are in individual "
            "[Data Cards](https://huggingface.co/spaces/lab/corpus-cards). 1.6TB of text in 46 languages.\n")
    signals, evidence = read(card)
    assert signals["data.identified_count"] == 1
    assert any("data cards" in d for d in details(evidence, "data.described"))
    assert data_level(card) == 3


def test_a_data_card_link_outside_the_data_text_or_with_other_words_is_not_one():
    assert read("# M\n\nSee our [Data Cards](https://huggingface.co/spaces/lab/cards) gallery.\n")[0][
        "data.identified_count"] == 0
    assert read("# M\n\n## Training data\nSee the [corpus map](https://huggingface.co/spaces/lab/map).\n")[0][
        "data.identified_count"] == 0


def test_a_dataset_id_that_says_it_is_an_evaluation_suite_is_set_aside():
    signals, evidence = read("# M\n", card_data={"datasets": ["lab/chat_evaluation_suite", "lab/qa-test-set", "lab/chat"]})
    assert signals["data.dataset_ids"] == "lab/chat"
    assert sum("benchmark" in d for d in details(evidence, "data.datasets")) == 2


def test_many_limitations_sections_with_generic_phrases_stay_linear():
    block = "## Limitations\nIt was trained on publicly available data.\n"

    def make(n: int) -> str:
        return block * (n // len(block))

    assert_linear(make, extract, 100_000)


def test_an_html_link_to_the_data_card_identifies_the_data_too():
    card = ('# M\n\n## Training data\nSee the <a href="https://huggingface.co/spaces/lab/cards">dataset card</a>; '
            "1.6TB of text.\n")
    assert read(card)[0]["data.identified_count"] == 1


def test_a_line_of_thousands_of_data_card_links_stays_linear():
    def make(n: int) -> str:
        return "## Training data\n" + " ".join(f"[data card](https://x.org/c{i})" for i in range(n // 30)) + "\n"

    assert_linear(make, extract, 60_000)


def test_common_crawl_named_as_the_base_of_a_named_corpus_is_not_a_source():
    from openness.evidence import extract_evidence
    from openness.models import CardFile, ModelSnapshot
    from openness.rubric import load_licences, load_vocabulary

    card = ("# W\n\n## Training data\n\nThe model was pre-trained on mC4.\n\n"
            "We introduce W, pre-trained on a new Common Crawl-based dataset covering 101 languages.\n\n"
            "| Source | Tokens |\n|---|---|\n| RedPajama - CommonCrawl | 878 B |\n")
    snap = ModelSnapshot(repo_id="t/w", sha="0" * 40, siblings=["README.md"], card=CardFile(status="ok", text=card))
    signals = extract_evidence(snap, load_vocabulary(), load_licences()).signals
    assert "Common Crawl" not in signals["data.unreleased_as"]
    assert signals["data.unreleased"] == 0


def test_a_dataset_linked_in_a_siblings_list_entry_is_not_this_models_data():
    from openness.evidence import extract_evidence
    from openness.models import CardFile, ModelSnapshot
    from openness.rubric import load_licences, load_vocabulary

    card = ("# W-7B\n\nOther models of the family:\n\n"
            "* [W-7B-Chat](https://huggingface.co/t/w-7b-chat): a chat model.\n"
            "Built by finetuning W-7B on the [Chats](https://huggingface.co/datasets/o/chats) dataset.\n")
    snap = ModelSnapshot(repo_id="t/W-7B", sha="0" * 40, siblings=["README.md"], card=CardFile(status="ok", text=card))
    found = extract_evidence(snap, load_vocabulary(), load_licences())
    assert found.datasets == ()
    assert any("another model of the family" in e.detail for e in found.evidence)


def _found(card: str, repo_id: str = "t/w"):
    from openness.evidence import extract_evidence
    from openness.models import CardFile, ModelSnapshot
    from openness.rubric import load_licences, load_vocabulary

    snap = ModelSnapshot(repo_id=repo_id, sha="0" * 40, siblings=["README.md"], card=CardFile(status="ok", text=card))
    return extract_evidence(snap, load_vocabulary(), load_licences())


def test_a_list_of_datasets_is_not_a_list_of_sibling_models():
    card = ("# W\n\n## Training data\n\n- **Finetuned on data:**\n"
            "  - [Long QA (LQA-2)](https://huggingface.co/datasets/o/lqa-2)\n"
            "  - [Chats 1 (OC1)](https://huggingface.co/datasets/o/oc1)\n")
    assert set(_found(card).datasets) == {"o/lqa-2", "o/oc1"}


def test_a_dataset_said_to_be_an_evaluation_set_after_its_link_is_set_aside():
    card = ("# W\n\n## Safety\n\nW was tested in three ways:\n"
            "- [SAFE](https://huggingface.co/datasets/o/safe-1.0), is a content safety evaluation dataset.\n")
    assert _found(card).datasets == ()


def test_trained_on_a_model_named_by_its_size_is_not_a_data_page():
    found = _found("# W\n\nW is continually trained on the [Base-9B](https://github.com/o/base) model.\n")
    assert not any("project page" in e.detail for e in found.evidence)


def test_a_dataset_of_an_organisation_named_like_a_corpus_is_not_that_corpus():
    found = _found("# W\n\n## Training data\n\nWe fine-tuned on [OIG](https://huggingface.co/datasets/laion/OIG).\n")
    assert found.signals["data.partly_obtainable"] == 0
    found = _found("# W\n\n## Training data\n\nTrained on [this](https://huggingface.co/datasets/laion/laion2B-en).\n")
    assert found.signals["data.partly_obtainable"] == 1
