"""Who may import whom (DESIGN.md's arrows, with the action plan both missions share), checked on the source.

The shared tools/layers.py does not know ``crisis_app.actionplan``; this test is the project's own statement of the
rule, so a new arrow is a decision written here, not an accident.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# package → the packages it may use (core is below everyone; nothing imports up).
MAY_USE: dict[str, set[str]] = {
    "crisis_app.core": set(),
    "crisis_app.directory": {"crisis_app.core"},
    "crisis_app.stock": {"crisis_app.core", "crisis_app.directory"},
    "crisis_app.alerts": {"crisis_app.core", "crisis_app.directory"},
    "crisis_app.actionplan": {"crisis_app.core", "crisis_app.directory"},
    "crisis_app.plan": {"crisis_app.core", "crisis_app.directory", "crisis_app.stock"},
    "crisis_app.crises": {"crisis_app.core", "crisis_app.directory", "crisis_app.stock", "crisis_app.alerts",
                          "crisis_app.plan", "crisis_app.actionplan"},
    "quality": {"crisis_app.core", "crisis_app.directory", "crisis_app.actionplan"},
}


def _package(module: str) -> str | None:
    return next((p for p in sorted(MAY_USE, key=len, reverse=True) if module == p or module.startswith(p + ".")),
                None)


def _imports(path: Path, module: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".")[: -node.level]
                base = ".".join(parts + ([node.module] if node.module else []))
            found += [(node.lineno, base)] + [(node.lineno, f"{base}.{a.name}") for a in node.names]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module":
            found.append((node.lineno, "importlib"))
    return found


def test_every_package_imports_only_what_it_may_use():
    breaks = []
    for path in sorted([*ROOT.glob("crisis_app/**/*.py"), *ROOT.glob("quality/**/*.py")]):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        source = _package(module)
        if source is None:
            continue
        for line, name in _imports(path, module):
            target = _package(name)
            if target and target != source and target not in MAY_USE[source]:
                breaks.append(f"{path.relative_to(ROOT)}:{line} {source} imports {target}")
    assert breaks == []


def test_the_arrows_form_no_cycle():
    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in MAY_USE[start])

    assert [p for p in MAY_USE if reaches(p, p, set())] == []
