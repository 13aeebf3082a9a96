"""The package's shape: no import circle (lazy and type-only imports included), small modules,
and a library that does not depend on its command line."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "stemcell_cli"
MAX_LINES = 500


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every stemcell_cli module ``name`` imports, anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {t for t in targets if t in known and t != name}
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports (at top level, lazily or for type checks)."""
    modules = _modules()
    return {name: _imports(name, path, set(modules)) for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_checker_finds_a_circle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_graph_sees_lazy_and_relative_imports() -> None:
    graph = import_graph()
    assert (
        "stemcell_cli.store.loader" in graph["stemcell_cli.store.entry"]
    )  # imported inside a method
    assert "stemcell_cli.views.rating_text" in graph["stemcell_cli.views.compare"]  # from .


def test_no_import_circle() -> None:
    graph = import_graph()
    # A package's __init__ importing its own modules is how packages work, not a circle.
    for name in graph:
        graph[name] = {m for m in graph[name] if not name.startswith(m + ".")}
    assert _cycle(graph) is None


def test_no_module_is_large() -> None:
    sizes = {name: len(p.read_text().splitlines()) for name, p in _modules().items()}
    assert {n: s for n, s in sizes.items() if s > MAX_LINES} == {}


def test_the_library_never_imports_the_cli_or_typer() -> None:
    graph = import_graph()
    for name, path in _modules().items():
        if name.startswith(("stemcell_cli.cli", "stemcell_cli.__main__")):
            continue
        assert not any(m.startswith("stemcell_cli.cli") for m in graph[name]), name
        assert "import typer" not in path.read_text(), name


# The layers, lowest first: a module imports only modules of its own layer or the ones before.
LAYERS = (
    ("errors", "safe", "files", "jsontext", "query", "progress", "interrupts", "words", ""),
    ("model",),
    ("evidence", "synthesis"),
    ("analysis",),
    ("views",),
    ("store",),
    ("render", "cite", "ctgov"),
    ("cli", "__main__"),
)


def _layer(module: str) -> int:
    top = module.removeprefix("stemcell_cli").removeprefix(".").partition(".")[0]
    return next(i for i, names in enumerate(LAYERS) if top in names)


def test_every_module_belongs_to_a_layer() -> None:
    for name in _modules():
        _layer(name)  # raises StopIteration for a module outside every layer


def test_each_layer_imports_only_the_layers_below_it() -> None:
    wrong = {
        (name, target)
        for name, targets in import_graph().items()
        for target in targets
        if _layer(target) > _layer(name)
    }
    assert wrong == set()


def test_the_statistics_library_imports_nothing_else_of_stemcell() -> None:
    graph = import_graph()
    for name, targets in graph.items():
        if name.startswith("stemcell_cli.synthesis"):
            assert all(t.startswith("stemcell_cli.synthesis") for t in targets), (name, targets)


def test_the_package_root_is_small() -> None:
    root = [p for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert len(root) <= 10, sorted(p.name for p in root)
