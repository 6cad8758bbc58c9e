"""The choices users pick from on the command line and in the API, as enums.

Kept free of pydantic and every other heavy import, so that `openness --help` can list
them without loading the scorer.
"""
from __future__ import annotations

from collections.abc import Sequence
from enum import Enum


class Format(str, Enum):
    """Output formats; `render` must cover every member (a test loops over them)."""

    table = "table"
    markdown = "markdown"
    csv = "csv"
    json = "json"
    html = "html"


# What `--output FILE` implies when no --format is given.
SUFFIX_FORMATS = {".md": Format.markdown, ".markdown": Format.markdown, ".csv": Format.csv,
                  ".json": Format.json, ".html": Format.html, ".htm": Format.html,
                  ".txt": Format.table}


class SortKey(str, Enum):
    """What `--sort` orders rows by; axes and licence put the most open first."""

    model = "model"
    weights = "weights"
    data = "data"
    code = "code"
    license = "license"


class GroupKey(str, Enum):
    """What `--group-by` splits the table by."""

    license_class = "license-class"
    weights = "weights"
    data = "data"
    code = "code"


AXES_RUBRIC = "openness"
"""The rubric of the three axes themselves: naming it asks for nothing besides them."""


def other_rubric_names(names: Sequence[str]) -> list[str]:
    """The rubric names in `names` that ask for something besides the axes, stripped, in
    order ("all" stands for every one)."""
    return [n.strip() for n in names if n.strip() and n.strip() != AXES_RUBRIC]
