"""Writing the output folder: a swap or staged changes for `build`, a byte-diff sync for `serve`.

Both writers take the same stream of files, each with a *key*: a digest of what its bytes
are made from. A file whose key is the one the last write used at that path, and which is
still on disk as written (size and modification time), need not be made again: it is left
alone (a build into a fresh tree links it there). Everything else is written (`serve`
writes it only when its bytes differ), and files no longer produced are removed.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import sys
import threading
import time
from contextlib import contextmanager
from functools import lru_cache, partial
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import scratch
from .memo import CACHE_DIR
from .records import Record

#: A file in every built site; only folders holding it are ever replaced or deleted.
MARKER = ".playbook-site"
MARKER_TEXT = b"Built by Playbook. This folder is replaced on every build.\n"
#: A folder whose times are this close to the start of a write's prune (ns) is not trusted by
#: the next build's (`Written.folders`): an entry added within the file system's clock tick of
#: them would leave them as they were (FAT's tick is 2 s; manifest.RACY_NS, for the notes).
FOLDER_RACY_NS = 3_000_000_000
#: A file replaced by a build in place whose old bytes are at least this many is freed in the
#: background (`TreeWriter._move_large`).
FREE_LATER_BYTES = 4 << 20


class Stale(Exception):
    """A file a new one is copied from changed while it was read."""


class Span:
    """Bytes start:end of the last file at a path, open as `fd` (`Writer.reading`): a
    build's writer copies them into the new file in the kernel (`copy_file_range`), never
    through Python: at 10,000 × 20 playbook.json is 117 MB, nearly all of it copied from the
    last one after an edit, which took 340–380 ms read and written and 31–40 ms this way."""

    __slots__ = ("fd", "start", "end")

    def __init__(self, fd: int, start: int, end: int):
        self.fd, self.start, self.end = fd, start, end

    def __len__(self) -> int:
        return self.end - self.start

    def copy_to(self, out: int) -> None:
        """Append the bytes to the file open as `out`; Stale when there are fewer."""
        at, left = self.start, self.end - self.start
        while left:
            n = _copy_range(self.fd, out, left, at)
            if n <= 0:  # shorter than when it was checked: changed in place since
                raise Stale()
            at, left = at + n, left - n


def _copy_range(src: int, out: int, count: int, at: int) -> int:
    """Copy up to `count` bytes of `src` from `at` to the end of `out`; how many were."""
    if hasattr(os, "copy_file_range"):
        try:
            return os.copy_file_range(src, out, count, at)
        except OSError as exc:  # not between these file systems, or not on this one
            if exc.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EPERM):
                raise
    data = os.pread(src, min(count, 1 << 23), at)
    _write_all(out, data)
    return len(data)


def _write_all(out: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(out, view):]


#: A file's bytes, whole or in pieces (the large files over all customers come in pieces,
#: and a build's may copy spans of the last file).
Data = bytes | Iterable[bytes | Span]


class BuildError(Exception):
    """The build cannot go on (a problem with the output folder, not with the content)."""


class Written(Record):
    """What one write left in the output folder, for the next one to compare against."""

    files: dict[str, tuple[str, int, int]]
    """Per file (relative path): its key, size and modification time (ns) as written."""
    groups: dict[str, tuple[str, tuple[str, ...]]]
    """Files made together (one customer's pages), by name: the key they were made under
    and their paths, so a group can be kept without being made again to learn its paths."""
    folders: dict[str, tuple[int, ...]] = {}
    """Every folder of the output as a build in place left it ('' the output itself): its
    inode, modification and change times (ns) and whether it holds files (1 or 0), or () when
    they cannot be trusted (changed by the write, or too recently). A folder whose inode and
    times are still these holds the same names (adding, removing or renaming an entry sets
    both times; no tool sets a change time back on POSIX), so the next build's prune need not
    list it (`prune`). Empty after a write that leaves foreign files in place (`serve`). As
    with the notes' signatures (manifest.py), a network file system whose client caches a
    folder's times longer than FOLDER_RACY_NS may hide a change made from another machine
    until they are read again."""


def observe(out: Path, last: Written) -> frozenset[str]:
    """The files of `last`, the write into `out` before, that `stat` finds not as written now
    (`Writer.has`), for a writer to take instead of asking each again (`Writer.take`). A build
    with a large site asks in a worker while it analyses, a core otherwise idle: at 10,000
    customers these 40,000 calls were 0.32–0.47 s of a one-note build's main process. A file
    kept on the look's word is recorded for the next build as the last write left it, so one
    changed after the look no longer matches the record, and the next build makes it again.
    Only whether to keep a file is answered so: the prune, which removes what the build did
    not make (a link put in the site among it) before anything is written, and `reading`, ask
    for themselves at the time."""
    w = Writer(out, last)
    return frozenset(rel for rel, known in last.files.items() if not w.has(rel, known[0]))


def check_out_dir(root: Path, out: Path) -> None:
    """Refuse outputs that would replace content: the root itself, a parent of it, or a folder
    that holds files Playbook did not write."""
    root, out = root.resolve(), out.resolve()
    if out == root or root.is_relative_to(out):
        raise BuildError(f"--out {out} would replace the playbook itself; choose a folder such as {root / 'site'}")
    if out.is_relative_to(root / "content") or out.is_relative_to(root / "templates"):
        raise BuildError(f"--out {out} is inside the content; choose a folder such as {root / 'site'}")
    if out.is_relative_to(root / CACHE_DIR):  # ("Invalid argument", or a site the cache's cleaning removes)
        raise BuildError(f"--out {out} is inside the build cache {CACHE_DIR}, which Playbook cleans; "
                         f"choose a folder such as {root / 'site'}")
    if out.exists():
        if not out.is_dir():
            raise BuildError(f"--out {out} is a file; choose a folder")
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise BuildError(f"{out} holds files Playbook did not write; refusing to replace it. "
                             "Empty it or choose another --out folder")


def _stat(path: Path | str) -> tuple[int, int] | None:
    try:  # a link put in the site (by hand: a build makes none) is never a file as written
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


#: Opening a new file never follows a link put in its place (O_NOFOLLOW is POSIX; elsewhere
#: the unlink before O_EXCL already stands in for it).
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def exchange(src: str | Path, dst: str | Path) -> bool:
    """Swap two existing paths at once (Linux's renameat2 with RENAME_EXCHANGE): `dst` then
    holds what `src` held, and `src` the old file; no moment without either. Unlike a replace
    of a file by a new one, it neither frees the old bytes nor, on ext4, makes the new file's
    blocks be allocated first (at 123 MB: 0.1 ms, against 8–70 ms). Like any new file written
    without `fsync`, the new one reaches the disk later: a crash before that leaves a file the
    next build finds not as written (size, time) and makes again. False, nothing moved, where
    it cannot be done (not Linux, a file system without it, `dst` missing)."""
    call = _renameat2()
    if call is None:
        return False
    return call(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), _RENAME_EXCHANGE) == 0


_AT_FDCWD, _RENAME_EXCHANGE = -100, 2  # <fcntl.h>, <linux/fs.h>


@lru_cache(maxsize=1)
def _renameat2() -> Callable[..., int] | None:
    """The C library's renameat2 (glibc has it since 2.28), which Python's `os` does not offer."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    try:
        call = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    call.restype = ctypes.c_int
    return call


def _dump(target: Path, data: Data) -> None:
    if isinstance(data, bytes):
        with open(target, "wb") as f:
            f.write(data)
        return
    with open(target, "wb", buffering=0) as f:  # unbuffered: spans are copied at the file's end
        fd = f.fileno()
        held: list[bytes] = []  # small pieces (a line each) are written together
        size = 0
        for piece in data:
            if isinstance(piece, Span):
                _write_all(fd, b"".join(held))
                held, size = [], 0
                piece.copy_to(fd)
                continue
            held.append(piece)
            size += len(piece)
            if size >= 1 << 16:
                _write_all(fd, b"".join(held))
                held, size = [], 0
        _write_all(fd, b"".join(held))


class Writer:
    """Common bookkeeping: which files were produced, under which key."""

    copies = False
    """Whether its `add` takes Spans among a file's pieces (`reading`)."""

    def __init__(self, out: Path, last: Written | None):
        self.out = out
        self.outs = str(out)
        self.last = last.files if last is not None else {}
        self.last_groups = last.groups if last is not None else {}
        self.keys: dict[str, str] = {}
        self.seen: dict[str, tuple[int, int]] = {}
        """What `has` found on disk as written (size, mtime): kept files need no second stat."""
        self.groups: dict[str, tuple[str, tuple[str, ...]]] = {}
        self.written = 0
        """Files whose bytes were written."""
        self.changed: list[str] | None = None
        """The files written or removed so far (relative), where the writer keeps count."""
        self.real: dict[str, bool] = {"": True}
        """Per folder of the output (relative): whether it and every folder above it is a
        folder, not a link (the answer for this build, asked once per folder)."""
        self.unlike: frozenset[str] | None = None
        """The last write's files not as written when looked at (`take`), if they were."""
        self.elsewhere: Written | None = None
        """What the last write into another output folder left, when newer than this one's
        (`manifest.newest_elsewhere`: CI's checkout at another path)."""

    def has(self, rel: str, key: str) -> bool:
        """Whether the file at `rel` was last written under `key` and is still as written
        (in place: a file seen through a link put in the site is not), or was when looked at
        (`take`)."""
        known = self.last.get(rel)
        if known is None or known[0] != key:
            return False
        if self.unlike is not None:  # looked at already
            intact = rel not in self.unlike
        else:
            # A plain string join: a Path per file was half the time of a rebuild's 4,000
            # checks (and `rpartition`, not `os.path.dirname`: `rel` is a plain relative path).
            intact = _stat(f"{self.outs}/{rel}") == known[1:] and self.in_folders(rel.rpartition("/")[0])
        if intact:
            self.seen[rel] = known[1:]
        return intact

    def take(self, unlike: frozenset[str]) -> None:
        """Answer `has` from what `observe` found of the last write's files a moment ago (those
        not as written), not by asking each again."""
        self.unlike = unlike

    @contextmanager
    def reading(self, rel: str) -> Iterator[tuple[str, Callable[[int, int], bytes | Span | None]] | None]:
        """The key the file at `rel` was last written under and a way to read ranges of it,
        while it is still as written (see `has`); else None. Opened once and checked on the
        open file: a file put in its place later is not read. A writer that `copies` is
        handed each range as a Span of the open file, to copy within this `with`."""
        known = self.last.get(rel)
        fd = None
        if known is not None and self.in_folders(os.path.dirname(rel)):
            try:  # never through a link, and never waiting on a FIFO put in its place
                fd = os.open(f"{self.outs}/{rel}", os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
            except OSError:
                fd = None
        try:
            if fd is not None:
                st = os.fstat(fd)
                if stat.S_ISREG(st.st_mode) and (st.st_size, st.st_mtime_ns) == known[1:]:
                    if self.copies:
                        yield known[0], partial(Span, fd)
                        return

                    def read(start: int, end: int) -> bytes | None:
                        try:
                            return os.pread(fd, end - start, start)
                        except OSError:
                            return None
                    yield known[0], read
                    return
            yield None
        finally:
            if fd is not None:
                os.close(fd)

    def in_folders(self, folder: str) -> bool:
        """Whether `folder` (relative to the output) and each folder above it is a real folder
        (missing counts as real: it will be made): a link put in the site would be followed."""
        found = self.real.get(folder)
        if found is None:
            try:
                linked = stat.S_ISLNK(os.lstat(f"{self.outs}/{folder}").st_mode)
            except OSError:
                linked = False
            found = self.real[folder] = not linked and self.in_folders(os.path.dirname(folder))
        return found

    def made_under(self, name: str, key: str) -> bool:
        """Whether group `name` was last made under `key` (its files unchecked: `kept_group`)."""
        known = self.last_groups.get(name)
        return known is not None and known[0] == key

    def made_before(self, name: str, key: str) -> bool:
        """Whether group `name` was made under `key` by the last write into this output, or by
        the newer one into another (`elsewhere`). Asked of a group not kept, it tells one lost
        since (a site removed, CI's fresh checkout with the memo restored) from a new one."""
        other = self.elsewhere.groups.get(name) if self.elsewhere is not None else None
        return self.made_under(name, key) or (other is not None and other[0] == key)

    def wrote_before(self, rel: str, key: str) -> bool:
        """`made_before` for one file."""
        known = self.last.get(rel)
        other = self.elsewhere.files.get(rel) if self.elsewhere is not None else None
        return (known is not None and known[0] == key) or (other is not None and other[0] == key)

    def kept_group(self, name: str, key: str) -> tuple[str, ...] | None:
        """The paths of group `name` when it was last made under `key` and every file of it
        is still as written (see `has`; every file of a group has the group's key: its path
        is already the name it is kept under)."""
        if not self.made_under(name, key):
            return None
        known = self.last_groups[name]
        return known[1] if all(self.has(rel, key) for rel in known[1]) else None

    def adopt(self, rel: str, key: str, wrote: bool, seen: tuple[int, int] | None) -> None:
        """Take in a file that a forked worker added to its copy of this writer (in the same
        folders): `wrote`, its bytes were written; `seen`, what `has` found of it on disk."""
        self.keys[rel] = key
        if wrote:
            self.written += 1
            self.seen.pop(rel, None)
            self._wrote(rel)
        elif seen is not None:
            self.seen[rel] = seen

    def _wrote(self, rel: str) -> None:
        """What a writer keeps of a file whose bytes it wrote, besides its key."""

    def group(self, name: str, key: str, paths: tuple[str, ...]) -> None:
        self.groups[name] = (key, paths)

    def settle(self) -> None:
        """Wait for what the write still does in the background (freeing the old bytes of
        the files it replaced): before the build returns."""

    def result(self, folders: dict[str, tuple[int, ...]] | None = None) -> Written:
        found = {}
        for rel, key in self.keys.items():
            st = self.seen.get(rel) or _stat(f"{self.outs}/{rel}")
            if st is not None:
                found[rel] = (key, *st)
        return Written(found, dict(self.groups), folders or {})


class TreeWriter(Writer):
    """`build`: a failed build leaves the previous site as it was. The first build into a
    folder (or one whose last write is unknown) writes every file into a fresh folder beside
    the output and swaps it in. A build after one it knows the output of stages only the
    files whose bytes must be made, and once every file is made moves them in, each whole
    (os.replace), and removes what is no longer made: the cost of a one-note edit is that
    note's files, where linking 41,000 kept files into a new tree and removing the old one
    took 5 s at 10,000 customers. A build killed while moving leaves each file whole, and the
    next build, comparing the files with its manifest, makes again what does not match."""

    copies = True

    def __init__(self, out: Path, last: Written | None):
        super().__init__(out, last)
        out.parent.mkdir(parents=True, exist_ok=True)
        # A scratch folder where a killed build's leftovers are found and removed by the next
        # (scratch.py), and where git ignores them meanwhile.
        self.home = scratch.site_home(out)
        scratch.sweep_sites(out, self.home)
        self.scratch = scratch.Scratch(self.home, scratch.site_prefix(out, self.home, "new"))
        self.tmp = self.scratch.path
        self.made: set[Path] = set()
        self.in_place = last is not None and (out / MARKER).is_file()
        self.last_folders = last.folders if last is not None else {}
        self.staged: list[str] = []
        self.kept_old = 0
        """Files replaced whose old bytes are left in the scratch folder (`_move_large`)."""
        self.freeing: threading.Thread | None = None

    def add(self, rel: str, key: str, data: Data | None) -> None:
        """Add a file; `data` None keeps the last build's (only after `has` said it may)."""
        self.keys[rel] = key
        if data is None and self.in_place:
            return  # it stays where it is
        target = self.tmp / rel
        if target.parent not in self.made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.made.add(target.parent)
        if data is None:
            try:  # the old site is removed after the swap; the link keeps the file
                os.link(self.out / rel, target)
            except OSError:  # a file system without hard links
                shutil.copy2(self.out / rel, target)
        else:
            _dump(target, data)
            self.written += 1
            self.seen.pop(rel, None)
            self._wrote(rel)

    def _wrote(self, rel: str) -> None:
        self.staged.append(rel)

    def finish(self) -> Written:
        if self.in_place:
            return self._move_in()
        (self.tmp / MARKER).write_bytes(MARKER_TEXT)
        os.chmod(self.tmp, 0o755)  # mkdtemp makes it private; a site is meant to be served
        old = None
        try:
            if self.out.exists():
                old = scratch.Scratch(self.home, scratch.site_prefix(self.out, self.home, "old"))
                os.replace(self.out, old.path / "site")
            try:
                os.replace(self.tmp, self.out)
            except BaseException:
                if old is not None:
                    os.replace(old.path / "site", self.out)  # the last site stays
                raise
        finally:
            if old is not None:
                old.remove()
            self.scratch.release()
            scratch.tidy(self.home)
        return self.result()

    def _move_in(self) -> Written:
        try:
            # First what is no longer made, and any link in the site (so nothing is written
            # through one, out of the output folder); then what was made.
            # Times are trusted only when older than the prune that read them by the margin:
            # moving a template change's 41,000 files in may take longer than it.
            began = time.time_ns()
            folders = prune(self.out, set(self.keys), self.last, self.last_folders)
            if not _marker_intact(self.out):  # changed by hand: as a new site has it
                try:
                    os.unlink(self.out / MARKER)
                except FileNotFoundError:  # a folder or link there is pruned already
                    pass
                # A new file, never through a link put there since.
                with os.fdopen(os.open(self.out / MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644),
                               "wb") as f:
                    f.write(MARKER_TEXT)
                folders[""] = ()
            made: set[Path] = set()
            for rel in self.staged:
                target = self.out / rel
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                    _changed(folders, os.path.dirname(rel))
                known = self.last.get(rel)
                if known is not None and known[1] >= FREE_LATER_BYTES:
                    self._move_large(self.tmp / rel, target)
                else:
                    os.replace(self.tmp / rel, target)
        finally:
            if self.kept_old:
                # The old bytes go with the scratch folder, in a thread, while the build writes
                # its manifest (`settle` waits for it).
                self.freeing = threading.Thread(target=self._remove_scratch, name="playbook-free")
                self.freeing.start()
            else:
                self._remove_scratch()
        return self.result(_trusted(folders, began))

    def _move_large(self, staged: Path, target: Path) -> None:
        """Move a new file in over a large old one (playbook.json: 123 MB at 10,000
        customers), leaving the old bytes in the scratch folder to be freed beside the
        build's end. A replace took 65–110 ms of every one-note build, up to 0.9 s while the
        last build's copy was still being written to disk: it frees the old bytes, and on
        ext4 it first allocates the new file's blocks (`auto_da_alloc`). A swap (`exchange`)
        does neither; else the old file is linked into the scratch folder and replaced."""
        try:
            regular = stat.S_ISREG(os.lstat(target).st_mode)
        except OSError:
            regular = False
        if regular and exchange(staged, target):
            self.kept_old += 1
            return
        try:
            os.link(target, self.tmp / f".replaced-{self.kept_old}", follow_symlinks=False)
            self.kept_old += 1
        except OSError:  # gone, or a file system without hard links: freed by the replace
            pass
        os.replace(staged, target)

    def _remove_scratch(self) -> None:
        self.scratch.remove()
        scratch.tidy(self.home)

    def settle(self) -> None:
        if self.freeing is not None:
            self.freeing.join()
            self.freeing = None

    def abort(self) -> None:
        self.settle()
        self._remove_scratch()


def prune(out: Path, keep: set[str], last: dict[str, tuple[str, int, int]] | None = None,
          known: dict[str, tuple[int, ...]] | None = None) -> dict[str, tuple[int, ...]]:
    """Remove every file of `out` not in `keep` (relative paths; the marker stays), every
    link (a build makes none; the walk does not follow them), and the folders that leaves
    empty: the output holds exactly what the build made. One listing per folder, whose
    entries' kinds need no `stat` (at 10,000 customers an `lstat` of each of 41,000 files and
    a second listing of each of 20,000 folders took half a second of a one-note build).

    `last`, `known`: the files and folders (`Written.folders`) the last build in place left.
    A folder whose inode and times are as that build left them holds the names it left, so it
    is not listed: none of its files is gone (else it is listed), and its folders are known
    (at 10,000 customers listing every folder was 150–200 ms of a one-note build). Returns
    every folder left, as `Written.folders` holds them (unchanged by this prune, or ())."""
    keep = keep | {MARKER}
    known = known or {}
    gone_in = {os.path.dirname(rel) for rel in last.keys() - keep} if known and last else set()
    below: dict[str, list[str]] = {}
    for rel in known:
        if rel:
            below.setdefault(os.path.dirname(rel), []).append(rel)
    found: dict[str, tuple[int, ...]] = {}
    _prune(str(out), "", keep, known if last else {}, gone_in, below, found)
    return found


def _prune(folder: str, rel: str, keep: set[str], known: dict[str, tuple[int, ...]], gone_in: set[str],
           below: dict[str, list[str]], found: dict[str, tuple[int, ...]], st: os.stat_result | None = None) -> bool:
    """Prune `folder` (`rel` its path in the output, "" for the output itself), recording it
    in `found`; True when it is left empty (and so removed by the caller). `st`: what `lstat`
    said of it just now (the caller's, asking whether it is a folder)."""
    st = st or os.lstat(folder)
    now = (st.st_ino, st.st_mtime_ns, st.st_ctime_ns)
    was = known.get(rel)
    if was and was[:3] == now and rel not in gone_in and stat.S_ISDIR(st.st_mode):
        # As the last build left it: its files all kept, its folders those it left.
        left = bool(was[3])
        found[rel] = was
        for sub in below.get(rel, ()):
            path = f"{folder}/{os.path.basename(sub)}"
            try:
                sub_st = os.lstat(path)
                if not stat.S_ISDIR(sub_st.st_mode):  # cannot be, the folder being as left
                    raise FileNotFoundError(path)
            except FileNotFoundError:
                return _prune(folder, rel, keep, {}, gone_in, below, found)  # listed after all
            # Its `lstat` is taken once: asked a second time inside, the prune of a one-note
            # build at 10,000 customers took 74 ms against 54 (medians of 12, in turn).
            if _prune(path, sub, keep, known, gone_in, below, found, sub_st):
                os.rmdir(path)
                found.pop(sub, None)
                found[rel] = ()
            else:
                left = True
        return not left
    left = files = changed = False
    prefix = f"{rel}/" if rel else ""
    with os.scandir(folder) as it:
        entries = list(it)
    for e in entries:
        if e.is_symlink():
            os.unlink(e.path)
            changed = True
        elif e.is_dir(follow_symlinks=False):
            sub = f"{prefix}{e.name}"
            if _prune(e.path, sub, keep, known, gone_in, below, found):
                os.rmdir(e.path)
                found.pop(sub, None)
                changed = True
            else:
                left = True
        elif f"{prefix}{e.name}" in keep:
            left = files = True
        else:
            os.unlink(e.path)
            changed = True
    found[rel] = () if changed or not stat.S_ISDIR(st.st_mode) else (*now, int(files))
    return not left


def _changed(folders: dict[str, tuple[int, ...]], rel: str) -> None:
    """Mark folder `rel` changed (a file moved into it), with each folder above it that had
    none of its folders a moment ago (made by `mkdir(parents=True)`)."""
    while True:
        existed = rel in folders
        folders[rel] = ()
        if existed or not rel:
            return
        rel = os.path.dirname(rel)


def _trusted(folders: dict[str, tuple[int, ...]], now: int) -> dict[str, tuple[int, ...]]:
    """`folders` with the times of those changed within FOLDER_RACY_NS of `now` (taken before
    they were read) dropped; all of them where a folder's times do not tell its entries
    changed (Windows, whose `st_ctime` is the creation time, so a tool that puts a file in a
    folder and sets its modification time back would go unseen)."""
    if os.name != "posix":
        return dict.fromkeys(folders, ())
    edge = now - FOLDER_RACY_NS
    return {rel: f if f and f[1] < edge and f[2] < edge else () for rel, f in folders.items()}


class SyncWriter(Writer):
    """`serve`: the output folder brought in line in place, writing only files whose bytes
    changed (a whole-folder swap would make every open page flash)."""

    def __init__(self, out: Path, last: Written | None):
        super().__init__(out, last)
        out.mkdir(parents=True, exist_ok=True)
        self.ready: set[str] = set()
        """Folders made sure of by `_folder` in this write."""
        self.changed = [] if last is not None else None  # without a last write, all may change
        if not (out / MARKER).exists():
            (out / MARKER).write_bytes(MARKER_TEXT)

    def add(self, rel: str, key: str, data: Data | None) -> None:
        self.keys[rel] = key
        if data is None:
            return
        self.seen.pop(rel, None)
        folder, name = os.path.split(rel)
        self._folder(folder)
        target = f"{self.outs}/{rel}"
        data = data if isinstance(data, bytes) else b"".join(data)
        try:
            st = os.lstat(target)
        except FileNotFoundError:
            pass
        else:  # a link put there is replaced below, never read or written through
            if stat.S_ISREG(st.st_mode) and st.st_size == len(data):
                with open(target, "rb") as f:
                    if f.read() == data:
                        return
        tmp = f"{self.outs}/{folder}/.{name}.tmp" if folder else f"{self.outs}/.{name}.tmp"
        try:
            os.unlink(tmp)  # a leftover, or a link someone put in its place
        except FileNotFoundError:
            pass
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644), "wb") as f:
            f.write(data)
        os.replace(tmp, target)  # a reader never sees half a file; a link at `target` is replaced
        self.written += 1
        self._wrote(rel)

    def _wrote(self, rel: str) -> None:
        if self.changed is not None:
            self.changed.append(rel)

    def _folder(self, folder: str) -> None:
        """Make `folder` (relative) a real folder, each one above it too: a link put in the
        site where a folder is (or a file) is removed, so nothing is written through it."""
        if folder == "" or folder in self.ready:
            return
        self._folder(os.path.dirname(folder))
        path = f"{self.outs}/{folder}"
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            os.mkdir(path)
        else:
            if not stat.S_ISDIR(st.st_mode):  # lstat: a link to a folder is not one
                os.unlink(path)
                os.mkdir(path)
        self.ready.add(folder)
        self.real[folder] = True

    def _unlink_gone(self, rel: str) -> None:
        """Remove a file the last write made; when a folder on its way is a link put in the
        site, remove the link instead (what it points at is not the site's)."""
        folder = os.path.dirname(rel)
        if not self.in_folders(folder):
            while not self.in_folders(os.path.dirname(folder)):
                folder = os.path.dirname(folder)
            try:  # the topmost link on the way
                os.unlink(f"{self.outs}/{folder}")
            except FileNotFoundError:
                pass
            self.real = {"": True}  # folders below the link are now missing, so real
            return
        try:
            os.unlink(f"{self.outs}/{rel}")
        except FileNotFoundError:
            pass

    def finish(self) -> Written:
        if self.last:
            # What the last write left, less what this one made, goes; no walk of the whole
            # folder (20,000 files at 10,000 customers). A file someone put there by hand stays
            # until a build without a manifest (or `playbook build`, which swaps the folder).
            gone = [rel for rel in self.last if rel not in self.keys]
            for rel in gone:
                self._unlink_gone(rel)
            if self.changed is not None:
                self.changed += gone
            for folder in sorted({os.path.dirname(rel) for rel in gone if "/" in rel}, key=len, reverse=True):
                try:
                    os.removedirs(self.out / folder)  # it and its parents, while empty
                except OSError:
                    pass
            return self.result()
        prune(self.out, set(self.keys))
        return self.result()

    def abort(self) -> None:
        pass  # files written so far are whole; the next rebuild brings the rest in line


def write_in_place(out: Path, files: Iterable[tuple[str, bytes]]) -> tuple[str, ...]:
    """Write files into `serve`'s output as `SyncWriter` does (each whole, only where its bytes
    differ, never through a link) ahead of a rebuild (early.py), which then finds them as it
    makes them; return those whose bytes were written."""
    writer = SyncWriter(out, None)
    writer.changed = []
    for rel, data in files:
        writer.add(rel, "", data)
    return tuple(writer.changed)


def _marker_intact(out: Path) -> bool:
    """Whether the marker is a file (not a link) holding MARKER_TEXT."""
    try:  # never through a link, and never waiting on a FIFO put in its place
        fd = os.open(out / MARKER, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    with os.fdopen(fd, "rb") as f:
        return stat.S_ISREG(os.fstat(f.fileno()).st_mode) and f.read(len(MARKER_TEXT) + 1) == MARKER_TEXT


def output_intact(out: Path, written: Written) -> bool:
    """Whether `out` holds exactly the files of `written`, each as written, and the marker,
    and no folder or link besides theirs (a build makes no empty folder and no link)."""
    if not _marker_intact(out):
        return False
    files = written.files
    seen = 0

    def intact(folder: str, prefix: str) -> bool:
        nonlocal seen
        with os.scandir(folder) as it:
            entries = list(it)
        if not entries:
            return False  # an empty folder, put there by hand
        for e in entries:
            if e.is_symlink():
                return False
            rel = f"{prefix}{e.name}"
            if e.is_dir():
                if not intact(e.path, f"{rel}/"):
                    return False
            elif rel != MARKER:
                known = files.get(rel)
                if known is None or _stat(e.path) != known[1:]:
                    return False
                seen += 1
        return True

    try:
        return intact(str(out), "") and seen == len(files) and bool(files)
    except OSError:
        return False
