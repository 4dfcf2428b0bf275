"""The package's layout holds: no import circle among its modules, the wings where the README
says they are, and none of the old names that read as Scrapy's (`signals`) or hid what a room
does (`tls`).

The import graph is read from the source with `ast` (every import, also those inside
functions and under TYPE_CHECKING: each is an arrow of the house, whenever it runs).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "crawler"


def _module_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_of(path): path for path in PACKAGE.rglob("*.py")}


def _imported(path: Path) -> Iterator[str]:
    """The crawler modules `path` imports (a name imported from a package, if it is a module
    of that package, counts as that module)."""
    module = _module_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base


def import_graph() -> dict[str, set[str]]:
    return {
        module: {name for name in _imported(path) if name in MODULES and name != module}
        for module, path in MODULES.items()
    }


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle_in_the_package() -> None:
    graph = import_graph()
    assert sum(len(targets) for targets in graph.values()) > 100  # the reader found the arrows
    assert circles(graph) == []


def test_the_circle_finder_finds_a_circle() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_wings_are_where_the_readme_says() -> None:
    for wing in ("verdict", "net", "store", "reports", "demo", "spiders", "policy", "gate", "distributed", "jobs"):
        assert (PACKAGE / wing / "__init__.py").exists(), wing
    # Scrapy's template names stay at the top, where a Scrapy user looks for them.
    for room in ("settings", "items", "pipelines", "middlewares", "extensions"):
        assert (PACKAGE / f"{room}.py").exists(), room
    # Names that read as Scrapy's own, or hid what they held, are gone.
    for old in ("signals.py", "tls.py", "history.py", "stores.py", "store_pg.py", "simweb.py", "report_model.py"):
        assert not (PACKAGE / old).exists(), old


def test_nothing_low_imports_the_command_line_or_the_run() -> None:
    graph = import_graph()
    top = {"crawler.cli", "crawler.__main__", "crawler.run"}
    for module, targets in graph.items():
        if module.startswith(("crawler.verdict", "crawler.net", "crawler.store", "crawler.reports")):
            assert not targets & top, (module, targets & top)
        if module.startswith("crawler.verdict"):  # the classifier and its rules know no Scrapy engine
            assert not targets & {"crawler.pipelines", "crawler.spiders.websites", "crawler.extensions"}, module
