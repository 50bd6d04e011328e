"""The layering cannot rot: no import cycles between Switchyard's modules, and no imports
hidden inside functions to dodge one (CONTRIBUTING.md, "What may import what").

Read from the source with ``ast``, so it needs nothing installed and sees every module,
imported by a test or not. Imports under ``if TYPE_CHECKING:`` are for the type checker
only and do not count.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "switchyard"

# Imports inside functions that are allowed, by the module that makes them: start-up
# code that loads the parts it is asked for, and optional dependencies.
ALLOWED_INNER: dict[str, str] = {
    "switchyard.cli.main": "each command loads only what it runs (start-up time)",
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(node: ast.Import | ast.ImportFrom, module: str) -> Iterator[str]:
    """The Switchyard modules an import statement loads."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:  # relative: resolve against this module's package
            package = module.split(".")
            if MODULES[module].name != "__init__.py":
                package = package[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, base] if base else package)
        names = [f"{base}.{alias.name}" for alias in node.names]
        names = [name if name in MODULES else base for name in names]
    for name in names:
        while name and name not in MODULES:  # "switchyard.x.y.attr" is module x.y
            name = name.rpartition(".")[0]
        if name.startswith(PACKAGE + ".") or name == PACKAGE:
            yield name


def _imports(module: str) -> tuple[set[str], set[str]]:
    """(imports at module level, imports inside functions) of ``module``."""
    tree = ast.parse(MODULES[module].read_text(), str(MODULES[module]))
    top: set[str] = set()
    inner: set[str] = set()
    functions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)

    def walk(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                walk(child, in_function)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            (inner if in_function else top).update(_targets(node, module))
        for child in ast.iter_child_nodes(node):
            walk(child, in_function or isinstance(node, functions))

    walk(tree, False)
    return top - {module}, inner - {module}


GRAPH = {module: _imports(module) for module in MODULES}


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_the_graph_is_read() -> None:
    """A broken reader would find no edges and prove nothing."""
    assert len(MODULES) > 200
    top, _ = GRAPH["switchyard.orders.service"]
    assert "switchyard.db.uow" in top
    assert "switchyard.orders.repository" in top


def test_no_module_imports_itself_back_through_others() -> None:
    edges = {module: top | inner for module, (top, inner) in GRAPH.items()}
    assert _cycles(edges) == []


def test_no_imports_inside_functions_outside_start_up() -> None:
    hidden = {
        module: sorted(inner)
        for module, (_, inner) in GRAPH.items()
        if inner and module not in ALLOWED_INNER
    }
    assert hidden == {}


# Placement runs the others: it imports them, they never import it. Orders' own use cases
# that place lines again (amendments, hold release, drafts, batches) and its endpoints
# sit above it too.
BELOW_PLACEMENT = (
    "switchyard.kernel", "switchyard.db", "switchyard.events", "switchyard.catalog",
    "switchyard.channels", "switchyard.locations", "switchyard.customers",
    "switchyard.inventory", "switchyard.sourcing.", "switchyard.fulfillment",
    "switchyard.payments", "switchyard.invoicing", "switchyard.orders.domain",
    "switchyard.orders.repository", "switchyard.orders.service", "switchyard.orders.checks",
)  # fmt: skip
PLACEMENT = "switchyard.placement"


def test_nothing_placement_runs_imports_it_back() -> None:
    upward = {
        module: sorted(t for t in top | inner if t.startswith(PLACEMENT))
        for module, (top, inner) in GRAPH.items()
        if module.startswith(BELOW_PLACEMENT) and not module.endswith("endpoints")
    }
    assert {m: found for m, found in upward.items() if found} == {}


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
