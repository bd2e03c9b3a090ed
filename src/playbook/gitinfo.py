"""What git knows about the content: who last changed a file and when, who added it.

Read with a single `git log` over content/, only where the playbook is a git work tree;
everything works without git (the result is simply empty). The history is content too,
so builds stay deterministic: the same commits give the same facts.
"""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from pathlib import Path

from msgspec import field

from .records import Record


class Change(Record):
    """One commit's touch on a file."""

    date: date
    author: str
    email: str
    commit: str
    subject: str
    age: int = 0
    """Its place in the log, newest first (0): which of one day's commits came last."""


class GitInfo(Record):
    """Per file (path relative to the playbook root): the latest change and the change that added it."""

    last: dict[str, Change] = field(default_factory=dict)
    added: dict[str, Change] = field(default_factory=dict)
    log: tuple[tuple[Change, tuple[str, ...]], ...] = ()
    """Every commit touching content, newest first, with the files it touched."""

    def last_change(self, paths: list[str]) -> Change | None:
        found = [self.last[p] for p in paths if p in self.last]
        # Of one day's commits the latest in the log, not the one with the largest hash.
        return max(found, key=lambda c: (c.date, -c.age)) if found else None

    def changed_since(self, since: date) -> list[tuple[Change, tuple[str, ...]]]:
        return [(c, files) for c, files in self.log if c.date >= since]

    def changes_after(self, since: str) -> list[tuple[Change, tuple[str, ...]]] | None:
        """Changes on or after a date (YYYY-MM-DD) or after a commit (a hash prefix);
        None when the commit is not in the content's history."""
        try:
            return self.changed_since(date.fromisoformat(since))
        except ValueError:
            pass
        for k, (change, _) in enumerate(self.log):
            if since and change.commit.startswith(since):
                return list(self.log[:k])
        return None


def read_git(root: Path, subdir: str = "content") -> GitInfo:
    """Parse `git log` for `root/subdir`; an empty GitInfo outside a work tree or without git."""
    try:
        top = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel", "--show-prefix"],
                             capture_output=True, text=True, timeout=10)
        if top.returncode != 0:
            return GitInfo()
        prefix = top.stdout.splitlines()[1] if len(top.stdout.splitlines()) > 1 else ""
        out = subprocess.run(
            ["git", "-C", str(root), "-c", "core.quotepath=off", "log", "--no-renames", "--format=%x00%H%x09%aI%x09%an%x09%ae%x09%s",
             "--name-only", "--", subdir],
            capture_output=True, text=True, timeout=120, encoding="utf-8", errors="replace",
        )
    except (OSError, subprocess.SubprocessError):
        return GitInfo()
    if out.returncode != 0:
        return GitInfo()
    return parse_log(out.stdout, prefix)


def git_dirs(root: Path) -> tuple[Path, ...]:
    """The folders holding git's HEAD and refs for the playbook at `root`: its own `.git`, or
    the repository's when the playbook is a folder in one, or a worktree's and the repository's
    common one; () without git or a repository."""
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "--path-format=absolute", "--git-dir",
                               "--git-common-dir"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return ()
    if done.returncode != 0:
        return ()
    return tuple(dict.fromkeys(Path(line) for line in done.stdout.splitlines() if line.strip()))


def tracks(root: Path, rel: str) -> bool:
    """Whether git tracks any file under ROOT/`rel` (False without git or a repository)."""
    try:
        done = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--", rel], capture_output=True,
                              timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and bool(done.stdout)


def parse_log(text: str, prefix: str = "") -> GitInfo:
    """Parse the output of the `git log` call above (pure, for tests)."""
    last: dict[str, Change] = {}
    added: dict[str, Change] = {}
    log: list[tuple[Change, tuple[str, ...]]] = []
    for block in text.split("\x00")[1:]:
        lines = block.strip("\n").split("\n")
        head = lines[0].split("\t", 4)
        if len(head) < 5:
            continue
        sha, when, name, email, subject = head
        change = Change(datetime.fromisoformat(when).date(), name, email, sha, subject, len(log))
        files = tuple(f[len(prefix):] if prefix and f.startswith(prefix) else f for f in lines[1:] if f.strip())
        log.append((change, files))
        for f in files:
            last.setdefault(f, change)   # newest first: the first seen is the latest
            added[f] = change            # …and the last seen is the one that added it
    return GitInfo(last, added, tuple(log))


def team_handle(change: Change, team) -> str | None:
    """The team member behind a commit: by email first, then by name."""
    for m in team:
        if m.email and m.email.casefold() == change.email.casefold():
            return m.handle
    for m in team:
        if m.name.casefold() == change.author.casefold() or m.handle.casefold() == change.author.casefold():
            return m.handle
    return None


def fill_authors(playbook, git: GitInfo, team):
    """A copy of the playbook where interactions without `by` take the team member who
    committed the file (when the commit author is a known team member)."""
    from msgspec.structs import replace
    if not git.added:
        return playbook
    customers = []
    for c in playbook.customers:
        items = []
        for i in c.interactions:
            if i.by is None and i.source.path in git.added:
                handle = team_handle(git.added[i.source.path], team)
                if handle:
                    i = replace(i, by=handle, by_from_git=True)
            items.append(i)
        customers.append(replace(c, interactions=tuple(items)))
    return replace(playbook, customers=tuple(customers))
