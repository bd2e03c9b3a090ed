"""The last build's manifest: a build whose inputs did not change does nothing, and anything
that changes the site (a file's bytes, the date, the config, templates, the output itself)
means a real build. Each case compares the result with the plain serial pipeline."""

from __future__ import annotations

import importlib
import os
import shutil
import time
from pathlib import Path

import pytest

from playbook import manifest
from playbook.build import Session, build
from playbook.memo import CACHE_DIR
from playbook.parallel import can_fork as parallel_can_fork

from builds import cold, fresh, same, synthetic_playbook
from helpers import tree

build_module = importlib.import_module("playbook.build")  # (`playbook.build` the name is the function)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    return synthetic_playbook(tmp_path_factory.mktemp("synthetic"))


@pytest.fixture
def trusting(monkeypatch):
    """File times are trusted at once (the files here were all written a moment ago)."""
    monkeypatch.setattr(manifest, "RACY_NS", 0)


@pytest.fixture(params=["asked", "observed"])
def observing(request, monkeypatch):
    """Both ways a build learns what its last write left: each file and folder asked as the
    build comes to it, or all looked at by a forked worker while it analyses (`write.observe`,
    a large site's way; forced here at any size)."""
    if request.param == "observed":
        if not parallel_can_fork():
            pytest.skip("needs fork (the look is taken by a worker)")
        monkeypatch.setattr(build_module, "OBSERVE_MIN_FILES", 0)
    return request.param


def stamps(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def test_nothing_changed_means_nothing_written(synthetic, tmp_path, trusting):
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    first = build(root, out)
    assert first.ok and not first.unchanged
    before = stamps(out)
    again = build(root, out)
    assert again.ok and again.unchanged and again.written == 0
    assert (again.files, again.customers, again.as_of) == (first.files, first.customers, first.as_of)
    assert again.problems == first.problems
    assert stamps(out) == before
    same(tree(out), cold(root))


@pytest.mark.parametrize("change", ["empty folder", "link to a folder", "link to a page", "marker rewritten"])
def test_what_is_put_in_a_site_by_hand_is_seen_when_nothing_else_changed(synthetic, tmp_path, trusting, observing, change):
    """A build whose inputs did not change checks the site as well: an empty folder, a link
    or a changed marker means a build, which leaves a cold build's site, folders and all."""
    from helpers import shape
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    assert build(root, out).ok
    customer = next((out / "customers").iterdir())
    if change == "empty folder":
        (customer / "stray").mkdir()
    elif change == "link to a folder":
        (out / "stray").symlink_to(customer, target_is_directory=True)
    elif change == "link to a page":
        (customer / "stray.html").symlink_to(customer / "index.html")
    else:
        (out / ".playbook-site").write_text("Rewritten by hand.\n")
    again = build(root, out)
    assert again.ok and not again.unchanged
    same(tree(out), cold(root))
    assert not [line for line in shape(out) if line.startswith("l ")]  # no link left
    assert not [p for p in out.rglob("*") if p.is_dir() and not any(p.iterdir())]  # no empty folder


def test_warnings_are_reported_again_when_nothing_changed(synthetic, tmp_path, trusting):
    root = fresh(synthetic, tmp_path)
    stray = root / "content" / "customers" / "notes.txt"
    stray.write_text("not a customer\n")
    first = build(root, tmp_path / "site")
    assert any("stray file" in p.message for p in first.problems)
    again = build(root, tmp_path / "site")
    assert again.unchanged and again.problems == first.problems


def edit_keeping_size_and_mtime(path: Path) -> None:
    """Change bytes but not the size nor the modification time (only the change time moves)."""
    st = path.stat()
    data = bytearray(path.read_bytes())
    i = data.index(b"the") if b"the" in data else len(data) - 2
    data[i:i + 3] = b"THE"
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_mtime_ns == st.st_mtime_ns and path.stat().st_size == st.st_size


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(synthetic, tmp_path, trusting):
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    assert build(root, out).ok
    note = sorted((root / "content" / "customers").glob("*/interactions/*.md"))[3]
    edit_keeping_size_and_mtime(note)
    report = build(root, out)
    assert report.ok and not report.unchanged
    same(tree(out), cold(root))


def test_a_file_written_within_the_clock_tick_is_read_again(synthetic, tmp_path):
    # Default RACY_NS: the files were just written, so their times prove nothing yet.
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    assert build(root, out).ok
    report = build(root, out)
    assert report.ok and not report.unchanged
    same(tree(out), cold(root))


@pytest.mark.parametrize("change", ["note", "new-note", "new-customer", "removed-customer", "tag-taken", "owner-taken",
                                    "config",
                                    "template", "as-of", "since", "site-page-edited", "site-page-rewritten", "site-page-deleted", "site-file-added",
                                    "manifest-damaged", "cache-deleted"])
def test_any_change_means_a_real_build(synthetic, tmp_path, trusting, observing, change):
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    assert build(root, out).ok
    customers = root / "content" / "customers"
    first = sorted(customers.iterdir())[0]
    as_of = since = None
    if change == "note":
        note = sorted(first.glob("interactions/*.md"))[0]
        note.write_text(note.read_text() + "\nOne more line.\n")
    elif change == "new-note":
        (first / "interactions" / "2026-11-01-call.md").write_text(
            "---\ndate: 2026-11-01\ntype: call\n---\nA short call.\n")
    elif change == "new-customer":
        shutil.copytree(first, customers / "zz-new-customer")
    elif change == "removed-customer":
        shutil.rmtree(first)
    elif change in ("tag-taken", "owner-taken"):
        # A new customer whose tag (or owner) differs from the first customer's only in case
        # takes the name of its page: the first customer's pages link to the new name.
        import re
        profile = (first / "customer.yaml").read_text()
        tag = re.search(r"^tags: \[(\w+)", profile, re.M).group(1)
        owner = re.search(r"^owner: \[?(\w+)", profile, re.M).group(1)
        new = customers / "zz-new-customer"
        (new / "interactions").mkdir(parents=True)
        (new / "customer.yaml").write_text(
            f"name: Zed\nowner: {owner.upper() if change == 'owner-taken' else owner}\n"
            f"tags: [{tag.upper() if change == 'tag-taken' else tag}]\n")
    elif change == "config":
        cfg = root / "playbook.yaml"
        cfg.write_text(cfg.read_text().replace("title: Synthetic Playbook (benchmark)", "title: Renamed"))
    elif change == "template":
        (root / "templates").mkdir(exist_ok=True)
        (root / "templates" / "footer.html").write_text("<footer>Team footer</footer>\n")
    elif change == "as-of":
        as_of = __import__("datetime").date(2026, 1, 5)
    elif change == "since":  # the home page lists what changed since then
        since = "2026-11-01"
    elif change == "site-page-edited":
        (out / "index.html").write_text("vandalised")
    elif change == "site-page-rewritten":  # by hand, keeping its size: only its time tells
        page = out / "customers" / first.name / "index.html"
        data = page.read_bytes()
        assert b"<title>" in data
        page.write_bytes(data.replace(b"<title>", b"<TITLE>", 1))
    elif change == "site-page-deleted":
        (out / "index.html").unlink()
    elif change == "site-file-added":
        (out / "stray.html").write_text("left behind")
    elif change == "manifest-damaged":
        damaged = [f for f in (root / CACHE_DIR).rglob("manifest/*") if f.is_file()]
        assert damaged
        for f in damaged:
            f.write_bytes(f.read_bytes()[:40])
    elif change == "cache-deleted":
        shutil.rmtree(root / CACHE_DIR)
    report = build(root, out, as_of=as_of, since=since)
    assert report.ok and not report.unchanged
    same(tree(out), cold(root, as_of, since))
    assert build(root, out, as_of=as_of, since=since).unchanged  # …and the build after that has nothing to do


def test_builds_into_two_folders_keep_their_own_manifests(synthetic, tmp_path, trusting):
    root = fresh(synthetic, tmp_path)
    assert build(root, tmp_path / "a").ok and build(root, tmp_path / "b").ok
    assert build(root, tmp_path / "a").unchanged and build(root, tmp_path / "b").unchanged


def test_no_cache_neither_reads_nor_writes_a_manifest(synthetic, tmp_path, trusting):
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    assert build(root, out).ok
    report = build(root, out, use_cache=False)
    assert report.ok and not report.unchanged
    assert not build(root, out).unchanged  # the cold build replaced the files the manifest knew
    assert build(root, out).unchanged


def test_after_one_edit_the_other_customers_pages_are_kept_not_rewritten(synthetic, tmp_path, trusting):
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    assert build(root, out).ok
    customers = sorted((root / "content" / "customers").iterdir())
    edited, untouched = customers[0].name, customers[1].name
    page = lambda slug: out / "customers" / slug / "index.html"  # noqa: E731
    before = {slug: page(slug).stat().st_ino for slug in (edited, untouched)}
    fixed = ["assets/style.css", "assets/site.js", "playbook.schema.json"]  # the same bytes in every build
    fixed_before = [(out / f).stat().st_ino for f in fixed]
    note = sorted(customers[0].glob("interactions/*.md"))[-1]
    note.write_text(note.read_text() + "\nA line that only this customer's page shows.\n")
    report = build(root, out)
    assert report.ok and not report.unchanged
    same(tree(out), cold(root))
    assert page(untouched).stat().st_ino == before[untouched]  # the same file, linked
    assert page(edited).stat().st_ino != before[edited]
    assert [(out / f).stat().st_ino for f in fixed] == fixed_before
    assert b"A line that only this customer" in page(edited).read_bytes()
    # A kept page that someone changed in the site is not kept: it is made again.
    page(untouched).write_text("edited by hand")
    note.write_text(note.read_text() + "\nAnd one more.\n")
    assert build(root, out).ok
    same(tree(out), cold(root))


@pytest.mark.parametrize("how", ["build", "serve"])
def test_the_pages_over_all_customers_are_kept_whole_when_nothing_they_show_changed(
        synthetic, tmp_path, trusting, monkeypatch, how):
    """A paragraph added at the end of a note changes nothing the lists, the home page or the
    team's pages show: they are kept as written without their view data being made; nor does
    a new summary of a customer's last note that went well, when the home page does not list
    it among the latest. A new note changes what they show, and they are made again; a list
    page changed by hand is too."""
    from playbook.site.lists import ListViews
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    rebuild = (lambda: build(root, out)) if how == "build" else Session(root, out).rebuild
    assert rebuild().ok
    homes: list[int] = []
    real_home = ListViews.home
    monkeypatch.setattr(ListViews, "home", lambda self: homes.append(1) or real_home(self))

    def home_made() -> bool:
        """Rebuild; whether the home page's view data was made (the cold build compared
        with afterwards makes its own)."""
        homes.clear()
        assert rebuild().ok
        made = bool(homes)
        same(tree(out), cold(root))
        return made

    folder = sorted((root / "content" / "customers").iterdir())[2]
    note = sorted(folder.glob("interactions/*.md"))[0]
    note.write_text(note.read_text() + "\n\nA later paragraph no list shows.\n")
    assert not home_made()
    # The last note of the customer whose last note is the oldest of the book's, one that
    # went well (a bad one's summary is quoted by the repair it asks for), of a customer not
    # ended (an ended one's stage reason quotes it): the timeline holds it as the last.
    lasts = sorted((max(f.glob("interactions/*.md")) for f in (root / "content" / "customers").iterdir()
                    if "status: ended" not in (f / "customer.yaml").read_text()), key=lambda p: p.name)
    last = next(p for p in lasts if "sentiment: positive" in p.read_text())
    head, sep, body = last.read_text()[4:].partition("\n---\n")
    last.write_text("---\n" + "\n".join([*(x for x in head.splitlines() if not x.startswith("summary:")),
                                          "summary: Walked through the new onboarding plan"]) + sep + body)
    assert not home_made()
    (folder / "interactions" / "2026-11-19-call.md").write_text("---\ntype: call\nsentiment: negative\n---\n"
                                                              "They are unhappy with the renewal terms.\n")
    assert home_made()
    note.write_text(note.read_text() + "\nOne more line.\n")
    assert not home_made()
    (out / "actions.html").write_text("edited by hand")
    note.write_text(note.read_text() + "\nAnd one more.\n")
    assert home_made()


def test_a_build_that_keeps_the_pages_over_all_customers_reads_no_other_relationship(
        synthetic, tmp_path, trusting, monkeypatch):
    """After a paragraph added to one note, nothing any page over all customers shows changed:
    the build reads none of the other customers' relationships (a slim unit read back holds
    its own pickled until asked, units.Unit). After a new note it reads them to make those
    pages, and either way the site is a cold build's."""
    from playbook.records import Pickled
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    assert build(root, out).ok
    loads: list[int] = []
    real = Pickled.load
    monkeypatch.setattr(Pickled, "load", lambda self: loads.append(1) or real(self))

    def read() -> int:
        loads.clear()
        assert build(root, out).ok
        found = len(loads)  # before the cold build compared with
        same(tree(out), cold(root))
        return found

    folder = sorted((root / "content" / "customers").iterdir())[2]
    note = sorted(folder.glob("interactions/*.md"))[0]
    note.write_text(note.read_text() + "\n\nA later paragraph no list shows.\n")
    assert read() == 0
    (folder / "interactions" / "2026-11-19-call.md").write_text("---\ntype: call\nsentiment: negative\n---\n"
                                                              "They are unhappy with the renewal terms.\n")
    assert read() >= len(list((root / "content" / "customers").iterdir())) - 1


@pytest.mark.parametrize("how", ["build", "serve"])
def test_the_lists_are_kept_whole_when_no_row_or_action_on_them_changed(synthetic, tmp_path, trusting, monkeypatch,
                                                                         how):
    """A note's new summary is shown on the customer's own pages (and perhaps among the home
    page's latest notes), but in no row or action of a list: the lists of customers and
    actions are kept as written without being paged or keyed again. A new owner changes
    rows, and they are made again; so is a list page changed by hand. The pages over all
    customers are not kept whole here (`index_key`, tested above): the lists' own key is."""
    from playbook import site_files
    from playbook.site.lists import ListViews
    monkeypatch.setattr(site_files, "index_key", lambda *args: None)
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    rebuild = (lambda: build(root, out)) if how == "build" else Session(root, out).rebuild
    assert rebuild().ok
    made: list[str] = []
    for name in ("customers", "home"):
        real = getattr(ListViews, name)
        monkeypatch.setattr(ListViews, name, lambda self, real=real, name=name: made.append(name) or real(self))

    def lists_made() -> bool:
        made.clear()
        assert rebuild().ok
        found = set(made)  # before the cold build compared with, which makes its own
        same(tree(out), cold(root))
        assert "home" in found  # the other pages are made: the lists are kept by their own key
        return "customers" in found

    # A recent note that went well: its summary is quoted by no stage reason and no action
    # (a bad one's is, in the repair it asks for).
    folder = sorted((root / "content" / "customers").iterdir())[3]
    note = next(p for p in sorted(folder.glob("interactions/*.md"))[-4:-1] if "sentiment: positive" in p.read_text())
    text = note.read_text()

    def summary(words: str) -> None:
        head, sep, body = text[4:].partition("\n---\n")
        lines = [x for x in head.splitlines() if not x.startswith("summary:")]
        note.write_text("---\n" + "\n".join([*lines, f"summary: {words}"]) + sep + body)

    summary("Walked through the new onboarding plan")
    assert not lists_made()
    # To someone already on the team: the site's names and key stay, only rows change.
    yaml = folder / "customer.yaml"
    owners = {x for p in (root / "content" / "customers").glob("*/customer.yaml")
              for x in p.read_text().splitlines() if x.startswith("owner: ")}
    mine = next(x for x in yaml.read_text().splitlines() if x.startswith("owner:"))
    yaml.write_text("\n".join(sorted(owners - {mine})[0] if x == mine else x
                              for x in yaml.read_text().splitlines()) + "\n")
    assert lists_made()
    summary("Agreed the renewal terms")
    assert not lists_made()
    (out / "actions.html").write_text("edited by hand")
    summary("Agreed the renewal terms, again")
    assert lists_made()


def test_an_edit_changes_the_site_in_place_to_exactly_what_a_cold_build_makes(synthetic, tmp_path, trusting, observing):
    """After a build it knows the output of, a build stages the files it makes and moves them
    in only when all are made: whatever was done to the site by hand, it ends as a cold
    build's; a build that fails half way leaves it as it was, and no scratch behind."""
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    assert build(root, out).ok
    customers = sorted((root / "content" / "customers").iterdir())
    (out / "stray.html").write_text("put here by hand")
    (out / "customers" / "gone-by-hand").mkdir()
    (out / "customers" / "gone-by-hand" / "index.html").write_text("a page of no customer")
    (out / "customers" / customers[1].name / "index.html").unlink()
    note = sorted(customers[0].glob("interactions/*.md"))[-1]
    note.write_text(note.read_text() + "\nA line made in place.\n")
    assert build(root, out).ok
    same(tree(out), cold(root))
    home = tmp_path / ".playbook-cache" / "tmp"
    assert not home.exists() or not any(home.iterdir())
    before = tree(out)
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "customer.html").write_text("{{ page.no_such_field }}\n")
    note.write_text(note.read_text() + "\nAnd a line the broken template stops.\n")
    failed = build(root, out)
    assert not failed.ok and any("customer.html" in p.path for p in failed.problems)
    assert tree(out) == before
    assert not home.exists() or not any(home.iterdir())


def test_links_put_in_the_site_are_never_written_through(synthetic, tmp_path, trusting, observing):
    """A build that changes the site in place writes only inside the output folder: a page
    and a customer's folder replaced by links out are removed, what they point at untouched."""
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    assert build(root, out).ok
    customers = sorted((root / "content" / "customers").iterdir())
    outside = tmp_path / "outside"
    shutil.copytree(out / "customers" / customers[0].name, outside / "folder")
    (outside / "page.html").write_bytes((out / "index.html").read_bytes())
    before = tree(outside)
    shutil.rmtree(out / "customers" / customers[0].name)
    (out / "customers" / customers[0].name).symlink_to(outside / "folder", target_is_directory=True)
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(outside / "page.html")
    note = sorted(customers[0].glob("interactions/*.md"))[-1]
    note.write_text(note.read_text() + "\nA line that must not reach outside.\n")
    assert build(root, out).ok
    assert tree(outside) == before
    same(tree(out), cold(root))
    assert not any(p.is_symlink() for p in out.rglob("*"))


def test_prune_leaves_exactly_what_is_kept(tmp_path):
    """What a build in place does last: files not made, every link (never followed) and the
    folders that leaves empty go; what was made, its folders and the marker stay."""
    from playbook.write import MARKER, prune
    out, outside = tmp_path / "site", tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "page.html").write_text("outside")
    for rel in ("index.html", "customers/a/index.html", "customers/a/old.html", "customers/b/index.html",
                "stale/x/y.html", "stale/z.css", MARKER):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(rel)
    (out / "customers" / "c").symlink_to(outside, target_is_directory=True)
    (out / "customers" / "b" / "linked.html").symlink_to(outside / "deep" / "page.html")
    (out / "empty" / "folder").mkdir(parents=True)
    prune(out, {"index.html", "customers/a/index.html", "customers/b/index.html", "customers/c/deep/page.html"})
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        MARKER, "customers", "customers/a", "customers/a/index.html", "customers/b", "customers/b/index.html",
        "index.html"]
    assert (outside / "deep" / "page.html").read_text() == "outside"


def test_prune_lists_only_the_folders_whose_times_moved(tmp_path, monkeypatch):
    """A folder whose inode and times are as the last build in place left them holds the
    names it left, so the prune does not list it; one changed since (an entry added, removed
    or replaced) or holding a file no longer made is listed. A folder's times are only
    trusted once they are FOLDER_RACY_NS old."""
    from playbook import write
    from playbook.write import MARKER, _trusted, prune
    out = tmp_path / "site"
    made = ["index.html", "customers/a/index.html", "customers/b/index.html", "customers/c/index.html",
            "customers/d/index.html", "x/y/z.html"]
    for rel in (*made, MARKER):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(rel)
    found = prune(out, set(made))  # nothing known: every folder listed
    folders = {"", "customers", "customers/a", "customers/b", "customers/c", "customers/d", "x", "x/y"}
    assert set(found) == folders and all(found.values())
    assert not any(_trusted(found, time.time_ns()).values())  # all changed a moment ago
    monkeypatch.setattr(write, "FOLDER_RACY_NS", 0)
    time.sleep(0.03)  # past the file system's clock tick: later changes move the times
    known = _trusted(found, time.time_ns())
    assert known == found
    (out / "customers" / "b" / "stray.html").write_text("put here by hand")
    (out / "customers" / "c" / "index.html").unlink()
    (out / "customers" / "c" / "index.html").symlink_to(out / "index.html")
    listed = []
    real = os.scandir

    def scandir(path):
        listed.append(os.path.relpath(path, out))
        return real(path)
    monkeypatch.setattr(os, "scandir", scandir)
    again = prune(out, set(made) - {"customers/d/index.html"}, {rel: ("k", 1, 1) for rel in made}, known)
    assert sorted(listed) == ["customers/b", "customers/c", "customers/d"]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        MARKER, "customers", "customers/a", "customers/a/index.html", "customers/b", "customers/b/index.html",
        "index.html", "x", "x/y", "x/y/z.html"]
    # Unchanged, as known; changed by this prune, untrusted; removed, gone.
    assert {rel: again[rel] == known[rel] for rel in again} == {
        "": True, "customers": False, "customers/a": True, "customers/b": False, "x": True, "x/y": True}


def test_a_build_in_place_lists_only_the_site_folders_that_changed(synthetic, tmp_path, trusting, observing, monkeypatch):
    """After a build in place, the next one lists only the folders of the site that it or
    someone changed since: at 10,000 customers listing all 10,000 took 150–200 ms of a
    one-note build. What is put in by hand is still removed."""
    from playbook import write
    monkeypatch.setattr(write, "FOLDER_RACY_NS", 0)
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    customers = sorted((root / "content" / "customers").iterdir())
    note = sorted(customers[0].glob("interactions/*.md"))[-1]
    assert build(root, out).ok
    listed = []
    real = os.scandir

    def scandir(path):
        if isinstance(path, str) and path.startswith(str(out)):
            listed.append(os.path.relpath(path, out))
        return real(path)
    monkeypatch.setattr(os, "scandir", scandir)
    note.write_text(note.read_text() + "\nA line.\n")
    assert build(root, out).ok  # the first build in place lists every folder, and keeps their times
    assert sorted(listed) == sorted({os.path.relpath(p, out) for p in [out, *out.rglob("*")] if p.is_dir()})
    time.sleep(0.03)
    (out / "customers" / customers[2].name / "stray.html").write_text("put here by hand")
    note.write_text(note.read_text() + "\nAnother line.\n")
    listed.clear()
    assert build(root, out).ok
    monkeypatch.setattr(os, "scandir", real)
    same(tree(out), cold(root))
    assert f"customers/{customers[2].name}" in listed
    assert f"customers/{customers[1].name}" not in listed
    assert len(listed) <= 5, listed  # of 60 customers' folders and a dozen others


@pytest.mark.skipif(not parallel_can_fork(), reason="needs fork (the look is taken by a worker)")
@pytest.mark.parametrize("change", ["page rewritten", "page deleted", "file put in", "folder put in",
                                    "edited customer's folder linked out", "written folder removed"])
def test_what_changes_in_the_site_after_the_look_is_put_right_by_the_next_build(synthetic, tmp_path, trusting,
                                                                                 monkeypatch, change):
    """The worker's look at the last write (`write.observe`) is older than the build's use of
    it. A page changed in between is kept on the look's word but recorded as the last write
    left it, so the next build, seeing it differ, makes it again. What the build writes is
    never led by the look: the prune asks each folder itself, so a link put in the site in
    between is removed before anything is written (not written through, out of the site), and
    a folder removed in between is no error."""
    from playbook import write
    monkeypatch.setattr(write, "FOLDER_RACY_NS", 0)
    monkeypatch.setattr(build_module, "OBSERVE_MIN_FILES", 0)
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    customers = sorted((root / "content" / "customers").iterdir())
    note = lambda i: sorted(customers[i].glob("interactions/*.md"))[-1]  # noqa: E731
    assert build(root, out).ok
    note(0).write_text(note(0).read_text() + "\nA line.\n")
    assert build(root, out).ok  # in place: every folder's times kept for the next (but customer 0's)
    time.sleep(0.03)  # past the file system's clock tick: later changes move the times
    quiet = out / "customers" / customers[2].name
    edited = out / "customers" / customers[1].name
    elsewhere = tmp_path / "elsewhere"
    looked = build_module._observe_task

    def then_changed(share):
        seen = looked(share)
        page = quiet / "index.html"
        if change == "page rewritten":  # keeping its size: only its time tells
            page.write_bytes(page.read_bytes().replace(b"<title>", b"<TITLE>", 1))
        elif change == "page deleted":
            page.unlink()
        elif change == "file put in":
            (quiet / "stray.html").write_text("put here by hand")
        elif change == "folder put in":
            (quiet / "stray").mkdir()
        elif change == "written folder removed":
            shutil.rmtree(out / "customers" / customers[0].name)
        else:
            os.rename(edited, elsewhere)
            os.symlink(elsewhere, edited)
        return seen
    monkeypatch.setattr(build_module, "_observe_task", then_changed)
    note(1).write_text(note(1).read_text() + "\nAnother line.\n")
    before = tree(edited)  # (the look runs in a forked worker: its changes are made there)
    assert build(root, out).ok
    if change == "edited customer's folder linked out":
        assert not edited.is_symlink()
        assert before and tree(elsewhere) == before  # nothing written through the link
    monkeypatch.setattr(build_module, "_observe_task", looked)
    assert build(root, out).ok
    same(tree(out), cold(root))
    assert not (quiet / "stray").exists() and not (quiet / "stray.html").exists()
    assert build(root, out).unchanged


@pytest.mark.skipif(not parallel_can_fork(), reason="needs fork (the look is taken by a worker)")
@pytest.mark.parametrize("how", ["raises", "dies"])
def test_a_build_whose_look_at_the_site_fails_asks_each_file_itself(synthetic, tmp_path, trusting, monkeypatch, how):
    """The worker's look (`write.observe`) only saves time: when it fails, the build still
    makes exactly the cold build's site, the site's own changes by hand seen."""
    monkeypatch.setattr(build_module, "OBSERVE_MIN_FILES", 0)
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    customers = sorted((root / "content" / "customers").iterdir())
    assert build(root, out).ok

    def failing(share):
        if how == "raises":
            raise OSError("the look failed")
        os._exit(1)  # as if killed
    monkeypatch.setattr(build_module, "_observe_task", failing)
    note = sorted(customers[0].glob("interactions/*.md"))[-1]
    note.write_text(note.read_text() + "\nA line.\n")
    page = out / "customers" / customers[2].name / "index.html"
    page.write_bytes(page.read_bytes().replace(b"<title>", b"<TITLE>", 1))
    report = build(root, out)
    assert report.ok, report.problems
    same(tree(out), cold(root))


@pytest.mark.parametrize("how", ["build", "serve"])
def test_a_linked_folder_of_an_unchanged_customer_is_replaced_by_its_pages(synthetic, tmp_path, trusting, observing, how):
    """A customer's folder in the site replaced by a link to a copy of itself (times kept):
    its files look as written through the link, but must not be kept through it (the link is
    removed, and the pages with it), nor may `serve` write or delete through it."""
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    session = Session(root, out) if how == "serve" else None
    assert (session.rebuild() if session else build(root, out)).ok
    customers = sorted((root / "content" / "customers").iterdir())
    quiet = out / "customers" / customers[1].name
    outside = tmp_path / "outside"
    shutil.copytree(quiet, outside / "folder")  # copy2: same sizes and modification times
    (outside / "folder" / "stray.html").write_text("not Playbook's\n")
    (outside / "page.html").write_bytes((out / "index.html").read_bytes())
    (outside / "scratch.html").write_text("not Playbook's either\n")
    before = tree(outside)
    shutil.rmtree(quiet)
    quiet.symlink_to(outside / "folder", target_is_directory=True)
    (out / "index.html").unlink()  # the home page changes with the edit: written, not through
    (out / "index.html").symlink_to(outside / "page.html")
    (out / ".index.html.tmp").symlink_to(outside / "scratch.html")  # where serve stages it
    note = sorted(customers[0].glob("interactions/*.md"))[-1]
    note.write_text(note.read_text() + "\nAnother line.\n")
    if session:  # a rename of the linked customer too: serve deletes its old pages
        customers[1].rename(customers[1].with_name(customers[1].name + "-renamed"))
    assert (session.rebuild() if session else build(root, out)).ok
    assert tree(outside) == before
    same(tree(out), cold(root))
    assert not [p for p in out.rglob("*") if p.is_symlink()]
    if session:
        session.close()


def test_a_linked_templates_folder_is_followed(synthetic, tmp_path, trusting):
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    (root / "brand").mkdir()
    (root / "brand" / "team.css").write_text("body { color: navy; }\n")
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "assets").symlink_to("../brand")
    assert build(root, out).ok
    assert (out / "assets" / "team.css").read_text() == "body { color: navy; }\n"
    (root / "brand" / "team.css").write_text("body { color: teal; }\n")
    report = build(root, out)
    assert not report.unchanged
    assert (out / "assets" / "team.css").read_text() == "body { color: teal; }\n"


def test_a_config_saved_during_a_build_is_not_mistaken_for_the_one_parsed(synthetic, tmp_path, trusting,
                                                                         monkeypatch):
    import playbook.build as build_module
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    cfg = root / "playbook.yaml"
    original = build_module.read_git

    def saving_meanwhile(r):  # the config is saved after it was parsed, before the build ends
        cfg.write_text(cfg.read_text().replace("title: Synthetic Playbook (benchmark)", "title: Saved Meanwhile"))
        return original(r)

    monkeypatch.setattr(build_module, "read_git", saving_meanwhile)
    assert build(root, out).ok
    monkeypatch.setattr(build_module, "read_git", original)
    report = build(root, out)
    assert not report.unchanged
    same(tree(out), cold(root))
    assert b"Saved Meanwhile" in (out / "index.html").read_bytes()


def test_serve_writes_the_edited_customers_pages_before_the_files_over_all_customers(synthetic, tmp_path,
                                                                                     trusting, monkeypatch):
    """The page someone just edited is on disk first (after the styles and scripts it loads):
    before the other customers' files are checked on disk, and before the export, search
    index, home page and lists are made (at 10,000 customers they take a second); `serve`'s
    live reload is told then. The site ends as a cold build's. (The rebuild's own order, for
    the saves whose pages are not written ahead of it: test_early.py.)"""
    from playbook import early, write
    monkeypatch.setattr(early, "EARLY_MAX", 0)
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    session = Session(root, out)
    assert session.rebuild().ok
    order: list[str] = []
    add, has = write.SyncWriter.add, write.Writer.has
    monkeypatch.setattr(write.SyncWriter, "add",
                        lambda self, rel, k, data: (order.append(rel) if data is not None else None,
                                                    add(self, rel, k, data)))
    monkeypatch.setattr(write.Writer, "has", lambda self, rel, k: (order.append(f"has {rel}"), has(self, rel, k))[1])
    told: list[tuple[str, ...]] = []
    session.carried.announce = lambda rels: (told.append(rels), order.append("announce"))
    customer = sorted((root / "content" / "customers").iterdir())[2]
    note = sorted(customer.glob("interactions/*.md"))[-1]
    note.write_text(note.read_text() + "\nThey asked for a second quote by Friday.\n")
    assert session.rebuild({note}).ok
    page = f"customers/{customer.name}/index.html"
    assert page in order
    # What the reloaded page loads: written, or found on disk as written.
    styles = [rel for rel in order if rel.startswith(("assets/", "has assets/"))]
    others = [rel for rel in order if not rel.startswith((f"customers/{customer.name}/", "assets/", "has assets/"))]
    assert styles and "playbook.json" in others and any(rel.startswith("has customers/") for rel in others), others
    assert max(map(order.index, styles)) < order.index(page) < order.index("announce") \
        < min(order.index(rel) for rel in others if rel != "announce")
    assert len(told) == 1 and page in told[0]  # serve reloads its tabs then
    same(tree(out), cold(root))
    session.close()


def test_serve_frees_what_a_rebuild_replaces_only_once_the_edited_page_is_written(synthetic, tmp_path, trusting,
                                                                                   monkeypatch):
    """Freeing the last rebuild's record of memo keys and its signatures (tens of thousands of
    objects at 10,000 customers) came before the edited page, and after a pause between saves
    each object was a read of memory gone cold: the page took 228 ms instead of 61 ms in process.
    They are kept until the rebuild is written, then freed; the site is a cold build's."""
    from playbook import write
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    session = Session(root, out)
    assert session.rebuild().ok
    last_used, last_sigs = session.memo.used, session.sigs
    assert last_used and last_sigs[1] and session.memo.spent == {} and session.spent == []
    customer = sorted((root / "content" / "customers").iterdir())[1]
    page = f"customers/{customer.name}/index.html"
    held: list[bool] = []
    add = write.SyncWriter.add

    def adding(self, rel, k, data):
        if rel == page:  # still alive, and not the collector's to free, as the page goes out
            # (written ahead of the rebuild, early.py, and found as written by the rebuild)
            held.append(session.memo.spent is last_used
                        and (session.sigs is last_sigs or any(s is last_sigs for s in session.spent)))
        return add(self, rel, k, data)
    monkeypatch.setattr(write.SyncWriter, "add", adding)
    note = sorted(customer.glob("interactions/*.md"))[-1]
    note.write_text(note.read_text() + "\nThey asked for a second quote by Friday.\n")
    assert session.rebuild({note}).ok
    assert held and all(held)
    assert session.memo.spent == {} and session.spent == []   # freed once written
    assert session.memo.used is not last_used and session.sigs is not last_sigs
    same(tree(out), cold(root))
    session.close()


def test_a_large_books_signatures_taken_by_workers_are_the_ones_taken_in_one_process(synthetic, tmp_path,
                                                                                       monkeypatch):
    from playbook.folders import customer_folders
    root = fresh(synthetic, tmp_path)
    folders = customer_folders(root, [])
    monkeypatch.setattr(manifest, "RACY_NS", 0)
    one = manifest.signatures(folders, "salt", jobs=1)
    monkeypatch.setattr(manifest, "PARALLEL_MIN_FOLDERS", 2)
    monkeypatch.setattr("playbook.parallel.CHUNK", 1)  # several chunks, several workers
    assert manifest.signatures(folders, "salt", jobs=2) == one
    assert len(set(one.values())) == len(folders) > 2 and None not in one.values()


@pytest.fixture(params=[1, 2])
def analysing(request, monkeypatch):
    """A first build's analysis in this process, or by forked workers (forced at any size)."""
    if request.param == 2:
        if not parallel_can_fork():
            pytest.skip("needs fork (the folders are analysed by workers)")
        monkeypatch.setattr("playbook.units.PARALLEL_MIN_FILES", 0)
        monkeypatch.setattr("playbook.parallel.CHUNK", 1)
    return request.param


def test_a_first_builds_signatures_taken_as_it_reads_are_the_ones_a_pass_would_take(synthetic, tmp_path,
                                                                                    trusting, analysing, monkeypatch):
    """The signatures a first build takes: the next build finds every folder as it was and
    reads none, whether the first analysed in this process or in workers."""
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    assert build(root, out, jobs=analysing).ok
    import playbook.units as units
    read = []
    original = units.read_folder
    monkeypatch.setattr(units, "read_folder", lambda *a, **k: read.append(a[0]) or original(*a, **k))
    again = build(root, out, jobs=analysing)
    assert again.unchanged and read == []


def test_a_note_saved_while_a_first_build_reads_its_folder_is_read_by_the_next(synthetic, tmp_path, trusting,
                                                                                analysing, monkeypatch):
    """The signatures a first build takes trust no file saved after the build began: a note
    saved while its folder is read is read again by the next build. Taken after the read against
    a later clock, the new times would stand beside the old bytes, and the next build would keep
    the old text: a silently wrong site. (Taking them as each folder is read, instead of in a
    pass before the analysis, was tried: no quicker in an interleaved run, so not kept.)"""
    import playbook.units as units
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    folder = sorted((root / "content" / "customers").iterdir())[3]
    note = sorted((folder / "interactions").glob("*.md"))[0]
    original = units.read_folder

    def saving_meanwhile(f, *a, **k):
        if f.name == folder.name and b"Saved Meanwhile" not in note.read_bytes():
            note.write_text(note.read_text() + "\nSaved Meanwhile.\n")
        return original(f, *a, **k)

    monkeypatch.setattr(units, "read_folder", saving_meanwhile)
    assert build(root, out, jobs=analysing).ok
    monkeypatch.setattr(units, "read_folder", original)
    report = build(root, out, jobs=analysing)
    assert not report.unchanged
    same(tree(out), cold(root))
    assert b"Saved Meanwhile" in (out / "customers" / folder.name / "index.html").read_bytes()


#: The folder whose signature waits (`_late_sign`), and for which file. Set before the
#: workers are forked, which inherit it.
_LATE: dict = {}


def _late_sign(folder, share):
    """A folder's signature, slowly; the last folder's only once `_LATE`'s file is there (the
    build has read every unit ahead), so the workers are still at it, whatever the load."""
    time.sleep(0.005)
    if folder[0].name == _LATE.get("name"):
        for _ in range(3000):
            if _LATE["flag"].exists():
                break
            time.sleep(0.01)
    return manifest.signature(folder[0], folder[1], share["salt"], share["now"])


@pytest.mark.skipif(not parallel_can_fork(), reason="needs fork (the signatures are taken by workers)")
def test_once_a_folder_is_seen_changed_the_others_units_are_read_while_workers_take_signatures(
        synthetic, tmp_path, trusting, monkeypatch):
    """A large book's signatures are taken by workers (forced here, and slowed): once one
    differs from the last build's, this process reads back the units of the folders as then
    (units.read_ahead) and the build takes those whose folder is still so, not read again;
    the changed folder's old unit is not taken, and the sweep removes its entries. Nothing
    is read ahead when nothing changed, when the change is only seen with the last
    signature, or when most signatures differ (a new playbook.yaml: none could be taken)."""
    from playbook import units as units_module
    monkeypatch.setattr(manifest, "PARALLEL_MIN_FOLDERS", 2)
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    assert build(root, out, jobs=2).ok
    monkeypatch.setattr(manifest, "_sign_task", _late_sign)
    read: dict[str, object] = {}
    real_ahead, real_gather = units_module.read_ahead, units_module.gather
    flag = tmp_path / "all-read"

    def reading(last, inp, memo, into):
        for step in real_ahead(last, inp, memo, into):
            read.update(into)
            yield step
        flag.touch()
    taken: list = []

    def gathering(folders, units):
        taken[:] = units
        return real_gather(folders, units)
    monkeypatch.setattr(units_module, "read_ahead", reading)
    monkeypatch.setattr(units_module, "gather", gathering)
    assert build(root, out, jobs=2).unchanged and not read
    customers = sorted(p.name for p in (root / "content" / "customers").iterdir())

    def edit(slug: str) -> None:
        note = sorted((root / "content" / "customers" / slug).glob("interactions/*.md"))[-1]
        note.write_text(note.read_text() + "\nThey asked for the renewal quote by Friday.\n")
    edit(customers[-1])  # seen with the last signature: nothing is left to do meanwhile
    assert build(root, out, jobs=2).ok and not read
    config = root / "playbook.yaml"
    config.write_text(config.read_text() + "\n# a comment: every folder's signature changes\n")
    assert build(root, out, jobs=2).ok and not read
    monkeypatch.setitem(_LATE, "name", customers[-1])
    monkeypatch.setitem(_LATE, "flag", flag)
    edited = customers[1]  # in the first chunk: the rest is read while the workers go on
    edit(edited)
    report = build(root, out, jobs=2)
    assert report.ok and not report.unchanged
    assert sorted(read) == customers  # every folder as last built, the edited one's too
    by_slug = {u.slug: u for u in taken}
    assert all(by_slug[c] is read[c] for c in customers if c != edited)
    old = read[edited]
    assert by_slug[edited] is not old and by_slug[edited].pkey != old.pkey
    store = root / CACHE_DIR
    assert not list(store.rglob(old.akey)), "the edited folder's old entries were kept"
    assert list(store.rglob(by_slug[customers[0]].akey))
    same(tree(out), cold(root))


def test_serve_keeps_its_model_out_of_the_collectors_sight_and_its_garbage_in_it(synthetic, tmp_path, monkeypatch):
    """After a rebuild, what `serve` keeps is frozen (a collection in the next rebuild looks only
    at what it makes; a full one at 10,000 customers took half a second), the rebuild's own
    cyclic garbage is collected rather than frozen, and every SWEEP_EVERY rebuilds a cycle
    kept then dropped is collected too. Closing the session unfreezes."""
    import gc
    import weakref
    from playbook import build as build_module

    class Node:
        pass

    root = fresh(synthetic, tmp_path)
    session = Session(root, tmp_path / "site")
    held: list[Node] = []
    made: list[weakref.ref] = []
    run = build_module.run

    def run_making_cycles(*args, **kwargs):
        garbage, kept = Node(), Node()
        garbage.me, kept.me = garbage, kept  # two cycles: one dropped now, one kept by the session
        made.append(weakref.ref(garbage))
        held.append(kept)
        return run(*args, **kwargs)
    monkeypatch.setattr(build_module, "run", run_making_cycles)
    monkeypatch.setattr(build_module, "SWEEP_EVERY", 3)
    gc.unfreeze()
    try:
        assert session.rebuild().ok
        assert made[0]() is None  # this rebuild's garbage: collected
        assert gc.get_freeze_count() > 10_000  # the model: frozen
        kept = weakref.ref(held.pop())
        assert session.rebuild().ok and kept() is not None  # dropped, but frozen: not collected yet
        assert session.rebuild().ok and kept() is None  # the third rebuild collects everything
    finally:
        session.close()
    assert gc.get_freeze_count() == 0


def test_a_build_freezes_the_units_it_reads_back_until_it_returns(synthetic, tmp_path, trusting, monkeypatch):
    """The units a build reads back from the memo live to its end: they are out of the
    collector's sight while it makes the site (at 10,000 customers its collections walked a
    million of their objects), the edited customer's unit, made in this build, is not, and
    when the build returns they are the collector's again. Objects a caller froze before
    the build stay frozen."""
    import gc
    from playbook import units as units_module
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    assert build(root, out).ok
    customers = sorted((root / "content" / "customers").iterdir())
    seen: list[tuple[bool, ...]] = []
    gather = units_module.gather

    def looking(folders, units):  # run just after the units are read back and the edit analysed
        young = {id(o) for o in gc.get_objects()}  # the collector's generations, not the frozen
        seen.append(tuple(id(u) in young for u in units))
        return gather(folders, units)
    monkeypatch.setattr(units_module, "gather", looking)
    note = sorted(customers[0].glob("interactions/*.md"))[-1]
    note.write_text(note.read_text() + "\nA line added.\n")
    gc.unfreeze()
    assert build(root, out).ok
    assert seen[-1] == (True, *[False] * (len(customers) - 1))
    assert gc.get_freeze_count() == 0
    theirs = [object()]  # a container the collector tracks
    gc.freeze()
    try:
        note.write_text(note.read_text() + "\nAnother line.\n")
        assert build(root, out).ok
        # Still frozen. (Not a count: objects frozen may die meanwhile, as a cache's entries do.)
        assert gc.get_freeze_count() > 0 and not any(o is theirs for o in gc.get_objects())
    finally:
        gc.unfreeze()
    same(tree(out), cold(root))


@pytest.fixture
def splitting(monkeypatch):
    """Every build that makes few customers' pages makes the exports in a forked worker
    (site_files.split_ok), however small the book; the calls are counted."""
    from playbook import parallel, site_files
    monkeypatch.setattr(site_files, "SPLIT_MIN_CUSTOMERS", 0)
    calls: list[str] = []
    real = parallel.beside_all

    def counted(fns, meanwhile, **share):
        calls.extend(getattr(fn, "func", fn).__name__ for fn in fns)
        return real(fns, meanwhile, **share)
    monkeypatch.setattr(site_files, "beside_all", counted)
    return calls


@pytest.mark.skipif(not parallel_can_fork(), reason="needs fork (the split is not made without it)")
def test_after_an_edit_the_exports_made_by_a_forked_worker_are_the_cold_builds(synthetic, tmp_path, trusting,
                                                                                splitting):
    """A build after an edit makes playbook.json and the search index each in a forked worker
    while it makes each customer's JSON and the pages. The site is a cold build's; the manifest
    names the workers' files as written (the next build finds nothing changed) and the sweep
    keeps the memo entries the workers used (the next export copies the unchanged customers
    from the file as written, reading the layout it memoised)."""
    from playbook.memo import Memo
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    assert build(root, out, jobs=2).ok
    assert splitting == []  # a first build makes every customer's pages: no split
    note = sorted(sorted((root / "content" / "customers").iterdir())[3].glob("interactions/*.md"))[-1]
    other = sorted((root / "content" / "customers").iterdir())[0].name
    files = ("playbook.json", f"customers/{note.parents[1].name}/index.json", f"customers/{other}/index.json")
    for line in ("A line added.", "Another line."):
        note.write_text(note.read_text() + f"\n{line}\n")
        inodes = [(out / f).stat().st_ino for f in files]
        report = build(root, out, jobs=2)
        assert report.ok and not report.unchanged and splitting == ["_exports_task", "_exports_task"]
        splitting.clear()
        same(tree(out), cold(root))
        # Written by the worker and moved in: the export and this customer's JSON; another
        # customer's JSON is kept, the very file.
        assert [(out / f).stat().st_ino == i for f, i in zip(files, inodes)] == [False, False, True]
        memo = Memo(root)
        last = manifest.read(memo, out, None)
        assert os.path.exists(memo._path("json", last.written.files["playbook.json"][0]))
        # ... and the one it copied from; older ones are swept (the worker's use is the build's).
        assert len([e for d in (memo.dir / "json").iterdir() for e in d.iterdir()]) == 2
    again = build(root, out, jobs=2)
    assert again.ok and again.unchanged and splitting == []


@pytest.mark.skipif(not parallel_can_fork(), reason="needs fork (the split is not made without it)")
@pytest.mark.parametrize("failing", ["playbook.json", "search"])
def test_a_forked_worker_that_fails_leaves_the_last_site_as_it_was(synthetic, tmp_path, trusting, splitting,
                                                                   monkeypatch, failing):
    """An error in either worker making the exports (playbook.json, the search index) fails
    the build, after the pages made meanwhile, and the site stays the last build's, every
    file of it; the next build makes a cold build's site."""
    from playbook import site_files
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    assert build(root, out, jobs=2).ok
    before = tree(out)
    owner, name = (site_files, "_export") if failing == "playbook.json" else (site_files.search_shards, "files")
    real = getattr(owner, name)

    def fails(*args, **kwargs):
        raise RuntimeError("the export failed")
    monkeypatch.setattr(owner, name, fails)
    note = sorted(sorted((root / "content" / "customers").iterdir())[3].glob("interactions/*.md"))[-1]
    note.write_text(note.read_text() + "\nA line added.\n")
    with pytest.raises(RuntimeError, match="the export failed"):
        build(root, out, jobs=2)
    assert splitting == ["_exports_task", "_exports_task"]
    same(tree(out), before)
    monkeypatch.setattr(owner, name, real)
    assert build(root, out, jobs=2).ok
    same(tree(out), cold(root))


def test_serve_uses_the_manifest_it_wrote_only_while_that_file_is_the_one_on_disk(synthetic, tmp_path, trusting):
    """`serve` keeps the manifest it wrote instead of reading it back; once another build into
    the same folder replaced the file, the file is read again, and the session still makes
    what a cold build makes."""
    from playbook.memo import Memo
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    session = Session(root, out)
    assert session.rebuild().ok
    stat, mine = session.carried.manifest
    memo = Memo(root)
    assert manifest.read(memo, out, (stat, mine)) is mine
    note = next((root / "content" / "customers").glob("*/interactions/*.md"))
    note.write_text(note.read_text() + "\nSeen by another build first.\n")
    assert build(root, out).ok  # another build writes the same folder's manifest
    theirs = manifest.read(memo, out, (stat, mine))
    assert theirs is not mine and theirs.key != mine.key
    assert theirs == manifest.read(memo, out)
    assert session.rebuild({note}).ok
    same(tree(out), cold(root))
    session.close()


def test_serve_lists_the_customers_folder_again_only_when_its_entries_may_have_changed(synthetic, tmp_path,
                                                                                       monkeypatch):
    """`serve` keeps its listing of the customers folder while the folder stats as it did (its
    times move with every entry added, removed or replaced); a change too recent to trust, or a
    link among the entries, means listing it again. Relisted, the folders keep their `Path`s."""
    from playbook import folders, reading
    from playbook.folders import Listing, customer_folders
    root = fresh(synthetic, tmp_path)
    kept = Listing()
    first = customer_folders(root, [], kept, racy_ns=0)
    assert kept.stat is not None and len(first) > 2
    listed = []

    def listing(path):
        listed.append(path)
        return reading.list_folder(path)
    monkeypatch.setattr(folders, "list_folder", listing)
    assert customer_folders(root, [], kept, racy_ns=0) == first and listed == []
    gone = first[0][0]
    shutil.rmtree(gone)
    gone.write_text("now a file\n")
    problems: list = []
    again = customer_folders(root, problems, kept, racy_ns=0)
    assert len(listed) == 1 and again == first[1:] and all(a is b for (a, _), (b, _) in zip(again, first[1:]))
    assert [p.path for p in problems] == [f"content/customers/{gone.name}"]
    kept_problems: list = []
    assert customer_folders(root, kept_problems, kept, racy_ns=0) == again and len(listed) == 1
    assert kept_problems == problems  # the listing's warnings, reported again
    # Changed within the clock tick: listed again next time too.
    assert customer_folders(root, [], Listing(), racy_ns=10**18) == again
    fresh_kept = Listing()
    customer_folders(root, [], fresh_kept, racy_ns=10**18)
    assert fresh_kept.stat is None
    # A link among the entries (its target may change unseen): never kept.
    (root / "content" / "customers" / "zz-linked").symlink_to(again[0][0])
    linked = Listing()
    customer_folders(root, [], linked, racy_ns=0)
    assert linked.stat is None


def test_serve_started_on_a_site_up_to_date_holds_the_model_before_the_first_save(synthetic, tmp_path, trusting,
                                                                                  monkeypatch):
    """`serve` started where `playbook build` just wrote the site writes nothing, but reads the
    units into memory then, not at the first save (at 10,000 customers that save took 2.5 s)."""
    from playbook import memo as memo_module
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    assert build(root, out).ok
    session = Session(root, out)
    try:
        first = session.rebuild()
        assert first.ok and first.written == 0 and first.customers > 5
        read = []
        real = memo_module.Memo.get_pickled
        monkeypatch.setattr(memo_module.Memo, "get_pickled", lambda self, kind, k, *a: read.append(kind) or real(self, kind, k, *a))
        note = sorted((root / "content" / "customers").glob("*/interactions/*.md"))[-1]
        note.write_text(note.read_text() + "\nOne more line.\n")
        assert session.rebuild({note}).ok
        assert "slim" not in read  # every other customer was in memory already
    finally:
        session.close()
    same(tree(out), cold(root), "served")


def test_an_interactions_link_and_its_target_are_in_the_signature(tmp_path):
    """A folder whose `interactions` is a link is signed as linked (a watcher does not see its
    target change), and pointing it elsewhere, at notes just like the first, changes it."""
    root = tmp_path / "book"
    folder = root / "content" / "customers" / "acme"
    folder.mkdir(parents=True)
    (folder / "customer.yaml").write_text("name: Acme\n")
    for side in ("a", "b"):
        (root / "notes" / side).mkdir(parents=True)
        (root / "notes" / side / "2026-01-01-call.md").write_text("---\ntype: call\n---\nHi\n")
    later = time.time_ns() + 10 * manifest.RACY_NS  # every file old enough to trust
    sign = lambda: manifest.signature_and_links(folder, "content/customers/acme", "salt", later)  # noqa: E731
    (folder / "interactions").symlink_to(root / "notes" / "a", target_is_directory=True)
    first, linked = sign()
    assert linked and first is not None
    (folder / "interactions").unlink()
    (folder / "interactions").symlink_to(root / "notes" / "b", target_is_directory=True)
    second, linked = sign()
    assert linked and second not in (None, first)
    (folder / "interactions").unlink()
    shutil.copytree(root / "notes" / "b", folder / "interactions")
    plain, linked = sign()
    assert not linked and plain not in (None, first, second)


@pytest.mark.parametrize("message", ["Plain text.", "A lone surrogate from a YAML escape: \ud800."])
def test_a_manifest_reads_back_as_written_whatever_its_text_holds(tmp_path, message):
    """The manifest is written as MessagePack, and as a pickle when it holds a string that
    MessagePack cannot (a lone surrogate): either way it reads back equal. A payload of
    neither kind, or cut short, reads as no manifest (a full, memoised build), and so does
    a link or a FIFO in its place."""
    from playbook.memo import Memo, header
    from playbook.problems import warning
    from playbook.write import Written
    memo = Memo(tmp_path)
    out = tmp_path / "site"
    made = manifest.Manifest("k" * 40, {"acme": ("s" * 40, "p" * 40)},
                             Written({"index.html": ("h" * 40, 120, 1_700_000_000_000_000_000)},
                                     {"acme": ("g" * 40, ("customers/acme/index.html",))}, {"": (1, 2, 3, 1)}),
                             (warning("content/customers/acme/customer.yaml", 3, 1, message),), 1, {"acme": "a" * 40})
    assert manifest.write(memo, out, made) is not None
    assert manifest.read(memo, out) == made
    target = memo.dir / "manifest" / manifest._name(out)
    payload = target.read_bytes().split(b"\n", 1)[1]
    assert payload[:1] == (b"M" if message.isascii() else b"P")
    for damaged in (b"X" + payload[1:], payload[:len(payload) // 2]):
        target.write_bytes(header(damaged, target.name) + damaged)
        assert manifest.read(memo, out) is None

    # The very manifest, whole, linked into its place from outside the store: not followed.
    # A FIFO there is not waited on.
    whole = header(payload, target.name) + payload
    (tmp_path / "elsewhere").write_bytes(whole)
    target.unlink()
    target.symlink_to(tmp_path / "elsewhere")
    assert manifest.read(memo, out) is None
    target.unlink()
    target.write_bytes(whole)
    assert manifest.read(memo, out) == made
    if hasattr(os, "mkfifo"):
        target.unlink()
        os.mkfifo(target)
        assert manifest.read(memo, out) is None


@pytest.mark.parametrize("swap", ["swapped", "linked"])
def test_a_build_frees_the_old_bytes_of_what_it_replaced_beside_its_end_and_waits(synthetic, tmp_path,
                                                                                   monkeypatch, swap):
    """A file replaced in place whose old bytes are many (playbook.json) is swapped with the
    new one (`write.exchange`), or where that cannot be, linked into the scratch folder and
    replaced; a thread removes the scratch folder while the build writes its manifest. The
    build returns only once that is done: no thread left, no scratch folder, the site as a
    cold build makes it."""
    import threading

    from playbook import scratch
    write = importlib.import_module("playbook.write")
    monkeypatch.setattr(write, "FREE_LATER_BYTES", 0)  # every file replaced goes that way
    swaps, real_exchange = [], write.exchange
    if swap == "linked":
        monkeypatch.setattr(write, "exchange", lambda src, dst: False)
    elif write._renameat2() is None:
        pytest.skip("no renameat2 here")
    else:
        monkeypatch.setattr(write, "exchange", lambda src, dst: swaps.append(real_exchange(src, dst)) or swaps[-1])
    removing = write.TreeWriter._remove_scratch

    def slow_remove(self):
        time.sleep(0.3)  # a thread not waited for would still be running at the build's return
        removing(self)
    monkeypatch.setattr(write.TreeWriter, "_remove_scratch", slow_remove)
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    assert build(root, out).ok
    before = {p: p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    note = sorted((root / "content" / "customers").glob("*/interactions/*.md"))[0]
    note.write_text(note.read_text() + "\nOne more line.\n")
    assert build(root, out).ok
    replaced = [p for p, ino in before.items() if p.is_file() and p.stat().st_ino != ino]
    assert out / "playbook.json" in replaced
    assert swaps == ([True] * len(replaced) if swap == "swapped" else [])
    assert not [t for t in threading.enumerate() if t.name == "playbook-free"], "the build returned before it"
    home = out.parent / scratch.HOME
    assert not home.exists() or not any(home.iterdir())
    same(tree(out), cold(root))


def test_exchange_swaps_two_files_or_moves_nothing(tmp_path):
    write = importlib.import_module("playbook.write")
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"new")
    assert not write.exchange(a, tmp_path / "missing")
    assert a.read_bytes() == b"new" and not (tmp_path / "missing").exists()
    b.write_bytes(b"old")
    if write._renameat2() is None:
        assert not write.exchange(a, b)
        return
    assert write.exchange(a, b)
    assert (a.read_bytes(), b.read_bytes()) == (b"old", b"new")
