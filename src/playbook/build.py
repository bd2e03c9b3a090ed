"""The orchestrator: begin → parse → analyse → check → render → write, in named phases.

`build` and `serve` run this same code; they differ only in the writer (an atomic swap of the
whole folder, or an in-place sync of the files whose bytes changed) and in where the memo
lives (on disk, or on disk with the model kept in memory). Every phase is a pure function of
its inputs, memoised under their digest (memo.py), so a warm build is a cold build that
skips work, never one that takes another road.
"""

from __future__ import annotations

import gc
import os
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from msgspec import Struct, field
from msgspec.structs import replace

from .records import Record

# Only what finds that nothing changed is imported here: the phases (parsing, analysis,
# Jinja) are imported by `run` when there is work to do, which a build that finds its site
# up to date never pays (at 1,000 customers about a fifth of a second).
from . import manifest, scratch
from .config import Config, load_config, read_config, resolve_as_of
from .early import changed_folders
from .folders import Listing, customer_folders
from .gitinfo import read_git
from .inputs import Inputs, git_digests
from .limits import MAX_ASSET_BYTES
from .memo import CACHE_DIR, Memo, digest, key, refusal
from .problems import Problem, sorted_problems, warning
from .reading import Refused, read_file, walk
from .template_dirs import bounds
from .write import BuildError, SyncWriter, TreeWriter, Writer, check_out_dir, observe, output_intact

if TYPE_CHECKING:
    from jinja2 import Environment

    from .site_files import Carried
    from .units import Book, Unit

__all__ = ["BuildError", "BuildReport", "Session", "build"]

#: Kinds of memo entry, swept of what a build did not use.
KINDS = ("analyse", "slim", "blobs", "json", "pages", "page", "index", "lists", "ics", "shard")


class BuildReport(Struct):
    """What a build did."""

    ok: bool
    problems: list[Problem]
    out: Path
    as_of: date | None = None
    files: int = 0
    """Files in the site."""
    written: int = 0
    """Files whose bytes were written."""
    customers: int = 0
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    unchanged: bool = False
    """Nothing the site depends on changed since the last build into `out`: nothing was done."""
    changed: tuple[str, ...] | None = ()
    """The files written or removed (relative to `out`); None when any may have been."""
    ahead: tuple[str, ...] = ()
    """Files written before the build began (`serve`, early.py), whose tabs were told then; in
    `changed` too only if the build wrote them again. `written` counts each once."""


# -- phase 1: begin ----------------------------------------------------------------------------

class Begun(Record):
    """What is read before any customer: the config, the folders, the date and git."""

    inputs: Inputs
    folders: list[tuple[Path, str]]
    top: list[Problem]
    """Problems of playbook.yaml and of the customers folder itself (the templates' are a
    function of their digest, which keys the site: `run` finds them when there is work)."""


def begin(root: Path, as_of: date | None, listing: Listing | None = None) -> Begun:
    """`listing`: the customers folder as `serve` last listed it (`customer_folders`)."""
    raw, problems = read_config(root)
    # The digest is of the very bytes parsed: a save in between cannot file a result made
    # with one config under the other's key.
    config, more = load_config(root, raw) if raw is not None else (Config(), [])
    problems += more
    folders = customer_folders(root, problems, listing, manifest.RACY_NS)
    git = read_git(root)
    inputs = Inputs(root=root, config=config, config_digest=digest(raw) if raw is not None else "",
                    as_of=resolve_as_of(as_of, config.as_of), git=git, git_digests=git_digests(git),
                    known={})
    return Begun(inputs, folders, problems)


def _read_ahead(last: dict[str, str], inp: Inputs, memo: Memo, into: dict) -> Iterator[None]:
    """`units.read_ahead`, imported at its first step: a build that finds nothing changed
    takes none, and never imports the phases."""
    from .units import read_ahead
    yield from read_ahead(last, inp, memo, into)


def templates_digest(root: Path) -> str:
    """Every template and asset in use (the team's and the defaults), with where links lead."""
    parts: list[bytes | str] = []
    for d, bound in bounds(root):
        # Into a link loop or out of the bound (a link to /) the walk never goes; where such a
        # link leads is part of the digest, and reading the templates reports it.
        for folder, skipped, files in walk(d, bound):
            parts += [f"{os.path.relpath(folder, d)}>{_where_linked(folder)}", *(f"{n}>{t}!" for n, t in skipped)]
            for name in files:
                f = Path(folder, name)
                try:
                    parts += [f"{f.relative_to(d)}>{_where_linked(f)}", read_file(f, bound, MAX_ASSET_BYTES)]
                except Refused as exc:  # a FIFO, a device, a link out: never read
                    parts.append(f"{f.relative_to(d)}!{exc}")
        parts.append("--")
    return digest(*parts)


def _where_linked(path: Path | str) -> str:
    """Where a link leads (a link out of the playbook is not read; into it, it is), or ''
    for a plain path: the templates' place on disk is no input of their own."""
    real = os.path.realpath(path)
    return real if real != os.path.abspath(path) else ""


def build_key(b: Begun, pkeys: list[str], templates: str, out: Path, since: str | None) -> str:
    """Every input of the whole site: when it equals the last build's and the output is as
    written, there is nothing to do."""
    inp = b.inputs
    return key("site", inp.config_digest, templates, inp.as_of.isoformat(), since or "", str(out),
               repr(b.top), *(x for (_, rel), k in zip(b.folders, pkeys) for x in (rel, k)),
               *(c.commit for c, _ in inp.git.log), *(f"{k}={v}" for k, v in sorted(inp.git_digests.items())))


# -- the whole pipeline --------------------------------------------------------------------------

#: From this many files in the last write, a worker looks at them while the build analyses
#: (`write.observe`). At 1,000 × 50 (4,000 files) that saves about what the fork costs.
OBSERVE_MIN_FILES = 2000


def run(root: Path, out: Path, as_of: date | None, since: str | None, memo: Memo, persistent: bool,
        writer_class: type[Writer], jobs: int | None, progress: Callable[[str], None],
        carried: Carried | None = None, sign: Callable = manifest.signatures,
        touched: frozenset[str] | None = None) -> BuildReport:
    """One build. `persistent`: the memo is the playbook's own (read the manifest, write it,
    sweep what this build did not use); otherwise it is a scratch store for this build only.
    `carried`: what `serve` keeps from one build to the next besides the memo. `sign`:
    how the folders' signatures are taken (`serve` re-takes only those the watcher saw change).
    `touched`: the customer folders the watcher saw change, when nothing else did (`serve`:
    their pages are written first, early.py)."""
    started = time.perf_counter()
    phases: dict[str, float] = {}
    memo.begin()
    kept_last, early = None, ()
    if carried is not None:
        if touched:
            from .early import early_pages
            t = time.perf_counter()
            early = early_pages(root, out, as_of, touched, memo, carried)
            if early:
                phases["early"] = time.perf_counter() - t
        # Set again once this build has written the site: one that does not leaves none.
        kept_last, carried.last = carried.last, None

    t = time.perf_counter()
    progress("Reading and analysing the playbook…")
    last = manifest.read(memo, out, carried.manifest if carried is not None else None) if persistent else None
    templates = templates_digest(root)
    b = begin(root, as_of, carried.listing if carried is not None else None)
    inp = b.inputs
    salt = key("signature", inp.config_digest, str(root))
    ahead: dict = {}
    if not persistent:
        sigs: dict[str, str | None] = {}
    elif carried is None and last is not None and sign is manifest.signatures:
        # Once a folder is found changed, this process reads back the units of the others as
        # last built while workers take the rest of the signatures (`units.read_ahead`); the
        # build takes those whose folder is still so. (`serve` keeps its units in memory.)
        sigs = manifest.signatures(b.folders, salt, jobs, {slug: sig for slug, (sig, _) in last.folders.items()},
                                   _read_ahead({slug: k for slug, (sig, k) in last.folders.items() if sig},
                                               inp, memo, ahead))
    else:
        sigs = sign(b.folders, salt, jobs)
    if last is not None:
        # Folders whose files stat as when they were hashed need not be read to be hashed.
        inp.known.update({slug: k for slug, (sig, k) in last.folders.items() if sig and sig == sigs.get(slug)})
    # `serve` with no model yet (just started on a site already up to date) builds it: else the
    # first save after starting waited for all of it (at 10,000 customers 2.4–2.9 s, not 0.1 s).
    if last is not None and len(inp.known) == len(b.folders) and (carried is None or carried.analysed.units):
        site_key = build_key(b, [inp.known.get(f.name, "") for f, _ in b.folders], templates, out, since)
        if site_key == last.key and output_intact(out, last.written):
            check_out_dir(root, out)
            phases["unchanged"] = time.perf_counter() - t
            if carried is not None:
                carried.last = kept_last  # the site is the one it was made with
            return BuildReport(True, list(last.problems), out, inp.as_of, len(last.written.files) + 1, 0,
                               last.customers, time.perf_counter() - started, phases, unchanged=True, changed=())
    # Where the folders' last parses are (a build with nothing changed, above, needs none).
    if last is not None:
        inp.before.update(last.analysed)
    other = manifest.newest_elsewhere(memo, out) if persistent else None
    if other is not None:
        inp.elsewhere.update(other.analysed)
    from .site.render import TemplateProblem
    from .site_files import render_site

    def analysis() -> None:
        ran.append(True)
        analysed.append(_analyse(root, b, inp, memo, persistent, jobs, templates, carried, ahead))
    ran: list[bool] = []
    analysed: list[tuple[Environment, list[Unit], Book, list[Problem]]] = []
    unlike = None
    if carried is None and last is not None and len(last.written.files) >= OBSERVE_MIN_FILES \
            and (jobs is None or jobs > 1):
        from .parallel import beside, can_fork
        if can_fork():
            # What the last write left is looked at by a worker while this process analyses,
            # a core otherwise idle after the signatures (write.observe).
            try:
                unlike = beside(_observe_task, analysis, out=out, written=last.written)
            except Exception:
                if ran and not analysed:
                    raise  # the analysis's own
                # Only the look failed (no worker started, or it was killed): each file is
                # asked as the build comes to it, as in a small book.
    if not ran:
        analysis()
    env, units, book, problems = analysed[0]
    phases["parse+analyse"] = time.perf_counter() - t
    customers = len(book.ok)
    if any(p.severity == "error" for p in problems):
        return BuildReport(False, problems, out, inp.as_of, seconds=time.perf_counter() - started, phases=phases)
    check_out_dir(root, out)

    t = time.perf_counter()
    writer = writer_class(out, last.written if last is not None else None)
    writer.elsewhere = other.written if other is not None else None
    if unlike is not None:
        writer.take(unlike)
    try:
        render_site(book, inp, since, memo, writer, jobs, progress, templates, env, carried)
        written = writer.finish()
    except TemplateProblem as exc:  # a team's template is broken: report it like content
        writer.abort()
        return BuildReport(False, problems + [exc.problem], out, inp.as_of,
                           seconds=time.perf_counter() - started, phases=phases, changed=None)
    except BaseException:
        writer.abort()
        raise
    phases["render+write"] = time.perf_counter() - t
    try:
        if persistent:
            # A folder too recently changed to trust its times is kept with no signature: its
            # analyse key still tells the next build where its parse is (`Inputs.before`).
            folders = {u.slug: (sigs.get(u.slug) or "", u.pkey) for u in units}
            site_key = build_key(b, [u.pkey for u in units], templates, out, since)
            made = manifest.Manifest(site_key, folders, written, tuple(problems), customers,
                                     {u.slug: u.akey for u in units})
            st = manifest.write(memo, out, made)
            if carried is not None:
                carried.manifest = (st, made) if st is not None else None
        memo.sweep(KINDS)
    finally:
        writer.settle()
    if carried is not None:
        from .site_files import Last
        carried.last = Last(replace(inp, known={}, before={}, elsewhere={}), templates, book.authors, book.people,
                            book.tags)
    again = set(writer.changed or ())
    return BuildReport(True, problems, out, inp.as_of, len(written.files) + 1,
                       writer.written + sum(rel not in again for rel in early), customers,
                       time.perf_counter() - started, phases,
                       changed=tuple(writer.changed) if writer.changed is not None else None, ahead=early)


def build(root: Path, out: Path | None = None, as_of: date | None = None, since: str | None = None,
          use_cache: bool = True, jobs: int | None = None,
          progress: Callable[[str], None] | None = None) -> BuildReport:
    """Build the site for the playbook at `root` into `out` (default root/site).

    `use_cache=False` neither reads nor writes ROOT/.playbook-cache (a cold build; a large
    one parks its results in a temporary folder for its worker processes); `jobs` sets the
    worker processes (default: one per core when the playbook is large enough)."""
    root = root.resolve()
    out = (out or root / "site").resolve()
    progress = progress or (lambda _: None)
    with fewer_collections(thaw=True):
        scratch.sweep_temp()  # memos of killed --no-cache builds, whichever build comes next
        refused = cache_refused(root) if use_cache else None
        if use_cache and refused is None:
            memo = Memo(root)
            memo.hold()
            try:
                return run(root, out, as_of, since, memo, True, TreeWriter, jobs, progress)
            finally:
                memo.release()
        spill = scratch.in_temp("playbook-build-")
        try:
            # Only whole units are read back in the same build (a large book's pages are made
            # from slim units, by workers or not): parse results, slim units, pages, pieces
            # and calendars would be written to the scratch folder and removed unread (at
            # 2,000 customers × 2 notes in one process: 42.2 s with them, 38.1 s without).
            report = run(root, out, as_of, since, Memo(spill.path, kinds=frozenset({"analyse"})), False,
                         TreeWriter, jobs, progress)
        finally:
            spill.remove()
        if refused is not None:
            report.problems = sorted_problems([refused, *report.problems])
        return report


def cache_refused(root: Path) -> Problem | None:
    """A warning when ROOT/.playbook-cache must not be used (`memo.refusal`): the build is then
    a cold one, which neither reads, writes nor cleans it."""
    why = refusal(root)
    if why is None:
        return None
    if why == "is in git":
        fix = f"take it out of git (git rm -r --cached {CACHE_DIR}; a playbook's .gitignore lists it)"
        danger = "an entry is a pickle, and one written by someone else could run code when read"
    elif why.startswith("is a link"):
        fix = f"remove it (rm {CACHE_DIR} removes a link itself, not what it points to)"
        danger = "cleaning it would remove files wherever it points"
    else:
        fix = f"remove the folder (rm -r {CACHE_DIR} removes the links in it, not what they point to)"
        danger = "cleaning it would remove files wherever that link points"
    return warning(CACHE_DIR, 0, 0, f"The build cache {CACHE_DIR} {why}: {danger}. Built without it, reading and "
                                    f"writing nothing there. To use a cache again, {fix}.")


class Session:
    """Repeated builds of one playbook for `serve`: the same pipeline as `build`, with the
    memo kept in memory too and the output synced in place (only changed bytes written)."""

    def __init__(self, root: Path, out: Path | None = None, as_of: date | None = None,
                 use_cache: bool = True, jobs: int | None = None):
        self.root = root.resolve()
        self.out = (out or self.root / "site").resolve()
        self.as_of, self.jobs, self.use_cache = as_of, jobs, use_cache
        check_out_dir(self.root, self.out)
        self.refused = cache_refused(self.root) if use_cache else None
        """Why the cache is not used after all (`cache_refused`), said with every rebuild."""
        if self.refused is not None:
            use_cache = self.use_cache = False
        if use_cache:
            self.memo = Memo(self.root, memory=True)
            self.memo.hold()
        else:
            self.spill = scratch.in_temp("playbook-serve-")
            self.memo = Memo(self.spill.path, memory=True)
        from .site_files import Carried
        self.carried = Carried()
        self.sigs: tuple[str, dict[str, str]] = ("", {})
        """The last build's salt and the signatures it took of folders with no link in them."""
        self.spent: list[object] = []
        """What a rebuild replaced, until `_settle`."""
        self.targets: frozenset[str] = frozenset()
        """The real paths links in the customers' folders point to, as the last rebuild found
        them: `serve` watches them too (a note linked to a file elsewhere in the playbook)."""
        self._rebuilds = 0

    def rebuild(self, changed: Iterable[Path] | None = None) -> BuildReport:
        """Build again. `changed`: the paths the watcher saw change since the last rebuild;
        folders with none among them keep their signatures instead of being stat'ed again
        (at 1,000 × 50 that is 51,000 files). None: look at everything."""
        touched, only = changed_folders(self.root, changed)

        def sign(folders: list[tuple[Path, str]], salt: str, jobs: int | None) -> dict[str, str | None]:
            last_salt, last = self.sigs
            reuse = {} if touched is None or salt != last_salt else last
            now, found, keep = time.time_ns(), {}, {}
            targets: set[str] = set()
            for folder, rel in folders:
                name = folder.name
                sig = None if touched is None or name in touched else reuse.get(name)
                if sig is None:
                    sig, linked = manifest.signature_and_links(folder, rel, salt, now)
                    if sig is not None and not linked:  # a link's target may change unseen
                        keep[name] = sig
                    if linked:
                        targets |= manifest.link_targets(folder)
                else:
                    keep[name] = sig
                found[name] = sig
            self.spent.append(self.sigs)  # (freed once the rebuild is written: see `_settle`)
            self.sigs = (salt, keep)
            self.targets = frozenset(targets)
            return found

        try:
            with fewer_collections():
                report = run(self.root, self.out, self.as_of, None, self.memo, self.use_cache, SyncWriter,
                             self.jobs, lambda _: None, self.carried, sign,
                             frozenset(touched) if touched and only else None)
        finally:
            self._settle()
        if self.refused is not None:
            report.problems = sorted_problems([self.refused, *report.problems])
        return report

    def _settle(self) -> None:
        """Move what a rebuild keeps for the next (units, kept views, the memo's memory) out of
        the cyclic collector's sight (`gc.freeze`): a collection during the next rebuild then
        looks only at what that rebuild makes. At 10,000 customers a full collection in the
        middle of a rebuild took half a second, and the edited page reached the disk about
        70 ms later on average without this. This rebuild's own garbage is collected first
        (cheap: only what it made is looked at); every SWEEP_EVERY rebuilds everything is, for
        cycles kept and later dropped (a team's old Jinja environment)."""
        # What the rebuild replaced is freed now, not before its edited page: each of its tens of
        # thousands of objects a read of memory gone cold after the seconds between two saves.
        self.memo.settle()
        self.spent.clear()
        self._rebuilds += 1
        if self._rebuilds % SWEEP_EVERY == 0:
            gc.unfreeze()
        gc.collect()
        gc.freeze()

    def close(self) -> None:
        self.memo.release()
        gc.unfreeze()  # this process goes on without the model (tests make many sessions)
        if not self.use_cache:
            self.spill.remove()


def _analyse(root: Path, b: Begun, inp: Inputs, memo: Memo, persistent: bool, jobs: int | None, templates: str,
             carried: Carried | None, ahead: dict[str, Unit]) -> tuple[Environment, list[Unit], Book, list[Problem]]:
    """The templates compiled, every folder's unit (`ahead`: those read ahead, see `run`), the
    book, and every problem found."""
    from .check import available_problems
    from .site.render import environment, template_problems
    from .units import analyse_all, gather
    # serve: the templates compiled for these very bytes, if any; else compiled once, here,
    # to find their problems (as check does, before anything is rendered), and used to render.
    env = (carried.envs.get(templates) if carried is not None else None) or environment(
        root, memo.dir / "jinja" if persistent and memo.dir is not None else None)
    if carried is not None:
        carried.envs = {templates: env}
    for slug in [slug for slug, u in ahead.items() if inp.known.get(slug) != u.pkey]:
        del ahead[slug]  # changed since: not held while the changed folders are analysed
    units = analyse_all(b.folders, inp, memo, jobs, carried.analysed if carried is not None else None, ahead)
    ahead.clear()
    book = gather(b.folders, units)
    problems = sorted_problems([*b.top, *template_problems(root, env), *book.problems,
                                *available_problems((u.relationship.customer for u in book.ok), inp.config)])
    return env, units, book, problems


def _observe_task(share: dict) -> frozenset[str]:
    return observe(share["out"], share["written"])


#: Rebuilds of a `Session` between two collections of all it keeps (`Session._settle`).
SWEEP_EVERY = 50


@contextmanager
def fewer_collections(first: int = 100_000, thaw: bool = False) -> Iterator[None]:
    """Run the cyclic garbage collector less often: a build makes millions of small objects
    that live to its end, and the default (a collection every 700 allocations) cost 5–10 s
    of a 33 s single-process cold build at 1,000 × 50. Forked workers inherit it. `thaw`:
    what the build froze (the units it read back: `units.no_collections`) is handed back to
    the collector at the end, unless something was frozen before (a caller's own)."""
    before = gc.get_threshold()
    # Asked only to thaw: it counts the frozen objects one by one (59 ms in `serve` at 10,000
    # customers, whose model is frozen between rebuilds).
    frozen = gc.get_freeze_count() if thaw else 0
    gc.set_threshold(first, before[1], before[2])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if thaw and not frozen:
            gc.unfreeze()
