"""View records kept from one build to the next (`serve`).

A customer whose relationship is the very object the last build used (serve's memo keeps
unchanged customers in memory), on a site with the same names, links, config and date, shows
the same row and the same action views: only what changed is made again. Each kept record
also keeps the digest of its pickle, so the fingerprint of a page's view data
(`memo.fingerprint`) pickles that digest in the record's place instead of the record.
"""

from __future__ import annotations

from typing import Any, Callable, Hashable

from ..memo import fingerprint
from ..records import Record


class Kept:
    """Records by (source object, base), for one site key at a time."""

    def __init__(self, retain: bool = True) -> None:
        """`retain=False`: nothing is kept (a build at 10,000 customers held a view of every
        row and action per page depth: memory that only `serve`'s next build repays)."""
        self.retain = retain
        self.site_key: str | None = None
        self.records: dict[tuple[int, str], tuple[Any, Any]] = {}
        """(id of the source, base) → (the source, its record): the source is held, so its id
        cannot be reused by another object while the record is kept."""
        self.digests: dict[int, tuple[Any, str]] = {}
        """id of a record → (the record, the digest of its pickle)."""
        self.wholes: dict[str, tuple[list, Any]] = {}
        """name → (the sources, a value made from all of them)."""
        self.sizes: dict[tuple[int, Callable], tuple[Any, int]] = {}
        """(id of the source, the function) → (the source, its text size for paging)."""

    def start(self, site_key: str | None) -> None:
        """A new build on a site with this key (None: one that cannot be keyed; nothing is kept)."""
        if site_key is None or site_key != self.site_key:
            self.records.clear()
            self.digests.clear()
            self.wholes.clear()
        self.site_key = site_key

    def get(self, source: Any, base: str, make: Callable[[], Any]) -> Any:
        k = (id(source), base)
        hit = self.records.get(k)
        if hit is not None and hit[0] is source:
            return hit[1]
        record = make()
        if not self.retain:
            return record
        self.records[k] = (source, record)
        found = fingerprint(record)
        if found is not None:
            self.digests[id(record)] = (record, found)
        return record

    def size(self, source: Any, of: Callable[[Any], int]) -> int:
        """`of(source)`, a function of the (immutable) source alone, so kept whatever the
        site; the source is held, so its id is not another's while the size is kept (within
        one build too: a list of pairs made twice would otherwise reuse ids)."""
        k = (id(source), of)
        hit = self.sizes.get(k)
        if hit is not None and hit[0] is source:
            return hit[1]
        n = of(source)
        self.sizes[k] = (source, n)
        return n

    def whole(self, name: str, sources: list, make: Callable[[], Any]) -> Any:
        """A value made from `sources` alone (all the book's asks read, to group them), kept
        while they are equal, in the same order (parts that are the very same objects compare
        at once: an edit that leaves a customer's asks as they were groups nothing again)."""
        hit = self.wholes.get(name)
        if hit is not None and hit[0] == sources:
            return hit[1]
        value = make()
        if self.retain and self.site_key is not None:
            self.wholes[name] = (list(sources), value)
        return value

    def stand_in(self, obj: Any) -> str | None:
        """The digest standing in for a kept record in a page's fingerprint; None for anything else."""
        hit = self.digests.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        return None

    def seal(self, alive: set[int]) -> None:
        """After a build: forget the records of sources no longer in use (`alive`: the ids of
        those that are)."""
        self.records = {k: v for k, v in self.records.items() if k[0] in alive}
        self.sizes = {k: v for k, v in self.sizes.items() if k[0] in alive} if self.retain else {}
        held = {id(record) for _, record in self.records.values()}
        self.digests = {i: d for i, d in self.digests.items() if i in held}


def site_key(*parts: Hashable) -> str | None:
    return fingerprint(parts)


class Deferred(Record):
    """A page's view data, made only when its file must be written, with a digest of all it is
    made from: the site's key, the page's own parts (address, title, pager, totals) and the
    digests of what it reads of the customers and actions it shows (site_files.list_keys).
    An edit that changes what the lists show of a customer changes the keys of the pages that
    show it; every other page is kept without being looked at."""

    key: str
    make: Callable[[], dict[str, Any]]
