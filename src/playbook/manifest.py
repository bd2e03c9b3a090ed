"""What the last build was made from and what it wrote, so a build whose inputs did not change
does nothing, and one whose inputs changed in a few folders reads only those.

A customer folder's *signature* is a digest of what `stat` says of every file loading it
reads (size, modification and change times, inode) and of its listing, the same shortcut
git's index takes: a file whose bytes changed has a new change time, which no tool can set
back (on Windows `st_ctime` is the creation time, so there a rewrite keeping size and mtime
would go unseen; Playbook's CI and `serve` targets are POSIX). A signature is only recorded when every time in it is at least `RACY_NS` older than
the scan, because a file saved twice within the file system's clock tick keeps its times
(git calls those entries "racily clean"); such a folder is read by content next time.

The manifest lives in the build cache (one per output folder), with the cache's header and
checks; a missing or damaged one means a full (cached) build.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from .cache import Cache, digest
from .load import IGNORED
from .problems import Problem

#: Times this close to the scan (ns) are not trusted: coarse file-system clocks (FAT: 2 s).
RACY_NS = 3_000_000_000


@dataclass(frozen=True, slots=True)
class Manifest:
    """One output folder's last successful build."""

    key: str
    """Digest of the inputs over all customers: tool, config, templates, as-of date, git
    history, the customers folder's listing, the output folder and `--since`."""
    folders: dict[str, tuple[str, str]]
    """Per customer folder: (signature, the key of its unit in the cache)."""
    outputs: dict[str, tuple[int, int]]
    """Every file written, as (size, modification time in ns) after the build."""
    problems: list[Problem] = field(default_factory=list)
    """The build's warnings, to report again when nothing changed."""
    customers: int = 0
    pages: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    """Per customer: the key its own pages were made under, and their paths."""


def signatures(folders: list[tuple[Path, str]], salt: str) -> dict[str, str | None]:
    """Each folder's signature (None when a file in it changed too recently to trust its
    times). `salt`: what the folder's unit key also depends on (tool, config, root)."""
    now = time.time_ns()
    return {f.name: signature(f, rel, salt, now) for f, rel in folders}


def signature(folder: Path, rel: str, salt: str, now: int) -> str | None:
    parts: list[str] = [salt, rel]
    newest = 0

    def scan(path: Path, tag: str, wanted) -> None:
        nonlocal newest
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError:
            parts.append(f"{tag}!")
            return
        for e in entries:
            kind = "l" if e.is_symlink() else ("d" if e.is_dir() else "f")
            line = f"{tag}{kind}:{e.name}:{os.path.realpath(e.path) if kind == 'l' else ''}"
            if wanted(e.name):
                try:
                    st = e.stat()  # follows a link: the target's bytes are what is read
                except OSError:
                    line += ":?"
                else:
                    line += f":{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}:{st.st_dev}"
                    newest = max(newest, st.st_mtime_ns, st.st_ctime_ns)
            parts.append(line)

    scan(folder, "", lambda name: name == "customer.yaml")
    idir = folder / "interactions"
    if idir.is_symlink():
        parts.append(f"interactions->{os.path.realpath(idir)}")
    scan(idir, "i", lambda name: name.endswith(".md") and not IGNORED.search(name))
    if newest >= now - RACY_NS:
        return None
    return digest(*parts)


def output_stats(out: Path) -> dict[str, tuple[int, int]]:
    """Every file under `out` as (size, mtime_ns), by relative path."""
    found: dict[str, tuple[int, int]] = {}
    base = len(str(out)) + 1
    for dirpath, _, files in os.walk(out):
        for name in files:
            path = os.path.join(dirpath, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            found[path[base:].replace(os.sep, "/")] = (st.st_size, st.st_mtime_ns)
    return found


def outputs_intact(out: Path, outputs: dict[str, tuple[int, int]]) -> bool:
    """Whether the output folder holds exactly the files the build wrote, as written."""
    return bool(outputs) and output_stats(out) == outputs


def _name(out: Path) -> str:
    return digest(str(out))[:24]


def read(cache: Cache, out: Path) -> Manifest | None:
    found = cache.get("manifest", _name(out), "m")
    return found if isinstance(found, Manifest) else None


def write(cache: Cache, out: Path, manifest: Manifest) -> None:
    cache.put("manifest", _name(out), "m", manifest)

