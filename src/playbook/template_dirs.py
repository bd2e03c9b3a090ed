"""Where a playbook's templates are: the team's `templates/` over the package's defaults.

Apart from the renderer (site/render.py) so that a build can take the templates' digest, and
find that nothing changed, without importing Jinja.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

#: The folder in a playbook that overrides the defaults, file by file.
TEAM_TEMPLATES = "templates"


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
    here = Path(__file__).resolve().parents[2] / TEAM_TEMPLATES  # src/playbook → repo root
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


def bounds(root: Path) -> list[tuple[Path, Path]]:
    """Each template folder with the folder its files must lie in: the playbook for the
    team's templates/, the defaults' own folder for the package's."""
    dirs = template_dirs(root)
    real = root.resolve()
    return [(d, real if i == 0 and len(dirs) == 2 else d.resolve()) for i, d in enumerate(dirs)]
