"""The layers of docs/design.md: each imports only those below it, and no modules import each other in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.settings import REPO

ENGINE = (
    "bot.settings",
    "bot.content",
    "bot.replies",
    "bot.assistant",
    "bot.storage",
    "bot.handoff",
    "bot.privacy",
    "bot.rasa",
    "bot.detection",
    "bot.nlu",
    "bot.wiring",
    "bot.deploy",
    "actions",
)
TELEGRAM_CORE = ("bot.telegram.core",)
FEATURES = ("bot.telegram.features", "bot.telegram.handoff")
EDITORS_TOOLS = ("bot.editorial",)
ENTRY_POINTS = ("bot.cli", "bot.__main__")


def _modules() -> dict[str, Path]:
    found = {}
    for package in ("bot", "actions"):
        for path in (REPO / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
            found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every module name this module imports (at the top, in functions, or for type checking only)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], *[base] * bool(base)])
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES)
    return out


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _in(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _offending(layer: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(f"{m} imports {i}" for m in GRAPH if _in(m, layer) for i in GRAPH[m] if _in(i, forbidden))


def test_the_engine_knows_nothing_of_telegram_or_the_editors_tools():
    assert _offending(ENGINE, ("telegram", "bot.telegram", *EDITORS_TOOLS)) == []


def test_the_telegram_core_imports_no_feature_and_not_the_app():
    assert _offending(TELEGRAM_CORE, (*FEATURES, "bot.telegram.app", *EDITORS_TOOLS)) == []


def test_features_never_import_the_app_and_the_handoff_never_the_chat_handlers():
    assert _offending(FEATURES, ("bot.telegram.app", *EDITORS_TOOLS)) == []
    assert _offending(("bot.telegram.handoff",), ("bot.telegram.features",)) == []


def test_serving_never_imports_the_editors_tools():
    serving = [m for m in MODULES if not _in(m, (*EDITORS_TOOLS, *ENTRY_POINTS))]
    assert sorted(f"{m} imports {i}" for m in serving for i in GRAPH[m] if _in(i, EDITORS_TOOLS)) == []


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (a package's __init__ re-exporting is fine)."""
    graph = {
        m: {i for i in deps if i in MODULES and not (MODULES[m].name == "__init__.py" and i.startswith(m + "."))}
        for m, deps in GRAPH.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles():
    assert _cycles() == []


@pytest.mark.parametrize("forbidden", ["bot.telegram.features.chat"])
def test_the_check_sees_a_forbidden_import(forbidden: str):
    # the checks above would pass on an empty graph: make sure the graph holds real edges
    assert forbidden in GRAPH["bot.telegram.app"]
    assert "bot.telegram.core.services" in GRAPH["bot.telegram.features.chat"]
