"""What the last build was made from and what it wrote, so a build whose inputs did not change
does nothing, and one whose inputs changed in a few folders reads only those.

A customer folder's *signature* is a digest of what `stat` says of every file loading it
reads (size, modification and change times, inode) and of its listing, the same shortcut
git's index takes: a file whose bytes changed has a new change time, which no tool can set
back (on Windows `st_ctime` is the creation time, so there a rewrite keeping size and mtime
would go unseen; Playbook's CI and `serve` targets are POSIX). A signature is only recorded when every time in it is at least `RACY_NS` older than
the scan, because a file saved twice within the file system's clock tick keeps its times
(git calls those entries "racily clean"); such a folder is read by content next time.

A signature only ever stands in for hashing the folder's bytes again: it names the folder's
parse key, and the memo decides the rest. The manifest lives beside the memo (one per output
folder), with the memo's header and checks; a missing or damaged one means a full (memoised)
build.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import time
from contextlib import closing
from operator import attrgetter
from pathlib import Path
from typing import Iterable

import msgspec

from .folders import ignored
from .memo import Memo, digest, header, payload_of, read_entry
from .paths import identity
from .problems import Problem
from .records import Record
from .write import Written, exchange

#: Times this close to the scan (ns) are not trusted: coarse file-system clocks (FAT: 2 s).
RACY_NS = 3_000_000_000
#: From this many customer folders, their signatures are taken by worker processes.
PARALLEL_MIN_FOLDERS = 500


class Manifest(Record):
    """One output folder's last successful build."""

    key: str
    """Digest of every input of the build: tool, config, templates, as-of date, git history,
    the customer folders with their parse keys, the output folder and `--since`."""
    folders: dict[str, tuple[str, str]]
    """Per customer folder: (signature, its parse key); the signature is '' when a file in it
    changed too recently to trust its times (it then matches none)."""
    written: Written
    """Every file written, with its key, size and modification time."""
    problems: tuple[Problem, ...] = ()
    """The build's warnings, to report again when nothing changed."""
    customers: int = 0
    analysed: dict[str, str] = {}
    """Per customer folder: its unit's analyse key (`Inputs.before`)."""


def signatures(folders: list[tuple[Path, str]], salt: str, jobs: int | None = None,
               last: dict[str, str] | None = None, meanwhile: Iterable[object] = ()) -> dict[str, str | None]:
    """Each folder's signature (None when a file in it changed too recently to trust its
    times). `salt`: what the folder's unit key also depends on (tool, config, root). A large
    book's folders are shared out among worker processes (`jobs`, as for the build): this is
    a stat of every note, 200,000 at 10,000 customers, on every build. `meanwhile`: work for
    this process, a step per item, once the folders are found not to be as `last` (folder
    name → signature) says, while the workers take the rest: no step is taken when nothing
    changed, when many folders did (`AHEAD_MAX_DIFFERING`), or once every signature is taken
    (a small book's are taken here, without it)."""
    now = time.time_ns()
    if len(folders) < PARALLEL_MIN_FOLDERS:
        return {f.name: signature(f, rel, salt, now) for f, rel in folders}
    from .parallel import CHUNK, in_process, ordered_map, workers  # (a small book's check stays light)
    n = workers(jobs)
    chunk = max(CHUNK, -(-len(folders) // (4 * n)))  # a few chunks each: one pool, little traffic
    if in_process(folders, n, chunk):
        return {f.name: signature(f, rel, salt, now) for f, rel in folders}
    last = last or {}
    found: dict[str, str | None] = {}
    # A folder added or gone is a change at once; one edited, once its chunk is back. Once
    # many differ (a new playbook.yaml changes every signature), few of the units read ahead
    # could be taken: nothing is read ahead then.
    moved = len(last) != len(folders) or any(f.name not in last for f, _ in folders)
    differ = [0]

    def reading() -> bool:
        return (moved or differ[0] > 0) and differ[0] <= max(AHEAD_MAX_DIFFERING, len(found) // 4)
    names = (f.name for f, _ in folders)
    with closing(ordered_map(_sign_task, folders, n, chunk, (_STEP for _ in meanwhile), reading,
                             salt=salt, now=now)) as results:  # closed however the loop ends
        for sig in results:
            if sig is not _STEP:
                name = next(names)
                found[name] = sig
                if sig is None or last.get(name) != sig:
                    differ[0] += 1
                if len(found) == len(folders):
                    break  # what is left of `meanwhile` is not gone through once all are taken
    return found


#: `signatures` goes on with its other work while up to this many folders, or a quarter of
#: those taken so far, differ from the last build's.
AHEAD_MAX_DIFFERING = 8

#: What a step of `signatures`' other work yields among the signatures (none is this object).
_STEP = object()


def _sign_task(folder: tuple[Path, str], share: dict) -> str | None:
    return signature(folder[0], folder[1], share["salt"], share["now"])


def signature(folder: Path, rel: str, salt: str, now: int) -> str | None:
    found, _ = signature_and_links(folder, rel, salt, now)
    return found


def signature_and_links(folder: Path, rel: str, salt: str, now: int) -> tuple[str | None, bool]:
    """The signature, and whether the folder holds a link, symbolic or hard (whose bytes a
    watcher of the folder does not see change when written through another name)."""
    parts: list[tuple | str] = [salt, rel]
    newest = 0
    linked = False

    def scan(path: str, tag: str, notes: bool) -> None:
        # One tuple per entry; the stat of each file loading reads. This loop runs for every
        # note of the book on every build (200,000 at 10,000 customers), so it is kept plain:
        # tuples of the numbers as they are, not lines of text (formatting five numbers a
        # note was a tenth of the signatures' time).
        nonlocal newest, linked
        try:
            # Listed through an open folder, each entry's `stat` is taken relative to it, not
            # by its whole path: about a tenth less time at 1,000 × 50 (the folder itself is
            # followed if a link, as before; O_DIRECTORY refuses a FIFO without waiting on it).
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            parts.append(f"{tag}!")
            return
        try:
            try:
                with os.scandir(fd) as listing:
                    entries = sorted(listing, key=_NAME)
            except OSError:
                parts.append(f"{tag}!")
                return
            add = parts.append
            for e in entries:
                name = e.name
                if e.is_symlink():
                    linked = True
                    kind = "l"
                    add((tag, kind, name, os.path.realpath(f"{path}/{name}")))
                else:
                    kind = "d" if e.is_dir() else "f"
                if (name.endswith(".md") and not ignored(name)) if notes else name == "customer.yaml":
                    try:
                        st = e.stat()  # follows a link: the target's bytes are what is read
                    except OSError:
                        add((tag, kind, name, "?"))
                    else:
                        m, c = st.st_mtime_ns, st.st_ctime_ns
                        add((tag, kind, name, st.st_size, m, c, st.st_ino, st.st_dev))
                        if st.st_nlink > 1:
                            # A hard link: written through its other name, in another customer's
                            # folder, a watcher of this one sees nothing (a probe: `serve` kept
                            # Rosalind's copy of a note linked into Loomwork's as it was).
                            linked = True
                        if m > newest or c > newest:
                            newest = m if m > c else c
                elif kind != "l":
                    add((tag, kind, name))
        finally:
            os.close(fd)

    base = str(folder)
    scan(base, "", False)
    # An `interactions` link is among the folder's entries above, with its target: no
    # `lstat` of it here (one per customer on every build).
    scan(f"{base}/interactions", "i", True)
    if newest >= now - RACY_NS:
        return None, linked
    # One digest of the parts as marshal writes them: each string and tuple with its length,
    # so none can run into the next; version 2 writes no references, so equal parts give equal
    # bytes however they are shared.
    return hashlib.blake2b(marshal.dumps(parts, 2), digest_size=20).hexdigest(), linked


def link_targets(folder: Path) -> set[str]:
    """The real paths of the links in a customer's folder and its interactions folder (the
    folders themselves when links): what a watcher of the content must watch too."""
    found = set()
    for path in (folder, folder / "interactions"):
        try:
            if path.is_symlink():
                found.add(os.path.realpath(path))
            with os.scandir(path) as listing:
                found.update(os.path.realpath(e.path) for e in listing if e.is_symlink())
        except OSError:
            continue
    return found


_NAME = attrgetter("name")
_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(Manifest)


def _name(out: Path) -> str:
    return digest(str(out))[:24]


def read(memo: Memo, out: Path, kept: tuple[tuple[int, ...], Manifest] | None = None) -> Manifest | None:
    """The manifest of the last build into `out`. It is the one entry kept by the output
    folder's name rather than by its content: it is only ever a shortcut to keys. `kept`:
    the manifest a `serve` wrote last, with the file's stat then (`write`'s answer), used
    while the file is that very one (written again by anyone, it is a new file: `write`
    replaces it whole)."""
    if memo.dir is None:
        return None
    target = memo.dir / "manifest" / _name(out)
    if kept is not None and identity(target) == kept[0]:
        return kept[1]
    return _read(target)


#: The first byte of a manifest's payload: MessagePack (msgspec), or a pickle for one holding a
#: string MessagePack cannot (a lone surrogate, from a YAML escape in a problem's text).
_MSGPACK, _PICKLE = b"M", b"P"


def _read(target: Path) -> Manifest | None:
    try:
        data = read_entry(str(target))  # as any entry: not through a link, not from a FIFO
    except OSError:
        return None
    raw = payload_of(data, target.name)
    if raw is None:
        return None
    try:
        if raw[:1] == _MSGPACK:
            return _DECODER.decode(memoryview(raw)[1:])
        found = pickle.loads(memoryview(raw)[1:]) if raw[:1] == _PICKLE else None
    except Exception:  # damaged, or of another layout: a full (memoised) build
        return None
    return found if isinstance(found, Manifest) else None


def _payload(manifest: Manifest) -> bytes:
    """The manifest as MessagePack: at 10,000 customers (41,000 files written) encoding it
    took 4–8 ms where pickling took 68–75 ms (pickle looks up every object in its memo), at
    the end of every build; reading it back took 29–40 ms, the pickle 32–55 ms."""
    try:
        return _MSGPACK + _ENCODER.encode(manifest)
    except UnicodeEncodeError:
        return _PICKLE + pickle.dumps(manifest, protocol=pickle.HIGHEST_PROTOCOL)


def newest_elsewhere(memo: Memo, out: Path) -> Manifest | None:
    """The manifest of the newest build into another output folder, if it is newer than the
    last build into `out`: where a build finds its folders' last parses when its own
    manifest names none or units since swept (`Inputs.elsewhere`): the memo restored by CI
    into a checkout at another path, or a build into another folder in between. A hint only:
    a parse is taken for its folder's very bytes."""
    if memo.dir is None:
        return None
    try:
        with os.scandir(memo.dir / "manifest") as it:
            found = sorted(((e.stat().st_mtime_ns, e.name, e.path) for e in it if e.is_file(follow_symlinks=False)
                            and not e.name.startswith(".")), reverse=True)
    except OSError:
        return None
    mine = _name(out)
    for _, name, path in found:
        if name == mine:
            return None  # the last build into `out` is the newest: what came before, it swept
        m = _read(Path(path))
        if m is not None:
            return m
    return None


def write(memo: Memo, out: Path, manifest: Manifest) -> tuple[int, ...] | None:
    """Write the manifest; what `stat` says of its file then (see `read`), None if not written."""
    if memo.dir is None:
        return None
    target = memo.dir / "manifest" / _name(out)
    payload = _payload(manifest)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(header(payload, _name(out)) + payload)
        if exchange(tmp, target):  # (see there: a replace of 8 MB took 7–350 ms here)
            os.unlink(tmp)  # the last build's
        else:
            os.replace(tmp, target)
    except OSError:
        return None  # only the next build's shortcut is lost
    return identity(target)
