"""openness: how open is an AI model, on three axes (weights, data, code), with evidence.

    >>> import openness
    >>> card = openness.score("org/name")          # one model
    >>> report = openness.compare(["a/b", "c/d"])   # many, side by side

The heavy parts load on first use, so `import openness` and `openness --version` stay fast.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from openness.version import __version__

if TYPE_CHECKING:
    from openness.api import compare, score
    from openness.models import Scorecard
    from openness.report import Report

__all__ = ["Report", "Scorecard", "__version__", "compare", "score"]

_LAZY = {"score": "openness.api", "compare": "openness.api",
         "Report": "openness.report", "Scorecard": "openness.models"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'openness' has no attribute {name!r}")
