"""Reading dump files in batches and writing scan rows, as parquet, JSONL or CSV by the
output's suffix. Streaming both ways: memory is flat in the number of rows.

Resuming (`--resume`) reads the ids already in the output and skips them. JSONL and CSV
are appended to (a torn last line from a killed run is cut first). A parquet file is only
readable once its footer is written, so a parquet scan writes each row group as a finished
file of its own in `OUT.parts/` (written under a temporary name, then renamed) and joins
them into OUT when it ends or is interrupted cleanly. A run killed hard leaves OUT as it was
and its finished parts beside it: `--resume` counts the ids in both and goes on.
"""
from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from openness.errors import OpennessError
from openness.render.csv import csv_cell
from openness.scan.dump import DUMP_COLUMNS, ID_COLUMN
from openness.scan.rows import INT_COLUMNS, SCAN_VERSION, ScanRow

FORMATS = {".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
METADATA_KEY = b"openness_scan_version"
ROW_GROUP = 8_192
"""Rows per parquet row group: batches arrive a few hundred rows at a time, and a file of
hundreds of tiny row groups reads slowly; this many rows of a scan are a few tens of MB.
Also what a hard kill of a parquet scan can lose at most (one part not yet finished)."""
PART_PATTERN = "part-*.parquet"


def parts_folder(path: str) -> Path:
    """Where a parquet scan keeps its finished row groups until it ends: `OUT.parts`."""
    return Path(f"{path}.parts")


def finished_parts(path: str) -> list[Path]:
    """The row groups a parquet scan into `path` finished (a part being written has a
    temporary name), in the order they were written."""
    folder = parts_folder(path)
    return sorted(folder.glob(PART_PATTERN)) if folder.is_dir() else []


class ScanInputError(OpennessError):
    """An input or output file the scan cannot use: bad input, exit 2."""

    kind = "scan_input"


def output_format(path: str) -> str:
    """parquet, jsonl or csv, from the suffix; raises ScanInputError for any other."""
    found = FORMATS.get(Path(path).suffix.lower())
    if found is None:
        raise ScanInputError(f"cannot tell the output format of {path!r}: name it .parquet, .jsonl or .csv")
    return found


def _pyarrow() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ScanInputError("reading and writing parquet needs pyarrow: pip install 'openness[scan]'") from None
    return pq


def input_files(paths: Sequence[str]) -> list[Any]:
    """Each input opened as a parquet file (schema read, no rows); one line of error each."""
    return [open_parquet(path, ID_COLUMN, "not a card dump (librarian-bots/model_cards_with_metadata)")
            for path in paths]


def open_parquet(path: str, id_column: str, what_else: str = "") -> Any:
    """A parquet file opened (schema read, no rows), checked for its id column; raises
    ScanInputError with one line naming the file otherwise."""
    pq = _pyarrow()
    try:
        # no pre-buffering: a dump's row group of cards is tens of MB, read a batch at a time
        handle = pq.ParquetFile(path, pre_buffer=False)
    except FileNotFoundError:
        raise ScanInputError(f"no such file: {path!r}") from None
    except Exception as exc:  # pyarrow's own errors: not parquet, corrupt footer
        raise ScanInputError(f"{path!r} is not a readable parquet file ({type(exc).__name__})") from None
    if id_column not in handle.schema_arrow.names:
        raise ScanInputError(f"{path!r} has no {id_column!r} column" + (f": {what_else}" if what_else else ""))
    return handle


def read_ids(files: Sequence[Any]) -> Iterator[str]:
    """Every model id in the inputs (the id column alone is read)."""
    for handle in files:
        for batch in handle.iter_batches(batch_size=65_536, columns=[ID_COLUMN], use_threads=False):
            yield from (i for i in batch.column(0).to_pylist() if isinstance(i, str))


def read_batches(files: Sequence[Any], batch_size: int) -> Iterator[list[dict[str, Any]]]:
    """The inputs' rows, `batch_size` at a time, with the dump columns the scan reads."""
    for handle in files:
        columns = [c for c in DUMP_COLUMNS if c in handle.schema_arrow.names]
        for batch in handle.iter_batches(batch_size=batch_size, columns=columns, use_threads=False):
            yield batch.to_pylist()


def done_ids(path: str) -> set[str]:
    """Lower-case ids already in an output (for --resume): in the file, and for parquet in
    the parts a killed run finished; empty when there is none yet."""
    if not os.path.exists(path) and not finished_parts(path):
        return set()
    kind = output_format(path)
    if kind == "parquet":
        pq = _pyarrow()
        files = ([path] if os.path.exists(path) else []) + [str(p) for p in finished_parts(path)]
        return {str(i).lower() for f in files for i in pq.read_table(f, columns=["repo_id"]).column(0).to_pylist()}
    with open(path, encoding="utf-8", newline="") as handle:
        if kind == "jsonl":
            return {str(json.loads(line)["repo_id"]).lower() for line in handle if line.endswith("\n")}
        return {row["repo_id"].lower() for row in csv.DictReader(handle)}


class ScanWriter:
    """Writes scan rows as they come; `close()` finishes the file (parquet: its footer)."""

    def __init__(self, path: str, columns: Sequence[str], *, resume: bool = False) -> None:
        self.path = path
        self.kind = output_format(path)
        self.columns = tuple(columns)
        self.written = 0
        self._handle: IO[str] | None = None
        self._parquet_open = False
        """A parquet output's parts are not yet joined into it."""
        self._csv: Any = None
        self._buffered: list[ScanRow] = []
        self._resume = resume
        if self.kind == "parquet":
            self._parquet_open = True
            self._open_parquet(resume)
        else:
            self._open_text(resume)

    def _open_parquet(self, resume: bool) -> None:
        pq = _pyarrow()  # first: without pyarrow, the one-line error that says how to get it
        import pyarrow as pa

        self._schema = pa.schema([(c, pa.int64() if c in INT_COLUMNS else pa.string()) for c in self.columns],
                                 metadata={METADATA_KEY: SCAN_VERSION.encode()})
        self._parts = parts_folder(self.path)
        if not resume:
            self._remove_parts()
        self._parts.mkdir(exist_ok=True)
        kept = finished_parts(self.path)
        self._next_part = int(kept[-1].name.split("-")[1].split(".")[0]) + 1 if kept else 0
        kept_files = ([self.path] if resume and os.path.exists(self.path) else []) + [str(k) for k in kept]
        self.written += sum(pq.ParquetFile(f).metadata.num_rows for f in kept_files)

    def _remove_parts(self) -> None:
        """Our own parts of an earlier run (only files named as we name them)."""
        if self._parts.is_dir():
            for part in [*self._parts.glob(PART_PATTERN), *self._parts.glob(PART_PATTERN + ".tmp")]:
                part.unlink()
            if not any(self._parts.iterdir()):
                self._parts.rmdir()

    def _conform(self, rows: list[dict[str, Any]]) -> Any:
        import pyarrow as pa

        return pa.Table.from_pylist([{c: r.get(c) for c in self.columns} for r in rows], schema=self._schema)

    def _open_text(self, resume: bool) -> None:
        appending = resume and os.path.exists(self.path) and os.path.getsize(self.path) > 0
        if appending:
            _cut_torn_line(self.path)
        self._handle = open(self.path, "a" if appending else "w", encoding="utf-8", newline="")
        if self.kind == "csv":
            self._csv = csv.writer(self._handle, lineterminator="\n")
            if not appending:
                self._csv.writerow(self.columns)

    def write(self, rows: Sequence[ScanRow]) -> None:
        if not rows:
            return
        if self._parquet_open:
            self._buffered += rows
            if len(self._buffered) >= ROW_GROUP:
                self._flush()
        elif self._csv is not None:
            self._csv.writerows([csv_cell(r.get(c)) for c in self.columns] for r in rows)
        else:
            assert self._handle is not None
            self._handle.writelines(json.dumps({c: r.get(c) for c in self.columns}, ensure_ascii=False) + "\n"
                                    for r in rows)
        self.written += len(rows)

    def _flush(self) -> None:
        """The buffered rows as one finished part: written whole, then renamed, so a part
        is either complete or not there."""
        if self._buffered:
            pq = _pyarrow()
            final = self._parts / f"part-{self._next_part:06d}.parquet"
            temporary = final.with_name(final.name + ".tmp")
            pq.write_table(self._conform(self._buffered), temporary, compression="zstd")
            os.replace(temporary, final)
            self._next_part += 1
            self._buffered = []

    def _join_parts(self) -> None:
        """OUT from the rows already in it (when resuming) and every finished part, a row
        group at a time; the parts are removed once OUT is in place."""
        pq = _pyarrow()
        earlier = [self.path] if self._resume and os.path.exists(self.path) else []
        temporary = f"{self.path}.partial"
        with pq.ParquetWriter(temporary, self._schema, compression="zstd") as writer:
            for source in [*earlier, *map(str, finished_parts(self.path))]:
                for batch in pq.ParquetFile(source).iter_batches(batch_size=ROW_GROUP):
                    writer.write_table(self._as_ours(batch))
        os.replace(temporary, self.path)
        self._remove_parts()

    def _as_ours(self, batch: Any) -> Any:
        """Rows read back from an output (an earlier run's, perhaps with other columns) in
        this scan's columns."""
        import pyarrow as pa

        table = pa.Table.from_batches([batch])
        if set(self.columns) <= set(table.column_names):
            return table.select(list(self.columns)).cast(self._schema)
        return self._conform(table.to_pylist())

    def close(self) -> None:
        if self._parquet_open:
            self._flush()
            self._join_parts()
            self._parquet_open = False
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> "ScanWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _cut_torn_line(path: str) -> None:
    """Drop a last line without its newline: what a killed run was writing."""
    with open(path, "rb+") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        back = min(size, 1 << 20)
        handle.seek(size - back)
        tail = handle.read(back)
        if tail.endswith(b"\n"):
            return
        cut = tail.rfind(b"\n")
        handle.truncate(size - back + cut + 1 if cut >= 0 else 0)
