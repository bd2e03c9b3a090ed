"""One customer folder at a time: the parse and analyse phases, memoised and parallel.

A customer's relationship depends only on its own folder, the config, the as-of date and what
git says about its files. Each phase is a pure step whose result is memoised under the digest
of exactly those inputs:

    parse    (tool, config bytes, root, the folder's listing and bytes)  → Parsed
    analyse  (parse key, as_of, git's facts on the folder's files)       → Unit

Only the second is stored: its entry holds the parse too (`Unit.parsed`), which the next build
finds by the analyse key a manifest kept (`Inputs.before`).

Results always come back in folder order, so the output does not depend on who did what.
"""

from __future__ import annotations

import gc
import io
import os
import pickle
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from msgspec import Struct, field
from msgspec.structs import replace

from .check import whole_playbook_problems
from .engine import analyse
from .engine.types import Relationship
from .gitinfo import fill_authors
from .inputs import Inputs
from .limits import MAX_FILE_BYTES, MAX_NOTE_BYTES
from .listed import action_facts, row_facts
from .load import load_customer
from .markdown import Note, parse_note
from .folders import CUSTOMERS_DIR, ignored
from .memo import Memo, digest, fingerprint, key
from .model import Customer, Interaction, Playbook
from .parallel import can_fork, ordered_map, workers
from .problems import Problem, error
from .reading import Refused, entry_kind, list_folder, read_file
from .records import Pickled, Record, deferred, intern_names

#: Below this many interaction files a build stays in one process: starting workers and
#: shipping results back costs more than it saves (measured: README, "Benchmarks").
PARALLEL_MIN_FILES = 4000
#: Latest interactions per customer kept for the pages and files listing the latest overall
#: (the feed and the home page; tests/test_memo.py checks it covers both).
RECENT = 50
#: Of those, a slim unit (slim_pickle) keeps this many: what the home page shows over all
#: customers (tests/test_units.py checks it covers HOME_RECENT).
SLIM_RECENT = 10


class Parsed(Record):
    """The parse phase's result for one folder."""

    key: str
    """The parse key: digest of everything loading the folder reads."""
    customer: Customer | None
    """The customer as its files say, or None when it could not be loaded."""
    problems: tuple[Problem, ...]
    """The loader's problems in this folder."""
    files: int
    """Files read."""
    notes: tuple[tuple[str, Note], ...] = ()
    """Each note's text (the body its interaction holds: one string in the pickle) with its
    Markdown parsed. An edit of one note parses only that one again (`parse_folder`): at
    1,000 × 50, reading and analysing the edited folder went from 46 to 29 ms."""


class Unit(Record):
    """One customer folder, parsed and analysed: everything the site needs of it."""

    slug: str
    """Folder name."""
    pkey: str
    """The parse key."""
    akey: str
    """The analyse key: the parse key, the as-of date and git's facts on the folder."""
    problems: tuple[Problem, ...]
    """The loader's problems, then the whole-playbook checks' warnings about this customer."""
    files: int
    """Files read."""
    relationship: Relationship | None
    """The analysis (its customer with authors filled in from git), None when not loadable.
    A slim unit read back holds it pickled until it is first read (`records.deferred`): a
    build after one edit whose pages over all customers are all kept reads none of the
    others' (at 10,000 customers, unpickling them was about half a second). Ask
    `has_relationship` to know whether there is one without reading it."""
    search_z: bytes = b""
    """This customer's line of search-index.js (UTF-8, zlib: a large playbook's model stays small)."""
    search_words_z: bytes = b""
    """Its words for the search index in pieces (`search_shards.words_blob`, zlib)."""
    search_bytes: int = 0
    """The size of its line of search-index.js (`search_shards.entry_bytes`): whether the index
    fits in one file is asked of every customer, and a slim unit holds none of its blobs."""
    json_z: bytes = b""
    """This customer's entry in playbook.json, as indented there (UTF-8, zlib)."""
    agenda_z: bytes = b""
    """Its share of playbook.json's agenda (`json_out.agenda_blob`)."""
    calendar_key: str = ""
    """Digest of all the calendars read of this customer (`ics.entry`)."""
    calendar_people: tuple[str, ...] = ()
    """Whose calendar shows something of it: its owners and its actions' assignees."""
    recent: str = ""
    """Its latest interactions up to as_of (RECENT at most), newest first: what the home
    page and the feed may show, as "<day ordinal> <interaction slug>" joined by NULs (no
    file name holds one). One string, not a tuple per note: at 10,000 customers the tuples
    were a tenth of a build's memory. Read it with `latest_keys`."""
    slim: bool = False
    """True when only what the pages over all customers read is here (see `slim_pickle`; the
    full unit is in the memo)."""
    recent_notes: bytes = b""
    """A slim unit's SLIM_RECENT latest interactions (what the home page may show), without
    their notes, pickled: its slim relationship holds none. Read back with every customer's
    relationship, they were two thirds of the time to load a slim unit, and the home page
    shows ten of the book's (`interaction`)."""
    authors: tuple[str, ...] = ()
    """The `by` handles of all its interactions, sorted: who has a page, even when a slim
    unit no longer holds the notes they wrote."""
    shown: str = ""
    """Digest of its slim relationship (`slim_relationship`): all that the pages over all
    customers read of it. When no customer's changed, none of those pages is made again
    (site_files.index_key): an edit of a note's later paragraphs renders none of them."""
    row_key: str = ""
    """Digest of its row's facts (`listed.RowFacts`): all that a list's row or card of it
    reads. A list page is keyed by its items' (site_files.list_keys), so a new summary,
    which no row shows, renders no list of customers again."""
    action_keys: tuple[str, ...] = ()
    """Per action, a digest of all that a list's view of it reads (`listed.action_facts`): the
    action, and its customer's name and owners. A new summary that leaves the actions as they
    were leaves the action lists and the other people's pages as they were."""
    action_sort_keys: tuple[tuple, ...] = ()
    """Per action, its `Action.sort_key`: playbook.json's agenda is ranked from these
    (`site_files.agenda_order`) without reading every customer's relationship."""
    tags: tuple[str, ...] = ()
    """Its customer's tags (the site's tag pages and each customer's page keys read them)."""
    parsed: Parsed | None = None
    """The parse it was made from, in the memo's full entry only (never in a slim unit): a
    later build takes it from there when only the day or git's facts changed, and the notes'
    Markdown when some notes changed (`parse_folder`). A parse entry of its own held the
    folder's notes a second time: a first build at 1,000 × 50 wrote 165 MB more."""

    @property
    def has_relationship(self) -> bool:
        """Whether it has a relationship, without unpickling one held pickled."""
        return _RELATIONSHIP.__get__(self) is not None

    @property
    def action_count(self) -> int:
        return len(self.action_sort_keys)

    def latest_keys(self, limit: int | None = None) -> Iterator[tuple[tuple, str]]:
        """(feed order key, interaction slug) of its latest interactions, newest first, read
        one at a time: merging every customer's for the feed holds only one of each."""
        text, start, n = self.recent, 0, 0
        while text and (limit is None or n < limit):
            end = text.find("\0", start)
            day, _, slug = text[start:end if end >= 0 else len(text)].partition(" ")
            yield (-int(day), self.slug, slug), slug
            if end < 0:
                return
            start, n = end + 1, n + 1

    def interaction(self, slug: str) -> Interaction:
        """Its interaction `slug`, one of its SLIM_RECENT latest when the unit is slim."""
        found = pickle.loads(self.recent_notes) if self.slim else self.relationship.customer.interactions
        return next(i for i in found if i.slug == slug)

    @property
    def search_line(self) -> bytes:
        return zlib.decompress(self.search_z)

    @property
    def json_text(self) -> bytes:
        return zlib.decompress(self.json_z)


def read_folder(folder: Path, root: Path | None = None) -> tuple[dict[str, bytes], str]:
    """The bytes of customer.yaml and every interaction, and a listing of the folder (names,
    kinds, link targets, what was refused): everything loading the folder looks at. Only
    regular files are read, through a link only inside `root`, each up to its size limit
    (reading.py); the loader reports what was not read."""
    data: dict[str, bytes] = {}
    listing: list[str] = []
    bound = root.resolve() if root is not None else None

    def scan(path: Path, tag: str, wanted, limit: int) -> None:
        try:
            entries = list_folder(path)
        except Refused as exc:
            listing.append(f"{tag}!{exc}")
            return
        for e in entries:
            kind = entry_kind(e)
            k = {"link": "l", "dir": "d"}.get(kind, "f")
            listing.append(f"{tag}{k}:{e.name}:{os.path.realpath(e.path) if k == 'l' else ''}")
            if wanted(e.name) and kind in ("file", "link"):
                try:
                    data[f"{'interactions/' if tag else ''}{e.name}"] = read_file(
                        Path(e.path), bound if kind == "link" else None, limit, link=kind == "link")
                except Refused as exc:
                    listing.append(f"!{e.name}:{exc}")

    scan(folder, "", lambda name: name == "customer.yaml", MAX_FILE_BYTES)
    idir = folder / "interactions"
    if os.path.islink(idir):  # never raises, even where the folder cannot be looked into
        real = os.path.realpath(idir)
        listing.append(f"interactions->{real}")
        if bound is not None and not Path(real).is_relative_to(bound):
            return data, "\n".join(listing)  # a link out: not even its names are read
    scan(idir, "i", lambda name: name.endswith(".md") and not ignored(name), MAX_NOTE_BYTES)
    return data, "\n".join(listing)


def parse_key(listing: str, data: dict[str, bytes], rel: str, inp: Inputs) -> str:
    # Where the playbook lies matters only to links (is their target inside it?): without
    # them a restored CI cache is used wherever the checkout is.
    linked = any(line.startswith(("l:", "il:", "interactions->")) for line in listing.split("\n"))
    return key("parse", inp.config_digest, str(inp.root) if linked else "", rel, listing,
               *(x for name in sorted(data) for x in (name, data[name])))


def analyse_key(pkey: str, slug: str, inp: Inputs) -> str:
    return key("analyse", pkey, inp.as_of.isoformat(), inp.git_digests.get(slug, ""))


def parse_folder(folder: Path, rel: str, inp: Inputs, last: Parsed | None = None) -> Parsed:
    """The parse phase: the folder's customer and problems; `last` (its last parse,
    `unit_before`) when its bytes are the ones parsed then (known without reading the folder
    when its files stat the same). Else its notes' Markdown is taken from `last` by their
    very text: `parse_note` is a pure function of the text and the memo is this tool's alone
    (memo.py: the libraries' versions are in its name), so a note of the same text parses to
    the same Note."""
    if last is not None and last.key == inp.known.get(folder.name):
        return last
    data, listing = read_folder(folder, inp.root)
    pkey = parse_key(listing, data, rel, inp)
    if last is not None and last.key == pkey:
        return last
    problems: list[Problem] = []
    before = dict(last.notes) if last is not None else {}
    made: list[tuple[str, Note]] = []

    def note(text: str) -> Note:
        found = before.get(text)
        if found is None:
            found = parse_note(text)
        made.append((text, found))
        return found

    customer, files = load_customer(folder, rel, inp.config, problems, inp.root, data, note)
    return Parsed(key=pkey, customer=customer, problems=tuple(problems), files=files, notes=tuple(made))


def unit_before(slug: str, inp: Inputs, memo: Memo) -> Unit | None:
    """The folder's full unit as the last build into this output made it, else as the newest
    build into another one did (by the analyse keys their manifests kept, `Inputs.before` and
    `Inputs.elsewhere`), with its parse (`Unit.parsed`). Not marked used: when the unit is
    made again, the new one holds the parse, and the sweep removes this one."""
    for hints in (inp.before, inp.elsewhere):
        k = hints.get(slug)
        last = memo.get("analyse", k, mark=False) if k is not None else None
        if isinstance(last, Unit) and isinstance(last.parsed, Parsed):
            return last
    return None


def analyse_folder(folder: Path, rel: str, inp: Inputs, memo: Memo) -> Unit:
    """Both phases for one folder; the unit from the memo when its inputs were seen before."""
    pkey = inp.known.get(folder.name)
    if pkey is not None:  # the parse key without reading the folder: its entry need not be loaded
        hit = memo.get("analyse", analyse_key(pkey, folder.name, inp))
        if isinstance(hit, Unit) and hit.pkey == pkey:
            return hit
    last = unit_before(folder.name, inp, memo)
    parsed = parse_folder(folder, rel, inp, last.parsed if last is not None else None)
    akey = analyse_key(parsed.key, folder.name, inp)
    if last is not None and last.akey == akey:  # its files only touched, say: the unit just read
        memo.keep("analyse", akey)
        return last
    hit = memo.get("analyse", akey)
    if isinstance(hit, Unit):
        return hit
    unit = make_unit(folder.name, parsed, akey, inp)
    # A store kept for later builds holds the parse in the unit's entry; a cold build's scratch
    # store (`kinds`: only what it reads back itself) need not pickle it.
    if memo.on_disk and memo.kinds is None:
        unit = replace(unit, parsed=parsed)
    memo.put("analyse", akey, unit)
    return unit


def make_unit(slug: str, parsed: Parsed, akey: str, inp: Inputs) -> Unit:
    """The pure analyse step: relationship, checks and this customer's share of the files
    over all customers."""
    from .outputs import ics
    from .outputs.json_out import agenda_blob, customer_json
    from .outputs.search import blobs
    from .outputs.search_shards import entry_bytes
    if parsed.customer is None:
        return Unit(slug=slug, pkey=parsed.key, akey=akey, problems=parsed.problems, files=parsed.files,
                    relationship=None)
    c = parsed.customer
    if inp.git.added:
        c = fill_authors(Playbook((c,)), inp.git, inp.config.team).customers[0]
    r = analyse(c, inp.config, inp.as_of)
    search_z, search_words_z = blobs(r, inp.config)
    checks = whole_playbook_problems(Playbook((c,)), inp.config, inp.as_of)
    items = sorted((i for i in c.interactions if i.date <= inp.as_of), key=lambda i: (-i.date.toordinal(), i.slug))
    unit = Unit(
        slug=slug, pkey=parsed.key, akey=akey, problems=parsed.problems + tuple(checks), files=parsed.files,
        relationship=r,
        search_z=search_z, search_words_z=search_words_z, search_bytes=entry_bytes(search_words_z),
        json_z=zlib.compress(customer_json(r).encode("utf-8"), 1), agenda_z=agenda_blob(r),
        calendar_key=_fingerprint(ics.entry(r)),
        calendar_people=tuple(sorted({*c.owners, *(h for a in r.actions for h in a.assignees)})),
        recent="\0".join(f"{i.date.toordinal()} {i.slug}" for i in items[:RECENT]),
        authors=tuple(sorted({i.by for i in c.interactions if i.by})),
        action_sort_keys=tuple(a.sort_key() for a in r.actions), tags=tuple(c.tags),
    )
    return replace(unit, shown=_slim_digest(slim_relationship(unit)), row_key=_slim_digest(row_facts(r)),
                   action_keys=tuple(_slim_digest(action_facts(a, c)) for a in r.actions))


def _fingerprint(value) -> str:
    found = fingerprint(value)
    if found is None:  # a programming error: every record of the model pickles
        raise TypeError(f"cannot fingerprint {type(value).__name__}")
    return found


class Book(Struct):
    """What the build reads of every unit, gathered in one pass (`gather`): at 10,000
    customers each pass over the units took milliseconds of every `serve` rebuild (they lie
    all over memory), and there were six before the edited page."""

    units: list[Unit]
    """Every folder's unit, in folder order."""
    ok: list[Unit]
    """Those with a relationship."""
    problems: list[Problem]
    """The units' problems, then the invariant's (`gather`)."""
    authors: set[str]
    """Every `by` handle (`Unit.authors`)."""
    people: set[str]
    """Every owner and assignee (`Unit.calendar_people`)."""
    tags: set[str]
    """Every customer's tags."""


def gather(folders: list[tuple[Path, str]], units: list[Unit]) -> Book:
    """The book's units, problems and names. Checks the invariant on the way: every customer
    folder yields a customer or an error naming its file; a folder that would drop out of the
    site silently is reported as an error instead."""
    ok: list[Unit] = []
    problems: list[Problem] = []
    authors: set[str] = set()
    people: set[str] = set()
    tags: set[str] = set()
    for (_, rel), u in zip(folders, units):
        if u.problems:
            problems += u.problems
        astray = u.slug != rel.rpartition("/")[2]  # the folder's name (`customer_folders`), without a Path's
        if astray:
            problems.append(error(rel, 0, 0, "internal error: folders and customers out of step; "
                                             "please report this (the site was not written)"))
        if not u.has_relationship:
            if not astray and not any(p.severity == "error" for p in u.problems):
                problems.append(error(rel, 0, 0, "internal error: this customer could not be analysed and no "
                                                 "reason was given; please report this (the site was not written)"))
            continue
        ok.append(u)
        authors.update(u.authors)
        people.update(u.calendar_people)
        tags.update(u.tags)
    if len(units) != len(folders):
        problems.append(error(CUSTOMERS_DIR, 0, 0, f"internal error: {len(folders)} customer folders gave "
                                                   f"{len(units)} results; please report this"))
    return Book(units, ok, problems, authors, people, tags)


# -- a full unit from a slim one, and the parallel phase -----------------------------------

class _Slim(pickle.Pickler):
    def reducer_override(self, obj):
        if type(obj) is Interaction and (obj.body or obj.commitments):
            return Interaction, tuple(_DROPPED.get(f, getattr(obj, f)) for f in _INTERACTION_FIELDS)
        return NotImplemented


_INTERACTION_FIELDS = Interaction.__struct_fields__
#: What a slim unit's interactions leave out: their notes (as written, HTML and plain text) and
#: the promises found in them.
_DROPPED = {"body": "", "html": "", "commitments": (), "text": ""}


def slim_relationship(unit: Unit) -> Relationship | None:
    """The relationship as the pages over all customers read it: without its interactions
    (the home page's latest are read from `Unit.recent_notes`, and `site_files.index_key`
    names them), not even the timeline's last one and unanswered ones (the stage's reasons
    quote them as text already: with them, a new summary of the last note made every page
    over all customers again to find none changed); without the notes and promises of any
    interaction met (`_Slim` drops those); without its contacts, opportunities, profile
    notes, open promises, stage history and health factors, which only its own pages show."""
    r = unit.relationship
    if r is None:
        return None
    c = r.customer
    return replace(r, customer=replace(c, interactions=(), contacts=(), opportunities=(), notes=None, lines={}),
                   commitments=(), stage_history=(), health=replace(r.health, factors=()),
                   timeline=replace(r.timeline, contacts=(), last_interaction=None, unanswered=()))


def _slim_digest(r: object) -> str:
    """A digest of the slim relationship's (or an action's) pickle, made without pickle's memo (as
    memo.fingerprint) so it does not depend on which equal parts are one object."""
    buf = io.BytesIO()
    p = _Slim(buf, protocol=pickle.HIGHEST_PROTOCOL)
    p.fast = True
    p.dump(r)
    return digest(buf.getvalue())


def note_digest(i: Interaction) -> str:
    """A digest of what the pages over all customers may show of an interaction: the same for
    the note and for its slim form (`Unit.recent_notes`), which `_Slim` would pickle another way."""
    return _slim_digest(replace(i, **_DROPPED))


def slim_pickle(unit: Unit) -> bytes:
    """The unit with its slim relationship and without its blobs (`BLOBS`, kept apart:
    `blobs_pickle`), pickled: a large playbook's model stays small in this process and loads
    fast (tests/test_units.py checks that every page over all customers, every calendar and
    playbook.json come out the same from slim units as from full ones)."""
    r = unit.relationship
    keep = {slug for _, slug in unit.latest_keys(SLIM_RECENT)}
    notes = tuple(i for i in r.customer.interactions if i.slug in keep) if r is not None else ()
    return _slim_bytes(without_blobs(replace(unit, slim=True, recent_notes=_slim_bytes(notes), parsed=None,
                                             relationship=Pickled(_slim_bytes(slim_relationship(unit))))))


#: A unit's share of the files over all customers, made at analysis. A slim unit in the memo
#: is stored without them and they beside it (kind "blobs"): they were half of its bytes, and
#: a build after one edit reads them only for what it makes again (`with_blobs`). At 10,000
#: × 20, reading back every slim unit took 1,041 ms with them and 913 ms without (medians of
#: 7, in turn).
BLOBS = ("search_z", "search_words_z", "json_z", "agenda_z")
_NO_BLOBS = dict.fromkeys(BLOBS, b"")


def blobs_pickle(unit: Unit) -> bytes:
    return pickle.dumps(tuple(getattr(unit, f) for f in BLOBS), protocol=pickle.HIGHEST_PROTOCOL)


def without_blobs(u: Unit) -> Unit:
    return replace(u, **_NO_BLOBS)  # (a relationship held pickled stays so, shared)


def has_blobs(u: Unit) -> bool:
    """Whether the unit holds its blobs (a customer's entry in playbook.json is never empty)."""
    return not u.has_relationship or bool(u.json_z)


def _blobs_from(u: Unit, raw: bytes) -> Unit | None:
    try:
        found = pickle.loads(raw)
    except Exception:  # any unpickling failure means "not stored"
        return None
    if not (isinstance(found, tuple) and len(found) == len(BLOBS) and all(isinstance(b, bytes) for b in found)):
        return None
    return replace(u, **dict(zip(BLOBS, found)))


def with_blobs(u: Unit, inp: Inputs, memo: Memo) -> Unit:
    """The unit with its blobs: itself, or with them as the memo holds them beside its slim
    form, or as its full unit holds them (from the memo, or analysed again)."""
    if has_blobs(u):
        return u
    raw = memo.get_pickled("blobs", u.akey)
    found = _blobs_from(u, raw) if raw is not None else None
    if found is not None:
        return found
    full = memo.get("analyse", u.akey)
    if not isinstance(full, Unit) or not has_blobs(full):
        full = analyse_folder(inp.root / CUSTOMERS_DIR / u.slug, f"{CUSTOMERS_DIR}/{u.slug}", inp, memo)
    return replace(u, **{f: getattr(full, f) for f in BLOBS})


def _slim_bytes(value: object) -> bytes:
    buf = io.BytesIO()
    _Slim(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buf.getvalue()


def full_unit(u: Unit, inp: Inputs, memo: Memo) -> Unit:
    """The unit with its notes: itself, or as the memo holds it, or analysed again."""
    if not u.slim:
        return u
    hit = memo.get("analyse", u.akey)
    if isinstance(hit, Unit):
        return hit
    return analyse_folder(inp.root / CUSTOMERS_DIR / u.slug, f"{CUSTOMERS_DIR}/{u.slug}", inp, memo)


def _analyse_task(item: tuple[Path, str], share: dict) -> tuple[bytes, bytes]:
    """In a worker: the folder's unit, pickled slim, and its blobs (both kept for the next
    build): the build makes every file over all customers from them."""
    u = analyse_folder(item[0], item[1], share["inputs"], share["memo"])
    pickled, blobs = slim_pickle(u), blobs_pickle(u)
    share["memo"].put_pickled("slim", u.akey, pickled)
    share["memo"].put_pickled("blobs", u.akey, blobs)
    return pickled, blobs


def analyse_all(folders: list[tuple[Path, str]], inp: Inputs, memo: Memo, jobs: int | None = None,
                last: Analysed | None = None, ahead: dict[str, Unit] | None = None) -> list[Unit]:
    """Every customer folder as a Unit, in folder order. A folder whose files stat as when they
    were hashed is taken as `serve` keeps it in memory, else slim from the memo (nothing of it
    is read). The rest are read, hashed, parsed and analysed unless the memo holds them: on a
    large playbook by workers, which store what they make and hand back slim units. `last`:
    what `serve` kept of its last call (analyse keys are taken from it where they cannot have
    changed: at 10,000 customers taking them again was 10 ms of every rebuild); updated.
    `ahead`: slim units read ahead by slug (`read_ahead`), each taken if it is the one its
    folder's keys name."""
    day = inp.as_of.isoformat()
    # serve: a folder whose parse key is its last unit's, on the same day with the same git
    # facts, has that unit's analyse key (the one thing `analyse_key` reads besides them), so
    # that unit is the one the memo holds under it: taken as it is, its entries marked used.
    prev = last.units if last is not None and (last.day, last.git_digests) == (day, inp.git_digests) else {}
    units: list[Unit | None] = []
    again: list[Unit] = []
    # A build's units read back live to its end: frozen (`no_collections`); `serve` freezes
    # what it keeps once a rebuild is done (build.Session._settle).
    with no_collections(keep=last is None):
        for f, _ in folders:
            slug = f.name
            pkey = inp.known.get(slug)
            was = prev.get(slug)
            if pkey is None:
                units.append(None)
            elif was is not None and was.pkey == pkey:
                units.append(was)
                again.append(was)
            else:
                akey = analyse_key(pkey, slug, inp)
                read = ahead.get(slug) if ahead else None
                if read is not None and read.pkey == pkey and read.akey == akey:
                    units.append(_taken(read, memo))
                else:
                    units.append(_known(pkey, akey, memo))
    if again:
        for kind, keys in (("analyse", [u.akey for u in again]), ("slim", [u.akey for u in again]),
                           ("blobs", [u.akey for u in again])):
            memo.keep_all(kind, keys)
    todo = [(f, rel) for (f, rel), u in zip(folders, units) if u is None]
    big = sum(_count_md(f) for f, _ in todo) >= PARALLEL_MIN_FILES
    n = workers(jobs)
    if jobs is None and not big:
        n = 1
    if n <= 1 or not can_fork() or not memo.on_disk:
        made = (_stored_slim(analyse_folder(f, rel, inp, memo), memo, big) for f, rel in todo)
    else:
        made = (_slim_back(s, memo, b) for s, b in ordered_map(_analyse_task, todo, n, inputs=inp, memo=memo))
    found = [u if u is not None else next(made) for u in units]
    if last is not None:
        last.day, last.git_digests, last.units = day, inp.git_digests, {u.slug: u for u in found}
    return found


class Analysed(Struct):
    """What `serve` keeps of its last `analyse_all`: its day, git facts and units by slug."""

    day: str = ""
    git_digests: dict[str, str] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)


def _stored_slim(u: Unit, memo: Memo, slim: bool) -> Unit:
    """A unit made in this process; its slim form kept for the next build (made once). Used
    whole, or (`slim`, a large playbook) slim as a worker hands it back: one process then
    holds no more than with workers (at 2,000 × 20 whole units took a cold build to 385 MiB)."""
    if not memo.on_disk or not u.has_relationship:
        return u
    pickled = blobs = None
    if not all([memo.has_pickled(kind, u.akey) for kind in ("slim", "blobs")]):  # each asked: marks it used
        pickled, blobs = slim_pickle(u), blobs_pickle(u)
        memo.put_pickled("slim", u.akey, pickled)
        memo.put_pickled("blobs", u.akey, blobs)
    if not slim:
        return u
    return _slim_back(pickled or slim_pickle(u), memo, blobs or blobs_pickle(u))


def _slim_back(pickled: bytes, memo: Memo, blobs: bytes | None = None) -> Unit:
    """A slim unit, its keys marked used; kept in memory (serve) as slim, never as the full
    unit its key names. `blobs`: its blobs as a worker hands them back (`blobs_pickle`)."""
    u = pickle.loads(pickled)
    if blobs is not None:
        u = _blobs_from(u, blobs)
        if u is None:
            raise ValueError("a worker handed back blobs that do not unpickle")  # a programming error
    return _taken(u, memo)


def _taken(u: Unit, memo: Memo) -> Unit:
    """A slim unit read back and used: its entries marked used, kept in memory (serve)."""
    _keep_entries(memo, u.akey)
    memo.remember("slim", u.akey, u)
    return u


def read_ahead(last: dict[str, str], inp: Inputs, memo: Memo, into: dict[str, Unit]) -> Iterator[None]:
    """The slim units of the folders as last built (`last`: slug → parse key) from the memo
    into `into`, one a step: a build after an edit does this while workers take the folders'
    signatures (manifest.signatures), and `analyse_all` takes those whose folder stats as
    then, by their keys. Nothing is marked used here: a folder changed since is read anew,
    and its old unit left for the sweep. In a one-note build at 10,000 × 20 reading them
    back after the signatures took 370–490 ms (with the edited folder), a core idle."""
    for slug, pkey in last.items():
        try:
            akey = analyse_key(pkey, slug, inp)
            raw = memo.get_pickled("slim", akey, mark=False)
            if raw is not None:
                with no_collections(keep=True):  # what is read lives on (see there); between steps too
                    u = pickle.loads(raw)
                if isinstance(u, Unit) and u.pkey == pkey and u.akey == akey:
                    into[slug] = u
        except Exception:  # a head start only: `analyse_all` reads what it takes, as ever
            pass
        yield None


def _known(pkey: str, akey: str, memo: Memo) -> Unit | None:
    """The folder's unit when its keys are known without reading the folder (its files stat as
    when they were hashed) and `serve`'s memory or the memo's slim entries hold it."""
    for kind in ("analyse", "slim"):
        u = memo.recall(kind, akey)
        if isinstance(u, Unit) and u.pkey == pkey:
            _keep_entries(memo, akey)
            return u
    raw = memo.get_pickled("slim", akey)
    if raw is not None:
        try:
            u = _slim_back(raw, memo)
        except Exception:  # any unpickling failure means "not stored"
            return None
        if isinstance(u, Unit) and u.pkey == pkey and u.akey == akey:
            return u
    return None


def _keep_entries(memo: Memo, akey: str) -> None:
    """Mark a unit taken without reading them as using its full and blobs entries (the sweep
    leaves them: a later build may need the notes, the parse or the blobs)."""
    memo.keep("analyse", akey)
    memo.keep("blobs", akey)


@contextmanager
def no_collections(keep: bool = False) -> Iterator[None]:
    """The cyclic collector paused while units are read back: unpickling makes objects that
    all live on and no cycle that dies, so a collection then finds nothing, yet each one
    walked the young units (reading 10,000 back, best of five: 913 ms with it, 770 ms
    without). Refcounting still frees what dies (the entries' bytes).

    `keep`: what was read back lives to the end of the build, so it is moved out of the
    collector's sight (`gc.freeze`; `build.build` hands it back). Merely resumed, the
    collector found a million young objects and walked them all at its next collection,
    and again as they aged: at 10,000 × 20 a one-note build spent 250–330 ms in collections,
    and 63–82 ms with them frozen (4 builds each, in turn)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep:
            gc.freeze()
        if was:
            gc.enable()


def _count_md(folder: Path) -> int:
    try:
        return len(os.listdir(folder / "interactions"))
    except OSError:
        return 0


intern_names(Unit, "authors", "calendar_people", "tags")
_RELATIONSHIP = deferred(Unit, "relationship")
