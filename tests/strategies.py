"""Hypothesis strategies for hostile input (issue 6): card text, card metadata, snapshots, reports.

Cards are written by anyone. The text here mixes what breaks naive code (control
characters, every kind of line break, lone fences and front-matter markers, markup for
markdown, HTML and spreadsheets, terminal escapes, lone surrogates) with the shapes the
extractors look for (headings, Hub dataset links, code links, licence ids and aliases),
so that examples reach deep into the pipeline instead of stopping at the first check.
"""
from __future__ import annotations

from hypothesis import strategies as st

from openness.models import (AxisVerdict, CardFile, DatasetEntry, DatasetSnapshot, ErrorInfo, Evidence,
                             LicenseVerdict, LineageEntry, ModelSnapshot, RubricRef, Scorecard)
from openness.report import Report
from openness.rubric import load_licences, load_rubric, load_vocabulary

RUBRIC = load_rubric()
VOCAB = load_vocabulary()
LICENCES = load_licences()

WORDS = ("open", "partial", "closed", "unknown")
GATES = (False, "auto", "manual")  # what the source passes on; anything else it turns into False

# ---- text ------------------------------------------------------------------------------

CONTROLS = ["\x00", "\x07", "\x08", "\t", "\x0b", "\x0c", "\r", "\n", "\r\n", "\x1b", "\x1b[31m",
            "\x1b]0;pwned\x07", "\x1b[2J\x1b[H", "\x7f", "\x85", "\x9b31m", "\x9d", "\u2028", "\u2029",
            "\x1c", "\x1e"]
MARKUP = ["|", "\\", "\\|", "`", "```", "*", "_", "[", "]", "(", ")", "![x](javascript:alert(1))",
          "[x](http://e.example)", "#", "# ", "---", "~~~", "<", ">", "&", "&amp;", "&lt;", "&#60;", '"', "'",
          "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '" onmouseover="alert(1)',
          "' onfocus='x", "</td></tr></table>", "<!--", "-->", "<![CDATA[", "<h2>Training data</h2>",
          "{{ 7*7 }}", "{% raw %}", "{license.id}", "javascript:alert(1)", " JaVaScRiPt:alert(1)",
          "data:text/html,<b>", "http://", "https://", "https://evil.example/x?a=1&b=2", "level 3: "]
SPREADSHEET = ["=", "+", "-", "@", '=HYPERLINK("http://evil.example","x")', "=cmd|' /C calc'!A0", "+1",
               "-1", "@SUM(A1)", "'", "'="]
UNICODE = ["\u202e", "\u2066", "\ufeff", "\u200b", "\u00a0", "\u3000", "é", "中文", "🤖", "\ufffd", "\U0010ffff"]
# Letters whose case changes move text about: "İ" lower-cases to two characters, and `re`
# ignoring case takes "İ", "ı", "ſ" and the Kelvin sign for i, s and k (which lower() does
# not make them); a combining dot, a ligature and "ß" that upper-case to two; a final sigma.
CASE_SHIFTS = ["\u0130", "\u0131", "\u017f", "\u212a", "7 bİllion", "6.9 mıllion", "3 thouſand", "i\u0307", "ß", "\ufb01",
               "\u03a3", "\u03c2"]
# A JSON `"\ud800"` escape in the Hub's cardData, or the same YAML escape in front matter,
# becomes a lone surrogate in a Python str: it cannot be written out as UTF-8.
SURROGATES = ["\ud800", "\udfff", "\udc80"]
PIECES = CONTROLS + MARKUP + SPREADSHEET + UNICODE + CASE_SHIFTS


def texts(*, surrogates: bool = False, max_pieces: int = 8) -> st.SearchStrategy[str]:
    """Arbitrary text, mostly built from hostile pieces, with any other characters between."""
    pieces = PIECES + SURROGATES if surrogates else PIECES
    return st.lists(st.one_of(st.sampled_from(pieces), st.text(max_size=4)), max_size=max_pieces).map("".join)


# ---- card text -------------------------------------------------------------------------

CARD_LINES = [
    "---", "...", "```", "```python", "~~~", "   ```", "# Model", "## Training data", "### Training procedure",
    "## Datasets", "<h2>Training Data</h2>", "<H1 class=x>Title</h1>", "<h3>unclosed", "## ", "#", "####### seven",
    "# a                                        x", "## C# ##", "Trained on https://huggingface.co/datasets/org/set.",
    "See [data](https://huggingface.co/datasets/Org/Other) and https://huggingface.co/datasets/x",
    "Training code: https://github.com/org/train (pre-training scripts).",
    "Evaluation harness: https://github.com/org/eval", "https://github.com/huggingface/transformers",
    "https://github.com/org", "http://.", "See https://arxiv.org/pdf/2401.00001.pdf",
    "We trained on The Pile and C4, filtered and deduplicated, 1.5T tokens.",
    "The model was trained on a mix of publicly available online data.",
    "We release intermediate checkpoints.", "| a | b |", "",
    "A 6.9 bıllion parameters model trained on 1.4 trİllion tokens.",
]
# Front-matter lines: wrong types, aliases, tags, a YAML escape that makes a lone surrogate.
FRONT_MATTER_LINES = ["license: mit", "license: other", "license: 3", "license_name: \"evil\\ud800\"",
                      "license_link: javascript:alert(1)", "datasets:", "- org/set", "datasets: {org/set: 1}",
                      "base_model: [1, 2.5]", "base_model: org/base", "a: &x [1]", "b: *x", "!!binary aGk=",
                      "date: 2024-01-01", "{", "- a list", "? complex", "%YAML 1.1"]
LINE_BREAKS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\x0c", "\x0b", "\x1c", "\x1d", "\x1e", ""]


def card_texts() -> st.SearchStrategy[str]:
    """A README: lines of card-like and hostile text, joined by every kind of line break.

    No surrogates: the source decodes README bytes with errors="replace".
    """
    line = st.one_of(st.sampled_from(CARD_LINES), texts(max_pieces=5), st.text(max_size=20))
    brk = st.one_of(st.just("\n"), st.sampled_from(LINE_BREAKS))
    body = st.lists(st.tuples(line, brk), max_size=25).map(lambda parts: "".join(a + b for a, b in parts))
    # Half the time, a front-matter block first, closed or not.
    front = st.tuples(st.lists(st.sampled_from(FRONT_MATTER_LINES) | texts(max_pieces=3), max_size=5),
                      st.sampled_from(["---", "...", ""])).map(lambda f: "---\n" + "".join(x + "\n" for x in f[0]) + f[1] + "\n")
    return st.one_of(body, st.tuples(front, body).map("".join))


# ---- card metadata and snapshots -------------------------------------------------------

LICENCE_IDS = [*list(LICENCES.licenses)[:12], "other", "llama2", "cc-by-nc-4.0", "not-a-licence", "OTHER", " mit "]
ALIAS_NAMES = [name for alias in LICENCES.aliases for name in alias.names[:1]][:12] + ["Acme Licence v2", ""]
LINKS = ["https://www.apache.org/licenses/LICENSE-2.0", "https://ai.meta.com/llama/license/", "LICENSE",
         "javascript:alert(1)", "http://evil.example/\x1b[31m", " https://a.example/x\ny "]
REPO_IDS = ["org/base", "org/base-7b", "lab/model-GGUF", "x/y-awq-4bit", "t/root"]
DATASET_IDS = ["org/set", "Org/Set", "allenai/c4", "x", "/", " org/other/ "]
RELATIONS = list(VOCAB.lineage.relations)


def json_values(text: st.SearchStrategy[str]) -> st.SearchStrategy[object]:
    """Anything JSON or YAML can carry: None, bool, int, float, str, lists, mappings, nested."""
    scalars = st.none() | st.booleans() | st.integers() | st.floats() | text
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
                        max_leaves=8)


def card_data() -> st.SearchStrategy[dict[str, object]]:
    """cardData as the Hub sends it from anybody's front matter: keys that matter, any types."""
    text = texts(surrogates=True, max_pieces=4)
    anything = json_values(text)

    def key(plausible: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
        return st.one_of(plausible, anything)

    ids = st.sampled_from(LICENCE_IDS)
    datasets = st.sampled_from(DATASET_IDS) | text
    parents = st.sampled_from(REPO_IDS) | text
    known = st.fixed_dictionaries({}, optional={
        "license": key(ids | st.lists(ids, max_size=3)),
        "license_name": key(st.sampled_from(ALIAS_NAMES)),
        "license_link": key(st.sampled_from(LINKS)),
        "datasets": key(st.lists(datasets, max_size=4) | datasets),
        "base_model": key(st.lists(parents, max_size=3) | parents),
        "base_model_relation": key(st.sampled_from(RELATIONS)),
        "language": anything,
        "tags": anything,
        "pipeline_tag": anything,
        "model-index": anything,
        "extra_gated_prompt": key(text),
        "extra_gated_fields": anything,
    })
    others = st.dictionaries(text, anything, max_size=3)
    return st.tuples(known, others).map(lambda pair: {**pair[1], **pair[0]})


TAG_PREFIXES = ["", "license:", "dataset:", "base_model:", "base_model:adapter:", "base_model:quantized:",
                "base_model:finetune:", "arxiv:", "region:"]
FILE_NAMES = ["README.md", "config.json", "model.safetensors", "model-00001-of-00002.safetensors", "model.gguf",
              "model-Q4_K_M.gguf", "pytorch_model.bin", "adapter_model.safetensors", "adapter_config.json",
              "optimizer.pt", "training_args.bin", "checkpoint-100/model.safetensors", "train.py",
              "modeling_x.py", "scripts/run_sft.sh"]


def tags() -> st.SearchStrategy[list[str]]:
    value = st.sampled_from(LICENCE_IDS + REPO_IDS + DATASET_IDS + RELATIONS) | texts(max_pieces=3)
    tag = st.tuples(st.sampled_from(TAG_PREFIXES), value).map("".join)
    return st.lists(tag, max_size=6)


def siblings() -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(FILE_NAMES) | texts(max_pieces=3), max_size=8)


def card_files() -> st.SearchStrategy[CardFile]:
    """The README in each state the source reports."""
    ok = st.builds(lambda text, cut: CardFile(status="ok", text=text, truncated=cut), card_texts(), st.booleans())
    failed = st.builds(lambda status, problem: CardFile(status=status, problem=problem),
                       st.sampled_from(["unreadable", "unavailable"]), st.none() | texts(max_pieces=3))
    return st.one_of(ok, st.just(CardFile(status="absent")), failed)


def base_models() -> st.SearchStrategy[dict[str, object] | None]:
    """The Hub's `baseModels` field, well formed or not."""
    text = texts(max_pieces=3)
    model = st.fixed_dictionaries({"id": st.sampled_from(REPO_IDS) | text}) | json_values(text)
    shaped = st.fixed_dictionaries({}, optional={"relation": st.sampled_from(RELATIONS) | json_values(text),
                                                 "models": st.lists(model, max_size=3) | json_values(text)})
    return st.none() | shaped | st.dictionaries(text, json_values(text), max_size=2)


def snapshots(repo_id: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[ModelSnapshot]:
    """A model as a source could report it, every field from a hostile card."""
    text = texts(max_pieces=3)
    return st.builds(
        ModelSnapshot,
        repo_id=st.sampled_from(REPO_IDS) if repo_id is None else repo_id,
        sha=st.just("0" * 40),
        gated=st.sampled_from(GATES),
        card_data=card_data(),
        tags=tags(),
        siblings=siblings(),
        library_name=st.none() | st.just("transformers") | text,
        pipeline_tag=st.none() | text,
        base_models=base_models(),
        card=card_files(),
    )


def dataset_lookups(dataset_id: str) -> st.SearchStrategy[object]:
    """What looking a named dataset up may give: a snapshot with any licence, or an error."""
    from openness.errors import ModelNotFound, SourceError

    text = texts(surrogates=True, max_pieces=3)
    found = st.builds(DatasetSnapshot, id=st.just(dataset_id) | text, sha=st.just("1" * 40),
                      license=json_values(text) | st.sampled_from(LICENCE_IDS), gated=st.sampled_from(GATES),
                      tags=tags())
    return st.one_of(found, st.just(ModelNotFound(dataset_id, "no such dataset")),
                     st.just(SourceError(dataset_id, "the Hub failed")))


# ---- reports ---------------------------------------------------------------------------

def _verdict(level: str, score: int, reasons: list[str], evidence: list[Evidence]) -> AxisVerdict:
    return AxisVerdict(verdict=level, level=None if level == "unknown" else score, reasons=reasons, evidence=evidence)


def reports(text: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Report]:
    """Reports whose card-derived text (licence name and link, reasons, evidence, dataset
    ids, lineage ids and reasons, error messages, ids) is arbitrary."""
    text = text or texts(surrogates=True)
    maybe = st.none() | text
    link = st.none() | text | st.tuples(st.sampled_from(["https://", "http://", " HTTPS://", "javascript:", ""]),
                                        text).map("".join)
    evidence = st.builds(Evidence, signal=st.sampled_from(["license.class", "data.datasets", "code.training", "gate"]),
                         source=text, detail=text, strength=st.sampled_from(["high", "medium", "low"]))
    reason = st.tuples(st.sampled_from(["", "level 2: ", "level 0: "]), text).map("".join)
    verdict = st.builds(_verdict, st.sampled_from(WORDS), st.integers(0, 4), st.lists(reason, min_size=1, max_size=3),
                        st.lists(evidence, max_size=3))
    klass = st.sampled_from("ABCDEF")
    licence = klass.flatmap(lambda c: st.builds(
        LicenseVerdict, id=maybe, name=maybe, link=link, label=text, license_class=st.just(c),
        class_title=st.just(LICENCES.classes[c].title), resolved_via=maybe, flags=st.lists(text, max_size=2)))
    lineage = st.builds(LineageEntry, repo_id=text, relation=st.sampled_from(RELATIONS), depth=st.integers(1, 3),
                        status=st.sampled_from(["scored", "not_found", "gated", "cycle", "depth_cap", "error", "unresolved"]),
                        axes=st.dictionaries(st.sampled_from(["weights", "data", "code"]), st.sampled_from(WORDS)),
                        reason=maybe)
    dataset = st.builds(DatasetEntry, id=text, status=st.sampled_from(["found", "missing", "error"]), license=maybe,
                        license_class=st.none() | klass, gated=st.sampled_from(GATES))
    revision = st.none() | st.text("0123456789abcdef", min_size=40, max_size=40)
    scored = st.builds(Scorecard, repo_id=text, revision=revision, status=st.just("scored"), license=licence,
                       gated=st.sampled_from(GATES),
                       axes=st.fixed_dictionaries({"weights": verdict, "data": verdict, "code": verdict}),
                       papers=st.lists(text, max_size=2), lineage=st.lists(lineage, max_size=3),
                       datasets=st.lists(dataset, max_size=2))
    error = st.builds(Scorecard, repo_id=text, revision=revision, status=st.just("error"),
                      error=st.builds(ErrorInfo, kind=st.sampled_from(["not_found", "invalid_id", "hub_error"]),
                                      message=text))
    return st.builds(Report, tool_version=st.just("0.0.0+properties"),
                     rubric=st.just(RubricRef(id="openness", version="1.0.0", profile="default")),
                     scorecards=st.lists(st.one_of(scored, scored, error), min_size=1, max_size=4))
