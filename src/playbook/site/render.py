"""The Jinja environment and static assets: a team's `templates/` over the package defaults.

A playbook overrides any single template or asset by placing a file of the same name in
its own `templates/` folder (a `ChoiceLoader`, as Hugo's layouts and MkDocs' `custom_dir`).
Templates receive plain view data only; autoescape is on and a missing field is an error.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

#: The folder in a playbook that overrides the defaults, file by file.
TEAM_TEMPLATES = "templates"
ASSETS = "assets"


@lru_cache(maxsize=1)
def default_templates() -> Path:
    """Where the default templates live: the data-only package `playbook.default_templates`
    (the repository's top-level templates/ folder, mapped in pyproject.toml), in an
    editable install and a wheel alike; the repository folder as a last resort."""
    spec = importlib.util.find_spec("playbook.default_templates")
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            if (Path(loc) / "base.html").is_file():
                return Path(loc)
    here = Path(__file__).resolve().parents[3] / TEAM_TEMPLATES  # src/playbook/site → repo root
    if (here / "base.html").is_file():
        return here
    raise FileNotFoundError("the default templates of playbook are missing from this installation")


def template_dirs(root: Path) -> list[Path]:
    """Search order: the team's templates/ (when it exists), then the defaults."""
    team = root / TEAM_TEMPLATES
    dirs = [team] if team.is_dir() else []
    default = default_templates()
    if not dirs or team.resolve() != default.resolve():
        dirs.append(default)
    return dirs


def environment(root: Path) -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in template_dirs(root)]),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def render(env: Environment, template: str, context: dict[str, Any]) -> bytes:
    return env.get_template(template).render(**context).encode("utf-8")


def assets(root: Path, skip: frozenset[str] = frozenset()) -> Iterator[tuple[str, bytes]]:
    """Every file in assets/ of the defaults and the team's templates, the team's file winning,
    sorted by name. Names in `skip` are produced elsewhere."""
    found: dict[str, Path] = {}
    for d in reversed(template_dirs(root)):  # defaults first, so the team's overwrite them
        folder = d / ASSETS
        if folder.is_dir():
            for f in folder.iterdir():
                if f.is_file() and not f.name.startswith(".") and f.name not in skip:
                    found[f.name] = f
    for name in sorted(found):
        yield f"{ASSETS}/{name}", found[name].read_bytes()
