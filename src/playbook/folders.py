"""Which folders of a playbook are customers: the listing the build reads before any file.

Apart from the loader (load.py) so that a build that finds nothing changed (build.py) lists
the folders without importing what parses them.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from msgspec import Struct, field

from .paths import identity, inside
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


class Listing(Struct):
    """A listing of the customers folder `serve` keeps for its next rebuild (`customer_folders`)."""

    stat: tuple[int, ...] | None = None
    """What `stat` said of the customers folder just before it was listed; None when the
    listing may not be used again (a link among the entries, a change too recent to trust)."""
    folders: list[tuple[Path, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    paths: dict[str, Path] = field(default_factory=dict)
    """The folders' `Path`s by their string (making 10,000 was a tenth of a `serve` rebuild's
    time until the edited page was written)."""


def customer_folders(root: Path, problems: list[Problem], kept: Listing | None = None,
                     racy_ns: int = 0) -> list[tuple[Path, str]]:
    """The customer folders to load, as (folder, relative path), sorted by name; what is not
    a customer folder is reported. `root` must be resolved.

    `kept`: the last listing (`serve`), used again while the customers folder stats as it did
    then: adding, removing or replacing an entry changes a folder's times, which no tool sets
    back (its change time). Taken again when the folder changed within `racy_ns` of being
    listed (the clock tick that could hide a second change: manifest.RACY_NS) or held a link,
    whose target may change unseen; left holding this listing."""
    base = root / CUSTOMERS_DIR
    if kept is not None and kept.stat is not None and identity(base) == kept.stat:
        problems += kept.problems
        return list(kept.folders)
    now = time.time_ns()
    before = identity(base) if kept is not None else None  # before listing: a change while listing moves it
    first = len(problems)
    if kept is not None:
        kept.stat = None
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
    out, made, linked = [], {}, False
    known = kept.paths if kept is not None else {}
    for e in entries:
        if ignored(e.name):
            continue
        entry, rel = known.get(e.path) or Path(e.path), f"{CUSTOMERS_DIR}/{e.name}"
        linked = linked or entry_kind(e) == "link"
        kind = entry_kind_followed(entry, e, rel, root, problems)
        if kind == "outside":
            problems.append(warning(rel, 0, 0, "points outside the playbook folder; skipped"))
        elif kind not in ("dir", "refused"):
            problems.append(warning(rel, 0, 0, "stray file among customer folders; each customer is a "
                                               "folder content/customers/<slug>/ — move or delete it"))
        elif kind == "dir":
            out.append((entry, rel))
            made[e.path] = entry
    if kept is not None:
        settled = before is not None and now - max(before[3], before[4]) >= racy_ns
        kept.stat = before if settled and not linked else None
        kept.folders, kept.problems, kept.paths = list(out), problems[first:], made
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
