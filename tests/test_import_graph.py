"""The package's import graph has no cycles (data flows questions -> checker -> quiz/site/export).

The graph is read from the source (AST), so it includes imports inside functions (a deferred
import still ties two modules together) but not those under `if TYPE_CHECKING:` (annotations
only, never executed). `from pkg import name` counts as importing the submodule `pkg.name`
when there is one, else `pkg` itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Cycles not yet broken, each with why: the test fails when one grows or disappears, so the
# list only shrinks. (None left: the derivative module reads the function table's rules with
# grammar/descent.py, which does not import the evaluator.)
KNOWN: set[frozenset[str]] = set()


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in (ROOT / "eprep").rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if package else parts)] = (path, package)
    return found


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for stmt in node.body for inner in ast.walk(stmt))
    return skipped


def import_graph() -> dict[str, set[str]]:
    """module -> the eprep modules it imports."""
    modules = _modules()

    def owner(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, (path, package) in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        here = name if package else name.rpartition(".")[0]
        skipped = _type_checking_nodes(tree)
        targets: set[str | None] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                targets |= {owner(a.name) for a in node.names if a.name.startswith("eprep")}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = here
                    for _ in range(node.level - 1):
                        parent = parent.rpartition(".")[0]
                    base = f"{parent}.{base}" if base else parent
                if base.startswith("eprep"):
                    for alias in node.names:
                        full = f"{base}.{alias.name}"
                        targets.add(full if full in modules else owner(base))
        graph[name] = {t for t in targets if t is not None and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def test_cycle_finder_finds_a_planted_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [frozenset("abc")]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_graph_sees_deferred_imports_but_not_type_checking_ones() -> None:
    graph = import_graph()
    assert "eprep.checker.worker" in graph["eprep.checker.api"]  # imported inside a function
    assert "eprep.questions.models" not in graph["eprep.questions.variants"]


def test_the_import_graph_has_no_cycles() -> None:
    found = set(cycles(import_graph()))
    new = [sorted(c) for c in found - KNOWN]
    assert not new, f"import cycles: {new}"
    assert found >= KNOWN, f"fixed, remove from KNOWN: {[sorted(c) for c in KNOWN - found]}"


def test_engine_and_grammar_keep_to_themselves() -> None:
    graph = import_graph()
    for name, targets in graph.items():
        if name.startswith("eprep.engine"):
            assert all(t.startswith("eprep.engine") for t in targets), name
        if name.startswith("eprep.grammar"):
            allowed = ("eprep.grammar", "eprep.errors")
            assert all(t.startswith(allowed) for t in targets), (name, targets)


# Layers, lowest first: a package imports only from its own layer's package and the layers
# below (data flows questions -> checker -> quiz/export -> exam -> site -> commands). Packages
# on one layer import none of each other. `eprep` is the package's own __init__ (the version).
LAYERS: list[set[str]] = [
    {"eprep", "errors"},
    {"dirs", "i18n", "engine", "grammar"},
    {"questions", "examples"},
    {"checker"},
    {"quiz", "export"},
    {"exam"},
    {"site"},
    {"commands"},
    {"cli"},
    {"__main__"},
]


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def layer_violations(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """(importer, imported) pairs where a module imports from its own layer or one above."""
    layer = {package: n for n, packages in enumerate(LAYERS) for package in packages}
    found = []
    for name, targets in sorted(graph.items()):
        here = _package(name)
        for target in sorted(targets):
            there = _package(target)
            if there != here and layer.get(there, len(LAYERS)) >= layer.get(here, -1):
                found.append((name, target))
    return found


def test_layer_rule_catches_an_upward_import() -> None:
    planted = {"eprep.checker.kinds.derivation": {"eprep.quiz.render", "eprep.grammar.pretty"}}
    assert layer_violations(planted) == [("eprep.checker.kinds.derivation", "eprep.quiz.render")]
    assert layer_violations({"eprep.quiz.exam": {"eprep.export.notes"}})  # same layer
    assert layer_violations({"eprep.newpackage.x": {"eprep.errors"}})  # unplaced: place it


def test_every_import_goes_down_the_layers() -> None:
    graph = import_graph()
    assert {_package(m) for m in graph} <= set().union(*LAYERS), "add the new package to LAYERS"
    assert not layer_violations(graph)
