"""Loads and validates the rubric files: packaged in the wheel, or beside the source tree."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from openness.errors import RubricError
from openness.rubric.schema import Licences, Rubric, Vocabulary

RUBRIC_FILE = "openness.yaml"
LICENCES_FILE = "licenses.yaml"
VOCABULARY_FILE = "vocabulary.yaml"

_M = TypeVar("_M", bound=BaseModel)


def rubric_dir() -> Path:
    """Where the rubric files are: inside an installed package, else the repository's rubrics/."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_rubrics", here.parent / "rubrics"):
        if (candidate / RUBRIC_FILE).is_file():
            return candidate
    raise RubricError("the rubric files are missing from this installation")


def _load(path: Path, model: type[_M]) -> _M:
    try:
        # libyaml's loader when the wheel has it: ten times faster, same safe subset
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        return model.model_validate(data)
    except OSError as exc:
        raise RubricError(f"cannot read {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise RubricError(f"{path} is not valid YAML: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RubricError(f"{path.name}: {where}: {first['msg']}") from exc


@lru_cache(maxsize=8)
def load_rubric(directory: Path | None = None) -> Rubric:
    """The rubric (axes, levels, conditions, profiles); checks its signals are known."""
    from openness.evidence.signals import SIGNALS

    rubric = _load((directory or rubric_dir()) / RUBRIC_FILE, Rubric)
    unknown = sorted({c.signal for c in rubric.conditions.values()} - set(SIGNALS))
    if unknown:
        raise RubricError(f"{RUBRIC_FILE} tests signals no extractor produces: {', '.join(unknown)}")
    return rubric


@lru_cache(maxsize=8)
def load_licences(directory: Path | None = None) -> Licences:
    """Licence classes, Hub licence ids and aliases for `license: other`."""
    return _load((directory or rubric_dir()) / LICENCES_FILE, Licences)


@lru_cache(maxsize=8)
def load_vocabulary(directory: Path | None = None) -> Vocabulary:
    """What the extractors recognise: file kinds, headings, words around links."""
    return _load((directory or rubric_dir()) / VOCABULARY_FILE, Vocabulary)
