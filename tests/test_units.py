"""Slim units (what the pages over all customers read, units.slim_pickle) give exactly the
pages over all customers and the calendars that full units give."""

from __future__ import annotations

import pickle
from bisect import insort
from functools import partial
from datetime import date
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec.structs import replace

from playbook import site_files, units
from playbook.engine.agenda import ranked
from playbook.build import begin
from playbook.memo import Memo, fingerprint
from playbook.outputs import json_out
from playbook.outputs.ics import calendar, calendar_files, entry
from playbook.site import Renderer
from playbook.site_files import recent_interactions

from builds import synthetic_playbook
from helpers import REPO


def _index_pages(rels, inp, authors, people=None, tags=None, recent=None):
    r = Renderer(rels, inp.config, inp.as_of, inp.root, inp.git, None, authors=authors, people=people, tags=tags,
                 recent=recent)
    v = r.views
    pages = {path: fingerprint(ctx) for path, _, ctx in [v.home(), *v.customers(), *v.index_pages()]}
    for rel, name, owner in calendar_files(inp.config, r.site.handles):
        pages[rel] = calendar(name, [entry(x) for x in rels], inp.as_of, owner)
    return pages, r.site.handles


def crafted(base: Path) -> Path:
    """One customer with the twelve latest notes of the book (the home page's latest ten are all
    its own), whose oldest note is the only one by someone outside the team; another owned by
    someone outside the team too (who has a page and a calendar), with a tag of its own."""
    root = base / "crafted"
    for slug, name, days, by in (("alder", "Alder Ltd", range(1, 13), "zed"), ("birch", "Birch plc", (40, 50), "ann")):
        folder = root / "content" / "customers" / slug
        (folder / "interactions").mkdir(parents=True)
        (folder / "customer.yaml").write_text(f"name: {name}\nowners: [ann{', olga' if slug == 'birch' else ''}]\n"
                                              f"tags: [{'Retail, UK' if slug == 'birch' else 'UK'}]\n")
        for n, d in enumerate(days):
            when = date.fromordinal(date(2026, 6, 1).toordinal() - d)
            who = by if n == len(days) - 1 else "ann"
            task = "" if who == by else "\n\n- [ ] send the sheet\n"  # an assignee would have a page anyway
            (folder / "interactions" / f"{when}-call.md").write_text(
                f"---\nby: {who}\n---\nCalled {name} about the order, day {d}.{task}\n")
    (root / "playbook.yaml").write_text("title: Crafted\nteam:\n  - handle: ann\n    name: Ann\n")
    return root


@pytest.mark.parametrize("which", ["example", "synthetic", "crafted"])
def test_slim_units_give_the_same_pages_over_all_customers(which, tmp_path):
    if which == "example":
        root, as_of = REPO, None
    elif which == "crafted":
        root, as_of = crafted(tmp_path), date(2026, 6, 1)
    else:
        # Many notes each, so a slim unit holds far fewer than its customer has, and authors
        # who wrote only old notes still get their page.
        root, as_of = synthetic_playbook(tmp_path, customers=30, interactions=40, seed=5), date(2026, 6, 1)
    b = begin(root, as_of)
    memo = Memo(tmp_path / "memo")
    full = [units.analyse_folder(f, rel, b.inputs, memo) for f, rel in b.folders]
    slim = [pickle.loads(units.slim_pickle(u)) for u in full]
    assert all(u.slim for u in slim)
    if which == "crafted":
        assert not [p for u in full for p in u.problems if p.severity == "error"]
        assert "zed" in {a for u in full for a in u.authors}
        assert "olga" in {h for u in full for h in u.calendar_people}
    if which != "example":
        assert any(len(u.relationship.customer.interactions) > units.SLIM_RECENT for u in full)
        assert all(not u.relationship.customer.interactions for u in slim)
        held = [len(pickle.loads(u.recent_notes)) for u in slim]
        assert max(held) == units.SLIM_RECENT and all(n == len(list(u.latest_keys(units.SLIM_RECENT)))
                                                     for n, u in zip(held, slim))
        assert all(not i.body and not i.html for u in slim for i in pickle.loads(u.recent_notes))
    # index_key names the home page's latest notes by what it shows of them, full or slim alike.
    pairs = [(f.interaction(s), u.interaction(s)) for f, u in zip(full, slim) for _, s in u.latest_keys(units.SLIM_RECENT)]
    assert pairs and all(units.note_digest(a) == units.note_digest(b) for a, b in pairs)
    assert len({units.note_digest(a) for a, _ in pairs}) == len(pairs)
    want, handles = _index_pages([u.relationship for u in full], b.inputs, None)  # authors from the notes
    # The names are gathered from the units, as the build passes them (site_files.py).
    book = units.gather(b.folders, slim)
    assert book.ok == slim and not [p for p in book.problems if p.severity == "error"]
    got, slim_handles = _index_pages([u.relationship for u in slim], b.inputs, book.authors, book.people, book.tags,
                                     partial(recent_interactions, slim))
    assert slim_handles == handles
    assert None not in want.values()
    assert got == want
    # playbook.json's agenda is made from the slim units' actions, or from their sort keys alone.
    export = [b"".join(json_out.pieces(full, [u.relationship for u in us], b.inputs.as_of)) for us in (full, slim)]
    assert export[0] == export[1] and b'"agenda": [\n' in export[0]
    rels = [u.relationship for u in full]
    order = json_out.agenda_order(rels, ranked(rels))
    assert len(order) > 1 and site_files.agenda_order(slim) == site_files.agenda_order(full) == order
    assert b"".join(json_out.pieces(full, (), b.inputs.as_of, order=site_files.agenda_order(slim))) == export[0]


class _Ranked:
    """What `site_files.agenda_order` reads of a unit."""

    def __init__(self, slug: str, akey: str, keys: tuple[tuple, ...]):
        self.slug, self.akey, self.action_sort_keys = slug, akey, keys


def _layout(ok: list[_Ranked], order: list[tuple[int, int]]) -> json_out.Layout:
    """A last file's layout as `json_out.pieces` leaves it: each action's line where the order
    put it (entries first, so every agenda position is past them)."""
    spans = {n: [10 * n, 10 * n + 5] + [0, 0] * len(u.action_sort_keys) for n, u in enumerate(ok)}
    for at, (n, j) in enumerate(order):
        spans[n][2 + 2 * j:4 + 2 * j] = [10**6 + 3 * at, 10**6 + 3 * at + 2]
    return {u.akey: tuple(spans[n]) for n, u in enumerate(ok)}


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_agenda_ranked_from_the_last_file_as_sorted_whole(data):
    """The agenda ranked by the last file's positions plus the changed customers' actions
    placed among them is the agenda sorted whole, whatever changed: customers edited (a new
    analyse key, new actions), added, removed, renamed, and many tied keys."""
    score = st.sampled_from([-90, -50, -50, -20])
    action = st.tuples(score, st.integers(0, 2), st.sampled_from([date(2026, 1, d) for d in (1, 2, 3)]),
                       st.sampled_from(["call", "renewal"]), st.sampled_from(["A", "B"]))
    slugs = data.draw(st.lists(st.sampled_from([f"c{i:02d}" for i in range(40)]), unique=True, max_size=25))
    last = [_Ranked(s, f"{s}-0", tuple(data.draw(st.lists(action, max_size=4)))) for s in sorted(slugs)]
    was = _layout(last, site_files.agenda_order(last))
    now = []
    for u in last:
        move = data.draw(st.sampled_from(["keep"] * 4 + ["edit", "drop"]))
        if move == "keep":
            now.append(u)
        elif move == "edit":
            now.append(_Ranked(u.slug, f"{u.slug}-1", tuple(data.draw(st.lists(action, max_size=4)))))
    for s in data.draw(st.lists(st.sampled_from([f"n{i:02d}" for i in range(10)]), unique=True, max_size=4)):
        now.append(_Ranked(s, f"{s}-0", tuple(data.draw(st.lists(action, max_size=4)))))
    now.sort(key=lambda u: u.slug)
    whole = site_files.agenda_order(now)
    assert site_files.agenda_order(now, was) == whole
    with patch.object(site_files, "RESORT_SHARE", 1.0):  # every change placed, however many
        assert site_files.agenda_order(now, was) == whole
    assert site_files.agenda_order(now, {}) == site_files.agenda_order(now)


def test_agenda_placing_breaks_ties_as_the_whole_sort():
    """Equal keys: by slug, then each customer's own order, for the actions placed too."""
    k = ((-50, 1),)
    last = [_Ranked("a", "a0", (k, k)), _Ranked("b", "b0", (k,)), _Ranked("c", "c0", (k, k))]
    was = _layout(last, site_files.agenda_order(last))
    now = [last[0], _Ranked("b", "b1", (k, k, k)), last[2]]
    assert site_files.agenda_order(now, was) == site_files.agenda_order(now) == \
        [(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 0), (2, 1)]


def test_agenda_placing_is_used_and_bounded(monkeypatch):
    """A few changed customers are placed (the rest never compared); past `serve`'s share
    (engine.agenda.RESORT_SHARE), all are sorted whole."""
    keys = [((-(i % 7), i % 3), ) for i in range(60)]
    last = [_Ranked(f"c{i:03d}", f"k{i}", (keys[i], keys[(i * 5) % 60])) for i in range(60)]
    was = _layout(last, site_files.agenda_order(last))
    compared = []

    class Key(tuple):
        def __lt__(self, other):
            compared.append(1)
            return tuple.__lt__(self, other)
    now = [_Ranked(u.slug, u.akey, tuple(Key(k) for k in u.action_sort_keys)) for u in last]
    now[30] = _Ranked("c030", "k30-edited", (Key(((-3, 1),)),))
    assert site_files.agenda_order(now, was) == site_files.agenda_order(now)
    compared.clear()
    site_files.agenda_order(now, was)
    assert 0 < len(compared) < 30  # a bisection over 119 kept actions, not a sort of them
    placed = []
    monkeypatch.setattr(site_files, "insort", lambda *a, **k: placed.append(1) or insort(*a, **k))
    assert site_files.agenda_order(now, was) and len(placed) == 1
    for i in range(0, 60, 3):  # a third of them
        now[i] = _Ranked(now[i].slug, f"k{i}-edited", (Key(((-(i % 5), 0),)),))
    placed.clear()
    assert site_files.agenda_order(now, was) == site_files.agenda_order(now) and not placed


def test_slim_units_keep_what_the_home_page_shows():
    from playbook.site.views import HOME_RECENT
    assert units.SLIM_RECENT >= HOME_RECENT
    assert units.RECENT >= units.SLIM_RECENT


@pytest.mark.parametrize("which", ["example", "crafted"])
def test_a_persons_calendar_reads_only_the_customers_its_key_names(which, tmp_path):
    """build.py keys a person's calendar by the units naming them in `calendar_people`: the
    calendar made from those units alone is the calendar made from all of them."""
    root, as_of = (REPO, None) if which == "example" else (crafted(tmp_path), date(2026, 6, 1))
    b = begin(root, as_of)
    memo = Memo(tmp_path / "memo")
    made = [units.analyse_folder(f, rel, b.inputs, memo) for f, rel in b.folders]
    everyone = [entry(u.relationship) for u in made]
    r = Renderer([u.relationship for u in made], b.inputs.config, b.inputs.as_of, root, b.inputs.git)
    people = [owner for _, _, owner in calendar_files(b.inputs.config, r.site.handles) if owner]
    assert people
    for owner in people:
        named = [entry(u.relationship) for u in made if owner in u.calendar_people]
        assert calendar(owner, named, b.inputs.as_of, owner) == calendar(owner, everyone, b.inputs.as_of, owner)


def test_a_note_listed_as_a_file_is_read_without_following_a_link(tmp_path, monkeypatch):
    """A folder's plain files are read as listed, without resolving every folder above them;
    one that turned into a link between the listing and the read is refused, not followed."""
    from playbook import reading
    folder = tmp_path / "content/customers/acme"
    (folder / "interactions").mkdir(parents=True)
    (folder / "customer.yaml").write_text("name: Acme\n")
    (folder / "interactions/2026-01-02-call.md").write_text("---\ntype: call\n---\nHello.\n")
    (tmp_path / "secret.md").write_text("outside")
    listed = reading.list_folder

    def list_then_swap(path):  # the note becomes a link out just after it is listed
        found = listed(path)
        note = folder / "interactions/2026-01-02-call.md"
        if path == folder / "interactions" and not note.is_symlink():
            note.unlink()
            note.symlink_to(tmp_path / "secret.md")
        return found
    monkeypatch.setattr(units, "list_folder", list_then_swap)
    data, listing = units.read_folder(folder, tmp_path)
    assert data == {"customer.yaml": b"name: Acme\n"}
    assert "!2026-01-02-call.md:this file was replaced by a link while Playbook read the folder" in listing


def test_gather_reports_every_folder_that_would_drop_out_silently(tmp_path):
    """The build's invariant: every customer folder yields a customer or an error naming it."""
    root = crafted(tmp_path)
    b = begin(root, date(2026, 6, 1))
    made = [units.analyse_folder(f, rel, b.inputs, Memo(None)) for f, rel in b.folders]
    book = units.gather(b.folders, made)
    assert [u.slug for u in book.ok] == ["alder", "birch"]
    assert book.problems == [p for u in made for p in u.problems]  # warnings: "zed" and "olga" are not in the team
    assert book.authors == {"ann", "zed"} and book.people == {"ann", "olga"} and book.tags == {"Retail", "UK"}

    def internal(book):
        return [(p.path, p.message.split(";")[0]) for p in book.problems if p.message.startswith("internal error")]

    assert internal(units.gather(b.folders, made[::-1])) == [
        ("content/customers/alder", "internal error: folders and customers out of step"),
        ("content/customers/birch", "internal error: folders and customers out of step")]
    lost = [made[0], replace(made[1], relationship=None)]  # no customer, and no error saying why
    assert internal(units.gather(b.folders, lost)) == [
        ("content/customers/birch", "internal error: this customer could not be analysed and no reason was given")]
    assert [u.slug for u in units.gather(b.folders, lost).ok] == ["alder"]
    assert internal(units.gather(b.folders, made[:1])) == [
        ("content/customers", "internal error: 2 customer folders gave 1 results")]


def test_names_read_back_from_the_memo_are_interned(tmp_path):
    """Handles and tags come back from a pickle as the one interned string each (records.py),
    so gathering them over all customers compares no characters; the values are unchanged."""
    import sys
    root = crafted(tmp_path)
    b = begin(root, date(2026, 6, 1))
    made = [units.analyse_folder(f, rel, b.inputs, Memo(None)) for f, rel in b.folders]
    for u in made:
        for back in (pickle.loads(pickle.dumps(u)), pickle.loads(units.slim_pickle(u))):
            c = back.relationship.customer
            assert (back.authors, back.calendar_people, c.owners, c.tags) == (
                u.authors, u.calendar_people, u.relationship.customer.owners, u.relationship.customer.tags)
            for name in (*back.authors, *back.calendar_people, *c.owners, *c.tags):
                assert name is sys.intern(name)
    assert any(u.calendar_people for u in made) and any(u.authors for u in made)


def test_the_home_page_follows_an_edit_to_one_of_its_latest_notes(tmp_path):
    """A slim relationship holds no interactions, so what the pages over all customers read of
    a customer (`Unit.shown`) stays the same when a note other than its last is edited. The
    home page lists the book's latest notes, and `site_files.index_key` names those: a cached
    build's home page is a cold build's."""
    from builds import cold, same
    from helpers import tree
    from playbook.build import build
    root, as_of, out = crafted(tmp_path), date(2026, 6, 1), tmp_path / "site"
    assert build(root, out, as_of=as_of).ok
    b = begin(root, as_of)
    shown = [units.analyse_folder(f, rel, b.inputs, Memo(None)).shown for f, rel in b.folders]
    second = sorted((root / "content/customers/alder/interactions").glob("*.md"))[-2]
    second.write_text(second.read_text().replace("about the order", "about the new warehouse"))
    assert [units.analyse_folder(f, rel, b.inputs, Memo(None)).shown for f, rel in b.folders] == shown
    assert build(root, out, as_of=as_of).ok
    assert b"new warehouse" in (out / "index.html").read_bytes()
    same(tree(out), cold(root, as_of))


def test_the_latest_notes_over_all_customers_are_those_of_a_whole_merge():
    """site_files.latest merges only the customers whose own latest day can be among the
    latest: what it finds is what merging every customer finds, ties on a day included."""
    import random
    from heapq import merge
    from itertools import islice

    from playbook.site_files import latest
    rng = random.Random(7)
    for _ in range(200):
        book = []
        for n in range(rng.randint(0, 30)):
            days = sorted((rng.randint(700_000, 700_000 + rng.choice((3, 40))) for _ in range(rng.randint(0, 6))),
                          reverse=True)
            notes = sorted(((d, f"n{rng.randint(0, 99):02}") for d in days), key=lambda x: (-x[0], x[1]))
            book.append(units.Unit(slug=f"c{n:02}", pkey="", akey="", problems=(), files=0,
                                   relationship=object() if rng.random() > 0.1 else None,  # type: ignore[arg-type]
                                   recent="\0".join(f"{d} {s}" for d, s in notes)))
        for limit in (1, 3, 10):
            whole = list(islice(merge(*(u.latest_keys(limit) for u in book if u.relationship is not None)), limit))
            assert latest(book, limit) == whole


@pytest.mark.parametrize("racy", [False, True])
def test_an_edit_parses_the_markdown_of_the_edited_note_only(tmp_path, monkeypatch, racy):
    """A folder read again after one of its notes changed takes its other notes' Markdown from
    its last parse (`Parsed.notes`, found through the manifest), each by its very text; the
    site is a cold build's. `racy`: every file changed too recently to trust its times, as
    when a note is saved again a moment after a build (the manifest keeps the parse keys)."""
    from builds import cold, fresh, same
    from helpers import tree
    from playbook import manifest
    from playbook.build import build
    from playbook.markdown import parse_note
    monkeypatch.setattr(manifest, "RACY_NS", 10**18 if racy else 0)
    root, out = fresh(synthetic_playbook(tmp_path / "src", customers=4, interactions=6), tmp_path), tmp_path / "site"
    assert build(root, out).ok
    parsed: list[str] = []
    monkeypatch.setattr(units, "parse_note", lambda text: parsed.append(text) or parse_note(text))
    notes = sorted((root / "content/customers").glob("*/interactions/*.md"))
    notes[1].write_text(notes[1].read_text() + "\nA line added to one note.\n")
    notes[-1].write_text(notes[-1].read_text().replace("\n", "\n\n", 1))  # front matter only: the same Markdown
    assert build(root, out).ok
    assert len(parsed) == 1 and parsed[0].endswith("A line added to one note.\n")
    same(tree(out), cold(root))
    # The same text in a new file of the folder parses to the same Note: nothing is parsed.
    (notes[1].parent / "2020-01-01-copy.md").write_text(notes[1].read_text())
    parsed.clear()
    assert build(root, out).ok
    assert parsed == []
    same(tree(out), cold(root))


def test_a_new_day_takes_each_parse_from_the_last_units_entry_without_reading_a_folder(tmp_path, monkeypatch):
    """On a new day every customer is analysed again, from the parse its last unit's entry
    holds (`Unit.parsed`, found by the analyse key the manifest kept): no folder is read and
    no note parsed, and the store holds no parse entry of its own. A build into another
    folder, with no manifest of its own, reads every folder (to know its bytes) but takes
    its parse all the same (through the newest manifest). Both sites are cold builds'."""
    from builds import cold, fresh, same
    from helpers import tree
    from playbook import manifest
    from playbook.build import build
    from playbook.memo import CACHE_DIR
    from playbook.markdown import parse_note
    monkeypatch.setattr(manifest, "RACY_NS", 0)
    root, out = fresh(synthetic_playbook(tmp_path / "src", customers=4, interactions=6), tmp_path), tmp_path / "site"
    assert build(root, out, as_of=date(2026, 6, 1)).ok
    read: list[str] = []
    parsed: list[str] = []
    real_read = units.read_folder
    monkeypatch.setattr(units, "read_folder", lambda folder, *a: read.append(folder.name) or real_read(folder, *a))
    monkeypatch.setattr(units, "parse_note", lambda text: parsed.append(text) or parse_note(text))
    assert build(root, out, as_of=date(2026, 6, 2)).ok
    assert read == [] and parsed == []
    same(tree(out), cold(root, date(2026, 6, 2)), "a new day")
    stored = {p.parent.parent.name for p in (root / CACHE_DIR).rglob("*") if p.is_file() and len(p.name) == 40}
    assert "analyse" in stored and "parse" not in stored
    read.clear()
    parsed.clear()
    assert build(root, tmp_path / "other", as_of=date(2026, 6, 3)).ok
    assert sorted(read) == sorted(p.name for p in (root / "content/customers").iterdir())
    assert parsed == []
    same(tree(tmp_path / "other"), cold(root, date(2026, 6, 3)), "another folder")


def test_a_memo_restored_into_a_checkout_elsewhere_parses_only_the_changed_note(tmp_path, monkeypatch):
    """CI restores the memo into a checkout that may lie at another path, where the last
    build's manifest (named by its output folder) is not this build's: each folder's last
    parse is found through the newest build's manifest all the same, taken only for the
    folder's very bytes. On a new day with one note edited, only that note is parsed; the
    site is a cold build's."""
    import shutil

    from builds import cold, fresh, same
    from helpers import tree
    from playbook.build import build
    from playbook.markdown import parse_note
    root = fresh(synthetic_playbook(tmp_path / "src", customers=4, interactions=6), tmp_path)
    assert build(root, root / "site", as_of=date(2026, 6, 1)).ok
    moved = tmp_path / "elsewhere" / "pb"
    shutil.copytree(root, moved, ignore=shutil.ignore_patterns("site"))
    note = sorted((moved / "content/customers").glob("*/interactions/*.md"))[3]
    note.write_text(note.read_text() + "\nThey asked for a second quote.\n")
    parsed: list[str] = []
    monkeypatch.setattr(units, "parse_note", lambda text: parsed.append(text) or parse_note(text))
    assert build(moved, moved / "site", as_of=date(2026, 6, 2)).ok
    assert len(parsed) == 1 and parsed[0].endswith("They asked for a second quote.\n")
    same(tree(moved / "site"), cold(moved, date(2026, 6, 2)), "restored elsewhere")


def test_a_build_into_another_folder_between_two_leaves_the_parses_to_the_next(tmp_path, monkeypatch):
    """`playbook build --as-of <last month> --out <elsewhere>` between two builds of the site
    sweeps the site's units (it did not use them), so the site's own manifest points at
    entries gone; the next build of the site finds the parses through the newest manifest,
    the other folder's, and parses no note. Both sites are cold builds'."""
    from builds import cold, fresh, same
    from helpers import tree
    from playbook.build import build
    from playbook.markdown import parse_note
    root = fresh(synthetic_playbook(tmp_path / "src", customers=4, interactions=6), tmp_path)
    site, other = root / "site", tmp_path / "last-month"
    assert build(root, site, as_of=date(2026, 6, 1)).ok
    assert build(root, other, as_of=date(2026, 5, 1)).ok
    parsed: list[str] = []
    monkeypatch.setattr(units, "parse_note", lambda text: parsed.append(text) or parse_note(text))
    assert build(root, site, as_of=date(2026, 6, 2)).ok
    assert parsed == []
    same(tree(site), cold(root, date(2026, 6, 2)), "the site")
    same(tree(other), cold(root, date(2026, 5, 1)), "the other folder")


def test_a_slim_unit_read_back_reads_its_relationship_only_when_asked(tmp_path, monkeypatch):
    """A slim unit holds its relationship in a pickle of its own (records.deferred): reading
    the unit back, asking whether it has one, dropping its blobs and pickling it again read
    none. The first read gives the slim relationship, and copies made before it give that
    same object (the views key rows and actions by `id`)."""
    from playbook.records import Pickled
    root = crafted(tmp_path)
    b = begin(root, date(2026, 6, 1))
    made = [units.analyse_folder(f, rel, b.inputs, Memo(None)) for f, rel in b.folders]
    loads: list[int] = []
    real = Pickled.load

    def load(self: Pickled):
        if not hasattr(self, "value"):  # unpickled now
            loads.append(1)
        return real(self)
    monkeypatch.setattr(Pickled, "load", load)
    for u in made:
        back = pickle.loads(units.slim_pickle(u))
        lean = units.without_blobs(back)
        again = pickle.loads(pickle.dumps(lean))
        assert back.has_relationship and lean.has_relationship and again.has_relationship
        assert not units.has_blobs(lean) and back.tags == u.relationship.customer.tags
        assert again.action_count == len(u.relationship.actions) > 0
        assert not loads
        r = lean.relationship
        assert loads == [1] and back.relationship is r and lean.relationship is r and loads == [1]
        assert units._slim_digest(r) == u.shown and r.actions == u.relationship.actions
        assert units._slim_digest(again.relationship) == u.shown and loads == [1, 1]
        loads.clear()


@pytest.mark.parametrize("big", [False, True])
def test_a_slim_unit_is_stored_without_its_blobs_and_gets_them_back(tmp_path, monkeypatch, big):
    """The memo's slim entry holds none of a unit's blobs (units.BLOBS): they are stored beside
    it, and `with_blobs` gives back exactly the full unit's, from there, else from the full unit
    the memo holds, else by analysing the folder again. `big`: the build holds its units slim,
    as workers hand them back, blobs and all."""
    monkeypatch.setattr(units, "PARALLEL_MIN_FILES", 0 if big else 10**9)
    root, as_of = crafted(tmp_path), date(2026, 6, 1)
    b = begin(root, as_of)
    memo = Memo(tmp_path / "memo")
    made = units.analyse_all(b.folders, b.inputs, memo, jobs=1)
    full = [units.analyse_folder(f, rel, b.inputs, Memo(None)) for f, rel in b.folders]
    for u, whole in zip(made, full):
        blobs = [getattr(whole, f) for f in units.BLOBS]
        assert all(blobs) and u.search_bytes == whole.search_bytes > 0 and u.slim == big
        assert [getattr(u, f) for f in units.BLOBS] == blobs
        lean = pickle.loads(memo.get_pickled("slim", u.akey))
        assert lean.slim and not any(getattr(lean, f) for f in units.BLOBS) and not units.has_blobs(lean)
        assert lean.search_bytes == u.search_bytes
        assert [getattr(units.with_blobs(lean, b.inputs, memo), f) for f in units.BLOBS] == blobs
        for kind in ("blobs", "analyse"):  # then from the full unit; then analysed again
            next((memo.dir / kind).rglob(u.akey)).unlink()
            assert [getattr(units.with_blobs(lean, b.inputs, memo), f) for f in units.BLOBS] == blobs


def test_a_build_with_the_blobs_gone_from_the_memo_makes_the_same_site(tmp_path, monkeypatch):
    """After an edit, a build reads the blobs of what it makes again; with none in the memo it
    takes them from the full units, and the site is a cold build's."""
    from builds import cold, fresh, same
    from helpers import tree
    from playbook import manifest
    from playbook.build import build
    from playbook.memo import CACHE_DIR
    monkeypatch.setattr(manifest, "RACY_NS", 0)
    root, out = fresh(synthetic_playbook(tmp_path / "src", customers=6, interactions=4), tmp_path), tmp_path / "site"
    assert build(root, out).ok
    note = sorted((root / "content/customers").glob("*/interactions/*.md"))[3]
    note.write_text(note.read_text() + "\nA line added to one note.\n")
    gone = [p for p in (root / CACHE_DIR).rglob("*") if p.is_file() and p.parent.parent.name == "blobs"]
    assert len(gone) == 6
    for p in gone:
        p.unlink()
    (out / "playbook.json").write_bytes(b"changed by hand")  # made whole again: every entry's blob read
    assert build(root, out).ok
    same(tree(out), cold(root))
