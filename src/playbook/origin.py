"""Where the running Playbook came from, as a pip requirement that installs exactly it.

`playbook init` writes that requirement into the new playbook's requirements.txt, which its
CI installs: the name `playbook` on the package index belongs to an unrelated project, and
an unpinned install would run whatever was published last, not the version the team uses.

The facts come from the installed distribution's metadata (PEP 610's direct_url.json) and,
for an install from a local folder, from git in that folder. `pin_from` turns them into the
requirement and into warnings where the requirement cannot be the very code that runs: an
editable checkout with uncommitted changes, a commit not pushed, a folder CI cannot reach.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from . import __version__
from .problems import escape_controls
from .records import Record

#: Our name on the package index (`playbook` there is another project); the command and
#: the import package stay `playbook`.
DIST = "playbook-crm"

#: The files of a source checkout that make up what runs (the rest is tests and docs).
SOURCE_PATHS = ("src", "templates", "pyproject.toml")


class Checkout(Record):
    """A git checkout Playbook was installed from."""

    folder: Path
    """The folder pip installed from."""
    commit: str
    """HEAD's full hash."""
    remote: str | None
    """The URL of the remote the current branch tracks, else of 'origin', else of the only one."""
    changed: tuple[str, ...]
    """Files of SOURCE_PATHS that differ from HEAD (uncommitted or untracked)."""
    pushed: bool
    """HEAD is on a remote-tracking branch, as far as this checkout knows."""


class Pin(Record):
    """A requirement for the running Playbook, and what is worth knowing about it."""

    requirement: str
    """One line for requirements.txt."""
    source: str
    """Where it points, in words ('commit 1a2b3c4 of https://…')."""
    warnings: tuple[str, ...] = ()
    """Why CI might not get the very code that runs here, and what to do."""


def git_url(remote: str) -> tuple[str, bool]:
    """A git remote as pip's `git+` URL, without any password or token in it, and whether it
    is a place on this machine only (a path or file: URL)."""
    if re.match(r"^(git\+)?file:", remote):
        remote = unquote(urlsplit(remote.removeprefix("git+")).path)
    elif re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", remote):
        parts = urlsplit(remote)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        user = parts.username if parts.scheme == "ssh" and parts.username else ""  # https tokens stay out
        netloc = f"{user}@{host}" if user else host
        url = urlunsplit((parts.scheme, netloc, parts.path, "", ""))
        return (url if url.startswith("git+") else f"git+{url}"), False
    scp = re.match(r"^(?:([^@/]+)@)?([^:/]+):(?!/)(.*)$", remote)
    if scp:  # git@host:org/repo.git
        user = f"{scp.group(1)}@" if scp.group(1) else ""
        return f"git+ssh://{user}{scp.group(2)}/{scp.group(3)}", False
    # With 'localhost': pip's requirement parser (pip 23) refuses a git+file URL without a host.
    return f"git+file://localhost{Path(remote).resolve().as_uri().removeprefix('file://')}", True


def _short(commit: str) -> str:
    return commit[:10]


def _listed(paths: tuple[str, ...], most: int = 3) -> str:
    shown = ", ".join(paths[:most])
    return shown + (f" and {len(paths) - most} more" if len(paths) > most else "")


def pin_from(version: str, direct_url: dict | None, checkout: Checkout | None) -> Pin:
    """The requirement for Playbook `version`, installed as `direct_url` (PEP 610; None for
    an install from the package index) from `checkout` (for a local folder that is a git
    checkout). Pure: the facts are read by `running_pin`."""
    index = f"{DIST}=={version}"
    if direct_url is None:
        return Pin(index, f"version {version} from the package index")
    url = str(direct_url.get("url", ""))
    vcs = direct_url.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id"):
        where, local = git_url(url)
        pin = Pin(f"{DIST} @ {where}@{vcs['commit_id']}", f"commit {_short(vcs['commit_id'])} of {_shown(where)}")
        if local:
            return Pin(pin.requirement, pin.source, (_local_only(_shown(where)),))
        return pin
    if "archive_info" in direct_url:
        if url.startswith(("https://", "http://")):
            hashes = direct_url["archive_info"].get("hashes") or {}
            frag = f"#sha256={hashes['sha256']}" if "sha256" in hashes else ""
            return Pin(f"{DIST} @ {url}{frag}", url)
        return Pin(index, f"version {version} from the package index", (
            f"Playbook was installed from the file {_path(url)}, which CI cannot reach; requirements.txt "
            f"asks for version {version} from the package index instead. Publish it there, or change the "
            "line to where CI can download that file.",))
    folder = _path(url)
    editable = bool((direct_url.get("dir_info") or {}).get("editable"))
    if checkout is None:
        return Pin(index, f"version {version} from the package index", (
            f"Playbook runs from the folder {folder}, which is not a git checkout, so CI cannot install "
            f"that very code; requirements.txt asks for version {version} from the package index. Change "
            "the line to a git URL with a commit (or a wheel) CI can reach.",))
    remote = checkout.remote
    where, local = git_url(remote) if remote else (git_url(str(checkout.folder))[0], True)
    requirement = f"{DIST} @ {where}@{checkout.commit}"
    source = f"commit {_short(checkout.commit)} of {_shown(where)}"
    warnings = []
    if editable and checkout.changed:
        warnings.append(
            f"Playbook runs from the checkout {folder} with uncommitted changes ({_listed(checkout.changed)}); "
            f"requirements.txt pins commit {_short(checkout.commit)}, which does not have them, so CI would not "
            "build the site as your copy does. Commit and push them, then put the new commit in requirements.txt.")
    if not editable:
        warnings.append(
            f"Playbook was installed from the folder {folder} (not from git); requirements.txt pins that "
            f"folder's commit now, {_short(checkout.commit)}, which may not be what was installed. "
            "Check `playbook --version` against it.")
    if local:
        warnings.append(_local_only(_shown(where)))
    elif not checkout.pushed:
        warnings.append(f"commit {_short(checkout.commit)} is not on any branch of {_shown(where)} yet (as far as "
                        f"{folder} knows); push it, or CI cannot fetch it.")
    return Pin(requirement, source, tuple(warnings))


def _local_only(where: str) -> str:
    return (f"requirements.txt installs Playbook from {where}, a place on this machine only, which CI "
            "cannot reach: push Playbook's repository where CI can clone it, and put that URL in "
            "requirements.txt.")


def _shown(where: str) -> str:
    """A `git+` URL as people write it: without the prefix, and a file: URL as its path."""
    url = where.removeprefix("git+")
    return _path(url)


def _path(url: str) -> str:
    return unquote(urlsplit(url).path) if url.startswith("file:") else url


def _git(folder: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def read_checkout(folder: Path) -> Checkout | None:
    """What git says about `folder`, or None when it is not a git checkout (or git is missing)."""
    commit = (_git(folder, "rev-parse", "--verify", "HEAD") or "").strip()
    if not commit:
        return None
    upstream = (_git(folder, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}") or "").strip()
    remotes = (_git(folder, "remote") or "").split()
    name = upstream.split("/", 1)[0] if upstream and upstream.split("/", 1)[0] in remotes else None
    name = name or ("origin" if "origin" in remotes else (remotes[0] if len(remotes) == 1 else None))
    remote = (_git(folder, "remote", "get-url", name) or "").strip() if name else None
    present = [p for p in SOURCE_PATHS if (folder / p).exists()] or ["."]
    status = _git(folder, "-c", "core.quotepath=off", "status", "--porcelain", "--untracked-files=all",
                  "--", *present) or ""
    changed = tuple(line[3:] for line in status.splitlines() if len(line) > 3)
    pushed = bool((_git(folder, "branch", "-r", "--contains", commit) or "").strip())
    return Checkout(folder, commit, remote or None, changed, pushed)


def running_pin() -> Pin:
    """The requirement for the Playbook that is running now."""
    from importlib.metadata import PackageNotFoundError, distribution
    try:
        dist = distribution(DIST)
    except PackageNotFoundError:
        return Pin(f"{DIST}=={__version__}", f"version {__version__} from the package index", (
            f"Playbook is not installed as the package {DIST} (it runs from its source); requirements.txt "
            f"asks for version {__version__} from the package index. Reinstall it "
            f"(pip install -e .) in its checkout and run init again, or change the line.",))
    raw = dist.read_text("direct_url.json")
    try:
        direct = json.loads(raw) if raw else None
    except ValueError:
        direct = None
    direct = direct if isinstance(direct, dict) else None
    checkout = None
    if direct and "dir_info" in direct and str(direct.get("url", "")).startswith("file:"):
        checkout = read_checkout(Path(_path(direct["url"])))
    return pin_from(dist.version, direct, checkout)


def requirements_text(pin: Pin) -> str:
    """requirements.txt for a new playbook: the pin, and what it is for."""
    return (
        "# The Playbook that CI installs ('pip install -r requirements.txt' in .github/workflows/playbook.yml\n"
        "# and .gitlab-ci.yml), and that everyone on the team can install the same way:\n"
        "#   python3 -m venv .venv && .venv/bin/python -m pip install -r requirements.txt\n"
        "# It is pinned to the Playbook that ran 'playbook init' here, so CI builds the site with the\n"
        "# version you use. To upgrade, change the line below (and commit). Its package is called\n"
        f"# {DIST}; 'playbook' on the package index is an unrelated project.\n"
        f"# Written by playbook {__version__}, {escape_controls(pin.source)}.\n"
        f"{pin.requirement}\n"
    )
