"""`available:` in playbook.yaml: what has come in that customers asked for ("it's in stock").

A list of entries, each `what` (a few words), `on` (from when it is available) and `about`
(the words or tags that find the asks it answers). From `on`, every customer with an open or
parked ask matching an entry gets an action to tell the person who asked (engine/demand.py).
"""

from __future__ import annotations

from datetime import date

from msgspec import field

from .fields import Fields
from .problems import Problem, error
from .records import Record
from .significant import read_about, terms
from .yamlio import Map, Node, kind_name

#: Entries one playbook.yaml may list: every ask is looked up against them by word.
MAX_AVAILABLE = 1000


class Available(Record):
    """Something customers asked for that is, or will be, available."""

    what: str
    """What it is, in a few words ('Spanish edition of the handbook')."""
    on: date
    """The first day it is available: the day customers who asked may be told."""
    about: tuple[str, ...]
    """The words or tags, as written, that find the asks it answers."""
    line: int = 0
    """Line of the entry in playbook.yaml."""
    keys: tuple[tuple[str, ...], ...] = ()
    """Per `about` entry, its significant stems (significant.terms): an ask matches the
    entry when it has every stem of one of them."""


class Availability(Record):
    """The `available` entries, with an index from a stem to the `about` words that start with
    it, and from each such word to the entries that have it: an ask is matched by looking up
    its own words, never by trying every entry."""

    entries: tuple[Available, ...] = ()
    """In file order."""
    index: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """The first stem of each distinct `about` word (its stems: `keys`) → those words."""
    keys: tuple[tuple[str, ...], ...] = ()
    """Each distinct `about` word, as its stems."""
    holders: tuple[tuple[int, ...], ...] = ()
    """Per word in `keys`, the positions in `entries` of those that have it, soonest
    available first (then in file order)."""

    # Compared and hashed by the entries alone: the index is made from them.
    def __eq__(self, other: object) -> bool:
        return self.entries == other.entries if type(other) is Availability else NotImplemented

    def __hash__(self) -> int:
        return hash(self.entries)

    @classmethod
    def of(cls, entries: tuple[Available, ...]) -> "Availability":
        """The entries with their stems and index filled in."""
        done = tuple(e if e.keys else _with_keys(e) for e in entries)
        ids: dict[tuple[str, ...], int] = {}
        holders: list[dict[int, None]] = []
        for i, e in enumerate(done):
            for k in e.keys:
                if not k:
                    continue
                n = ids.get(k)
                if n is None:
                    n = ids[k] = len(holders)
                    holders.append({})
                holders[n][i] = None
        index: dict[str, list[int]] = {}
        for k, n in ids.items():
            index.setdefault(k[0], []).append(n)
        order = [(e.on, e.line, i) for i, e in enumerate(done)]
        return cls(done, {k: tuple(v) for k, v in index.items()}, tuple(ids),
                   tuple(tuple(sorted(h, key=order.__getitem__)) for h in holders))


def _with_keys(e: Available) -> Available:
    return Available(e.what, e.on, e.about, e.line, tuple(terms(a) for a in e.about))


def parse_available(items: tuple[Node, ...], path: str, problems: list[Problem]) -> Availability:
    """The entries in file order; every mistake is a path:line problem, and an entry with one
    is left out (a misspelt date must not tell customers too early)."""
    out: list[Available] = []
    if len(items) > MAX_AVAILABLE:
        problems.append(error(path, items[MAX_AVAILABLE].line, items[MAX_AVAILABLE].column,
                              f"'available' can list at most {MAX_AVAILABLE:,} entries; this one has {len(items):,}"))
        items = items[:MAX_AVAILABLE]
    for item in items:
        if not isinstance(item, Map):
            problems.append(error(path, item.line, item.column, "each 'available' entry needs 'what', 'on' and "
                                                                f"'about' (words that find the asks), not {kind_name(item)}"))
            continue
        before = len(problems)
        f = Fields(item, path, problems, "an 'available' entry")
        f.reject_unknown(("what", "on", "about"))
        what = f.text("what", required=True)
        on = f.date("on")
        if f.raw("on") is None:
            problems.append(error(path, item.line, item.column, "an 'available' entry needs 'on': the date it is "
                                                                "available from, like 2026-11-18"))
        about = read_about(f.text_list("about"), path, problems)
        if f.raw("about") is None:
            problems.append(error(path, item.line, item.column, "an 'available' entry needs 'about': the words or "
                                                                "tags that find the asks it answers, like [spanish]"))
        if what and on and about and len(problems) == before:
            out.append(Available(what, on, about, item.line))
    return Availability.of(tuple(out))
