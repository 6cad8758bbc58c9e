"""Reading a scan file (what `openness scan` writes): parquet, JSON lines or CSV, chosen by
suffix, streamed, and only the columns the stats use (the `evidence` and `lineage` JSON,
most of a row's bytes, is never read from parquet).

`read_scan` checks the file at once (it exists, its format, that it is a scan) and raises
ScanUnreadable before any row is read; the rows then come one at a time. A CSV from
`openness score -f csv` has the same columns and reads as a scan too.
"""
from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator, Sequence
from itertools import repeat
from pathlib import Path
from typing import Any

from openness.render.text import shorten, terminal_line
from openness.stats.errors import MissingExtra, ScanUnreadable
from openness.stats.summary import ScanRow

COLUMNS: tuple[str, ...] = ScanRow._fields
REQUIRED = ("repo_id", "weights", "data", "code")
"""A file without these columns is not a scan (nor a `score` CSV)."""
VERSION_KEY = b"openness_scan_version"
KNOWN_VERSIONS = (b"1",)
FORMATS = {".parquet": "parquet", ".jsonl": "jsonl", ".csv": "csv"}
BATCH_ROWS = 8_192
"""Rows turned into Python objects at a time; with pages read as needed (no pre-buffering of
a whole row group) and one decoding thread, a 700,000-row scan written as a single row
group reads in about 70 MB above the interpreter's own, against 130 MB at 32,768 rows,
threads and pre-buffering."""
REPEATED = ("status", "weights", "data", "code", "license", "license_class", "author", "pipeline_tag", "limits",
            "error_kind")
"""Columns whose values repeat from row to row (a few words, the same `limits` text on every
row): read from parquet as dictionaries, each distinct value held and turned into a Python
string once per batch, not once per row."""
MAX_LINE_BYTES = 16 * 2**20
"""A JSON line or CSV field read at most: a scan row is a few KB (its evidence); a file with
no newlines is refused rather than read into memory whole."""


def scan_format(path: str) -> str:
    """parquet, jsonl or csv, from the suffix; a folder is a parquet dataset (Ray's
    write_parquet writes one file per block)."""
    if os.path.isdir(path):
        return "parquet"
    found = FORMATS.get(Path(path).suffix.lower())
    if found is None:
        raise ScanUnreadable(f"cannot tell the format of {path}: give a .parquet, .jsonl or .csv file "
                             "(as openness scan writes), or a folder of .parquet files")
    return found


def read_scan(path: str) -> Iterator[ScanRow]:
    """The rows of the scan at `path`; raises ScanUnreadable (or MissingExtra for parquet
    without pyarrow) now for a file that cannot be one, and while iterating for one that
    breaks part way."""
    kind = scan_format(path)
    if not os.path.exists(path):
        raise ScanUnreadable(f"cannot read {path}: no such file")
    if kind == "parquet":
        return _parquet_rows(path, _parquet_files(path))
    if kind == "jsonl":
        _check_columns(path, _first_json_object(path))
        return _jsonl_rows(path)
    _check_columns(path, _csv_header(path))
    return _csv_rows(path)


def _check_columns(path: str, columns: Sequence[str]) -> None:
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise ScanUnreadable(f"{path} is not an openness scan: no column {', '.join(missing)}")


def _cannot_read(path: str, exc: BaseException) -> ScanUnreadable:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
    return ScanUnreadable(f"cannot read {path}: {shorten(terminal_line(reason), 200)}")


# -- parquet --------------------------------------------------------------------------------
def _parquet_files(path: str) -> list[Any]:
    """Each file opened (its footer read) and checked: a scan's version, the columns."""
    try:
        import pyarrow
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingExtra("pyarrow", "reading a parquet scan") from None
    names = sorted(str(p) for p in Path(path).glob("*.parquet")) if os.path.isdir(path) else [path]
    if not names:
        raise ScanUnreadable(f"{path} holds no .parquet files")
    files = []
    for name in names:
        try:
            opened = pq.ParquetFile(name, read_dictionary=REPEATED, pre_buffer=False, buffer_size=2**20)
        except (OSError, pyarrow.ArrowException) as exc:
            raise _cannot_read(name, exc) from None
        version = (opened.schema_arrow.metadata or {}).get(VERSION_KEY)
        if version is not None and version not in KNOWN_VERSIONS:
            shown = terminal_line(version.decode("utf-8", "replace"))[:20]
            raise ScanUnreadable(f"{name} is scan version {shown}; this openness reads version 1")
        _check_columns(name, opened.schema_arrow.names)
        files.append((name, opened))
    return files


def _parquet_rows(path: str, files: list[Any]) -> Iterator[ScanRow]:
    import pyarrow

    for name, opened in files:
        present = [column for column in COLUMNS if column in opened.schema_arrow.names]
        try:
            for batch in opened.iter_batches(batch_size=BATCH_ROWS, columns=present, use_threads=False):
                values = {column: _python(pyarrow, batch.column(column)) for column in present}
                yield from _rows(values, batch.num_rows)
        except (OSError, pyarrow.ArrowException) as exc:
            raise _cannot_read(name, exc) from None


def _python(pyarrow: Any, array: Any) -> list[Any]:
    """A column as Python values, the two costly kinds made cheap: a dictionary column maps
    its indices to its few values; a timestamp becomes "YYYY-MM" text (UTC) in Arrow, as a
    datetime per row took most of the reading time."""
    types = pyarrow.types
    if types.is_dictionary(array.type):
        values = array.dictionary.to_pylist()
        return [None if index is None else values[index] for index in array.indices.to_pylist()]
    if types.is_timestamp(array.type):
        import pyarrow.compute as compute

        utc = array.cast(pyarrow.timestamp(array.type.unit))  # the zone dropped: the instants stay UTC
        return list(compute.strftime(utc, format="%Y-%m").to_pylist())
    return list(array.to_pylist())


def _rows(values: dict[str, list[Any]], count: int) -> Iterator[ScanRow]:
    """A batch of columns as rows; a column the file lacks is None throughout."""
    columns = [values.get(column) or repeat(None, count) for column in COLUMNS]
    return map(_row, *columns)


def _row(*fields: Any) -> ScanRow:
    repo_id = fields[0]  # never null in a scan; a file that breaks that still reads
    return ScanRow(repo_id if isinstance(repo_id, str) else str(repo_id or ""), *fields[1:])


# -- JSON lines -----------------------------------------------------------------------------
def _json_lines(path: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each line that is not blank."""
    try:
        with open(path, "rb") as handle:
            number = 0
            while True:
                line = handle.readline(MAX_LINE_BYTES + 1)
                if not line:
                    return
                number += 1
                if len(line) > MAX_LINE_BYTES:
                    raise ScanUnreadable(f"{path} line {number} is over {MAX_LINE_BYTES // 2**20} MiB")
                if not line.strip():
                    continue
                try:
                    found = json.loads(line)
                except (ValueError, RecursionError):
                    raise ScanUnreadable(f"{path} line {number} is not JSON") from None
                if not isinstance(found, dict):
                    raise ScanUnreadable(f"{path} line {number} is not a JSON object (one model a line)")
                yield number, found
    except OSError as exc:
        raise _cannot_read(path, exc) from None


def _first_json_object(path: str) -> list[str]:
    for _, found in _json_lines(path):
        return list(found)
    return list(COLUMNS)  # an empty scan: nothing to say it is not one


def _jsonl_rows(path: str) -> Iterator[ScanRow]:
    for _, found in _json_lines(path):
        yield _row(*(found.get(column) for column in COLUMNS))


# -- CSV ------------------------------------------------------------------------------------
def _csv_reader(handle: io.TextIOBase) -> Iterator[dict[str, str]]:
    # The csv module's cap on a field is process-wide; it is raised (never lowered) to the
    # same bound as a JSON line, so a row with a long evidence column still reads.
    if csv.field_size_limit() < MAX_LINE_BYTES:
        csv.field_size_limit(MAX_LINE_BYTES)
    return csv.DictReader(handle)


def _csv_header(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = _csv_reader(handle)
            return list(reader.fieldnames or ())  # type: ignore[attr-defined]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise _cannot_read(path, exc) from None


def _csv_rows(path: str) -> Iterator[ScanRow]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for found in _csv_reader(handle):
                yield _row(*(found.get(column) or None for column in COLUMNS))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise _cannot_read(path, exc) from None
