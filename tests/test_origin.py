"""Where the running Playbook came from (origin.py), and the install line `playbook init`
writes for CI: it must install exactly the Playbook that wrote it, and work.

The slow test at the end does what a team's first CI run does, on this machine: a new
virtual environment, the generated workflow's install step as written, then its check and
build steps."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import REPO, run_cli
from playbook import __version__, origin
from playbook.origin import DIST, Checkout, Pin, git_url, pin_from, read_checkout, requirements_text

SHA = "0123456789abcdef0123456789abcdef01234567"


# -- git remotes as pip URLs ---------------------------------------------------------------------

@pytest.mark.parametrize("remote, url, local", [
    ("https://github.com/acme/playbook.git", "git+https://github.com/acme/playbook.git", False),
    # A token in the remote never reaches a file that is committed.
    ("https://maya:ghp_secret@github.com/acme/playbook.git", "git+https://github.com/acme/playbook.git", False),
    ("https://oauth2:glpat-x@gitlab.example:8443/t/playbook", "git+https://gitlab.example:8443/t/playbook", False),
    ("git@github.com:acme/playbook.git", "git+ssh://git@github.com/acme/playbook.git", False),
    ("ssh://git@git.example/acme/playbook.git", "git+ssh://git@git.example/acme/playbook.git", False),
    ("git+https://git.example/playbook", "git+https://git.example/playbook", False),
    # A place on this machine; pip 23 refuses a git+file URL without a host.
    ("file:///srv/git/playbook.git", "git+file://localhost/srv/git/playbook.git", True),
    ("git+file:///srv/git/play%20book.git", "git+file://localhost/srv/git/play%20book.git", True),
    ("/srv/git/playbook.git", "git+file://localhost/srv/git/playbook.git", True),
])
def test_git_url(remote: str, url: str, local: bool):
    assert git_url(remote) == (url, local)


# -- the requirement, case by case ----------------------------------------------------------------

def checkout(remote: str | None = "https://git.example/playbook.git", changed: tuple[str, ...] = (),
             pushed: bool = True) -> Checkout:
    return Checkout(Path("/src/playbook"), SHA, remote, changed, pushed)


EDITABLE = {"url": "file:///src/playbook", "dir_info": {"editable": True}}


def test_from_the_package_index():
    assert pin_from("0.3.0", None, None) == Pin(f"{DIST}==0.3.0", "version 0.3.0 from the package index")


def test_from_a_git_url():
    direct = {"url": "https://git.example/playbook.git",
              "vcs_info": {"vcs": "git", "commit_id": SHA, "requested_revision": "v0.3.0"}}
    assert pin_from("0.3.0", direct, None) == Pin(f"{DIST} @ git+https://git.example/playbook.git@{SHA}",
                                                  "commit 0123456789 of https://git.example/playbook.git")


def test_from_a_wheel_on_the_web_keeps_its_hash():
    direct = {"url": "https://files.example/playbook_crm-0.3.0-py3-none-any.whl",
              "archive_info": {"hashes": {"sha256": "ab" * 32}}}
    pin = pin_from("0.3.0", direct, None)
    assert pin.requirement == f"{DIST} @ {direct['url']}#sha256={'ab' * 32}" and pin.warnings == ()


def test_from_a_wheel_on_this_machine_asks_the_index_and_says_so():
    pin = pin_from("0.3.0", {"url": "file:///tmp/playbook_crm-0.3.0-py3-none-any.whl", "archive_info": {}}, None)
    assert pin.requirement == f"{DIST}==0.3.0"
    assert pin.warnings == ("Playbook was installed from the file /tmp/playbook_crm-0.3.0-py3-none-any.whl, which "
                            "CI cannot reach; requirements.txt asks for version 0.3.0 from the package index "
                            "instead. Publish it there, or change the line to where CI can download that file.",)


def test_from_a_clean_pushed_checkout():
    pin = pin_from("0.3.0", EDITABLE, checkout())
    assert pin == Pin(f"{DIST} @ git+https://git.example/playbook.git@{SHA}",
                      "commit 0123456789 of https://git.example/playbook.git")


def test_from_a_checkout_with_uncommitted_changes_pins_the_commit_and_says_it_lacks_them():
    pin = pin_from("0.3.0", EDITABLE, checkout(changed=("src/playbook/cli.py", "templates/base.html",
                                                        "src/playbook/a.py", "src/playbook/b.py")))
    assert pin.requirement == f"{DIST} @ git+https://git.example/playbook.git@{SHA}"
    assert pin.warnings == (
        "Playbook runs from the checkout /src/playbook with uncommitted changes (src/playbook/cli.py, "
        "templates/base.html, src/playbook/a.py and 1 more); requirements.txt pins commit 0123456789, which "
        "does not have them, so CI would not build the site as your copy does. Commit and push them, then "
        "put the new commit in requirements.txt.",)


def test_from_a_commit_not_pushed():
    (warning,) = pin_from("0.3.0", EDITABLE, checkout(pushed=False)).warnings
    assert warning == ("commit 0123456789 is not on any branch of https://git.example/playbook.git yet (as far "
                       "as /src/playbook knows); push it, or CI cannot fetch it.")


def test_from_a_checkout_without_a_remote_points_at_this_machine_and_says_so():
    pin = pin_from("0.3.0", EDITABLE, checkout(remote=None, pushed=False))
    assert pin.requirement == f"{DIST} @ git+file://localhost/src/playbook@{SHA}"
    assert pin.warnings == (
        "requirements.txt installs Playbook from /src/playbook, a place on this machine only, which CI "
        "cannot reach: push Playbook's repository where CI can clone it, and put that URL in requirements.txt.",)


def test_from_a_folder_that_is_no_checkout():
    pin = pin_from("0.3.0", {"url": "file:///opt/playbook", "dir_info": {}}, None)
    assert pin.requirement == f"{DIST}==0.3.0"
    assert "not a git checkout" in pin.warnings[0] and "/opt/playbook" in pin.warnings[0]


def test_from_a_folder_installed_without_editable_warns_the_commit_may_differ():
    pin = pin_from("0.3.0", {"url": "file:///src/playbook", "dir_info": {}}, checkout())
    assert pin.requirement == f"{DIST} @ git+https://git.example/playbook.git@{SHA}"
    assert pin.warnings[0].startswith("Playbook was installed from the folder /src/playbook (not from git)")


def test_requirements_text_is_one_requirement_and_comments():
    text = requirements_text(Pin(f"{DIST}==0.3.0", "from\nplaybook==6.6.6"))
    lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
    assert lines == [f"{DIST}==0.3.0"]  # a newline in the source description cannot add a line
    assert f"# Written by playbook {__version__}, from\\nplaybook==6.6.6." in text


# -- what git says about a checkout ---------------------------------------------------------------

def git(folder: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@x", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@x")
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "src/playbook").mkdir(parents=True)
    (src / "src/playbook/cli.py").write_text("x = 1\n")
    (src / "README.md").write_text("readme\n")
    git(src, "init", "-q", "-b", "main")
    git(src, "add", "-A")
    git(src, "commit", "-q", "-m", "one")
    return src


def test_read_checkout(repo: Path, tmp_path: Path):
    head = git(repo, "rev-parse", "HEAD")
    assert read_checkout(repo) == Checkout(repo, head, None, (), False)
    (repo / "README.md").write_text("docs do not run\n")
    (repo / "src/playbook/cli.py").write_text("x = 2\n")
    (repo / "src/playbook/new.py").write_text("")
    assert read_checkout(repo).changed == ("src/playbook/cli.py", "src/playbook/new.py")
    bare = tmp_path / "shared.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(repo, "remote", "add", "origin", str(bare))
    assert read_checkout(repo).remote == str(bare) and not read_checkout(repo).pushed
    git(repo, "push", "-q", "-u", "origin", "main")
    assert read_checkout(repo).pushed
    assert read_checkout(tmp_path / "nothing") is None


def test_the_running_playbook_is_found():
    from importlib.metadata import PackageNotFoundError, distribution
    try:
        distribution(DIST)
    except PackageNotFoundError:  # a checkout installed before the rename: pip install -e . again
        pytest.skip(f"this environment has no {DIST} installed; reinstall with pip install -e .")
    pin = origin.running_pin()
    assert pin.requirement.startswith(DIST)
    if (REPO / ".git").exists() and shutil.which("git"):
        # The suite runs from a checkout installed with pip install -e: pinned to its HEAD.
        head = git(REPO, "rev-parse", "HEAD")
        assert pin.requirement.endswith(f"@{head}"), pin


# -- init writes it, and the CI files install it ----------------------------------------------------

def ci_steps(root: Path) -> tuple[str, list[str], list[str]]:
    """The install command both CI files run, and the commands after it (GitHub's, GitLab's)."""
    gh = yaml.safe_load((root / ".github/workflows/playbook.yml").read_text())
    steps = {s.get("name"): s.get("run") for s in gh["jobs"]["build"]["steps"]}
    gl = yaml.safe_load((root / ".gitlab-ci.yml").read_text())
    (install,) = gl["default"]["before_script"]
    assert steps["Install Playbook"] == install
    return install, [steps["Check"], steps["Build"]], [gl["check"]["script"][0], gl["pages"]["script"][0]]


def test_init_pins_the_running_playbook(tmp_path: Path, monkeypatch):
    pin = Pin(f"{DIST} @ git+https://git.example/playbook.git@{SHA}", "commit 0123456789 of https://git.example",
              ("push it",))
    monkeypatch.setattr(origin, "running_pin", lambda: pin)
    code, out, err = run_cli(["init", str(tmp_path / "pb")])
    assert code == 0, err
    assert f"created requirements.txt  (CI installs {pin.requirement})" in out.splitlines()
    assert err == "playbook: warning: push it\n"
    assert (tmp_path / "pb/requirements.txt").read_text() == requirements_text(pin)
    install, _, _ = ci_steps(tmp_path / "pb")
    assert install == "pip install -r requirements.txt"
    # --force adds what is missing and never replaces a team's own pin.
    (tmp_path / "pb/requirements.txt").write_text("playbook-crm==9.9\n")
    code, out, err = run_cli(["init", str(tmp_path / "pb"), "--force"])
    assert (code, err) == (0, "") and "kept    requirements.txt (it exists; not overwritten)" in out
    assert (tmp_path / "pb/requirements.txt").read_text() == "playbook-crm==9.9\n"


@pytest.mark.slow
def test_the_generated_ci_installs_and_builds_in_a_clean_virtual_environment(tmp_path: Path, monkeypatch):
    """What a team's first CI run does: a new virtual environment, `pip install -r
    requirements.txt` as the workflow writes it, then the workflow's check and build steps.
    Playbook comes from this checkout's last commit through a git+file URL (what init pins
    for a checkout with no remote), so nothing but the libraries comes from the index."""
    if not (REPO / ".git").exists() or not shutil.which("git"):
        pytest.skip("needs this repository as a git checkout")
    head = git(REPO, "rev-parse", "HEAD")
    pin = pin_from(__version__, {"url": REPO.as_uri(), "dir_info": {"editable": True}},
                   Checkout(REPO, head, None, (), False))
    monkeypatch.setattr(origin, "running_pin", lambda: pin)
    root = tmp_path / "our-playbook"
    code, out, err = run_cli(["init", str(root)])
    assert code == 0, err
    assert f"(CI installs {DIST} @ git+file://localhost{REPO.as_uri()[7:]}@{head})" in out
    install, github, gitlab = ci_steps(root)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "PLAYBOOK"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"

    def step(command: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", "-c", command], cwd=root, env=env, capture_output=True, text=True,
                              timeout=600)

    done = step(install)
    assert done.returncode == 0, done.stdout + done.stderr
    assert shutil.which("playbook", path=str(venv / "bin")) == str(venv / "bin/playbook")
    assert step("playbook --version").stdout == f"playbook {__version__}\n"
    for command in (*github, *gitlab):
        done = step(command)
        assert done.returncode == 0, (command, done.stdout + done.stderr)
    assert (root / "site/index.html").is_file() and (root / "public/index.html").is_file()
