"""Long lists in pages: which items go on which page, the pages' addresses, and the pager.

A list over all customers (the actions, a stage, a tag, a person's book) grows with the
playbook; a browser takes seconds over a 30 MB page and a phone gives up. Each list is cut
into pages of at most `per` items and about `budget` characters of text (so a page of long
names or long promises stays under a megabyte too). Page 1 keeps the list's own address,
so links and bookmarks hold; page n is `<list>/n.html` beside it (`actions.html` →
`actions/2.html`): a number never names a customer, tag or person folder's own file, so
no page can take another's name. Links between pages are plain `<a href>`: they work
from file:// and without JavaScript.
"""

from __future__ import annotations

from typing import Callable, Iterator, Sequence, TypeVar

from ..records import Record

T = TypeVar("T")

#: Items per page, and the text per page (characters the items carry, before markup): a
#: page of 200 actions with the generator's notes is about 250 KB; the budget keeps one of
#: very long names or promises under 1 MB (tests/test_paging.py builds one to check).
PER_PAGE = 200
TEXT_BUDGET = 120_000
#: Page links shown around the current page (plus the first and the last).
WINDOW = 2


def page_path(path: str, n: int, rest: str = "") -> str:
    """The address of page `n` (from 1) of the list whose first page is `path`; pages from
    the second on are numbered files in the folder `rest` (default: `path` without .html)."""
    if n == 1:
        return path
    return f"{rest or path.removesuffix('.html')}/{n}.html"


def cut(items: Sequence[T], size: Callable[[T], int], per: int = PER_PAGE,
        budget: int = TEXT_BUDGET) -> list[Sequence[T]]:
    """`items` in pages, in order: at most `per` a page, and a page ends before the item that
    would take its text past `budget` (a page always holds at least one item). An empty
    list is one empty page."""
    pages: list[Sequence[T]] = []
    start, used = 0, 0
    for i, item in enumerate(items):
        n = size(item)
        if i > start and (i - start >= per or used + n > budget):
            pages.append(items[start:i])
            start, used = i, 0
        used += n
    pages.append(items[start:])
    return pages


class PageLink(Record):
    number: int
    href: str
    current: bool


class Pager(Record):
    """Where a page sits in its list, and the links to the others ('' for none)."""

    number: int
    count: int
    """Pages in the list."""
    where: str
    """'201–400 of 10,000': the items shown here, of how many."""
    prev_href: str
    next_href: str
    links: tuple[PageLink | None, ...]
    """The first, the last and the pages around this one; None stands for a gap."""
    label: str
    """The pager's name, for its landmark ('Pages of actions')."""


class Pages:
    """A list cut in pages: each page's items, address and pager."""

    def __init__(self, path: str, items: Sequence[T], size: Callable[[T], int], rest: str = "",
                 per: int | None = None, budget: int | None = None):
        self.path, self.rest, self.total = path, rest, len(items)
        # The module's values as they are now, not when this was defined (tests make pages small).
        self.chunks = cut(items, size, per or PER_PAGE, budget or TEXT_BUDGET)
        self.starts = [0]
        for chunk in self.chunks:
            self.starts.append(self.starts[-1] + len(chunk))

    def __len__(self) -> int:
        return len(self.chunks)

    def __iter__(self) -> Iterator[tuple[int, str, Sequence]]:
        """(number, address, items) of each page."""
        for n, chunk in enumerate(self.chunks, 1):
            yield n, self.address(n), chunk

    def address(self, n: int) -> str:
        return page_path(self.path, n, self.rest)

    def pager(self, n: int, base: str, label: str = "Pages") -> Pager:
        """Page `n`'s pager, its links relative to `base` (the way from the page shown, which
        need not be page `n` of this list, back to the site root)."""
        count = len(self.chunks)
        shown = sorted({1, count, *range(max(1, n - WINDOW), min(count, n + WINDOW) + 1)})
        links: list[PageLink | None] = []
        last = 0
        for k in shown:
            if last and k > last + 1:
                links.append(None)
            links.append(PageLink(k, base + self.address(k), k == n))
            last = k
        first, end = self.starts[n - 1], self.starts[n]
        where = f"{first + 1:,}–{end:,} of {self.total:,}" if end > first else f"none of {self.total:,}"
        return Pager(n, count, where, base + self.address(n - 1) if n > 1 else "",
                     base + self.address(n + 1) if n < count else "", tuple(links), label)
