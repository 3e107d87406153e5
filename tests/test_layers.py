"""The package's layers, checked on its source: every import, function-level ones included,
points down core <- records <- views <- cli, and no module imports itself in a circle.

The graph is built with ``ast`` from the files, so an import the tests never execute is
checked all the same.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import advisor

from .conftest import ROOT

PACKAGE = ROOT / "advisor"

# What each layer may import from the package (the package root is the lazy facade).
LAYERS = ("core", "records", "views", "cli")
MAY_IMPORT = {
    "core": {"core"},
    "records": {"core", "records"},
    "views": {"core", "records", "views"},
    "cli": {"core", "records", "views", "cli"},
    "": {"core", "records", "views"},  # advisor/__init__.py
    "__main__": {"cli"},  # `python -m advisor`: the command line, nothing else
}
# Third-party modules a layer must not load: the core decides without templates, and
# nothing in the package loads the app's heavy libraries.
BANNED = {
    "core": {"jinja2", "markupsafe", "streamlit", "altair", "pandas"},
    "records": {"jinja2", "streamlit", "altair", "pandas"},
    "views": {"streamlit", "altair", "pandas"},
    "cli": {"streamlit", "altair", "pandas"},
    "": {"jinja2", "streamlit", "altair", "pandas"},
    "__main__": {"streamlit", "altair", "pandas"},
}


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """Every module ``path`` imports (anywhere in the file), resolved to full names.

    ``from package import name`` counts as importing ``package.name`` when that is a
    module, else ``package``. Implicit imports of parent packages do not count.
    """
    is_package = path.name == "__init__.py"
    here = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in known else target)
    return found


def graph() -> dict[str, set[str]]:
    modules = package_modules()
    known = set(modules)
    return {name: imports_of(path, name, known) for name, path in modules.items()}


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path (first module repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in edges:
                continue
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_every_layer_is_a_subpackage():
    for name in LAYERS:
        assert (PACKAGE / name / "__init__.py").is_file(), name
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert loose == [], f"modules outside the layers: {loose}"


def test_no_import_cycles_function_level_imports_included():
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_imports_point_down_the_layers():
    wrong = []
    for module, targets in graph().items():
        for target in targets:
            if target == "advisor" or not target.startswith("advisor."):
                if target == "advisor" and module != "advisor":
                    wrong.append(f"{module} -> advisor (import the module that defines the name)")
                continue
            if layer(target) not in MAY_IMPORT[layer(module)]:
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_no_layer_loads_what_it_must_not():
    wrong = []
    for module, targets in graph().items():
        for target in targets:
            top = target.split(".")[0]
            if top in BANNED[layer(module)]:
                wrong.append(f"{module} -> {target}")
    assert wrong == []


@pytest.mark.parametrize("path", [ROOT / "app.py", *sorted((ROOT / "questionnaire").glob("*.py"))],
                         ids=lambda p: p.name)
def test_the_app_reads_the_core_and_the_views_never_the_cli(path):
    known = set(package_modules())
    targets = {t for t in imports_of(path, module_name(path), known) if t.startswith("advisor.")}
    assert {layer(t) for t in targets} <= {"core", "views"}, sorted(targets)


def test_the_checker_sees_a_cycle_and_a_wrong_way_edge(tmp_path):
    # The checks above can fail: a function-level import that closes a circle is found.
    pkg = tmp_path / "advisor" / "core"
    pkg.mkdir(parents=True)
    (tmp_path / "advisor" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .b import x\n")
    (pkg / "b.py").write_text("def f():\n    from advisor.core import a\n    from advisor.views import text\n")
    modules = {module_name(p, tmp_path): p for p in (tmp_path / "advisor").rglob("*.py")}
    edges = {name: imports_of(path, name, set(modules)) for name, path in modules.items()}
    assert find_cycle(edges) == ["advisor.core.a", "advisor.core.b", "advisor.core.a"]
    assert "advisor.views" in edges["advisor.core.b"]


def test_the_architecture_page_names_modules_that_exist():
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(advisor/[\w/]+\.py)`", page))
    assert len(named) > 20
    assert [path for path in sorted(named) if not (ROOT / path).is_file()] == []
    # Every layer's modules appear in the README's layout.
    layout = (ROOT / "README.md").read_text(encoding="utf-8").split("## Layout", 1)[1]
    missing = [
        f"{p.parent.name}/{p.stem}" for p in sorted(PACKAGE.glob("*/*.py"))
        if p.stem != "__init__" and p.stem != "__main__" and not re.search(rf"\b{p.stem}\b", layout)
    ]
    assert missing == []


def test_the_package_lists_its_api_and_nothing_else():
    assert callable(advisor.assess)  # a lookup loads the layers: they are not the API either
    listed = set(dir(advisor))
    assert set(advisor.__all__) <= listed
    assert sorted(name for name in listed - set(advisor.__all__) if not name.startswith("__")) == []
