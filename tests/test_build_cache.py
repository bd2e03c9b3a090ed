"""Cached, parallel and incremental builds give exactly the bytes of a plain serial build.

The reference is the straight pipeline (load → analyse → `site.pages`, all in one process,
no cache); every faster path is compared with it as a whole tree. No timings here.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from playbook.build import MARKER, Builder, analyse_with_git, build, site_files
from playbook.cache import CACHE_DIR, FORMAT, Cache, decode, encode
from playbook.check import check_loaded
from playbook.config import resolve_as_of
from playbook.load import load
from playbook.outputs import json_out

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import generate  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def reference(root: Path) -> dict[str, bytes]:
    """The site as the plain serial pipeline makes it."""
    loaded = load(root.resolve())
    when = resolve_as_of(None, loaded.config.as_of)
    assert not [p for p in check_loaded(loaded, when) if p.severity == "error"]
    relationships, git = analyse_with_git(loaded, when, root.resolve())
    files = dict(site_files(relationships, loaded, when, root.resolve(), git))
    files[MARKER] = b"Built by Playbook. This folder is replaced on every build.\n"
    return files


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def same(a: dict[str, bytes], b: dict[str, bytes]) -> None:
    assert sorted(a) == sorted(b)
    differ = [k for k in a if a[k] != b[k]]
    if differ:
        import difflib
        k = differ[0]
        diff = "\n".join(list(difflib.unified_diff(a[k].decode(errors="replace").splitlines(),
                                                   b[k].decode(errors="replace").splitlines(), lineterm="", n=0))[:12])
    assert not differ, f"{len(differ)} files differ, e.g. {differ[:5]}; {differ[0] if differ else ''}:\n{diff if differ else ''}"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("synthetic") / "pb"
    generate(root, customers=60, interactions=6, seed=3)
    return root


def fresh(src: Path, tmp_path: Path, name: str = "pb") -> Path:
    dst = tmp_path / name
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(CACHE_DIR, "site"))
    return dst


def cache_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / CACHE_DIR).rglob("*.pickle"))


def test_cold_warm_and_parallel_builds_match_the_serial_pipeline(synthetic, tmp_path):
    root = fresh(synthetic, tmp_path)
    want = reference(root)
    assert build(root, tmp_path / "cold", use_cache=False, jobs=1).ok
    assert not (root / CACHE_DIR).exists()  # --no-cache writes no cache either
    same(tree(tmp_path / "cold"), want)
    assert build(root, tmp_path / "first", jobs=1).ok  # writes the cache
    assert cache_files(root)
    same(tree(tmp_path / "first"), want)
    assert build(root, tmp_path / "warm", jobs=1).ok  # reads it
    same(tree(tmp_path / "warm"), want)
    assert build(root, tmp_path / "par", use_cache=False, jobs=2).ok  # forked workers
    same(tree(tmp_path / "par"), want)
    shutil.rmtree(root / CACHE_DIR)
    assert build(root, tmp_path / "par2", jobs=3).ok  # workers filling the cache
    same(tree(tmp_path / "par2"), want)
    assert build(root, tmp_path / "par3", jobs=2).ok  # and reading it
    same(tree(tmp_path / "par3"), want)


def test_the_example_playbook_matches_too(tmp_path):
    root = fresh(REPO, tmp_path)
    for d in ("content", "templates"):
        if (REPO / d).is_dir() and not (root / d).exists():
            shutil.copytree(REPO / d, root / d)
    want = reference(root)
    assert build(root, tmp_path / "a", jobs=2).ok
    same(tree(tmp_path / "a"), want)
    assert build(root, tmp_path / "b").ok
    same(tree(tmp_path / "b"), want)


def test_an_edit_after_a_cached_build_shows(synthetic, tmp_path):
    root = fresh(synthetic, tmp_path)
    assert build(root, tmp_path / "one").ok
    note = sorted((root / "content" / "customers").glob("*/interactions/*.md"))[7]
    note.write_text(note.read_text() + "\nA brand new line about the rollout.\n")
    (root / "playbook.yaml").write_text((root / "playbook.yaml").read_text().replace(
        "title: Synthetic Playbook (benchmark)", "title: Renamed"))
    assert build(root, tmp_path / "two").ok
    same(tree(tmp_path / "two"), reference(root))
    assert b"A brand new line about the rollout." in (
        tmp_path / "two" / "customers" / note.parent.parent.name / "index.html").read_bytes()


@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip", "other-version", "half-written"])
def test_a_damaged_cache_is_ignored_and_rebuilt(synthetic, tmp_path, damage):
    root = fresh(synthetic, tmp_path)
    want = reference(root)
    assert build(root, tmp_path / "a").ok
    files = cache_files(root)
    assert files
    for f in files:
        data = f.read_bytes()
        if damage == "truncate":
            f.write_bytes(data[: len(data) // 2])
        elif damage == "garbage":
            f.write_bytes(b"\x80\x04not a pickle at all")
        elif damage == "flip":
            i = len(data) - 10
            f.write_bytes(data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:])
        elif damage == "other-version":
            head, _, payload = data.partition(b"\n")
            parts = head.split(b" ")
            parts[2] = b"0" * len(parts[2])  # another tool's digest
            f.write_bytes(b" ".join(parts) + b"\n" + payload)
        else:  # a writer died: an empty file and a stray temporary beside it
            f.write_bytes(b"")
            (f.parent / f".{f.name}.123.tmp").write_bytes(data[:100])
    assert build(root, tmp_path / "a").ok  # the same folder: its manifest is damaged too
    same(tree(tmp_path / "a"), want)
    # …and the entries were rewritten whole, so the next build reads them.
    cache = Cache(root)
    assert build(root, tmp_path / "a").ok
    same(tree(tmp_path / "a"), want)
    assert all(decode(f.read_bytes(), f.read_bytes().split(b" ")[3].decode()) is not None
               for f in cache_files(root) if f.stat().st_size)
    del cache


def test_cache_entries_check_format_version_key_and_crc():
    data = encode({"a": 1}, "k1")
    assert decode(data, "k1") == {"a": 1}
    assert decode(data, "k2") is None
    assert decode(data.replace(f" {FORMAT} ".encode(), b" 999 ", 1), "k1") is None
    assert decode(data[:-1], "k1") is None
    assert decode(b"", "k1") is None


def test_json_assembled_per_customer_equals_one_dump(synthetic):
    loaded = load(synthetic)
    rels, _ = analyse_with_git(loaded, loaded.config.as_of, synthetic)
    assert json_out.playbook_json(rels, loaded.config.as_of) == json_out.playbook_json_whole(rels, loaded.config.as_of)
    assert json_out.playbook_json([], loaded.config.as_of) == json_out.playbook_json_whole([], loaded.config.as_of)


def _edit_front(path: Path, key: str, value: str | None) -> None:
    text = path.read_text()
    head, sep, body = text[4:].partition("\n---\n")
    lines = [ln for ln in head.split("\n") if not ln.startswith(f"{key}:")]
    if value is not None:
        lines.append(f"{key}: {value}")
    path.write_text("---\n" + "\n".join(lines) + sep + body)


def test_incremental_rebuilds_match_a_fresh_full_build(synthetic, tmp_path):
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "served"
    builder = Builder(root, out)
    assert builder.rebuild(None).ok
    same(tree(out), reference(root))
    folders = sorted((root / "content" / "customers").iterdir())
    a, b = folders[len(folders) // 2], folders[3]
    newest = sorted((a / "interactions").glob("*.md"))[-1]
    older = sorted((b / "interactions").glob("*.md"))[0]

    def step(paths, ok=True):
        report = builder.rebuild({Path(p) for p in paths})
        assert report.ok is ok, [str(p) for p in report.problems if p.severity == "error"]
        if ok:
            same(tree(out), reference(root))
        return report

    # The body of today's note, then its summary (home page and feed), then its mood (stage).
    newest.write_text(newest.read_text() + "\nOne more line.\n")
    assert step([newest]).written >= 1
    _edit_front(newest, "summary", '"A new summary"')
    step([newest])
    _edit_front(newest, "sentiment", "very negative")
    step([newest])
    # An overdue promise (actions, calendars), a note that is only a body, a removed note.
    older.write_text(older.read_text() + "\n- [ ] Send the signed copy (due 2026-10-01)\n")
    step([older])
    extra = b / "interactions" / "2026-11-19-note.md"
    extra.write_text("Quick note: all good.\n")
    step([extra])
    extra.unlink()
    step([extra])
    # A new tag renames nothing but adds a tag page; a new owner adds an owner page.
    cy = b / "customer.yaml"
    cy.write_text(cy.read_text().replace("\nsince:", "\ntags: [brand-new-tag]\nsince:", 1)
                  if "\ntags:" not in cy.read_text() else
                  cy.read_text().replace("tags: [", "tags: [brand-new-tag, ", 1))
    step([cy])
    # A broken file fails and leaves the site; fixing it brings everything up to date.
    before = tree(out)
    broken = newest.read_text()
    newest.write_text("---\ndate: 2026-13-45\n---\nBroken.\n")
    step([newest], ok=False)
    assert tree(out) == before
    newest.write_text(broken)
    step([newest])
    # Changes outside a customer folder: the config, a new customer, a removed one.
    (root / "playbook.yaml").write_text((root / "playbook.yaml").read_text().replace(
        "Synthetic Playbook (benchmark)", "Renamed playbook"))
    step([root / "playbook.yaml"])
    shutil.copytree(a, root / "content" / "customers" / "zz-new-customer")
    step([root / "content" / "customers" / "zz-new-customer" / "customer.yaml"])
    shutil.rmtree(b)
    step([cy])


def test_a_customer_that_becomes_loadable_again_is_listed(synthetic, tmp_path):
    root = fresh(synthetic, tmp_path)
    out = tmp_path / "served"
    builder = Builder(root, out)
    assert builder.rebuild(None).ok
    cy = sorted((root / "content" / "customers").iterdir())[5] / "customer.yaml"
    good = cy.read_text()
    cy.write_text("owner: maya\n")  # no name: an error, the customer is not loaded
    assert not builder.rebuild({cy}).ok
    cy.write_text(good)
    assert builder.rebuild({cy}).ok
    same(tree(out), reference(root))
