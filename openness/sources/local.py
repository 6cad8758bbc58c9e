"""A model folder on disk, read as the Hub would serve it: for `openness check`, before a
card ships.

The folder's README.md (front matter included) is the card and its files are the repo's
file list; everything else a model names (parents, datasets) is asked of the source
beneath, a Hub source, so that lookups work as for `score` (or only from the cache, with
`--offline`). A folder has no Hub id: it is scored as `local/<folder name>`, which the
command shows as the path given. There is no gate on disk: the Hub's gate is a setting of
the published repo, so a check reads a folder as published without one.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from openness.errors import ModelNotFound, OpennessError, quoted
from openness.evidence.frontmatter import read_front_matter
from openness.models import (MAX_CARD_BYTES, MAX_LICENCE_BYTES, MAX_REPO_FILES, CardFile, DatasetSnapshot,
                             LicenceText, ModelRef, ModelSnapshot)
from openness.sources.hub import card_from_bytes
from openness.sources.licence_file import licence_file, licence_text
from openness.sources.interface import MetadataSource

LOCAL_ORG = "local"
CARD_FILE = "README.md"
_SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".cache", ".venv"})


class NotAModelFolder(OpennessError):
    """The path given to `check` is neither a folder with a README.md nor a README file: bad input."""

    kind = "not_a_model_folder"


@dataclass(frozen=True)
class LocalModel:
    """A folder to check, and the id it is scored under."""

    path: str
    """As the user gave it (shown in the report)."""
    folder: Path
    repo_id: str


def local_models(paths: list[str]) -> list[LocalModel]:
    """The folders to check: a folder holding README.md, or a README.md file (as pre-commit
    passes it) for the folder around it. Raises NotAModelFolder for anything else."""
    found: list[LocalModel] = []
    taken: set[str] = set()
    for text in paths:
        path = Path(text)
        if path.is_file() and path.name.lower() == CARD_FILE.lower():
            folder = path.parent
        elif path.is_dir() and (path / CARD_FILE).is_file():
            folder = path
        elif path.is_dir():
            raise NotAModelFolder(f"{quoted(text)} has no {CARD_FILE}: a model folder holds its card")
        else:
            raise NotAModelFolder(f"{quoted(text)} is no folder and no {CARD_FILE}")
        name = _id_part(folder.resolve().name)
        repo_id, n = f"{LOCAL_ORG}/{name}", 1
        while repo_id.lower() in taken:
            n += 1
            repo_id = f"{LOCAL_ORG}/{name}-{n}"
        taken.add(repo_id.lower())
        found.append(LocalModel(text, folder, repo_id))
    return found


def _id_part(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")[:96]
    return cleaned or "model"


def folder_snapshot(model: LocalModel) -> ModelSnapshot:
    """The folder as a snapshot: its card (bounded as a Hub card is), front matter as the
    card metadata, its files (at most MAX_REPO_FILES, symlinked folders not followed)."""
    card = _card(model.folder / CARD_FILE)
    front = read_front_matter(card.text) if card.status == "ok" and card.text else None
    read = front.data if front and not front.problem and isinstance(front.data, dict) else {}
    data = {str(k): v for k, v in read.items() if v is not None}  # as the Hub's cardData leaves out nulls
    files = _files(model.folder)
    return ModelSnapshot(
        repo_id=model.repo_id, sha=None, card_data=data, siblings=files,
        library_name=data.get("library_name") if isinstance(data.get("library_name"), str) else None,
        pipeline_tag=data.get("pipeline_tag") if isinstance(data.get("pipeline_tag"), str) else None,
        card=card,
        licence_text=_licence(model.folder, files, model.repo_id, data.get("license_link")),
    )


def _licence(folder: Path, files: list[str], repo_id: str, link: object) -> LicenceText | None:
    """The licence file's hash, as the Hub source keeps it once the folder is pushed."""
    name = licence_file(files, repo_id, link)
    if name is None:
        return None
    try:
        with (folder / name).open("rb") as handle:
            raw = handle.read(MAX_LICENCE_BYTES + 1)
    except OSError as exc:
        return LicenceText(file=name, status="unreadable", problem=f"cannot read {name}: {exc.strerror}")
    return licence_text(name, raw[:MAX_LICENCE_BYTES], len(raw) > MAX_LICENCE_BYTES)


def _card(path: Path) -> CardFile:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_CARD_BYTES + 1)
    except OSError as exc:
        return CardFile(status="unavailable", problem=f"cannot read {path.name}: {exc.strerror}")
    return card_from_bytes(raw[:MAX_CARD_BYTES], len(raw) > MAX_CARD_BYTES)


def _files(folder: Path) -> list[str]:
    found: list[str] = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS)
        base = Path(root).relative_to(folder)
        for name in sorted(files):
            found.append((base / name).as_posix())
            if len(found) >= MAX_REPO_FILES:
                return found
    return found


class LocalFolderSource:
    """A MetadataSource serving the folders under their `local/...` ids, and asking the
    source beneath for everything else."""

    def __init__(self, models: list[LocalModel], beneath: MetadataSource) -> None:
        self._models = {m.repo_id.lower(): m for m in models}
        self._beneath = beneath

    def fetch(self, ref: ModelRef) -> ModelSnapshot:
        model = self._models.get(ref.repo_id.lower())
        if model is None:
            if ref.repo_id.lower().startswith(f"{LOCAL_ORG}/"):
                raise ModelNotFound(ref.repo_id, "no such local folder")
            return self._beneath.fetch(ref)
        return folder_snapshot(model)

    def fetch_dataset(self, dataset_id: str) -> DatasetSnapshot:
        return self._beneath.fetch_dataset(dataset_id)

    def list_models(self, *, author: str | None = None, search: str | None = None,
                    filters: list[str] | None = None, limit: int | None = None) -> list[str]:
        return self._beneath.list_models(author=author, search=search, filters=filters, limit=limit)
