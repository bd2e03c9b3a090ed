"""Phase 4 of the build (build.py): every file of the site, from the analysed units.

Each customer's own pages are memoised under a key of its analysis, the site's names and
the templates (on a large cold build they are rendered by worker processes while this one
renders the pages over all customers). A page over all customers is keyed by what it shows:
a list page by the digests of what it reads of its rows and actions (site/lists.py), any other by a
digest of its view data. playbook.json, the search index, the calendars and the feed are
keyed by what they read of each customer. A file whose key is the one last written is kept.
"""

from __future__ import annotations

import pickle
from bisect import insort
from collections.abc import Sequence
from functools import cache, partial
from heapq import merge, nlargest
from itertools import islice
from typing import Callable, Iterable, Iterator

from jinja2 import Environment
from msgspec import Struct, field

try:  # Python 3.14's Zstandard; before it the same module is the backports.zstd dependency
    from compression import zstd
except ImportError:
    from backports import zstd

from .memo import Memo, digest, fingerprint, key
from .engine.agenda import RESORT_SHARE, Agenda
from .engine.types import Relationship
from .model import Interaction
from .names import customer_file
from .outputs import json_out, search, search_shards
from .outputs.atom import FILE as FEED, LIMIT as FEED_ITEMS, feed
from .outputs.ics import calendar, calendar_files, entry
from .parallel import beside_all, can_fork, in_process, ordered_map, workers
from .site import Renderer, paging
from .site.views import HOME_RECENT, Page
from .site.kept import Deferred, Kept
from .site.render import assets, render_pieces
from .folders import Listing
from .inputs import Inputs
from .manifest import Manifest
from .units import PARALLEL_MIN_FILES, Analysed, Book, Unit, full_unit, note_digest, with_blobs, without_blobs
from .write import Stale, Writer

__all__ = ["Carried", "render_site"]

#: A page over all customers is kept in the memo up to this size (bytes).
PAGE_MEMO_MAX = 16 * 2**20


def worth_keeping(memo: Memo, kind: str, lost: bool) -> bool:
    """Whether a file made (a customer's pages, a page over all customers, a calendar) is kept
    in the memo too. The output holds it, so a copy helps only a build that finds the output
    gone: `serve` (in memory), or once a build found the file the last one wrote under the same
    key lost (`lost`: a site removed, CI's fresh checkout with the memo restored). A first build
    kept them all: at 1,000 × 50, 43 MB and about 1.1 s of its processes' time, which a
    --no-cache build never spends. CI's second build then makes them once more, and keeps them."""
    return memo.mem is not None or (lost and memo.stores(kind))


def latest(units: list[Unit], limit: int) -> list[tuple[tuple, str]]:
    """The latest interactions over all customers, newest first, as the feed orders them.
    Only a customer whose own latest day is among the `limit` latest of those days can have
    one of them (the customers with those days have `limit` notes at least as new between
    them): the others' are not merged (merging all 10,000 took 40 ms, asked three times a
    build)."""
    firsts = [(int(u.recent[:u.recent.index(" ")]), u) for u in units if u.has_relationship and u.recent]
    if len(firsts) > limit:
        floor = nlargest(limit, (day for day, _ in firsts))[-1]
        firsts = [(day, u) for day, u in firsts if day >= floor]
    return list(islice(merge(*(u.latest_keys(limit) for _, u in firsts)), limit))


def recent_interactions(units: list[Unit], n: int) -> list[tuple[Interaction, Relationship]]:
    """The `n` latest interactions over all customers with their relationships, as the home
    page lists them (`views.latest`): found by the units' `recent` keys, and only those read."""
    by_slug = {u.slug: u for u in units if u.has_relationship}
    return [(by_slug[c].interaction(i), by_slug[c].relationship) for (_, c, i), _ in latest(units, n)]


def feed_key(units: list[Unit], newest: list[tuple[tuple, str]], inp: Inputs) -> str:
    """What the feed is made from: its interactions, each by its customer's analysis (which
    holds the note and, through the config's digest, the team's names and the site's
    address), and the date."""
    akeys = {u.slug: u.akey for u in units if u.has_relationship}
    return key("feed", inp.as_of.isoformat(), *(f"{c} {i} {akeys[c]}" for (_, c, i), _ in newest))


def feed_items(units: list[Unit], newest: list[tuple[tuple, str]], inp: Inputs, memo: Memo) -> list:
    """The feed's (customer, interaction) pairs, with their notes (slim units leave them out)."""
    by_slug = {u.slug: u for u in units if u.has_relationship}
    full: dict[str, Unit] = {}
    items = []
    for (_, cslug, islug), _ in newest:
        u = full.get(cslug)
        if u is None:  # (setdefault read the customer in full again for each of its notes)
            u = full[cslug] = full_unit(by_slug[cslug], inp, memo)
        c = u.relationship.customer
        items.append((c, next(i for i in c.interactions if i.slug == islug)))
    return items


def list_keys(units: list[Unit]) -> dict[int, str]:
    """Each relationship's and action's key for the list pages, by id: the digest of its
    row's facts (`Unit.row_key`), and of an action and what its view reads of its customer
    (`Unit.action_keys`), which hold all that a list page reads of them. A list page is a
    function of the site and of what it shows (site/lists.py keys it so)."""
    keys: dict[int, str] = {}
    for u in units:
        if u.row_key:
            keys[id(u.relationship)] = u.row_key
        actions = u.relationship.actions
        if len(u.action_keys) == len(actions):
            keys.update(zip(map(id, actions), u.action_keys))
    return keys


def page_key(u: Unit, renderer: Renderer, templates: str) -> str:
    """A customer's own pages depend on its analysis, the site's names and the templates."""
    return key("pages", u.akey, renderer.site_digest(u.tags), templates)


def pages_task(u: Unit, renderer: Renderer, memo: Memo, inp: Inputs, pk: str,
               lost: bool = False) -> list[tuple[str, bytes]]:
    """One customer's pages under their key `pk`: from the memo, else rendered (and kept there,
    compressed, when `worth_keeping`; `lost`: see there)."""
    pages = _pages_back(memo.get("pages", pk))
    if pages is None:
        pages = renderer.customer_pages(full_unit(u, inp, memo).relationship)
        if worth_keeping(memo, "pages", lost):
            memo.put("pages", pk, _pages_kept(pages))
        else:
            memo.keep("pages", pk)
    return pages


def _pages_task(u: Unit, share: dict) -> tuple[str, list[tuple[str, bytes]]]:
    return u.slug, pages_task(u, share["renderer"], share["memo"], share["inputs"], share["page_keys"][u.slug],
                              u.slug in share["lost"])


#: Zstandard's level for a customer's pages in the memo (`_pages_task`). At 10,000 × 20 they
#: are 910 MB, compressed by every first build and read back by a CI build whose cache holds
#: them. On a sample of 334 customers, in one process: zlib's fastest level 4.96× at
#: 144 MB/s (read back at 216 MB/s); Zstandard's level 1 6.14× at 373 MB/s (399 MB/s).
PAGES_LEVEL = 1


def _pages_kept(pages: list[tuple[str, bytes]]) -> bytes:
    return zstd.compress(pickle.dumps(pages, protocol=pickle.HIGHEST_PROTOCOL), PAGES_LEVEL)


def _pages_back(stored: object) -> list[tuple[str, bytes]] | None:
    """A customer's pages as `_pages_task` keeps them: compressed (at 10,000 × 20, 154 MB in
    place of 910 MB; see `PAGES_LEVEL`)."""
    if not isinstance(stored, bytes):
        return None
    try:
        pages = pickle.loads(zstd.decompress(stored))
    except Exception:  # any failure means "not stored"
        return None
    return pages if isinstance(pages, list) else None


def _view_key(templates: str, template: str, context: dict, kept: Kept) -> str | None:
    """A page over all customers is keyed by a digest of its view data: what it shows can
    never drift from what was rendered. None when the view data cannot be pickled. A row or
    action view made once for many pages is pickled as the digest it was given when made."""
    data = fingerprint(context, kept.stand_in)
    return key("page", templates, template, data) if data is not None else None


def _files(pages: Iterable[Page], renderer: Renderer, templates: str, memo: Memo, writer: Writer,
           kept: Kept) -> Iterator[tuple[str, str, object]]:
    """Pages as (path, key, bytes or pieces, None to keep the file)."""
    for path, template, context in pages:
        if isinstance(context, Deferred):  # keyed by what it shows; its view data made only if needed
            vk: str | None = key("page", templates, template, context.key)
        else:
            vk = _view_key(templates, template, context, kept)
        if vk is not None and writer.has(path, vk):
            memo.keep("page", vk)
            yield path, vk, None
            continue
        pieces = memo.get("page", vk) if vk is not None else None
        if pieces is None:
            if isinstance(context, Deferred):
                context = context.make()
            pieces = render_pieces(renderer.env, template, context, renderer.root)
            if vk is not None and sum(map(len, pieces)) <= PAGE_MEMO_MAX \
                    and worth_keeping(memo, "page", writer.wrote_before(path, vk)):
                memo.put("page", vk, pieces)
        yield path, vk or digest(*pieces), pieces


def _kept_or_made(kind: str, k: str | None, made: Callable[[], Iterator[tuple[str, str, object]]], memo: Memo,
                  writer: Writer) -> Iterator[tuple[str, str, object]]:
    """`made()`'s files, or, when the memo knows their names and keys by `k` (a digest of all
    they are made from) and each file is on disk as written, all kept without making them."""
    known = memo.get(kind, k) if k is not None else None
    if isinstance(known, tuple) and all(writer.has(path, pk) for path, pk in known):
        for path, pk in known:
            memo.keep("page", pk)
            yield path, pk, None
        return
    names = []
    for path, pk, data in made():
        names.append((path, pk))
        yield path, pk, data
    if k is not None:  # all made: a template that failed half way stores nothing
        memo.put(kind, k, tuple(names))


def index_key(renderer: Renderer, templates: str, inp: Inputs, since: str | None, units: list[Unit]) -> str | None:
    """Everything the pages over all customers are made from: the templates, the site (its
    config, date, names and `since`), git's commits (the home page's changes since), how
    lists are paged, what they read of each customer (`Unit.shown`) and the home page's
    latest interactions."""
    site = renderer.views.site_key
    if site is None:
        return None
    # The home page's latest interactions, which `shown` leaves out, by what it shows of them.
    by_slug = {u.slug: u for u in units}
    recent = (f"{c} {i} {note_digest(by_slug[c].interaction(i))}" for (_, c, i), _ in latest(units, HOME_RECENT))
    return key("index", templates, site, str(inp.root), since or "", str(paging.PER_PAGE), str(paging.TEXT_BUDGET),
               *(c.commit for c, _ in inp.git.log), *(u.shown for u in units), "recent", *recent)


def lists_key(renderer: Renderer, templates: str, inp: Inputs, units: list[Unit]) -> str | None:
    """Everything the lists of customers and actions are made from (`ListViews.lists`): the
    templates, the site's key, how lists are paged, and the list keys of every row and action
    (`list_keys`); None when one has none (its page is then keyed by its view data)."""
    site = renderer.views.site_key
    if site is None or any(not u.row_key or len(u.action_keys) != u.action_count for u in units):
        return None
    return key("lists", templates, site, str(inp.root), str(paging.PER_PAGE), str(paging.TEXT_BUDGET),
               "\n".join(f"{u.row_key} {' '.join(u.action_keys)}" for u in units))


def kept_or_made(renderer: Renderer, templates: str, inp: Inputs, since: str | None, units: list[Unit],
                 memo: Memo, writer: Writer, kept: Kept) -> Iterator[tuple[str, str, object]]:
    """The pages over all customers: all kept as written when nothing they are made from
    changed (`index_key`), without making their view data (in a profile of a `serve` rebuild
    at 10,000 customers, making it was about two thirds of the time); else the lists likewise
    when no row or action on them changed (`lists_key`: a new summary), and the other pages
    (the home page, the team's, renewals, key dates, asks) each kept by its view data."""
    v = renderer.views

    def made() -> Iterator[tuple[str, str, object]]:
        yield from _files(v.others(), renderer, templates, memo, writer, kept)
        yield from _kept_or_made("lists", lists_key(renderer, templates, inp, units),
                                 lambda: _files(v.lists(), renderer, templates, memo, writer, kept), memo, writer)

    yield from _kept_or_made("index", index_key(renderer, templates, inp, since, units), made, memo, writer)


class Last(Struct):
    """What the last `serve` rebuild that wrote the site was made with (early.py)."""

    inputs: Inputs
    """Its inputs, without the per-folder hints (`known`, `before`, `elsewhere`)."""
    templates: str
    """The templates' digest (`build.templates_digest`)."""
    authors: set[str]
    people: set[str]
    tags: set[str]
    """The book's names (`units.Book`)."""


class Carried(Struct):
    """What `serve` carries from one build to the next besides the memo."""

    envs: dict = field(default_factory=dict)
    """The Jinja environment of the last build, by templates digest: compiling the templates
    again took half of a rebuild at 200 customers."""
    kept: Kept = field(default_factory=Kept)
    """Rows and action views of the customers that did not change (site/kept.py)."""
    shards: search_shards.Shards = field(default_factory=search_shards.Shards)
    """The search index's pieces as last made (outputs/search_shards.py)."""
    agenda: Agenda = field(default_factory=Agenda)
    """Every action, ranked, as last ranked (engine/agenda.py)."""
    listing: Listing = field(default_factory=Listing)
    """The customers folder as last listed (folders.customer_folders)."""
    manifest: tuple[tuple[int, ...], Manifest] | None = None
    """The manifest this session last wrote, with what `stat` said of its file then
    (manifest.read: reading it back was a tenth of the time until the edited page at 10,000
    customers)."""
    units: dict[str, Unit] = field(default_factory=dict)
    """The last build's units with a relationship, by slug: one the same object now is
    unchanged (`render_site` makes the changed customers' pages first)."""
    analysed: Analysed = field(default_factory=Analysed)
    """What the last `units.analyse_all` was given and made."""
    last: Last | None = None
    """What the last rebuild that wrote the site was made with (early.py); None after one that
    did not."""
    announce: Callable[..., None] | None = None
    """Told the files written so far once the changed customers' pages are on disk (`serve`
    reloads the tabs showing them then, not a second later when the rest is written); with
    `ahead=True`, those written before the rebuild began (early.py)."""


def agenda_order(ok: Sequence[Unit], was: json_out.Layout | None = None) -> list[tuple[int, int]]:
    """playbook.json's agenda (`json_out.agenda_order` of the ranking: engine.agenda) from
    the units' sort keys of their actions: ranked by them, ties in customer (slug) order,
    then in each customer's own order, without reading any relationship.

    `was`: the layout of the last file. The actions of a customer it holds (by analyse key,
    so the same actions and slug) are in its agenda in this very order, so they are ranked
    by where they sat there, and only the changed customers' actions are put in among them
    by their keys, as `serve`'s `Agenda` does (and past its share, all sorted again). In a
    one-note build at 10,000 × 20 (40,000 actions) this took 0.06–0.16 s, where sorting
    every key took 0.22–0.33 s: what is left is reading each customer's positions."""
    def rank(at: tuple[int, int]) -> tuple[tuple, str, int]:
        u = ok[at[0]]  # (slug, index) is unique: no two ranks are equal
        return u.action_sort_keys[at[1]], u.slug, at[1]
    kept: list[tuple[int, int, int]] = []
    changed: list[tuple[int, int]] = []
    for n, u in enumerate(ok):
        count = len(u.action_sort_keys)
        span = was.get(u.akey) if was else None
        if span is not None and len(span) == 2 + 2 * count:
            kept.extend((span[2 + 2 * j], n, j) for j in range(count))
        else:
            changed.extend((n, j) for j in range(count))
    if len(changed) > RESORT_SHARE * (len(kept) + len(changed)):
        return sorted(changed + [(n, j) for _, n, j in kept], key=rank)
    kept.sort()
    order = [(n, j) for _, n, j in kept]
    for at in changed:
        insort(order, at, key=rank)
    return order


class Relationships(Sequence[Relationship]):
    """The units' relationships, each read only when asked (`Unit.relationship`): a build
    that keeps every page over all customers reads none but the changed customers'."""

    def __init__(self, units: list[Unit]):
        self.units = units

    def __len__(self) -> int:
        return len(self.units)

    def __getitem__(self, i: int | slice) -> Relationship | list[Relationship]:  # type: ignore[override]
        if isinstance(i, slice):
            return [u.relationship for u in self.units[i]]
        return self.units[i].relationship

    def __iter__(self) -> Iterator[Relationship]:
        return (u.relationship for u in self.units)


def _export(ok: list[Unit], rels: Sequence[Relationship],
            order: Callable[[json_out.Layout | None], list[tuple[int, int]]], inp: Inputs,
            memo: Memo, writer: Writer, add: Callable[[str, str, object], None],
            fill: Callable[[Unit], Unit]) -> None:
    """playbook.json, copying each customer that did not change from the file as last written
    (its layout is memoised under the file's key) rather than decompressing every one (or
    reading its blobs: `fill`). `order(last layout)`: its agenda (`rels` are then not read)."""
    k = key("json", inp.as_of.isoformat(), *(u.akey for u in ok))
    if writer.has("playbook.json", k):
        memo.keep("json", k)
        add("playbook.json", k, None)
        return
    layout: json_out.Layout = {}
    with writer.reading("playbook.json") as last:
        was = memo.get("json", last[0]) if last is not None else None
        ranked = order(was)
        known = was or {}
        try:
            add("playbook.json", k, json_out.pieces([u if u.akey in known else fill(u) for u in ok], rels, inp.as_of,
                                                    (was, last[1]) if was else None, layout, ranked))
        except (json_out.Stale, Stale):  # changed by someone while read (or copied): made whole
            add("playbook.json", k, json_out.pieces([fill(u) for u in ok], rels, inp.as_of, None, layout, ranked))
    memo.put("json", k, layout)


#: From this many customers on, a build that makes few customers' pages makes the exports
#: in a forked worker meanwhile (`split_ok`): below it, forking costs about what it saves.
SPLIT_MIN_CUSTOMERS = 500


def split_ok(ok: list[Unit], page_keys: dict[str, str], writer: Writer, jobs: int | None) -> bool:
    """Whether a build makes the exports (playbook.json and the search index) in a forked
    worker while this process makes each customer's JSON and the pages: on a large enough
    book, with a second core, when this process makes the customers' pages itself (few
    changed: a cold build's workers make them). In a profile of a one-note build at
    10,000 × 20 (cProfile, one process) the halves took 1.01 and 0.71 s; with the customers'
    JSON in the worker, 1.32 and 0.45 s."""
    n = workers(jobs)
    if len(ok) < SPLIT_MIN_CUSTOMERS or n < 2 or not can_fork():
        return False
    changed = [u for u in ok if not writer.made_under(u.slug, page_keys[u.slug])]
    return (jobs is None and sum(u.files for u in changed) < PARALLEL_MIN_FILES) or in_process(changed, n)


def _exports_task(share: dict, run: Callable[[Callable[[str, str, object], None]], None]) \
        -> tuple[list[tuple[str, str, bool, tuple[int, int] | None]], dict[str, set[str]]]:
    """In a forked worker (`render_site`): the exports, added to the worker's copy of the
    build's writer (its files go into the same scratch folder); what the build's own writer
    and memo must learn of them: each file's path, key, whether its bytes were written and
    what `stat` found of a file kept, and the memo entries used."""
    writer, memo = share["writer"], share["memo"]
    memo.used = {}
    added: list[tuple[str, str, bool]] = []

    def add(rel: str, k: str, data: object) -> None:
        before = writer.written
        writer.add(rel, k, data)
        added.append((rel, k, writer.written > before))
    run(add)
    return [(rel, k, wrote, writer.seen.get(rel)) for rel, k, wrote in added], memo.used


def render_site(book: Book, inp: Inputs, since: str | None, memo: Memo, writer: Writer,
                jobs: int | None, progress: Callable[[str], None], templates: str, env: Environment,
                carried: Carried | None = None) -> None:
    """Every output file into `writer`. Customers' own pages are rendered in worker processes
    on a large cold build while this process renders the pages over all customers.
    `templates`: their digest; `env`: the Jinja environment for them."""
    units, ok = book.units, book.ok  # both changed in place below (blobs dropped)
    rels = Relationships(ok)
    # A build keeps nothing for a next one: the search index's pieces are not held (at 10,000
    # customers they are tens of megabytes) and the kept views go with this build.
    plain = carried is None
    shards = None if plain else carried.shards
    carried = carried or Carried(kept=Kept(retain=False))
    # Ranked once, and only when a page or the export that reads the ranking is made: a
    # one-edit build keeps both, and sorting 114,000 actions at 10,000 customers costs.
    ranking = cache(lambda: carried.agenda.update(rels))
    renderer = Renderer(rels, inp.config, inp.as_of, inp.root, inp.git, since, env, authors=book.authors,
                        kept=carried.kept, keys=partial(list_keys, ok), ranking=ranking, people=book.people,
                        tags=book.tags, recent=partial(recent_interactions, ok))
    count = 0

    def add(rel: str, k: str, data) -> None:
        nonlocal count
        writer.add(rel, k, data)
        count += 1
        if count % 200 == 0:
            progress(f"Writing the site… {count:,} files")

    page_keys: dict[str, str] = {}
    # `lost`: customers whose pages a build made under the same key before, since gone.
    share = dict(renderer=renderer, memo=memo, inputs=inp, page_keys=page_keys, lost=set())

    def write_pages(slug: str, files: list[tuple[str, bytes]]) -> None:
        pk = page_keys[slug]
        for rel, data in files:
            add(rel, pk, data)
        writer.group(slug, pk, tuple(rel for rel, _ in files))

    # The styles and scripts first: a tab reloaded when its page is written (`announce`) loads
    # them at once. Kept as written when unchanged, as every other file is (written again,
    # they were five new files in every build).
    for rel, data in assets(inp.root):
        k = digest(data)
        add(rel, k, None if writer.has(rel, k) else data)
    first: list[Unit] = []
    if not plain:
        # `serve`, after an edit: the customers whose unit is not the last build's and whose
        # pages' key changed are made first, before the other customers' page keys are taken,
        # their files stat'ed and the files over all customers made, so the page someone is
        # looking at is on disk first (at 10,000 customers the export alone is 117 MB, and the
        # stat'ing a tenth of a rebuild). The others whose key changed (a new owner's name on
        # every page) are made with the rest. A build makes them after dropping the exports'
        # blobs, and its writer shows nothing until all is written.
        last = carried.units
        for u in ok:
            if last.get(u.slug) is not u:
                page_keys[u.slug] = page_key(u, renderer, templates)
                if not writer.made_under(u.slug, page_keys[u.slug]):
                    first.append(u)
        if in_process(first, workers(jobs)):
            for u in first:
                write_pages(*_pages_task(u, share))
            if first and carried.announce is not None and writer.changed is not None:
                carried.announce(tuple(writer.changed))
        else:
            first = []
    for u in ok:
        if u.slug not in page_keys:
            page_keys[u.slug] = page_key(u, renderer, templates)
    for pk in page_keys.values():  # made this time (perhaps by a worker) or kept: memoised still
        memo.keep("pages", pk)
    done = {u.slug for u in first}
    # A unit read back slim holds none of its blobs (units.BLOBS): they are read for what is
    # made again only.
    fill = partial(with_blobs, inp=inp, memo=memo)

    def export_json(add: Callable[[str, str, object], None]) -> None:
        """playbook.json and its schema."""
        # `serve` ranks once for the pages and the export, and keeps the ranking up to date
        # (engine.agenda); a build ranks by the units' sort keys, which every page over all
        # customers kept as written never needs.
        order = partial(agenda_order, ok) if plain else lambda _: json_out.agenda_order(rels, ranking())
        _export(ok, rels, order, inp, memo, writer, add, fill)
        schema = json_out.schema_bytes()
        k = digest(schema)
        add(json_out.SCHEMA_FILE, k, None if writer.has(json_out.SCHEMA_FILE, k) else schema)

    def export_search(add: Callable[[str, str, object], None]) -> None:
        """The search index: one file, or pieces."""
        for rel, k, data in search_shards.files(ok, writer.has, search.parts, shards, memo, fill):
            add(rel, k, data)

    def customer_json() -> None:
        """Each customer's entry on its own, for a tool that wants one customer."""
        for u in ok:
            # Keyed by its analysis, which it is a function of (the date is in it): no digest
            # made per customer (10,000 of them took 25 ms of every one-note build).
            rel, k = customer_file(u.slug), u.akey
            add(rel, k, None if writer.has(rel, k) else json_out.customer_file(fill(u).json_text, inp.as_of))

    def pages() -> None:
        """Each customer's pages, the pages over all customers, the calendars and the feed."""
        todo = []
        for u in ok:
            if u.slug in done:
                continue
            kept = writer.kept_group(u.slug, page_keys[u.slug])
            if kept is None:
                todo.append(u.slug)
                if writer.made_before(u.slug, page_keys[u.slug]):
                    share["lost"].add(u.slug)
            else:
                for rel in kept:
                    add(rel, page_keys[u.slug], None)
                writer.group(u.slug, page_keys[u.slug], kept)
        n = workers(jobs)
        made = set(todo)
        if jobs is None and sum(u.files for u in ok if u.slug in made) < PARALLEL_MIN_FILES:
            n = 1  # starting workers costs more than it saves (slim units hold few notes)
        if not memo.on_disk:
            n = 1  # workers hand results back through the memo's files
        if plain:
            # A build: what the exports were made from is not held while the pages are made
            # (at 10,000 customers the export and search blobs are a hundred megabytes).
            # `serve` keeps its units whole in memory for the next build. In place: the
            # relationships and the views' partials read the units of this list.
            for i, u in enumerate(units):
                if u.has_relationship and u.json_z:
                    units[i] = without_blobs(u)
            ok[:] = [u for u in units if u.has_relationship]

        index = ((None, [f]) for f in kept_or_made(renderer, templates, inp, since, ok, memo, writer, carried.kept))
        for slug, files in ordered_map(_pages_task, [u for u in ok if u.slug in made], n, meanwhile=index, **share):
            if slug is None:
                add(*files[0])
            else:
                write_pages(slug, files)
        # A calendar reads only its customers' entries (ics.entry), whose digests the units keep,
        # and a person's only those of the customers they own or have an action of: an edit that
        # moves no action or key date leaves every calendar as it was, and one that does, only the
        # team's and those people's.
        entries = None
        # Each person's customers' keys, in the customers' order, gathered in one pass (asked
        # of every customer for each person, about 45 ms of a one-note build at 10,000 in a
        # sampling profile).
        shown: dict[str, list[str]] = {}
        for u in ok:
            for person in u.calendar_people:
                shown.setdefault(person, []).append(u.calendar_key)
        for rel, name, owner in calendar_files(inp.config, renderer.site.handles):
            k = key("ics", name, owner or "", inp.as_of.isoformat(), inp.config.site_url or "",
                    *([u.calendar_key for u in ok] if owner is None else shown.get(owner, ())))
            if writer.has(rel, k):
                memo.keep("ics", k)
                add(rel, k, None)
                continue
            data = memo.get("ics", k)
            if data is None:
                entries = entries or [entry(r) for r in rels]
                data = calendar(name, entries, inp.as_of, owner, site_url=inp.config.site_url)
                if worth_keeping(memo, "ics", writer.wrote_before(rel, k)):
                    memo.put("ics", k, data)
                else:
                    memo.keep("ics", k)
            add(rel, k, data)
        # The feed's notes are in the full units only: kept as written while its key holds, none
        # is read (an eighth of a one-edit build's render phase at 1,000 × 50).
        newest = latest(units, FEED_ITEMS)
        fk = feed_key(units, newest, inp)
        if writer.has(FEED, fk):
            add(FEED, fk, None)
        else:
            for rel, data in feed(rels, inp.config, inp.as_of, feed_items(units, newest, inp, memo)):
                add(rel, fk, data)

    if plain and split_ok(ok, page_keys, writer, jobs):
        # A build after an edit: playbook.json and the search index each in a forked worker
        # (they inherit the units), the customers' JSON and the pages here, all at once; a
        # worker writes its files into the same scratch folder and tells this writer and memo
        # what it added and used. At 10,000 × 20 the two exports in one worker took 0.84–1.02 s
        # while this process's share took 0.53 s: the worker was the build's longest path.
        found = beside_all([partial(_exports_task, run=export_json), partial(_exports_task, run=export_search)],
                           lambda: (customer_json(), pages()), writer=writer, memo=memo)
        for added, used in found:  # playbook.json's files, then the search index's
            for rel, k, wrote, seen in added:
                writer.adopt(rel, k, wrote, seen)
                count += 1
            for kind, keys in used.items():
                memo.keep_all(kind, keys)
    else:
        export_json(add)
        export_search(add)
        customer_json()
        pages()
    if not plain:  # a build's kept views go with it
        carried.kept.seal({id(x) for r in rels for x in (r, *r.actions)})
        carried.units = {u.slug: u for u in ok}
    progress(f"Writing the site… {count:,} files")
