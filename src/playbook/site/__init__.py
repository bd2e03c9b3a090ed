"""The HTML site: view data (views.py) rendered by the team's or the default templates.

`pages()` yields every file of the site as (relative path, bytes) in a fixed order; the
build writes them. The non-HTML outputs (calendars, the feed, the search index) come from
`playbook.outputs` and are yielded here too, so the site's links always have a target.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Iterator

from ..config import Config
from ..engine.types import Relationship
from ..gitinfo import GitInfo
from .parts import Site
from .render import assets, environment, render
from .views import Views

__all__ = ["pages"]


def pages(relationships: list[Relationship], config: Config, as_of: date, root: Path,
          git: GitInfo | None = None, since: str | None = None) -> Iterator[tuple[str, bytes]]:
    """`git` adds who-changed-what; `since` (a date or a commit) lists the changes after it on the home page."""
    env = environment(root)
    site = Site(relationships, config, as_of, git or GitInfo(), since)
    for path, template, context in Views(relationships, site).all():
        yield path, render(env, template, context, root)
    yield from assets(root)
    yield from _other_outputs(relationships, config, as_of)


def _other_outputs(relationships: list[Relationship], config: Config, as_of: date) -> Iterator[tuple[str, bytes]]:
    """calendar/team.ics and calendar/<owner>.ics, feed.atom, search-index.js. Imported here, not
    at the top: those modules use this package's naming (parts.Site), so importing them first
    must not loop back."""
    from ..outputs.atom import feed
    from ..outputs.ics import calendars
    from ..outputs.search import search_files

    yield from calendars(relationships, config, as_of)
    yield from feed(relationships, config, as_of)
    yield from search_files(relationships, config, as_of)
