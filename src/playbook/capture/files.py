"""Safe writes into a playbook: atomic, never overwriting, never leading outside the root.

- new files are written to a hidden temp file in the target folder and then hard-linked
  into place, which is atomic and fails if the name exists (so nothing is ever
  overwritten); an in-place edit (`done`) goes through a temp file and `os.replace`;
- every target is checked to resolve inside the playbook root (`paths.inside`).
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from ..paths import inside
from ..records import Record
from .errors import CaptureError


class Written(Record):
    """The outcome of a write."""

    path: Path
    """The file (or folder) created or changed."""
    warnings: tuple[str, ...] = ()
    """Things worth saying that did not stop the write."""


def within_root(path: Path, root: Path) -> Path:
    """`path` resolved; refuses anything that leads outside `root` (e.g. through a symlink)."""
    if not inside(path, root):
        raise CaptureError(f"{path} leads outside the playbook folder {root}; refusing to write there")
    return path.resolve()


# -- safe writes ----------------------------------------------------------------------------

def temp_name(path: Path) -> Path:
    # Starts with '.' and ends with '.tmp': the loader ignores it should a crash leave it behind.
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")


def create_file(path: Path, data: bytes, root: Path, sync: bool = True) -> None:
    """Write a new file atomically; FileExistsError when the name is taken (never overwrites).
    `sync=False` leaves flushing to disk to the caller (`import` writes thousands of notes,
    and syncs once at the end: 3 ms a file was most of its time)."""
    within_root(path.parent, root)
    tmp = temp_name(path)
    with open(tmp, "xb") as fh:
        fh.write(data)
        fh.flush()
        if sync:
            os.fsync(fh.fileno())
    try:
        try:
            os.link(tmp, path)  # atomic, and refuses an existing name
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: exclusive create instead
            with open(path, "xb") as fh:
                fh.write(data)
                fh.flush()
                if sync:
                    os.fsync(fh.fileno())
    finally:
        tmp.unlink(missing_ok=True)


def create_numbered(path: Path, data: bytes, root: Path) -> Path:
    """Create `path`, or `stem-2.md`, `stem-3.md`… when taken. Returns the name used."""
    for n in range(1, 1000):
        target = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        try:
            create_file(target, data, root)
            return target
        except FileExistsError:
            continue
    raise CaptureError(f"{path.parent}: a thousand files named like {path.name} already; pick another name")


def replace_file(path: Path, before: bytes, after: bytes, root: Path) -> None:
    """Change an existing file from `before` to `after`, unless someone changed it since we
    read it. In place, not by renaming a new file over it: the file keeps its owner (`done`
    run as root no longer hands a teammate's note to root), its mode and its hard links.
    Only the bytes that differ are written, in one write (ticking a box is one byte)."""
    real = within_root(path, root)
    fd = os.open(real, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "r+b") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise CaptureError(f"{path} is not a regular file; nothing was changed")
        if fh.read(len(before) + 1) != before:
            raise CaptureError(f"{path} changed while Playbook was editing it; nothing was ticked, try again")
        start = next((i for i, (a, b) in enumerate(zip(before, after)) if a != b), min(len(before), len(after)))
        if len(after) == len(before):
            end = len(after) - next((i for i, (a, b) in enumerate(zip(reversed(before), reversed(after)))
                                     if a != b), 0)
            os.pwrite(fd, after[start:end], start)
        else:
            fh.seek(start)
            fh.write(after[start:])
            fh.truncate()
        fh.flush()
        os.fsync(fd)
