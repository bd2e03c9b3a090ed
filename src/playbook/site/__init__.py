"""The HTML site: view data (views.py) rendered by the team's or the default templates.

The build (build.py) asks for each customer's pages and for the pages over all customers;
the other files (calendars, the feed, the search index, playbook.json) come from
`playbook.outputs`. Neither package imports the other: the names they share (owner slugs,
anchors) come from `playbook.names`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable

from ..config import Config
from ..engine.agenda import Entry
from ..engine.types import Relationship
from ..model import Interaction
from ..gitinfo import GitInfo
from ..memo import digest
from .kept import Kept
from .parts import Site
from .render import environment, render
from .lists import ListViews

__all__ = ["Renderer"]


class Renderer:
    """The site's pages for one set of relationships: each customer's own pages (which a build
    memoises and spreads over processes) and, through `views`, the pages over all customers."""

    def __init__(self, relationships: list[Relationship], config: Config, as_of: date, root: Path,
                 git: GitInfo | None = None, since: str | None = None, env=None,
                 authors: set[str] | None = None, kept: Kept | None = None, bytecode: Path | None = None,
                 keys: dict[int, str] | Callable[[], dict[int, str]] | None = None,
                 ranking: Callable[[], list[Entry]] | None = None, people: set[str] | None = None,
                 tags: set[str] | None = None,
                 recent: Callable[[int], list[tuple[Interaction, Relationship]]] | None = None):
        """`env`: a Jinja environment made by `environment(root)` for the same templates, whose
        compiled templates can be used again (`serve`). `authors`: every interaction's `by`
        handle, when the relationships do not hold all their interactions (slim units).
        `kept`: rows and action views kept from the last build (`serve`). `bytecode`: where
        compiled templates are kept between processes. `keys`: each relationship's and
        action's list key, by id, or what makes them when first asked (see `ListViews`).
        `ranking`: their actions, ranked (engine.agenda), as the build ranks them once, when
        a page asks. `people`: every owner and assignee, and `tags` every customer's tags,
        when the build knows them (`Site`). `recent`: the latest interactions, when the
        relationships do not hold them (`Views`)."""
        self.env = env or environment(root, bytecode)
        self.site = Site(relationships, config, as_of, git or GitInfo(), since, authors, people, tags)
        self.views = ListViews(relationships, self.site, kept, keys, ranking, recent)
        self.root = root
        self._owners: str | None = None
        self._digests: dict[tuple[str, ...], str] = {}

    def customer_pages(self, r: Relationship) -> list[tuple[str, bytes]]:
        return [(p, render(self.env, t, ctx, self.root)) for p, t, ctx in self.views.customer_pages(r)]

    def site_digest(self, tags: tuple[str, ...]) -> str:
        """What a customer's pages take from the whole site besides its own relationship:
        the team's page names, its own tags' (`tags`) page names and `since`."""
        found = self._digests.get(tags)
        if found is None:  # once per set of tags (a book has few): it was most of page_key's time
            if self._owners is None:
                self._owners = repr(sorted(self.site.owner_slugs.items()))
            found = self._digests[tags] = digest(self._owners, repr([(t, self.site.tag_slugs[t]) for t in tags]),
                                                 repr(self.site.since))
        return found
