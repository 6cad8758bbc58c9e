"""How fast `openness scan` scores a whole-Hub-sized dump, and how much memory it takes.

Repeats the shared dump slice (../shared/hubdump, 3,307 real cards) to about 100,000 rows
(copy k > 0 of a model is renamed `org/name-copyk`, so every id is distinct and the copies'
parents are the originals, as fine-tunes of popular bases are on the Hub), runs
`openness scan` on it in a child process, and prints rows/s and the peak memory of the
whole process tree (the scan and its workers: proportional set size, sampled from /proc
every 0.1 s), and the CPU seconds the scan used in all (so a figure taken while other work
keeps the cores busy still says what idle cores would do).

    python benchmarks/scan_throughput.py                      # ~100,000 rows, --jobs 2
    python benchmarks/scan_throughput.py --rows 20000 --jobs 1 --output out.jsonl
    python benchmarks/scan_throughput.py --engine ray

The scan runs under the interpreter that runs this script, which it names: a CPython built
without profile-guided optimisation (pyenv's default) is about a fifth slower on this work
than one built with it (python.org, Debian, uv and conda builds), so say which was used.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DUMP = ROOT.parent / "shared" / "hubdump" / "model-cards-2024-10.parquet"


def repeated_dump(rows: int, path: Path) -> int:
    """The slice repeated to `rows` rows (ids renamed per copy); returns the row count."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(DUMP)
    copies = []
    for k in range(max(1, -(-rows // table.num_rows))):
        ids = table.column("modelId") if k == 0 else pc.binary_join_element_wise(table.column("modelId"), f"-copy{k}", "")
        copies.append(table.set_column(table.schema.get_field_index("modelId"), "modelId", ids))
    full = pa.concat_tables(copies).slice(0, rows)
    pq.write_table(full, path, row_group_size=8_192)
    return full.num_rows


def tree_memory(pid: int) -> int:
    """Bytes of memory of `pid` and every descendant, from /proc: each process's
    proportional set size (PSS), so pages the forked workers share with the scan are
    counted once, not once per process as summing RSS would."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            with open(f"/proc/{current}/smaps_rollup") as handle:
                total += next(int(line.split()[1]) * 1024 for line in handle if line.startswith("Pss:"))
        except (OSError, StopIteration):
            continue
    return total


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) one process has used so far, from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--engine", default="local")
    parser.add_argument("--output", default="scan.parquet", help="output file name (its suffix sets the format)")
    parser.add_argument("scan_args", nargs="*", help="more arguments for `openness scan` (after --)")
    args = parser.parse_args()
    if not DUMP.exists():
        print(f"scan_throughput: {DUMP} is absent; nothing to measure")
        return
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "dump.parquet"
        rows = repeated_dump(args.rows, dump)
        out = Path(tmp) / args.output
        command = [sys.executable, "-m", "openness", "scan", str(dump), "-o", str(out), "--jobs", str(args.jobs),
                   "--engine", args.engine, *args.scan_args]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        child = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        peak = main_cpu = 0.0
        while child.poll() is None:
            peak = max(peak, tree_memory(child.pid))
            main_cpu = max(main_cpu, process_cpu(child.pid))
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        closing = child.stderr.read().strip() if child.stderr else ""
        if child.returncode:
            sys.exit(f"scan failed ({child.returncode}): {closing[-2000:]}")
    print(f"rows: {rows:,}  jobs: {args.jobs}  engine: {args.engine}  cores: {os.cpu_count()}  "
          f"python: {platform.python_version()} ({sys.executable})")
    print(f"wall: {seconds:.1f} s  throughput: {rows / seconds:,.0f} cards/s  peak memory: {peak / 2**20:,.0f} MiB")
    print(f"CPU: {cpu:.1f} s in all ({1000 * cpu / rows:.2f} ms a card), {main_cpu:.1f} s of it in the scan's own "
          f"process; cards per CPU second x {args.jobs} jobs: {args.jobs * rows / cpu:,.0f} cards/s "
          f"(the throughput on {args.jobs} idle cores, when the machine is busy with other work)")
    print(closing.splitlines()[-1] if closing else "")


if __name__ == "__main__":
    main()
