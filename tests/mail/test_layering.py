"""The mail package is a core part (layer 0, docs/architecture.md): it imports no domain."""

import ast
from pathlib import Path

import marketplace.mail

CORE = {"config", "extensions", "db", "money", "timeutil", "i18n", "text", "errors", "signals"}
CORE |= {"security", "uploads", "templating", "mail"}


def marketplace_imports(path: Path) -> set[str]:
    """The first name under `marketplace.` of every import in the file (at any depth)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "marketplace" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_mail_imports_only_core_parts():
    package = Path(marketplace.mail.__file__).parent
    for path in sorted(package.glob("*.py")):
        assert marketplace_imports(path) <= CORE, path.name
