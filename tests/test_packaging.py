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


def test_pyproject_ships_every_data_file_of_the_package():
    """Files the code reads beside it (the scaffold, playbook.json's schema) are package data."""
    cfg = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["package-data"]
    src = REPO / "src"
    shipped = set()
    for package, patterns in cfg.items():
        if package == "playbook.default_templates":
            continue
        folder = src.joinpath(*package.split("."))
        shipped |= {p for pat in patterns for p in folder.glob(pat) if p.is_file()}
    data = {p for p in (src / "playbook").rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts}
    assert (src / "playbook/outputs/playbook.schema.json") in data
    assert data <= shipped, sorted(str(p.relative_to(src)) for p in data - shipped)
