"""The installed version of openness, on its own so that any module may read it without
importing the package's lazy front door (`openness/__init__.py`)."""
from __future__ import annotations

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("openness")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"
