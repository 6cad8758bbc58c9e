"""What the evidence extractors recognise: the shapes of rubrics/licenses.yaml (licence
classes, Hub licence ids, aliases, licence phrases in card text) and rubrics/vocabulary.yaml
(file kinds, headings, the words around links, named corpora, parent phrases).

The files are data beside the rubric; these types belong to the evidence stage that reads
cards with them, so the evidence stage needs nothing of the rubric stage that judges.
`openness.rubric.loader` loads and validates the files into them.
"""
from __future__ import annotations

import re
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

LicenceClass = Literal["A", "B", "C", "D", "E", "F"]
# Most restrictive last: a compound licence takes the latest class among its parts.
CLASS_ORDER: tuple[LicenceClass, ...] = ("A", "B", "C", "D", "E", "F")


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# ---- licenses.yaml ---------------------------------------------------------------------

class LicenceClassInfo(_Data):
    """What a class means and the highest weights level it allows."""

    title: str
    max_weights_level: int = Field(ge=0, le=4)
    meaning: str


class LicenceEntry(_Data):
    """One Hub licence id."""

    licence_class: LicenceClass = Field(alias="class")
    name: str
    reason: str
    flags: list[str] = Field(default_factory=list)


class Alias(_Data):
    """A licence known by free-text `license_name` or a `license_link`, for `license: other`."""

    key: str
    name: str
    licence_class: LicenceClass = Field(alias="class")
    names: list[str] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list)
    reason: str
    flags: list[str] = Field(default_factory=list)

    @cached_property
    def link_patterns(self) -> list[re.Pattern[str]]:
        """The `links` regexes, compiled once."""
        return [re.compile(p, re.IGNORECASE) for p in self.links]


class LicencePhrase(_Data):
    """Words in a card's text that state a licence of a known class."""

    pattern: str
    licence_class: LicenceClass = Field(alias="class")
    name: str
    reason: str

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """The pattern, compiled case-insensitively."""
        return re.compile(self.pattern, re.IGNORECASE)


class LicenceText(_Data):
    """How the card's prose is read for a licence statement about the weights."""

    licence_words: str
    history_headings: str
    """Headings of news and changelogs: licence statements there are history."""
    model_words: str
    not_about_weights: str
    phrases: list[LicencePhrase]


class Licences(_Data):
    """The whole licences file."""

    id: str
    version: str
    notes: str = ""
    classes: dict[LicenceClass, LicenceClassInfo]
    licenses: dict[str, LicenceEntry]
    aliases: list[Alias]
    text: LicenceText

    @model_validator(mode="after")
    def _complete(self) -> "Licences":
        if set(self.classes) != set(CLASS_ORDER):
            raise ValueError("licences must describe each class A-F")
        names = [n for a in self.aliases for n in a.names]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"alias names used twice: {', '.join(dupes)}")
        for alias in self.aliases:
            alias.link_patterns  # compile now: a bad regex fails at load, not mid-run
        for text in (self.text.licence_words, self.text.history_headings, self.text.model_words, self.text.not_about_weights):
            re.compile(text)
        for phrase in self.text.phrases:
            phrase.regex
        return self


# ---- vocabulary.yaml -------------------------------------------------------------------

class PatternWithReason(_Data):
    """A regex and why matching it matters."""

    pattern: str
    reason: str
    kind: str | None = None

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """The pattern, compiled case-insensitively."""
        return re.compile(self.pattern, re.IGNORECASE)


Obtainable = Literal["full", "partly", "none"]


class Corpus(_Data):
    """A training corpus known by name."""

    name: str
    pattern: str
    obtainable: Obtainable
    """`full`: anyone can obtain it (or a faithful release of it). `partly`: identified, but
    only part of it can be obtained (published then withdrawn, only unofficial or partial
    dumps, or a public extract of what was trained on): D2 at most (RUBRIC.md conventions).
    `none`: never released, or naming it does not say which part was used."""
    reason: str
    """Why the corpus is (or is not) obtainable: shown with the evidence."""
    built_from: list[str] = Field(default_factory=list)
    """Corpora this one was made from: named beside it as its origin, they are no source of their own."""
    code: str | None = None
    """Where the code that built the corpus is published, when it is."""

    @property
    def public(self) -> bool:
        """Whether the whole corpus can be obtained."""
        return self.obtainable == "full"

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """The pattern, compiled case-insensitively."""
        return re.compile(self.pattern, re.IGNORECASE)


class WeightFiles(_Data):
    """How weight files are told apart from the rest."""

    suffixes: dict[str, str]
    format_tags: dict[str, str] = {}
    """Hub tag -> kind: the tags the Hub adds from a repo's weight files, read when the
    file list itself was not seen (a card dump)."""
    loads_repo: str = r"(?!)"
    """A loader call or download command: on a card line that names the repo's own id, it
    says the weights are there to download (read when no file list was seen)."""
    not_weights: list[PatternWithReason]
    training_state: list[PatternWithReason]
    adapter: str


class CardSections(_Data):
    """Heading patterns of the card sections that matter."""

    training_data: str
    training_procedure: str
    usage: str
    """Headings of usage guides: what is linked there is offered to users."""
    not_data: str
    """Headings of limitations, bias and risk sections: generic data phrases there disclose nothing."""


class DataWords(_Data):
    """What the data extractor recognises in prose."""

    training_sentence: str
    list_intro: str
    """Words of a training sentence ending in a colon that make the list below it training data."""
    generic_phrases: list[PatternWithReason]
    """Vague summaries of data: D0 alone, a summary beside identified data."""
    withheld_sources: list[PatternWithReason]
    """Words naming an own source that anyone cannot obtain: an unreleased part."""
    apposition: str
    another_source: str
    """Words between a dataset link and a withheld-source phrase: it describes the link, unless they add a source."""
    processing_words: str
    size_phrase: str
    withheld: str
    """A statement that training data is kept back."""
    benchmarks: str
    """Dataset ids of benchmarks: evaluation, not training data."""
    media_files: str
    """Files hosted in a dataset repo that are pictures or recordings, not data."""
    data_words: str
    """Words around a dataset link, outside the data text, that make it training data."""
    evaluation_context: str
    """Words that make a dataset link a benchmark, not training data."""
    evaluation_after: str
    """Words right after a dataset link that give it an evaluation role."""
    excluded_before: str
    excluded_after: str
    """Words before / after a corpus name saying it was kept out of the data."""
    component_before: str
    """Words before a corpus name giving it as an example of a part of a larger corpus."""
    stage_words: str
    """Words naming a training stage, around a dataset link."""
    filtered_subset_before: str
    """Words before a public corpus's name saying only an unreleased filtered subset was used."""
    appositive_before: str
    """Words before such a phrase that make it describe another name (an apposition)."""
    data_card_link: str
    """The text of a link to the data card(s) documenting the training data."""
    trained_on_before: str
    not_data_object: str
    """Link text naming a format, method or tool: not the data a model was trained on."""
    """Words before a code-host link that make it a dataset's project page the model was trained on."""
    origin_words: str
    origin_after: str
    """Words just after a corpus name that make it the origin of another corpus ("Common Crawl-based")."""
    """Words saying a corpus is made from another (with `Corpus.built_from`)."""
    source_categories: str
    """The first cell of a data-mix table row that names a kind of data only, not a source."""
    corpora: list[Corpus]

    @model_validator(mode="after")
    def _origins_known(self) -> "DataWords":
        names = {c.name for c in self.corpora}
        unknown = sorted({o for c in self.corpora for o in c.built_from} - names)
        if unknown:
            raise ValueError(f"built_from names unknown corpora: {', '.join(unknown)}")
        return self

    @cached_property
    def any_corpus(self) -> re.Pattern[str]:
        """One pattern matching wherever any corpus does: lines without a hit are skipped."""
        return re.compile("|".join(f"(?:{c.pattern})" for c in self.corpora) or r"(?!)", re.IGNORECASE)


class RepoTree(_Data):
    """What the files of a linked code repository say it holds (RUBRIC.md: judge a repository by its tree)."""

    ignore: str
    """Paths that are not the model's training code: documentation, pictures, tests, user examples."""
    files: list[PatternWithReason]
    """Path patterns with the kind of code they show, checked in order; the first that matches decides."""


class CodeWords(_Data):
    """What the code extractor recognises: hosts, frameworks, the words around links."""

    hosts: str
    not_code: str
    """Links into a code host that are pictures or data, not code."""
    usage_paths: str
    """Links to notebooks, examples and tutorials: guides for users, not the model's recipe."""
    frameworks: list[PatternWithReason]
    """Known frameworks by "owner/name"; with a `kind`, a codebase that trains models."""
    trained_with: str
    """Words saying the model was trained with the linked framework."""
    offered_to_users: str
    """Words offering users a way to fine-tune the model: usage code, not training code."""
    contexts: list[PatternWithReason]
    repo_files: list[PatternWithReason]
    repo_tree: RepoTree
    release_statements: list[PatternWithReason]
    """Card prose stating that the model's own (training) code is released."""
    release_not_yet: str
    """Words that make a release statement a promise or a negation."""
    code_fields: str
    """A card field naming the model's own code ("Codebase:", "Training code:")."""
    own_code_anchor: str
    """Link text naming the model's own code ("GitHub", "Code")."""


class ParentPhrase(_Data):
    """Words in a card that name the model's parent, and the relation they state."""

    pattern: str
    reason: str
    relation: str | None = None
    """finetune, adapter, quantized or merge; None: inferred as for a declared parent."""
    pinned_only: bool = False
    """True: the name counts only when pinned to a Hub repo (a Hub link, org/name, or a name the card links)."""
    then: str | None = None
    """Words that must follow the name ("is a X model fine-tuned")."""
    several: bool = False
    """True: a list of names follows ("a merge of X and Y"), each a parent."""

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """The pattern, compiled case-insensitively."""
        return re.compile(self.pattern, re.IGNORECASE)

    @cached_property
    def then_regex(self) -> re.Pattern[str] | None:
        """The `then` pattern, compiled case-insensitively."""
        return re.compile(self.then, re.IGNORECASE) if self.then else None


class TextParents(_Data):
    """Where and how a parent named only in the card text is read."""

    sections: str
    skip_sections: str
    first_paragraphs: int = Field(ge=0, le=100)
    fields: list[PatternWithReason]
    badge: str
    phrases: list[ParentPhrase]
    filler: str
    not_after: str
    not_names: str
    bare_name: str
    """Case-sensitive: the shape a plain word needs to be taken as a model name."""
    not_models: str
    sibling_entry: str
    """A list entry opening with a model's name: it describes that model, not necessarily this one."""

    @cached_property
    def compiled(self) -> dict[str, re.Pattern[str]]:
        """Each pattern compiled once: case-insensitively, except `bare_name` (capitals matter)."""
        out = {key: re.compile(getattr(self, key), re.IGNORECASE)
               for key in ("sections", "skip_sections", "badge", "filler", "not_after", "not_names", "not_models",
                           "sibling_entry")}
        out["bare_name"] = re.compile(self.bare_name)
        return out


class WeightEditWords(_Data):
    """Words saying the model is its parent's weights edited without training."""

    names: list[PatternWithReason]
    """Matched against the repo's name and its tags."""
    statements: list[PatternWithReason]
    """Matched against the card's opening paragraphs and model details."""


class LineageWords(_Data):
    """How a parent relation is read or inferred."""

    relations: list[str]
    quantized_kinds: list[str]
    quantized_names: str
    text_parents: TextParents
    weight_edits: WeightEditWords

    @model_validator(mode="after")
    def _relations_known(self) -> "LineageWords":
        unknown = sorted({p.relation for p in self.text_parents.phrases if p.relation} - set(self.relations))
        if unknown:
            raise ValueError(f"text_parents phrases state unknown relations: {', '.join(unknown)}")
        return self


class Checkpoints(_Data):
    """Card text that announces intermediate checkpoints."""

    phrases: str


class DocumentWords(_Data):
    """How a card shows its own documentation: papers, evaluation, architecture, tokenizer."""

    paper_label: str
    named_paper: str
    evaluation_heading: str
    public_benchmarks: str
    architecture_files: str
    tokenizer_files: str

    @model_validator(mode="after")
    def _patterns_compile(self) -> "DocumentWords":
        for text in (self.paper_label, self.named_paper, self.evaluation_heading, self.public_benchmarks,
                     self.architecture_files, self.tokenizer_files):
            re.compile(text)
        return self


class Vocabulary(_Data):
    """The whole vocabulary file."""

    id: str
    version: str
    weight_files: WeightFiles
    card_sections: CardSections
    data: DataWords
    code: CodeWords
    lineage: LineageWords
    papers: str
    documents: DocumentWords
    checkpoints: Checkpoints

    @model_validator(mode="after")
    def _patterns_compile(self) -> "Vocabulary":
        texts = [self.weight_files.adapter, self.weight_files.loads_repo, self.card_sections.training_data,
                 self.card_sections.training_procedure, self.data.training_sentence,
                 self.data.processing_words, self.data.size_phrase, self.data.withheld, self.data.benchmarks, self.data.media_files, self.data.data_words, self.card_sections.usage,
                 self.data.evaluation_context, self.data.excluded_before, self.data.excluded_after,
                 self.data.component_before, self.data.stage_words, self.code.hosts,
                 self.code.not_code, self.code.trained_with, self.code.offered_to_users, self.papers, self.checkpoints.phrases,
                 self.lineage.quantized_names, self.card_sections.not_data,
                 self.data.apposition, self.data.another_source, self.data.list_intro,
                 self.data.evaluation_after, self.data.source_categories,
                 self.data.origin_words, self.data.trained_on_before,
                 self.data.filtered_subset_before, self.data.appositive_before,
                 self.data.data_card_link]
        for text in texts:
            re.compile(text)
        for item in [*self.weight_files.not_weights, *self.weight_files.training_state,
                     *self.data.generic_phrases, *self.data.withheld_sources,
                     *self.code.frameworks, *self.code.contexts, *self.code.repo_files,
                     *self.code.repo_tree.files, *self.code.release_statements,
                     *self.lineage.text_parents.fields, *self.lineage.weight_edits.names,
                     *self.lineage.weight_edits.statements]:
            item.regex
        for phrase in self.lineage.text_parents.phrases:
            phrase.regex, phrase.then_regex
        self.lineage.text_parents.compiled
        for corpus in self.data.corpora:
            corpus.regex
        return self
