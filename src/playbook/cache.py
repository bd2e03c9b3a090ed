"""The build cache in ROOT/.playbook-cache/: what an unchanged customer folder gives, kept
between builds so it is never parsed, analysed or rendered twice.

One file per entry, written to a temporary name and moved into place (a reader never sees
half a file). Each starts with a header line: the cache format, a digest of the tool (its
version and its source files, so a changed Playbook never trusts an old cache), the entry's
key (a digest of every input it depends on) and a CRC of the payload. Anything that does not
match, fails the CRC or does not unpickle is a miss, and is rebuilt and overwritten: a cache
that is corrupt, truncated, half-written or from another version is never trusted.

The cache is private to one machine and the playbook's own folder; it is gitignored. Like
any pickle it must not come from someone else (don't commit it, don't restore it from an
untrusted CI cache).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import __version__

CACHE_DIR = ".playbook-cache"
#: Bump when the layout of cached entries changes.
FORMAT = 1
_MAGIC = b"PLAYBOOK-CACHE"


def digest(*parts: bytes | str) -> str:
    """A short, stable digest of some inputs (length-prefixed, so parts cannot run together)."""
    h = hashlib.blake2b(digest_size=20)
    for p in parts:
        b = p.encode("utf-8", "surrogatepass") if isinstance(p, str) else p
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


@lru_cache(maxsize=1)
def tool_digest() -> str:
    """Playbook's version, its libraries' versions and a digest of its own source files: a
    cache written by any other Playbook (even an edited checkout with the same version
    number, or the same Playbook after a library upgrade) is not used."""
    pkg = Path(__file__).resolve().parent
    parts: list[bytes | str] = [__version__, str(FORMAT), *_library_versions()]
    for f in sorted(pkg.rglob("*.py")):
        parts += [f.relative_to(pkg).as_posix(), f.read_bytes()]
    return digest(*parts)


def _library_versions() -> list[str]:
    """The libraries whose upgrade can change what is made (the pages, the notes' HTML, the
    YAML read)."""
    from importlib.metadata import PackageNotFoundError, version
    found = []
    for name in ("jinja2", "markupsafe", "cmarkgfm", "pyyaml"):
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=?")
    return found


class Cache:
    """Entries by (kind, name), each valid for one key. A disabled cache misses and stores nothing."""

    def __init__(self, root: Path, enabled: bool = True, kinds: frozenset[str] | None = None):
        """`kinds`: only these kinds of entry are kept (others miss and are not stored)."""
        self.dir = root / CACHE_DIR / f"v{FORMAT}"
        self.enabled = enabled
        self.kinds = kinds

    def keeps(self, kind: str) -> bool:
        """Whether entries of `kind` are read and stored."""
        return self._on(kind)

    def _on(self, kind: str) -> bool:
        return self.enabled and (self.kinds is None or kind in self.kinds)

    def _path(self, kind: str, name: str) -> Path:
        return self.dir / kind / f"{name}.pickle"

    def get(self, kind: str, name: str, key: str, prefix: bool = False) -> Any | None:
        """The entry stored under `key`, or None (missing, stale, corrupt or disabled)."""
        return _loads(self.get_pickled(kind, name, key, prefix))

    def get_pickled(self, kind: str, name: str, key: str, prefix: bool = False) -> bytes | None:
        """The entry's pickle, checked (header and CRC) but not unpickled. With `prefix`,
        any entry whose key starts with `key` will do."""
        if not self._on(kind):
            return None
        try:
            data = self._path(kind, name).read_bytes()
        except OSError:
            return None
        return payload_of(data, key, prefix)

    def put(self, kind: str, name: str, key: str, value: Any) -> None:
        if self._on(kind):
            self.put_pickled(kind, name, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def put_pickled(self, kind: str, name: str, key: str, payload: bytes) -> None:
        """Store a value already pickled."""
        if not self._on(kind):
            return
        target = self._path(kind, name)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(header(payload, key))
                    f.write(payload)
                os.replace(tmp, target)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except OSError:
            pass  # a cache that cannot be written only makes the next build slower

    def names(self, kind: str) -> set[str]:
        if not self._on(kind):
            return set()
        folder = self.dir / kind
        try:
            return {p.name[:-7] for p in folder.iterdir() if p.name.endswith(".pickle")}
        except OSError:
            return set()

    def prune(self, kind: str, keep: set[str]) -> None:
        """Remove entries of `kind` not named in `keep` (customers that are gone)."""
        if not self._on(kind):
            return
        for name in self.names(kind) - keep:
            try:
                self._path(kind, name).unlink()
            except OSError:
                pass


def encode(value: Any, key: str) -> bytes:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return header(payload, key) + payload


def header(payload: bytes, key: str) -> bytes:
    """The line before a payload: format, tool, key, CRC and length."""
    return b" ".join([_MAGIC, str(FORMAT).encode(), tool_digest().encode(), key.encode(),
                      b"%08x" % zlib.crc32(payload), b"%d" % len(payload)]) + b"\n"


def payload_of(data: bytes, key: str, prefix: bool = False) -> bytes | None:
    """The pickled value, when the header matches this tool and `key` (or starts with it,
    with `prefix`) and the payload is whole."""
    nl = data.find(b"\n", 0, 512)
    if nl < 0:
        return None
    head = data[:nl].split(b" ")
    payload = data[nl + 1:]
    if (len(head) != 6 or head[0] != _MAGIC or head[1] != str(FORMAT).encode()
            or head[2] != tool_digest().encode()
            or not (head[3].startswith(key.encode()) if prefix else head[3] == key.encode())):
        return None
    try:
        if int(head[5]) != len(payload) or int(head[4], 16) != zlib.crc32(payload):
            return None
    except ValueError:
        return None
    return payload


def decode(data: bytes, key: str) -> Any | None:
    """The value, when the header matches this tool and `key` and the payload is whole."""
    return _loads(payload_of(data, key))


def _loads(payload: bytes | None) -> Any | None:
    if payload is None:
        return None
    try:
        return pickle.loads(payload)
    except Exception:  # any unpickling failure means "not cached"
        return None
