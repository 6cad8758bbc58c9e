"""Front matter read through libyaml gives what the pure-Python reader gives, alias refusal included.

The C reader is only a faster road to the same FrontMatter: every block below must come
out identical (data, closing line and problem, in words) either way. The blocks are the
cases where the two YAML scanners or the two composers could part ways.
"""
from __future__ import annotations

import pytest
import yaml

from openness.evidence import frontmatter
from openness.evidence.frontmatter import FrontMatter, read_front_matter

needs_libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")

_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(9))
"""Ten levels of ten aliases each: 10^10 strings if expanded, a few hundred characters as written."""

TRICKY = {
    "plain": "license: mit\ndatasets:\n- org/set\ntags: [a, b]\nn: 3\nf: 1.5\nok: true\nnone: ~\n",
    "model-index": ("model-index:\n- name: m\n  results:\n  - task: {type: text-generation}\n    metrics:\n"
                    "    - {type: acc, value: 0.5}\n    - {type: f1, value: .nan}\n    - {type: ppl, value: .inf}\n"),
    "alias": "a: &x [1]\nb: *x\n",
    "alias of a scalar": "a: &x mit\nlicense: *x\n",
    "anchor without alias": "a: &x [1]\nb: 2\n",
    "undefined alias": "a: *nowhere\n",
    "alias bomb": _BOMB,
    "merge key": "base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n",
    "merge key without alias": "m:\n  <<: {x: 1}\n  y: 2\n",
    "huge int": "n: " + "9" * 5000 + "\nsmall: 16\n",
    "huge hex": "h: 0x" + "f" * 5000 + "\n",
    "sexagesimal": "t: 190:20:30\n",
    "bad date": "d: 2024-02-30\nok: 2024-02-28\n",
    "timestamp": "t: 2001-12-14t21:59:43.10-05:00\nyear: 0000-01-01\nhour: 2024-01-01 99:00:00\n",
    "duplicate keys": "license: mit\nlicense: apache-2.0\n",
    "tab after a colon": "license:\tmit\n",
    "tabs in a flow list": 'widget: [\n\t\t"a",\n\t\t"b"\n\t]\n',
    "tab indent": "a:\n\tb: 1\n",
    "list root": "- a\n- b\n",
    "string root": "just some text\n",
    "number root": "3\n",
    "flow list root": "[1, 2]\n",
    "empty": "",
    "null root": "~\n",
    "comment only": "# nothing here\n",
    "non-specific tag": "a: !\nb: ! x\n",
    "exclamation marks in text": 'a: Hello!\nb: wow!  such\nc: "q!"\nd: [x, y!]\ne: |\n  hi!\nf: a!b\n',
    "tag after a comma": "a: [x,!t y]\nb: [x,!]\n",
    "tag after a colon": 'm: {"a":!x b}\nn: {"a":!}\n',
    "tag after a bracket": "a: [!x y]\nb: {!x k: v}\n",
    "tag on a line of its own": "a:\n  !x\nb:\n  - !\n",
    "own tag": "a: !x 1\n",
    "explicit str": "a: !!str 123\nb: !<tag:yaml.org,2002:str> c\n",
    "binary": "b: !!binary aGk=\n",
    "set": "s: !!set {a, b}\n",
    "omap": "o: !!omap [a: 1, b: 2]\n",
    "bool tag on text": "a: !!bool x\n",
    "int tag with no digits": "a: !!int\n",
    "float tag on text": "a: !!float x\n",
    "timestamp tag on text": "a: !!timestamp x\n",
    "equals key": "=: 1\na: =\n",
    "complex key": "? [a, b]\n: 1\n",
    "mapping key": "? {a: 1}\n: 2\n",
    "question mark in flow": "links: [https://x.org/a?b=c]\n",
    "question mark outside flow": "link: https://x.org/a?b=c\n",
    "question mark in a comment": "# see https://x.org/spec.md?plain=1\nlinks: [https://x.org/a, b]\n",
    "question mark in a comment inside flow": "links: [https://x.org/a,\n  # why?\n  https://x.org/b?c=d]\n",
    "question mark in a quoted line": 'a: "one\n  # two?"\nb: [c]\n',
    "comment after block indicator": "a: |+# c\n  text\n",
    "block scalars": "a: |\n  one\n  two\nb: >-\n  folded\n  text\n",
    "byte-order mark inside": "a: b\ufeffc\n",
    "next line character": "a: b\x85c\n",
    "line separator": "a: b\u2028c\n",
    "control character": "a: b\x07c\n",
    "escapes": 'a: "\\x41\\u00e9\\/\\N\\_\\t"\nb: \'it\'\'s\'\n',
    "lone surrogate escape": 'a: "\\ud800"\n',
    "long key": "x" * 1030 + ": y\n",
    "unclosed flow": "a: [1, 2\n",
    "unclosed quote": 'a: "open\n',
    "bad indent": "a:\n  b: 1\n c: 2\n",
    "second document": "a: 1\n--- b\n",
    "directive": "%YAML 1.1\na: 1\n",
    "deep nesting": "a: " + "[" * 100 + "]" * 100 + "\n",
    "deeper than libyaml allows": "a: " + "[" * 1001 + "\n",  # libyaml stops at 1,000 levels
    "unicode": "name: \u6a21\u578b\nemoji: \U0001F600\nnbsp: a\u00a0b\n",
}


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[FrontMatter, FrontMatter]:
    fast = read_front_matter(text)
    with monkeypatch.context() as m:
        m.setattr(frontmatter, "_C_LOADER", None)
        pure = read_front_matter(text)
    return fast, pure


@needs_libyaml
@pytest.mark.parametrize("name", list(TRICKY))
def test_the_c_reader_and_the_pure_reader_give_the_same_front_matter(name, monkeypatch):
    fast, pure = _both(f"---\n{TRICKY[name]}---\n# Card\n", monkeypatch)
    assert repr(fast) == repr(pure), name  # repr: a `.nan` value is equal to itself only there


@pytest.mark.parametrize("libyaml", [True, False])
def test_an_alias_bomb_is_refused_without_expanding_it(libyaml, monkeypatch):
    if libyaml and not yaml.__with_libyaml__:
        pytest.skip("PyYAML built without libyaml")
    if not libyaml:
        monkeypatch.setattr(frontmatter, "_C_LOADER", None)
    visits = 0
    build = frontmatter._build

    def counted(*args):
        nonlocal visits
        visits += 1
        return build(*args)

    monkeypatch.setattr(frontmatter, "_build", counted)
    front = read_front_matter(f"---\n{_BOMB}---\n")
    assert front.data is None
    assert front.problem == ("the front matter uses YAML aliases (*name, README.md line 3), "
                             "which are never expanded")
    assert visits <= 40  # each node of the graph at most once: 10^10 when expanded


@needs_libyaml
def test_a_plain_block_is_built_from_libyaml_without_the_pure_reader(monkeypatch):
    def pure(*args, **kwargs):
        raise AssertionError("the pure reader was used")

    monkeypatch.setattr(frontmatter.yaml, "load", pure)
    front = read_front_matter(f"---\n{TRICKY['model-index']}---\n")
    assert front.data is not None and front.data["model-index"][0]["name"] == "m"


@needs_libyaml
@pytest.mark.parametrize("name", ["exclamation marks in text", "question mark in a comment", "question mark in a quoted line"])
def test_an_exclamation_mark_in_text_or_a_question_mark_on_a_comment_line_keeps_the_c_reader(name, monkeypatch):
    def pure(*args, **kwargs):
        raise AssertionError("the pure reader was used")

    with monkeypatch.context() as m:
        m.setattr(frontmatter, "_C_LOADER", None)
        expected = read_front_matter(f"---\n{TRICKY[name]}---\n")
    monkeypatch.setattr(frontmatter.yaml, "load", pure)
    assert repr(read_front_matter(f"---\n{TRICKY[name]}---\n")) == repr(expected)


@pytest.mark.parametrize("line", ["a: !!bool x", "a: !!int", "a: !!timestamp x"])
def test_an_explicit_tag_on_text_it_cannot_hold_sets_the_block_aside(line):
    front = read_front_matter(f"---\n{line}\n---\n")
    assert front.data is None
    assert front.problem is not None and front.problem.startswith("the front matter holds a value that cannot be read")


def _block_by_splitting(text: str) -> tuple[int, str | None] | None:
    """The block as read before: split the whole card, then look for the closing line."""
    from openness.evidence.card import split_lines

    lines = split_lines(text)
    if not lines or lines[0].strip() != "---":
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    return (0, None) if end is None else (end, "\n".join(lines[1:end]))


@pytest.mark.parametrize("text", [
    "", "---", "---\n", "--- \na: 1\n---\n", "---\r\na: 1\r\n...\r\nbody", "---\ra: 1\r---\r", "x\n---\na\n---\n",
    "---\n---\n", "---\n\n---", "---\na: b --- c\nd: ...\n ---\t\n", "---\na... b\na--- b\n", "---\n----\n....\n",
    "---\na\x0b---\n", "---\na: 1\u2028---\n---\n", "---\n" + "a... b\n" * 50 + "...\n", "---\nnever closed ...x\n",
])
def test_the_block_is_found_as_splitting_the_card_finds_it(text):
    assert frontmatter._find_block(text) == _block_by_splitting(text)


# ---- leaving out the fields no extractor reads (a scan without framework rubrics) ----------

_INDEX = "model-index:\n- name: m\n  results:\n  - task: {type: text-generation}\n    metrics:\n    - type: acc\n      value: 0.5\n"
_LEFT_OUT = frozenset({"model-index"})
CUT_CASES = {
    "index last": "license: mit\n" + _INDEX,
    "index first": _INDEX + "license: mit\ntags: [a]\n",
    "index in the middle, with comments and blank lines": "license: mit\n" + _INDEX + "# note [\n\n  # more\nbase_model: a/b\n",
    "index alone": _INDEX,
    "index twice": _INDEX + "license: mit\n" + _INDEX + "datasets:\n- x/y\n",
    "index with an empty list": "model-index:\n- name: m\n  results: []\nlicense: mit\n",
    "index in flow style": "model-index: [{name: m}]\nlicense: mit\n",
    "a quoted value in the index": "model-index:\n- name: \"m\"\nlicense: mit\n",
    "a quote running on past the index": 'license: mit\nmodel-index:\n- "x\nbase_model: y"\n',
    "a flow running on past the index": "license: mit\nmodel-index:\n- [x,\nbase_model: y]\n",
    "a flow running on behind a comment": "license: mit\nmodel-index:\n- [x, # ]\nbase_model: y]\n",
    "an alias in the index": "license: &l mit\nmodel-index:\n- *l\n",
    "a quote closed inside the index": 'license: "mit\nmodel-index:\n- x"\ndatasets: [a]\n',
    "a quote open before the index": "description: 'a\nmodel-index:\n- x\nlicense: mit'\n",
    "a flow open before the index": "tags: [a,\nmodel-index:\n- b\nc: d]\n",
    "a bracket hidden by a comment": "model-index:\n- results: [ # ]\n  x]\nlicense: mit\n",
    "a block scalar before the index": "description: |\n  text\n\nmodel-index:\n- name: m\nlicense: mit\n",
    "an alias across the cut": "model-index:\n- name: &n m\nlicense: *n\n",
    "an anchor after the index": "model-index:\n- name: m\nlicense: &l mit\nother: *l\n",
    "a tag in the index": "model-index:\n- name: !!str m\nlicense: mit\n",
    "the key with a comment": "model-index: # results\n- name: m\nlicense: mit\n",
    "the key quoted": '"model-index":\n- name: m\nlicense: mit\n',
    "not a field after the index": "model-index:\n- name: m\n]\nlicense: mit\n",
    "a root list": "- model-index:\n- a\n",
    "a tab in the index": "model-index:\n-\tname: m\nlicense: mit\n",
    "a quote open before the second index": "model-index:\n- x\nlicense: 'a\nmodel-index:\n- y\nb: c'\n",
    "a flow open before the second index": "model-index:\n- x\ntags: [a,\nmodel-index:\n- y\nc: d]\n",
    "a block scalar before the second index": "model-index:\n- x\nd: |\n  t\nmodel-index:\n- y\nlicense: mit\n",
    **{f"tricky {name}": f"{block}{_INDEX}" for name, block in TRICKY.items() if block.endswith("\n")},
}


@pytest.mark.parametrize("name", list(CUT_CASES))
def test_leaving_a_field_out_gives_the_whole_block_less_that_field(name):
    text = f"---\n{CUT_CASES[name]}---\n# Card\n"
    whole = read_front_matter(text)
    less = read_front_matter(text, _LEFT_OUT)
    if whole.data is None and whole.problem and "not valid YAML" in whole.problem and less.data is not None:
        return  # the documented difference: a field left unread no longer costs the rest when it is broken
    expected = None if whole.data is None else {k: v for k, v in whole.data.items() if k != "model-index"}
    assert repr(less.data) == repr(expected), name
    assert (less.last_line, less.problem) == (whole.last_line, whole.problem)


def test_a_left_out_field_is_never_parsed(monkeypatch):
    parsed: list[str] = []
    load = frontmatter._load
    monkeypatch.setattr(frontmatter, "_load", lambda block: parsed.append(block) or load(block))
    rows = "".join(f"    - type: m{i}\n      value: {i}.5\n" for i in range(200))
    front = read_front_matter(f"---\nlicense: mit\nmodel-index:\n- name: m\n  results:\n  - metrics:\n{rows}"
                              f"base_model: a/b\n---\n", _LEFT_OUT)
    assert front.data == {"license": "mit", "base_model": "a/b"}
    assert parsed and all("value" not in block for block in parsed)


def test_a_broken_left_out_field_no_longer_costs_the_other_fields():
    text = "---\nlicense: mit\nmodel-index:\n- name: m\n  results: x\n   bad: indent\n---\n"
    assert read_front_matter(text).data is None
    assert read_front_matter(text, _LEFT_OUT).data == {"license": "mit"}


def test_a_field_left_out_many_times_reads_each_kept_line_a_bounded_number_of_times(monkeypatch):
    # Each cut read every line kept before it again: quadratic in the block, 40 s for a
    # 64 KB block repeating `a: 1` and `model-index:`. The characters parsed are counted.
    parsed: list[int] = []
    load = frontmatter._load
    monkeypatch.setattr(frontmatter, "_load", lambda block: parsed.append(len(block)) or load(block))
    block = "license: mit\n" + "a: 1\nmodel-index:\n- name: m\n" * 300 + "base_model: a/b\n"
    front = read_front_matter(f"---\n{block}---\n# Card\n", _LEFT_OUT)
    assert front.data == {"license": "mit", "a": 1, "base_model": "a/b"}
    assert sum(parsed) <= 3 * len(block), f"{sum(parsed):,} characters parsed for a block of {len(block):,}"
