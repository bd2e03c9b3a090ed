"""The orchestrator: load → check → analyse → render → write, in named phases.

Every file is first written into a fresh folder beside the output; only when all of them
are written is the old site swapped out. A failed build leaves the previous site as it was.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import manifest
from .cache import Cache, digest, tool_digest
from .config import CONFIG_FILE, Config, load_config, resolve_as_of
from .engine import analyse_all
from .engine.types import Relationship
from .gitinfo import GitInfo, fill_authors, read_git
from .load import IGNORED, CUSTOMERS_DIR, Loaded, customer_folders
from .outputs import json_out, search
from .outputs.atom import LIMIT as FEED_ITEMS
from .outputs.json_out import playbook_json
from .problems import Problem, sorted_problems
from .site.render import TemplateProblem
from .site.views import HOME_RECENT
from .units import PARALLEL_MIN_FILES, Inputs, full_unit, Unit, git_digests, load_unit, load_units, ordered_map, shared, workers

#: A file in every built site; only folders holding it are ever replaced or deleted.
MARKER = ".playbook-site"


class BuildError(Exception):
    """The build cannot go on (a problem with the output folder, not with the content)."""


@dataclass(slots=True)
class BuildReport:
    """What a build did."""

    ok: bool
    problems: list[Problem]
    out: Path
    as_of: date | None = None
    files: int = 0
    """Files in the site."""
    written: int = 0
    """Files whose bytes changed (all of them on a full build)."""
    customers: int = 0
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    unchanged: bool = False
    """Nothing the site depends on changed since the last build into `out`: nothing was done."""


def site_files(relationships: list[Relationship], loaded: Loaded, as_of: date, root: Path,
               git: GitInfo | None = None, since: str | None = None) -> Iterator[tuple[str, bytes]]:
    """Every output file as (relative path, bytes), in a fixed order."""
    from .site import pages
    yield "playbook.json", playbook_json(relationships, as_of).encode()
    yield from pages(relationships, loaded.config, as_of, root, git=git, since=since)


def analyse_with_git(loaded: Loaded, as_of: date, root: Path) -> tuple[list[Relationship], GitInfo]:
    """Git facts first (notes without `by` take their committer), then the pure analysis."""
    git = read_git(root)
    playbook = fill_authors(loaded.playbook, git, loaded.config.team)
    return analyse_all(playbook, loaded.config, as_of), git


def check_out_dir(root: Path, out: Path) -> None:
    """Refuse outputs that would replace content: the root itself, a parent of it, or a folder
    that holds files Playbook did not write."""
    root, out = root.resolve(), out.resolve()
    if out == root or root.is_relative_to(out):
        raise BuildError(f"--out {out} would replace the playbook itself; choose a folder such as {root / 'site'}")
    if out.is_relative_to(root / "content") or out.is_relative_to(root / "templates"):
        raise BuildError(f"--out {out} is inside the content; choose a folder such as {root / 'site'}")
    if out.exists():
        if not out.is_dir():
            raise BuildError(f"--out {out} is a file; choose a folder")
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise BuildError(f"{out} holds files Playbook did not write; refusing to replace it. "
                             "Empty it or choose another --out folder")


@dataclass(frozen=True, slots=True)
class Reuse:
    """A file of the last build that would come out the same: linked into the new site
    rather than read and written again."""

    path: Path


#: A file's bytes, whole or in pieces (the two files over all customers come in pieces), or
#: the last build's file to keep.
Data = bytes | Iterable[bytes] | Reuse


def whole(data: Data) -> bytes:
    if isinstance(data, Reuse):
        return data.path.read_bytes()
    return data if isinstance(data, bytes) else b"".join(data)


def counted(files: Iterable[tuple[str, Data]], progress: Callable[[str], None],
            every: int = 200) -> Iterator[tuple[str, Data]]:
    """Pass files through, telling `progress` how many have gone by (for a terminal)."""
    n = 0
    for n, item in enumerate(files, 1):
        if n % every == 0:
            progress(f"Writing the site… {n:,} files")
        yield item
    progress(f"Writing the site… {n:,} files")


def write_tree(files: Iterable[tuple[str, Data]], out: Path) -> int:
    """Write all files into a temporary sibling of `out`, then swap it in. Returns the count."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    count = 0
    try:
        made: set[Path] = set()
        for rel, data in files:
            target = tmp / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if isinstance(data, bytes):
                target.write_bytes(data)
            elif isinstance(data, Reuse):
                try:  # the old site is removed after the swap; the link keeps the file
                    os.link(data.path, target)
                except OSError:  # a file system without hard links
                    shutil.copyfile(data.path, target)
            else:
                with open(target, "wb") as f:
                    for piece in data:
                        f.write(piece)
            count += 1
        (tmp / MARKER).write_text("Built by Playbook. This folder is replaced on every build.\n")
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a site is meant to be served
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.replace(out, old / "site")
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return count


@dataclass(slots=True)
class Prepared:
    """The outcome of the load, check and analyse phases."""

    config: Config
    as_of: date
    git: GitInfo
    units: list[Unit]
    problems: list[Problem]
    inputs: Inputs | None = None
    top: list[Problem] = field(default_factory=list)
    """Problems of playbook.yaml and of the customers folder itself."""
    files: int = 0

    @property
    def relationships(self) -> list[Relationship]:
        return [u.relationship for u in self.units if u.relationship is not None]

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def prepare(root: Path, as_of: date | None, cache: Cache, jobs: int | None = None) -> Prepared:
    """Load (each customer from the cache when its files are unchanged), check and analyse."""
    return finish_prepare(begin(root, as_of), cache, jobs)


@dataclass(slots=True)
class Begun:
    """What is read before any customer: the config, the folders, the date and git."""

    inputs: Inputs
    folders: list[tuple[Path, str]]
    top: list[Problem]


def begin(root: Path, as_of: date | None) -> Begun:
    path = root / CONFIG_FILE
    raw = path.read_bytes() if path.is_file() else None
    # The fingerprint is of the very bytes parsed: a save in between cannot file a unit made
    # with one config under the other's key.
    config, problems = load_config(root, raw)
    folders = customer_folders(root, problems)
    when = resolve_as_of(as_of, config.as_of)
    git = read_git(root)
    return Begun(Inputs(root, config, digest(raw) if raw is not None else "", when, git, git_digests(git)),
                 folders, problems)


def finish_prepare(b: Begun, cache: Cache, jobs: int | None = None) -> Prepared:
    inputs, root = b.inputs, b.inputs.root
    units = load_units(b.folders, inputs, cache, jobs)
    files = (1 if (root / CONFIG_FILE).is_file() else 0) + sum(u.files for u in units)
    return Prepared(inputs.config, inputs.as_of, inputs.git, units, all_problems(b.top, units), inputs, b.top, files)


def all_problems(top: list[Problem], units: list[Unit]) -> list[Problem]:
    """Every problem, as `check` lists them: the loader's and the whole-playbook checks'
    (which are per customer too, so each unit carries its own)."""
    found = list(top)
    for u in units:
        found += u.problems
        found += u.checks
    return sorted_problems(found)


def templates_digest(root: Path) -> str:
    """Every template and asset in use (the team's and the defaults), for the page cache."""
    from .site.render import template_dirs
    parts: list[bytes | str] = []
    for d in template_dirs(root):
        seen: set[str] = set()
        # Links are followed, as Jinja and the assets do, and where they point is part of it
        # (a link from outside the playbook to inside it changes what is used).
        for folder, dirs, files in os.walk(d, followlinks=True):
            real = os.path.realpath(folder)
            if real in seen:  # a link loop
                dirs[:] = []
                continue
            seen.add(real)
            dirs.sort()
            parts.append(f"{os.path.relpath(folder, d)}>{real}")
            for name in sorted(files):
                f = Path(folder, name)
                try:
                    parts += [f"{f.relative_to(d)}>{os.path.realpath(f)}", f.read_bytes()]
                except OSError:
                    parts.append(f"{f.relative_to(d)}!")
        parts.append("--")
    return digest(*parts)


def _pages_task(u: Unit) -> tuple[str, list[tuple[str, Data]]]:
    """One customer's pages: the last build's files when they were made under the same key,
    else from the cache, else rendered."""
    from .notes import remembering
    kept = shared("reuse").get(u.slug)
    if kept is not None:
        return u.slug, kept
    renderer, cache = shared("renderer"), shared("cache")
    key = shared("page_keys")[u.slug]
    pages = cache.get("pages", u.slug, key)
    if pages is None:
        r = full_unit(u, shared("inputs"), cache).relationship
        before = cache.get("notes", u.slug, "notes") or {}
        with remembering(before) as used:
            pages = renderer.customer_pages(r)
        cache.put("pages", u.slug, key, pages)
        if used != before:
            cache.put("notes", u.slug, "notes", used)
    return u.slug, pages


def render_files(prep: Prepared, root: Path, since: str | None, cache: Cache, jobs: int | None = None,
                 last: tuple[manifest.Manifest, Path] | None = None,
                 record: dict[str, tuple[str, tuple[str, ...]]] | None = None) -> Iterator[tuple[str, Data]]:
    """Every output file as (relative path, bytes or pieces of them). Customers' own pages are rendered (or
    taken from the cache) in worker processes on a large cold build, while this process
    renders the pages over all customers; the files are the same either way. `last`: the
    last build's manifest and output folder, whose unchanged customer pages are kept;
    `record`: filled with each customer's page key and paths, for the next manifest."""
    from .site import Renderer
    units = [u for u in prep.units if u.relationship is not None]
    rels = [u.relationship for u in units]
    # The two files over all customers go out in pieces, one customer at a time: at 10,000
    # customers each is tens of megabytes that need never be whole in memory.
    yield "playbook.json", json_out.pieces((u.json_text for u in units), prep.as_of)
    renderer = Renderer(rels, prep.config, prep.as_of, root, prep.git, since)
    n = workers(jobs)
    if jobs is None and sum(len(r.customer.interactions) for r in rels) < PARALLEL_MIN_FILES:
        n = 1  # starting workers costs more than it saves
    templates = templates_digest(root)
    yield "search-index.js", search.parts(u.search_line for u in units)
    page_keys = {u.slug: digest(u.akey, renderer.site_digest(u.relationship), templates) for u in units}
    reuse = reusable(*last, page_keys) if last is not None else {}
    index = ((None, [f]) for f in _index_files(prep, renderer, cache, templates, since))
    for slug, files in ordered_map(_pages_task, units, n, meanwhile=index, renderer=renderer, cache=cache,
                                   templates=templates, inputs=prep.inputs, page_keys=page_keys, reuse=reuse):
        if slug is not None and record is not None:
            record[slug] = (page_keys[slug], tuple(rel for rel, _ in files))
        yield from files
    if cache.enabled:
        keep = {u.slug for u in prep.units}
        for kind in ("units", "slim", "pages", "notes"):
            cache.prune(kind, keep)


def reusable(last: manifest.Manifest, out: Path, page_keys: dict[str, str]) -> dict[str, list[tuple[str, Reuse]]]:
    """Per customer whose pages the last build made under the same key, and which are still
    on disk as written: those files, to keep."""
    found: dict[str, list[tuple[str, Reuse]]] = {}
    for slug, key in page_keys.items():
        known = last.pages.get(slug)
        if known is None or known[0] != key:
            continue
        files = []
        for rel in known[1]:
            try:
                st = os.stat(out / rel)
            except OSError:
                break
            if (st.st_size, st.st_mtime_ns) != last.outputs.get(rel):
                break
            files.append((rel, Reuse(out / rel)))
        else:
            found[slug] = files
    return found


def _index_files(prep: Prepared, renderer, cache: Cache, templates: str, since: str | None) -> Iterator[tuple[str, bytes]]:
    """The pages over all customers, the calendars, the feed and the assets: from the cache
    when nothing they show changed (the facets of every customer, the latest interactions,
    the config, templates, as-of date and git history are the same)."""
    git = prep.git
    key = digest(templates, prep.inputs.config_digest if prep.inputs else "", prep.as_of.isoformat(), since or "",
                 "\n".join(c.commit for c, _ in git.log) if since else "",
                 *(x for u in prep.units if u.relationship for x in (u.slug, u.index_digest)),
                 repr(_latest(prep.units)))
    files = cache.get("site", "index", key)
    if files is not None:
        yield from files
        return
    items = feed_items(prep.units, prep.inputs, cache)
    kept: list[tuple[str, bytes]] | None = [] if cache.keeps("site") else None
    size = 0
    for f in chain(renderer.index_pages(), renderer.other_files(b"", items)):
        if f[0] == "search-index.js":
            continue
        if kept is not None:
            size += len(f[1]) if isinstance(f[1], bytes) else sum(map(len, f[1]))
            kept = kept if size <= INDEX_CACHE_MAX else None  # too big to hold for the cache
            if kept is not None:
                kept.append(f)
        yield f
    if kept is not None:
        cache.put("site", "index", key, kept)


#: The pages over all customers are kept in the cache up to this size (bytes) together.
INDEX_CACHE_MAX = 64 * 2**20


def feed_items(units: list[Unit], inp: Inputs | None, cache: Cache, known: dict | None = None) -> list:
    """The feed's (customer, interaction) pairs, with the notes (slim units leave them out).
    `known`: full interactions by (customer, file) already at hand."""
    by_slug = {u.slug: u for u in units if u.relationship}
    full: dict[str, Unit] = {}
    items = []
    for (_, cslug, islug), _ in _latest(units)[:FEED_ITEMS]:
        u = by_slug[cslug]
        if known is not None and (cslug, islug) in known:
            items.append(known[(cslug, islug)])
            continue
        if u.slim and inp is not None:
            u = full.setdefault(cslug, full_unit(u, inp, cache))
        c = u.relationship.customer
        items.append((c, next(i for i in reversed(c.interactions) if i.slug == islug)))
    return items


def build(root: Path, out: Path | None = None, as_of: date | None = None, since: str | None = None,
          use_cache: bool = True, jobs: int | None = None,
          progress: Callable[[str], None] | None = None) -> BuildReport:
    """Build the site for the playbook at `root` into `out` (default root/site).

    `use_cache=False` ignores ROOT/.playbook-cache and writes none (a cold build); `jobs`
    sets the worker processes (default: one per core when the playbook is large enough)."""
    started = time.perf_counter()
    root = root.resolve()
    out = (out or root / "site").resolve()
    with fewer_collections():
        return _build_cached(root, out, as_of, since, use_cache, jobs, started, progress)


@contextmanager
def fewer_collections(first: int = 100_000) -> Iterator[None]:
    """Run the cyclic garbage collector less often: a build makes millions of small objects
    that live to its end, and the default (a collection every 700 allocations, each older
    one walking every object kept) cost 5–10 s of a 33 s single-process cold build at
    1,000 × 50. Forked workers inherit the setting. Restored after."""
    before = gc.get_threshold()
    gc.set_threshold(first, before[1], before[2])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _build_cached(root: Path, out: Path, as_of: date | None, since: str | None, use_cache: bool,
                  jobs: int | None, started: float, progress: Callable[[str], None] | None) -> BuildReport:
    spill = None
    if use_cache:
        cache = Cache(root)
    else:  # a cold build keeps nothing, but a large one parks its full units in a temporary folder
        spill = Path(tempfile.mkdtemp(prefix="playbook-build-"))
        cache = Cache(spill, kinds=frozenset({"units"}))
    try:
        return _build(root, out, as_of, since, cache, jobs, started, progress or (lambda _: None))
    finally:
        if spill is not None:
            shutil.rmtree(spill, ignore_errors=True)


def _build(root: Path, out: Path, as_of: date | None, since: str | None, cache: Cache, jobs: int | None,
           started: float, progress: Callable[[str], None]) -> BuildReport:
    phases: dict[str, float] = {}

    t = time.perf_counter()
    progress("Reading and analysing the playbook…")
    begun = begin(root, as_of)
    inp = begun.inputs
    # The last build's manifest: folders whose files stat the same need not be read, and when
    # nothing at all changed (and the site is as it was written) there is nothing to do.
    kept = cache.enabled and cache.kinds is None  # the playbook's cache, not a cold build's spill
    last = manifest.read(cache, out) if kept else None
    sigs = manifest.signatures(begun.folders, digest(tool_digest(), inp.config_digest, str(root))) if kept else {}
    key = _inputs_key(begun, out, since)
    if last is not None:
        inp.known.update({slug: k for slug, (sig, k) in last.folders.items() if sig == sigs.get(slug)})
        if (last.key == key and len(inp.known) == len(sigs) == len(last.folders)
                and manifest.outputs_intact(out, last.outputs)):
            check_out_dir(root, out)
            phases["unchanged"] = time.perf_counter() - t
            return BuildReport(True, list(last.problems), out, inp.as_of, len(last.outputs), 0, last.customers,
                               time.perf_counter() - started, phases, unchanged=True)
    prep = finish_prepare(begun, cache, jobs)
    phases["load+analyse"] = time.perf_counter() - t
    problems, when = prep.problems, prep.as_of
    if not prep.ok:
        return BuildReport(False, problems, out, when, seconds=time.perf_counter() - started, phases=phases)
    check_out_dir(root, out)

    t = time.perf_counter()
    try:
        pages: dict[str, tuple[str, tuple[str, ...]]] = {}
        count = write_tree(counted(render_files(prep, root, since, cache, jobs, (last, out) if last else None, pages),
                                   progress), out)
    except TemplateProblem as exc:  # a team's template is broken: report it like content
        return BuildReport(False, problems + [exc.problem], out, when, seconds=time.perf_counter() - started,
                           phases=phases)
    phases["render+write"] = time.perf_counter() - t
    if sigs:
        folders = {u.slug: (sigs[u.slug], u.key) for u in prep.units if sigs.get(u.slug)}
        manifest.write(cache, out, manifest.Manifest(key, folders, manifest.output_stats(out), problems,
                                                     len(prep.relationships), pages))
    return BuildReport(True, problems, out, when, count + 1, count + 1, len(prep.relationships),
                       time.perf_counter() - started, phases)


def _inputs_key(b: Begun, out: Path, since: str | None) -> str:
    """What the site depends on beyond the customer folders themselves (see manifest.py)."""
    inp = b.inputs
    return digest(tool_digest(), inp.config_digest, templates_digest(inp.root), inp.as_of.isoformat(), since or "",
                  str(out), repr(b.top), *(rel for _, rel in b.folders),
                  *(c.commit for c, _ in inp.git.log), *(f"{k}={v}" for k, v in sorted(inp.git_digests.items())))


def sync_tree(files: Iterable[tuple[str, Data]], out: Path) -> tuple[int, int]:
    """Bring `out` in line with `files`, writing only files whose bytes changed and removing
    files no longer produced. Used by `serve`, where a whole-folder swap would make every
    open page flash. Returns (files, written)."""
    out.mkdir(parents=True, exist_ok=True)
    marker = out / MARKER
    if not marker.exists():
        marker.write_text("Built by Playbook. This folder is replaced on every build.\n")
    keep: set[str] = {MARKER}
    written = 0
    for rel, data in files:
        data = whole(data)
        keep.add(rel)
        target = out / rel
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                continue
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)  # a reader never sees half a file
        written += 1
    for path in sorted(out.rglob("*"), reverse=True):
        rel = path.relative_to(out).as_posix()
        if path.is_file() and rel not in keep:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return len(keep), written


class Builder:
    """Repeated builds of one playbook (for `serve`). The first (and any after a change to
    playbook.yaml, templates, a new or removed customer, or a new commit) is a full build
    synced into the output; after that, an edit inside a customer's folder reloads and
    re-analyses that customer only, re-renders its pages, and re-renders a page over all
    customers only when what it shows of that customer changed. Only files whose bytes
    changed are written, and a failed rebuild leaves the last good site untouched."""

    def __init__(self, root: Path, out: Path | None = None, as_of: date | None = None,
                 use_cache: bool = True, jobs: int | None = None):
        self.root = root.resolve()
        self.out = (out or self.root / "site").resolve()
        self.as_of = as_of
        self.cache = Cache(self.root, enabled=use_cache)
        self.jobs = jobs
        check_out_dir(self.root, self.out)
        self.prep: Prepared | None = None
        self.good = False
        """The output matches `prep` (the last rebuild succeeded)."""
        self.templates = ""
        self.written: dict[str, str] = {}
        """Digest of each file as last written, so unchanged files are not even read back."""
        self.page_keys: dict[str, str] = {}
        self.site_key = ""
        self.top: list[tuple] = []
        self.index: list[str] = []
        self.head: str | None = None
        self.env = None
        self.feed_notes: dict[str, str] = {}
        self.search_lines: dict[str, bytes] = {}
        self.feed_known: dict = {}

    # -- when a full rebuild is needed -----------------------------------------------------

    def _slugs(self, changed: set[Path]) -> set[str] | None:
        """The customer folders the changes are in; None when something else changed."""
        base = self.root / CUSTOMERS_DIR
        slugs: set[str] = set()
        for p in changed:
            p = Path(p)
            if not p.is_absolute():
                p = self.root / p
            try:
                parts = p.relative_to(base).parts
            except ValueError:
                return None  # playbook.yaml, templates/, or content/ outside the customer folders
            if not parts:
                return None
            slugs.add(parts[0])
        assert self.prep is not None
        known = {u.slug for u in self.prep.units}
        for slug in slugs:  # a new, removed or odd folder changes the list of customers
            folder = base / slug
            if slug not in known or IGNORED.search(slug) or folder.is_symlink() or not folder.is_dir():
                return None
        return slugs

    def rebuild(self, changed: set[Path] | None) -> BuildReport:
        """Rebuild after `changed` paths (None: everything)."""
        started = time.perf_counter()
        slugs = None if changed is None or self.prep is None else self._slugs(changed)
        if slugs is not None and self.prep is not None and self.prep.inputs is not None:
            inp = self.prep.inputs
            if (resolve_as_of(self.as_of, inp.config.as_of) != inp.as_of or git_head(self.root) != self.head):
                slugs = None  # a new day, or a commit: the whole analysis may change
        try:
            with fewer_collections():
                if slugs is None:
                    return self._full(started)
                return self._incremental(slugs, started)
        except TemplateProblem as exc:
            self.good = False
            prep = self.prep
            return BuildReport(False, (prep.problems if prep else []) + [exc.problem], self.out,
                               prep.as_of if prep else None, seconds=time.perf_counter() - started)

    # -- full ------------------------------------------------------------------------------

    def _full(self, started: float) -> BuildReport:
        self.head = git_head(self.root)
        prep = self.prep = prepare(self.root, self.as_of, self.cache, self.jobs)
        self.good = False
        if not prep.ok:
            return BuildReport(False, prep.problems, self.out, prep.as_of, seconds=time.perf_counter() - started)
        self.templates = templates_digest(self.root)
        written: dict[str, str] = {}

        def noting(files):
            for rel, data in files:
                data = whole(data)
                written[rel] = digest(data)
                yield rel, data

        files, count = sync_tree(noting(render_files(prep, self.root, None, self.cache, self.jobs)), self.out)
        self.written = written
        self._remember(prep)
        self.good = True
        return BuildReport(True, prep.problems, self.out, prep.as_of, files, count, len(prep.relationships),
                           time.perf_counter() - started)

    def _remember(self, prep: Prepared) -> None:
        """What the output now reflects, to compare the next edit against."""
        from .site import Renderer
        renderer = Renderer(prep.relationships, prep.config, prep.as_of, self.root, prep.git)
        self.env = renderer.env
        self.feed_notes = {}
        self.feed_known = {(c.slug, i.slug): (c, i) for c, i in feed_items(prep.units, prep.inputs, self.cache)}
        self.search_lines = {u.slug: u.search_line for u in prep.units if u.relationship}
        self.page_keys = {u.slug: self._page_key(renderer, u) for u in prep.units if u.relationship}
        self.site_key = self._site_key(renderer)
        self.top = _latest(prep.units)
        self.index = [u.index_digest for u in prep.units]

    def _page_key(self, renderer, u: Unit) -> str:
        return digest(u.akey, renderer.site_digest(u.relationship), self.templates)

    @staticmethod
    def _site_key(renderer) -> str:
        site = renderer.site
        return repr((site.handles, sorted(site.owner_slugs.items()), sorted(site.tag_slugs.items())))

    # -- incremental -----------------------------------------------------------------------

    def _incremental(self, slugs: set[str], started: float) -> BuildReport:
        from .notes import remembering
        from .outputs.atom import feed
        from .site import Renderer
        prep = self.prep
        assert prep is not None and prep.inputs is not None
        base = self.root / CUSTOMERS_DIR
        units = list(prep.units)
        for k, u in enumerate(units):
            if u.slug in slugs:
                units[k] = load_unit(base / u.slug, f"{CUSTOMERS_DIR}/{u.slug}", prep.inputs, self.cache)
        files = (1 if (self.root / CONFIG_FILE).is_file() else 0) + sum(u.files for u in units)
        new = Prepared(prep.config, prep.as_of, prep.git, units, all_problems(prep.top, units), prep.inputs,
                       prep.top, files)
        self.prep = new
        if not new.ok:
            self.good = False
            return BuildReport(False, new.problems, self.out, new.as_of, seconds=time.perf_counter() - started)
        if not self.good:  # the output is behind: bring all of it up to date
            return self._full(started)
        authors = {h for u in units if u.relationship for h in u.facets["authors"]}
        renderer = Renderer(new.relationships, new.config, new.as_of, self.root, new.git, env=self.env,
                            authors=authors)
        if self._site_key(renderer) != self.site_key:
            return self._full(started)  # a new owner or tag renames pages everywhere

        out: list[tuple[str, bytes]] = []
        # Same site names and templates: only the edited customers' pages can differ.
        changed_units = [u for u in units if u.slug in slugs and u.relationship
                         and self.page_keys.get(u.slug) != self._page_key(renderer, u)]
        for u in changed_units:
            before = self.cache.get("notes", u.slug, "notes") or {}
            with remembering(before) as used:
                out += renderer.customer_pages(u.relationship)
            if used != before:
                self.cache.put("notes", u.slug, "notes", used)
        index = [u.index_digest for u in units]
        top = _latest(units)
        rels = [u.relationship for u in units if u.relationship]
        with_rel = [u for u in units if u.relationship]
        old = {u.slug: u for u in prep.units}
        edited = [u for u in units if u.slug in slugs]
        if any(not old[u.slug].facets or not u.facets for u in edited):
            return self._full(started)  # a customer appears in or leaves the lists
        big: list[tuple[str, list[bytes]]] = []  # known to have changed: written without comparing
        if any(old[u.slug].search_z != u.search_z for u in edited):
            for u in edited:
                self.search_lines[u.slug] = u.search_line
            big.append(("search-index.js", search.parts(self.search_lines[u.slug] for u in with_rel)))
        if any(old[u.slug].json_z != u.json_z for u in edited):
            big.append(("playbook.json", json_out.pieces((u.json_text for u in with_rel), new.as_of)))
        pages, calendars = affected_pages([(old[u.slug].facets, u.facets) for u in edited])
        if top[:HOME_RECENT] != self.top[:HOME_RECENT]:
            pages.add(("home",))
        v = renderer.views
        for page in sorted(pages):
            path, template, context = getattr(v, page[0])(*page[1:])
            out.append((path, render_page(renderer, template, context)))
        if calendars:
            from .outputs.ics import calendar
            site, title = renderer.site, new.config.title
            if None in calendars:
                out.append(("calendar/team.ics", calendar(f"{title} — team", rels, new.as_of)))
            for h in sorted(x for x in calendars if x is not None):
                slug = site.owner_slugs.get(h)
                if slug and slug != "team":
                    out.append((f"calendar/{slug}.ics",
                                calendar(f"{title} — {site.person_name(h)}", rels, new.as_of, owner=h)))
        if top != self.top:
            # Interactions of the edited customers are taken from them; the rest as they were.
            known = {k: v for k, v in self.feed_known.items() if k[0] not in slugs}
            items = feed_items(units, new.inputs, self.cache, known)
            self.feed_known = {(c.slug, i.slug): (c, i) for c, i in items}
            with remembering(self.feed_notes) as used:
                out += feed(rels, new.config, new.as_of, items)
            self.feed_notes = used
        count = 0
        for rel, data in big:
            _write_file(self.out / rel, *data)
            self.written[rel] = ""
            count += 1
        for rel, data in out:
            d = digest(data)
            if self.written.get(rel) == d:
                continue
            _write_file(self.out / rel, data)
            self.written[rel] = d
            count += 1
        for u in changed_units:
            self.page_keys[u.slug] = self._page_key(renderer, u)
        self.index, self.top = index, top
        return BuildReport(True, new.problems, self.out, new.as_of, len(self.written) + 1, count, len(rels),
                           time.perf_counter() - started)




def affected_pages(edits: list[tuple[dict, dict]]) -> tuple[set[tuple], set[str | None]]:
    """Which pages over all customers (as (Views method, args…)) and which calendars (owner
    handles, None for the team's) an edit changes, from what each page shows of a customer
    (its `facets` before and after). Anything not named here shows nothing of one customer."""
    from .model import STAGES
    pages: set[tuple] = set()
    cals: set[str | None] = set()
    for a, b in edits:
        if a == b:
            continue
        row = a["row"] != b["row"]
        acts = a["actions"] != b["actions"]
        dates = a["dates"] != b["dates"]
        named = a["name"] != b["name"]
        people = set(a["people"]) | set(b["people"])
        if row:
            pages.add(("customers",))
            for t in set(a["tags"]) | set(b["tags"]):
                pages.add(("tag", t))
        if a["tags"] != b["tags"]:
            pages.add(("tags",))
        if a["stage"] != b["stage"]:
            pages.update(("stage", s) for s in STAGES)  # every stage page has the counts
        elif row:
            pages.add(("stage", b["stage"]))
        if row or acts:
            pages.update(("owner", h) for h in people)
        if acts or named or a["owners"] != b["owners"] or a["stage"] != b["stage"]:
            pages.add(("owners",))
        if acts or named:
            pages.add(("actions",))
        if acts or dates or named or a["risk"] != b["risk"] or a["stage"] != b["stage"]:
            pages.add(("home",))
        if acts or dates or named or a["owners"] != b["owners"]:
            cals.add(None)
            cals.update(people)
    return pages, cals


def _latest(units: list[Unit]) -> list[tuple[tuple, str]]:
    """The latest interactions over all customers, as the feed orders them (home shows the first)."""
    from heapq import merge
    from itertools import islice
    from .units import RECENT
    return list(islice(merge(*(u.recent for u in units if u.relationship)), RECENT))


def render_page(renderer, template: str, context: dict) -> bytes:
    from .site.render import render
    return render(renderer.env, template, context, renderer.root)


def _write_file(target: Path, *parts: bytes) -> None:
    """Write the parts as one file, atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    with open(tmp, "wb") as f:
        for p in parts:
            f.write(p)
    os.replace(tmp, target)  # a reader never sees half a file


def git_head(root: Path) -> str | None:
    """The commit checked out (read from .git, no subprocess), or None outside git."""
    for d in (root, *root.parents):
        g = d / ".git"
        if g.is_file():  # a worktree or submodule: "gitdir: …"
            try:
                g = (d / g.read_text().split(":", 1)[1].strip()).resolve()
            except (OSError, IndexError):
                return None
        if g.is_dir():
            try:
                head = (g / "HEAD").read_text().strip()
                if head.startswith("ref: "):
                    ref = head[5:]
                    p = g / ref
                    if p.is_file():
                        return p.read_text().strip()
                    packed = g / "packed-refs"
                    if packed.is_file():
                        for line in packed.read_text().splitlines():
                            if line.endswith(" " + ref):
                                return line.split(" ", 1)[0]
                    return head
                return head
            except OSError:
                return None
    return None
