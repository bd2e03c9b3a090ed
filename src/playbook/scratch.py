"""Scratch folders a later build can tell apart: a running build's are kept, a dead one's go.

A build writes its new site, parks the old one, and (without the cache) keeps its memo in
folders of its own. Killed with SIGKILL, it cannot remove them, and a half-written site is
customer data left lying about. So each folder is named `<prefix><pid>-<8 random>` and
locked (flock on the folder) for as long as its build runs; the lock goes with the process
however it ends. The next build removes folders of exactly those names whose process is gone
and whose lock is free, and, of the names used before the pid was in them, those an hour
old. Only folders this user owns, and only in the places below, are looked at.

Where: a site is written in `.playbook-cache/tmp/` beside the output folder (the same file
system, so the swap is a rename; and `.playbook-cache/` is in every Playbook .gitignore, so a
partial site is never committed); a memo in the system's temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: the pid alone says who is running
    fcntl = None  # type: ignore[assignment]

#: The folder beside the output that holds a build's new and old sites.
HOME = Path(".playbook-cache") / "tmp"
#: Scratch names in the system's temporary folder (a memo of `build --no-cache`, of `serve`).
TEMP_PREFIXES = ("playbook-build-", "playbook-serve-")
#: Folders named as before the pid was in them are removed once this old (seconds).
LEGACY_AGE = 3600.0

_RANDOM = r"[a-z0-9_]{8}"  # tempfile.mkdtemp's suffix


class Scratch:
    """A folder `parent/<prefix><pid>-<random>`, locked until `release` or the process ends."""

    def __init__(self, parent: Path, prefix: str):
        for attempt in range(3):
            parent.mkdir(parents=True, exist_ok=True)
            try:
                self.path = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))
                break
            except FileNotFoundError:  # another build removed the empty parent just now
                if attempt == 2:
                    raise
        self._fd = lock(self.path)

    def release(self) -> None:
        """Give up the lock (the folder stays, moved or removed by the caller)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self.release()


def site_home(out: Path) -> Path:
    """Where the scratch sites of a build into `out` go: `.playbook-cache/tmp/` beside it, or
    beside it directly when that cannot be made on the same file system."""
    home = out.parent / HOME
    try:
        home.mkdir(parents=True, exist_ok=True)
        if os.stat(home).st_dev == os.stat(out.parent).st_dev:
            return home
    except OSError:
        pass
    return out.parent


def site_prefix(out: Path, home: Path, kind: str) -> str:
    """`site.new-` in the scratch home; `.site.new-` (hidden) when it is the output's parent."""
    return f"{'.' if home == out.parent else ''}{out.name}.{kind}-"


def sweep_sites(out: Path, home: Path) -> None:
    """Remove dead builds' scratch sites for `out` (and, in the scratch home, for any output)."""
    name = re.escape(out.name)
    if home != out.parent:
        sweep(home, re.compile(rf".+\.(?:new|old)-(?P<pid>\d+)-{_RANDOM}"))
    sweep(out.parent, re.compile(rf"\.{name}\.(?:new|old)-(?P<pid>\d+)-{_RANDOM}"),
          legacy=re.compile(rf"\.{name}\.(?:new|old)-{_RANDOM}"))


def sweep_temp() -> None:
    """Remove dead builds' scratch memos from the system's temporary folder."""
    names = "|".join(map(re.escape, TEMP_PREFIXES))
    sweep(Path(tempfile.gettempdir()), re.compile(rf"(?:{names})(?P<pid>\d+)-{_RANDOM}"),
          legacy=re.compile(rf"(?:{names}){_RANDOM}"))


def tidy(home: Path) -> None:
    """Remove the scratch home and its `.playbook-cache` when a build leaves them empty."""
    if home.parts[-len(HOME.parts):] == HOME.parts:
        for folder in (home, home.parent):
            try:
                folder.rmdir()
            except OSError:  # not empty: another build's, or the memo
                return


def sweep(parent: Path, names: re.Pattern[str], legacy: re.Pattern[str] | None = None) -> list[Path]:
    """Remove folders in `parent` (not below) whose name `names` matches fully and whose build
    is gone, and those `legacy` matches once `LEGACY_AGE` old. Returns what was removed."""
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return []
    removed = []
    for e in entries:
        m = names.fullmatch(e.name)
        old = m is None and legacy is not None and legacy.fullmatch(e.name) is not None
        if m is None and not old:
            continue
        try:
            st = e.stat(follow_symlinks=False)
        except OSError:
            continue
        if not e.is_dir(follow_symlinks=False) or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
            continue
        if old and time.time() - st.st_mtime < LEGACY_AGE:
            continue
        if m is not None and _alive(int(m["pid"])):
            continue
        fd = lock(Path(e.path))
        if fd is None and fcntl is not None:
            continue  # locked: its build still runs (in another process namespace, say)
        try:
            shutil.rmtree(e.path, ignore_errors=True)
        finally:
            if fd is not None:
                os.close(fd)
        removed.append(Path(e.path))
    return removed


def lock(folder: Path, shared: bool = False) -> int | None:
    """An open descriptor holding a lock on `folder` (exclusive, or shared with other holders
    of a shared one), or None when someone else's lock stands in the way (or none can be
    taken here)."""
    if fcntl is None:
        return None
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _alive(pid: int) -> bool:
    """Whether a process with this id exists (one of another user's counts)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":  # pragma: no cover - no harmless signal 0 elsewhere: keep the folder
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def in_temp(prefix: str) -> Scratch:
    """A scratch folder in the system's temporary folder (`prefix` one of `TEMP_PREFIXES`)."""
    return Scratch(Path(tempfile.gettempdir()), prefix)
