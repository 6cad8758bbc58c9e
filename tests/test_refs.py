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


def test_str_round_trips():
    assert str(ModelRef.parse("org/name@v1")) == "org/name@v1"
    assert str(ModelRef.parse("org/name")) == "org/name"
