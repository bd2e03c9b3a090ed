"""The HTML site: view data (views.py) rendered by the team's or the default templates.

`pages()` yields every file of the site as (relative path, bytes) in a fixed order; the
build writes them. The non-HTML outputs (calendars, the feed, the search index) come from
`playbook.outputs` and are yielded here too, so the site's links always have a target.
The dependency runs one way: this package assembles the outputs; they take the names they
share with the pages (owner slugs, anchors) from `playbook.names`, never from here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Iterator

from ..config import Config
from ..engine.types import Relationship
from ..gitinfo import GitInfo
from ..outputs.atom import feed
from ..outputs.ics import calendars
from ..outputs.search import search_files
from .parts import Site
from .render import assets, environment, render, render_pieces
from .views import Views

__all__ = ["pages", "Renderer"]


def pages(relationships: list[Relationship], config: Config, as_of: date, root: Path,
          git: GitInfo | None = None, since: str | None = None) -> Iterator[tuple[str, bytes]]:
    """`git` adds who-changed-what; `since` (a date or a commit) lists the changes after it on the home page."""
    env = environment(root)
    site = Site(relationships, config, as_of, git or GitInfo(), since)
    for path, template, context in Views(relationships, site).all():
        yield path, render(env, template, context, root)
    yield from assets(root)
    yield from _other_outputs(relationships, config, as_of)


class Renderer:
    """The same files as `pages()`, in parts a build can cache and spread over processes:
    each customer's own pages, and the rest (`index_pages`; `other_files`: assets, calendars,
    the feed and the search index, which the caller may hand in when it keeps it per customer)."""

    def __init__(self, relationships: list[Relationship], config: Config, as_of: date, root: Path,
                 git: GitInfo | None = None, since: str | None = None, env=None, authors: set[str] | None = None):
        self.env = env or environment(root)  # a Jinja environment keeps its compiled templates
        self.site = Site(relationships, config, as_of, git or GitInfo(), since, authors)
        self.views = Views(relationships, self.site)
        self.relationships, self.config, self.as_of, self.root = relationships, config, as_of, root

    def customer_pages(self, r: Relationship) -> list[tuple[str, bytes]]:
        return [(p, render(self.env, t, ctx, self.root)) for p, t, ctx in self.views.customer_pages(r)]

    def site_digest(self, r: Relationship) -> str:
        """What a customer's pages take from the whole site besides its own relationship:
        the team's page names and its own tags' page names."""
        return repr((sorted(self.site.owner_slugs.items()),
                     [(t, self.site.tag_slugs[t]) for t in r.customer.tags]))

    def index_pages(self) -> Iterator[tuple[str, list[bytes]]]:
        """The pages over all customers, each in pieces (see `render_pieces`), one at a time:
        each page's view data is made just before it is rendered, and dropped after."""
        v = self.views

        def each():
            yield v.home()
            yield v.customers()
            yield from v.index_pages()

        for path, template, context in each():
            yield path, render_pieces(self.env, template, context, self.root)

    def other_files(self, search_js: bytes | None = None, feed_items=None) -> Iterator[tuple[str, bytes]]:
        """`feed_items`: the feed's interactions (with their notes), when the caller has them."""
        yield from assets(self.root)
        yield from calendars(self.relationships, self.config, self.as_of)
        yield from feed(self.relationships, self.config, self.as_of, feed_items)
        if search_js is None:
            yield from search_files(self.relationships, self.config, self.as_of)
        else:
            yield "search-index.js", search_js


def _other_outputs(relationships: list[Relationship], config: Config, as_of: date) -> Iterator[tuple[str, bytes]]:
    """calendar/team.ics and calendar/<owner>.ics, feed.atom, search-index.js."""
    yield from calendars(relationships, config, as_of)
    yield from feed(relationships, config, as_of)
    yield from search_files(relationships, config, as_of)
