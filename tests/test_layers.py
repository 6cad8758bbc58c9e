"""The package's stages depend only forward: no module imports one that imports it back,
and the pure assessment core loads no network library and no renderer."""
from __future__ import annotations

import ast
from collections.abc import Mapping, Set
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "openness"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.AST) -> set[str]:
    """Every openness module a module imports, at the top or inside a function (a lazy
    import still ties the two together), but not under `if TYPE_CHECKING:`."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            node.body = []
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "openness":
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "openness")
    return found


# Parsed once a process: three tests read the same graph, and parsing the package is ~0.6 s of CPU.
@lru_cache(maxsize=1)
def import_graph() -> dict[str, frozenset[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: frozenset(m for m in _imports(ast.parse(path.read_text(encoding="utf-8"))) if m in modules and m != name)
            for name, path in modules.items()}


def cycles(graph: Mapping[str, Set[str]]) -> list[list[str]]:
    """The groups of modules that reach each other (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_one_that_imports_it_back():
    assert cycles(import_graph()) == []


def test_the_assessment_core_loads_no_network_library_and_no_renderer():
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import openness.assess"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    loaded = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "openness.assess" in loaded
    heavy = {"huggingface_hub", "httpx", "requests", "urllib3", "http", "jinja2", "tabulate", "rich"}
    assert not {name for name in loaded if name.split(".")[0] in heavy}
    assert not {name for name in loaded if name.startswith(("openness.render", "openness.sources", "openness.run",
                                                            "openness.cache", "openness.cli", "openness.api"))}


# The stages, in the order they may depend on each other: a module imports only modules of
# its own stage or of an earlier one (the package's lazy front door, openness/__init__.py,
# names the API without importing it).
STAGES = [
    ("openness.version", "openness.errors", "openness.ids", "openness.options", "openness.models"),
    ("openness.evidence",),
    ("openness.rubric",),
    ("openness.assess",),
    ("openness.sources", "openness.cache", "openness.files", "openness.run", "openness.render", "openness.report",
     "openness.gates", "openness.badge", "openness.diff", "openness.scan", "openness.stats"),
    ("openness.api",),
    ("openness.cli", "openness.__main__", "openness.github_action", "openness.diff_command", "openness.scan_command",
     "openness.stats_command"),
]


def stage_of(module: str) -> int | None:
    for index, prefixes in enumerate(STAGES):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return index
    return None


def test_every_module_has_a_stage():
    assert [m for m in import_graph() if m != "openness" and stage_of(m) is None] == []


def test_stages_depend_only_forward():
    backward = [(module, other) for module, imported in import_graph().items() if module != "openness"
                for other in imported if other != "openness" and stage_of(other) > stage_of(module)]
    assert backward == []


def test_the_scan_hands_no_card_text_to_a_loader_a_filesystem_or_a_template():
    """Card text in a dump is hostile: the scan's modules import no fsspec, no dataset
    loader, no template engine and no network library, so nothing in a card can become a
    path to open, a URL to fetch or a template to render."""
    forbidden = {"fsspec", "datasets", "jinja2", "huggingface_hub", "requests", "httpx", "urllib", "subprocess"}
    found = {}
    for path in (PACKAGE / "scan").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        names |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        found[path.name] = sorted(n for n in names if n.split(".")[0] in forbidden)
    assert "local.py" in found and "ray_engine.py" in found, "the scan package is where this test looks"
    assert {name: mods for name, mods in found.items() if mods} == {}
