"""The orchestrator: load → check → analyse → render → write, in named phases.

Every file is first written into a fresh folder beside the output; only when all of them
are written is the old site swapped out. A failed build leaves the previous site as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

from .check import check_loaded
from .config import resolve_as_of
from .engine import analyse_all
from .engine.types import Relationship
from .gitinfo import GitInfo, fill_authors, read_git
from .load import Loaded, load
from .outputs.json_out import playbook_json
from .problems import Problem
from .site.render import TemplateProblem

#: A file in every built site; only folders holding it are ever replaced or deleted.
MARKER = ".playbook-site"


class BuildError(Exception):
    """The build cannot go on (a problem with the output folder, not with the content)."""


@dataclass(slots=True)
class BuildReport:
    """What a build did."""

    ok: bool
    problems: list[Problem]
    out: Path
    as_of: date | None = None
    files: int = 0
    """Files in the site."""
    written: int = 0
    """Files whose bytes changed (all of them on a full build)."""
    customers: int = 0
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)


def site_files(relationships: list[Relationship], loaded: Loaded, as_of: date, root: Path,
               git: GitInfo | None = None, since: str | None = None) -> Iterator[tuple[str, bytes]]:
    """Every output file as (relative path, bytes), in a fixed order."""
    from .site import pages
    yield "playbook.json", playbook_json(relationships, as_of).encode()
    yield from pages(relationships, loaded.config, as_of, root, git=git, since=since)


def analyse_with_git(loaded: Loaded, as_of: date, root: Path) -> tuple[list[Relationship], GitInfo]:
    """Git facts first (notes without `by` take their committer), then the pure analysis."""
    git = read_git(root)
    playbook = fill_authors(loaded.playbook, git, loaded.config.team)
    return analyse_all(playbook, loaded.config, as_of), git


def check_out_dir(root: Path, out: Path) -> None:
    """Refuse outputs that would replace content: the root itself, a parent of it, or a folder
    that holds files Playbook did not write."""
    root, out = root.resolve(), out.resolve()
    if out == root or root.is_relative_to(out):
        raise BuildError(f"--out {out} would replace the playbook itself; choose a folder such as {root / 'site'}")
    if out.is_relative_to(root / "content") or out.is_relative_to(root / "templates"):
        raise BuildError(f"--out {out} is inside the content; choose a folder such as {root / 'site'}")
    if out.exists():
        if not out.is_dir():
            raise BuildError(f"--out {out} is a file; choose a folder")
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise BuildError(f"{out} holds files Playbook did not write; refusing to replace it. "
                             "Empty it or choose another --out folder")


def write_tree(files: Iterable[tuple[str, bytes]], out: Path) -> int:
    """Write all files into a temporary sibling of `out`, then swap it in. Returns the count."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    count = 0
    try:
        made: set[Path] = set()
        for rel, data in files:
            target = tmp / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(data)
            count += 1
        (tmp / MARKER).write_text("Built by Playbook. This folder is replaced on every build.\n")
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a site is meant to be served
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.replace(out, old / "site")
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return count


def build(root: Path, out: Path | None = None, as_of: date | None = None, since: str | None = None) -> BuildReport:
    """Build the site for the playbook at `root` into `out` (default root/site)."""
    started = time.perf_counter()
    phases: dict[str, float] = {}
    root = root.resolve()
    out = (out or root / "site").resolve()

    t = time.perf_counter()
    loaded = load(root)
    when = resolve_as_of(as_of, loaded.config.as_of)
    problems = check_loaded(loaded, when)
    phases["load"] = time.perf_counter() - t
    if any(p.severity == "error" for p in problems):
        return BuildReport(False, problems, out, when, seconds=time.perf_counter() - started, phases=phases)
    check_out_dir(root, out)

    t = time.perf_counter()
    relationships, git = analyse_with_git(loaded, when, root)
    phases["analyse"] = time.perf_counter() - t

    t = time.perf_counter()
    try:
        count = write_tree(site_files(relationships, loaded, when, root, git, since), out)
    except TemplateProblem as exc:  # a team's template is broken: report it like content
        return BuildReport(False, problems + [exc.problem], out, when, seconds=time.perf_counter() - started,
                           phases=phases)
    phases["render+write"] = time.perf_counter() - t
    return BuildReport(True, problems, out, when, count + 1, count + 1, len(relationships),
                       time.perf_counter() - started, phases)


def sync_tree(files: Iterable[tuple[str, bytes]], out: Path) -> tuple[int, int]:
    """Bring `out` in line with `files`, writing only files whose bytes changed and removing
    files no longer produced. Used by `serve`, where a whole-folder swap would make every
    open page flash. Returns (files, written)."""
    out.mkdir(parents=True, exist_ok=True)
    marker = out / MARKER
    if not marker.exists():
        marker.write_text("Built by Playbook. This folder is replaced on every build.\n")
    keep: set[str] = {MARKER}
    written = 0
    for rel, data in files:
        keep.add(rel)
        target = out / rel
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                continue
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)  # a reader never sees half a file
        written += 1
    for path in sorted(out.rglob("*"), reverse=True):
        rel = path.relative_to(out).as_posix()
        if path.is_file() and rel not in keep:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return len(keep), written


class Builder:
    """Repeated builds of one playbook (for `serve`): each rebuild syncs the output in place
    and a failed one leaves the last good site untouched."""

    def __init__(self, root: Path, out: Path | None = None, as_of: date | None = None):
        self.root = root.resolve()
        self.out = (out or self.root / "site").resolve()
        self.as_of = as_of
        check_out_dir(self.root, self.out)

    def rebuild(self, changed: set[Path] | None) -> BuildReport:
        """Rebuild after `changed` paths (None: everything)."""
        started = time.perf_counter()
        loaded = load(self.root)
        when = resolve_as_of(self.as_of, loaded.config.as_of)
        problems = check_loaded(loaded, when)
        if any(p.severity == "error" for p in problems):
            return BuildReport(False, problems, self.out, when, seconds=time.perf_counter() - started)
        relationships, git = analyse_with_git(loaded, when, self.root)
        try:
            files, written = sync_tree(site_files(relationships, loaded, when, self.root, git), self.out)
        except TemplateProblem as exc:
            return BuildReport(False, problems + [exc.problem], self.out, when,
                               seconds=time.perf_counter() - started)
        return BuildReport(True, problems, self.out, when, files, written, len(relationships),
                           time.perf_counter() - started)
