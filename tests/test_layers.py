"""The import layers STYLE promises: data flows spec -> view -> targets | readers -> table ->
validation -> report, and no module imports a higher layer (lazy imports inside functions count).

A module's layer is that of the longest prefix listed in LAYERS. Modules of one layer may
import each other only within their own package; across packages only downwards.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "guidec"

LAYERS: dict[str, int] = {
    # foundations every layer uses, with no knowledge of specs or deliveries
    "guidec": 0, "guidec._frozen": 0, "guidec.progress": 0,
    # what every command reads through (it counts what it reads into the progress line)
    "guidec.inputs": 1,
    "guidec.diagnostics": 2, "guidec.registry": 2, "guidec.resources": 2,
    "guidec.imagesize": 2, "guidec.columns": 2, "guidec.masks": 2, "guidec.colorspace": 2,
    "guidec.names": 2,
    # image hashes (they raise GuidecError when Pillow is missing)
    "guidec.imagehash": 3, "guidec.imagecheck": 3,
    "guidec.codes": 3,
    # the YAML source map and the delivery table
    "guidec.source": 4, "guidec.table": 4, "guidec.polygons": 4,
    # the spec language
    "guidec.spec": 5,
    # the resolved project and the one class resolver beside it
    "guidec.view": 6, "guidec.labels": 6,
    # what reads the resolved project, or fills and writes tables
    "guidec.lint": 7, "guidec.readers": 7, "guidec.output": 7,
    "guidec.diff": 7,
    # the audit sample of a delivery (reads the table through the class resolver)
    "guidec.sampling": 7, "guidec.splitting": 7, "guidec.handoff": 7,
    # the handoff gate against the spec's composition plan (reads guidec.handoff's measures)
    "guidec.handoff_plan": 8,
    # targets (the site shows the diff), validation rules over the table, and QA (matching
    # two tables with the one class resolver and the one mask module)
    "guidec.targets": 8, "guidec.validation": 8, "guidec.qa": 8,
    # reporters, and the writers (a rewrite speaks the Label Studio config's control names)
    "guidec.report": 9, "guidec.writers": 9,
    # guidec import: reads other tools' taxonomies (CVAT XML through the CVAT target) and deliveries
    "guidec.importing": 9,
    # the edges: commands, the command line and the docs generator
    "guidec.commands": 10, "guidec.cli": 11, "guidec.docs": 11, "guidec.__main__": 12,
}


def module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(mod: str) -> tuple[int, str]:
    best = max((p for p in LAYERS if mod == p or mod.startswith(p + ".")), key=len)
    return LAYERS[best], best


def imports(path: Path, mod: str) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the package
                parts = mod.split(".")
                keep = len(parts) - node.level + (1 if path.name == "__init__.py" else 0)
                base = parts[:keep]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            out.append((node.lineno, name))
            out += [(node.lineno, f"{name}.{a.name}") for a in node.names]
    return [(ln, n) for ln, n in out if n == "guidec" or n.startswith("guidec.")]


def test_every_module_has_a_layer():
    for path in SRC.rglob("*.py"):
        layer_of(module_name(path))  # max() of an empty list fails: an unlisted package


def test_no_module_imports_a_higher_layer():
    bad = []
    for path in sorted(SRC.rglob("*.py")):
        mod = module_name(path)
        mine, my_pkg = layer_of(mod)
        for line, target in imports(path, mod):
            theirs, their_pkg = layer_of(target)
            if target == "guidec" or their_pkg == my_pkg:
                continue
            if theirs > mine or (theirs == mine and their_pkg != my_pkg):
                bad.append(f"{path.relative_to(SRC)}:{line} ({my_pkg}, layer {mine}) imports "
                           f"{target} ({their_pkg}, layer {theirs})")
    assert not bad, "\n".join(bad)


def test_no_star_imports():
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert all(a.name != "*" for a in node.names), path
