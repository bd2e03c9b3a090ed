"""The book's agenda: every customer's open actions in one list, ranked.

Ranked as the engine ranks one customer's (`Action.sort_key`: score, priority, due date and a
stable tie-break), ties in customer (slug) order and then in each customer's own order. This
is the order of the home page's and each person's lists and of playbook.json's `agenda`.

`Agenda` keeps the list from one build to the next (`serve`): a customer whose relationship
is the very object it ranked last time keeps its places, and only the actions of customers
that changed are taken out and put in again. Before, the pages and the export each sorted
every action after any edit (the export's sort of 40,000 actions took 0.2 s by itself).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from typing import Iterator, Sequence

from .types import Action, Relationship

Entry = tuple[tuple, str, int, Action]
"""(the action's sort key, its customer's slug, its index in that customer's actions, it):
unique by slug and index, so tuples never compare the actions themselves."""


def _entries(r: Relationship) -> Iterator[Entry]:
    slug = r.customer.slug
    for j, a in enumerate(r.actions):
        yield a.sort_key(), slug, j, a


def ranked(rels: Sequence[Relationship]) -> list[Entry]:
    """Every action of `rels`, ranked."""
    return sorted(e for r in rels for e in _entries(r))


#: Past this share of customers changed, sorting everything again is the cheaper way.
RESORT_SHARE = 0.125


class Agenda:
    """The ranked list, kept up to date across builds by what changed."""

    def __init__(self) -> None:
        self.rels: dict[str, Relationship] = {}
        """By slug, the relationships the list was last ranked from (held: identity is the test)."""
        self.entries: list[Entry] = []

    def update(self, rels: Sequence[Relationship]) -> list[Entry]:
        """The ranked list for `rels` (the same list as `ranked(rels)`)."""
        now = {r.customer.slug: r for r in rels}
        gone = [r for slug, r in self.rels.items() if now.get(slug) is not r]
        new = [r for slug, r in now.items() if self.rels.get(slug) is not r]
        if len(gone) + len(new) > RESORT_SHARE * max(len(now), 1):
            self.entries = ranked(rels)
        else:
            for r in gone:
                for e in _entries(r):
                    del self.entries[bisect_left(self.entries, e)]
            for r in new:
                for e in _entries(r):
                    insort(self.entries, e)
        self.rels = now
        return self.entries
