"""The map of docs/architecture.md, kept true: domains import downward only, no import cycle
between packages, no cross-domain import hidden inside a function, modules and functions of a
readable size."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "marketplace"

# Lowest first. A module may import its own package and anything in a lower layer; the core
# modules (layer 0) may also import each other.
LAYERS: list[set[str]] = [
    {
        "config", "extensions", "db", "money", "timeutil", "i18n", "text", "errors",
        "security", "uploads", "templating", "signals", "geo", "mail", "pagecache", "numbers",
        "tables",
        "inputs",
    },
    {"accounts"},
    {"api"},
    {"privacy"},  # the export/erase registry: every domain below it registers its part
    {"organisations"},
    {"initiatives"},
    {"payouts"},  # what is owed to initiatives: gifts and investments both record it here
    {"donations", "community"},
    {"volunteering", "events"},  # tasks and hours of help; events and RSVPs
    {"reviews"},  # ratings of initiatives and events; knows who took part
    {"investments"},  # may use the donations' providers and status helpers
    {"impact"},
    {"figures"},
    {"exchange"},
    {"portfolios"},
    {"reporting", "settlement"},
    # wiring: may import everything
    {"demo", "jobs", "cli", "pages", "health", "__init__"},
]  # fmt: skip
WIRING = LAYERS[-1]
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def layer_of(unit: str) -> int:
    for index, units in enumerate(LAYERS):
        if unit in units:
            return index
    raise AssertionError(f"marketplace/{unit} is not on the map in tests/test_architecture.py")


def unit_of(module: str) -> str | None:
    """'marketplace.donations.status' -> 'donations'; None outside the package."""
    parts = module.split(".")
    if parts[0] != "marketplace":
        return None
    return parts[1]


def source_files():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        unit = relative.parts[0].removesuffix(".py")
        yield path, unit


def imports(tree: ast.AST, path: Path):
    """(imported module, inside a function?) for every import of the file."""
    package = "marketplace." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts[:-1])
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    nested = {id(child) for f in functions for child in ast.walk(f) if child is not f}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            names = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            yield name, id(node) in nested


def test_every_package_is_on_the_map():
    for _path, unit in source_files():
        layer_of(unit)


def test_domains_import_downward_only():
    problems = []
    for path, unit in source_files():
        own = layer_of(unit)
        for name, _inside in imports(ast.parse(path.read_text()), path):
            target = unit_of(name)
            if target is None or target == unit or own == len(LAYERS) - 1:
                continue
            if target not in {u for layer in LAYERS for u in layer}:
                continue  # a name imported from the package root (`from marketplace import x`)
            if layer_of(target) >= own and own > 0:
                problems.append(f"{path.relative_to(ROOT)} imports {name}")
    assert sorted(set(problems)) == []


def test_no_cross_domain_import_inside_a_function():
    problems = []
    for path, unit in source_files():
        if unit in WIRING:
            continue  # the app factory and CLI wiring import lazily by design
        for name, inside in imports(ast.parse(path.read_text()), path):
            target = unit_of(name)
            if inside and target is not None and target != unit:
                problems.append(f"{path.relative_to(ROOT)} imports {name} inside a function")
    assert sorted(set(problems)) == []


@pytest.mark.parametrize("limit", [MAX_MODULE_LINES])
def test_modules_stay_readable(limit):
    long = [
        f"{path.relative_to(ROOT)}: {count} lines"
        for path, _unit in source_files()
        if (count := len(path.read_text().splitlines())) > limit
    ]
    assert long == []


def test_functions_stay_readable():
    long = []
    for path, _unit in source_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length})")
    assert long == []
