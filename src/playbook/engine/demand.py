"""What customers ask for across the book, and which asks something now available answers.

Pure and explainable. An ask is described by its *terms*: the stems of its `about` words
when it has them, else of the significant words of `what` (significant.py). Asks are grouped
greedily: the term (or pair of terms, weighing double) used by the most customers among asks
not yet in a group takes every remaining ask that has it, then the next, until no term is
shared by two customers; the group's label is the words all its asks share. Keys are looked
up in an index, so grouping is linear in the number of keys (times a logarithm), never a
comparison of every pair of asks.
"""

from __future__ import annotations

import heapq
from collections import Counter
from itertools import chain
from datetime import date
from typing import Iterable

from ..available import Availability, Available
from ..model import Ask, Customer
from ..records import Record
from ..significant import surfaces
from .owed import open_asks, parked_asks
from .types import Arrival, Relationship

#: At most this many shared words make a group's label.
LABEL_WORDS = 4


def _surfaces(a: Ask) -> dict[str, str]:
    """The ask's stems, in order, each with the word that gave it."""
    if not a.about:
        return surfaces(a.what)
    out: dict[str, str] = {}
    for word in a.about:
        for k, v in surfaces(word).items():
            out.setdefault(k, v)
    return out


def ask_terms(a: Ask) -> tuple[str, ...]:
    """What the ask is about: the stems of its `about` words if it has any, else of `what`."""
    return tuple(_surfaces(a))


#: An ask names at most this many entries besides the one it is told of ("It also matches…"),
#: and counts toward at most `COUNTED` entries on the asks page: a book whose every ask shares
#: words with every entry (hundreds of each) took time in the square of their number, where
#: each is read in time linear in the asks (a probe: 800 of each, 8.5 s).
ALSO_NAMED = 3
COUNTED = 20


def _keys_of(a: Ask, availability: Availability) -> tuple[frozenset[str], list[int]]:
    """The ask's stems, and the `about` words (as `Availability.keys` positions) it has every
    stem of."""
    mine = frozenset(ask_terms(a))
    keys = availability.keys
    return mine, [n for t in mine for n in availability.index.get(t, ()) if all(s in mine for s in keys[n])]


def matches(a: Ask, availability: Availability, as_of: date | None = None,
            limit: int | None = None) -> list[tuple[Available, tuple[str, ...]]]:
    """The entries whose `about` the ask has (every stem of one of their words), soonest
    available first (then in file order), each with the `about` words it matched; with
    `as_of`, only those available by then; with `limit`, the first so many. The words' lists
    of entries are merged in that order, so an ask costs what it finds, not every entry."""
    mine, found = _keys_of(a, availability)
    entries = availability.entries
    lists = [availability.holders[n] for n in found]
    ordered = lists[0] if len(lists) == 1 else heapq.merge(
        *lists, key=lambda i: (entries[i].on, entries[i].line, i))
    out: list[tuple[Available, tuple[str, ...]]] = []
    seen: set[int] = set()
    for i in ordered:
        e = entries[i]
        if as_of is not None and e.on > as_of:
            break  # every later one is available later still
        if i in seen:
            continue
        seen.add(i)
        out.append((e, tuple(w for w, k in zip(e.about, e.keys) if k and all(s in mine for s in k))))
        if limit is not None and len(out) >= limit:
            break
    return out


def arrivals(customer: Customer, availability: Availability, as_of: date) -> tuple[Arrival, ...]:
    """The customer's open and parked asks that an entry available by as_of answers, the
    oldest news first: one per ask, the earliest available entry leading, naming up to
    `ALSO_NAMED` more."""
    if not availability.entries:
        return ()
    out = []
    for a in (*open_asks(customer, as_of), *parked_asks(customer, as_of)):
        found = matches(a, availability, as_of, 2 + ALSO_NAMED)
        if found:
            (e, hit), *more = found
            out.append(Arrival(a, e.what, e.on, hit, e.line, tuple(m.what for m, _ in more[:ALSO_NAMED]),
                               len(more) > ALSO_NAMED))
    out.sort(key=lambda x: (x.since, x.ask.source))
    return tuple(out)


def unmatched(customers: Iterable[Customer], availability: Availability) -> list[Available]:
    """Entries that match no ask at all (open, parked or answered): most likely a misspelt
    `about` word. One that has done its work (every ask it matched is answered) is not one."""
    if not availability.entries:
        return []
    used: set[int] = set()  # the `about` words some ask has
    for c in customers:
        for a in c.asks:
            used.update(_keys_of(a, availability)[1])
    seen = {i for n in used for i in availability.holders[n]}
    return [e for i, e in enumerate(availability.entries) if i not in seen]


class Wish(Record):
    """One open or parked ask, with the customer who made it."""

    customer: str
    """Customer slug."""
    ask: Ask
    parked: bool
    """Parked on as_of (else open)."""


class AskGroup(Record):
    """Asks of several customers about the same thing, or (with no words) those left alone."""

    words: tuple[str, ...]
    """The words all its asks share, as the customers wrote them; () for the ungrouped."""
    wishes: tuple[Wish, ...]
    """Oldest ask first (undated ones last)."""
    customers: tuple[str, ...]
    """The customers who asked, each once, in the order of their first ask here."""
    value: float
    """Their combined annual value (customers with no value add nothing)."""
    unvalued: int
    """How many of them have no value written."""

    @property
    def label(self) -> str:
        return " ".join(self.words)


def _order(w: Wish) -> tuple:
    return (w.ask.since is None, w.ask.since or date.min, w.customer, w.ask.source)


def asked(r: Relationship) -> tuple:
    """All that `group_asks` reads of a relationship: equal for two, the groups are the same."""
    return r.customer.slug, r.customer.status, r.customer.value, r.open_asks, r.parked_asks


def wishes(relationships: list[Relationship]) -> list[Wish]:
    """Every open and parked ask of the relationships that have not ended, oldest first."""
    out = [Wish(r.customer.slug, a, parked) for r in relationships if r.customer.status != "ended"
           for parked, asks in ((False, r.open_asks), (True, r.parked_asks)) for a in asks]
    out.sort(key=_order)
    return out


#: A pair of words shared by n customers weighs as much as one word shared by 2n: 'a price hold
#: for the second site' and 'an on-site training day' share only 'site', while each kind shares
#: two or three words among themselves, so each kind makes its own group.
PAIR_WEIGHT = 2


#: Pairs are made of an ask's first this many terms that other customers use too (15 pairs at
#: most): what an ask is about comes early in it, and a long ask stays linear.
PAIR_TERMS = 6


def _keys(terms: tuple[str, ...], shared: set[str]) -> list[tuple[str, ...]]:
    """What an ask can be grouped by: each of its terms, and each pair of its first PAIR_TERMS
    terms that other customers use too (a term no one else uses can be in no group's key)."""
    common = sorted([t for t in terms if t in shared][:PAIR_TERMS])
    return [(t,) for t in terms] + [(a, b) for k, a in enumerate(common) for b in common[k + 1:]]


def group_asks(relationships: list[Relationship]) -> tuple[list[AskGroup], AskGroup]:
    """The groups of asks shared by two customers or more (most customers first, then the
    most value, then the oldest ask), and the asks left alone.

    Greedy over keys (a term, or a pair of terms), heaviest first: a key weighs the number of
    customers with a not yet grouped ask that has it, a pair twice as much; it takes all those
    asks. Each key is counted in an index and counted down as its asks are taken, so the work
    is linear in the keys (a heap orders them), never a comparison of every pair of asks."""
    found = wishes(relationships)
    values = {r.customer.slug: r.customer.value for r in relationships}
    said = [_surfaces(w.ask) for w in found]
    mine = [tuple(x) for x in said]
    users: dict[str, set[str]] = {}
    for w, ts in zip(found, mine):
        for t in ts:
            users.setdefault(t, set()).add(w.customer)
    shared = {t for t, who in users.items() if len(who) >= 2}
    every = [_keys(ts, shared) for ts in mine]
    seen = Counter(chain.from_iterable(every))
    keys = [[k for k in ks if seen[k] >= 2] for ks in every]  # a key of one ask groups nothing
    postings: dict[tuple[str, ...], list[int]] = {}
    # Per key, how many of its not yet grouped asks each customer has.
    open_by: dict[tuple[str, ...], dict[str, int]] = {}
    for i, (w, ks) in enumerate(zip(found, keys)):
        for k in ks:
            if k in postings:
                postings[k].append(i)
                per = open_by[k]
                per[w.customer] = per.get(w.customer, 0) + 1
            else:
                postings[k] = [i]
                open_by[k] = {w.customer: 1}

    def weight(k: tuple[str, ...]) -> tuple[int, int, tuple[str, ...]]:
        n = len(open_by[k])
        return (-n * (PAIR_WEIGHT if len(k) == 2 else 1), -n, k)  # then more customers, then by the words

    heap = [weight(k) for k, c in open_by.items() if len(c) >= 2]
    heapq.heapify(heap)
    taken = [False] * len(found)
    groups: list[list[int]] = []
    while heap:
        top = heapq.heappop(heap)
        k = top[2]
        now = weight(k)
        if now != top:  # some of its asks went to a heavier key since it was weighed
            if len(open_by[k]) >= 2:
                heapq.heappush(heap, now)
            continue
        members = [i for i in postings[k] if not taken[i]]
        for i in members:
            taken[i] = True
            who = found[i].customer
            for u in keys[i]:
                left = open_by[u]
                left[who] -= 1
                if not left[who]:
                    del left[who]
        groups.append(members)
    made = [_group([found[i] for i in g], [said[i] for i in g], values) for g in groups]
    made.sort(key=lambda g: (-len(g.customers), -g.value, _order(g.wishes[0]), g.label))
    alone = [w for w, t in zip(found, taken) if not t]
    return made, _group(alone, [], values)


def _group(members: list[Wish], stems: list[dict[str, str]], values: dict[str, float | None]) -> AskGroup:
    """`stems`: each member's stems with the words that gave them (none for the ungrouped)."""
    customers = tuple(dict.fromkeys(w.customer for w in members))
    words: tuple[str, ...] = ()
    if stems:
        shared = set(stems[0]).intersection(*stems[1:])
        said: dict[str, Counter] = {}
        for mine in stems:
            for k, v in mine.items():
                if k in shared:
                    said.setdefault(k, Counter())[v] += 1
        # In the oldest ask's order; each stem as the word most of them used.
        words = tuple(min(said[k].items(), key=lambda kv: (-kv[1], kv[0]))[0]
                      for k in stems[0] if k in shared)[:LABEL_WORDS]
    return AskGroup(words, tuple(members), customers, float(sum(values.get(c) or 0 for c in customers)),
                    sum(1 for c in customers if not values.get(c)))


class News(Record):
    """An `available` entry that answers some asks of a group."""

    entry: Available
    asks: int
    """How many of the group's asks it matches."""
    to_tell: int
    """How many of them are to be told now (available by as_of)."""


def group_news(group: AskGroup, availability: Availability, as_of: date) -> list[News]:
    """The entries that match asks of the group, soonest available first."""
    if not availability.entries:
        return []
    counts: dict[int, list] = {}
    for w in group.wishes:
        for e, _ in matches(w.ask, availability, limit=COUNTED):
            counts.setdefault(id(e), [e, 0])[1] += 1
    found = sorted(counts.values(), key=lambda ec: (ec[0].on, ec[0].line))
    return [News(e, n, n if e.on <= as_of else 0) for e, n in found]
