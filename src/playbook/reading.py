"""Reading a playbook's files: regular files inside the playbook only, each up to a size limit.

A link out of the playbook (to /proc/self/environ, /etc/passwd) must not be read at all, nor
a FIFO (opening one waits for a writer) or a device (/dev/zero never ends). Every read of a
playbook's own files (content, playbook.yaml, the team's templates and assets) goes through
`read_file`, so the rule holds everywhere and `check`, `build` and `serve` never block on a
file. Refusals are `Refused` exceptions whose text is the message for the user.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Iterator

from .limits import MAX_FILE_BYTES
from .problems import Problem, error

OUTSIDE = ("this link points outside the playbook folder, and Playbook reads only what is inside it; "
           "put the file or folder itself here instead")
LOOP = "this link leads back to itself (a symbolic link loop); remove it or point it at a file"
#: What content and assets say of a link out of the playbook, skipped with a warning.
SKIPPED = "points outside the playbook folder; skipped"


class Refused(Exception):
    """A file or folder Playbook will not read; str() says why and what to do."""


class LeadsOut(Refused):
    """Refused because a link leads out of the playbook: content and assets skip such a file
    with a warning, where a FIFO or an unreadable file is an error."""

    def __init__(self) -> None:
        super().__init__(OUTSIDE)


def _os_reason(exc: OSError, what: str = "file", reach: bool = False) -> str:
    if exc.errno == errno.ELOOP:
        return LOOP
    if exc.errno in (errno.EACCES, errno.EPERM) and reach:
        return (f"cannot reach this {what}: permission denied; make the folders above it readable and "
                "searchable (chmod +rx)")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"cannot read this {what}: permission denied; make it readable (chmod) or remove it"
    if exc.errno == errno.ENOENT:
        return f"this link leads to a {what} that does not exist; remove the link or restore its target"
    return f"cannot read this {what}: {exc.strerror or exc}"


def real_path(path: Path, root: Path | None) -> Path:
    """The path with every link followed, when it exists and stays inside `root` (resolved);
    otherwise Refused, with the reason (a loop, a broken link, a link out)."""
    try:
        real = path.resolve(strict=True)
    except RuntimeError:  # Python before 3.13 reports a link loop so
        raise Refused(LOOP) from None
    except OSError as exc:
        raise Refused(_os_reason(exc, reach=True)) from None
    if root is not None and not real.is_relative_to(root):
        raise LeadsOut()
    return real


def follow(path: Path, what: str = "folder") -> str:
    """What is at `path`, links followed: 'missing', 'dir', 'file' or 'other' (a FIFO, a
    device); Refused for a link loop, a broken link, or a place it has no permission to look."""
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            if os.path.islink(path):
                raise Refused(_os_reason(exc, what)) from None
            return "missing"
        raise Refused(_os_reason(exc, what, reach=True)) from None
    return "dir" if stat.S_ISDIR(st.st_mode) else "file" if stat.S_ISREG(st.st_mode) else "other"


def kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def too_big(size: int, limit: int, what: str = "files") -> str:
    return f"this file is {size:,} bytes; Playbook reads {what} up to {limit:,} bytes. Split it up"


def read_file(path: Path, root: Path | None, limit: int = MAX_FILE_BYTES, what: str = "files",
              link: bool = True) -> bytes:
    """The bytes of `path`, a regular file inside `root` (resolved; None: the caller has
    checked), of at most `limit` bytes; otherwise Refused. Never blocks: a FIFO is opened
    without waiting and refused by its type. `link=False`: the caller listed `path` as no link
    (nothing to resolve: a folder's notes are read without a `stat` of every folder above them),
    and it is refused if it became one since."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    if link:
        real = real_path(path, root)
    else:
        real, flags = path, flags | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        if not link and exc.errno == errno.ELOOP:
            raise Refused("this file was replaced by a link while Playbook read the folder; run it again") from None
        raise Refused(_os_reason(exc)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Refused(f"this is {kind(st.st_mode)}, not a file; Playbook reads only regular files. Remove it")
        if st.st_size > limit:
            raise Refused(too_big(st.st_size, limit, what))
        chunks, size = [], 0
        while size <= limit:  # a file can grow while it is read
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise Refused(_os_reason(exc)) from None
    finally:
        os.close(fd)
    if size > limit:
        raise Refused(too_big(size, limit, what))
    return b"".join(chunks)


def list_folder(path: Path) -> list[os.DirEntry]:
    """The entries of a folder, sorted by name; Refused when it cannot be listed."""
    try:
        with os.scandir(path) as it:
            return sorted(it, key=lambda e: e.name)
    except RuntimeError:
        raise Refused(LOOP) from None
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise Refused("cannot list this folder: permission denied; make it readable (chmod) or "
                          "remove it") from None
        raise Refused(_os_reason(exc, "folder")) from None


def entry_kind(entry: os.DirEntry) -> str:
    """'link', 'dir', 'file' or 'other' (a FIFO, a device…), links not followed: never raises."""
    try:
        if entry.is_symlink():
            return "link"
        if entry.is_dir(follow_symlinks=False):
            return "dir"
        if entry.is_file(follow_symlinks=False):
            return "file"
    except OSError:
        pass
    return "other"


def decode(data: bytes, rel: str, problems: list[Problem]) -> str | None:
    """The bytes as UTF-8 text (a BOM is fine, CRLF and CR become LF), or None with the
    problem recorded: one rule for every text file Playbook reads."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(error(rel, line, col,
                              f"not UTF-8 text (byte 0x{data[exc.start]:02x}); re-save the file as UTF-8"))
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        problems.append(error(rel, line, 0, "file contains NUL bytes; is it really text?"))
        return None
    return text


def walk(top: Path, bound: Path) -> Iterator[tuple[str, list[tuple[str, str]], list[str]]]:
    """Like os.walk with links followed, but never into a link loop or out of `bound` (a
    link to / is not walked): (folder, links not followed as (name, where they lead), file
    names), folders and files sorted. Files are only named here, not read."""
    seen: set[str] = set()
    for folder, dirs, files in os.walk(top, followlinks=True):
        seen.add(os.path.realpath(folder))
        targets = {n: os.path.realpath(os.path.join(folder, n)) for n in sorted(dirs)}
        dirs[:] = [n for n, real in targets.items() if real not in seen and Path(real).is_relative_to(bound)]
        yield folder, [(n, real) for n, real in targets.items() if n not in dirs], sorted(files)
