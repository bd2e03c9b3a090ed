"""Which playbook a command works on: the one way every command finds it.

A folder given on the command line (the positional folder or `--root`) must be a playbook
itself; with none, the working folder and then each folder above it are tried, as git finds
its repository. A playbook is a folder holding `playbook.yaml` or `content/` (either may be
broken: the loader then says what is wrong with it, rather than "not a playbook").
"""

from __future__ import annotations

import os
from pathlib import Path

from .config import CONFIG_FILE
from .problems import UsageError


class NotAPlaybook(UsageError):
    """No playbook where one was asked for (exit 2, like any usage fault)."""


def is_playbook(folder: Path) -> bool:
    """Whether `folder` holds playbook.yaml or content/ (links, even broken ones, count)."""
    return os.path.lexists(folder / CONFIG_FILE) or os.path.lexists(folder / "content")


def _enclosing(folder: Path) -> Path | None:
    return next((f for f in folder.parents if is_playbook(f)), None)


def find_playbook(given: Path | None, cwd: Path) -> Path:
    """The playbook folder, resolved: `given` itself, or the nearest of `cwd` and the folders
    above it. Raises NotAPlaybook with what to do instead."""
    if given is not None:
        if not given.exists():
            raise NotAPlaybook(f"{given}: no such folder")
        if not given.is_dir():
            raise NotAPlaybook(f"{given}: not a folder; give the playbook folder (the one holding "
                               "playbook.yaml or content/)")
        folder = given.resolve()
        if is_playbook(folder):
            return folder
        above = _enclosing(folder)
        hint = (f" It is inside the playbook {_shown(above, cwd)}: give that folder, or leave the folder "
                "out to find it from where you are." if above else
                f" Give the playbook's folder, or start one there with 'playbook init {given}'.")
        raise NotAPlaybook(f"{given} is not a playbook: it holds no playbook.yaml and no content/ folder.{hint}")
    start = cwd.resolve()
    for folder in (start, *start.parents):
        if is_playbook(folder):
            return folder
    raise NotAPlaybook(f"no playbook here: neither {start} nor any folder above it holds playbook.yaml or "
                       "content/. cd into your playbook, give its folder (--root DIR), or start one with "
                       "'playbook init DIR'")


def _shown(folder: Path, cwd: Path) -> str:
    rel = os.path.relpath(folder, cwd)
    return rel if rel == "." or not rel.startswith(".." + os.sep + ".." + os.sep + "..") else str(folder)
