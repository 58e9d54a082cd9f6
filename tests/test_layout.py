"""The package's layout rules, read from the source with ``ast`` (nothing is imported):

* imports between quotetrack's modules go one way: no cycles, counting imports inside
  functions (a lazy import still couples the modules, it only hides the cycle until runtime);
* only ``quotetrack/cli/`` imports click;
* stanza, torch, pandas and networkx are imported inside the functions that need them, never
  when a module is loaded, so ``quotetrack --help`` and the library stay quick to import.

The last test checks the same thing by importing every module in a fresh interpreter.
"""
import ast
import json
import subprocess
import sys
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Set, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "quotetrack"

#: Imported only by modules under quotetrack/cli/.
CLI_ONLY = {"click"}
#: Heavy (stanza -> torch takes seconds) or optional at run time: never at module level.
LAZY = {"stanza", "torch", "pandas", "networkx"}


# -- reading imports ---------------------------------------------------------------------------

def module_names(package_dir: Path) -> Dict[str, Path]:
    """Dotted module name -> file, for every .py under ``package_dir``.

    A package's ``__init__.py`` is the package's own module ("quotetrack.extract").
    """
    base = package_dir.parent
    names = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = list(path.relative_to(base).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imports_of(path: Path) -> Iterator[Tuple[ast.stmt, bool]]:
    """Every import statement in ``path`` and whether it runs when the module is loaded.

    Statements inside a function (or lambda) run only when it is called; anything else
    (module body, class body, ``if``/``try`` blocks) runs at import time.
    """
    def walk(node: ast.AST, in_function: bool) -> Iterator[Tuple[ast.stmt, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, not in_function
            nested = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            yield from walk(child, in_function or nested)

    yield from walk(_parse(path), False)


@lru_cache(maxsize=None)
def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported_names(stmt: ast.stmt, module: str, is_package: bool) -> List[str]:
    """Absolute dotted names an import statement refers to.

    ``from X import y`` gives ``X.y`` (y may be a submodule or just a name in X; the caller
    decides which exists). Relative imports are resolved against ``module``'s package.
    """
    if isinstance(stmt, ast.Import):
        return [alias.name for alias in stmt.names]
    assert isinstance(stmt, ast.ImportFrom)
    if stmt.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        if stmt.level - 1 >= len(package):
            raise ValueError(f"{module}: relative import beyond the top-level package")
        package = package[:len(package) - (stmt.level - 1)]
        base = ".".join(package + ([stmt.module] if stmt.module else []))
    else:
        base = stmt.module or ""
    return [f"{base}.{alias.name}" if alias.name != "*" else base for alias in stmt.names]


def target_modules(name: str, importer: str, modules: Set[str]) -> Set[str]:
    """The package's modules that importing ``name`` from ``importer`` runs.

    The longest known prefix of ``name`` is the module itself ("quotetrack.lexicon.titles" ->
    "quotetrack.lexicon"). Importing a submodule also runs its parent packages' ``__init__``,
    except those the importer sits in: they are already being imported.
    """
    parts = name.split(".")
    found = set()
    for i in range(len(parts), 0, -1):
        prefix = ".".join(parts[:i])
        if prefix in modules:
            found.add(prefix)
            for j in range(1, i):
                parent = ".".join(parts[:j])
                if parent in modules and not (importer == parent
                                              or importer.startswith(parent + ".")):
                    found.add(parent)
            break
    found.discard(importer)
    return found


def import_graph(package_dir: Path) -> Dict[str, Set[str]]:
    """Module -> the package's modules it imports, anywhere in its code."""
    files = module_names(package_dir)
    graph: Dict[str, Set[str]] = {m: set() for m in files}
    for module, path in files.items():
        is_package = path.name == "__init__.py"
        for stmt, _ in imports_of(path):
            for name in imported_names(stmt, module, is_package):
                graph[module] |= target_modules(name, module, set(files))
    return graph


def find_cycle(graph: Dict[str, Set[str]]) -> Optional[List[str]]:
    """One import cycle as a path ``[a, b, ..., a]``, or None when the graph has none.

    Depth-first search in sorted order, so the same graph always reports the same cycle.
    """
    state: Dict[str, int] = {}  # 1: on the current path, 2: done
    path: List[str] = []

    def visit(node: str) -> Optional[List[str]]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


# -- the rules on quotetrack ---------------------------------------------------------------------

def test_the_import_graph_is_read():
    """Guards the guard: a reader that found no edges would pass the cycle test vacuously."""
    graph = import_graph(PACKAGE)
    assert "quotetrack.extract.finish" in graph["quotetrack.extract"]  # from .finish import
    assert "quotetrack.speakers" in graph["quotetrack.extract.finish"]  # from ..speakers import
    assert "quotetrack.geo" in graph["quotetrack.actors"]               # from . import geo
    assert "quotetrack.pipeline" in graph["quotetrack.cli"]             # inside a function
    assert "quotetrack.extract" in graph["quotetrack.pipeline"]


def test_no_import_cycles_among_quotetrack_modules():
    cycle = find_cycle(import_graph(PACKAGE))
    assert cycle is None, ("import cycle (imports inside functions count): "
                           + " -> ".join(cycle))


def test_only_the_cli_imports_click():
    offenders = []
    for module, path in module_names(PACKAGE).items():
        if module == "quotetrack.cli" or module.startswith("quotetrack.cli."):
            continue
        for stmt, _ in imports_of(path):
            for name in imported_names(stmt, module, path.name == "__init__.py"):
                if name.split(".")[0] in CLI_ONLY:
                    offenders.append(f"{path.relative_to(ROOT)}:{stmt.lineno} imports {name}")
    assert not offenders, "the library must not import click:\n" + "\n".join(offenders)


def test_heavy_libraries_are_imported_lazily():
    offenders = []
    for module, path in module_names(PACKAGE).items():
        for stmt, at_load in imports_of(path):
            if not at_load:
                continue
            for name in imported_names(stmt, module, path.name == "__init__.py"):
                if name.split(".")[0] in LAZY:
                    offenders.append(f"{path.relative_to(ROOT)}:{stmt.lineno} imports {name}")
    assert not offenders, ("import these inside the functions that need them:\n"
                           + "\n".join(offenders))


def test_importing_every_module_loads_no_heavy_library():
    """The same rules at run time, in a fresh interpreter: this also catches a heavy library
    pulled in through a third-party module, which the source checks cannot see."""
    library = sorted(m for m in module_names(PACKAGE) if not m.startswith("quotetrack.cli") and m != "quotetrack.__main__")
    code = (
        "import importlib, json, sys\n"
        "def loaded(): return sorted(n for n in %r if n in sys.modules)\n"
        "for m in %r: importlib.import_module(m)\n"
        "library = loaded()\n"
        "importlib.import_module('quotetrack.cli')\n"
        "print(json.dumps({'library': library, 'cli': loaded()}))\n"
    ) % (sorted(LAZY | CLI_ONLY), library)
    done = subprocess.run([sys.executable, "-c", code], cwd=str(ROOT), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert loaded == {"library": [], "cli": sorted(CLI_ONLY)}


def test_every_folder_of_modules_is_a_package():
    missing = sorted(str(d.relative_to(ROOT)) for d in {p.parent for p in PACKAGE.rglob("*.py")}
                     if not (d / "__init__.py").exists())
    assert not missing, f"no __init__.py in {missing}"


# -- the cycle finder can fail -------------------------------------------------------------------

def test_find_cycle_on_small_graphs():
    assert find_cycle({}) is None
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"b"}}) == ["b", "c", "b"]
    assert find_cycle({"a": {"a"}}) == ["a", "a"]


def write_package(root: Path, files: Dict[str, str]) -> Path:
    for rel, source in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return root / "pkg"


def test_a_cycle_through_a_lazy_relative_import_is_found(tmp_path):
    # pkg.a imports pkg.sub.b at load time; pkg.sub.b reaches back to pkg.a only inside a
    # function, through "from .. import a".
    pkg = write_package(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from .sub import b\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/b.py": "def later():\n    from .. import a\n    return a\n",
    })
    graph = import_graph(pkg)
    assert graph["pkg.a"] == {"pkg.sub", "pkg.sub.b"}
    assert find_cycle(graph) == ["pkg.a", "pkg.sub.b", "pkg.a"]


def test_a_cycle_through_a_package_init_is_found(tmp_path):
    # "from ..tools import helper" where helper is a submodule: pkg.tools.helper, and the
    # package __init__ that re-exports pkg.tools.c, which imports pkg.core.
    pkg = write_package(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/core/__init__.py": "",
        "pkg/core/main.py": "from ..tools import helper\n",
        "pkg/tools/__init__.py": "from .c import thing\n",
        "pkg/tools/helper.py": "X = 1\n",
        "pkg/tools/c.py": "import pkg.core.main\nthing = 1\n",
    })
    graph = import_graph(pkg)
    assert graph["pkg.core.main"] == {"pkg.tools", "pkg.tools.helper"}
    assert graph["pkg.tools"] == {"pkg.tools.c"}
    assert graph["pkg.tools.c"] == {"pkg.core", "pkg.core.main"}
    assert find_cycle(graph) == ["pkg.core.main", "pkg.tools", "pkg.tools.c", "pkg.core.main"]


def test_siblings_in_a_package_do_not_count_their_own_init(tmp_path):
    # pkg.x.__init__ imports pkg.x.a; pkg.x.a imports its sibling pkg.x.b. Python has already
    # started pkg.x's __init__ by then: no cycle.
    pkg = write_package(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/x/__init__.py": "from .a import A\n",
        "pkg/x/a.py": "from .b import B\nA = B\n",
        "pkg/x/b.py": "from pkg.x import c\nB = 1\n",
        "pkg/x/c.py": "",
    })
    graph = import_graph(pkg)
    assert graph["pkg.x.b"] == {"pkg.x.c"}
    assert find_cycle(graph) is None


def test_lazy_and_module_level_imports_are_told_apart(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(
        "import os\n"
        "try:\n    import pandas\nexcept ImportError:\n    pandas = None\n"
        "class C:\n    import networkx\n"
        "    def f(self):\n        import stanza\n"
        "g = lambda: __import__('torch')\n"
        "def h():\n    def inner():\n        from click import echo\n",
        encoding="utf-8")
    found = {imported_names(stmt, "m", False)[0]: at_load for stmt, at_load in imports_of(path)}
    assert found == {"os": True, "pandas": True, "networkx": True, "stanza": False,
                     "click.echo": False}
