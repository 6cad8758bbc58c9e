"""Model ids: what is accepted, and a reason for what is not."""
from __future__ import annotations

import pytest

from openness.errors import InvalidModelId
from openness.models import ModelRef


@pytest.mark.parametrize(
    ("text", "repo_id", "revision"),
    [
        ("org/name", "org/name", None),
        ("  org/name  ", "org/name", None),
        ("gpt2", "gpt2", None),
        ("Org-1/name_2.v3", "Org-1/name_2.v3", None),
        ("org/name@main", "org/name", "main"),
        ("org/name@refs/pr/1", "org/name", "refs/pr/1"),
        ("org/name@" + "a" * 40, "org/name", "a" * 40),
        # Hub URLs, as copied from a browser
        ("https://huggingface.co/org/name", "org/name", None),
        ("https://huggingface.co/org/name/", "org/name", None),
        ("http://www.huggingface.co/org/name?library=transformers#top", "org/name", None),
        ("huggingface.co/org/name", "org/name", None),
        ("https://hf.co/org/name", "org/name", None),
        ("https://huggingface.co/models/org/name", "org/name", None),
        ("https://huggingface.co/org/name/tree/main", "org/name", "main"),
        ("https://huggingface.co/org/name/tree/v1.0/subfolder", "org/name", "v1.0"),
        ("https://huggingface.co/org/name/blob/main/README.md", "org/name", "main"),
        ("https://huggingface.co/org/name/tree/refs%2Fpr%2F3", "org/name", "refs/pr/3"),
        ("https://huggingface.co/org/name/tree/refs/pr/3", "org/name", "refs/pr/3"),
        ("https://huggingface.co/org/name/commit/" + "b" * 40, "org/name", "b" * 40),
    ],
)
def test_accepted(text, repo_id, revision):
    ref = ModelRef.parse(text)
    assert (ref.repo_id, ref.revision) == (repo_id, revision)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "/name", "org/", "org name/x", "../x", "org/../x", "a/b/c", "org/-name",
     "org/name.", "org/na--me", "org/name@", "org/name@../../x", "x" * 97 + "/y", "ørg/name"],
)
def test_refused_with_reason(text):
    with pytest.raises(InvalidModelId) as caught:
        ModelRef.parse(text)
    assert "is not a model id" in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "it is empty"),
        ("org/my model", "whitespace"),
        ("org/name\tx", "control"),
        ("org/\x1b[31mred", "control"),
        ("org/name\u202e", "control or invisible"),
        ("../../etc/passwd", "file path"),
        ("/etc/passwd", "file path"),
        ("~/models/x", "file path"),
        ("org\\name", "file path"),
        ("a/b/c", "3 parts"),
        ("org/" + "n" * 200, "200 characters long; the Hub allows 96"),
        ("org/modèle", "non-ASCII"),
        ("组织/模型", "non-ASCII"),
        ("org/name@" + "r" * 300, "longer than 255"),
        ("https://huggingface.co/datasets/org/corpus", "a dataset, not a model"),
        ("https://huggingface.co/spaces/org/demo", "a Space, not a model"),
        ("https://github.com/org/name", "not a huggingface.co URL"),
        ("ftp://huggingface.co/org/name", "only https://"),
        ("https://huggingface.co/org", "does not name a model"),
        ("https://huggingface.co/org/name/discussions/4", "expected /tree/<revision>"),
        ("https://huggingface.co/org/../name", "file path"),
    ],
)
def test_each_refusal_says_what_is_wrong(text, why):
    with pytest.raises(InvalidModelId) as caught:
        ModelRef.parse(text)
    message = str(caught.value)
    assert why in message
    assert "\n" not in message and "\x1b" not in message and "\u202e" not in message


def test_a_long_id_is_not_repeated_whole():
    with pytest.raises(InvalidModelId) as caught:
        ModelRef.parse("x" * 10_000)
    assert len(str(caught.value)) < 200


def test_str_round_trips():
    assert str(ModelRef.parse("org/name@v1")) == "org/name@v1"
    assert str(ModelRef.parse("org/name")) == "org/name"
