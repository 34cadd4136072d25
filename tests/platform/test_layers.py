"""The import contracts in pyproject.toml hold for the code, and catch a reintroduced cycle.

import-linter reads the source, not the running process, so each check runs it in a
subprocess: on the real tree, and on a copy of the Python files with one import added
that goes the wrong way (inside a function, where the old cycles hid).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

LINT = (
    "import sys; from importlinter.cli import lint_imports; "
    "sys.exit(lint_imports(no_cache=True, no_logo=True))"
)


def _lint(tree: Path) -> subprocess.CompletedProcess:
    # The tree itself must win over any other copy of the package on the path.
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [sys.executable, "-c", LINT],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _python_files_only(directory, names):
    return [
        name
        for name in names
        if not (name.endswith(".py") or (Path(directory) / name).is_dir()) or name == "__pycache__"
    ]


def _copy_of_the_code(destination: Path) -> Path:
    shutil.copytree(ROOT / "quartier", destination / "quartier", ignore=_python_files_only)
    shutil.copy(ROOT / "pyproject.toml", destination / "pyproject.toml")
    return destination


def test_the_code_keeps_every_import_contract():
    result = _lint(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 5 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "imported", "broken"),
    [
        # The cycle the storefront app removed: catalog's pages reading bookings' reviews.
        (
            "quartier/catalog/reviews_probe.py",
            "quartier.bookings.selectors",
            "quartier.catalog is not allowed to import quartier.bookings",
        ),
        # The kernel reaching up into an app, as platform did for tenants.
        (
            "quartier/platform/tenants_probe.py",
            "quartier.tenants.models",
            "quartier.platform is not allowed to import quartier.tenants",
        ),
        # An app reaching into the configuration above every app.
        (
            "quartier/bookings/config_probe.py",
            "quartier.config.settings",
            "quartier.bookings is not allowed to import quartier.config",
        ),
        # Two siblings of one layer that must not know each other.
        (
            "quartier/trust/billing_probe.py",
            "quartier.billing.models",
            "quartier.trust is not allowed to import quartier.billing",
        ),
    ],
)
def test_an_import_against_the_order_breaks_the_contracts(tmp_path, module, imported, broken):
    tree = _copy_of_the_code(tmp_path)
    (tree / module).write_text(f"def probe():\n    import {imported}\n\n    return {imported}\n")

    result = _lint(tree)

    assert result.returncode == 1, result.stdout + result.stderr
    assert broken in result.stdout
    assert "0 broken" not in result.stdout
