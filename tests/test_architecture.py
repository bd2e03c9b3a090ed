"""The package's import graph points one way, as DESIGN.md's pipeline does.

Every module's imports are read with `ast` (imports inside functions too: a lazy import
that only dodges a circle is still a circle in the design), and checked for:
- no import cycle between modules, nor between the package's parts (a subpackage such as
  `site/` or `outputs/` counts as one part, so `outputs/` → `site/` → `outputs/` is caught
  even when no single module of one imports a module that imports it back);
- `engine/` (pure: customer, config, as_of → relationship) never reaching up to the
  layers that render, write, cache or run commands;
- nothing importing `cli` (the entry point `__main__` aside);
- no private name (`_x`) imported from another module of the package.
"""

from __future__ import annotations

import ast
from pathlib import Path


PACKAGE = Path(__file__).resolve().parents[1] / "src" / "playbook"

#: Parts `engine/` must never import: everything above it in the pipeline.
ABOVE_ENGINE = frozenset({
    "load", "check", "gitinfo", "names", "views", "render", "site", "outputs", "memo", "cache",
    "manifest", "units", "write", "build", "serve", "capture", "actions_cli", "cli",
})


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(mod: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module an ImportFrom names (`from ..site import x` → playbook.site)."""
    if not node.level:
        return node.module or ""
    base = mod.split(".") if is_package else mod.split(".")[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(known: dict[str, Path]) -> dict[str, set[tuple[str, str | None]]]:
    """module → {(imported module, name imported from it or None)} within the package.
    `from .outputs import json_out` names the submodule `playbook.outputs.json_out`."""
    out: dict[str, set[tuple[str, str | None]]] = {}
    for mod, path in known.items():
        edges: set[tuple[str, str | None]] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if isinstance(node, ast.Import):
                edges |= {(a.name, None) for a in node.names if a.name in known}
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(mod, path.name == "__init__.py", node)
                for a in node.names:
                    if f"{target}.{a.name}" in known:
                        edges.add((f"{target}.{a.name}", None))
                    elif target in known:
                        edges.add((target, a.name))
        out[mod] = {(t, n) for t, n in edges if t != mod}
    return out


def part(mod: str) -> str:
    """The part of the package a module belongs to: `playbook.site.views` → `site`."""
    parts = mod.split(".")
    return parts[1] if len(parts) > 1 else "playbook"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


GRAPH = imports(modules())
MODULE_EDGES = {m: {t for t, _ in edges} for m, edges in GRAPH.items()}


def part_edges() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for m, targets in MODULE_EDGES.items():
        # A module importing its own package's __init__ (or the root's __version__) is not a
        # dependency between parts.
        out.setdefault(part(m), set()).update(part(t) for t in targets if part(t) != part(m) and t != "playbook")
    return out


def test_the_graph_is_read():
    # Guards the reader itself: a parser that found no edges would pass every check below.
    assert "playbook.cli" in MODULE_EDGES and "playbook.engine.stage" in MODULE_EDGES
    assert "playbook.model" in MODULE_EDGES["playbook.engine.types"]
    assert "playbook.engine.types" in MODULE_EDGES["playbook.engine"]
    assert ("playbook.problems", "Problem") in GRAPH["playbook.load"]


def test_no_import_cycle_between_modules():
    found = cycles(MODULE_EDGES)
    assert not found, "modules importing each other (directly or round a loop):\n" + "\n".join(map(" ↔ ".join, found))


def test_no_import_cycle_between_parts_of_the_package():
    found = cycles(part_edges())
    assert not found, "parts importing each other (directly or round a loop):\n" + "\n".join(map(" ↔ ".join, found))


def test_engine_imports_only_downwards():
    bad = sorted((m, t) for m, targets in MODULE_EDGES.items() if part(m) == "engine"
                 for t in targets if part(t) in ABOVE_ENGINE)
    assert not bad, "engine/ reaching up:\n" + "\n".join(f"{m} imports {t}" for m, t in bad)


def test_nothing_imports_cli():
    bad = sorted(m for m, targets in MODULE_EDGES.items() if "playbook.cli" in targets and m != "playbook.__main__")
    assert not bad, f"cli is the top; imported by {', '.join(bad)}"


def private_imports() -> list[tuple[str, str, str]]:
    return sorted((m, t, n) for m, edges in GRAPH.items() for t, n in edges
                  if n and n.startswith("_") and not n.startswith("__"))


def test_no_private_names_across_modules():
    bad = private_imports()
    assert not bad, "private names used across modules:\n" + "\n".join(f"{m} imports {t}.{n}" for m, t, n in bad)


def test_the_checks_catch_a_cycle():
    # The cycle finder on a graph with a known circle, so an empty answer above means something.
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
