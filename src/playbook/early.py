"""`serve`, after a save inside one customer's folder: that customer's pages on disk before the
rebuild looks at anything over all customers.

A rebuild starts with passes over every customer (the listing, the signatures, the units, the
book's names). After the seconds between two saves each is a read of memory gone cold: at
10,000 customers the edited page reached the disk 190–340 ms after the save. A customer's pages
are a function of its analysis, the site's names (owners, tags), the config, the date, git and
the templates (`site_files.page_key`). When the watcher saw nothing change but files in that
customer's folder, all of these but the analysis are as the last rebuild had them; the names are
too when the customer names the same people and tags as before (or more of those the book has).
Its pages are then made from the last rebuild's inputs and written at once. The rebuild that
follows finds the unit and the pages in the memo under the same keys and the files on disk as it
would write them, and writes the rest. Anything else (a new day, an error in the folder, a person
or tag new to the book or gone from the customer, a folder added or gone, any other file changed)
leaves the rebuild to do all of it, as before: this only ever comes first, never instead.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from msgspec.structs import replace

from .config import resolve_as_of
from .folders import CUSTOMERS_DIR
from .memo import Memo
from .paths import identity
from .reading import Refused
from .write import write_in_place

if TYPE_CHECKING:
    from .site_files import Carried, Last

__all__ = ["EARLY_MAX", "changed_folders", "early_pages"]

#: At most this many customers' folders changed in one save for their pages to go first (a
#: save is one note; a search-and-replace over many folders is the rebuild's work).
EARLY_MAX = 2


def changed_folders(root: Path, changed: Iterable[Path] | None) -> tuple[set[str] | None, bool]:
    """The customer folders (by name) the watcher's `changed` paths lie in, None when every
    folder must be looked at (no paths given: a new day; the customers folder itself, or a folder
    holding it); and whether nothing else changed (playbook.yaml, a template, git, a link's
    target), which `early_pages` asks."""
    if changed is None:
        return None, False
    customers = root / CUSTOMERS_DIR
    found: set[str] = set()
    only = True
    for path in changed:
        p = Path(os.path.abspath(path))
        if p == customers or customers.is_relative_to(p):
            return None, False
        if p.is_relative_to(customers):
            found.add(p.relative_to(customers).parts[0])
        else:
            only = False
    return found, only


def early_pages(root: Path, out: Path, as_of: date | None, touched: frozenset[str], memo: Memo,
                carried: Carried) -> tuple[str, ...]:
    """Write the pages of the customers in `touched` (folder names) when they can be made as the
    rebuild will make them (see above); return the files written. `carried`: `serve`'s
    `Carried`, whose `last` (`Last`) says what the last rebuild was made with."""
    last: Last | None = carried.last
    if last is None or not touched or len(touched) > EARLY_MAX:
        return ()
    inp = last.inputs
    env = carried.envs.get(last.templates)
    listing = carried.listing
    if env is None or resolve_as_of(as_of, inp.config.as_of) != inp.as_of \
            or listing.stat is None or identity(root / CUSTOMERS_DIR) != listing.stat:
        return ()  # a new day, or a folder added, removed or renamed (the listing is the last one)
    from .site import Renderer
    from .site.render import TemplateProblem
    from .site_files import page_key, pages_task
    from .units import analyse_folder
    made = []
    for slug in sorted(touched):
        was = carried.units.get(slug)
        if was is None:
            return ()
        try:
            # Its last unit names where its notes' parse is (`Inputs.before`): an edited note
            # is parsed again, the others are taken by their text.
            u = analyse_folder(root / CUSTOMERS_DIR / slug, f"{CUSTOMERS_DIR}/{slug}",
                               replace(inp, known={}, before={slug: was.akey}), memo)
        except (OSError, Refused):  # gone as it was read: the rebuild says what there is
            return ()
        if u.akey == was.akey:
            continue  # its files touched, its bytes the same: its pages are as they are
        if not u.has_relationship or any(p.severity == "error" for p in u.problems):
            return ()  # the rebuild reports it and writes nothing
        if not (_within(was.authors, u.authors, last.authors) and _within(was.calendar_people, u.calendar_people,
                                                                          last.people)
                and _within(was.tags, u.tags, last.tags)):
            return ()  # the site's names change: every customer's pages may
        made.append(u)
    if not made:
        return ()
    renderer = Renderer([u.relationship for u in made], inp.config, inp.as_of, root, inp.git, None, env,
                        authors=last.authors, people=last.people, tags=last.tags)
    files: list[tuple[str, bytes]] = []
    try:
        for u in made:
            files += pages_task(u, renderer, memo, inp, page_key(u, renderer, last.templates))
    except TemplateProblem:
        return ()  # the rebuild meets it too, and reports it
    written = write_in_place(out, files)
    if written and carried.announce is not None:
        carried.announce(written, True)
    return written


def _within(was: tuple[str, ...], now: tuple[str, ...], book: set[str]) -> bool:
    """Whether the book's names stay as they were: none the customer named is gone from it (the
    book may have had it from this customer alone) and none is new to the book."""
    return set(was) <= set(now) and all(name in book for name in now)
