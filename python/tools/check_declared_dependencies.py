"""Checks that a generated project declares every third-party package its code imports.

``npm run test:generated`` runs every generated project against one shared virtual environment
that holds the dependencies of all of them, so a project that forgot to declare a package would
still import it there. This closes that gap without installing each project on its own: every
``import`` in ``app/`` and ``catalyst_runtime/`` must come from a distribution that
``[project].dependencies`` installs (itself or what it requires), and every import in ``tests/``
from those or what the ``dev`` extra installs.

Usage: ``python check_declared_dependencies.py PROJECT_DIRECTORY`` (with the shared environment's
Python, which knows which distribution provides which module). Prints what is missing and exits
1, or exits 0.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

FIRST_PARTY = frozenset({"app", "catalyst_runtime", "tests"})


def distribution_name(requirement: str) -> str:
    """``google-genai>=1.0`` → ``google-genai`` (normalised as PEP 503 does)."""
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    if match is None:
        raise ValueError(f"cannot read the requirement {requirement!r}")
    return normalise(match.group(0))


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_by(names: set[str]) -> set[str]:
    """``names`` and every distribution they require, transitively (optional extras left out)."""
    found: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in found:
            continue
        found.add(name)
        try:
            requirements = requires(name) or []
        except PackageNotFoundError:
            continue
        for requirement in requirements:
            if not re.search(r"\bextra\s*==", requirement):
                pending.append(distribution_name(requirement))
    return found


def imported_modules(directory: Path) -> dict[str, set[str]]:
    """Top-level names of absolute imports under ``directory``, with the files importing each."""
    found: dict[str, set[str]] = {}
    for path in sorted(directory.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path))
    return found


def missing(project: Path) -> list[str]:
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {distribution_name(item) for item in pyproject["project"]["dependencies"]}
    extras = pyproject["project"].get("optional-dependencies", {})
    runtime = installed_by(declared)
    tools = {distribution_name(item) for item in extras.get("dev", [])}
    development = installed_by(declared | tools)
    providers = packages_distributions()
    problems: list[str] = []
    folders = (("app", runtime), ("catalyst_runtime", runtime), ("tests", development))
    for folder, installed in folders:
        for module, files in sorted(imported_modules(project / folder).items()):
            if module in FIRST_PARTY or module in sys.stdlib_module_names or module == "__future__":
                continue
            candidates = {normalise(name) for name in providers.get(module, [])}
            if not candidates & installed:
                paths = sorted(Path(file).relative_to(project).as_posix() for file in files)
                where = ", ".join(paths)
                offered = ", ".join(sorted(candidates)) or "no installed distribution"
                problems.append(f"{module} ({offered}) is imported by {where} but not declared")
    return problems


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    problems = missing(Path(sys.argv[1]))
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
