"""Parents a model declares, with their relation, read the way the Hub reads them.

When the metadata, the Hub and the tags declare none, a parent named only in the card's
text counts too (RUBRIC.md, "Derived models"), at lower evidence strength. Every word and
pattern used for that lives in rubrics/vocabulary.yaml (`lineage.text_parents`).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from openness.evidence.card import Line, plain
from openness.evidence.prose import Prose
from openness.evidence.screen import all_matches, fold
from openness.models import ModelSnapshot, Strength
from openness.evidence.terms import ParentPhrase, PatternWithReason, TextParents, Vocabulary


@dataclass(frozen=True)
class DeclaredParent:
    """One parent: its repo id, the relation, and where the relation came from."""

    repo_id: str
    """The Hub id; for a parent that could not be pinned, the name as the card wrote it."""
    relation: str
    source: str
    """Where the parent was named: cardData.base_model, baseModels, tags or `README.md line N`."""
    relation_source: str
    """Where the relation came from, or `inferred (...)` with the rule that gave it."""
    strength: Strength = "high"
    """high: metadata, the Hub or tags; medium: the card text."""
    unresolved: str | None = None
    """Why the parent is not looked up: named only by a name no Hub repo could be pinned to."""


def declared_parents(snapshot: ModelSnapshot, vocab: Vocabulary, weight_kinds: set[str],
                     adapter_only: bool, prose: Prose | None = None,
                     read: list[Line] | None = None) -> list[DeclaredParent]:
    """Parents from card metadata, then the Hub's `baseModels`, then `base_model:` tags.

    Only when none of those names a parent is the card text read (`prose`; `read`: its
    lines_read, when the caller has them).
    """
    relations = vocab.lineage.relations
    named: dict[str, tuple[str, str]] = {}   # lower-case id -> (id as written, where named)
    stated: dict[str, tuple[str, str]] = {}  # lower-case id -> (relation, where stated)

    def note(repo_id: object, source: str, relation: object = None, where: str = "") -> None:
        if not isinstance(repo_id, str) or not repo_id.strip():
            return
        key = repo_id.strip().lower()
        named.setdefault(key, (repo_id.strip(), source))
        if relation in relations:
            stated.setdefault(key, (str(relation), where))

    value = snapshot.card_data.get("base_model")
    for item in value if isinstance(value, list) else [value]:
        note(item, "cardData.base_model")
    hub = snapshot.base_models or {}
    models = hub.get("models")
    for model in models if isinstance(models, list) else []:
        if isinstance(model, dict):
            note(model.get("id"), "baseModels", hub.get("relation"), "baseModels")
    for tag in snapshot.tags:
        parts = tag.split(":")
        if parts[0] == "base_model" and len(parts) == 2:
            note(parts[1], "tags")
        elif parts[0] == "base_model" and len(parts) == 3:
            note(parts[2], "tags", parts[1], "tags")
    card_relation = snapshot.card_data.get("base_model_relation")
    if not named and prose is not None:
        found = text_parents(prose, vocab, snapshot.repo_id, read)
        if found:
            return _with_relations(found, card_relation, vocab, weight_kinds, adapter_only, snapshot.repo_id)
    fallback = _inferred(len(named), vocab, weight_kinds, adapter_only, snapshot.repo_id)
    parents = []
    for key, (repo_id, source) in named.items():
        if card_relation in relations:
            relation, where = str(card_relation), "cardData.base_model_relation"
        else:
            relation, where = stated.get(key, fallback)
        parents.append(DeclaredParent(repo_id, relation, source, where))
    return parents


def _inferred(count: int, vocab: Vocabulary, kinds: set[str], adapter_only: bool, repo_id: str) -> tuple[str, str]:
    if count > 1:
        return "merge", "inferred (several parents)"
    if adapter_only:
        return "adapter", "inferred (adapter weights only)"
    if kinds and kinds <= set(vocab.lineage.quantized_kinds):
        return "quantized", "inferred (quantized weight files)"
    if re.search(vocab.lineage.quantized_names, repo_id.split("/")[-1], re.IGNORECASE):
        return "quantized", "inferred (quantization named in the repo id)"
    return "finetune", "inferred (default for one parent)"


# ---- parents named in the card text ------------------------------------------------------

@dataclass(frozen=True)
class _Named:
    """A parent found in the text, before its relation is settled."""

    repo_id: str
    line: int
    words: str
    """The words that named it, as the card wrote them (for the evidence)."""
    relation: str | None
    unresolved: str | None = None


# The parent's name right after the words that introduce it: a markdown link, an HTML
# link, a bare URL, `code`, **bold**, [bracketed], or a plain word with an optional size or
# version ("LLaMA 13B", "Vicuna-13B v0"). Every part is bounded: the text is hostile.
_SLOT = re.compile(
    r"\s{0,4}(?:"
    r"\[(?P<text>[^\[\]\n]{1,200})\]\(\s{0,4}<?(?P<url>[^\s()<>]{1,500})>?[^()\n]{0,200}\)"
    r"|<a\b[^>]{0,500}?href=[\"']?(?P<href>[^\"'\s>]{1,500})[^>]{0,500}>(?P<atext>[^<]{0,200})</a>"
    r"|(?P<bare_url>(?:https?:/{1,2})?(?:huggingface|hf)\.co/[^\s()<>\[\]\"'`]{1,300})"
    r"|`(?P<code>[^`\n]{1,200})`"
    r"|\*\*(?P<bold>[^*\n]{1,200})\*\*"
    r"|\[(?P<bracket>[^\[\]\n]{1,200})\](?!\()"
    r"|(?P<word>[A-Za-z0-9][\w.+-]{0,100}(?:/[A-Za-z0-9][\w.+-]{0,100})?(?:\s(?:v\d[\w.]{0,20}|\d[\d.]{0,6}[BbMmKk]?)\b)?)"
    r")")
# A Hub model link: the organisation and name after huggingface.co/ (or hf.co/); a broken
# scheme ("https:/steps/huggingface.co/...") still names the repo.
_HUB_LINK = re.compile(r"(?:huggingface|hf)\.co/([A-Za-z0-9][\w.-]{0,95})/([A-Za-z0-9][\w.-]{0,95})")
_REPO_ID = re.compile(r"[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}")
_MD_LINK = re.compile(r"\[(?:!\[(?P<alt>[^\[\]\n]{0,100})\]\([^()\s]{0,500}\)|(?P<text>[^\[\]\n]{0,100}))\]"
                      r"\(\s{0,4}<?(?P<url>[^\s()<>]{1,500})")
# As prose._HTML_LINK: the lookahead and possessive repeats keep a long unclosed run linear.
_HTML_LINK = re.compile(r"<a\b(?=[^>]{0,1506}+>.{0,500}?</a>)[^>]{0,500}?href=[\"']?+(?P<url>[^\"'\s>]{1,500}+)"
                        r"[^>]{0,500}+>(?P<inner>.{0,500}?)</a>", re.IGNORECASE)
_ALT = re.compile(r"\balt=[\"']([^\"']{0,100})", re.IGNORECASE)
_MAX_NAME = 100
_MAX_MERGED = 8


def text_parents(prose: Prose, vocab: Vocabulary, repo_id: str, read: list[Line] | None = None) -> list[_Named]:
    """Parents the card names in its text: a field or badge first, else the first sentence.

    The first statement that names something other than the model itself decides; the
    work is one pass over the lines read (`read`, when the caller has them), so a card
    repeating a name is still linear.
    """
    words = vocab.lineage.text_parents
    lines = lines_read(prose, words) if read is None else read
    if not lines:
        return []
    own = repo_id.lower()
    hub_ids = _hub_ids_named(prose, words)
    return (_from_fields(lines, words, own, hub_ids) or _from_badges(lines, words, own)
            or _from_phrases(prose, lines, words, own, hub_ids))


def lines_read(prose: Prose, words: TextParents) -> list[Line]:
    """The opening paragraphs and the model-details sections, without news or usage."""
    read_here, skip = words.compiled["sections"], words.compiled["skip_sections"]
    # Each heading is matched once, when it opens: testing the titles above every line
    # costs (lines x title length), quadratic on a card with one huge heading.
    opened = {s.first: (s.rank, bool(skip.search(s.title)), bool(read_here.search(s.title)))
              for s in prose.card.sections}
    path: list[tuple[int, bool, bool]] = []  # (rank, skipped, read) of the headings above
    skipped = read = False  # whether a heading above is skipped, or read: asked per heading, not per line
    # A paragraph's lines are consecutive among the card's lines, so paragraphs are counted
    # as they start.
    paragraphs_seen, last = 0, None
    first_paragraphs, paragraphs = words.first_paragraphs, prose.paragraphs
    out = []
    for line in prose.card.lines:
        heading = opened.get(line.number)
        if heading is not None:
            while path and path[-1][0] >= heading[0]:
                path.pop()
            path.append(heading)
            skipped, read = any(s for _, s, _ in path), any(r for _, _, r in path)
            continue
        para = paragraphs.get(line.number)
        if para is not None and para is not last:
            paragraphs_seen, last = paragraphs_seen + 1, para
        if skipped:
            continue
        if read or paragraphs_seen <= first_paragraphs:
            out.append(line)
    return out


def _hub_ids_named(prose: Prose, words: TextParents) -> dict[str, set[str]]:
    """Lower-case repo name -> the Hub ids (org/name) the card's body names with that name."""
    named: dict[str, set[str]] = {}
    not_models = words.compiled["not_models"]
    # Only lines holding ".co/" can hold a Hub link: the card's screen names them.
    hits = prose.card.screen.lines_with(_HUB_LINK)
    for line in prose.card.lines if hits is None else (prose.card.by_number[n] for n in sorted(hits)):
        for match in _HUB_LINK.finditer(line.text):
            repo = _hub_id(match, not_models)
            if repo:
                named.setdefault(repo.split("/")[1].lower(), set()).add(repo)
    return named


def _hub_id(match: re.Match[str], not_models: re.Pattern[str]) -> str | None:
    """`org/name` of a Hub link, or None for a Hub path that is no model (a dataset, a Space)."""
    org, name = match.group(1), match.group(2).rstrip(".-")
    return None if not_models.match(org) or not name else f"{org}/{name}"


def _from_fields(lines: list[Line], words: TextParents, own: str, hub_ids: dict[str, set[str]]) -> list[_Named]:
    for line in lines:
        for field in words.fields:
            match = field.regex.match(line.text)
            if not match:
                continue
            named = _name_at(line.text, match.end(), words, pinned_only=False, own=own, hub_ids=hub_ids)
            if named:
                return [_Named(named[0], line.number, _shown(line.text[:match.end()].strip(" -*_:")), None, named[1])]
    return []


def _from_badges(lines: list[Line], words: TextParents, own: str) -> list[_Named]:
    badge, not_models = words.compiled["badge"], words.compiled["not_models"]
    for line in lines:
        for text, url in _links_on(line.text):
            hub = _HUB_LINK.search(url)
            if hub and badge.search(text):
                repo = _hub_id(hub, not_models)
                if repo and repo.lower() != own:
                    return [_Named(repo, line.number, "a 'base model' link", None)]
    return []


def _links_on(text: str) -> list[tuple[str, str]]:
    """(text or picture alt text, target) of each markdown and HTML link on a line."""
    links = [(m.group("alt") or m.group("text") or "", m.group("url")) for m in _MD_LINK.finditer(text)]
    for m in _HTML_LINK.finditer(text):
        alt = _ALT.search(m.group("inner"))
        links.append((alt.group(1) if alt else plain(m.group("inner")), m.group("url")))
    return links


def _from_phrases(prose: Prose, lines: list[Line], words: TextParents, own: str,
                  hub_ids: dict[str, set[str]]) -> list[_Named]:
    """The first sentence whose words introduce a parent, in card order."""
    seen: set[int] = set()
    held = _paragraphs_holding(prose, words.phrases)
    # The paragraphs some phrase might match (None: any): the rest are passed over before
    # their phrases are listed, one set lookup each.
    anywhere = None if any(may_hold is None for _, may_hold in held) else \
        set().union(*(may_hold for _, may_hold in held if may_hold is not None))
    for line in lines:
        para = prose.paragraphs.get(line.number)
        if para is None or id(para) in seen or (anywhere is not None and id(para) not in anywhere):
            continue
        seen.add(id(para))
        # A paragraph no phrase might match gives nothing: most are skipped before the
        # sibling test and the sorting of their line offsets.
        phrases = [phrase for phrase, may_hold in held if may_hold is None or id(para) in may_hold]
        if not phrases or sibling_entry(para.text, words, own):
            continue
        starts = sorted((offset, number) for number, offset in para.starts.items())
        hits, folded = [], fold(para.text)
        for phrase in phrases:
            hits += [(m.start(), m.end(), phrase) for m in all_matches(phrase.regex, para.text, folded)]
        for start, end, phrase in sorted(hits, key=lambda h: h[0]):
            found = _phrase_parents(para.text, end, phrase, words, own, hub_ids)
            if found:
                number = max((n for offset, n in starts if offset <= start), default=line.number)
                shown = _shown(para.text[start:found[0][2]].strip())
                return [_Named(repo, number, shown, phrase.relation, why) for repo, why, _ in found]
    return []


def _paragraphs_holding(prose: Prose, phrases: list[ParentPhrase]) -> list[tuple[ParentPhrase, set[int] | None]]:
    """Each phrase with the paragraphs (by id) it might match: those with a line holding one
    of its words; None when that may be any. Found from the lines the card's word screen
    names, so asking each paragraph about each phrase costs a set lookup."""
    held: list[tuple[ParentPhrase, set[int] | None]] = []
    for phrase in phrases:
        hits = prose.card.screen.lines_with(phrase.regex)
        held.append((phrase, None if hits is None else
                     {id(para) for number in hits if (para := prose.paragraphs.get(number)) is not None}))
    return held


def sibling_entry(text: str, words: TextParents, own: str) -> bool:
    """True for a list entry that opens with the name of a model other than this one."""
    entry = words.compiled["sibling_entry"].match(text)
    if not entry:
        return False
    name = _clean(plain(entry.group("bold") or entry.group("link") or "")).strip(" :,").lower()
    return bool(re.search(r"\d|-", name)) and name not in (own, own.split("/")[-1])


def _phrase_parents(text: str, at: int, phrase: ParentPhrase, words: TextParents, own: str,
                    hub_ids: dict[str, set[str]]) -> list[tuple[str, str | None, int]]:
    """(parent, why unresolved, end offset) of each parent named right after a phrase.

    Several only when the phrase reads a list ("a merge of X and Y").
    """
    named = _name_at(text, at, words, phrase.pinned_only, own, hub_ids, then=phrase.then_regex)
    if not named:
        return []
    found = [named]
    if phrase.several:
        end = named[2]
        for _ in range(_MAX_MERGED - 1):
            joint = re.match(r"\s{0,4}(,\s{0,4}(and\s+)?|and\s+|&\s{0,4}|\+\s{0,4})", text[end:end + 20])
            more = _name_at(text, end + joint.end(), words, phrase.pinned_only, own, hub_ids) if joint else None
            if not more:
                break
            found.append(more)
            end = more[2]
    return found


def _name_at(text: str, at: int, words: TextParents, pinned_only: bool, own: str,
             hub_ids: dict[str, set[str]], then: re.Pattern[str] | None = None
             ) -> tuple[str, str | None, int] | None:
    """(repo id or name, why unresolved or None, end offset) of the name at `at`, if one stands there."""
    filler = words.compiled["filler"]
    for _ in range(4):  # "the base model", "EleutherAI's"
        skip = filler.match(text, at)
        if not skip or skip.end() == at:
            break
        at = skip.end()
    if words.compiled["not_names"].match(text[at:at + 40].lstrip("[`*")):
        return None
    slot = _SLOT.match(text, at)
    if not slot:
        return None
    after = text[slot.end():slot.end() + 120]
    then_match = then.match(after) if then is not None else None
    if words.compiled["not_after"].match(after) or (then is not None and not then_match):
        return None
    repo, unresolved = _resolve(slot, words, hub_ids)
    if repo is None or (pinned_only and unresolved) or repo.lower() in (own, own.split("/")[-1]):
        return None
    return repo, unresolved, slot.end() + (then_match.end() if then_match else 0)


def _resolve(slot: re.Match[str], words: TextParents, hub_ids: dict[str, set[str]]) -> tuple[str | None, str | None]:
    """A Hub id as written, a bare name pinned to one the card names, or an unresolved name."""
    not_models = words.compiled["not_models"]
    for url in (slot.group("url"), slot.group("href"), slot.group("bare_url")):
        hub = _HUB_LINK.search(url or "")
        if hub:
            return _hub_id(hub, not_models), None  # None for a dataset or a Space: no model
    text = slot.group("text") or slot.group("atext") or slot.group("code") or slot.group("bold") \
        or slot.group("bracket") or slot.group("word") or ""
    name = _clean(plain(text).strip(" .,;:!?'\""))
    if not name or len(name) > _MAX_NAME:
        return None, None
    if _REPO_ID.fullmatch(name) and not not_models.match(name.split("/")[0]):
        return name, None
    if slot.group("word") is not None and not words.compiled["bare_name"].match(name):
        return None, None
    if words.compiled["not_names"].match(name):
        return None, None
    pinned = hub_ids.get(name.lower(), set())
    if len(pinned) == 1:
        return next(iter(pinned)), None
    why = (f'was named only as "{name}" in the card text and could not be pinned to a Hub repo'
           + (f" (the card links {len(pinned)} repos of that name)" if pinned else ""))
    return name, why


def _clean(text: str) -> str:
    """Control and invisible characters dropped: the name is shown to a terminal."""
    return "".join(c for c in text if unicodedata.category(c)[0] != "C").strip()


def _shown(text: str) -> str:
    return _clean(plain(text))[:80]


def _with_relations(found: list[_Named], card_relation: object, vocab: Vocabulary, kinds: set[str],
                    adapter_only: bool, repo_id: str) -> list[DeclaredParent]:
    """Text-named parents with their relation: the card's metadata, the words, else inferred."""
    relations = vocab.lineage.relations
    unique: dict[str, _Named] = {}
    for item in found:
        unique.setdefault(item.repo_id.lower(), item)
    # Several parents make a merge only when the words say so (a stated relation);
    # "built on top of X and Y" names two bases of a model trained further.
    fallback = _inferred(1, vocab, kinds, adapter_only, repo_id)
    parents = []
    for item in unique.values():
        if card_relation in relations:
            relation, where = str(card_relation), "cardData.base_model_relation"
        elif item.relation:
            relation, where = item.relation, f"card text '{item.words}'"
        else:
            relation, where = fallback
        parents.append(DeclaredParent(item.repo_id, relation, f"README.md line {item.line}",
                                      f"{where}; named in the card text as '{item.words}'", "medium",
                                      item.unresolved))
    return parents


def weight_edit(snapshot: ModelSnapshot, prose: Prose | None, vocab: Vocabulary,
                read: list[Line] | None = None) -> tuple[str, str] | None:
    """(where, what) when the repo's name, its tags or its card say the weights were edited without training
    (`read`: the card's lines_read, when the caller has them)."""
    words = vocab.lineage.weight_edits
    places = [("repo id", snapshot.repo_id.split("/")[-1].replace("-", " ").replace("_", " ")),
              *(("tags", tag) for tag in snapshot.tags)]
    for where, text in places:
        found = _first_hit(words.names, text)
        if found:
            return where, found
    hits = prose.card.screen.lines_with_any(edit.regex for edit in words.statements) if prose is not None else None
    if prose is not None and read is None:
        read = lines_read(prose, vocab.lineage.text_parents)
    for line in read or []:
        if hits is not None and line.number not in hits:
            continue
        found = _first_hit(words.statements, line.text)
        if found:
            return f"README.md line {line.number}", found
    return None


def _first_hit(patterns: list[PatternWithReason], text: str) -> str | None:
    for edit in patterns:
        match = edit.regex.search(text)
        if match:
            return f"'{_shown(match.group(0))}': {edit.reason}"
    return None
