"""The layering rules of the codebase, checked on its import graph.

- `core` imports no app and no project wiring; apps never import `fastopp_site`.
- No product module imports benchmark, development or test code.
- The only import cycles are the documented services <-> tasks pattern: a service queues
  its task, and the task calls the service (one side imports the other inside a function).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "catalog", "webinars", "chat", "platform_ops")
PRODUCT = ("core", "fastopp_site", *APPS)
NOT_PRODUCT = ("bench", "devtools", "conftest")


def _modules() -> Iterator[tuple[str, Path]]:
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "tests" in parts or "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, path


def _imports(path: Path, module: str) -> set[str]:
    """Every module this file imports, at the top or inside functions."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


GRAPH = {name: _imports(path, name) for name, path in _modules()}


def _project_edges(name: str) -> set[str]:
    return {target for target in GRAPH[name] if target in GRAPH and target != name}


def test_core_imports_no_app_and_apps_no_wiring() -> None:
    offenders = [
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        for target in targets
        if (name.startswith("core") and target.split(".")[0] in (*APPS, "fastopp_site"))
        or (name.split(".")[0] in APPS and target.split(".")[0] == "fastopp_site")
    ]
    assert offenders == []


def test_product_never_imports_bench_dev_or_test_code() -> None:
    offenders = [
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        for target in targets
        if target.split(".")[0] in NOT_PRODUCT or ".tests" in f".{target}"
    ]
    assert offenders == []


def _cycles(nodes: set[str]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in _project_edges(node) & nodes:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: set[str] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for name in sorted(nodes):
        if name not in index:
            visit(name)
    return components


def _through_tasks_only(component: set[str]) -> bool:
    """A cycle of writes and the app's task module: it is gone once `tasks` is taken out."""
    tasks = [name for name in component if name.rsplit(".", 1)[-1] == "tasks"]
    if len(tasks) != 1:
        return False
    app = tasks[0].rpartition(".")[0]
    same_app = all(name.startswith(f"{app}.") for name in component)
    return same_app and _cycles(component - set(tasks)) == []


def test_only_services_and_tasks_import_each_other() -> None:
    cycles = _cycles(set(GRAPH))
    assert [sorted(c) for c in cycles if not _through_tasks_only(c)] == []


def test_the_graph_is_the_real_one() -> None:
    # Guards the checks above against reading nothing: these edges are known to exist.
    assert "core.errors" in GRAPH["core.http"]
    assert "accounts.access" in GRAPH["accounts.guards"]
    assert any(_through_tasks_only(c) for c in _cycles(set(GRAPH)))


MAX_MODULE_LINES = 300
# Settings are one flat namespace by Django's design, read top to bottom; splitting them
# would mean star-imports between modules, which hide where a setting comes from.
LONG_BY_DESIGN = {"fastopp_site.settings"}


def test_no_product_module_outgrows_one_concern() -> None:
    # Past this size a module is split into a package of one-concern modules.
    sizes = {name: len(path.read_text().splitlines()) for name, path in _modules()}
    too_long = {name: n for name, n in sizes.items() if n > MAX_MODULE_LINES}
    assert {name: n for name, n in too_long.items() if name not in LONG_BY_DESIGN} == {}
