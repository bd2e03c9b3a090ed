"""Which folders of a playbook are customers: the listing the build reads before any file.

Apart from the loader (load.py) so that a build that finds nothing changed (build.py) lists
the folders without importing what parses them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .paths import inside
from .problems import Problem, error, warning
from .reading import OUTSIDE, Refused, entry_kind, follow, list_folder, real_path

CUSTOMERS_DIR = "content/customers"
#: Files a person's editor or OS leaves behind; never content, never worth a warning (the
#: build's manifest, `serve`'s watcher and capture skip the same names).
IGNORED = re.compile(r"(^\.|~$|\.swp$|\.swx$|\.tmp$|^#.*#$|^4913$)")
#: What a name IGNORED matches starts or ends with (`$` matches before a final line break too).
_STARTS, _ENDS = (".", "#", "4"), ("~", ".swp", ".swx", ".tmp", "\n")


def ignored(name: str) -> bool:
    """Whether IGNORED matches `name`: asked of every note on every build (200,000 at 10,000
    customers), so the names that cannot match are told by their ends, and only the few that
    may are searched (a search of each was 0.8 µs)."""
    return (name[:1] in _STARTS or name.endswith(_ENDS)) and IGNORED.search(name) is not None


def customer_folders(root: Path, problems: list[Problem], paths: dict[str, Path] | None = None) -> list[tuple[Path, str]]:
    """The customer folders to load, as (folder, relative path), sorted by name; what is not
    a customer folder is reported. `root` must be resolved. `paths`: the folders' `Path`s
    as the last listing made them, by their string (`serve` lists the folders on every
    rebuild, and making 10,000 `Path`s was a tenth of its time until the edited page was
    written); left holding this listing's."""
    base = root / CUSTOMERS_DIR
    try:
        if follow(base) != "dir":
            problems.append(error(CUSTOMERS_DIR, 0, 0,
                                  "no customers folder; create content/customers/<slug>/customer.yaml "
                                  "(or run 'playbook init')"))
            return []
        if not inside(base, root):  # content/ or customers/ a link out: not even the names are read
            raise Refused(OUTSIDE)
        entries = list_folder(base)
    except Refused as exc:
        problems.append(error(CUSTOMERS_DIR, 0, 0, str(exc)))
        return []
    out, made = [], {}
    known = paths or {}
    for e in entries:
        if ignored(e.name):
            continue
        entry, rel = known.get(e.path) or Path(e.path), f"{CUSTOMERS_DIR}/{e.name}"
        kind = entry_kind_followed(entry, e, rel, root, problems)
        if kind == "outside":
            problems.append(warning(rel, 0, 0, "points outside the playbook folder; skipped"))
        elif kind not in ("dir", "refused"):
            problems.append(warning(rel, 0, 0, "stray file among customer folders; each customer is a "
                                               "folder content/customers/<slug>/ — move or delete it"))
        elif kind == "dir":
            out.append((entry, rel))
            made[e.path] = entry
    if paths is not None:
        paths.clear()
        paths.update(made)
    return out


def entry_kind_followed(path: Path, e: os.DirEntry, rel: str, root: Path | None, problems: list[Problem]) -> str:
    """'dir', 'file' or 'other' (a FIFO, a device) for a folder entry, a link followed; 'outside'
    for a link out of `root` (None: not checked) and 'refused' (reported) for a link that
    loops or leads nowhere. Never raises, whatever the entry is."""
    kind = entry_kind(e)
    if kind != "link":
        return kind
    try:
        real = real_path(path, None)
    except Refused as exc:
        problems.append(error(rel, 0, 0, str(exc)))
        return "refused"
    if root is not None and not real.is_relative_to(root):
        return "outside"
    return "dir" if real.is_dir() else "file" if real.is_file() else "other"
