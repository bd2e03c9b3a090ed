"""A build's scratch folders: a build killed with SIGKILL leaves them, git ignores them, the
next build removes them, and a build still running keeps its own."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builds import copy_playbook
from playbook import scratch

REPO = Path(__file__).resolve().parents[1]
INIT_GITIGNORE = REPO / "src" / "playbook" / "scaffold" / "init" / "dot-gitignore"


def files_under(folder: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(folder))


def found(parent: Path, pattern: str) -> list[Path]:
    return sorted(parent.glob(pattern)) if parent.is_dir() else []


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """A generated playbook whose cold single-process build takes a few seconds."""
    root = tmp_path_factory.mktemp("big") / "pb"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), str(root), "--customers", "50",
                    "--interactions", "10", "--seed", "3"], check=True, capture_output=True, timeout=120)
    return root


def start_build(root: Path, tmp: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(tmp)}  # its memo goes here, not into the shared /tmp
    return subprocess.Popen([sys.executable, "-m", "playbook", "build", str(root), "--jobs", "1", "--quiet", *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def run_build(root: Path, tmp: Path, *args: str) -> None:
    p = start_build(root, tmp, *args)
    out, err = p.communicate(timeout=300)
    assert p.returncode == 0, err.decode()


def mid_write(proc: subprocess.Popen, root: Path, tmp: Path) -> tuple[Path, Path]:
    """Wait until the build has written part of its new site; its (site, memo) scratch."""
    end = time.monotonic() + 120
    while time.monotonic() < end and proc.poll() is None:
        sites = found(root / scratch.HOME, f"site.new-{proc.pid}-*")
        memos = found(tmp, f"playbook-build-{proc.pid}-*")
        if sites and memos and files_under(sites[0]) >= 20:
            return sites[0], memos[0]
        time.sleep(0.01)
    proc.kill()
    raise AssertionError(f"the build never got to writing (exit {proc.poll()}): {proc.communicate()[1][-500:]!r}")


def ignored(repo: Path, gitignore: Path, path: Path) -> bool:
    shutil.copy(gitignore, repo / ".gitignore")
    return subprocess.run(["git", "check-ignore", "-q", str(path.relative_to(repo))], cwd=repo).returncode == 0


def test_a_build_killed_mid_write_leaves_ignored_scratch_that_the_next_build_removes(big, tmp_path):
    root = tmp_path / "pb"
    shutil.copytree(big, root)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    run_build(root, tmp, "--no-cache")
    before = {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}

    proc = start_build(root, tmp, "--no-cache")
    site, memo = mid_write(proc, root, tmp)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert site.is_dir() and memo.is_dir()
    assert (site / "playbook.json").is_file(), "the scratch site holds customer data"
    # The site in place is the last whole one, and the partial one is ignored by git (with the
    # .gitignore `playbook init` writes, and with this repository's) and shows nowhere.
    assert {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()} == before
    for gitignore in (INIT_GITIGNORE, REPO / ".gitignore"):
        assert ignored(root, gitignore, site / "index.html"), gitignore
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=root,
                            capture_output=True, text=True, check=True).stdout
    assert "new-" not in status and "customers/" in status  # content shows, scratch does not

    run_build(root, tmp)  # the next build, cached or not, takes both away
    assert not site.exists() and not memo.exists()
    assert found(root, "**/*.new-*") == [] and found(tmp, "playbook-*") == []
    assert not (root / scratch.HOME).exists()


def test_a_running_builds_scratch_is_left_alone(big, tmp_path):
    root = tmp_path / "pb"
    shutil.copytree(big, root)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    small = copy_playbook(REPO, tmp_path / "small", ["loomwork"])
    proc = start_build(root, tmp, "--no-cache")
    try:
        site, memo = mid_write(proc, root, tmp)
        proc.send_signal(signal.SIGSTOP)  # alive, holding its locks, writing nothing
        # Another build whose scratch lives in the same two places sweeps them meanwhile.
        run_build(small, tmp, "--no-cache", "--out", str(root / "other-site"))
        assert site.is_dir() and memo.is_dir()
    finally:
        proc.send_signal(signal.SIGCONT)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    assert (root / "site" / "index.html").is_file() and (root / "other-site" / "index.html").is_file()
    assert not site.exists() and not memo.exists() and found(tmp, "playbook-*") == []


def test_sweep_removes_only_dead_builds_folders_of_its_own_names(tmp_path):
    """Beside an output `site`: which folders a sweep takes."""
    out = tmp_path / "site"
    home = scratch.site_home(out)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()  # a process that has ended
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        cases = {  # name (in home, or beside the output with a leading "/"), removed
            f"site.new-{dead}-abcd_123": True,
            f"site.old-{dead}-abcd_123": True,
            f"public.new-{dead}-abcd_123": True,  # the home holds any output's
            f"site.new-{sleeper.pid}-abcd_123": False,  # its build runs
            f"site.new-{os.getpid()}-abcd_123": False,  # this process's
            f"site.new-{dead}-locked00": False,  # locked: a build in another pid namespace
            f"site.new-{dead}-abc": False,  # not Playbook's name
            f"notes-{dead}-abcd_123": False,
            f"/.site.new-{dead}-abcd_123": True,
            f"/.site.old-{dead}-abcd_123": True,
            f"/.public.new-{dead}-abcd_123": False,  # beside the output: only its own name
            f"/release.new-{dead}-abcd_123": False,
            f"/site.new-{dead}-abcd_123": False,
            "/.site.new-old_leg1": True,  # the names before the pid, an hour old
            "/.site.new-new_leg1": False,  # ... or younger
            "/.site.new-toolong_leg": False,
        }
        for name in cases:
            path = out.parent / name[1:] if name.startswith("/") else home / name
            (path / "customers").mkdir(parents=True)
            (path / "customers" / "index.html").write_text("customer data")
        an_hour_ago = time.time() - scratch.LEGACY_AGE - 60
        os.utime(out.parent / ".site.new-old_leg1", (an_hour_ago, an_hour_ago))
        (out.parent / "a-file.new-1-abcd_123").write_text("not a folder")
        lock = os.open(home / f"site.new-{dead}-locked00", os.O_RDONLY)
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a running build holds its own
        try:
            scratch.sweep_sites(out, home)
        finally:
            os.close(lock)
    finally:
        sleeper.kill()
        sleeper.wait()
    gone = {name: not (out.parent / name[1:] if name.startswith("/") else home / name).exists() for name in cases}
    assert gone == cases
    assert (out.parent / "a-file.new-1-abcd_123").is_file()


def test_temp_sweep_takes_dead_builds_memos(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    mine = scratch.in_temp("playbook-build-")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    for name in [f"playbook-build-{dead}-abcd_123", f"playbook-serve-{dead}-abcd_123", f"pytest-{dead}-abcd_123",
                 f"playbook-bench-{dead}-abcd_123"]:
        (tmp_path / name).mkdir()
    scratch.sweep_temp()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [mine.path.name, f"pytest-{dead}-abcd_123", f"playbook-bench-{dead}-abcd_123"])
    mine.remove()
    assert not mine.path.exists()
