"""The build cache is Playbook's own folder: never read, written or cleaned through a link put
in it, and never read when it came with the repository (its entries are pickles). A hostile
probe found both: `.playbook-cache` linked to `content/customers` made a build remove a
customer's folder, and a cache committed to git ran code when read.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from helpers import ACME_YAML, CUSTOMER_YAML, PLAYBOOK_YAML, run_cli, shape, tree, write_playbook
from playbook.build import Session, build
from playbook.memo import CACHE_DIR, FORMAT, tool_digest

FILES = {"playbook.yaml": PLAYBOOK_YAML, ACME_YAML: CUSTOMER_YAML}


def _victim(where: Path) -> dict[str, bytes]:
    """A folder of someone's files, shaped like what the cache cleans: stores of other formats
    (v3), another tool's store, entries' shards."""
    for rel in ("v3/x/old.txt", "vendor/lib.txt", "videos/clip.txt", "keep.txt", "0/entry", "a/b/c.txt"):
        (where / rel).parent.mkdir(parents=True, exist_ok=True)
        (where / rel).write_text(rel)
    return tree(where)


def _store(root: Path) -> Path:
    return root / CACHE_DIR / f"v{FORMAT}" / tool_digest()[:16]


def _link_cache(root: Path, victim: Path) -> None:
    (root / CACHE_DIR).symlink_to(victim, target_is_directory=True)


def _link_format(root: Path, victim: Path) -> None:
    (root / CACHE_DIR).mkdir()
    (root / CACHE_DIR / f"v{FORMAT}").symlink_to(victim, target_is_directory=True)


def _link_store(root: Path, victim: Path) -> None:
    _store(root).parent.mkdir(parents=True)
    _store(root).symlink_to(victim, target_is_directory=True)


def _link_kind(root: Path, victim: Path) -> None:
    _store(root).mkdir(parents=True)
    (_store(root) / "pages").symlink_to(victim, target_is_directory=True)


def _link_shard(root: Path, victim: Path) -> None:
    (_store(root) / "pages").mkdir(parents=True)
    (_store(root) / "pages" / "0").symlink_to(victim, target_is_directory=True)


@pytest.mark.parametrize("plant, said", [
    (_link_cache, "is a link, or not a folder"),
    (_link_format, "holds a link, or a file, in place of the folder .playbook-cache/v4"),
    (_link_store, "holds a link, or a file, in place of the folder .playbook-cache/v4/"),
    (_link_kind, "holds a link in place of the folder .playbook-cache/v4/"),
    (_link_shard, "holds a link in place of the folder .playbook-cache/v4/"),
])
def test_a_link_in_the_cache_is_never_followed(tmp_path: Path, plant, said):
    root = write_playbook(tmp_path / "pb", FILES)
    victim = tmp_path / "victim"
    before = _victim(victim)
    plant(root, victim)
    for _ in range(2):  # the second build would clean what the first left
        code, out, err = run_cli(["build", str(root)])
        assert code == 0, err
        assert f"{CACHE_DIR}:1:1: warning: The build cache {CACHE_DIR} {said}" in err
        assert "Built without it, reading and writing nothing there." in err
        assert tree(victim) == before and shape(victim) == ["d 0", "d a", "d a/b", "d v3", "d v3/x", "d vendor",
                                                            "d videos"]
    # A cold build by another way: the site is the one a build without a cache makes.
    cold = tmp_path / "cold"
    assert build(root, out=cold, use_cache=False).ok
    assert tree(root / "site") == tree(cold)


def test_serve_never_follows_a_link_in_the_cache(tmp_path: Path):
    root = write_playbook(tmp_path / "pb", FILES)
    victim = tmp_path / "victim"
    before = _victim(victim)
    _link_cache(root, victim)
    session = Session(root, tmp_path / "served")
    try:
        for _ in range(2):
            report = session.rebuild()
            assert report.ok
            assert [p.message[:48] for p in report.problems if p.path == CACHE_DIR] == [
                "The build cache .playbook-cache is a link, or no"]
    finally:
        session.close()
    assert tree(victim) == before


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@b", "GIT_COMMITTER_NAME": "a",
                        "GIT_COMMITTER_EMAIL": "a@b"})


def test_a_cache_in_git_is_never_read(tmp_path: Path):
    """An entry is a pickle: one a teammate committed (or a poisoned clone carries) runs code
    when unpickled. A cache git tracks is someone else's: not read, written or cleaned."""
    root = write_playbook(tmp_path / "pb", FILES)
    _git(root, "init", "-q")
    assert run_cli(["build", str(root), "--quiet"])[0] == 0  # a cache of our own, untracked: used
    assert _store(root).is_dir()
    _git(root, "add", "-f", CACHE_DIR, "content", "playbook.yaml")
    _git(root, "commit", "-qm", "the cache too")
    # Every entry made unreadable: a build that read one would fail or differ.
    for entry in (root / CACHE_DIR).rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"PLAYBOOK-MEMO damaged")
    held = tree(root / CACHE_DIR)
    assert build(root, out=tmp_path / "cold", use_cache=False).ok  # with the commit on its pages
    code, _, err = run_cli(["build", str(root)])
    assert code == 0, err
    assert f"{CACHE_DIR}:1:1: warning: The build cache {CACHE_DIR} is in git: an entry is a pickle" in err
    assert "git rm -r --cached .playbook-cache" in err
    assert tree(root / CACHE_DIR) == held
    assert tree(root / "site") == tree(tmp_path / "cold")
    _git(root, "rm", "-r", "-q", "--cached", CACHE_DIR)
    code, _, err = run_cli(["build", str(root)])
    assert code == 0 and "warning" not in err


def _compiled(root: Path) -> list[Path]:
    return sorted((_store(root) / "jinja").glob("*.cache"))


@pytest.mark.parametrize("damage", ["flip", "truncate", "fifo"])
def test_a_damaged_compiled_template_is_compiled_again_never_used(tmp_path: Path, damage: str):
    """Jinja's compiled templates, kept in the cache, were read by Jinja's own file cache, which
    checks only the template's source: one flipped byte made every page read "iitial-scale",
    silently; another was a traceback from `marshal` on every build; a FIFO in its place hung
    every build (a fuzzing session). Each is now a memo entry: checked whole, else compiled again."""
    root = write_playbook(tmp_path / "pb", {**FILES, "templates/footer.html": "<p>ours</p>\n"})
    out, cold = tmp_path / "site", tmp_path / "cold"
    assert run_cli(["build", str(root), "--out", str(out)])[0] == 0
    entries = _compiled(root)
    assert entries
    for e in entries:
        data = e.read_bytes()
        e.unlink()
        if damage == "fifo":
            os.mkfifo(e)
        else:
            k = len(data) // 3
            e.write_bytes(data[:k] + bytes([data[k] ^ 0xFF]) + data[k + 1:] if damage == "flip" else data[:k])
    (root / ACME_YAML).write_text(CUSTOMER_YAML.replace("Acme Bakery", "Acme Bakers"))
    proc = subprocess.run([os.sys.executable, "-m", "playbook", "build", str(root), "--out", str(out)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert run_cli(["build", str(root), "--out", str(cold), "--no-cache"])[0] == 0
    assert tree(out) == tree(cold)
