"""One customer at a time: load, analyse and the per-customer outputs, cached and parallel.

A customer's relationship depends only on its own folder, the config, the as-of date and
what git says about its files. So each customer folder is a unit of work: keyed by a
digest of those inputs, looked up in the build cache, and otherwise loaded and analysed
on its own, in a worker process when the playbook is large enough to pay for them.
Results always come back in folder order, so the output does not depend on who did what.
"""

from __future__ import annotations

import io
import os
from collections import deque
from itertools import islice
import pickle
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, fields as dataclass_fields, replace
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

import multiprocessing

from .cache import Cache, digest, tool_digest
from .config import Config
from .engine import analyse
from .engine.types import Relationship
from .gitinfo import GitInfo, fill_authors
from .check import whole_playbook_problems
from .load import IGNORED, CUSTOMERS_DIR, load_customer
from .model import Customer, Interaction, Playbook
from .outputs.atom import LIMIT as FEED_ITEMS
from .problems import Problem
from .site.views import HOME_RECENT

#: Below this many interaction files a build stays in one process: starting workers and
#: shipping results back costs more than it saves (measured: README, "Benchmarks").
PARALLEL_MIN_FILES = 4000
#: Customers per task handed to a worker.
CHUNK = 25
#: Latest interactions per customer kept for the pages and files listing the latest overall.
RECENT = max(FEED_ITEMS, HOME_RECENT)

T = TypeVar("T")
R = TypeVar("R")


@dataclass(slots=True)
class Unit:
    """One customer folder, loaded and analysed."""

    slug: str
    """Folder name."""
    key: str
    """Digest of the folder's files, the config and the tool: what loading depends on."""
    akey: str
    """`key` plus the as-of date and git's facts on the files: what the analysis depends on."""
    customer: Customer | None
    """The customer (with authors filled in from git), or None when it could not be loaded."""
    problems: list[Problem]
    files: int
    relationship: Relationship | None
    search_z: bytes = b""
    """This customer's line of search-index.js (UTF-8, zlib-compressed: a large playbook's
    model stays small; a line decompresses in microseconds)."""
    json_z: bytes = b""
    """This customer's entry in playbook.json, indented as it appears there (UTF-8, zlib)."""

    @property
    def search_line(self) -> bytes:
        return zlib.decompress(self.search_z)

    @property
    def json_text(self) -> bytes:
        return zlib.decompress(self.json_z)
    loaded: Customer | None = None
    """The customer as its files say (before git fills in authors)."""
    checks: list[Problem] = field(default_factory=list)
    """The whole-playbook check's warnings about this customer (they depend on as_of)."""
    index_digest: str = ""
    """Digest of what the pages over all customers show of this one (all but its notes)."""
    facets: dict = field(default_factory=dict)
    """The parts of that, to tell which of those pages an edit changes."""
    slim: bool = False
    """True when the interactions' notes were left out (the full unit is in the cache)."""
    recent: list[tuple[tuple, str]] = field(default_factory=list)
    """Its latest interactions up to as_of, newest first, as (feed order key, digest of the
    interaction): what the home page and the feed may show."""


@dataclass(frozen=True, slots=True)
class Inputs:
    """What every unit shares."""

    root: Path
    config: Config
    config_digest: str
    as_of: date
    git: GitInfo
    git_digests: dict[str, str]
    """Per customer folder: a digest of what git says about its files."""
    known: dict[str, str] = field(default_factory=dict)
    """Per customer folder whose files are as the last build saw them (see manifest.py):
    its unit's key, so its files need not be read to find it in the cache."""


def read_folder(folder: Path) -> tuple[dict[str, bytes], str]:
    """The bytes of customer.yaml and every interaction, and a listing of the folder (names,
    kinds, link targets): everything loading the folder looks at."""
    data: dict[str, bytes] = {}
    listing: list[str] = []

    def scan(path: Path, prefix: str) -> list[os.DirEntry]:
        try:
            return sorted(os.scandir(path), key=lambda e: e.name)
        except OSError:
            return []

    for e in scan(folder, ""):
        kind = "l" if e.is_symlink() else ("d" if e.is_dir() else "f")
        listing.append(f"{kind}:{e.name}:{os.path.realpath(e.path) if kind == 'l' else ''}")
        if e.name == "customer.yaml" and e.is_file():
            try:
                data["customer.yaml"] = Path(e.path).read_bytes()
            except OSError:
                pass
    idir = folder / "interactions"
    if idir.is_symlink():
        listing.append(f"interactions->{os.path.realpath(idir)}")
    for e in scan(idir, "interactions/"):
        kind = "l" if e.is_symlink() else ("d" if e.is_dir() else "f")
        listing.append(f"i{kind}:{e.name}:{os.path.realpath(e.path) if kind == 'l' else ''}")
        if e.name.endswith(".md") and not IGNORED.search(e.name) and e.is_file():
            try:
                data[f"interactions/{e.name}"] = Path(e.path).read_bytes()
            except OSError:
                pass
    return data, "\n".join(listing)


def git_digests(git: GitInfo) -> dict[str, str]:
    """Per customer folder, a digest of what git says about its files (authors, last changes)."""
    per: dict[str, list[str]] = {}
    for name, table in (("last", git.last), ("added", git.added)):
        for path in sorted(table):
            parts = path.split("/")
            if len(parts) >= 4 and parts[0] == "content" and parts[1] == "customers":
                c = table[path]
                per.setdefault(parts[2], []).append(
                    f"{name}\t{path}\t{c.date}\t{c.author}\t{c.email}\t{c.commit}\t{c.subject}")
    return {slug: digest(*lines) for slug, lines in per.items()}


def load_unit(folder: Path, rel: str, inp: Inputs, cache: Cache) -> Unit:
    """Load and analyse one customer folder, from the cache when its inputs are unchanged."""
    unit = load_unit_pickled(folder, rel, inp, cache)
    return pickle.loads(unit) if isinstance(unit, bytes) else unit


def load_unit_pickled(folder: Path, rel: str, inp: Inputs, cache: Cache, kind: str = "units") -> Unit | bytes:
    """The unit, or its pickle straight from the cache (for a worker to pass on unread).
    `kind` "slim": the pickle without the notes' text (see `slim`), from the cache or made."""
    data: dict[str, bytes] | None = None
    key = inp.known.get(folder.name)
    if key is None:
        data, key = _read_keyed(folder, rel, inp)
    akey = digest(key, inp.as_of.isoformat(), inp.git_digests.get(folder.name, ""))
    raw = cache.get_pickled(kind, folder.name, f"{key}.{akey}")
    if raw is not None:
        return raw
    if kind != "units":
        full = load_unit_pickled(folder, rel, inp, cache)
        unit = pickle.loads(full) if isinstance(full, bytes) else full
        thin = slim(unit)
        cache.put_pickled(kind, folder.name, f"{unit.key}.{unit.akey}", thin)
        return thin
    if data is None:  # the cache lost the entry the manifest named: read the files after all
        data, key = _read_keyed(folder, rel, inp)
        akey = digest(key, inp.as_of.isoformat(), inp.git_digests.get(folder.name, ""))
    # The same files on another day, or with another history: only the analysis is redone.
    hit = cache.get("units", folder.name, f"{key}.", prefix=True)
    if hit is not None:
        loaded, problems, files = hit.loaded, hit.problems, hit.files
    else:
        problems: list[Problem] = []
        loaded, files = load_customer(folder, rel, inp.config, problems, inp.root, data)
    customer = _with_authors(loaded, inp) if loaded is not None else None
    unit = Unit(folder.name, key, akey, customer, problems, files, None, loaded)
    if customer is not None:
        finish(unit, inp)
    cache.put("units", folder.name, f"{key}.{akey}", unit)
    return unit


def _read_keyed(folder: Path, rel: str, inp: Inputs) -> tuple[dict[str, bytes], str]:
    """The folder's files and the unit key they give."""
    data, listing = read_folder(folder)
    return data, digest(tool_digest(), inp.config_digest, str(inp.root), rel, listing,
                        *(x for name in sorted(data) for x in (name, data[name])))


def _with_authors(customer: Customer, inp: Inputs) -> Customer:
    if not inp.git.added:
        return customer
    return fill_authors(Playbook((customer,)), inp.git, inp.config.team).customers[0]


def finish(unit: Unit, inp: Inputs) -> None:
    """Analyse the unit's customer and prepare its share of the whole-playbook files."""
    from .outputs.json_out import customer_json
    from .outputs.search import entry_line
    assert unit.customer is not None
    c = unit.customer
    r = analyse(c, inp.config, inp.as_of)
    unit.relationship = r
    unit.search_z = zlib.compress(entry_line(r, inp.config).encode("utf-8"), 1)
    unit.json_z = zlib.compress(customer_json(r).encode("utf-8"), 1)
    unit.checks = whole_playbook_problems(Playbook((c,)), inp.config, inp.as_of)
    tl = r.timeline
    # Everything the lists, home page, action pages and calendars read of a relationship
    # (views.py customer_row/home/owners, outputs/ics.py); what only its own pages show is left out.
    first = r.actions[0] if r.actions else None
    row = digest(repr((c.name, c.owners, c.tier, c.tags, r.stage.id, r.stage.reasons[:1], r.health.score,
                       tl.last_contact, tl.days_since, first and (first.title, first.due))))
    unit.facets = {
        "row": row,
        "stage": r.stage.id,
        # The home page's risk card: its row, reasons and next two actions (and its health
        # decides which cards the home page shows).
        "risk": digest(repr((row, r.stage.reasons, r.actions[:2]))) if r.stage.id == "at-risk" else "",
        "actions": digest(repr(r.actions)),
        "dates": digest(repr(r.key_dates)),
        "name": c.name,
        "owners": c.owners,
        "tags": c.tags,
        "people": tuple(sorted({*c.owners, *(a.owner for a in r.actions if a.owner)})),
        "authors": tuple(sorted({i.by for i in c.interactions if i.by})),
    }
    unit.index_digest = digest(repr(sorted(unit.facets.items())))
    items = [i for i in c.interactions if i.date <= inp.as_of]
    items.sort(key=lambda i: (-i.date.toordinal(), i.slug))
    unit.recent = [((-i.date.toordinal(), c.slug, i.slug), digest(repr(i))) for i in items[:RECENT]]


# -- running units in worker processes --------------------------------------------------------

_SHARED: dict = {}


def _run_chunk(args: tuple[Callable, int, int]) -> list:
    fn, lo, hi = args
    items = _SHARED["items"]
    return [fn(x) for x in items[lo:hi]]


def shared(name: str):
    """A value the parent handed to the workers (they inherit it when forked)."""
    return _SHARED[name]


def can_fork() -> bool:
    return os.name == "posix" and "fork" in multiprocessing.get_all_start_methods()


def workers(jobs: int | None = None) -> int:
    if jobs is not None:
        return max(1, jobs)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def ordered_map(fn: Callable[[T], R], items: Sequence[T], jobs: int, chunk: int = CHUNK,
                meanwhile: Iterable[R] = (), **share) -> Iterator[R]:
    """`fn` over `items`, results in the items' order, after the items of `meanwhile`.

    With jobs > 1, forked workers take chunks of `items` while this process goes through
    `meanwhile`. Workers inherit `items` and `share` (read with `shared(name)`) instead of
    being sent them, so `fn` must be a module-level function. Without fork: one process."""
    _SHARED.update(share, items=items)
    try:
        if jobs <= 1 or len(items) <= chunk or not can_fork():
            yield from meanwhile
            yield from (fn(x) for x in items)
            return
        ctx = multiprocessing.get_context("fork")
        spans = iter([(fn, lo, min(lo + chunk, len(items))) for lo in range(0, len(items), chunk)])
        more = iter(meanwhile)
        done = object()
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            # A few chunks in flight at a time, so finished results never pile up in memory;
            # while the oldest is not ready, this process works through `meanwhile`.
            pending = deque(pool.submit(_run_chunk, span) for span in islice(spans, 8 * jobs))
            while pending:
                while not pending[0].done():
                    item = next(more, done)
                    if item is done:
                        break
                    yield item
                results = pending.popleft().result()
                span = next(spans, None)
                if span is not None:
                    pending.append(pool.submit(_run_chunk, span))
                yield from results
                del results
            yield from more
    finally:
        _SHARED.clear()


def full_unit(u: Unit, inp: Inputs, cache: Cache) -> Unit:
    """The unit with its notes: itself, or (for a slim one) as stored in the cache; loaded
    again should the cache have lost it."""
    if not u.slim:
        return u
    full = cache.get("units", u.slug, f"{u.key}.{u.akey}")
    if full is None:
        from .cache import Cache as _Cache
        folder = inp.root / CUSTOMERS_DIR / u.slug
        full = load_unit(folder, f"{CUSTOMERS_DIR}/{u.slug}", inp, _Cache(inp.root, enabled=False))
    return full


def _load_task(item: tuple[Path, str]) -> bytes:
    """In a worker: the unit pickled without its notes' text (see `slim`), from the cache as
    stored when it holds one, so it is neither unpickled nor pickled again here."""
    unit = load_unit_pickled(item[0], item[1], shared("inputs"), shared("cache"), kind="slim")
    return unit if isinstance(unit, bytes) else slim(unit)


class _Slim(pickle.Pickler):
    def reducer_override(self, obj):
        if type(obj) is Interaction and obj.body:
            return Interaction, tuple(getattr(obj, f) if f != "body" else "" for f in _INTERACTION_FIELDS)
        return NotImplemented


_INTERACTION_FIELDS = tuple(f.name for f in dataclass_fields(Interaction))


def slim(unit: Unit) -> bytes:
    """The unit pickled with every interaction's notes left out: what the pages over all
    customers need (the notes are only on the customer's own pages, rendered from the full
    unit, and in the feed). Keeps a large playbook's model small in the main process."""
    buf = io.BytesIO()
    # `loaded` (the customer before git's authors) only serves a re-analysis, from the full unit.
    _Slim(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(replace(unit, loaded=None) if unit.loaded is not unit.customer else unit)
    return buf.getvalue()


def load_units(folders: list[tuple[Path, str]], inp: Inputs, cache: Cache, jobs: int | None = None) -> list[Unit]:
    """Every customer folder as a Unit, in folder order. On a large playbook, workers read and
    hash the files and load what the cache does not hold; what comes back is a pickle either
    way (from the cache as it was stored), which this process unpickles once."""
    n = workers(jobs)
    if jobs is None and n > 1 and sum(_count_md(f) for f, _ in folders) < PARALLEL_MIN_FILES:
        n = 1
    if n <= 1 or not can_fork():
        if cache.kinds is not None:  # a spill for slim units: none here
            cache = Cache(inp.root, enabled=False)
        return [load_unit(f, rel, inp, cache) for f, rel in folders]
    units = []
    for b in ordered_map(_load_task, folders, n, inputs=inp, cache=cache):
        u = pickle.loads(b)
        u.slim = True
        units.append(u)
    return units


def _count_md(folder: Path) -> int:
    try:
        return len(os.listdir(folder / "interactions"))
    except OSError:
        return 0
