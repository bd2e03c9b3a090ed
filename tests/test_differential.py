"""Every fast path gives the bytes of a cold build, after any sequence of everyday operations.

A seeded random walk over a copy of the example playbook (in git, its as_of unpinned so the
date moves): new days, edits, new and deleted notes, renamed, new and deleted customers,
changed customer.yaml, playbook.yaml (thresholds, team, plays, what is `available`) and template overrides,
touched but unchanged files, files that are not notes among the notes, deleted output, output
changed by hand, commits (by either of two people, on the walk's day). After every step three builds must be
byte-identical, and report the same problems:

- `build` with the playbook's memo (a warm build, the manifest's shortcuts included, and
  with two workers, so the exports after an edit are made by a forked one),
- `build --no-cache` (the cold build every other path must equal),
- a `serve` session that has seen every step (memo in memory, output synced in place).

The default run is short; `PLAYBOOK_WALK_STEPS=400 PLAYBOOK_WALK_SEEDS=0-9 pytest
tests/test_differential.py` runs a long one (CI nights).
"""

from __future__ import annotations

import importlib
import os
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from builds import Walk, cold, copy_playbook, git_init, same
from helpers import REPO, shape, tree
from playbook import config, manifest, parallel, site_files, write
from playbook.build import Session, build
from playbook.outputs import search_shards

build_module = importlib.import_module("playbook.build")  # (`playbook.build` the name is the function)

STEPS = int(os.environ.get("PLAYBOOK_WALK_STEPS", "14"))
_lo, _, _hi = os.environ.get("PLAYBOOK_WALK_SEEDS", "1-2").partition("-")
SEEDS = range(int(_lo), int(_hi or _lo) + 1)
#: A few customers of the example keep each step quick and still cover every page kind.
CUSTOMERS = ["northgate-logistics", "loomwork", "ashby-fold-council", "kestrel-pay", "calder-wren"]
START = date(2026, 11, 20)


class Today(date):
    """`date` whose today() is the walk's current day (the config module reads the clock)."""

    current = START

    @classmethod
    def today(cls) -> date:
        return cls.current


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("trust_times", [True, False], ids=["stat-shortcut", "always-hash"])
def test_cached_cold_and_serve_builds_agree_after_every_step(tmp_path, monkeypatch, seed, trust_times):
    root = copy_playbook(REPO, tmp_path / "pb", CUSTOMERS)
    cfg = root / "playbook.yaml"
    cfg.write_text(cfg.read_text().replace("as_of: 2026-11-20\n", ""))  # the date moves with "today"
    git_init(root)
    monkeypatch.setattr(config, "date", Today)
    Today.current = START
    if trust_times:  # let the manifest's stat shortcuts decide as often as they ever could
        monkeypatch.setattr(manifest, "RACY_NS", 0)
        monkeypatch.setattr(write, "FOLDER_RACY_NS", 0)
        # and the warm build's signatures be taken by workers, as a large book's are, while
        # it reads the units ahead once one differs (units.read_ahead)
        monkeypatch.setattr(manifest, "PARALLEL_MIN_FOLDERS", 2)
        monkeypatch.setattr(parallel, "CHUNK", 1)
        monkeypatch.setattr(manifest, "_sign_task", _slow_sign)
        # and a worker look at what the last write left while it analyses (write.observe)
        monkeypatch.setattr(build_module, "OBSERVE_MIN_FILES", 0)
    else:  # and the other walk writes the search index in pieces, as a large playbook's is
        monkeypatch.setattr(search_shards, "ONE_FILE_MAX", 0)
        monkeypatch.setattr(search_shards, "BLOCK", 3)  # grouped and memoised a few customers at a time
    # The warm build makes the exports in a forked worker whenever it makes few customers'
    # pages, as a large book's does (site_files.split_ok).
    monkeypatch.setattr(site_files, "SPLIT_MIN_CUSTOMERS", 0)
    session = Session(root, root / "out-serve")
    # The pages `serve` writes ahead of a rebuild (early.py), as they were then: each must be
    # what the rebuild ends with (and so the cold build's), never a page that is put right later.
    ahead: dict[str, bytes] = {}
    session.carried.announce = lambda changed, early=False: ahead.update(
        {rel: (root / "out-serve" / rel).read_bytes() for rel in changed} if early else {})
    early_steps = 0
    walk = Walk(root, seed)
    history = []
    seen = snapshot(root)
    for step in range(STEPS + 1):
        what = walk.step() if step else "first build"
        history.append(what)
        Today.current = START + timedelta(days=walk.day_offset)
        now = snapshot(root)
        # What a watcher reports: every path created, deleted or changed (serve re-takes the
        # signatures of those folders only).
        ahead.clear()
        served = session.rebuild({p for p in seen.keys() | now.keys() if seen.get(p) != now.get(p)} if step else None)
        seen = now
        early_steps += "early" in served.phases
        warm = build(root, root / "out-warm", jobs=2)
        cold = build(root, root / "out-cold", use_cache=False)
        where = f"seed {seed}, step {step} ({' → '.join(history[-4:])})"
        assert cold.ok and warm.ok and served.ok, f"{where}: {cold.problems or warm.problems or served.problems}"
        assert cold.customers == len(walk.customers()), f"{where}: a customer dropped out"
        want = tree(root / "out-cold")
        same(tree(root / "out-warm"), want, f"{where}: warm build")
        same(tree(root / "out-serve"), want, f"{where}: serve")
        # Its folders too, and no link: an empty folder or a link left by hand shows in neither tree.
        assert shape(root / "out-warm") == shape(root / "out-cold"), f"{where}: warm build's folders"
        assert shape(root / "out-serve") == shape(root / "out-cold"), f"{where}: serve's folders"
        # What the build says (warnings too: a stray file, an unknown owner) is the cold build's.
        assert warm.problems == cold.problems, f"{where}: warm build's problems"
        assert served.problems == cold.problems, f"{where}: serve's problems"
        for rel, data in ahead.items():
            assert data == want[rel], f"{where}: {rel} as serve wrote it ahead of the rebuild"
    if trust_times and STEPS >= 14:  # (the other walk's listing is always too recent to trust)
        assert early_steps, "no step wrote its customer's pages ahead of the rebuild"
    session.close()


def _slow_sign(folder: tuple[Path, str], share: dict) -> str | None:
    """A folder's signature, a little slowly: the workers are still at it when this process
    sees a changed one, so an edit has units read ahead too (not only a new or deleted folder,
    which is a change before any signature is back)."""
    time.sleep(0.01)
    return manifest.signature(folder[0], folder[1], share["salt"], share["now"])


def snapshot(root: Path) -> dict[Path, tuple]:
    """Every path of the playbook (not its outputs or git) with what stat says of it."""
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith((".git", "out-", ".playbook-cache"))]
        for name in [*dirs, *files]:
            p = Path(folder, name)
            st = p.lstat()
            found[p] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    return found


def test_parallel_cold_and_warm_builds_agree(tmp_path, monkeypatch):
    """Workers (forced on a small playbook) give the bytes of one process."""
    root = copy_playbook(REPO, tmp_path / "pb")
    monkeypatch.setattr(site_files, "PARALLEL_MIN_FILES", 0)
    import playbook.units as units
    monkeypatch.setattr(units, "PARALLEL_MIN_FILES", 0)
    build(root, tmp_path / "serial", use_cache=False, jobs=1)
    want = tree(tmp_path / "serial")
    assert build(root, tmp_path / "par-cold", use_cache=False, jobs=2).ok
    same(tree(tmp_path / "par-cold"), want, "parallel cold")
    assert build(root, tmp_path / "par-first", jobs=2).ok
    same(tree(tmp_path / "par-first"), want, "parallel, writing the memo")
    (root / "content/customers/loomwork/interactions/2026-11-18-walk.md").write_text(
        "---\ndate: 2026-11-18\ntype: call\n---\nQuick call.\n")
    build(root, tmp_path / "serial2", use_cache=False, jobs=1)
    assert build(root, tmp_path / "par-first", jobs=2).ok
    same(tree(tmp_path / "par-first"), tree(tmp_path / "serial2"), "parallel, after an edit")
    # serve with workers: the second rebuild takes the slim units it kept in memory.
    monkeypatch.setattr(manifest, "RACY_NS", 0)
    session = Session(root, tmp_path / "served", jobs=2)
    assert session.rebuild().ok
    same(tree(tmp_path / "served"), tree(tmp_path / "serial2"), "serve, parallel")
    (root / "content/customers/loomwork/interactions/2026-11-18-walk.md").write_text(
        "---\ndate: 2026-11-18\ntype: call\n---\nQuick call, and a second line.\n")
    assert session.rebuild().ok
    same(tree(tmp_path / "served"), cold(root), "serve, parallel, after an edit")
    assert session.memo.mem and any(k[0] == "slim" for k in session.memo.mem)


def test_the_issue_repro_keeps_every_customer(tmp_path):
    """build; build --as-of another day; build: every customer, every time, as a cold build."""
    root = copy_playbook(REPO, tmp_path / "pb")
    for as_of in (None, date(2026, 12, 5), None, date(2026, 12, 6)):
        report = build(root, root / "site", as_of=as_of)
        assert report.customers == 15
        same(tree(root / "site"), cold(root, as_of), f"as of {as_of}")
