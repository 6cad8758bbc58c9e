"""Synthetic card dumps for the scan tests: rows in the schema of the Hub's card dump
(librarian-bots/model_cards_with_metadata), cards written here."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

DUMP_SCHEMA = pa.schema([
    ("modelId", pa.string()), ("author", pa.string()), ("last_modified", pa.timestamp("us", tz="UTC")),
    ("downloads", pa.int64()), ("likes", pa.int64()), ("library_name", pa.string()),
    ("tags", pa.list_(pa.string())), ("pipeline_tag", pa.string()), ("createdAt", pa.timestamp("us", tz="UTC")),
    ("card", pa.string()),
])


def card(front: str, body: str = "A model.") -> str:
    return f"---\n{front.strip()}\n---\n\n# Model\n\n{body}\n"


def row(model_id: str, text: str | None, tags: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {"modelId": model_id, "author": model_id.split("/")[0], "last_modified": None, "downloads": extra.get("downloads"),
            "likes": None, "library_name": extra.get("library_name"), "tags": tags or [],
            "pipeline_tag": extra.get("pipeline_tag", "text-generation"), "createdAt": None, "card": text}


def base_rows() -> list[dict[str, Any]]:
    """A small dump with each case the scan must get right."""
    return [
        row("ncco/base", card("license: apache-2.0\ndatasets:\n- ncco/corpus"),
            ["safetensors", "license:apache-2.0", "dataset:ncco/corpus"], downloads=900),
        row("ncco/child", card("license: apache-2.0\nbase_model: ncco/base"),
            ["safetensors", "license:apache-2.0", "base_model:ncco/base", "base_model:finetune:ncco/base"]),
        row("ncco/orphan", card("license: mit\nbase_model: elsewhere/missing"),
            ["gguf", "license:mit", "base_model:elsewhere/missing"]),
        row("ncco/notags", card("license: mit"), ["license:mit"]),
        row("ncco/gatedcard", card("license: apache-2.0\nextra_gated_prompt: Tell us who you are."),
            ["safetensors", "license:apache-2.0"]),
        row("ncco/cyc-a", card("license: apache-2.0\nbase_model: ncco/cyc-b"), ["safetensors", "base_model:ncco/cyc-b"]),
        row("ncco/cyc-b", card("license: apache-2.0\nbase_model: ncco/cyc-a"), ["safetensors", "base_model:ncco/cyc-a"]),
        row("../../etc/passwd", card("license: mit"), []),
        row("ncco/nocard", None, ["safetensors"]),
    ]


def write_dump(path: Path, rows: list[dict[str, Any]]) -> Path:
    pq.write_table(pa.Table.from_pylist(rows, schema=DUMP_SCHEMA), path)
    return path
