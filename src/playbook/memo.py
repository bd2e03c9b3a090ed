"""The memo: results of pure build steps, stored under the digest of all of their inputs.

An entry's name *is* its key: `ROOT/.playbook-cache/v4/<tool>/<kind>/<key[:1]>/<key>`. Keys are
made with `key()`, which always includes the tool (Playbook's source, its libraries' versions,
Python's version), so two different values can never share a name. An entry is written once
and never replaced; there is no lookup by prefix or by "the last one". A stale entry is simply
one whose name nobody asks for any more, and `sweep` removes those after a build.

Each tool has a store of its own (`<tool>`, held by every build and `serve` using it): a
sweep removes what its own build did not ask for, and a `serve` left running from before an
upgrade would otherwise remove everything the new version's builds store (at 1,000 × 50 each
`playbook build` then analysed every customer again, 40 s). Another tool's store is removed
once nobody holds it (`Memo.hold`).

Each file starts with a header line (magic, the key, a CRC and the length of the payload), so
a truncated, corrupt or misplaced file is a miss, never a wrong value. An entry is written once,
under its own name; one cut short is a miss, and removed when read.

`serve` adds a layer in memory over the same store: the model stays in the process, and a
rebuild after an edit unpickles nothing.

The entries are pickles: like any pickle, the cache must not come from someone else (it is
gitignored, a cache git tracks is refused, and CI restores only the default branch's own
cache). A link in it is refused too (`refusal`): cleaning it would remove files elsewhere.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import re
import shutil
import stat
import sys
import tempfile
import time
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

from . import __version__
from .gitinfo import tracks
from .scratch import lock

CACHE_DIR = ".playbook-cache"
#: Bump when the layout of the store changes (4: sixteen folders of entries per kind, not 256).
FORMAT = 4
#: Where no file lock can be taken, another tool's store is removed once unused this long (s).
UNHELD_AGE = 3600.0
_MAGIC = b"PLAYBOOK-MEMO"
#: Opening an entry to write it never follows a link put in its place (O_NOFOLLOW is POSIX).
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def digest(*parts: bytes | str) -> str:
    """A short, stable digest of some inputs (length-prefixed, so parts cannot run together)."""
    h = hashlib.blake2b(digest_size=20)
    for p in parts:
        b = p.encode("utf-8", "surrogatepass") if isinstance(p, str) else p
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


def fingerprint(value: Any, stand_in: Callable[[Any], str | None] | None = None) -> str | None:
    """A digest of a value's pickle made without pickle's memo, so it does not depend on which
    equal parts happen to be one object (a customer fresh from analysis shares strings that
    one read from the memo does not). None for a value that cannot be pickled so (or nests
    itself). `stand_in(obj)`: a digest of `obj`'s own fingerprint, pickled in its place (as a
    persistent id, which no plain value pickles as), or None to pickle it."""
    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL) if stand_in is None else _StandIns(buf, stand_in)
    p.fast = True
    try:
        p.dump(value)
    except Exception:
        return None
    return digest(buf.getvalue())


class _StandIns(pickle.Pickler):
    def __init__(self, buf: io.BytesIO, stand_in: Callable[[Any], str | None]):
        super().__init__(buf, protocol=pickle.HIGHEST_PROTOCOL)
        self.stand_in = stand_in

    def persistent_id(self, obj: Any) -> str | None:  # pickle's documented hook
        return self.stand_in(obj)


#: Inputs up to this many characters in all make a key worth remembering (`key`).
KEY_REMEMBERED_MAX = 4096


def key(step: str, *inputs: bytes | str) -> str:
    """The memo key of a step: its name, the tool, and every input it reads. Remembered when
    its inputs are small: `serve` asks for the same few thousand keys after every edit, while
    a parse key's inputs are a whole folder's bytes, which a cache would hold for the whole
    build (at 2,000 customers × 20 notes, all of the playbook)."""
    if sum(map(len, inputs)) <= KEY_REMEMBERED_MAX:
        return _remembered_key(step, *inputs)
    return digest(step, tool_digest(), *inputs)


@lru_cache(maxsize=2**16)
def _remembered_key(step: str, *inputs: bytes | str) -> str:
    return digest(step, tool_digest(), *inputs)


#: The libraries whose upgrade can change what is made (pages, notes' HTML, YAML read), by
#: distribution name, with the package each installs.
LIBRARIES = (("jinja2", "jinja2"), ("markupsafe", "markupsafe"), ("markdown-it-py", "markdown_it"),
             ("msgspec", "msgspec"), ("pyyaml", "yaml"))


@lru_cache(maxsize=1)
def tool_digest() -> str:
    """Playbook's version, its own source files, its libraries' versions and Python's: what
    any memoised result may depend on besides its named inputs."""
    pkg = Path(__file__).resolve().parent
    parts: list[bytes | str] = [__version__, str(FORMAT), sys.version.split()[0]]
    parts += [f"{name}={installed_version(name, module)}" for name, module in LIBRARIES]
    for f in sorted(pkg.rglob("*.py")):
        parts += [f.relative_to(pkg).as_posix(), f.read_bytes()]
    return digest(*parts)


def installed_version(name: str, module: str) -> str:
    """The version of distribution `name`, which installs package `module`, or '-'. Every
    build asks (the store's name holds it), so it is read from the name of the installer's
    record beside the package (PEP 427: `<name>-<version>.dist-info`), without importing
    `importlib.metadata`, which took 20–35 ms of each build; any other layout asks it."""
    import importlib.util
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    places = list(spec.submodule_search_locations or []) if spec is not None else []
    if len(places) == 1:
        try:
            records = [e[:-len(".dist-info")].partition("-") for e in os.listdir(os.path.dirname(places[0]))
                       if e.endswith(".dist-info")]
        except OSError:
            records = []
        found = [version for dist, _, version in records if _normal(dist) == _normal(name) and version]
        if len(found) == 1:
            return found[0]
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


def _normal(name: str) -> str:
    # PEP 503's normal form, with "_" (what PEP 427 escapes a name to); older installers kept case.
    return re.sub(r"[-_.]+", "_", name).lower()


class Memo:
    """Content-addressed entries by (kind, key), on disk under `root` and optionally in memory.

    With `root=None` nothing is read from or written to disk (a cold build); `memory=True`
    keeps every entry put or read in this process too (`serve`)."""

    def __init__(self, root: Path | None, memory: bool = False, kinds: frozenset[str] | None = None):
        self.dir = root / CACHE_DIR / f"v{FORMAT}" / tool_digest()[:16] if root is not None else None
        self.held: int | None = None
        """The descriptor of the shared lock on `dir` while held (`hold`)."""
        self.mem: dict[tuple[str, str], Any] | None = {} if memory else None
        self.kinds = kinds
        """The kinds written to disk (None: all). A `--no-cache` build's scratch memo holds
        only what the build reads back itself; the rest would be written and removed unread."""
        self.used: dict[str, set[str]] = {}
        """Keys asked for or stored during this build, per kind: what `sweep` keeps."""
        self.spent: dict[str, set[str]] = {}
        """The last build's `used`, until `settle`."""
        self.made: set[str] = set()
        """Folders of entries this process (or the one it was forked from) made or found."""
        self.listed: dict[str, tuple[int, list[str]]] = {}
        """Per folder of entries, its modification time and names when `sweep` last listed it:
        `serve` sweeps after every edit, and listing its 1,800 folders was a twelfth of a
        rebuild at 1,000 × 50. A folder whose time has not moved holds the same names (an
        entry added in the same clock tick is only left for a later sweep: nothing used is
        ever removed)."""

    @property
    def on_disk(self) -> bool:
        return self.dir is not None

    def stores(self, kind: str) -> bool:
        """Whether entries of `kind` are written to disk (what is not need not be pickled)."""
        return self.dir is not None and (self.kinds is None or kind in self.kinds)

    def _path(self, kind: str, k: str) -> str:
        assert self.dir is not None
        # Sixteen folders a kind: on ext4 a new folder costs several times a new file, and
        # with 256 a first build at 200 customers made about 950 of them (a quarter of its kernel
        # time); 10,000 customers make 625 entries a folder, which a directory index handles.
        # A string, not a Path: joining Paths was a fifth of reading 10,000 slim units back.
        return f"{self.dir}/{kind}/{k[:1]}/{k}"

    def get(self, kind: str, k: str, mark: bool = True) -> Any | None:
        """The value stored under `k`, or None. `mark`: mark it used (else the sweep removes it
        unless something else does)."""
        if mark:
            self.used.setdefault(kind, set()).add(k)
        if self.mem is not None and (kind, k) in self.mem:
            return self.mem[(kind, k)]
        raw = self.get_pickled(kind, k, mark)
        if raw is None:
            return None
        try:
            value = pickle.loads(raw)
        except Exception:  # any unpickling failure means "not stored"
            return None
        if self.mem is not None:
            self.mem[(kind, k)] = value
        return value

    def keep(self, kind: str, k: str) -> None:
        """Mark an entry as used by this build without reading it (its result is still on disk
        in the output, say): the sweep leaves it for a build that needs it again."""
        self.used.setdefault(kind, set()).add(k)

    def keep_all(self, kind: str, keys: Iterable[str]) -> None:
        """`keep` each of `keys`."""
        self.used.setdefault(kind, set()).update(keys)

    def recall(self, kind: str, k: str) -> Any | None:
        """The value in memory only (None without a memory layer or when not there)."""
        self.used.setdefault(kind, set()).add(k)
        return self.mem.get((kind, k)) if self.mem is not None else None

    def remember(self, kind: str, k: str, value: Any) -> None:
        """Keep a value in memory only (with a memory layer)."""
        self.used.setdefault(kind, set()).add(k)
        if self.mem is not None:
            self.mem[(kind, k)] = value

    def get_pickled(self, kind: str, k: str, mark: bool = True) -> bytes | None:
        """The entry's pickle from disk, checked (key, length, CRC) but not unpickled.
        `mark`: mark it used (else only what reads it ahead knows it may be needed)."""
        if mark:
            self.used.setdefault(kind, set()).add(k)
        if self.dir is None:
            return None
        path = self._path(kind, k)
        try:
            data = read_entry(path)
        except OSError:
            return None
        found = payload_of(data, k)
        if found is None:
            # Damaged, or cut short by a writer killed (or still writing: its entry is only
            # lost). Removed, so the next `put` writes it again rather than finding it there.
            try:
                os.unlink(path)
            except OSError:
                pass
        return found

    def has_pickled(self, kind: str, k: str) -> bool:
        """Whether the entry is on disk (unchecked; marks it used)."""
        self.used.setdefault(kind, set()).add(k)
        return self.dir is not None and os.path.exists(self._path(kind, k))

    def put(self, kind: str, k: str, value: Any, pickled: bytes | None = None) -> None:
        """Store `value` under `k` (once: an existing entry of that name already holds it)."""
        self.used.setdefault(kind, set()).add(k)
        if self.mem is not None:
            self.mem[(kind, k)] = value
        if self.stores(kind):
            self.put_pickled(kind, k, pickled if pickled is not None
                             else pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def put_pickled(self, kind: str, k: str, payload: bytes) -> None:
        if not self.stores(kind):
            return
        target = self._path(kind, k)
        folder = os.path.dirname(target)
        try:
            if folder not in self.made:
                os.makedirs(folder, exist_ok=True)
                self.made.add(folder)
            # Written under its own name, once: the header's length and CRC make an entry cut
            # short (a writer killed, or still writing) a miss, which `get_pickled` removes. A
            # temporary file linked into place cost two more changes to the folder an entry: a
            # first build at 1,000 × 50 writes 5,000 entries, beside as many other processes'.
            try:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0),
                             0o600)
            except FileExistsError:
                return  # stored already: an entry's name is its key, so it holds this value
            except FileNotFoundError:  # the folder went since (removed by hand)
                self.made.discard(folder)
                raise
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(header(payload, k))
                    f.write(payload)
            except BaseException:
                try:
                    os.unlink(target)  # not left cut short
                except OSError:
                    pass
                raise
        except OSError:
            pass  # a memo that cannot be written only makes the next build slower

    def sweep(self, kinds: tuple[str, ...]) -> None:
        """Remove the entries of `kinds` this build did not use (and, in memory, forget them).

        A kind this build never asked for is left whole: another way of building keeps it
        (`serve` holds the search shards in memory, a plain build keeps what each shard split
        into here), and two ways used on one playbook must not empty each other's memo."""
        swept = {kind: self.used[kind] for kind in kinds if kind in self.used}
        if self.mem is not None:
            for mk in [mk for mk in self.mem if mk[0] in swept and mk[1] not in swept[mk[0]]]:
                del self.mem[mk]
        if self.dir is None:
            return
        for kind, keep in swept.items():
            try:
                shards = list(os.scandir(self.dir / kind))
            except OSError:
                continue
            for shard in shards:
                if not shard.is_dir(follow_symlinks=False):
                    continue  # never removes through a link put here since `refusal` looked
                try:
                    mtime = shard.stat(follow_symlinks=False).st_mtime_ns
                    listed = self.listed.get(shard.path)
                    names = listed[1] if listed is not None and listed[0] == mtime else os.listdir(shard.path)
                except OSError:
                    continue
                gone = [name for name in names if name not in keep]
                for name in gone:
                    try:
                        os.unlink(os.path.join(shard.path, name))
                    except OSError:
                        pass
                if gone:
                    self.listed.pop(shard.path, None)
                else:
                    self.listed[shard.path] = (mtime, names)

    def begin(self) -> None:
        """Start a new build: nothing used yet. The last build's record is kept aside until
        `settle`: freeing its tens of thousands of keys was the largest step before `serve`'s
        edited page once the machine had left it idle for seconds (each key a read of memory
        gone cold: 64 ms at 10,000 customers, 8 ms right after a rebuild)."""
        self.spent, self.used = self.used, {}
        self._mark()

    def settle(self) -> None:
        """Free what `begin` kept aside (`serve`, once a rebuild is written)."""
        self.spent = {}

    def hold(self) -> None:
        """Hold this tool's store (a lock shared by every build and `serve` using it, which
        goes with the process however it ends) until `release`, and remove the stores nobody
        holds: of other tools (a Playbook since upgraded, other libraries) and older formats.
        Where no lock can be taken (not POSIX; a network file system without locks), a store
        counts as held while used within `UNHELD_AGE` (each build marks its own)."""
        if self.dir is None or self.held is not None:
            return
        for _ in range(3):
            try:
                self.dir.mkdir(parents=True, exist_ok=True)
            except OSError:
                return  # a memo that cannot be written only makes builds slower
            fd = lock(self.dir, shared=True)
            if fd is None:  # no locks here, or being removed right now as no one held it
                continue
            try:
                if os.stat(self.dir).st_ino == os.fstat(fd).st_ino:  # not the one just removed
                    self.held = fd
                    break
            except OSError:
                pass
            os.close(fd)
        self._mark()
        _remove_unheld(self.dir.parent, self.dir.name, locked=self.held is not None)
        clear_old_formats(self.dir.parents[2])

    def _mark(self) -> None:
        """Without a lock, the store's time says it is in use."""
        if self.held is None and self.dir is not None:
            try:
                os.utime(self.dir)
            except OSError:
                pass

    def release(self) -> None:
        if self.held is not None:
            os.close(self.held)
            self.held = None


def _remove_unheld(base: Path, mine: str, locked: bool) -> None:
    """Remove the stores in `base` (another tool's) that no build or `serve` holds. Each is
    first moved aside under the lock, so one that starts using it meanwhile makes a new one.
    `locked`: locks work here; else a store is removed once unused for `UNHELD_AGE`."""
    try:
        entries = [e for e in os.scandir(base) if e.name != mine and e.is_dir(follow_symlinks=False)]
    except OSError:
        return
    for e in entries:
        if not locked:
            try:
                if time.time() - e.stat(follow_symlinks=False).st_mtime > UNHELD_AGE:
                    shutil.rmtree(e.path, ignore_errors=True)
            except OSError:
                pass
            continue
        fd = lock(Path(e.path))
        if fd is None:
            continue  # held: a build or `serve` of that tool is running
        try:
            gone = e.path if e.name.startswith(".gone-") else tempfile.mkdtemp(prefix=".gone-", dir=base)
            if gone != e.path:
                os.replace(e.path, gone)  # onto the empty folder just made
            shutil.rmtree(gone, ignore_errors=True)
        except OSError:
            pass
        finally:
            os.close(fd)


#: An entry is read with one `read` of this many bytes first. Most are smaller (a slim unit at
#: 10,000 × 20 is about 6.5 KB), and a short read of a regular file is its end: `readall`
#: also asked for the file's size and read once more to find the end. Reading back 10,000
#: slim units took 78–84 ms where `readall` took 115–121 ms (in one process, three rounds).
FIRST_READ = 1 << 16
#: Never through a link put in an entry's place, and never waiting on a FIFO put there.
_READ_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def read_entry(path: str) -> bytes:
    """The bytes of the entry at `path` (OSError when it cannot be read, or is no regular file
    yet longer than `FIRST_READ`; a shorter one of another kind reads as damaged). Not
    `reading.read_file`, which is for what people wrote: it takes the file's size first and
    explains a refusal to them, and a build reads 10,000 entries a time."""
    fd = os.open(path, _READ_FLAGS)
    try:
        data = os.read(fd, FIRST_READ)
        if len(data) < FIRST_READ:
            return data
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # a device would never end
            raise OSError(f"{path}: not a regular file")
        parts = [data]
        while more := os.read(fd, max(st.st_size, 1 << 20)):  # the rest at once, then its end
            parts.append(more)
        return b"".join(parts)
    finally:
        os.close(fd)


def header(payload: bytes, k: str) -> bytes:
    return b" ".join([_MAGIC, k.encode(), b"%08x" % zlib.crc32(payload), b"%d" % len(payload)]) + b"\n"


def payload_of(data: bytes, k: str) -> bytes | None:
    """The payload, when the header names `k` and the payload is whole."""
    nl = data.find(b"\n", 0, 256)
    if nl < 0:
        return None
    head = data[:nl].split(b" ")
    payload = data[nl + 1:]
    if len(head) != 4 or head[0] != _MAGIC or head[1] != k.encode():
        return None
    try:
        if int(head[3]) != len(payload) or int(head[2], 16) != zlib.crc32(payload):
            return None
    except ValueError:
        return None
    return payload


def refusal(root: Path) -> str | None:
    """Why ROOT/.playbook-cache must not be used (read, written or cleaned), or None.

    - A link in its place, or in any folder Playbook makes in it down to an entry's: cleaning
      old stores and sweeping unused entries would remove files wherever the link points (a
      cloned repo can carry such a link), and entries would be written there.
    - Tracked by git: an entry is a pickle, and one written by someone else can run code when
      read; a cache that came with the repository is someone else's."""
    base = root / CACHE_DIR
    try:
        if not stat.S_ISDIR(os.lstat(base).st_mode):
            return "is a link, or not a folder"
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be looked at ({exc.strerror})"
    store = base / f"v{FORMAT}" / tool_digest()[:16]
    for folder in (base / f"v{FORMAT}", store):
        try:
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                return f"holds a link, or a file, in place of the folder {folder.relative_to(root).as_posix()}"
        except FileNotFoundError:
            break
        except OSError as exc:
            return f"cannot be looked at ({exc.strerror})"
    else:
        # The kinds' folders and their sixteen shards: `sweep` lists and removes in them.
        for kind in _scan(store):
            if kind.is_symlink():
                return f"holds a link in place of the folder {Path(kind.path).relative_to(root).as_posix()}"
            for shard in _scan(Path(kind.path)) if kind.is_dir(follow_symlinks=False) else ():
                if shard.is_symlink():
                    return f"holds a link in place of the folder {Path(shard.path).relative_to(root).as_posix()}"
    if tracks(root, CACHE_DIR):
        return "is in git"
    return None


def _scan(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as found:
            return list(found)
    except OSError:
        return []


def clear_old_formats(root: Path) -> None:
    """Remove stores of older formats (they are never read again)."""
    base = root / CACHE_DIR
    try:
        entries = list(os.scandir(base))
    except OSError:
        return
    for e in entries:
        if e.is_dir(follow_symlinks=False) and e.name.startswith("v") and e.name != f"v{FORMAT}":
            shutil.rmtree(e.path, ignore_errors=True)
