"""Loads and validates the rubric files: packaged in the wheel, or beside the source tree."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from openness.errors import RubricError, UserRubricError
from openness.evidence.terms import Licences, Vocabulary
from openness.options import AXES_RUBRIC
from openness.rubric.schema import Framework, Rubric

RUBRIC_FILE = "openness.yaml"
LICENCES_FILE = "licenses.yaml"
VOCABULARY_FILE = "vocabulary.yaml"
RUBRIC_PATH_VARIABLE = "OPENNESS_RUBRIC_PATH"
"""Folders (separated as PATH is) of more rubric files, read after the packaged ones."""
AXIS_SIGNALS = frozenset(f"openness.{axis}.{part}" for axis in ("weights", "data", "code")
                         for part in ("level", "verdict", "own_level", "base_level"))
"""The openness verdicts (after lineage) as signals another rubric may test: the level 0-4
(`level`) and the profile's word (`verdict`); and the two sides of the lineage join, the
model's own stage (`own_level`) and its base (`base_level`; openness/rubric/frameworks.py)."""

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
    """The rubric (axes, levels, conditions, profiles); checks an extractor produces every
    signal it tests (openness/evidence/registry.py)."""
    from openness.evidence.registry import produced_signals

    rubric = _load((directory or rubric_dir()) / RUBRIC_FILE, Rubric)
    unknown = sorted({c.signal for c in rubric.conditions.values()} - produced_signals(for_frameworks=False))
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


def framework_dirs() -> tuple[Path, ...]:
    """The packaged rubric folder, then each folder OPENNESS_RUBRIC_PATH names."""
    import os

    extra = [Path(p) for p in os.environ.get(RUBRIC_PATH_VARIABLE, "").split(os.pathsep) if p.strip()]
    return (rubric_dir(), *extra)


def load_frameworks(directories: tuple[Path, ...] | None = None) -> dict[str, Framework]:
    """Every rubric file with dimensions of its own in `directories` (default:
    `framework_dirs()`), by id. A file is one when it has `dimensions:`; its id is its
    file name without `.yaml`."""
    return _frameworks(_rubric_files(directories or framework_dirs()))


def _rubric_files(directories: tuple[Path, ...]) -> tuple[tuple[Path, int, int], ...]:
    """The rubric files of the folders, each with its modification time and size: a file
    added, removed or edited is read again (a notebook editing a rubric sees the change)."""
    files = []
    for directory in directories:
        if not directory.is_dir():
            raise UserRubricError(f"{RUBRIC_PATH_VARIABLE} names {directory}, which is not a folder")
        for path in sorted(directory.glob("*.yaml")):
            if path.name not in (RUBRIC_FILE, LICENCES_FILE, VOCABULARY_FILE):
                stat = path.stat()
                files.append((path, stat.st_mtime_ns, stat.st_size))
    return tuple(files)


@lru_cache(maxsize=8)
def _frameworks(files: tuple[tuple[Path, int, int], ...]) -> dict[str, Framework]:
    packaged = rubric_dir()
    found: dict[str, Framework] = {}
    for path, _, _ in files:
        try:
            framework = _framework(path, found)
        except RubricError as exc:  # a file the user added is bad input; a packaged one, a broken install
            if path.parent != packaged:
                raise UserRubricError(str(exc)) from exc
            raise
        if framework is not None:
            found[framework.id] = framework
    return found


def _framework(path: Path, found: dict[str, Framework]) -> Framework | None:
    """The rubric with dimensions in `path` (None for a YAML file that is not one), checked."""
    from openness.evidence.registry import produced_signals

    if not _has_dimensions(path):
        return None
    framework = _load(path, Framework)
    if framework.id != path.stem:
        raise RubricError(f"{path.name}: id {framework.id!r} must be the file's name ({path.stem!r})")
    if framework.id in found or framework.id == AXES_RUBRIC:
        raise RubricError(f"{path}: a rubric named {framework.id!r} is already loaded")
    _refuse_old_axis_signals(path, framework)
    unknown = sorted({c.signal for c in framework.conditions.values()} - produced_signals() - AXIS_SIGNALS)
    if unknown:
        raise RubricError(f"{path.name} tests signals no extractor produces: {', '.join(unknown)}")
    return framework


def _refuse_old_axis_signals(path: Path, framework: Framework) -> None:
    """Rubrics written before the vocabulary of schema_version 2 named the axis number
    `score` and the word `level`. A word tested against `level`, which is now the number,
    would never hold and quietly turn every result to its lowest label: refuse it instead."""
    for name, condition in framework.conditions.items():
        axis_signal = condition.signal.startswith("openness.")
        if axis_signal and condition.signal.endswith(".score"):
            raise RubricError(f"{path.name}: condition {name} tests {condition.signal}, now named "
                              f"{condition.signal.removesuffix('.score')}.level (the level 0-4)")
        tests_a_word = condition.in_ is not None or isinstance(condition.is_, str)
        if axis_signal and condition.signal.endswith(".level") and tests_a_word:
            raise RubricError(f"{path.name}: condition {name} tests a word against {condition.signal}, "
                              f"which is the level 0-4; the word is {condition.signal.removesuffix('.level')}.verdict")


def _has_dimensions(path: Path) -> bool:
    """Whether a YAML file is a rubric with dimensions: a top-level `dimensions:` key."""
    try:
        return any(line.startswith("dimensions:") for line in path.read_text(encoding="utf-8").splitlines())
    except OSError as exc:
        raise RubricError(f"cannot read {path}: {exc.strerror}") from exc

