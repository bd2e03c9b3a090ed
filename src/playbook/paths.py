"""Whether a path stays inside a folder: the one rule for "does this lead out of the playbook"."""

from __future__ import annotations

import os
from pathlib import Path


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, every link on the way followed, lies in `root` (or is `root`).
    Reading (the loader, the templates' assets) and writing (capture) both use it, so a
    link out of the playbook is refused the same way everywhere."""
    return path.resolve().is_relative_to(root.resolve())


def identity(path: Path) -> tuple[int, int, int, int, int] | None:
    """Which file or folder is at `path` (links followed), as `stat` tells it from one written or
    changed later: device, inode, size, modification and change times (ns); None if absent.
    A change time cannot be set back, so an equal identity means untouched (`serve` keeps its
    listing of the customers folder and the manifest it wrote by it)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns
