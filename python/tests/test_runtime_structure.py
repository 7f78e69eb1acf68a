"""The layout of catalyst_runtime: its import graph has no cycle, and imports only go downward,
as the TypeScript packages' do (``spec ◄ providers ◄ workflow ◄ runtime``).

Read from the source with ``ast``, so an import hidden under ``TYPE_CHECKING`` or inside a function
counts too: a cycle dodged that way is still a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

RUNTIME = Path(__file__).resolve().parents[1] / "catalyst_runtime"
PACKAGE = "catalyst_runtime"

# What each top-level part may not import. javascript/, definition.py and node_configs.py are
# the floor.
FORBIDDEN: dict[str, frozenset[str]] = {
    "javascript": frozenset(
        {"definition", "providers", "workflow", "engine", "nodes", "server", "testing"}
    ),
    "definition": frozenset(
        {"javascript", "providers", "workflow", "engine", "nodes", "server", "testing"}
    ),
    "providers": frozenset({"workflow", "engine", "nodes", "server", "testing", "telemetry"}),
    # node_configs.py is generated (npm run generate): TypedDicts only, importing nothing.
    "node_configs": frozenset(
        {"javascript", "definition", "providers", "workflow"}
        | {"engine", "nodes", "server", "testing"}
    ),
    # As @catalyst/workflow depends on @catalyst/providers (the node manifest's reader is there).
    "workflow": frozenset({"engine", "nodes", "server", "testing", "telemetry"}),
    "engine": frozenset({"server", "testing", "telemetry"}),
    "nodes": frozenset({"server", "testing", "telemetry"}),
    # Tracing wraps the providers a run's nodes call; only the server starts it.
    "telemetry": frozenset({"nodes", "server", "testing"}),
    "server": frozenset({"testing"}),
}
# The one engine module that may import the executors: the registry that maps node types to them.
REGISTRY = f"{PACKAGE}.engine.executors"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(RUNTIME.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _runtime_modules() -> dict[str, Path]:
    """Every module the runtime ships (tests and fixtures excluded)."""
    return {
        _module_name(path): path
        for path in sorted(RUNTIME.rglob("*.py"))
        if not path.name.startswith("test_") and path.name != "conftest.py"
    }


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The runtime modules ``name`` imports, wherever the import statement stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            # `from package import module` names a module; `from module import name` does not.
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _runtime_modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _part(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


def test_the_runtime_is_laid_out_in_parts() -> None:
    parts = {_part(name) for name in _runtime_modules()}
    assert parts == {"", *FORBIDDEN, "testing"}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle a depth-first walk meets, each as the modules around it."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for imported in sorted(graph.get(module, set())):
            if state.get(imported) == 1:
                cycles.append([*path[path.index(imported) :], imported])
            elif imported not in state:
                visit(imported, [*path, imported])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return cycles


def test_the_import_graph_has_no_cycle() -> None:
    assert _cycles(_graph()) == []


def test_imports_only_go_downward() -> None:
    wrong = [
        f"{module} imports {imported}"
        for module, imported_modules in _graph().items()
        for imported in sorted(imported_modules)
        if _part(imported) in FORBIDDEN.get(_part(module), frozenset())
        or (_part(module) == "engine" and _part(imported) == "nodes" and module != REGISTRY)
    ]
    assert wrong == []


def test_the_runtime_imports_nothing_of_its_own_inside_a_function() -> None:
    # Lazy imports are for optional SDKs (by name, through importlib), never for a cycle.
    inside: list[str] = []
    for name, path in _runtime_modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and (
                    node.level or (node.module or "").startswith(PACKAGE)
                ):
                    inside.append(f"{name}:{node.lineno}")
    assert inside == []


def test_the_checker_sees_a_cycle_and_an_upward_import(tmp_path: Path) -> None:
    # The rules above must be able to fail: a module importing its importer is found.
    modules = {
        f"{PACKAGE}.providers.a": tmp_path / "a.py",
        f"{PACKAGE}.engine.b": tmp_path / "b.py",
    }
    modules[f"{PACKAGE}.providers.a"].write_text(f"from {PACKAGE}.engine.b import x\n")
    modules[f"{PACKAGE}.engine.b"].write_text(
        "from typing import TYPE_CHECKING\n"
        f"if TYPE_CHECKING:\n    from {PACKAGE}.providers.a import y\n"
    )
    found = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert found == {
        f"{PACKAGE}.providers.a": {f"{PACKAGE}.engine.b"},
        f"{PACKAGE}.engine.b": {f"{PACKAGE}.providers.a"},
    }
    assert _cycles(found) == [
        [f"{PACKAGE}.engine.b", f"{PACKAGE}.providers.a", f"{PACKAGE}.engine.b"]
    ]
    assert "engine" in FORBIDDEN["providers"]
