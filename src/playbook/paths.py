"""Whether a path stays inside a folder: the one rule for "does this lead out of the playbook"."""

from __future__ import annotations

from pathlib import Path


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, every link on the way followed, lies in `root` (or is `root`).
    Reading (the loader, the templates' assets) and writing (capture) both use it, so a
    link out of the playbook is refused the same way everywhere."""
    return path.resolve().is_relative_to(root.resolve())
