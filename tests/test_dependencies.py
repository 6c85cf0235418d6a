"""pyproject.toml declares exactly the third-party packages the code imports: package code ↔ runtime
dependencies, test code ↔ runtime + test extras (issue 10: no unused dependency, no undeclared import)."""
from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from Python 3.11")

ROOT = Path(__file__).resolve().parents[1]
FIRST_PARTY = {"analysis", "reports", "questionnaire", "data", "robustness_support"}


def _declared(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def _imported_distributions(folders: list[str]) -> set[str]:
    modules: set[str] = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    third_party = modules - FIRST_PARTY - set(sys.stdlib_module_names)
    distributions = packages_distributions()
    return {distributions[m][0].lower().replace("_", "-") for m in third_party}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_runtime_dependencies_are_exactly_what_package_code_imports():
    declared = _declared(_project()["dependencies"])
    imported = _imported_distributions(["analysis", "reports", "questionnaire", "data"])
    assert sorted(declared - imported) == [], "declared but never imported"
    assert sorted(imported - declared) == [], "imported but not declared"


def test_tests_import_only_declared_packages():
    project = _project()
    declared = _declared(project["dependencies"] + project["optional-dependencies"]["test"])
    assert sorted(_imported_distributions(["tests", "benchmarks"]) - declared) == []
