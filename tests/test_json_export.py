"""playbook.json made from the file as last written: each customer that did not change is
copied from it (by the layout recorded when it was written), and the file is byte for byte
the one made from every customer's own text."""

from __future__ import annotations

import errno

import json
import random
import shutil
import zlib
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from builds import cold, same, synthetic_playbook
from helpers import tree
from playbook import write
from playbook.build import build
from playbook.outputs import json_out

AS_OF = date(2026, 11, 20)


def _customer(rng: random.Random, slug: str, version: int) -> tuple[SimpleNamespace, SimpleNamespace]:
    """An exported customer (`json_out.Exported`) and its relationship as the ranking reads it:
    actions of random sizes and ranks (equal ones included, kept in the customer's order)."""
    keys = [(-rng.choice([10, 20, 30]), rng.choice([0, 2]), AS_OF + timedelta(days=rng.randrange(3)), slug,
             "follow-up", f"T{rng.randrange(2)}") for _ in range(rng.randrange(4))]
    actions = [SimpleNamespace(sort_key=lambda k=k: k) for k in keys]
    lines = [f'    {{"title": "{slug} v{version} a{j} {"x" * rng.randrange(9)}"}}'.encode() for j in range(len(actions))]
    entry = f'    {{"slug": "{slug}", "v": {version}, "pad": "{"y" * rng.randrange(40)}"}}'.encode()
    return (SimpleNamespace(akey=f"{slug}:{version}", json_text=entry, agenda_z=zlib.compress(b"\0".join(lines)),
                            action_count=len(actions)),
            SimpleNamespace(customer=SimpleNamespace(slug=slug), actions=actions))


def _made(book: dict, old=None, layout=None) -> bytes:
    slugs = sorted(book)
    return b"".join(json_out.pieces([book[s][0] for s in slugs], [book[s][1] for s in slugs], AS_OF, old, layout))


@pytest.mark.parametrize("seed", range(6))
def test_the_file_copied_from_the_last_one_is_the_file_made_whole(seed):
    rng = random.Random(seed)
    version = 0
    book = {f"c{n:02d}": _customer(rng, f"c{n:02d}", 0) for n in range(rng.randrange(1, 12))}
    layout: json_out.Layout = {}
    last = _made(book, layout=layout)
    assert json.loads(last)["customers"]
    for _ in range(30):
        version += 1
        changed = rng.sample(sorted(book), k=min(len(book), rng.choice([0, 1, 1, 2, 5])))
        for slug in changed:  # an edit, or the customer deleted
            if rng.random() < 0.2 and len(book) > 1:
                del book[slug]
            else:
                book[slug] = _customer(rng, slug, version)
        if rng.random() < 0.2:  # a new customer
            slug = f"c{rng.randrange(100):02d}"
            book[slug] = _customer(rng, slug, version)
        reads = []

        def read(start: int, end: int, last=last) -> bytes:
            reads.append((start, end))
            return last[start:end]

        whole: json_out.Layout = {}
        want = _made(book, layout=whole)
        again: json_out.Layout = {}
        got = _made(book, (layout, read), again)
        assert got == want
        assert again == whole
        assert len(json.loads(got)["agenda"]) == sum(len(r.actions) for _, r in book.values())
        # Unchanged customers are read in runs: one edit is a handful of reads, not one per item.
        if len(changed) <= 1:
            moved = sum(len(book[s][1].actions) for s in changed if s in book) + 2 * 3
            assert len(reads) <= 2 + moved
        last, layout = got, again


def test_an_empty_book_and_a_book_without_actions():
    rng = random.Random(1)
    assert json.loads(_made({})) == {**json.loads(_made({})), "customers": [], "agenda": []}
    book = {"a": _customer(rng, "a", 0)}
    book["a"][1].actions.clear()
    book["a"] = (SimpleNamespace(akey="a:0", json_text=book["a"][0].json_text, agenda_z=b"", action_count=0),
                 book["a"][1])
    layout: json_out.Layout = {}
    first = _made(book, layout=layout)
    assert json.loads(first)["agenda"] == []
    assert _made(book, (layout, lambda s, e: first[s:e])) == first


def test_a_last_file_that_cannot_be_read_as_it_was_is_stale():
    rng = random.Random(2)
    book = {s: _customer(rng, s, 0) for s in ("a", "b", "c")}
    layout: json_out.Layout = {}
    _made(book, layout=layout)
    with pytest.raises(json_out.Stale):
        _made(book, (layout, lambda s, e: b""))


@pytest.fixture
def book(tmp_path):
    return synthetic_playbook(tmp_path, customers=12, interactions=3, seed=5)


def _edit(root, n: int) -> None:
    """A new summary on one note: the customer's entry changes, the others' stay."""
    note = sorted((root / "content" / "customers").glob("*/interactions/*.md"))[n]
    note.write_text(note.read_text().replace('summary: "', f'summary: "Edited {n}: ', 1))


@pytest.mark.parametrize("how", ["in the kernel", "read and written"])
def test_a_build_after_an_edit_copies_the_others_and_matches_a_cold_build(book, tmp_path, monkeypatch, how):
    site = tmp_path / "site"
    assert build(book, site, as_of=AS_OF).ok
    copied: dict[str, list[int]] = {"copy_file_range": [], "pread": []}
    real_copy, real_read = write.os.copy_file_range, write.os.pread

    def copy(src, out, n, at):
        if how != "in the kernel":  # as between two file systems before Linux 5.3
            raise OSError(errno.EXDEV, "cross-device")
        return copied["copy_file_range"].append(n) or real_copy(src, out, n, at)
    monkeypatch.setattr(write.os, "copy_file_range", copy)
    monkeypatch.setattr(write.os, "pread", lambda fd, n, at: copied["pread"].append(n) or real_read(fd, n, at))
    _edit(book, 4)
    assert build(book, site, as_of=AS_OF).ok
    way, other = ("copy_file_range", "pread") if how == "in the kernel" else ("pread", "copy_file_range")
    assert not copied[other]
    assert 0 < len(copied[way]) <= 12 and sum(copied[way]) > (site / "playbook.json").stat().st_size // 2  # most of it
    same(tree(site), cold(book, AS_OF), "after an edit")


@pytest.mark.parametrize("damage", ["read fails", "file changed", "file gone", "a link"])
def test_a_last_file_not_as_written_is_not_copied(book, tmp_path, monkeypatch, damage):
    site = tmp_path / "site"
    assert build(book, site, as_of=AS_OF).ok
    export = site / "playbook.json"
    if damage == "read fails":  # as when changed while read: `Stale`, and the file is made whole
        monkeypatch.setattr(write.os, "copy_file_range", lambda src, out, n, at: 0)
        monkeypatch.setattr(write.os, "pread", lambda fd, n, at: b"")
    elif damage == "file changed":
        export.write_bytes(export.read_bytes().replace(b'"customers": [', b'"customers":  ['))
    elif damage == "file gone":
        export.unlink()
    else:
        elsewhere = tmp_path / "elsewhere.json"
        shutil.copy2(export, elsewhere)
        export.unlink()
        export.symlink_to(elsewhere)
    _edit(book, 7)
    assert build(book, site, as_of=AS_OF).ok
    assert not export.is_symlink()
    same(tree(site), cold(book, AS_OF), damage)
