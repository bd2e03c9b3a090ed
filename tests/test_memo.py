"""The memo: entries named by the digest of their inputs, written once, checked on reading,
swept when unused; a damaged store is never trusted; and the build's invariant that every
customer folder yields a customer or an error."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pytest

from builds import cold, fresh, same, synthetic_playbook
from helpers import tree
from playbook import units
from playbook.build import build
from playbook.memo import CACHE_DIR, FIRST_READ, FORMAT, Memo, header, key, payload_of
from playbook.outputs import json_out


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    return synthetic_playbook(tmp_path_factory.mktemp("synthetic"))


def entries(root: Path) -> list[Path]:
    return sorted(p for p in (root / CACHE_DIR).rglob("*") if p.is_file() and "manifest" not in p.parts)


def test_an_entry_is_written_once_and_found_only_by_its_own_key(tmp_path):
    memo = Memo(tmp_path)
    k = key("step", "input a")
    memo.put("kind", k, {"value": 1})
    memo.put("kind", k, {"value": 2})  # a second value under the same name is never stored
    assert Memo(tmp_path).get("kind", k) == {"value": 1}
    assert Memo(tmp_path).get("kind", key("step", "input b")) is None
    near = k[:-1] + ("1" if k[-1] == "0" else "0")
    assert Memo(tmp_path).get("kind", near) is None  # no prefix or near matches
    assert key("step", "a", "bc") != key("step", "ab", "c")  # parts cannot run together


def test_an_entry_is_written_again_after_its_folder_was_removed_by_hand(tmp_path):
    """The memo remembers which folders it made (one mkdir per folder, not per entry); one
    removed since is made again by the next write after the one that finds it gone."""
    import shutil
    memo = Memo(tmp_path)
    memo.put("kind", "a" * 40, 1)
    shutil.rmtree(memo.dir / "kind")
    memo.put("kind", "a" + "b" * 39, 2)  # finds the folder gone: not stored, and no error
    memo.put("kind", "a" + "c" * 39, 3)
    assert Memo(tmp_path).get("kind", "a" + "c" * 39) == 3
    assert [p.name for p in (memo.dir / "kind").rglob("*") if p.is_file()] == ["a" + "c" * 39]  # nothing beside it


@pytest.mark.parametrize("size", [0, 100, FIRST_READ - 200, FIRST_READ, 3 * FIRST_READ + 5, 5 * 2**20])
def test_an_entry_of_any_size_reads_back_whole(tmp_path, size):
    """An entry is read with one `read` of FIRST_READ bytes first: one around that size or
    many times it reads back whole."""
    memo = Memo(tmp_path)
    k = key("step", str(size))
    value = os.urandom(size)
    memo.put("kind", k, value)
    assert Memo(tmp_path).get("kind", k) == value


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_or_a_link_in_an_entrys_place_is_a_miss_and_never_waited_on(tmp_path):
    """Something put in an entry's place by hand is never trusted: a FIFO is not waited on
    (it is removed as a damaged entry), a link is not followed, not even to a good entry."""
    memo = Memo(tmp_path / "book")
    fifo, linked = key("step", "fifo"), key("step", "linked")
    for k in (fifo, linked):
        memo.put("kind", k, {"value": 2})
    # The very entry, whole, but outside the store and linked into its place.
    elsewhere = tmp_path / "elsewhere"
    os.replace(memo._path("kind", linked), elsewhere)
    os.symlink(elsewhere, memo._path("kind", linked))
    os.unlink(memo._path("kind", fifo))
    os.mkfifo(memo._path("kind", fifo))
    assert Memo(tmp_path / "book").get("kind", fifo) is None  # at once: no writer is waited for
    assert not os.path.lexists(memo._path("kind", fifo))
    assert Memo(tmp_path / "book").get("kind", linked) is None
    assert elsewhere.exists()


def test_an_entry_cut_short_is_a_miss_removed_when_read_and_then_written_again(tmp_path, monkeypatch):
    """Entries are written under their own name (no temporary file linked into place): one
    cut short, by a writer killed or one still writing, is a miss, never a value; reading it
    removes it, so the next put stores the entry rather than finding its name taken. A write
    that fails leaves no entry behind, and nothing else is left in the folder."""
    from playbook import memo as memo_module
    memo = Memo(tmp_path)
    k = key("step", "cut short")
    memo.put("kind", k, {"value": list(range(1000))})
    path = Path(memo._path("kind", k))
    whole = path.read_bytes()
    for cut in (0, 10, len(whole) // 2, len(whole) - 1):
        path.write_bytes(whole[:cut])
        memo.put("kind", k, {"value": "other"})  # the name is taken: nothing written
        assert path.read_bytes() == whole[:cut]
        assert Memo(tmp_path).get("kind", k) is None and not path.exists()
        memo.put("kind", k, {"value": list(range(1000))})
        assert path.read_bytes() == whole and Memo(tmp_path).get("kind", k) == {"value": list(range(1000))}

    k2 = key("step", "fails to write")

    def failing(payload: bytes, name: str) -> bytes:  # called once the entry's file is made
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(memo_module, "header", failing)
    memo.put_pickled("kind", k2, b"payload")
    monkeypatch.undo()
    assert not Path(memo._path("kind", k2)).exists()
    assert sorted(p.name for p in (memo.dir / "kind").rglob("*") if p.is_file()) == [k]


def test_the_libraries_versions_are_read_as_their_installers_recorded_them(tmp_path, monkeypatch):
    """The store's name holds each library's version, read from the name of its install
    record beside the package: the same as importlib.metadata says, for each library; and
    a library installed some other way is asked of importlib.metadata."""
    import sys
    from importlib.metadata import version
    from playbook.memo import LIBRARIES, installed_version
    for name, module in LIBRARIES:
        assert installed_version(name, module) == version(name)
    site = tmp_path / "site"
    (site / "fake_lib").mkdir(parents=True)
    (site / "fake_lib" / "__init__.py").write_text("")
    (site / "Fake_Lib-1.2.3.dist-info").mkdir()  # as an older installer spelt it
    (site / "fake_lib_extras-9.0.dist-info").mkdir()  # another distribution, not a version
    monkeypatch.syspath_prepend(str(site))
    assert installed_version("fake-lib", "fake_lib") == "1.2.3"
    (site / "fake_lib-1.2.4.dist-info").mkdir()  # two records: importlib.metadata decides
    (site / "fake_lib-1.2.4.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-lib\nVersion: 1.2.4\n")
    assert installed_version("fake-lib", "fake_lib") == version("fake-lib")
    assert installed_version("no-such-lib", "no_such_lib") == "-"
    assert "fake_lib" not in sys.modules  # found, never imported


def test_the_header_checks_key_length_and_crc():
    payload = b"some pickled bytes"
    data = header(payload, "k1") + payload
    assert payload_of(data, "k1") == payload
    assert payload_of(data, "k2") is None
    assert payload_of(data[:-1], "k1") is None
    flipped = data[:-3] + bytes([data[-3] ^ 1]) + data[-2:]
    assert payload_of(flipped, "k1") is None
    assert payload_of(b"", "k1") is None


def test_sweep_keeps_what_the_build_used(tmp_path):
    memo = Memo(tmp_path, memory=True)
    memo.put("kind", "a" * 40, 1)
    memo.put("kind", "b" * 40, 2)
    memo.begin()
    assert memo.get("kind", "a" * 40) == 1
    memo.sweep(("kind",))
    fresh_memo = Memo(tmp_path)
    assert fresh_memo.get("kind", "a" * 40) == 1 and fresh_memo.get("kind", "b" * 40) is None
    assert ("kind", "b" * 40) not in memo.mem


def test_a_long_lived_memo_sweeps_what_others_wrote_since_it_last_listed(tmp_path):
    """`serve` sweeps after every rebuild and lists again only the folders whose time moved:
    an entry another process (a worker, a build) wrote into a folder it listed is still
    swept, and what a build used is never removed."""
    memo = Memo(tmp_path, memory=True)
    used, others = "ab" + "1" * 38, ["ab" + c * 38 for c in "23"]
    memo.put("kind", used, 1)
    memo.begin()
    memo.get("kind", used)
    memo.sweep(("kind",))  # listed: one entry
    shard = Path(memo._path("kind", used)).parent
    st = shard.stat()
    for k in others:
        Memo(tmp_path).put("kind", k, 2)
    # As a clock tick later (a coarse file-system clock may not have moved yet).
    os.utime(shard, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))
    memo.begin()
    memo.get("kind", used)
    memo.sweep(("kind",))
    assert sorted(os.listdir(shard)) == [used]
    for _ in range(2):  # listed again and nothing new: the same
        memo.begin()
        memo.get("kind", used)
        memo.sweep(("kind",))
    assert sorted(os.listdir(shard)) == [used] and Memo(tmp_path).get("kind", used) == 1


def test_a_scratch_memo_writes_only_the_kinds_it_is_given(tmp_path):
    memo = Memo(tmp_path, kinds=frozenset({"analyse"}))
    memo.put("analyse", "a" * 40, 1)
    memo.put("pages", "b" * 40, 2)
    assert Memo(tmp_path).get("analyse", "a" * 40) == 1
    assert memo.dir is not None and not (memo.dir / "pages").exists()


def test_sweep_leaves_a_kind_the_build_never_asked_for(tmp_path):
    """`serve` keeps the search shards in memory and never asks for the plain build's "shard"
    entries: a serve between two builds must not empty them (it did, and so the differential
    walk, which runs both on one playbook, never tested a warm build's shard memo)."""
    memo = Memo(tmp_path)
    memo.put("shard", "a" * 40, 1)
    memo.put("page", "c" * 40, 3)
    memo.begin()
    memo.get("page", "d" * 40)
    memo.sweep(("shard", "page"))
    assert Memo(tmp_path).get("shard", "a" * 40) == 1
    assert Memo(tmp_path).get("page", "c" * 40) is None


def test_each_tool_keeps_its_own_store_until_nobody_holds_it(tmp_path, monkeypatch):
    """A `serve` of an older Playbook left running beside a newer one's builds: neither sweeps
    the other's entries (else each build analyses everything again); once the old one stops,
    the next build removes its store, and a store of an older format at once."""
    from playbook import memo as memo_module

    def tool(digit: str) -> None:
        monkeypatch.setattr(memo_module, "tool_digest", lambda: digit * 40)

    (tmp_path / CACHE_DIR / f"v{FORMAT - 1}" / "parse").mkdir(parents=True)
    tool("1")
    old = Memo(tmp_path, memory=True)
    old.hold()
    assert not (tmp_path / CACHE_DIR / f"v{FORMAT - 1}").exists()
    old.put("analyse", "a" * 40, "old")
    tool("2")
    new = Memo(tmp_path)
    new.hold()
    new.put("analyse", "b" * 40, "new")
    new.sweep(("analyse",))
    new.release()
    old.begin()  # the old serve rebuilds, asking only for its own entry, and sweeps
    assert old.get("analyse", "a" * 40) == "old"
    old.sweep(("analyse",))
    again = Memo(tmp_path)
    again.hold()
    assert again.get("analyse", "b" * 40) == "new"
    again.release()
    tool("1")
    assert Memo(tmp_path).get("analyse", "a" * 40) == "old"  # on disk, not only in memory
    old.release()  # the old serve stops
    tool("2")
    last = Memo(tmp_path)
    last.hold()
    assert sorted(os.listdir(tmp_path / CACHE_DIR / f"v{FORMAT}")) == ["2" * 16]
    assert last.get("analyse", "b" * 40) == "new"
    last.release()


def test_where_no_lock_can_be_taken_a_store_unused_for_an_hour_is_removed(tmp_path, monkeypatch):
    """A network file system without locks (or no POSIX): a store counts as held while used
    lately, so another tool's old store goes and a recently used one stays."""
    from playbook import memo as memo_module
    monkeypatch.setattr(memo_module, "lock", lambda folder, shared=False: None)
    base = tmp_path / CACHE_DIR / f"v{FORMAT}"
    for name, hours in [("old", 2), ("recent", 0.5)]:
        (base / name / "parse").mkdir(parents=True)
        then = time.time() - hours * 3600
        os.utime(base / name, (then, then))
    monkeypatch.setattr(memo_module, "tool_digest", lambda: "3" * 40)
    memo = Memo(tmp_path)
    memo.hold()
    assert memo.held is None and sorted(os.listdir(base)) == ["3" * 16, "recent"]
    assert time.time() - (base / ("3" * 16)).stat().st_mtime < 60  # marked in use


@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip", "renamed", "half-written"])
def test_a_damaged_store_is_ignored_and_the_site_is_still_right(synthetic, tmp_path, damage):
    root = fresh(synthetic, tmp_path)
    want = cold(root)
    assert build(root, tmp_path / "a").ok
    files = entries(root)
    assert files
    for n, f in enumerate(files):
        data = f.read_bytes()
        if damage == "truncate":
            f.write_bytes(data[: len(data) // 2])
        elif damage == "garbage":
            f.write_bytes(b"\x80\x04not a pickle at all")
        elif damage == "flip":
            i = len(data) - 10
            f.write_bytes(data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:])
        elif damage == "renamed":  # an entry under another entry's name
            f.write_bytes(files[(n + 1) % len(files)].read_bytes() if n == 0 else data)
        else:  # a writer died: an empty file and a stray temporary beside it
            f.write_bytes(b"")
            (f.parent / f".new-{f.name[:6]}").write_bytes(data[:100])
    for m in (root / CACHE_DIR).rglob("manifest/*"):
        m.write_bytes(m.read_bytes()[:30])
    assert build(root, tmp_path / "a").ok
    same(tree(tmp_path / "a"), want, "after damage")


def test_a_folder_that_yields_nothing_fails_the_build_loudly(synthetic, tmp_path, monkeypatch):
    root = fresh(synthetic, tmp_path)
    victim = sorted((root / "content" / "customers").iterdir())[4].name
    real = units.load_customer

    def losing(folder, *args, **kwargs):  # a loader bug: no customer and no reason given
        return (None, 0) if folder.name == victim else real(folder, *args, **kwargs)

    monkeypatch.setattr(units, "load_customer", losing)
    report = build(root, tmp_path / "site", use_cache=False)
    assert not report.ok
    assert any(p.path == f"content/customers/{victim}" and p.severity == "error" for p in report.problems)
    assert not (tmp_path / "site").exists()  # nothing half-built was written


def test_json_assembled_per_customer_is_valid_and_complete(synthetic, tmp_path):
    import json
    site = tmp_path / "site"
    assert build(synthetic, site, use_cache=False).ok
    data = json.loads((site / "playbook.json").read_text())
    assert len(data["customers"]) == len(list((synthetic / "content" / "customers").iterdir()))
    assert json.loads(b"".join(json_out.pieces([], [], date(2026, 1, 1))))["customers"] == []


def test_each_unit_keeps_enough_latest_interactions_for_the_feed_and_the_home_page():
    from playbook.outputs.atom import LIMIT
    from playbook.site.views import HOME_RECENT
    assert units.RECENT >= max(LIMIT, HOME_RECENT)


def _made(monkeypatch) -> list[str]:
    """What builds in this process render from now on: customers' pages (by slug), pages over
    all customers (by template) and calendars (by name)."""
    import playbook.outputs.ics as ics
    import playbook.site_files as site_files
    from playbook.site import Renderer
    made: list[str] = []
    real = Renderer.customer_pages
    monkeypatch.setattr(Renderer, "customer_pages", lambda self, r: made.append(r.customer.slug) or real(self, r))
    real_pieces = site_files.render_pieces
    monkeypatch.setattr(site_files, "render_pieces", lambda env, t, *a: made.append(t) or real_pieces(env, t, *a))
    monkeypatch.setattr(site_files, "calendar", lambda name, *a, **k: made.append(name) or ics.calendar(name, *a, **k))
    return made


def _kinds(root: Path) -> set[str]:
    return {p.parent.parent.name for p in entries(root)}  # <store>/<kind>/<k[:1]>/<k>


@pytest.mark.parametrize("jobs", [1, 2])
def test_what_the_output_holds_is_kept_in_the_memo_too_only_once_it_was_lost(synthetic, tmp_path, jobs):
    """A customer's pages, a page over all customers and a calendar are in the output: a build
    keeps no second copy of them in the memo (a first build at 1,000 × 50 compressed and
    wrote 49 MB of them, which a --no-cache build never does), until one finds what the last
    build wrote under the same keys gone (CI's fresh checkout with the memo restored). With
    workers (`jobs=2`) too: they store the pages."""
    import shutil
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    assert build(root, out, jobs=jobs).ok
    assert not _kinds(root) & {"pages", "page", "ics"}
    note = sorted((root / "content" / "customers").glob("*/interactions/*.md"))[0]
    note.write_text(note.read_text() + "\nOne more line.\n")
    assert build(root, out, jobs=jobs).ok
    assert not _kinds(root) & {"pages", "page", "ics"}
    shutil.rmtree(out)
    assert build(root, out, jobs=jobs).ok
    assert {"pages", "page", "ics"} <= _kinds(root)
    pages = [p for p in entries(root) if p.parent.parent.name == "pages"]
    assert len(pages) == len(list((root / "content" / "customers").iterdir()))


def test_a_site_lost_twice_is_made_again_only_where_it_changed_in_between(synthetic, tmp_path, monkeypatch):
    """After a build that found the site gone (and so kept its files in the memo too), one
    that keeps most files as written still marks their copies used: the site gone again,
    the next build renders again only what the build before it rendered, none of what it
    kept."""
    import shutil

    from playbook import manifest
    monkeypatch.setattr(manifest, "RACY_NS", 0)
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    assert build(root, out).ok
    shutil.rmtree(out)
    assert build(root, out).ok  # the site lost: everything made again, and kept
    note = sorted((root / "content" / "customers").glob("*/interactions/*.md"))[0]
    note.write_text(note.read_text() + "\nOne more line.\n")
    made = _made(monkeypatch)
    assert build(root, out).ok  # one customer's pages made, the rest linked
    after_edit = sorted(made)
    assert note.parent.parent.name in after_edit and len(after_edit) < len(list(out.rglob("*.html")))
    made.clear()
    shutil.rmtree(out)
    assert build(root, out).ok
    assert sorted(made) == after_edit
    made.clear()
    shutil.rmtree(out)
    assert build(root, out).ok
    assert made == []
    monkeypatch.undo()
    same(tree(out), cold(root), "from the memo")


def test_a_checkout_at_another_path_keeps_its_files_in_the_memo_at_once(synthetic, tmp_path, monkeypatch):
    """CI restores the memo into a checkout whose path may differ from the last build's: that
    build's manifest, under another output's name, tells this one that its files were made
    before and did not last (`Writer.elsewhere`), so it keeps them, and a build after it into
    the same fresh output renders nothing."""
    import shutil
    root = fresh(synthetic, tmp_path)
    assert build(root, tmp_path / "one").ok
    assert not _kinds(root) & {"pages", "page", "ics"}
    assert build(root, tmp_path / "two").ok
    assert {"pages", "page", "ics"} <= _kinds(root)
    made = _made(monkeypatch)
    shutil.rmtree(tmp_path / "two")
    assert build(root, tmp_path / "two").ok
    assert made == []


def test_the_feed_is_kept_without_reading_a_note_while_its_interactions_stay(synthetic, tmp_path, monkeypatch):
    """A new customer with no note yet leaves the feed's interactions as they were: the feed
    is kept as written and no full unit is read for it; the site is still a cold build's."""
    from playbook import site_files
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "site"
    assert build(root, out).ok
    folder = root / "content" / "customers" / "zed-new"
    folder.mkdir()
    (folder / "customer.yaml").write_text("name: Zed New\nsince: 2026-11-02\n")

    def unread(*args):
        raise AssertionError("the feed's notes were read")
    monkeypatch.setattr(site_files, "feed_items", unread)
    report = build(root, out)
    assert report.ok and report.customers == len(list((root / "content" / "customers").iterdir()))
    monkeypatch.undo()
    same(tree(out), cold(root))


def test_serve_keeps_in_the_store_every_unit_it_takes_from_memory(synthetic, tmp_path, monkeypatch):
    """`serve` takes a customer nobody touched as its last rebuild left it, without asking the
    memo (units.analyse_all); its entries must still count as used, or the sweep after the
    rebuild removes them and the next `playbook build` analyses every customer again."""
    from playbook import manifest
    from playbook.build import Session
    monkeypatch.setattr(manifest, "RACY_NS", 0)
    root = fresh(synthetic, tmp_path)
    session = Session(root, tmp_path / "served")
    try:
        assert session.rebuild().ok
        notes = sorted((root / "content" / "customers").glob("*/interactions/*.md"))
        for note in (notes[0], notes[-1]):
            note.write_text(note.read_text() + "\nOne more line.\n")
            assert session.rebuild({note}).ok
    finally:
        session.close()
    made = []
    real = units.make_unit
    monkeypatch.setattr(units, "make_unit", lambda slug, *a: made.append(slug) or real(slug, *a))
    assert build(root, tmp_path / "site").ok  # another output: every folder read, none analysed
    assert made == []
    same(tree(tmp_path / "site"), cold(root), "from serve's store")


def test_a_customers_pages_are_kept_compressed_and_anything_else_is_a_miss():
    import pickle
    import zlib

    from playbook.site_files import _pages_back, _pages_kept, zstd
    pages = [("customers/acme/index.html", b"<html>" + b"x" * 5000 + b"</html>")]
    kept = _pages_kept(pages)
    assert len(kept) < len(pickle.dumps(pages)) // 5 and _pages_back(kept) == pages
    # Not Zstandard (the zlib kept before), a frame cut short, or another value compressed.
    for stored in (None, pages, b"not compressed", zlib.compress(pickle.dumps(pages)), kept[:-4],
                   zstd.compress(pickle.dumps({"a": 1}))):
        assert _pages_back(stored) is None
