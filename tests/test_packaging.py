"""What a wheel ships: every package of src/playbook and every default template."""

from __future__ import annotations

import pytest

from helpers import REPO

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest itself installs tomli there
    tomllib = pytest.importorskip("tomli")


def test_pyproject_ships_every_package_and_the_default_templates():
    cfg = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    src = REPO / "src"
    found = sorted(".".join(p.parent.relative_to(src).parts) for p in src.glob("playbook/**/__init__.py"))
    assert sorted(set(cfg["packages"]) - {"playbook.default_templates"}) == found
    assert cfg["package-dir"]["playbook.default_templates"] == "templates"
    assert (REPO / "templates/base.html").is_file()
    patterns = cfg["package-data"]["playbook.default_templates"]
    shipped = {p.relative_to(REPO / "templates") for pat in patterns for p in (REPO / "templates").glob(pat)}
    wanted = {p.relative_to(REPO / "templates") for p in (REPO / "templates").rglob("*") if p.is_file()}
    assert wanted <= shipped, wanted - shipped
