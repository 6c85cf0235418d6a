"""Imports flow one way (DESIGN.md): questionnaire ← analysis ← reports, and inside analysis the
foundation modules ← the concern subpackages ← the pipeline (README, "Where things live")."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOUNDATION = {"numbers", "diagnostics", "results", "inference"}
#: what each part of analysis may import from the rest of analysis (besides itself)
ALLOWED = {
    "numbers": set(), "diagnostics": set(), "inference": {"numbers"}, "results": {"numbers"},
    "ingest": FOUNDATION, "describe": FOUNDATION, "sem": FOUNDATION, "ipma": FOUNDATION,
    "simulate": FOUNDATION, "psychometrics": FOUNDATION | {"sem"},
    "classical": FOUNDATION, "planning": FOUNDATION | {"describe", "ipma"},
    "diagnosis": FOUNDATION | {"describe", "sem"},
}
TOP = {"pipeline", "results_view"}  # may import any part of analysis


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            if node.module == "analysis":
                names |= {f"analysis.{alias.name}" for alias in node.names}
    return names


def _part(path: Path) -> str:
    relative = path.relative_to(ROOT / "analysis").parts
    return relative[0] if len(relative) > 1 else path.stem


def test_questionnaire_and_analysis_never_import_the_layers_above():
    for package, forbidden in (("questionnaire", ("analysis", "reports")), ("analysis", ("reports",))):
        for path in (ROOT / package).rglob("*.py"):
            assert not {m for m in _imports(path) if m.split(".")[0] in forbidden}, path


def test_analysis_parts_import_only_the_parts_below_them():
    for path in (ROOT / "analysis").rglob("*.py"):
        part = _part(path)
        if part in TOP or part == "__init__":
            continue
        assert part in ALLOWED, f"{path}: analysis part '{part}' has no place in the layer table"
        used = {m.split(".")[1] for m in _imports(path) if m.startswith("analysis.")} - {part}
        assert used <= ALLOWED[part], f"{path} imports {sorted(used - ALLOWED[part])}"


def test_no_private_name_is_imported_across_modules():
    """A name that starts with ``_`` stays in its module (issue 10): nothing imports one from elsewhere."""
    for package in ("analysis", "reports", "questionnaire", "tests", "benchmarks"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                    private = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
                    assert not private, f"{path}: imports {private} from {node.module}"
